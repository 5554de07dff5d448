"""Graph exports kept up to date with the curators' decisions, outside every request.

A decision only marks the exports stale; a background thread then rebuilds them (`graph.json`, GraphML,
Neo4j CSV, `annotations.jsonl`) in a child process, so the rebuild neither holds a request nor competes with
the app for Python's interpreter lock. Decisions made during a rebuild are picked up by the next one; a
rebuild is skipped when the store is as the exports were made from (the same check `trialgraph run` makes).

    python -m pipeline.review.exports OUTPUT_DIR   # what the child process runs; usable by hand
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.batch.run import STORE_NAME


@dataclass(frozen=True)
class ExportStatus:
    """Whether the exports follow every decision: `stale` since a decision not yet exported, `running` while
    a rebuild is under way, `error` the last failed rebuild's message."""

    stale: bool
    running: bool
    finished_at: float | None
    error: str | None


class ExportRefresher:
    """Rebuilds the exports of `output_dir` in the background after `request()`; one rebuild at a time."""

    def __init__(self, output_dir: Path, delay: float = 2.0) -> None:
        self.output_dir = Path(output_dir)
        self.delay = delay  # decisions within this many seconds share one rebuild
        self._wanted = threading.Event()
        self._idle = threading.Condition()
        self._stale = False
        self._running = False
        self._finished_at: float | None = None
        self._error: str | None = None
        self._thread: threading.Thread | None = None
        self._stop = False

    def request(self) -> None:
        """The store changed: rebuild soon."""
        with self._idle:
            self._stale = True
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="trialgraph-review-exports", daemon=True)
                self._thread.start()
        self._wanted.set()

    def status(self) -> ExportStatus:
        with self._idle:
            return ExportStatus(self._stale, self._running, self._finished_at, self._error)

    def wait(self, timeout: float = 300.0) -> bool:
        """Block until no rebuild is wanted or running; False if `timeout` seconds passed first."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._stale or self._running:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def stop(self) -> None:
        """Let a running rebuild finish and start no other."""
        self._stop = True
        self._wanted.set()

    def _loop(self) -> None:
        while not self._stop:
            self._wanted.wait()
            time.sleep(self.delay)
            self._wanted.clear()
            if self._stop:
                return
            with self._idle:
                self._stale, self._running = False, True
            error = self._rebuild()
            with self._idle:
                self._running, self._error, self._finished_at = False, error, time.time()
                if error is not None and not self._wanted.is_set():
                    self._stale = True  # still not exported: say so, and retry on the next decision
                self._idle.notify_all()

    def _rebuild(self) -> str | None:
        command = [sys.executable, "-m", "pipeline.review.exports", str(self.output_dir)]
        try:
            done = subprocess.run(command, capture_output=True, text=True)
        except OSError as exc:
            return f"could not start the export rebuild: {exc}"
        if done.returncode != 0:
            return (done.stderr.strip().splitlines() or ["export rebuild failed"])[-1]
        return None


def refresh_exports(output_dir: Path) -> bool:
    """Rebuild the exports of `output_dir` from its store unless they already follow it; True if rewritten."""
    from pipeline.batch.report import RunReport
    from pipeline.batch.run import _refresh_exports
    from pipeline.store import Store

    report = RunReport()
    with Store(Path(output_dir) / STORE_NAME) as store:
        _refresh_exports(store, Path(output_dir), report)
    return report.exports_rewritten


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not (Path(argv[0]) / STORE_NAME).is_file():
        print("usage: python -m pipeline.review.exports OUTPUT_DIR (a folder with a trialgraph store)", file=sys.stderr)
        return 2
    os.nice(10)  # this process only: the curators' requests come first
    refresh_exports(Path(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
