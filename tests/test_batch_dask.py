"""`run(..., dask=ADDRESS)` on a local Dask cluster of two worker processes equals a local run."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.batch.run import run
from pipeline.store import Store

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [ROOT / "corpus" / "seeds" / "000_934d6b039e80ef19.txt", ROOT / "corpus" / "seeds" / "001_fe72475fe2fab39f.txt",
          ROOT / "corpus" / "ctgov" / "NCT00973089.json", ROOT / "tests" / "fixtures" / "pubmed" / "pubmed_set.xml"]


def test_batch_dask_cluster_run_equals_local_run(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in INPUTS:
        shutil.copy(path, inputs)
    (inputs / "empty.txt").write_text("")
    local = run([inputs], tmp_path / "local", progress=False, workers=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = run([inputs], tmp_path / "dask", progress=False, dask=cluster.scheduler_address)
    assert remote.workers.startswith("a Dask cluster at tcp://") and "(2 threads)" in remote.workers
    assert (remote.processed, remote.unchanged) == (local.processed, local.unchanged) == (6, 0)
    assert remote.failures == local.failures and "empty file" in remote.failures[0][1]
    assert remote.pipeline_version == local.pipeline_version
    assert (tmp_path / "dask" / "graph.json").read_bytes() == (tmp_path / "local" / "graph.json").read_bytes()
    with Store(tmp_path / "dask" / "trialgraph.db") as a, Store(tmp_path / "local" / "trialgraph.db") as b:
        assert a.counts() == b.counts()
        assert [(s.document.id, s.entities, s.relations) for s in a.documents()] == [
            (s.document.id, s.entities, s.relations) for s in b.documents()]
