"""Write the graph in standard formats (GraphML, node-link JSON), atomically."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from pipeline.atomic import atomic_write


def _scalar(value: Any) -> Any:
    """GraphML holds only scalars: lists and dicts become JSON text."""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def graphml_ready(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with None attributes dropped and containers as JSON strings."""
    out = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        out.add_node(node, **{k: _scalar(v) for k, v in data.items() if v is not None})
    for u, v, key, data in graph.edges(keys=True, data=True):
        out.add_edge(u, v, key=key, **{k: _scalar(val) for k, val in data.items() if val is not None})
    return out


def write_graph(graph: nx.MultiDiGraph, directory: Path) -> dict[str, Path]:
    """`graph.graphml` and `graph.json` (node-link) in `directory`; returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {"graphml": directory / "graph.graphml", "json": directory / "graph.json"}
    ready = graphml_ready(graph)
    with atomic_write(paths["graphml"], binary=True) as handle:
        nx.write_graphml(ready, handle)
    data = nx.node_link_data(graph, edges="edges")
    with atomic_write(paths["json"]) as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1, sort_keys=True)
    return paths


def read_graph_json(path: Path) -> nx.MultiDiGraph:
    return nx.node_link_graph(json.loads(Path(path).read_text(encoding="utf-8")), edges="edges")
