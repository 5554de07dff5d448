"""Input files from folders, list files and standard input, streamed in a stable order.

A name is carried as the operating system gave it (bytes that are not UTF-8 included) and shown escaped:
`shown_path` turns it into text that any terminal, JSON file and SQLite store can hold. Inside folders these
are skipped, each with its reason in the run report: hidden files and folders (a name starting with "."),
links to folders (not followed), and files named exactly `README`, `LICENSE`, `LICENCE` or `PROVENANCE`
(any case) with no extension or `.md`, `.txt` or `.rst`. Everything else is read; what is not a regular
file (a named pipe, a socket, a broken link) fails with its reason when it is read.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

STDIN = "-"
NOT_DOCUMENT_STEMS = frozenset({"readme", "license", "licence", "provenance"})
NOT_DOCUMENT_SUFFIXES = frozenset({"", ".md", ".txt", ".rst"})


@dataclass(frozen=True)
class InputFile:
    """A file to read: `path` to open, `shown` to name it by (the source path of its documents); or, when
    `skipped` says why, one left out on purpose (not a failure)."""

    path: Path
    shown: str
    skipped: str | None = None
    error: str | None = None  # could not even be listed (a folder that cannot be read)


def shown_path(path: str | Path) -> str:
    """`path` as printable UTF-8 text: bytes that are not UTF-8 and control characters as `\\xNN` escapes."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in text)


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def is_not_document_name(name: str) -> bool:
    """README, LICENSE, LICENCE, PROVENANCE files (the exact names the module docstring lists)."""
    stem, suffix = os.path.splitext(name)
    return stem.lower() in NOT_DOCUMENT_STEMS and suffix.lower() in NOT_DOCUMENT_SUFFIXES


def iter_inputs(paths: Iterable[str | Path], from_lists: Iterable[str | Path] = ()) -> Iterator[InputFile]:
    """Files named directly, every file under named folders (sorted by name), and the paths listed one per
    line in `from_lists` files; `-` reads such a list from standard input. Skipped files come with their reason."""
    for path in paths:
        if str(path) == STDIN:
            yield from _listed(_stdin_lines())
        else:
            yield from _expand(Path(path))
    for list_file in from_lists:
        if str(list_file) == STDIN:
            yield from _listed(_stdin_lines())
        else:
            with open(list_file, "rb") as handle:
                yield from _listed(handle)


def iter_input_files(paths: Iterable[str | Path], from_lists: Iterable[str | Path] = ()) -> Iterator[Path]:
    """The paths of `iter_inputs` that are to be read (skipped ones left out)."""
    return (found.path for found in iter_inputs(paths, from_lists) if found.skipped is None and found.error is None)


def collect_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """All input files of `paths` as a list (see `iter_input_files`)."""
    return list(iter_input_files(paths))


def count_input_files(paths: Iterable[str | Path], from_lists: Iterable[str | Path] = ()) -> int | None:
    """How many files `iter_input_files` will yield, or None when a list comes from standard input."""
    paths, from_lists = list(paths), list(from_lists)
    if STDIN in map(str, paths + from_lists):
        return None
    return sum(1 for _ in iter_input_files(paths, from_lists))


def _stdin_lines() -> Iterable[bytes]:
    return sys.stdin.buffer if hasattr(sys.stdin, "buffer") else (line.encode() for line in sys.stdin)


def _listed(lines: Iterable[bytes | str]) -> Iterator[InputFile]:
    for line in lines:
        name = os.fsdecode(line).strip("\r\n").strip()
        if name and not name.startswith("#"):
            yield from _expand(Path(name))


def _expand(path: Path) -> Iterator[InputFile]:
    if not path.is_dir():
        yield InputFile(path, shown_path(path))
        return
    problems: list[OSError] = []
    for folder, subfolders, files in os.walk(path, onerror=problems.append):
        while problems:
            problem = problems.pop()
            where = problem.filename if problem.filename is not None else folder
            yield InputFile(Path(where), shown_path(where), error=f"cannot list folder: {problem.strerror or problem}")
        here = Path(folder)
        kept = []
        for name in sorted(subfolders):
            if name.startswith("."):
                yield InputFile(here / name, shown_path(here / name), skipped="hidden folder (its name starts with '.')")
            elif (here / name).is_symlink():
                yield InputFile(here / name, shown_path(here / name), skipped="link to a folder; not followed")
            else:
                kept.append(name)
        subfolders[:] = kept
        for name in sorted(files):
            file = here / name
            if name.startswith("."):
                yield InputFile(file, shown_path(file), skipped="hidden file (its name starts with '.')")
            elif is_not_document_name(name):
                yield InputFile(file, shown_path(file), skipped="a README, LICENSE or PROVENANCE file")
            else:
                yield InputFile(file, shown_path(file))
    while problems:
        problem = problems.pop()
        where = problem.filename if problem.filename is not None else path
        yield InputFile(Path(where), shown_path(where), error=f"cannot list folder: {problem.strerror or problem}")
