"""Atomic file writes: write to a temporary file beside the target, then rename over it; and sets of files
(`export_set`) written into a temporary folder and swapped in by renames.

Temporary names carry the writing process's id (`.NAME.PID.RANDOM.tmp`), so `remove_stale_temporaries`
can tell one left by a killed process from one being written right now. Nothing here imports more than the
standard library: a run that has nothing to do tidies its output folder without loading the graph code.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

_TEMPORARY = re.compile(r"^\..+\.(\d+)\.[^.]+\.tmp$")


def temporary_prefix(name: str) -> str:
    """The start of a temporary name for `name` made by this process."""
    return f".{name}.{os.getpid()}."


@contextmanager
def atomic_write(path: str | Path, binary: bool = False) -> Iterator[IO]:
    """Open a temporary file for writing; on success it replaces `path`, on error it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(path.name), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files and folders in `folder` (not below it) left by processes that no longer
    run; returns what was removed."""
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except FileNotFoundError:
        return removed
    for entry in entries:
        found = _TEMPORARY.match(entry.name)
        if not found or _alive(int(found.group(1))):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


@contextmanager
def export_set(directory: Path) -> Iterator[Path]:
    """A temporary folder in `directory`; when the block ends without error, what was written into it
    replaces the same names in `directory` (files by one rename each, folders by two)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=temporary_prefix("exports"), suffix=".tmp", dir=directory))
    try:
        yield staging
        for entry in sorted(staging.iterdir(), key=lambda e: e.is_dir()):  # files first, then folders
            target = directory / entry.name
            if entry.is_dir():
                if target.exists():
                    aside = Path(tempfile.mkdtemp(prefix=temporary_prefix(f"{entry.name}-old"), suffix=".tmp",
                                                  dir=directory))
                    os.replace(target, aside / entry.name)
                    os.replace(entry, target)
                    shutil.rmtree(aside, ignore_errors=True)
                else:
                    os.replace(entry, target)
            else:
                os.replace(entry, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def recover_exports(directory: Path) -> list[Path]:
    """After a killed export: a folder moved aside but not replaced goes back; stale temporaries are removed."""
    directory = Path(directory)
    for aside in directory.glob(".*-old.*.tmp"):
        found = _TEMPORARY.match(aside.name)
        name = aside.name[1:].split("-old.", 1)[0]
        if found and aside.is_dir() and (aside / name).is_dir() and not (directory / name).exists():
            try:
                os.kill(int(found.group(1)), 0)
            except ProcessLookupError:
                os.replace(aside / name, directory / name)
            except PermissionError:
                pass
    return remove_stale_temporaries(directory)
