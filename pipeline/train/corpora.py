"""Gold texts for NER training, read from the raw files of ADE-Corpus-V2, BC5CDR and TAC 2017.

Each corpus names its mentions differently; the model learns two labels (models/ner/README.md):

| corpus | gold type | model label |
|---|---|---|
| ADE-Corpus-V2 | drug | DRUG |
| ADE-Corpus-V2 | adverse effect | DISEASE |
| BC5CDR | Chemical | DRUG |
| BC5CDR | Disease | DISEASE |
| TAC 2017 | AdverseReaction | DISEASE |

DISEASE is the lexicon's label too: the context component decides ADVERSE_EVENT or CONDITION for both.
ADE-Corpus-V2 annotates only the drugs and effects of an adverse-event pair, and TAC only adverse
reactions, so their texts are *partial*: other drug or disease words in them are unknown, not negative.

Splits are by document group (a PMID, or a drug label), so a group never straddles two splits:
BC5CDR keeps its own training and development files; ADE-Corpus-V2 and TAC put one group in five into
`dev` by a hash of its name. One training group in ten is `valid`, used only to pick the best checkpoint.
"""
from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

LABELS = ("DRUG", "DISEASE")
SPLITS = ("train", "valid", "dev")
ADE_DIR, BC5CDR_DIR, TAC_DIR = "ade_corpus_v2", "bc5cdr", "tac2017_adr"
CORPORA = {"ade": ADE_DIR, "bc5cdr": BC5CDR_DIR, "tac": TAC_DIR}  # name -> folder under the corpora folder
BC5CDR_FILES = {"CDR_TrainingSet.PubTator.txt": "train", "CDR_DevelopmentSet.PubTator.txt": "dev"}
_BC5CDR_LABELS = {"Chemical": "DRUG", "Disease": "DISEASE"}
_DEV_BUCKETS, _VALID_BUCKETS = 5, 10


@dataclass
class GoldText:
    """One annotated text: `spans` are (start_char, end_char, label); `unknown` are character ranges
    whose annotation is missing (discontiguous mentions); `partial` marks texts that annotate only some
    of the drugs and diseases they name. BC5CDR texts also give each span's MeSH ids (`mesh`, by span)
    and the document's chemical-induced-disease pairs of MeSH ids (`induced`); ADE-Corpus-V2 sentences their
    related phrases (`pairs`: `(relation label, drug, adverse effect or dose)`)."""

    corpus: str
    group: str
    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    unknown: list[tuple[int, int]] = field(default_factory=list)
    partial: bool = False
    split: str = "train"
    mesh: dict[tuple[int, int], frozenset[str]] = field(default_factory=dict)
    induced: set[tuple[str, str]] = field(default_factory=set)
    pairs: set[tuple[str, str, str]] = field(default_factory=set)


def _bucket(name: str, buckets: int) -> int:
    return int(hashlib.md5(name.encode("utf-8")).hexdigest(), 16) % buckets


def split_of(corpus: str, group: str, given: str | None = None, dev_fold: int = 0) -> str:
    """`train`, `valid` or `dev` for a document group; `given` is the corpus's own split if it has one. The
    groups hashing into fifth `dev_fold` (0 to 4) are `dev`: 0 is the dev split, the others serve
    cross-validation (bench/tac_crossval.py)."""
    if not 0 <= dev_fold < _DEV_BUCKETS:
        raise ValueError(f"dev_fold must be 0 to {_DEV_BUCKETS - 1}, not {dev_fold}")
    split = given or ("dev" if _bucket(f"{corpus}:{group}", _DEV_BUCKETS) == dev_fold else "train")
    if split == "train" and _bucket(f"valid:{corpus}:{group}", _VALID_BUCKETS) == 0:
        return "valid"
    return split


