"""The one error type readers raise for input they cannot read."""
from __future__ import annotations


class ReaderError(Exception):
    """An input file that cannot be read, with the file and the cause in one line."""

    def __init__(self, path: str, cause: str) -> None:
        super().__init__(f"{path}: {cause}")
        self.path = path
        self.cause = cause
