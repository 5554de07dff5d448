"""A document's place in a file that holds several (a PubMed set, a file of ClinicalTrials.gov studies)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """One document of a file: its source path (`FILE`, or `FILE#KEY` inside a set) and its standalone bytes,
    or, when it cannot be had on its own, `error` saying why in one line."""

    path: str
    raw: bytes = b""
    error: str | None = None


class UniqueKeys:
    """The key of each document in a set, first come first served: a key seen before gets an error."""

    def __init__(self, path: str, noun: str) -> None:
        self.path = path
        self.noun = noun
        self.first: dict[str, int] = {}

    def source(self, key: str, number: int, raw: bytes) -> Source:
        """The `number`-th document of the set, keyed `key` (a repeated key is reported, not stored)."""
        if key in self.first:
            return Source(f"{self.path}#{self.noun}-{number}", error=(
                f"{self.noun} {number} of the set repeats the id {key} of {self.noun} {self.first[key]}; "
                "only the first one is stored (give each its own id)"))
        self.first[key] = number
        return Source(f"{self.path}#{key}", raw)
