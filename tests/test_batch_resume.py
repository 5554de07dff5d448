"""A run killed with SIGKILL mid-way, then run again, ends with the graph of an uninterrupted run."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from pipeline.batch.run import run
from pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [*sorted((ROOT / "corpus" / "seeds").glob("*.txt")),
          *(ROOT / "corpus" / "ctgov" / name for name in ("NCT00973089.json", "NCT04780763.json",
                                                           "NCT00081588.xml", "NCT01065844.xml")),
          ROOT / "tests" / "fixtures" / "pubmed" / "pubmed_set.xml"]
TOTAL = 12  # 5 seeds, 4 registry records, 3 PubMed articles


def stored_count(database: Path) -> int:
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as connection:
            return connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not created yet
        return 0


def test_batch_resume_after_kill_gives_the_uninterrupted_graph(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in INPUTS:
        shutil.copy(path, inputs)
    killed = tmp_path / "killed"
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "run", str(inputs), "-o", str(killed), "--workers", "1", "--no-progress"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )
    deadline = time.monotonic() + 300
    while stored_count(killed / "trialgraph.db") < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    partial = stored_count(killed / "trialgraph.db")
    assert 3 <= partial < TOTAL, "the run should have been killed part-way"
    assert not (killed / "graph.json").exists()

    resumed = run([inputs], killed, progress=False, workers=2)
    assert resumed.unchanged == partial and resumed.processed == TOTAL - partial and not resumed.failures

    whole = tmp_path / "whole"
    uninterrupted = run([inputs], whole, progress=False, workers=2)
    assert uninterrupted.processed == TOTAL
    assert (killed / "graph.json").read_bytes() == (whole / "graph.json").read_bytes()
    assert (killed / "annotations.jsonl").read_bytes() == (whole / "annotations.jsonl").read_bytes()
    with Store(killed / "trialgraph.db") as a, Store(whole / "trialgraph.db") as b:
        assert a.counts() == b.counts()
        assert a.counts()["documents"]["total"] == TOTAL
