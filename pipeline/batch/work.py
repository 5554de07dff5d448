"""The per-document unit of work, the same wherever it runs: read the bytes within the document limits,
extract, return the result."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pipeline.document import Document
from pipeline.limits import DocumentLimits

if TYPE_CHECKING:
    from spacy.language import Language

_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Task:
    """One document to process: its source path, the bytes that hold it, and the limits it is held to."""

    source_path: str
    raw: bytes
    limits: DocumentLimits = field(default_factory=DocumentLimits)


@dataclass
class Outcome:
    """What became of a task: the document and its annotations (with what the limits cut from it, one line
    each, in `warnings`), or an error in one line."""

    source_path: str
    document: Document | None = None
    annotations: dict[str, Any] | None = None
    pipeline_version: str = ""
    error: str | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


def process(nlp: Language, version: str, task: Task) -> Outcome:
    """Read and extract one document; any exception becomes the outcome's error, never a crash."""
    from pipeline.extract import extract_document
    from pipeline.readers import ReaderError, read_within_limits

    started = time.perf_counter()
    try:
        document, cuts = read_within_limits(task.raw, task.source_path, task.limits)
        cuts += _make_storable(document)
    except ReaderError as exc:
        return Outcome(task.source_path, error=str(exc), seconds=time.perf_counter() - started)
    except Exception as exc:  # a reader bug must not stop the batch either
        return Outcome(task.source_path, error=f"{task.source_path}: reading failed: {type(exc).__name__}: {exc}",
                       seconds=time.perf_counter() - started)
    try:
        annotations = extract_document(nlp, document, task.limits.piece_characters)
    except Exception as exc:
        return Outcome(task.source_path, error=f"{task.source_path}: extraction failed: {type(exc).__name__}: {exc}",
                       seconds=time.perf_counter() - started)
    return Outcome(task.source_path, document, annotations, version, seconds=time.perf_counter() - started,
                   warnings=cuts)


def _make_storable(document: Document) -> list[str]:
    """Lone UTF-16 surrogates (JSON can spell them, `"\\ud800"`; UTF-8 cannot hold them) become U+FFFD, one
    character for one so offsets stay; returns the warning when there were any."""
    try:
        document.to_json().encode("utf-8")
        return []
    except UnicodeEncodeError:
        pass
    cleaned = Document.from_dict(_without_surrogates(document.to_dict()))
    for name in vars(document):
        setattr(document, name, getattr(cleaned, name))
    warning = "lone UTF-16 surrogates in the text were replaced by U+FFFD"
    document.warnings.append(warning)
    return [warning]


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    return value


@lru_cache(maxsize=1)
def worker_nlp() -> Language:
    """The pipeline of a batch worker process, loaded once: the process is configured for long runs
    (`pipeline.process`) and the loaded pipeline frozen out of the garbage collector's reach."""
    from pipeline.nlp.language import default_nlp
    from pipeline.process import configure_process, freeze_long_lived_objects

    configure_process()
    nlp = default_nlp()
    freeze_long_lived_objects()
    return nlp


def process_here(task: Task) -> Outcome:
    """`process` with this process's pipeline (loaded once per process); what cluster workers run."""
    from pipeline.nlp.language import pipeline_version

    nlp = worker_nlp()
    return process(nlp, pipeline_version(nlp), task)


def pipeline_version_here() -> str:
    """The pipeline version of this process, loading the pipeline (once) on the way."""
    from pipeline.nlp.language import pipeline_version

    return pipeline_version(worker_nlp())
