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
from pipeline.graph.build import add_document, remove_document
from pipeline.graph.export import read_graph_json
from pipeline.graph.specs import DEPTH, query_spec
from pipeline.store import StoredDocument


class KnowledgeGraph:
    """A loaded graph with its queries; names not in the graph are looked up in the lexicon's synonyms."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        self._lexicon: Any = None
        self._index: queries.NameIndex | None = None

    @property
    def index(self) -> queries.NameIndex:
        """The graph's name index, built on first use and dropped whenever the graph changes."""
        if self._index is None:
            self._index = queries.NameIndex(self.graph)
        return self._index

    def add_document(self, stored: StoredDocument) -> None:
        """Adds (or replaces) one stored document's nodes and edges."""
        add_document(self.graph, stored)
        self._index = None

    def remove_document(self, document_id: str) -> None:
        """Takes one document's edges, and the nodes only it supported, out of the graph."""
        remove_document(self.graph, document_id)
        self._index = None

    def similar_names(self, name: str, node_type: str | None = None, limit: int = 5) -> list[str]:
        """Names in the graph close to `name`: the "did you mean" of a `NotFound`."""
        return queries.similar_names(self.graph, name, node_type, limit, self.index)

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
        """Run one query (`pipeline.graph.specs.QUERY_SPECS`) and return its JSON-ready result.

        events DRUG | drugs EVENT | trial NCT | compare EVENT DRUG... | evidence DRUG EVENT | neighbours NAME."""
        spec = query_spec(kind)
        function = getattr(queries, spec.function)
        repeated = spec.names[-1].repeat
        if len(names) < len(spec.names) or (len(names) > len(spec.names) and not repeated):
            wanted = " ".join(p.name.upper() + ("..." if p.repeat else "") for p in spec.names)
            raise ValueError(f"query {kind} takes {wanted}, got {len(names)} name(s)")
        fixed = len(spec.names) - 1 if repeated else len(spec.names)
        arguments: list[Any] = list(names[:fixed]) + ([list(names[fixed:])] if repeated else [])
        if not spec.filtered:
            return function(self.graph, *arguments)
        filters = queries.Filters(document=document, trial=trial, min_evidence=min_evidence, min_grade=min_grade)
        options: dict[str, Any] = {"filters": filters, "index": self.index}
        if DEPTH in spec.options:
            options["depth"] = depth
        try:
            return function(self.graph, *arguments, **options)
        except queries.NotFound:  # not a name in the graph: try the lexicon's synonyms
            return function(self.graph, *arguments, lexicon=self.lexicon(), **options)

    def frame(self, kind: str, *names: str, **options: Any):
        """The same query as a pandas DataFrame (see `pipeline.graph.frames.to_frame`)."""
        from pipeline.graph.frames import to_frame

        return to_frame(kind, self.query(kind, *names, **options))
