"""Input files from folders, list files and standard input, streamed in a stable order."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

STDIN = "-"
_NOT_DOCUMENTS = ("readme", "provenance", "license", "licence")


def iter_input_files(paths: Iterable[str | Path], from_lists: Iterable[str | Path] = ()) -> Iterator[Path]:
    """Files named directly, every file under named folders (sorted; hidden files and READMEs skipped),
    and the paths listed one per line in `from_lists` files; `-` reads such a list from standard input."""
    for path in paths:
        if str(path) == STDIN:
            yield from _listed(sys.stdin)
        else:
            yield from _expand(Path(path))
    for list_file in from_lists:
        if str(list_file) == STDIN:
            yield from _listed(sys.stdin)
        else:
            with open(list_file, encoding="utf-8") as handle:
                yield from _listed(handle)


def collect_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """All input files of `paths` as a list (see `iter_input_files`)."""
    return list(iter_input_files(paths))


def count_input_files(paths: Iterable[str | Path], from_lists: Iterable[str | Path] = ()) -> int | None:
    """How many files `iter_input_files` will yield, or None when a list comes from standard input."""
    paths, from_lists = list(paths), list(from_lists)
    if STDIN in map(str, paths + from_lists):
        return None
    return sum(1 for _ in iter_input_files(paths, from_lists))


def _listed(lines: Iterable[str]) -> Iterator[Path]:
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            yield from _expand(Path(line))


def _expand(path: Path) -> Iterator[Path]:
    if not path.is_dir():
        yield path
        return
    for folder, subfolders, files in os.walk(path):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and not name.lower().startswith(_NOT_DOCUMENTS):
                yield Path(folder) / name
