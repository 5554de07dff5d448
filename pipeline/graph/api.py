"""The Python face of the graph queries: the same code `trialgraph query` runs, with results as dicts or
pandas DataFrames.

    from pipeline.graph.api import KnowledgeGraph
    kg = KnowledgeGraph.load("outputs/")
    kg.query("events", "sorafenib", min_grade=3)         # the contract's JSON shape
    kg.frame("compare", "rash", "sorafenib", "sunitinib")  # one row per drug and incidence figure
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from pipeline.graph import query as queries
from pipeline.graph.export import read_graph_json

# kind -> (query function, how many names it takes; None = one or more)
QUERY_KINDS: dict[str, tuple[Any, int | None]] = {
    "events": (queries.events_for_drug, 1),
    "drugs": (queries.drugs_for_event, 1),
    "trial": (queries.trial, 1),
    "compare": (queries.compare_drugs, None),
    "evidence": (queries.edge_evidence, 2),
    "neighbours": (queries.neighbourhood, 1),
}


class KnowledgeGraph:
    """A loaded graph with its queries; names not in the graph are looked up in the lexicon's synonyms."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        self._lexicon: Any = None

    @classmethod
    def load(cls, folder: str | Path) -> KnowledgeGraph:
        """The graph a `trialgraph run -o FOLDER` wrote (`FOLDER/graph.json`)."""
        path = Path(folder) / "graph.json"
        if not path.is_file():
            raise FileNotFoundError(f"no graph at {path}; run `trialgraph run PATH -o {folder}` first")
        return cls(read_graph_json(path))

    def lexicon(self) -> Any:
        if self._lexicon is None:
            from pipeline.lexicons import load_lexicon

            self._lexicon = load_lexicon()
        return self._lexicon

    def query(self, kind: str, *names: str, document: str | None = None, trial: str | None = None,
              min_evidence: int = 1, min_grade: int | None = None, depth: int = 1) -> dict[str, Any]:
        """Run one query (`QUERY_KINDS`) and return its JSON-ready result.

        events DRUG | drugs EVENT | trial NCT | compare EVENT DRUG... | evidence DRUG EVENT | neighbours NAME."""
        if kind not in QUERY_KINDS:
            raise ValueError(f"unknown query {kind!r}; use one of {', '.join(QUERY_KINDS)}")
        function, arity = QUERY_KINDS[kind]
        if (arity is None and len(names) < 2) or (arity is not None and len(names) != arity):
            wanted = "an event and one or more drugs" if arity is None else f"{arity} name(s)"
            raise ValueError(f"query {kind} takes {wanted}, got {len(names)}")
        if kind == "trial":
            return function(self.graph, names[0])
        filters = queries.Filters(document=document, trial=trial, min_evidence=min_evidence, min_grade=min_grade)
        arguments: list[Any] = [names[0], list(names[1:])] if kind == "compare" else list(names)
        options: dict[str, Any] = {"filters": filters}
        if kind == "neighbours":
            options["depth"] = depth
        try:
            return function(self.graph, *arguments, **options)
        except queries.NotFound:  # not a name in the graph: try the lexicon's synonyms
            return function(self.graph, *arguments, lexicon=self.lexicon(), **options)

    def frame(self, kind: str, *names: str, **options: Any):
        """The same query as a pandas DataFrame (see `pipeline.graph.frames.to_frame`)."""
        from pipeline.graph.frames import to_frame

        return to_frame(kind, self.query(kind, *names, **options))
