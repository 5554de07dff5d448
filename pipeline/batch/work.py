"""The per-document unit of work, the same wherever it runs: read the bytes, extract, return the result."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from spacy.language import Language

from pipeline.document import Document


@dataclass(frozen=True)
class Task:
    """One document to process: its source path and the bytes that hold it."""

    source_path: str
    raw: bytes


@dataclass
class Outcome:
    """What became of a task: the document and its annotations, or an error in one line."""

    source_path: str
    document: Document | None = None
    annotations: dict[str, Any] | None = None
    pipeline_version: str = ""
    error: str | None = None
    seconds: float = 0.0


def process(nlp: Language, version: str, task: Task) -> Outcome:
    """Read and extract one document; any exception becomes the outcome's error, never a crash."""
    from pipeline.extract import extract_document
    from pipeline.readers import ReaderError, read_bytes

    started = time.perf_counter()
    try:
        document = read_bytes(task.raw, task.source_path)
    except ReaderError as exc:
        return Outcome(task.source_path, error=str(exc), seconds=time.perf_counter() - started)
    except Exception as exc:  # a reader bug must not stop the batch either
        return Outcome(task.source_path, error=f"{task.source_path}: reading failed: {type(exc).__name__}: {exc}",
                       seconds=time.perf_counter() - started)
    try:
        annotations = extract_document(nlp, document)
    except Exception as exc:
        return Outcome(task.source_path, error=f"{task.source_path}: extraction failed: {type(exc).__name__}: {exc}",
                       seconds=time.perf_counter() - started)
    return Outcome(task.source_path, document, annotations, version, seconds=time.perf_counter() - started)


def process_here(task: Task) -> Outcome:
    """`process` with this process's pipeline (loaded once per process); what cluster workers run."""
    from pipeline.nlp.language import default_nlp, pipeline_version

    nlp = default_nlp()
    return process(nlp, pipeline_version(nlp), task)


def pipeline_version_here() -> str:
    """The pipeline version of this process, loading the pipeline (once) on the way."""
    from pipeline.nlp.language import default_nlp, pipeline_version

    return pipeline_version(default_nlp())
