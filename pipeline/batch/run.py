"""`trialgraph run`: read -> annotate -> store -> graph -> exports, over files, folders and lists of them.

Documents are processed in parallel (worker processes here, or a Dask cluster); only this process
writes the store, one transaction per document. Incremental: a document already stored with the same
content and pipeline version is skipped, so a run killed at any point is finished by running it again;
a run that finds nothing new loads no pipeline and, when the store is as the exports were made from,
rewrites no export. A document that cannot be read or annotated, or runs past the time limit, is
recorded with its error and the run goes on. Exports are written into a temporary folder and swapped in,
so a killed run never leaves half-written ones; one run at a time writes an output folder (a lock file).
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from pipeline.atomic import atomic_write, export_set, recover_exports
from pipeline.batch.inputs import InputFile, collect_inputs, count_input_files, iter_inputs
from pipeline.batch.report import RunReport
from pipeline.batch.work import Task
from pipeline.document import content_id
from pipeline.errors import RunError
from pipeline.limits import DocumentLimits
from pipeline.readers import ReaderError, iter_sources, read_file_bytes
from pipeline.store import Store, StoredDocument

__all__ = ["run", "RunReport", "collect_inputs", "STORE_NAME", "DEFAULT_TIME_LIMIT", "available_cores",
           "EXPORT_NAMES"]

STORE_NAME = "trialgraph.db"
DEFAULT_TIME_LIMIT = 600.0
LOCK_NAME = ".trialgraph.lock"
ANNOTATIONS_NAME = "annotations.jsonl"
EXPORT_NAMES = (ANNOTATIONS_NAME, "graph.graphml", "graph.json", "neo4j")
_EXPORTS_KEY = "exports"  # meta: the store state the exports were made from, and their graph summary


def available_cores() -> int:
    """CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def output_lock(output_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock for one run; `RunError` when another run holds it."""
    output_dir.mkdir(parents=True, exist_ok=True)
    with open(output_dir / LOCK_NAME, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(f"another trialgraph run is writing {output_dir}; wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run(
    paths: Iterable[str | Path],
    output_dir: str | Path,
    progress: bool = True,
    *,
    from_lists: Iterable[str | Path] = (),
    workers: int | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    dask: str | None = None,
    dask_security: Any = None,
    limits: DocumentLimits = DocumentLimits(),
) -> RunReport:
    """Process every input into the store under `output_dir`, then rebuild the graph and its exports when
    the store changed.

    `paths` are files or folders (`-` reads paths from standard input), `from_lists` files listing paths
    one per line; `workers` local worker processes (default: the cores available), or `dask` the address
    of a Dask scheduler (`dask_security`: a `DaskSecurity` for TLS); `time_limit` seconds per document
    (None: no limit); `limits` what one document may cost.
    """
    started = time.perf_counter()
    paths, from_lists = list(paths), list(from_lists)
    output_dir = Path(output_dir)
    report = RunReport()
    with output_lock(output_dir), Store(output_dir / STORE_NAME) as store:
        recover_exports(output_dir)
        total = count_input_files(paths, from_lists) if progress else None
        bar = tqdm(total=total, desc="trialgraph run", unit="doc", delay=1.0, disable=not progress)

        def fail(path: str, error: str) -> None:
            store.record_failure(path, error)
            report.failures.append((path, error))
            bar.set_postfix(failed=len(report.failures), refresh=False)
            bar.update(1)

        def store_outcomes(outcomes: Iterable) -> None:
            for outcome in outcomes:
                if outcome.error is not None:
                    fail(outcome.source_path, outcome.error)
                    continue
                store.save(outcome.document, outcome.annotations, outcome.pipeline_version)
                report.processed += 1
                report.words += outcome.annotations["words"]
                report.warnings += [(outcome.source_path, warning) for warning in outcome.warnings]
                bar.update(1)

        inputs = iter_inputs(paths, from_lists)
        if dask:
            from pipeline.batch.cluster import DaskPool

            with DaskPool(dask, time_limit, dask_security) as pool:
                report.pipeline_version = pool.pipeline_version
                report.workers = f"a Dask cluster at {dask} ({pool.size} threads)"
                store_outcomes(pool.map(_tasks(inputs, store, report, bar, fail, limits)))
        else:
            from pipeline.batch.local import LocalPool
            from pipeline.nlp.components import version_of

            report.pipeline_version = version_of()
            size = workers or available_cores()
            report.workers = f"{size} local worker process{'es' if size > 1 else ''}"
            tasks = _tasks(inputs, store, report, bar, fail, limits)
            first = next(tasks, None)  # nothing new: no worker is started, no pipeline loaded
            if first is not None:
                with LocalPool(size, time_limit) as pool:
                    store_outcomes(pool.map(chain([first], tasks)))
            else:
                report.workers += " (none started: nothing to process)"
        bar.close()
        report.processing_seconds = time.perf_counter() - started
        report.counts = store.counts()
        report.outputs = {"graphml": str(output_dir / "graph.graphml"), "json": str(output_dir / "graph.json"),
                          "neo4j": str(output_dir / "neo4j"), "store": str(store.path),
                          "annotations": str(output_dir / ANNOTATIONS_NAME)}
        _refresh_exports(store, output_dir, report)
    report.seconds = time.perf_counter() - started
    summary_path = output_dir / "run_report.json"
    with atomic_write(summary_path) as handle:
        json.dump(report.to_dict(), handle, indent=1)
    report.outputs["report"] = str(summary_path)
    return report


def _refresh_exports(store: Store, output_dir: Path, report: RunReport) -> None:
    """Rebuild the graph and write every export (swapped in together) unless the store is as the exports
    were made from and they are all there; the graph summary comes along either way."""
    state = store.state()
    made = store.meta(_EXPORTS_KEY) or {}
    if made.get("state") == state and all((output_dir / name).exists() for name in EXPORT_NAMES):
        report.graph, report.top_pairs = made["graph"], made["top_pairs"]
        return
    from pipeline.graph.build import build_graph
    from pipeline.graph.export import write_graph_files
    from pipeline.graph.query import top_drug_event_pairs

    with export_set(output_dir) as staging:
        with atomic_write(staging / ANNOTATIONS_NAME) as handle:
            graph = build_graph(_written_annotations(store.documents(), handle))
        write_graph_files(graph, staging)
    report.graph = _graph_summary(graph)
    report.top_pairs = top_drug_event_pairs(graph)
    report.exports_rewritten = True
    store.set_meta(_EXPORTS_KEY, {"state": state, "graph": report.graph, "top_pairs": report.top_pairs})


def _tasks(inputs: Iterable[InputFile], store: Store, report: RunReport, bar: tqdm,
           fail: Callable[[str, str], None], limits: DocumentLimits) -> Iterator[Task]:
    """The documents of `inputs` that need processing; the others are counted unchanged on the way, skipped
    files and documents that cannot be had are reported.

    A document is unchanged when the store holds its content id with this pipeline version; within one
    run, a second path with the same content (or the same path twice) is unchanged as well.
    """
    seen: set[str] = set()
    for found in inputs:
        if found.skipped is not None:
            report.skipped.append((found.shown, found.skipped))
            continue
        report.inputs += 1
        if found.error is not None:
            fail(found.shown, f"{found.shown}: {found.error}")
            continue
        try:
            raw = read_file_bytes(found.path, limits.max_file_bytes, shown=found.shown)
            for index, source in enumerate(iter_sources(raw, found.shown)):
                if index and bar.total is not None:
                    bar.total += 1  # a file holding several documents (a PubMed set)
                if source.error is not None:
                    fail(source.path, f"{source.path}: {source.error}")
                    continue
                document_id = content_id(source.raw)
                if document_id in seen or source.path in seen or (
                    store.processed_version(document_id) == report.pipeline_version
                ):
                    report.unchanged += 1
                    bar.update(1)
                    continue
                seen.update((document_id, source.path))
                yield Task(source.path, source.raw, limits)
        except ReaderError as exc:
            fail(found.shown, str(exc))
        except Exception as exc:  # a reader bug must not stop the batch
            fail(found.shown, f"{found.shown}: reading failed: {type(exc).__name__}: {exc}")


def _graph_summary(graph) -> dict[str, Any]:
    node_types: dict[str, int] = {}
    for _, data in graph.nodes(data=True):
        node_types[data.get("type", "?")] = node_types.get(data.get("type", "?"), 0) + 1
    edge_labels: dict[str, int] = {}
    for _, _, data in graph.edges(data=True):
        edge_labels[data.get("label", "?")] = edge_labels.get(data.get("label", "?"), 0) + 1
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
            "node_types": dict(sorted(node_types.items())), "edge_labels": dict(sorted(edge_labels.items()))}


def _written_annotations(stored_documents: Iterable[StoredDocument], handle: IO[str]) -> Iterator[StoredDocument]:
    """Pass stored documents through, writing each one's mentions and relations as a JSON line."""
    for stored in stored_documents:
        record = {"id": stored.document.id, "source_path": stored.document.source_path,
                  "title": stored.document.title, "entities": [entity.to_dict() for entity in stored.entities],
                  "relations": [relation.to_dict() for relation in stored.relations]}
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        yield stored
