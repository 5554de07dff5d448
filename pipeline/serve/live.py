"""The graph of a store as it is now: `LiveGraph.current()` reloads `graph.json` when a run (or a curator's
decision) has replaced it since the last load, so a server never needs a restart to answer from new results.

A run swaps its exports in by renames, so the file is always whole; the check is one `stat` per request, and
the file's identity (inode, size, modification time) decides whether it changed.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.graph.api import KnowledgeGraph
from pipeline.graph.export import read_graph_json

GRAPH_FILE = "graph.json"


class NoGraph(FileNotFoundError):
    """The store has no graph (yet): no run has written one."""


@dataclass(frozen=True)
class Loaded:
    """One load of the graph: the queries over it, the file's identity it was read from, and when."""

    graph: KnowledgeGraph
    stamp: tuple[int, int, int]
    loaded_at: float


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


class LiveGraph:
    """The graph in `folder/graph.json`, reloaded when the file changes; safe to share between threads."""

    def __init__(self, folder: str | Path) -> None:
        self.path = Path(folder) / GRAPH_FILE
        self._loaded: Loaded | None = None
        self._lock = threading.Lock()

    def current(self) -> Loaded:
        """The graph as the file holds it now (`NoGraph` when there is none)."""
        stamp, loaded = _stamp(self.path), self._loaded
        if loaded is not None and stamp == loaded.stamp:
            return loaded
        with self._lock:  # one thread reloads; the others wait for its result rather than load it again
            stamp, loaded = _stamp(self.path), self._loaded
            if loaded is not None and stamp == loaded.stamp:
                return loaded
            if stamp is None:
                raise NoGraph(f"no graph at {self.path}; run `trialgraph run PATH -o {self.path.parent}` first")
            try:
                graph = read_graph_json(self.path)  # stamped as before the read: a newer file is loaded again
            except FileNotFoundError as exc:
                raise NoGraph(f"the graph at {self.path} went away while being read; try again") from exc
            knowledge = KnowledgeGraph(graph)
            knowledge.index  # built once per load, so concurrent first requests do not each build it
            self._loaded = Loaded(knowledge, stamp, time.time())
            return self._loaded
