"""Static word vectors for the NER model, trained here from in-domain text (`trialgraph train vectors`).

The texts: the unlabeled clinical-trial prose of `corpora/unlabeled/*.txt.gz` (or any `texts` given) and the
texts of the gold corpora's training groups (`pipeline.train.pretrain.unlabeled_texts`: never a dev group,
never a label). Every line is tokenized by the pipeline's own tokenizer (`trialgraph.Tokenizer.v1`) and each
token stands as its NORM (lowercase), the attribute the NER's hash embedding reads, so that "Sorafenib" and
"sorafenib" learn one vector. Two methods (`VectorSettings.method`):
- `word2vec` (the default): gensim's word2vec (CBOW, one worker thread, fixed seed) learns the vectors; spaCy's
  `init vectors` turns them into a table, pruned to `rows` rows (a word beyond them points to its nearest row).
  spaCy's vectors layer looks words up by ORTH (a table of its default mode does not keep another key attribute
  when saved), so every other surface form the texts show of a word ("Sorafenib", "SORAFENIB") is added as a
  key of its NORM's row.
- `floret`: floret (fastText with hashed subwords; CBOW, one thread, its own fixed seed) learns `bucket` rows shared by
  the words and their character n-grams (`minn`..`maxn` characters, each hashed to `hash_count` rows);
  `spacy init vectors --mode floret --attr NORM` writes the table. Every word, seen or not, has a vector (the sum
  of its n-grams' rows), looked up by its NORM, which a floret table keeps in its `vectors.cfg`.
`max_text_tokens` caps what the unlabeled texts contribute (a subset, in file order; the gold training texts are
always read in full).
gensim or floret is needed to train only: the product reads the spaCy table.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline.resources import model_path

DEFAULT_OUTPUT = model_path("vectors")
DEFAULT_WORK_DIR = Path("build/vectors")
UNLABELED_DIR = "unlabeled"
RECORD_NAME = "training.json"
VECTORS_ATTR = "NORM"  # the words word2vec learns: the NER's hash embedding reads NORM (models/ner/config.cfg)
_HEADER_PREFIX = "# "  # "# PMC1065065", "# NCT00000102": the line that opens each document of the unlabeled files
METHODS = ("word2vec", "floret")
_NAMES = {"word2vec": "trialgraph_cbow", "floret": "trialgraph_floret"}  # the table's name when none is given


@dataclass(frozen=True)
class VectorSettings:
    """The method, its settings and the size of the table. `rows` is the word2vec table's rows (the most frequent
    words); a floret table has `bucket` rows, shared by words and n-grams of `minn`..`maxn` characters, each
    hashed to `hash_count` rows. `max_text_tokens` (0: all) caps the tokens the unlabeled texts contribute."""

    dim: int = 200
    epochs: int = 5
    window: int = 5
    min_count: int = 5
    negative: int = 5
    sample: float = 1e-4
    rows: int = 50_000
    seed: int = 0
    name: str = ""  # default: trialgraph_cbow (word2vec), trialgraph_floret (floret)
    method: str = "word2vec"
    bucket: int = 50_000
    minn: int = 4
    maxn: int = 5
    hash_count: int = 2
    max_text_tokens: int = 0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown vectors method {self.method!r}: one of {', '.join(METHODS)}")
        if self.method == "floret" and self.seed != 0:
            raise ValueError("floret trains with a fixed seed of its own (a seed set through its arguments was "
                             "measured to change nothing): use seed 0 with --method floret")
        if not self.name:
            object.__setattr__(self, "name", _NAMES[self.method])


def default_texts(corpora_dir: Path) -> list[Path]:
    """The unlabeled text files of `corpora_dir/unlabeled` (`*.txt` and `*.txt.gz`), sorted."""
    folder = Path(corpora_dir) / UNLABELED_DIR
    return sorted([*folder.glob("*.txt"), *folder.glob("*.txt.gz")])


def read_text_lines(path: Path) -> Iterator[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            line = line.strip()
            if line and not line.startswith(_HEADER_PREFIX):
                yield line


def text_lines(texts: Iterable[Path], gold_texts: dict[str, list[str]]) -> Iterator[str]:
    """Every non-empty line of the text files (without their document headers), then of the gold texts."""
    for path in texts:
        yield from read_text_lines(Path(path))
    for items in gold_texts.values():
        for text in items:
            yield from (line.strip() for line in text.splitlines() if line.strip())


def write_token_file(lines: Iterable[str], path: Path, forms_path: Path, *, max_tokens: int = 0,
                     then: Iterable[str] = ()) -> dict[str, int]:
    """Tokenizes each line with the pipeline's tokenizer and writes its NORMs, space-separated, one line per
    line (whitespace tokens left out) to `path`, and each surface form that differs from its NORM, tab, the NORM,
    to `forms_path` (once each, in order of first sight); returns the lines, tokens and forms written. With
    `max_tokens`, the lines of `lines` stop once that many tokens are written (the line that reaches it included);
    the lines of `then` are all written after them."""
    from pipeline.nlp.language import build_nlp

    nlp = build_nlp(components=())
    counts = {"lines": 0, "tokens": 0}
    forms: dict[str, str] = {}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for source, cap in ((lines, max_tokens), (then, 0)):
            start = counts["tokens"]
            for doc in nlp.tokenizer.pipe(source, batch_size=1000):
                if cap and counts["tokens"] - start >= cap:
                    break
                norms = []
                for token in doc:
                    if token.is_space or any(c.isspace() for c in token.text + token.norm_):
                        continue
                    norms.append(token.norm_)
                    if token.text != token.norm_:
                        forms.setdefault(token.text, token.norm_)
                if norms:
                    out.write(" ".join(norms) + "\n")
                    counts["lines"] += 1
                    counts["tokens"] += len(norms)
    forms_path.write_text("".join(f"{form}\t{norm}\n" for form, norm in forms.items()), encoding="utf-8")
    return {**counts, "forms": len(forms)}


def add_surface_forms(output_dir: Path, forms_path: Path) -> int:
    """Adds each surface form of `forms_path` as a key of its NORM's row in the table of `output_dir` (spaCy looks
    vectors up by ORTH); returns the keys added. A form already a key keeps its own row."""
    import spacy

    nlp = spacy.load(output_dir)
    vectors = nlp.vocab.vectors
    added = 0
    for line in forms_path.read_text(encoding="utf-8").splitlines():
        form, norm = line.split("\t")
        row = vectors.key2row.get(nlp.vocab.strings[norm]) if norm in nlp.vocab.strings else None
        key = nlp.vocab.strings.add(form)
        if row is not None and key not in vectors.key2row:
            vectors.add(key, row=row)
            added += 1
    nlp.to_disk(output_dir)
    return added


def train_word2vec(token_file: Path, settings: VectorSettings, out_path: Path) -> dict[str, Any]:
    """word2vec CBOW on the token file, one worker thread and `settings.seed`: the same file gives the same
    vectors. Writes them in word2vec's text format, most frequent word first; returns the vocabulary size."""
    try:
        import gensim
        from gensim.models import Word2Vec
        from gensim.models.word2vec import LineSentence
    except ImportError as exc:  # only training needs gensim
        raise ImportError("training word vectors needs gensim: pip install -e '.[train]'") from exc

    model = Word2Vec(LineSentence(str(token_file)), vector_size=settings.dim, window=settings.window,
                     min_count=settings.min_count, negative=settings.negative, sample=settings.sample,
                     epochs=settings.epochs, sg=0, seed=settings.seed, workers=1)
    model.wv.save_word2vec_format(str(out_path), binary=False)
    return {"vocabulary": len(model.wv.index_to_key), "gensim_version": gensim.__version__}


