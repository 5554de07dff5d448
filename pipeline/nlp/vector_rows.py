"""A floret vectors table's rows, each word's computed once: floret sums the rows of a word's character n-grams
at every lookup (`Vectors.get_batch`), which took a third of the trained NER model's time (bench/README.md).
spaCy's static-vectors layer reads any table with an `attr` and a `get_batch`, so the trained NER lends the
Docs' vocabulary this cache in the table's place."""
from __future__ import annotations

import numpy
from spacy.vectors import Vectors

CACHED_WORDS = 50_000  # rows kept (200 floats each: 40 MB at most), then the cache starts again


class CachedVectorRows:
    """The rows of `table` (a floret `Vectors`) by key, as `Vectors.get_batch` gives them, each key's summed once
    and kept for up to `capacity` keys. `table.strings` must hold the keys' strings when a key is first met."""

    def __init__(self, table: Vectors, capacity: int = CACHED_WORDS) -> None:
        self.table = table
        self.attr = table.attr
        self.capacity = capacity
        self._row_of: dict[int, int] = {}
        self._rows: numpy.ndarray | None = None

    def get_batch(self, keys: numpy.ndarray) -> numpy.ndarray:
        words = numpy.asarray(keys).tolist()
        new = [key for key in dict.fromkeys(words) if key not in self._row_of]
        if len(self._row_of) + len(new) > self.capacity:
            self._row_of.clear()
            new = list(dict.fromkeys(words))
        if new:
            self._add(new)
        return self._rows[[self._row_of[key] for key in words]]

    def _add(self, keys: list[int]) -> None:
        rows = numpy.asarray(self.table.get_batch(numpy.asarray(keys, dtype="uint64")), dtype="float32")
        start = len(self._row_of)
        if self._rows is None or start + len(keys) > len(self._rows):  # the first call, or one over the capacity
            self._rows = numpy.empty((max(self.capacity, len(keys)), rows.shape[1]), dtype="float32")
        self._rows[start : start + len(keys)] = rows
        self._row_of.update(zip(keys, range(start, start + len(keys))))
