"""CTCAE grades, one home: the labels TrialGraph stores ("3", ">=3", "3-4", "any") and what they cover.

Text (`Grade.from_words`: "grade ≥ 3", "3 or 4", "III", "Any grade" after its word "grade") and stored labels
(`Grade.from_label`) both become a `Grade`; its `label` is what mentions, table facts and curated corrections
hold, and `floor` is what the `--min-grade` filter compares.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

LABEL = re.compile(r"^(any|[1-5]|>=[1-5]|[1-5]-[1-5])$")  # the stored forms
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
_WORDS = re.compile(
    r"^(?:(?P<any>any|all)|(?P<open>≥|>=|=>|>)?\s*(?P<low>[1-5]|iv|iii|ii|i|v)"
    r"(?:\s*(?:-|–|—|/|or|and|to)\s*(?P<high>[1-5]|iv|iii|ii|i|v))?)$", re.I)


@dataclass(frozen=True)
class Grade:
    """A grade label: one grade (`low == high`), at least one (`high` None), a range, or any grade (`low` 0)."""

    low: int
    high: int | None

    @classmethod
    def from_label(cls, label: object) -> Grade | None:
        """The grade a stored label names, None for anything else."""
        text = str(label or "").strip().lower()
        if not LABEL.match(text):
            return None
        if text == "any":
            return cls(0, None)
        if text.startswith(">="):
            return cls(int(text[2:]), None)
        low, _, high = text.partition("-")
        return cls(int(low), int(high or low))

    @classmethod
    def from_words(cls, text: str) -> Grade | None:
        """The grade a written grade names ("3", "≥ 3", "3 or 4", "3/4", "III", "any"), None when it names none."""
        found = _WORDS.match(re.sub(r"\s+", " ", text.strip().lower()))
        if found is None:
            return None
        if found["any"]:
            return cls(0, None)
        low = int(_ROMAN.get(found["low"], found["low"]))
        if found["open"]:
            return cls(low, None)
        high = int(_ROMAN.get(found["high"], found["high"])) if found["high"] else low
        return cls(min(low, high), max(low, high))

    @property
    def label(self) -> str:
        if self.low == 0:
            return "any"
        if self.high is None:
            return f">={self.low}"
        return str(self.low) if self.high == self.low else f"{self.low}-{self.high}"

    @property
    def floor(self) -> int:
        """The lowest grade covered (0 for any grade)."""
        return self.low

    @property
    def severe(self) -> bool:
        """Grade 3 or worse throughout (severe, life-threatening or fatal)."""
        return self.low >= 3


def grade_floor(label: object) -> int | None:
    """The lowest grade a label (or a written grade) covers: "3" -> 3, ">=3" -> 3, "3-4" -> 3, "any" -> 0."""
    grade = Grade.from_label(label) or Grade.from_words(str(label or ""))
    return grade.floor if grade else None
