"""`run(..., dask=ADDRESS)` on a local Dask cluster of two worker processes equals a local run."""
from __future__ import annotations

import json
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


def _run_cli(*arguments: str):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "pipeline.cli", "run", *arguments, "--no-progress"],
                          capture_output=True, timeout=300, cwd=ROOT)


def test_batch_dask_tls_cluster_takes_its_certificates_and_refuses_others(tmp_path):
    from distributed.security import Security

    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(INPUTS[1], inputs)
    security, stranger = Security.temporary(), Security.temporary()
    files = {}
    for owner, name, pem in (("ours", "ca", security.tls_ca_file), ("ours", "cert", security.tls_client_cert),
                             ("ours", "key", security.tls_client_key), ("other", "ca", stranger.tls_ca_file),
                             ("other", "cert", stranger.tls_client_cert), ("other", "key", stranger.tls_client_key)):
        files[owner, name] = tmp_path / f"{owner}_{name}.pem"
        files[owner, name].write_text(pem)

    def tls(owner: str) -> list[str]:
        return ["--dask-tls-ca-file", str(files[owner, "ca"]), "--dask-tls-cert", str(files[owner, "cert"]),
                "--dask-tls-key", str(files[owner, "key"])]

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, protocol="tls",
                                  security=security, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tls://")
        bare = _run_cli(str(inputs), "-o", str(tmp_path / "bare"), "--dask", address)
        assert bare.returncode == 2 and b"needs TLS certificates" in bare.stderr and b"Traceback" not in bare.stderr
        wrong = _run_cli(str(inputs), "-o", str(tmp_path / "wrong"), "--dask", address, *tls("other"))
        assert wrong.returncode == 2 and b"cannot reach the Dask scheduler" in wrong.stderr
        assert b"Traceback" not in wrong.stderr
        good = _run_cli(str(inputs), "-o", str(tmp_path / "good"), "--dask", address, *tls("ours"), "--json")
    assert good.returncode == 0, good.stderr.decode()[-2000:]
    report = json.loads(good.stdout)
    assert report["processed"] == 1 and report["workers"].startswith(f"a Dask cluster at {address}")


def test_batch_dask_plain_tcp_to_another_machine_needs_an_explicit_insecure_flag(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(INPUTS[1], inputs)
    refused = _run_cli(str(inputs), "-o", str(tmp_path / "out"), "--dask", "tcp://192.0.2.7:8786")
    assert refused.returncode == 2 and b"--dask-insecure" in refused.stderr and b"unpickled" in refused.stderr
    missing = _run_cli(str(inputs), "-o", str(tmp_path / "out"), "--dask", "tls://192.0.2.7:8786",
                       "--dask-tls-ca-file", str(tmp_path / "nope.pem"), "--dask-tls-cert", str(tmp_path / "nope.pem"))
    assert missing.returncode == 2 and b"--dask-tls-ca-file" in missing.stderr and b"no such file" in missing.stderr
    from pipeline.batch.cluster import is_loopback

    assert is_loopback("tcp://127.0.0.1:8786") and is_loopback("tls://[::1]:8786") and is_loopback("localhost:8786")
    assert not is_loopback("tcp://10.0.0.5:8786") and not is_loopback("tcp://scheduler.lab:8786")
