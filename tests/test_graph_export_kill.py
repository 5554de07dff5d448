"""Exports killed with SIGKILL while they are written: every file left parses, import.txt never names a CSV
that is not there, and `recover_exports` (run at the start of every `trialgraph run`) leaves no temporary."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from pipeline.atomic import recover_exports

ROOT = Path(__file__).resolve().parent.parent
WRITER = textwrap.dedent("""
    import sys
    import networkx as nx
    from pipeline.graph.export import write_graph

    graph = nx.MultiDiGraph()
    for i in range(97):
        graph.add_node(f"event:{i}", type="AdverseEvent", name=f"event {i}\\x0b", norm=[f"MEDDRA:{i}"])
    for i in range(int(sys.argv[2])):
        graph.add_node(f"drug:{i}", type="Drug", name=f"drug\\x01 {i}", norm=[f"MESH:D{i:06d}"], weight=i / 7)
        graph.add_edge(f"drug:{i}", f"event:{i % 97}", key=f"e{i}", label="HAS_ADVERSE_EVENT",
                       documents=[f"doc-{i}", "doc-x"], confidence=0.5, sentence="a\\nb\\x00c")
    rounds = 0
    while True:
        write_graph(graph, sys.argv[1])
        rounds += 1
        print(rounds, flush=True)
""")


def _check_consistent(out: Path, require_neo4j: bool) -> None:
    json.loads((out / "graph.json").read_text(encoding="utf-8"))
    ET.parse(out / "graph.graphml")
    neo4j = out / "neo4j"
    if not neo4j.exists():
        assert not require_neo4j, "neo4j/ is missing"
        return
    named = [arg.split("=", 1)[1] for arg in (neo4j / "import.txt").read_text().split() if arg.startswith("--")]
    assert named and all((neo4j / name).is_file() for name in named), named
    assert sorted(named) == sorted(p.name for p in neo4j.glob("*.csv"))


def test_graph_export_killed_while_writing_never_leaves_torn_exports(tmp_path):
    rng = random.Random(31)
    out = tmp_path / "out"
    kills = 0
    for _ in range(8):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(out), "6000"], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert writer.stdout.readline().strip() == b"1", writer.stderr.read().decode()[-2000:]
        time.sleep(rng.uniform(0.0, 1.0))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        writer.stderr.close()
        kills += 1
        _check_consistent(out, require_neo4j=False)
        recover_exports(out)
        _check_consistent(out, require_neo4j=True)
        assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert kills == 8


def _finished_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_graph_export_recover_puts_back_a_folder_moved_aside_and_removes_stale_temporaries(tmp_path):
    dead = _finished_pid()
    aside = tmp_path / f".neo4j-old.{dead}.abc123.tmp" / "neo4j"
    aside.mkdir(parents=True)
    (aside / "import.txt").write_text("neo4j-admin database import full trialgraph --nodes=nodes_Drug.csv\n")
    (aside / "nodes_Drug.csv").write_text("id:ID,:LABEL\nd,Drug\n")
    (tmp_path / f".graph.json.{dead}.xyz.tmp").write_text("{half")
    (tmp_path / f".exports.{dead}.q1w2.tmp").mkdir()
    alive = tmp_path / f".graph.json.{os.getpid()}.mine.tmp"  # this process is writing it: kept
    alive.write_text("{")
    removed = recover_exports(tmp_path)
    assert (tmp_path / "neo4j" / "nodes_Drug.csv").is_file()
    assert {p.name for p in removed} == {f".neo4j-old.{dead}.abc123.tmp", f".graph.json.{dead}.xyz.tmp",
                                        f".exports.{dead}.q1w2.tmp"}
    assert alive.exists()
