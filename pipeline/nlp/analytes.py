"""Lab analytes and proteins (models/lexicons/curated/analytes_and_proteins.txt) are neither drugs nor
diseases: "aspartate" in "aspartate transaminase" names neither. The lexicon component and the trained
recognizer both drop a mention that a listed analyte phrase around it holds."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from spacy.tokens import Doc

from pipeline.lexicons.normalize import fold
from pipeline.resources import read_word_list

ANALYTE_LIST = "lexicons/curated/analytes_and_proteins.txt"
_REACH = 2  # tokens an analyte phrase may extend beyond a mention on either side


class AnalytePhrases:
    """The listed analytes, as folded keys."""

    def __init__(self, names: Iterable[str]) -> None:
        self.keys = frozenset(fold(name) for name in names)
        self._joined = "\n".join(sorted(self.keys))  # a mention whose key is no part of these is in no analyte

    @classmethod
    def load(cls, path: str | Path = ANALYTE_LIST) -> AnalytePhrases:
        return cls(read_word_list(path))

    def around(self, words: Sequence[str] | Doc, start: int, end: int, *, mention_alone: bool = True) -> bool:
        """Whether tokens `start`..`end` of `words` (token texts, or a Doc), widened by up to two tokens on
        either side, spell a listed analyte; with `mention_alone` false the mention by itself does not count."""
        key = fold("".join(map(str, words[start:end])))
        if not key or key not in self._joined:
            return False
        for lo in range(max(0, start - _REACH), start + 1):
            for hi in range(end, min(len(words), end + _REACH) + 1):
                if (mention_alone or (lo, hi) != (start, end)) and fold("".join(map(str, words[lo:hi]))) in self.keys:
                    return True
        return False
