"""Exports: GraphML and node-link JSON read back equal to the graph; Neo4j import CSVs well formed."""
from __future__ import annotations

import csv
import json
import re

import networkx as nx
import pytest

from graph_fixtures import trial_documents
from pipeline.graph.build import build_graph
from pipeline.graph.export import read_graph_json, write_graph

_PROPERTY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(:(string|long|double|boolean|string\[\]))?$")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    graph = build_graph(trial_documents())
    return graph, write_graph(graph, tmp_path_factory.mktemp("graph"))


def _rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_graph_export_json_round_trip_equals_graph(exported):
    graph, paths = exported
    back = read_graph_json(paths["json"])
    assert nx.utils.edges_equal(back.edges(keys=True, data=True), graph.edges(keys=True, data=True))
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    assert all(sorted(back.in_edges(n, keys=True)) == sorted(graph.in_edges(n, keys=True)) for n in graph)
    u, v, key = next(iter(graph.edges(keys=True)))
    assert back.succ[u][v][key] is back.pred[v][u][key]  # one data dict per edge, as networkx keeps it


def test_graph_export_graphml_round_trip_equals_graph(exported):
    graph, paths = exported
    back = nx.read_graphml(paths["graphml"], force_multigraph=True)

    def decoded(data):
        return {k: json.loads(v) if isinstance(v, str) and v[:1] in "[{" else v for k, v in data.items()}

    expected_nodes = {n: {k: v for k, v in d.items() if v is not None} for n, d in graph.nodes(data=True)}
    assert {n: decoded(d) for n, d in back.nodes(data=True)} == expected_nodes
    expected_edges = {(u, v, k): {a: b for a, b in d.items() if b is not None}
                      for u, v, k, d in graph.edges(keys=True, data=True)}
    assert {(u, v, k): decoded(d) for u, v, k, d in back.edges(keys=True, data=True)} == expected_edges


def test_graph_export_neo4j_headers_and_edge_ends(exported):
    graph, paths = exported
    folder = paths["neo4j"]
    ids, labels = set(), set()
    for path in sorted(folder.glob("nodes_*.csv")):
        header, *rows = _rows(path)
        assert header[:2] == ["id:ID", ":LABEL"]
        assert all(_PROPERTY.match(column) for column in header[2:]), header
        assert all(len(row) == len(header) for row in rows)
        ids.update(row[0] for row in rows)
        labels.update(row[1] for row in rows)
    assert ids == set(graph.nodes)
    assert {"Drug", "AdverseEvent", "Regimen", "Trial", "Document", "Endpoint"} <= labels
    edges = 0
    for path in sorted(folder.glob("relationships_*.csv")):
        header, *rows = _rows(path)
        assert header[:4] == [":START_ID", ":END_ID", ":TYPE", "key"]
        assert all(_PROPERTY.match(column) for column in header[4:]), header
        for row in rows:
            assert len(row) == len(header) and row[0] in ids and row[1] in ids
        edges += len(rows)
    assert edges == graph.number_of_edges()
    command = (folder / "import.txt").read_text()
    assert command.startswith("neo4j-admin database import full") and "--relationships=relationships_HAS_COMPONENT.csv" in command


def test_graph_export_neo4j_typed_properties_hold_the_values(exported):
    _, paths = exported
    header, *rows = _rows(paths["neo4j"] / "relationships_HAS_ADVERSE_EVENT.csv")
    records = [dict(zip(header, row)) for row in rows]
    rash = next(r for r in records if r["cell"] == "31 (94)")
    assert (rash["n:long"], rash["total:long"], rash["percent:double"], rash["grade"]) == ("31", "33", "94.0", "any")
    assert rash["regimen:string[]"] == "interleukin-21;sorafenib"
    assert all("\n" not in value for r in records for value in r.values())
    header, *rows = _rows(paths["neo4j"] / "nodes_Drug.csv")
    sorafenib = next(dict(zip(header, r)) for r in rows if r[0] == "Drug:MESH:D000077157")
    assert sorafenib["norm:string[]"] == "MESH:D000077157;DRUGBANK:DB00398"