def _occurrences(text: str, phrase: str) -> Iterator[tuple[int, int]]:
    """Every whole-word occurrence of `phrase` in `text`."""
    for m in re.finditer(re.escape(phrase), text):
        start, end = m.span()
        if (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            yield start, end


def read_ade(folder: Path) -> list[GoldText]:
    """Positive sentences of ADE-Corpus-V2 (DRUG-AE.rel, DRUG-DOSE.rel), drugs and adverse effects located
    in their sentence; negative sentences carry no mentions and are left out."""
    sentences: dict[tuple[str, str], GoldText] = {}
    for name, other_label in (("DRUG-AE.rel", "DISEASE"), ("DRUG-DOSE.rel", None)):
        for line in (folder / name).read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split("|")
            if len(parts) < 8:
                continue
            pmid, text, other, drug = parts[0], parts[1], parts[2], parts[5]
            gold = sentences.setdefault((pmid, text), GoldText("ade", pmid, text, partial=True))
            gold.pairs.add(("HAS_ADVERSE_EVENT" if other_label else "HAS_DOSE", drug, other))
            for phrase, label in ((drug, "DRUG"), (other, other_label)):
                if label:
                    gold.spans += [(s, e, label) for s, e in _occurrences(text, phrase) if (s, e, label) not in gold.spans]
    for gold in sentences.values():
        gold.split = split_of("ade", gold.group)
    return list(sentences.values())


def ade_negative_sentences(folder: Path) -> list[tuple[str, str]]:
    """(PMID, sentence) of every line of ADE-Corpus-V2's ADE-NEG.txt: sentences that state no adverse event."""
    out = []
    for line in (folder / "ADE-NEG.txt").read_text(encoding="utf-8", errors="replace").splitlines():
        m = re.match(r"(\d+) NEG (.*)", line)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def read_bc5cdr(folder: Path) -> list[GoldText]:
    """BC5CDR abstracts (title + " " + abstract, as the scorer builds them), both files, with MeSH ids and
    chemical-induced-disease pairs."""
    out = []
    for name, given in BC5CDR_FILES.items():
        blocks = (folder / name).read_text(encoding="utf-8").strip().split("\n\n")
        for block in blocks:
            lines = block.strip().split("\n")
            pmid, _, title = lines[0].split("|", 2)
            abstract = lines[1].split("|", 2)[2]
            gold = GoldText("bc5cdr", pmid, f"{title} {abstract}", split=split_of("bc5cdr", pmid, given))
            for line in lines[2:]:
                fields = line.split("\t")
                if len(fields) >= 5 and fields[1].isdigit() and fields[4] in _BC5CDR_LABELS:
                    start, end = int(fields[1]), int(fields[2])
                    gold.spans.append((start, end, _BC5CDR_LABELS[fields[4]]))
                    if len(fields) >= 6:
                        gold.mesh[(start, end)] = frozenset(fields[5].split("|")) - {"-1"}
                elif len(fields) >= 4 and fields[1] == "CID":
                    gold.induced.add((fields[2], fields[3]))
            out.append(gold)
    return out


def read_tac(folder: Path, dev_fold: int = 0) -> list[GoldText]:
    """Sections of the TAC 2017 drug labels with their AdverseReaction mentions; discontiguous mentions
    are unknown ranges. The labels of fifth `dev_fold` are `dev` (`split_of`)."""
    out = []
    for path in sorted(folder.glob("*.xml")):
        root = ET.parse(path).getroot()
        split = split_of("tac", path.stem, dev_fold=dev_fold)
        sections = {
            s.get("id"): GoldText("tac", path.stem, s.text or "", partial=True, split=split) for s in root.iter("Section")
        }
        for mention in root.iter("Mention"):
            gold = sections.get(mention.get("section"))
            if gold is None or mention.get("type") != "AdverseReaction":
                continue
            starts = [int(s) for s in mention.get("start", "").split(",")]
            lengths = [int(n) for n in mention.get("len", "").split(",")]
            ranges = [(s, s + n) for s, n in zip(starts, lengths)]
            if len(ranges) == 1:
                gold.spans.append((*ranges[0], "DISEASE"))
            else:
                gold.unknown += ranges
        out += [gold for gold in sections.values() if gold.text.strip()]
    return out


def tac_folder(corpora_dir: Path) -> Path:
    """The folder of the TAC 2017 label files under `corpora_dir`."""
    tac = Path(corpora_dir) / TAC_DIR
    return tac / "train_xml" if (tac / "train_xml").is_dir() else tac


def corpus_names(names: Iterable[str]) -> tuple[str, ...]:
    """`names` checked against `CORPORA` and put in its order; a clear error for an unknown or empty choice."""
    chosen = set(names)
    unknown = sorted(chosen - set(CORPORA))
    if unknown or not chosen:
        raise ValueError(f"unknown corpus {', '.join(unknown) or '(none given)'}: choose among {', '.join(CORPORA)}")
    return tuple(name for name in CORPORA if name in chosen)


def corpus_choice(text: str) -> dict[str, int]:
    """The corpora to train on and how many times each one's training texts are seen per epoch, from a list such
    as "ade,bc5cdr:2,tac" (a name alone counts once)."""
    repeats: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, times = item.partition(":")
        if times and not (times.isdigit() and int(times) > 0):
            raise ValueError(f"{item!r}: the repeat count after ':' must be a whole number above 0")
        repeats[name.strip()] = int(times or 1)
    return {name: repeats[name] for name in corpus_names(repeats)}


def read_all(corpora_dir: Path, tac_dev_fold: int = 0, corpora: Iterable[str] = tuple(CORPORA)) -> list[GoldText]:
    """Every gold text of `corpora` (default all three) under `corpora_dir` (the shared `corpora/` folder); the
    TAC 2017 labels of fifth `tac_dev_fold` are `dev`."""
    corpora_dir, names = Path(corpora_dir), corpus_names(corpora)
    missing = [CORPORA[name] for name in names if not (corpora_dir / CORPORA[name]).is_dir()]
    if missing:
        raise FileNotFoundError(f"{corpora_dir} lacks {', '.join(missing)}: pass the folder holding the gold corpora")
    readers = {"ade": lambda: read_ade(corpora_dir / ADE_DIR), "bc5cdr": lambda: read_bc5cdr(corpora_dir / BC5CDR_DIR),
               "tac": lambda: read_tac(tac_folder(corpora_dir), tac_dev_fold)}
    return [gold for name in names for gold in readers[name]()]


def source_digests(corpora_dir: Path, corpora: Iterable[str] = tuple(CORPORA)) -> dict[str, str]:
    """sha256 (first 16 hex digits) of every gold file `read_all` reads for `corpora`, keyed by its path below
    `corpora_dir`."""
    corpora_dir, names = Path(corpora_dir), corpus_names(corpora)
    files = {"ade": [corpora_dir / ADE_DIR / n for n in ("DRUG-AE.rel", "DRUG-DOSE.rel")],
             "bc5cdr": [corpora_dir / BC5CDR_DIR / n for n in BC5CDR_FILES],
             "tac": sorted((corpora_dir / TAC_DIR).rglob("*.xml"))}
    digest = {}
    for path in (path for name in names for path in files[name]):
        digest[str(path.relative_to(corpora_dir))] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return digest
