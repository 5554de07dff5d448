"""Hostile inputs through `trialgraph run` in a subprocess (tests/hostile_inputs.py plants them): every bad
file is named in run_report.json with a one-line reason, every good one is stored with its facts, skips say
why, nothing crashes, every export parses with a standard parser and the store passes SQLite's check."""
from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hostile_inputs import BAD, FUZZED, GOOD, LIMITS, SKIPPED, plant

from pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent


def trialgraph_run(inputs: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pipeline.cli", "run", str(inputs), "-o", str(out), "--no-progress", *options]
    return subprocess.run(command, capture_output=True, timeout=900, cwd=ROOT)


def _strict_json(text: str):
    def refuse(name: str):
        raise ValueError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


def assert_exports_parse(out: Path) -> None:
    """GraphML with ElementTree, JSON and JSONL with json (NaN refused), every Neo4j CSV with csv and its
    import.txt naming only files that are there."""
    graphml = ET.parse(out / "graph.graphml").getroot()
    assert graphml.tag.endswith("graphml")
    graph = _strict_json((out / "graph.json").read_text(encoding="utf-8"))
    assert graph["nodes"]
    for line in (out / "annotations.jsonl").read_text(encoding="utf-8").splitlines():
        _strict_json(line)
    command = (out / "neo4j" / "import.txt").read_text(encoding="utf-8").split()
    named = [argument.split("=", 1)[1] for argument in command if argument.startswith("--")]
    assert named and sorted(named) == sorted(p.name for p in (out / "neo4j").glob("*.csv"))
    for name in named:
        with open(out / "neo4j" / name, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows and all(len(row) == len(rows[0]) for row in rows), name


def assert_store_is_sound(database: Path) -> None:
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "in"
    planted = plant(folder)
    out = folder.parent / "out"
    options = [item for pair in LIMITS.items() for item in pair]
    result = trialgraph_run(folder, out, "--workers", "2", *options)
    return folder, planted, out, result


def test_batch_hostile_run_reports_every_bad_file_and_exits_1(hostile_run):
    folder, planted, out, result = hostile_run
    assert result.returncode == 1, result.stderr.decode(errors="replace")[-3000:]
    assert b"Traceback" not in result.stderr and b"Traceback" not in result.stdout
    result.stdout.decode("utf-8")  # names that are not UTF-8 are shown escaped, so the summary is valid text
    report = json.loads((out / "run_report.json").read_text(encoding="utf-8"))
    failures = {f["path"]: f["error"] for f in report["failures"]}
    for entry in report["failures"]:
        assert "\n" not in entry["error"] and entry["error"].startswith(entry["path"]), entry
    expected = set()
    for item in planted:
        shown = item.shown(folder)
        if item.kind == BAD:
            expected.add(shown)
            assert shown in failures, f"{shown} is not reported"
            assert item.expect in failures[shown], (shown, failures[shown])
        elif item.kind == FUZZED and shown in failures:
            expected.add(shown)
    parts = {"studies_list.json#study-13": "repeats the id NCT09000005 of study 4",
             "pubmed_duplicate_pmid.xml#article-2": "repeats the id 90000001 of article 1",
             "pubmed_deep_article.xml#article-2": "nested more than 200 elements deep"}
    for name, reason in parts.items():
        shown = str(folder / name)
        expected.add(shown)
        assert reason in failures.get(shown, ""), (shown, failures.get(shown))
    assert set(failures) == expected, set(failures) ^ expected
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    assert {shown: reason for shown, reason in skipped.items()} == {
        item.shown(folder): skipped.get(item.shown(folder)) for item in planted if item.kind == SKIPPED}
    assert all(item.expect in skipped[item.shown(folder)] for item in planted if item.kind == SKIPPED)


def test_batch_hostile_run_stores_every_good_file_with_its_facts(hostile_run):
    folder, planted, out, _ = hostile_run
    with Store(out / "trialgraph.db") as store:
        stored = list(store.documents())
    failures = {f["path"] for f in json.loads((out / "run_report.json").read_text(encoding="utf-8"))["failures"]}
    by_file: dict[str, list] = {}
    for item in planted:
        shown = item.shown(folder)
        by_file[shown] = [s for s in stored if s.document.source_path in (shown,) or
                          s.document.source_path.startswith(shown + "#")]
    for item in planted:
        shown, documents = item.shown(folder), by_file[item.shown(folder)]
        if item.kind == GOOD:
            assert len(documents) == item.sources, (shown, [s.document.source_path for s in documents])
            for document in documents:
                named = {e.text.lower() for e in document.entities} | {document.document.trial.nct_id
                                                                           if document.document.trial else ""}
                if item.expect != "sorafenib" or "#90000001" in document.document.source_path:
                    assert item.expect.lower() in {n.lower() for n in named}, (shown, sorted(named)[:20])
                text = document.document.text
                assert all(text[e.start:e.end] == e.text for e in document.entities), shown
        elif item.kind == FUZZED:
            assert bool(documents) != (shown in failures), f"{shown} is neither stored nor reported, or both"
        else:
            assert not documents, shown
    assert by_file[str(folder / "caf\\xe9_latin1_name.txt")]
    assert by_file[str(folder / "line\\x0abreak\\x09in name.txt")]


def test_batch_hostile_run_says_what_the_limits_cut(hostile_run):
    folder, _, out, _ = hostile_run
    report = json.loads((out / "run_report.json").read_text(encoding="utf-8"))
    cuts = {w["path"]: w["warning"] for w in report["warnings"]}
    assert "first 3 of 12 pages" in cuts[str(folder / "twelve_pages.pdf")]
    assert "to 24" in cuts[str(folder / "one_long_line.txt")] and "limit of 250,000" in cuts[str(folder / "one_long_line.txt")]
    assert "surrogates" in cuts[str(folder / "lone_surrogate.json")]
    with Store(out / "trialgraph.db") as store:
        line = next(s for s in store.documents() if s.document.source_path == str(folder / "one_long_line.txt"))
    assert 200_000 < len(line.document.text) <= 250_000 and any("cut from" in w for w in line.document.warnings)
    # annotated in pieces of at most 60,000 characters: mentions all along the text, none lost at the cuts
    assert max(e.start for e in line.entities) > 240_000 and len(line.entities) > 2000


def test_batch_hostile_run_exports_parse_and_store_is_sound(hostile_run):
    _, _, out, _ = hostile_run
    assert_exports_parse(out)
    assert_store_is_sound(out / "trialgraph.db")
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
