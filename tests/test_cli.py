"""The `trialgraph` command as a user runs it: a real subprocess, real files, exit codes."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def trialgraph(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True,
                          cwd=cwd, input=stdin, timeout=600)


@pytest.mark.parametrize("args", [(), ("run",), ("annotate",), ("query",), ("query", "events"), ("query", "trial")])
def test_cli_help_everywhere(args):
    result = trialgraph(*args, "--help")
    assert result.returncode == 0
    assert "usage: trialgraph" in result.stdout


def test_cli_usage_error_exit_code():
    assert trialgraph("frobnicate").returncode == 2
    missing = trialgraph("run", "no/such/folder")
    assert missing.returncode == 2 and "no such file or folder: no/such/folder" in missing.stderr


def test_cli_run_then_query(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(CORPUS / "seeds" / "000_934d6b039e80ef19.txt", inputs)
    shutil.copy(CORPUS / "seeds" / "002_1350d4869f79fc29.txt", inputs)
    (inputs / "empty.txt").write_text("")
    out = tmp_path / "out"
    result = trialgraph("run", str(inputs), "-o", str(out), "--no-progress")
    assert result.returncode == 1, result.stderr  # one input failed, the rest was done
    assert "2 processed" in result.stdout and "1 failed" in result.stdout
    assert "empty.txt: empty file" in result.stdout
    events = trialgraph("query", "--store", str(out), "events", "Nexavar", "--json")
    assert events.returncode == 0, events.stderr
    data = json.loads(events.stdout)
    assert data["drug"]["name"].lower() == "sorafenib"
    assert {"name", "norm", "documents", "incidence"} <= set(data["events"][0])
    table = trialgraph("query", "--store", str(out), "trial", "NCT00389285")
    assert table.returncode == 0 and "NCT00389285" in table.stdout and "sorafenib" in table.stdout.lower()
    unknown = trialgraph("query", "--store", str(out), "events", "no-such-drug-xyz")
    assert unknown.returncode == 2 and "no Drug named" in unknown.stderr


def test_cli_query_without_store_says_what_to_do(tmp_path):
    result = trialgraph("query", "--store", str(tmp_path), "events", "sorafenib")
    assert result.returncode == 2 and "run `trialgraph run" in result.stderr


def test_cli_annotate_contract_shape_and_bad_lines(tmp_path):
    text = "Grade 3 skin rash occurred with IL-21 plus sorafenib 400 mg twice daily."
    lines = [json.dumps({"id": "a", "text": text}), "{not json", json.dumps({"id": "c", "txt": "x"}),
             json.dumps({"id": "d", "text": "No hypertension was observed."})]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    result = trialgraph("annotate", str(source), "-o", str(tmp_path / "out.jsonl"))
    assert result.returncode == 1
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [o["id"] for o in out] == ["a", None, "c", "d"]
    assert "error" in out[1] and "error" in out[2] and out[1]["entities"] == []
    first = out[0]
    for entity in first["entities"]:
        assert text[entity["start"] : entity["end"]] == entity["text"]
    labels = {(e["text"], e["label"]) for e in first["entities"]}
    assert {("skin rash", "ADVERSE_EVENT"), ("IL-21", "DRUG"), ("sorafenib", "DRUG")} <= labels
    pairs = {(first["entities"][r["head"]]["text"], r["label"], first["entities"][r["tail"]]["text"])
             for r in first["relations"]}
    assert ("sorafenib", "HAS_ADVERSE_EVENT", "skin rash") in pairs
    assert ("IL-21", "HAS_ADVERSE_EVENT", "skin rash") in pairs
    negated = [e for e in out[3]["entities"] if e["text"] == "hypertension"]
    assert negated and negated[0]["negated"] is True


def test_cli_output_reader_that_stops_early_is_no_error():
    """`trialgraph ... | head`: the reader closes the pipe before the output is written."""
    process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "annotate", "-", "-o", "-"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    _, stderr = process.communicate(json.dumps({"id": "a", "text": "Nausea after cisplatin."}).encode() + b"\n", timeout=600)
    assert process.returncode == 0
    assert b"Traceback" not in stderr and b"BrokenPipeError" not in stderr


def test_cli_store_of_another_version_is_one_line_and_exit_code_two(tmp_path):
    import sqlite3

    out = tmp_path / "out"
    out.mkdir()
    with sqlite3.connect(out / "trialgraph.db") as connection:
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        connection.execute("INSERT INTO meta VALUES ('schema_version', '999')")
    (tmp_path / "trial.txt").write_text("Patients received sorafenib 400 mg twice daily.\n")
    result = trialgraph("run", str(tmp_path / "trial.txt"), "-o", str(out), "--no-progress")
    assert result.returncode == 2
    assert "has schema version 999" in result.stderr and "new output folder" in result.stderr
    assert "Traceback" not in result.stderr
