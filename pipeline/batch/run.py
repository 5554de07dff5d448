"""`trialgraph run`: read -> annotate -> store -> graph -> exports, over files, folders and lists of them.

Documents are processed in parallel (worker processes here, or a Dask cluster); only this process
writes the store, one transaction per document. Incremental: a document already stored with the same
content and pipeline version is skipped, so a run killed at any point is finished by running it again.
A document that cannot be read or annotated, or runs past the time limit, is recorded with its error
and the run goes on.
"""
from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from pipeline.atomic import atomic_write
from pipeline.batch.cluster import DaskPool
from pipeline.batch.inputs import collect_inputs, count_input_files, iter_input_files
from pipeline.batch.local import LocalPool
from pipeline.batch.report import RunReport
from pipeline.batch.work import Task
from pipeline.document import content_id
from pipeline.graph.build import build_graph
from pipeline.graph.export import write_graph
from pipeline.graph.query import top_drug_event_pairs
from pipeline.readers import ReaderError, read_file_bytes, split_sources
from pipeline.store import Store, StoredDocument

__all__ = ["run", "RunReport", "collect_inputs", "STORE_NAME", "DEFAULT_TIME_LIMIT", "available_cores"]

STORE_NAME = "trialgraph.db"
DEFAULT_TIME_LIMIT = 600.0


def available_cores() -> int:
    """CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run(
    paths: Iterable[str | Path],
    output_dir: str | Path,
    progress: bool = True,
    *,
    from_lists: Iterable[str | Path] = (),
    workers: int | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    dask: str | None = None,
) -> RunReport:
    """Process every input into the store under `output_dir`, then rebuild the graph and its exports.

    `paths` are files or folders (`-` reads paths from standard input), `from_lists` files listing paths
    one per line; `workers` local worker processes (default: the cores available), or `dask` the address
    of a Dask scheduler; `time_limit` seconds per document (None: no limit).
    """
    started = time.perf_counter()
    paths, from_lists = list(paths), list(from_lists)
    output_dir = Path(output_dir)
    report = RunReport()
    total = count_input_files(paths, from_lists) if progress else None
    pool = DaskPool(dask, time_limit) if dask else LocalPool(workers or available_cores(), time_limit)
    with Store(output_dir / STORE_NAME) as store, pool:
        report.pipeline_version = pool.pipeline_version
        report.workers = (f"a Dask cluster at {dask} ({pool.size} threads)" if dask
                          else f"{pool.size} local worker process{'es' if pool.size > 1 else ''}")
        bar = tqdm(total=total, desc="trialgraph run", unit="doc", delay=1.0, disable=not progress)

        def fail(path: str, error: str) -> None:
            store.record_failure(path, error)
            report.failures.append((path, error))
            bar.set_postfix(failed=len(report.failures), refresh=False)
            bar.update(1)

        tasks = _tasks(iter_input_files(paths, from_lists), store, report, bar, fail)
        for outcome in pool.map(tasks):
            if outcome.error is not None:
                fail(outcome.source_path, outcome.error)
                continue
            store.save(outcome.document, outcome.annotations, outcome.pipeline_version)
            report.processed += 1
            report.words += outcome.annotations["words"]
            bar.update(1)
        bar.close()
        report.processing_seconds = time.perf_counter() - started
        report.counts = store.counts()
        annotations_path = output_dir / "annotations.jsonl"
        with atomic_write(annotations_path) as handle:
            graph = build_graph(_written_annotations(store.documents(), handle))
        report.outputs = {k: str(v) for k, v in write_graph(graph, output_dir).items()}
        report.outputs.update(store=str(store.path), annotations=str(annotations_path))
    report.graph = _graph_summary(graph)
    report.top_pairs = top_drug_event_pairs(graph)
    report.seconds = time.perf_counter() - started
    summary_path = output_dir / "run_report.json"
    with atomic_write(summary_path) as handle:
        json.dump(report.to_dict(), handle, indent=1)
    report.outputs["report"] = str(summary_path)
    return report


def _tasks(files: Iterable[Path], store: Store, report: RunReport, bar: tqdm,
           fail: Callable[[str, str], None]) -> Iterator[Task]:
    """The documents of `files` that need processing; the others are counted unchanged on the way.

    A document is unchanged when the store holds its content id with this pipeline version; within one
    run, a second path with the same content (or the same path twice) is unchanged as well.
    """
    seen: set[str] = set()
    for path in files:
        report.inputs += 1
        try:
            for index, (source_path, raw) in enumerate(split_sources(read_file_bytes(path), str(path))):
                if index and bar.total is not None:
                    bar.total += 1  # a file holding several documents (a PubMed set)
                document_id = content_id(raw)
                if document_id in seen or source_path in seen or (
                    store.processed_version(document_id) == report.pipeline_version
                ):
                    report.unchanged += 1
                    bar.update(1)
                    continue
                seen.update((document_id, source_path))
                yield Task(source_path, raw)
        except ReaderError as exc:
            fail(str(path), str(exc))
        except Exception as exc:  # a reader bug must not stop the batch
            fail(str(path), f"{path}: reading failed: {type(exc).__name__}: {exc}")


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
                  "title": stored.document.title, "entities": stored.entities, "relations": stored.relations}
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        yield stored
