"""Word classes from the static vectors (`trialgraph train word-classes`; read by pipeline/nlp/word_classes.py).

The words: every lowercase word (`WORD` below) seen `min_count` times or more in the unlabeled texts of
`corpora/unlabeled`. Each word's vector comes from the table of models/vectors (a floret table gives every word
one), scaled to unit length; scikit-learn's k-means (`MiniBatchKMeans`, fixed seed) puts them in `classes` classes.
The table and a record (`word_classes.json`: settings, the vectors table's digest, the digest of each text read)
are written beside the vectors. A minute on 2 cores; the role and relation models are then refitted on them.
"""
from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline.nlp.word_classes import DEFAULT_CLASSES, WordClasses
from pipeline.resources import model_path
from pipeline.train.vectors import read_text_lines, default_texts, file_digest, table_digest

RECORD_NAME = "word_classes.json"
WORD = re.compile(r"[a-z][a-z0-9'+-]*[a-z0-9]|[a-z]")  # "developed", "5-fu" -> "fu", "il-21", "crohn's"


@dataclass(frozen=True)
class WordClassSettings:
    """How many classes, how often a word must occur to get one, the k-means seed and restarts."""

    classes: int = 64
    min_count: int = 5
    seed: int = 0
    restarts: int = 3


def count_words(texts: Iterable[Path]) -> Counter[str]:
    """How often each lowercase word occurs in the text files (their document header lines left out)."""
    counts: Counter[str] = Counter()
    for path in texts:
        for line in read_text_lines(Path(path)):
            counts.update(WORD.findall(line.lower()))
    return counts


def cluster_words(words: list[str], vectors_dir: Path, settings: WordClassSettings) -> WordClasses:
    """The class of each word: k-means over the words' unit-length vectors from the table in `vectors_dir`."""
    import numpy
    import spacy
    from sklearn.cluster import MiniBatchKMeans

    if len(words) < settings.classes:
        raise ValueError(f"{len(words)} words are too few for {settings.classes} classes: give more text or "
                         "lower --classes")
    vocab = spacy.load(vectors_dir).vocab
    if not vocab.vectors.shape[0]:
        raise ValueError(f"{vectors_dir} holds no vectors table: run `trialgraph train vectors` first")
    matrix = numpy.stack([vocab.get_vector(word) for word in words]).astype("float32")
    norms = numpy.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= numpy.where(norms > 0, norms, 1.0)
    kmeans = MiniBatchKMeans(n_clusters=settings.classes, random_state=settings.seed, n_init=settings.restarts,
                             batch_size=4096)
    labels = kmeans.fit_predict(matrix)
    return WordClasses({word: int(label) for word, label in zip(words, labels)})


def train_word_classes(corpora_dir: Path, vectors_dir: Path = model_path("vectors"),
                       output: Path = model_path(DEFAULT_CLASSES),
                       settings: WordClassSettings = WordClassSettings()) -> dict[str, Any]:
    """Count, cluster and write the table to `output` with its record beside it; returns the record."""
    started = time.perf_counter()
    texts = default_texts(Path(corpora_dir))
    if not texts:
        raise FileNotFoundError(f"no unlabeled texts (*.txt, *.txt.gz) in {Path(corpora_dir) / 'unlabeled'}")
    counts = count_words(texts)
    words = sorted(word for word, count in counts.items() if count >= settings.min_count)
    classes = cluster_words(words, Path(vectors_dir), settings)
    output = Path(output)
    classes.save(output)
    record = {
        "settings": asdict(settings),
        "vectors": table_digest(Path(vectors_dir)),
        "texts": {path.name: file_digest(path) for path in texts},
        "words_seen": len(counts),
        "words": len(classes),
        "table": classes.digest(),
        "minutes": round((time.perf_counter() - started) / 60, 1),
    }
    (output.parent / RECORD_NAME).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return record
