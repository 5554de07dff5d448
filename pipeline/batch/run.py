"""`trialgraph run`: read -> annotate -> store -> graph -> exports, over files and folders.

Incremental: a document already stored with the same content and pipeline version is skipped.
A file that cannot be read or annotated is recorded with its error and the run goes on.
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from pipeline.atomic import atomic_write
from pipeline.graph.build import build_graph
from pipeline.graph.export import write_graph
from pipeline.graph.query import top_drug_event_pairs
from pipeline.readers import ReaderError, read_document
from pipeline.store import Store, StoredDocument

STORE_NAME = "trialgraph.db"
_NOT_DOCUMENTS = ("readme", "provenance", "license", "licence")


@dataclass
class RunReport:
    """What a run did, for people (`summary_lines`) and programs (`to_dict`)."""

    inputs: int = 0
    processed: int = 0
    unchanged: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    words: int = 0
    seconds: float = 0.0
    counts: dict[str, Any] = field(default_factory=dict)
    graph: dict[str, Any] = field(default_factory=dict)
    top_pairs: list[dict[str, Any]] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "processed": self.processed,
            "unchanged": self.unchanged,
            "failed": len(self.failures),
            "failures": [{"path": p, "error": e} for p, e in self.failures],
            "words": self.words,
            "seconds": round(self.seconds, 2),
            "words_per_second": round(self.words / self.seconds) if self.seconds else None,
            "store": self.counts,
            "graph": self.graph,
            "top_drug_event_pairs": self.top_pairs,
            "outputs": self.outputs,
        }

    def summary_lines(self) -> list[str]:
        lines = [
            f"documents: {self.inputs} inputs, {self.processed} processed, {self.unchanged} unchanged, "
            f"{len(self.failures)} failed  ({self.seconds:.1f} s)",
            f"store: {self.counts.get('documents', {}).get('total', 0)} documents",
        ]
        for kind in ("mentions", "relations", "facts"):
            per_label = self.counts.get(kind, {})
            text = ", ".join(f"{label} {n}" for label, n in per_label.items()) or "none"
            lines.append(f"{kind}: {text}")
        lines.append(f"graph: {self.graph.get('nodes', 0)} nodes, {self.graph.get('edges', 0)} edges "
                     + "(" + ", ".join(f"{t} {n}" for t, n in self.graph.get("node_types", {}).items()) + ")")
        if self.top_pairs:
            lines.append("top drug–event pairs (documents):")
            lines += [f"  {p['drug']:<28} {p['event']:<36} {p['documents']}" for p in self.top_pairs]
        for path, error in self.failures:
            lines.append(f"FAILED {error}" if error.startswith(path) else f"FAILED {path}: {error}")
        return lines


def collect_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, and every file under named folders (hidden files and READMEs skipped)."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out += sorted(
                p for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not p.name.lower().startswith(_NOT_DOCUMENTS)
            )
        else:
            out.append(path)
    return out


def run(paths: Iterable[str | Path], output_dir: str | Path, progress: bool = True) -> RunReport:
    """Process every input into the store under `output_dir`, then rebuild the graph and its exports."""
    from pipeline.extract import extract_document
    from pipeline.nlp.language import default_nlp, pipeline_version

    started = time.perf_counter()
    output_dir = Path(output_dir)
    files = collect_inputs(paths)
    report = RunReport(inputs=len(files))
    nlp = default_nlp()
    version = pipeline_version(nlp)
    with Store(output_dir / STORE_NAME) as store:
        bar = tqdm(files, desc="trialgraph run", unit="doc", delay=1.0, disable=not progress)

        def fail(path: Path, error: str) -> None:
            store.record_failure(str(path), error)
            report.failures.append((str(path), error))

        for path in bar:
            try:
                document = read_document(path)
            except ReaderError as exc:
                fail(path, str(exc))
                continue
            if store.processed_version(document.id) == version:
                report.unchanged += 1
                continue
            try:
                annotations = extract_document(nlp, document)
            except Exception as exc:  # one document must not stop the batch
                fail(path, f"{path}: extraction failed: {type(exc).__name__}: {exc}")
                continue
            store.save(document, annotations, version)
            report.processed += 1
            report.words += annotations["words"]
            bar.set_postfix(failed=len(report.failures))
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
