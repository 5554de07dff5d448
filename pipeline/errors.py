"""Error types for data the product ships or reads, each saying where the problem is and what to do."""
from __future__ import annotations

from pathlib import Path


class TrialGraphError(Exception):
    """Base of TrialGraph's own errors."""


class RulesError(TrialGraphError, ValueError):
    """A malformed row of a rule or lexicon data file, reported as ``path:line: problem``."""

    def __init__(self, path: str | Path, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path = str(path)
        self.line = line
        self.problem = problem
