"""The same per-document work on a Dask cluster: `trialgraph run --dask tls://scheduler:8786`.

Workers need TrialGraph installed (`pip install trialgraph`); each worker process loads the pipeline
once. Tasks carry the input bytes, so workers need no access to the input files, and results come back
to the one process that writes the store. At most two tasks per worker thread are in flight.

Trust: Dask sends tasks and results as pickles, and unpickling runs code, so whoever can talk to the
scheduler can run code on the workers and in this process. On anything but this machine, use TLS with
certificates (`DaskSecurity`: Dask's `Security` with `require_encryption`), so that only holders of a
certificate signed by the cluster's CA can join or submit.
"""
from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.batch.work import Outcome, Task, pipeline_version_here, process_here
from pipeline.errors import RunError

TASKS_PER_THREAD = 2


@dataclass(frozen=True)
class DaskSecurity:
    """TLS files for `trialgraph run --dask tls://...`: the CA certificate that signed the cluster's
    certificates, and this client's certificate and private key (PEM; the key may sit in the certificate file)."""

    ca_file: str
    cert: str
    key: str | None = None

    def problems(self) -> list[str]:
        """Files that are missing, one line each."""
        named = (("--dask-tls-ca-file", self.ca_file), ("--dask-tls-cert", self.cert), ("--dask-tls-key", self.key))
        return [f"{option} {path}: no such file" for option, path in named if path and not Path(path).is_file()]

    def to_dask(self):
        """Dask's `distributed.security.Security` for a client, encryption required."""
        from distributed.security import Security

        return Security(tls_ca_file=self.ca_file, tls_client_cert=self.cert, tls_client_key=self.key,
                        require_encryption=True)


def is_loopback(address: str) -> bool:
    """Whether a scheduler address (`tcp://127.0.0.1:8786`, `tls://[::1]:8786`, `localhost:8786`) is this machine."""
    host = urlsplit(address if "://" in address else f"tcp://{address}").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class DaskPool:
    """`with DaskPool("tcp://host:8786", time_limit=60) as pool: for outcome in pool.map(tasks): ...`

    A document still unfinished `time_limit` seconds after it reached the head of the queue is recorded
    as failed and its result discarded; Dask cannot stop a running task, so its worker thread runs on.
    """

    def __init__(self, address: str, time_limit: float | None = None, security: DaskSecurity | None = None) -> None:
        self.address = address
        self.time_limit = time_limit
        self.security = security
        self.pipeline_version = ""
        self.client = None
        self.size = 0

    def __enter__(self) -> DaskPool:
        from distributed import Client

        if self.address.startswith("tls://") and self.security is None:
            raise RunError(f"{self.address} needs TLS certificates: give --dask-tls-ca-file, --dask-tls-cert "
                               "and --dask-tls-key")
        security = self.security.to_dask() if self.security else None
        try:
            self.client = Client(self.address, timeout="30s", security=security)
        except (OSError, TimeoutError) as exc:
            hint = ("; check that the scheduler was started with TLS and these certificates"
                    if security else "; is `dask scheduler` running there?")
            raise RunError(f"cannot reach the Dask scheduler at {self.address}: {exc}{hint}") from exc
        except Exception as exc:  # an unreadable certificate or key (ssl.SSLError, ValueError)
            raise RunError(f"cannot connect to the Dask scheduler at {self.address}: "
                               f"{type(exc).__name__}: {exc}") from exc
        try:
            self.size = sum(self.client.nthreads().values())
            if not self.size:
                raise RunError(f"the Dask scheduler at {self.address} has no workers; start some with "
                                   f"`dask worker {self.address}`")
            try:
                self.pipeline_version = self.client.submit(pipeline_version_here, pure=False).result()
            except Exception as exc:
                raise RunError(f"a Dask worker could not load the pipeline: {type(exc).__name__}: {exc}") from exc
        except BaseException:
            self.client.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def map(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        """Outcomes of `tasks` in the order they finish."""
        from distributed import wait

        pending = iter(tasks)
        in_flight: dict = {}  # future -> [task, started]; insertion order is submission order
        exhausted = False
        while True:
            while not exhausted and len(in_flight) < TASKS_PER_THREAD * self.size:
                task = next(pending, None)
                if task is None:
                    exhausted = True
                else:
                    in_flight[self.client.submit(process_here, task, pure=False)] = [task, None]
            if not in_flight:
                return
            now = time.monotonic()
            for entry in list(in_flight.values())[: self.size]:  # the oldest ones are running
                entry[1] = entry[1] or now
            timeout = None
            if self.time_limit is not None:
                oldest = min(started for _, started in in_flight.values() if started)
                timeout = max(0.0, oldest + self.time_limit - now)
            try:
                done = wait(list(in_flight), timeout=timeout, return_when="FIRST_COMPLETED").done
            except TimeoutError:
                done = set()
            for future in done:
                task, _ = in_flight.pop(future)
                yield self._outcome(future, task)
            if self.time_limit is not None:
                yield from self._stop_overdue(in_flight)

    def _stop_overdue(self, in_flight: dict) -> Iterator[Outcome]:
        now = time.monotonic()
        for future, (task, started) in list(in_flight.items()):
            if started and now - started > self.time_limit:
                del in_flight[future]
                future.cancel()
                yield Outcome(task.source_path,
                              error=f"{task.source_path}: exceeded the time limit of {self.time_limit:g} s")

    @staticmethod
    def _outcome(future, task: Task) -> Outcome:
        if future.status == "finished":
            return future.result()
        try:
            future.result()
        except Exception as exc:  # the worker died or the task was lost: Dask says why
            return Outcome(task.source_path, error=f"{task.source_path}: cluster task failed: {type(exc).__name__}: {exc}")
        return Outcome(task.source_path, error=f"{task.source_path}: cluster task ended as {future.status}")
