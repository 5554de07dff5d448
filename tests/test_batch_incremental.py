"""Incremental runs: unchanged documents are skipped, changed ones replace their old rows,
a new pipeline version re-processes, and one changed article of a PubMed set is re-processed alone."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.batch.run import run
from pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [ROOT / "corpus" / "seeds" / name for name in ("000_934d6b039e80ef19.txt", "001_fe72475fe2fab39f.txt")]
PUBMED_SET = ROOT / "tests" / "fixtures" / "pubmed" / "pubmed_set.xml"


def stored(out: Path) -> dict[str, tuple[str, str, float, int]]:
    """source path -> (id, pipeline version, processed_at, mentions) for every stored document."""
    with Store(out / "trialgraph.db") as store:
        times = dict(store.connection.execute("SELECT id, processed_at FROM documents"))
        return {s.document.source_path: (s.document.id, s.pipeline_version, times[s.document.id], len(s.entities))
                for s in store.documents()}


@pytest.fixture()
def first_run(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in SEEDS + [PUBMED_SET]:
        shutil.copy(path, inputs)
    out = tmp_path / "out"
    report = run([inputs], out, progress=False, workers=1)
    return inputs, out, report


def test_batch_incremental_rerun_skips_everything(first_run):
    inputs, out, report = first_run
    assert (report.inputs, report.processed, report.unchanged, report.failures) == (3, 5, 0, [])
    before = stored(out)
    again = run([inputs], out, progress=False, workers=1)
    assert (again.processed, again.unchanged) == (0, 5)
    assert stored(out) == before  # not even re-written: same processed_at


def test_batch_incremental_changed_file_replaces_its_old_document(first_run):
    inputs, out, _ = first_run
    before = stored(out)
    seed = inputs / SEEDS[1].name
    seed.write_text(seed.read_text() + "\nFatigue was reported with sorafenib 400 mg twice daily.\n")
    again = run([inputs], out, progress=False, workers=1)
    assert (again.processed, again.unchanged) == (1, 4)
    after = stored(out)
    assert set(after) == set(before)
    assert after[str(seed)][0] != before[str(seed)][0]  # new content id, old rows gone
    assert {p: v for p, v in after.items() if p != str(seed)} == {p: v for p, v in before.items() if p != str(seed)}
    with Store(out / "trialgraph.db") as store:
        assert store.processed_version(before[str(seed)][0]) is None


def test_batch_incremental_one_changed_article_of_a_set_is_processed_alone(first_run):
    inputs, out, _ = first_run
    before = stored(out)
    xml = inputs / PUBMED_SET.name
    xml.write_bytes(xml.read_bytes().replace(b"30-year-old man", b"31-year-old man"))
    again = run([inputs], out, progress=False, workers=1)
    assert (again.processed, again.unchanged) == (1, 4)
    changed = f"{xml}#90000003"
    after = stored(out)
    assert after[changed][0] != before[changed][0]
    assert after[f"{xml}#90000001"] == before[f"{xml}#90000001"]


def test_batch_incremental_new_pipeline_version_reprocesses(first_run):
    inputs, out, _ = first_run
    target = str(inputs / SEEDS[0].name)
    with Store(out / "trialgraph.db") as store:
        old = next(s for s in store.documents() if s.document.source_path == target)
        store.save(old.document, {"entities": old.entities, "relations": old.relations}, "0.0.1+old")
    again = run([inputs], out, progress=False, workers=1)
    assert (again.processed, again.unchanged) == (1, 4)
    after = stored(out)
    assert after[target][1] == again.pipeline_version != "0.0.1+old"
    assert after[target][3] == len(old.entities)


def _export_stamps(out: Path) -> dict[str, tuple[int, int]]:
    names = ["annotations.jsonl", "graph.json", "graph.graphml", "neo4j", "neo4j/import.txt"]
    return {name: ((out / name).stat().st_ino, (out / name).stat().st_mtime_ns) for name in names}


def test_batch_incremental_unchanged_rerun_starts_no_worker_and_rewrites_no_export(first_run, monkeypatch):
    import subprocess

    from pipeline.batch.local import LocalPool

    inputs, out, report = first_run
    assert report.exports_rewritten
    stamps = _export_stamps(out)
    finished = subprocess.Popen(["true"])
    finished.wait()
    stale = out / f".graph.json.{finished.pid}.k1ll3d.tmp"  # left by a run killed while exporting
    stale.write_text("{")

    def no_workers(self):
        raise AssertionError("a worker was started for unchanged inputs")

    monkeypatch.setattr(LocalPool, "__enter__", no_workers)
    again = run([inputs], out, progress=False, workers=2)
    assert (again.processed, again.unchanged, again.exports_rewritten) == (0, 5, False)
    assert "none started" in again.workers
    assert _export_stamps(out) == stamps and not stale.exists()
    assert again.graph == report.graph and again.top_pairs == report.top_pairs
    assert "exports: unchanged" in "\n".join(again.summary_lines())
    monkeypatch.undo()
    (out / "graph.graphml").unlink()  # an export gone: all are written again
    third = run([inputs], out, progress=False, workers=1)
    assert third.exports_rewritten and (out / "graph.graphml").exists() and third.graph == report.graph
