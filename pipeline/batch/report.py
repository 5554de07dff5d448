"""What a run did, for people (`summary_lines`) and programs (`to_dict`, written to run_report.json)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RunReport:
    """Counts, failures with their reasons, time and throughput of one `trialgraph run`."""

    inputs: int = 0
    processed: int = 0
    unchanged: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # left out on purpose: (path, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # what a limit cut or was replaced: (path, what)
    exports_rewritten: bool = False
    words: int = 0
    seconds: float = 0.0
    counts: dict[str, Any] = field(default_factory=dict)
    graph: dict[str, Any] = field(default_factory=dict)
    top_pairs: list[dict[str, Any]] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    workers: str = ""
    pipeline_version: str = ""
    processing_seconds: float = 0.0  # until the last document was stored, before the graph is rebuilt

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "processed": self.processed,
            "unchanged": self.unchanged,
            "failed": len(self.failures),
            "failures": [{"path": p, "error": e} for p, e in self.failures],
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "warnings": [{"path": p, "warning": w} for p, w in self.warnings],
            "exports_rewritten": self.exports_rewritten,
            "words": self.words,
            "seconds": round(self.seconds, 2),
            "processing_seconds": round(self.processing_seconds, 2),
            "documents_per_second": _rate(self.processed, self.processing_seconds),
            "words_per_second": round(self.words / self.seconds) if self.seconds else None,
            "processing_words_per_second": _rate(self.words, self.processing_seconds, digits=0),
            "workers": self.workers,
            "pipeline_version": self.pipeline_version,
            "store": self.counts,
            "graph": self.graph,
            "top_drug_event_pairs": self.top_pairs,
            "outputs": self.outputs,
        }

    def summary_lines(self) -> list[str]:
        lines = [
            f"documents: {self.inputs} inputs, {self.processed} processed, {self.unchanged} unchanged, "
            f"{len(self.failures)} failed, {len(self.skipped)} skipped  ({self.seconds:.1f} s)",
            f"throughput: {_rate(self.processed, self.processing_seconds) or 0} documents/s, "
            f"{_rate(self.words, self.processing_seconds, digits=0) or 0:.0f} words/s on {self.workers}",
            f"store: {self.counts.get('documents', {}).get('total', 0)} documents",
        ]
        for kind in ("mentions", "relations", "facts"):
            per_label = self.counts.get(kind, {})
            text = ", ".join(f"{label} {n}" for label, n in per_label.items()) or "none"
            lines.append(f"{kind}: {text}")
        lines.append(f"graph: {self.graph.get('nodes', 0)} nodes, {self.graph.get('edges', 0)} edges "
                     + "(" + ", ".join(f"{t} {n}" for t, n in self.graph.get("node_types", {}).items()) + ")")
        if self.top_pairs:
            lines.append("top drug–event pairs (documents, pieces of evidence):")
            lines += [f"  {p['drug']:<28} {p['event']:<36} {p['documents']:>3} {p['evidence']:>4}" for p in self.top_pairs]
        if not self.exports_rewritten:
            lines.append("exports: unchanged (the store did not change)")
        for path, reason in self.skipped:
            lines.append(f"SKIPPED {path}: {reason}")
        for path, warning in self.warnings:
            lines.append(f"WARNING {path}: {warning}")
        for path, error in self.failures:
            lines.append(f"FAILED {error}" if error.startswith(path) else f"FAILED {path}: {error}")
        return lines


def _rate(amount: float, seconds: float, digits: int = 2) -> float | None:
    return round(amount / seconds, digits) if seconds > 0 else None
