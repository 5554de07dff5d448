"""Write the graph in standard formats: GraphML, node-link JSON, and CSV files for
`neo4j-admin database import full` (one node file per type, one relationship file per label).

Whatever the document text held, every file parses with a standard parser: characters XML 1.0 cannot hold
(control characters, U+FFFE/U+FFFF, lone surrogates) are left out of GraphML, control characters and line
breaks become spaces in CSV fields, and JSON escapes what it must.

An export set is written into a temporary folder beside the outputs (`export_set`) and swapped in by
renames (`pipeline.atomic.export_set`), so a process killed while exporting leaves the previous files, never
half-written ones or an `import.txt` naming CSV files that are not there; `recover_exports` tidies what a
killed export left.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import networkx as nx

from pipeline.atomic import atomic_write, export_set
from pipeline.graph.build import paused_gc

NEO4J_FOLDER = "neo4j"
GRAPH_FILES = ("graph.graphml", "graph.json", NEO4J_FOLDER)
_ARRAY_DELIMITER = ";"
_SAFE_NAME = re.compile(r"[^0-9A-Za-z_]+")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_ONE_CSV_LINE = re.compile(r"[\s\x00-\x1f\x7f]+")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def _scalar(value: Any) -> Any:
    """GraphML holds only scalars: lists and dicts become JSON text; strings lose what XML cannot hold."""
    if isinstance(value, (list, tuple, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return xml_safe(value) if isinstance(value, str) else value


def graphml_ready(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with None attributes dropped, containers as JSON strings, and only characters XML can hold."""
    out = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        out.add_node(_scalar(node), **{xml_safe(k): _scalar(v) for k, v in data.items() if v is not None})
    for u, v, key, data in graph.edges(keys=True, data=True):
        out.add_edge(_scalar(u), _scalar(v), key=_scalar(key),
                     **{xml_safe(k): _scalar(val) for k, val in data.items() if val is not None})
    return out


def write_graph(graph: nx.MultiDiGraph, directory: Path) -> dict[str, Path]:
    """`graph.graphml`, `graph.json` (node-link) and `neo4j/*.csv` in `directory`, swapped in together;
    returns their paths."""
    directory = Path(directory)
    with export_set(directory) as staging:
        write_graph_files(graph, staging)
    return {"graphml": directory / "graph.graphml", "json": directory / "graph.json",
            "neo4j": directory / NEO4J_FOLDER}


def write_graph_files(graph: nx.MultiDiGraph, folder: Path) -> dict[str, Path]:
    """The graph files written straight into `folder` (a staging folder of `export_set`)."""
    folder = Path(folder)
    paths = {"graphml": folder / "graph.graphml", "json": folder / "graph.json"}
    with paused_gc():
        with atomic_write(paths["graphml"], binary=True) as handle:
            nx.write_graphml(graphml_ready(graph), handle)
        data = nx.node_link_data(graph, edges="edges")
        with atomic_write(paths["json"]) as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1, sort_keys=True)
        paths["neo4j"] = write_neo4j_csv(graph, folder / NEO4J_FOLDER)
    return paths


def read_graph_json(path: Path) -> nx.MultiDiGraph:
    """The graph `write_graph` saved as node-link JSON.

    A directed multigraph's adjacency is filled in directly (networkx's own layout: one key dict shared by
    successor and predecessor maps), about ten times faster than adding edges one by one, with the garbage
    collector paused; a million edges load in seconds."""
    with paused_gc():
        return _node_link_graph(json.loads(Path(path).read_text(encoding="utf-8")))


def _node_link_graph(data: dict[str, Any]) -> nx.MultiDiGraph:
    if not (data.get("directed") and data.get("multigraph")):
        return nx.node_link_graph(data, edges="edges")
    graph = nx.MultiDiGraph(**data.get("graph", {}))
    nodes, successors, predecessors = graph._node, graph._succ, graph._pred
    for node in data["nodes"]:
        name = node.pop("id")
        nodes[name], successors[name], predecessors[name] = node, {}, {}
    for edge in data["edges"]:
        u, v, key = edge.pop("source"), edge.pop("target"), edge.pop("key")
        for end in (u, v):
            if end not in nodes:
                nodes[end], successors[end], predecessors[end] = {}, {}, {}
        keys = successors[u].get(v)
        if keys is None:
            keys = successors[u][v] = predecessors[v][u] = {}
        keys[key] = edge
    return graph