def train_floret(token_file: Path, settings: VectorSettings, out_path: Path) -> dict[str, Any]:
    """floret CBOW in floret mode on the token file: `settings.bucket` rows for the words and their n-grams of
    `minn`..`maxn` characters (each hashed to `hash_count` rows), one thread: the same file gives the same vectors
    (floret 0.10.5 trains with a fixed seed of its own, which it does not let a caller change). Writes them in
    floret's text format (the `.floret` file spaCy reads); returns the vocabulary size (words seen `min_count`
    times)."""
    try:
        import floret as floret_module
    except ImportError as exc:  # only training needs floret
        raise ImportError("training floret vectors needs floret: pip install -e '.[train]'") from exc

    params = {"input": str(token_file), "model": "cbow", "mode": "floret", "dim": settings.dim, "ws": settings.window,
              "epoch": settings.epochs, "minCount": settings.min_count, "neg": settings.negative, "t": settings.sample,
              "bucket": settings.bucket, "minn": settings.minn, "maxn": settings.maxn, "hashCount": settings.hash_count,
              "thread": 1, "verbose": 0}
    model = floret_module.train_unsupervised(**params)
    model.save_floret_vectors(str(out_path))
    from importlib.metadata import version

    # fastText's vocabulary holds its end-of-line word "</s>", not a word of the texts
    return {"vocabulary": sum(word != "</s>" for word in model.words), "floret_version": version("floret")}


