"""A pool of worker processes on this machine, each loading the pipeline once.

Unlike `concurrent.futures`, one worker can be killed and replaced without losing the others: a document
that runs past the time limit, or whose worker dies, becomes a failed outcome and the batch goes on.
Each worker holds at most `PREFETCH` tasks, so memory stays bounded whatever the number of inputs.
"""
from __future__ import annotations

import multiprocessing
import signal
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from pipeline.batch.work import Outcome, Task, process, worker_nlp
from pipeline.errors import RunError

PREFETCH = 2  # tasks queued per worker: one running, one waiting, so workers never idle on the main process
_STOP_SECONDS = 5.0


def _serve(tasks: Any, results: Connection) -> None:
    """Worker process: load the pipeline, then process tasks until told to stop or the main process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    try:
        from pipeline.nlp.language import pipeline_version

        nlp = worker_nlp()
        version = pipeline_version(nlp)
    except Exception:
        results.send(("failed", traceback.format_exc()))
        return
    try:
        results.send(("ready", version))
        while (task := tasks.get()) is not None:
            results.send(process(nlp, version, task))
    except OSError:  # the main process has gone (killed): nobody wants the result
        return


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    tasks: Any  # multiprocessing.Queue: put never blocks, so sending cannot deadlock with results
    results: Connection
    queued: deque[Task] = field(default_factory=deque)
    started: float = 0.0  # when the task at the head of `queued` began
    ready: bool = False


class LocalPool:
    """`with LocalPool(2, time_limit=60) as pool: for outcome in pool.map(tasks): ...`"""

    def __init__(self, workers: int, time_limit: float | None = None) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.size = workers
        self.time_limit = time_limit
        self.context = multiprocessing.get_context("spawn")  # no fork: the main process may hold threads
        self.workers: list[_Worker] = []
        self.pipeline_version = ""
        self.replaced = 0

    def __enter__(self) -> LocalPool:
        self.workers = [self._start() for _ in range(self.size)]
        try:
            while not any(w.ready for w in self.workers):  # the first ready worker tells the pipeline version
                for worker in self._ready_workers(None):
                    self._receive(worker)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers:
            worker.tasks.put(None)
        deadline = time.monotonic() + _STOP_SECONDS
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            self._discard(worker)
        self.workers = []

    def map(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        """Outcomes of `tasks` in the order they finish; `tasks` is consumed only as workers free up."""
        pending = iter(tasks)
        exhausted = False
        while True:
            for worker in self.workers:
                while worker.ready and len(worker.queued) < PREFETCH and not exhausted:
                    task = next(pending, None)
                    if task is None:
                        exhausted = True
                        break
                    if not worker.queued:
                        worker.started = time.monotonic()
                    worker.queued.append(task)
                    worker.tasks.put(task)
            if exhausted and not any(w.queued for w in self.workers):
                return
            for worker in self._ready_workers(self._next_deadline()):
                outcome = self._receive(worker)
                if outcome is not None:
                    yield outcome
            yield from self._stop_overdue()

    def _start(self) -> _Worker:
        tasks = self.context.Queue()
        results, child_end = self.context.Pipe(duplex=False)
        process = self.context.Process(target=_serve, args=(tasks, child_end), daemon=True, name="trialgraph-worker")
        process.start()
        child_end.close()
        return _Worker(process, tasks, results)

    def _ready_workers(self, timeout: float | None) -> list[_Worker]:
        """Workers with a message or that have died, waiting at most `timeout` seconds."""
        by_handle: dict[Any, _Worker] = {}
        for worker in self.workers:
            by_handle[worker.results] = worker
            by_handle[worker.process.sentinel] = worker
        found = wait(list(by_handle), timeout)
        return list(dict.fromkeys(by_handle[handle] for handle in found))

    def _receive(self, worker: _Worker) -> Outcome | None:
        """Take one message from `worker`; a dead worker's task fails and the worker is replaced."""
        try:
            if not worker.results.poll():
                raise EOFError
            message = worker.results.recv()
        except (EOFError, OSError):
            return self._replace(worker, f"worker process died (exit code {worker.process.exitcode})")
        if isinstance(message, tuple):
            state, detail = message
            if state == "failed":
                raise RunError(f"a worker could not load the pipeline:\n{detail}")
            worker.ready = True
            worker.started = time.monotonic()
            self.pipeline_version = self.pipeline_version or detail
            return None
        worker.queued.popleft()
        worker.started = time.monotonic()
        return message

    def _next_deadline(self) -> float | None:
        busy = [w.started for w in self.workers if w.ready and w.queued]
        if self.time_limit is None or not busy:
            return None
        return max(0.0, min(busy) + self.time_limit - time.monotonic())

    def _stop_overdue(self) -> Iterator[Outcome]:
        if self.time_limit is None:
            return
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.ready and worker.queued and now - worker.started > self.time_limit:
                worker.process.kill()
                worker.process.join()
                outcome = self._replace(worker, f"exceeded the time limit of {self.time_limit:g} s; its worker was stopped")
                if outcome is not None:
                    yield outcome

    def _replace(self, worker: _Worker, error: str) -> Outcome | None:
        """Swap `worker` for a fresh one; its running task fails with `error`, its queued tasks are kept."""
        if not worker.ready:
            raise RunError(f"a worker process died while loading the pipeline (exit code {worker.process.exitcode})")
        self._discard(worker)
        fresh = self._start()
        self.workers[self.workers.index(worker)] = fresh
        self.replaced += 1
        failed = worker.queued.popleft() if worker.queued else None
        # the queued tasks go to the fresh worker once it has loaded the pipeline
        fresh.queued.extend(worker.queued)
        for task in worker.queued:
            fresh.tasks.put(task)
        if failed is None:
            return None
        return Outcome(failed.source_path, error=f"{failed.source_path}: {error}")

    @staticmethod
    def _discard(worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.tasks.cancel_join_thread()
        worker.tasks.close()
        worker.results.close()
