"""TrialGraph's own error types, each saying where the problem is and what to do.

The `trialgraph` command prints any of them as one line and exits with code 2; anything else is a bug and
keeps its traceback.
"""
from __future__ import annotations

from pathlib import Path


class TrialGraphError(Exception):
    """Base of TrialGraph's own errors."""


class ReaderError(TrialGraphError):
    """An input file that cannot be read, with the file and the cause in one line."""

    def __init__(self, path: str, cause: str) -> None:
        super().__init__(f"{path}: {cause}")
        self.path = path
        self.cause = cause


class RulesError(TrialGraphError, ValueError):
    """A malformed row of a rule or lexicon data file, reported as ``path:line: problem`` (``path: problem``
    for a whole-file problem, such as a missing key of a JSON rule file)."""

    def __init__(self, path: str | Path, line: int | None, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}" if line is not None else f"{path}: {problem}")
        self.path = str(path)
        self.line = line
        self.problem = problem


class ModelMissingError(TrialGraphError, FileNotFoundError):
    """A lexicon or trained model that is not where the pipeline reads it, with the command that builds it."""


class StoreVersionError(TrialGraphError):
    """A store written by a TrialGraph whose store schema differs from this one's."""


class RunError(TrialGraphError):
    """A batch run that cannot start or go on: workers that cannot load the pipeline, an unreachable or
    workerless Dask cluster, another run writing the same output folder."""