def init_spacy_vectors(vectors_text: Path, output_dir: Path, settings: VectorSettings) -> None:
    """`spacy init vectors` on the trained file: for word2vec a table of the NORMs, pruned to `settings.rows`
    rows; for floret a floret-mode table looked up by NORM."""
    command = [sys.executable, "-m", "spacy", "init", "vectors", "en", str(vectors_text), str(output_dir),
               "--name", settings.name]
    if settings.method == "floret":
        command += ["--mode", "floret", "--attr", VECTORS_ATTR]
    else:
        command += ["--prune", str(settings.rows)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"`{' '.join(command)}` failed:\n{done.stderr or done.stdout}")


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes (first 16 hex digits)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def table_digest(output_dir: Path) -> str:
    """One digest of the table's files (vectors, key2row, vectors.cfg): equal tables, equal digests."""
    from pipeline.nlp.trained_ner import VECTOR_FILES

    vocab = Path(output_dir) / "vocab"
    digest = hashlib.sha256()
    for name in VECTOR_FILES:
        digest.update(name.encode() + b"\0" + bytes.fromhex(file_digest(vocab / name)))
    return digest.hexdigest()[:16]


def train_vectors(
    corpora_dir: Path | None,
    output_dir: Path = DEFAULT_OUTPUT,
    work_dir: Path = DEFAULT_WORK_DIR,
    settings: VectorSettings = VectorSettings(),
    texts: Iterable[Path] | None = None,
) -> dict[str, Any]:
    """Tokenize, train and write the table to `output_dir` with a record (`training.json`) of its inputs (sha256
    of each file read), settings, sizes and minutes; returns the record. `texts` default to the unlabeled files
    of `corpora_dir`; the gold corpora of `corpora_dir` add the texts of their training groups (none without
    `corpora_dir`)."""
    import spacy

    from pipeline.train.corpora import read_all, source_digests
    from pipeline.train.pretrain import unlabeled_texts

    started = time.time()
    texts = [Path(p) for p in (texts if texts is not None else default_texts(corpora_dir) if corpora_dir else [])]
    missing = [str(p) for p in texts if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"no such text file: {', '.join(missing)}")
    gold_texts: dict[str, list[str]] = {}
    sources: dict[str, str] = {}
    if corpora_dir is not None:
        gold_texts = unlabeled_texts(corpora_dir, read_all(corpora_dir))
        sources.update(source_digests(corpora_dir))
    if not texts and not gold_texts:
        raise FileNotFoundError(f"no texts to train vectors on: {corpora_dir}/{UNLABELED_DIR} holds no *.txt(.gz) "
                                "and no gold corpora were given; pass --corpora DIR or --texts FILE")
    sources.update({_shown(p, corpora_dir): file_digest(p) for p in texts})
    work_dir = Path(work_dir)
    token_file, forms_file = work_dir / "tokens.txt", work_dir / "forms.tsv"
    counts = write_token_file(text_lines(texts, {}), token_file, forms_file, max_tokens=settings.max_text_tokens,
                              then=text_lines([], gold_texts))
    tokenized = time.time()
    if settings.method == "floret":
        vectors_text = work_dir / "vectors.floret"
        trained = train_floret(token_file, settings, vectors_text)
    else:
        vectors_text = work_dir / "vectors.txt"
        trained = train_word2vec(token_file, settings, vectors_text)
    learned = time.time()
    output_dir = Path(output_dir)
    for old in ("vocab", "tokenizer", "config.cfg", "meta.json"):
        path = output_dir / old
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    init_spacy_vectors(vectors_text, output_dir, settings)
    # a floret table is looked up by NORM (its vectors.cfg keeps the attribute): no surface-form keys to add
    added = add_surface_forms(output_dir, forms_file) if settings.method == "word2vec" else 0
    table = spacy.load(output_dir).vocab.vectors
    shown = asdict(settings)
    for name in (("bucket", "minn", "maxn", "hash_count") if settings.method == "word2vec" else ("rows",)):
        shown.pop(name)  # settings the method does not read
    algorithm = {"word2vec": "word2vec CBOW (gensim), one worker",
                 "floret": "floret CBOW, floret mode (hashed subwords), one thread"}[settings.method]
    record = {
        "settings": {**shown, "algorithm": algorithm, "words": VECTORS_ATTR},
        "sources": sources,
        "gold_texts": {source: len(items) for source, items in gold_texts.items()},
        "tokens_file_sha256": file_digest(token_file),
        **counts,
        **trained,
        "surface_form_keys": added,
        "rows": int(table.shape[0]),
        "width": int(table.shape[1]),
        "keys": int(table.n_keys),
        "table_sha256": table_digest(output_dir),
        "spacy_version": spacy.__version__,
        "minutes": {"tokenizing": round((tokenized - started) / 60, 1),
                    settings.method: round((learned - tokenized) / 60, 1),
                    "all": round((time.time() - started) / 60, 1)},
    }
    (output_dir / RECORD_NAME).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return record


def _shown(path: Path, corpora_dir: Path | None) -> str:
    """`path` below `corpora_dir` when it is there, else its name."""
    if corpora_dir is not None:
        try:
            return str(Path(path).resolve().relative_to(Path(corpora_dir).resolve()))
        except ValueError:
            pass
    return Path(path).name
