"""Word classes: the in-domain vocabulary grouped by its static word vectors (models/vectors/word_classes.tsv.gz).

`trialgraph train word-classes` clusters the vectors of models/vectors (k-means) over the words of the unlabeled
clinical-trial text, so that words used alike share a class ("developed", "experienced"; "hepatitis",
"pancreatitis"). The role and relation models read a word's class beside the word itself: a weight learned for
one word then reaches the words of its class the gold corpora never show. A word outside the table has no class.
"""
from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable
from pathlib import Path

from spacy.tokens import Token

from pipeline.errors import ModelMissingError, RulesError
from pipeline.resources import model_path

DEFAULT_CLASSES = "vectors/word_classes.tsv.gz"
TRAIN_HINT = "trialgraph train word-classes --corpora DIR"
HEADER = ("word", "class")
_LOADED: dict[tuple[str, int, int], WordClasses] = {}  # (file, size, mtime) -> its table, read once


class WordClasses:
    """`of(token)`: the class of a token's lowercase text, as a feature value ("17"), or None."""

    def __init__(self, classes: dict[str, int]) -> None:
        self.classes = classes

    @classmethod
    def load(cls, path: str | Path = DEFAULT_CLASSES) -> WordClasses:
        """The table at `path` (relative paths are under models/): a gzipped TSV `word<TAB>class`. Read once per
        file version in a process, so the role and relation components share one table."""
        path = model_path(path)
        if not path.exists():
            raise ModelMissingError(f"no word classes at {path}: run `{TRAIN_HINT}` to build them")
        status = path.stat()
        version = (str(path.resolve()), status.st_size, status.st_mtime_ns)
        if version not in _LOADED:
            _LOADED[version] = cls._read(path)
        return _LOADED[version]

    @classmethod
    def _read(cls, path: Path) -> WordClasses:
        classes: dict[str, int] = {}
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            header = handle.readline().rstrip("\n").split("\t")
            if tuple(header) != HEADER:
                raise RulesError(path, 1, f"header must be {' '.join(HEADER)}, not {' '.join(header)}")
            for line_number, line in enumerate(handle, 2):
                word, _, value = line.rstrip("\n").partition("\t")
                if not word or not value.isdigit():
                    raise RulesError(path, line_number, "expected a word, a tab and a class number")
                classes[word] = int(value)
        return cls(classes)

    def save(self, path: Path) -> None:
        """Writes the table, words sorted, so that equal tables give equal bytes (under any file name)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as handle:
            handle.write(self._text().encode("utf-8"))

    def digest(self) -> str:
        """sha256 of the table's rows (first 16 hex digits): equal tables, equal digests."""
        return hashlib.sha256(self._text().encode("utf-8")).hexdigest()[:16]

    def _text(self) -> str:
        rows = "".join(f"{word}\t{number}\n" for word, number in sorted(self.classes.items()))
        return "\t".join(HEADER) + "\n" + rows

    def __len__(self) -> int:
        return len(self.classes)

    def of(self, token: Token) -> str | None:
        number = self.classes.get(token.lower_)
        return None if number is None else str(number)

    def features(self, name: str, tokens: Iterable[Token]) -> list[str]:
        """`name=<class>` for each token with a class ("event_class=17")."""
        return [f"{name}={number}" for number in map(self.of, tokens) if number is not None]
