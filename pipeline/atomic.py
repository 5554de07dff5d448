"""Atomic file writes: write to a temporary file beside the target, then rename over it.

Temporary names carry the writing process's id (`.NAME.PID.RANDOM.tmp`), so `remove_stale_temporaries`
can tell one left by a killed process from one being written right now.
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