# Neo4j bulk import ----------------------------------------------------------------------------------------

def _neo4j_type(values: list[Any]) -> str:
    """The header type of a property column from the values it holds (None values ignored)."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "long"
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return "double"
    if present and all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in present):
        return "string[]"
    return "string"


def _neo4j_cell(value: Any, column_type: str) -> str:
    """A CSV field: empty for no value, arrays joined with ';', other containers as JSON, one line each."""
    if value is None:
        return ""
    if column_type == "string[]":
        return _ARRAY_DELIMITER.join(_NOT_ONE_CSV_LINE.sub(" ", x).replace(_ARRAY_DELIMITER, ",") for x in value)
    if column_type == "boolean":
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return _NOT_ONE_CSV_LINE.sub(" ", value) if isinstance(value, str) else str(value)


def _property_columns(records: list[dict[str, Any]], reserved: set[str]) -> list[tuple[str, str, str]]:
    """(attribute, header, type) for every attribute the records hold, in name order."""
    names = sorted({k for r in records for k in r} - reserved)
    columns = []
    for name in names:
        column_type = _neo4j_type([r.get(name) for r in records])
        header = _SAFE_NAME.sub("_", name)
        columns.append((name, header if column_type == "string" else f"{header}:{column_type}", column_type))
    return columns


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with atomic_write(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_neo4j_csv(graph: nx.MultiDiGraph, folder: Path) -> Path:
    """`nodes_<Type>.csv` (`id:ID`, `:LABEL`, properties) and `relationships_<LABEL>.csv` (`:START_ID`,
    `:END_ID`, `:TYPE`, `key`, properties) for `neo4j-admin database import full --nodes=... --relationships=...`
    (default `;` array delimiter); `import.txt` holds the command. Returns the folder.

    Call it on a new folder (`write_graph` does, inside its export set): CSV files already there are kept."""
    folder.mkdir(parents=True, exist_ok=True)
    by_type: dict[str, list[tuple[str, dict]]] = {}
    for node, data in graph.nodes(data=True):
        by_type.setdefault(data.get("type") or "Node", []).append((node, data))
    arguments = []
    for node_type, nodes in sorted(by_type.items()):
        columns = _property_columns([d for _, d in nodes], {"type", "id"})
        rows = [[_neo4j_cell(node, "string"), node_type] + [_neo4j_cell(d.get(a), t) for a, _, t in columns]
                for node, d in nodes]
        name = f"nodes_{_SAFE_NAME.sub('_', node_type)}.csv"
        _write_csv(folder / name, ["id:ID", ":LABEL"] + [h for _, h, _ in columns], rows)
        arguments.append(f"--nodes={name}")
    by_label: dict[str, list[tuple[str, str, str, dict]]] = {}
    for u, v, key, data in graph.edges(keys=True, data=True):
        by_label.setdefault(data.get("label") or "RELATED_TO", []).append((u, v, key, data))
    for label, edges in sorted(by_label.items()):
        columns = _property_columns([d for *_, d in edges], {"label", "key"})
        rows = [[_neo4j_cell(u, "string"), _neo4j_cell(v, "string"), label, _neo4j_cell(str(key), "string")]
                + [_neo4j_cell(d.get(a), t) for a, _, t in columns] for u, v, key, d in edges]
        name = f"relationships_{_SAFE_NAME.sub('_', label)}.csv"
        _write_csv(folder / name, [":START_ID", ":END_ID", ":TYPE", "key"] + [h for _, h, _ in columns], rows)
        arguments.append(f"--relationships={name}")
    with atomic_write(folder / "import.txt") as handle:
        handle.write("neo4j-admin database import full trialgraph " + " ".join(arguments) + "\n")
    return folder
