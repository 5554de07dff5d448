"""`trialgraph annotate`: JSONL texts in, contract-shaped entities and relations out (../shared/CONTRACT.md)."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from pipeline.atomic import atomic_write
from pipeline.nlp.serialize import doc_annotations


def _parse(line_number: int, line: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(input record, None) or (None, error output line)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, {"id": None, "error": f"line {line_number}: not JSON: {exc.msg}", "entities": [], "relations": []}
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        ident = record.get("id") if isinstance(record, dict) else None
        return None, {"id": ident, "error": f"line {line_number}: needs a string 'text' field",
                      "entities": [], "relations": []}
    return record, None


def _annotate_one(nlp: Any, text: str) -> dict[str, Any]:
    try:
        return doc_annotations(nlp(text))
    except Exception as exc:
        return {"error": f"annotation failed: {type(exc).__name__}: {exc}", "entities": [], "relations": []}


@contextmanager
def _output(path: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdout
    else:
        with atomic_write(path) as handle:
            yield handle


def annotate_jsonl(input_path: str, output_path: str, batch_size: int = 64) -> int:
    """Annotate every line; returns how many lines could not be processed."""
    from pipeline.nlp.language import default_nlp

    nlp = default_nlp()
    source = sys.stdin if input_path == "-" else open(input_path, encoding="utf-8")
    failed = 0
    with source, _output(output_path) as out:
        lines = (line for line in source if line.strip())
        parsed = (_parse(n, line) for n, line in enumerate(lines, 1))
        batch: list[tuple[dict | None, dict | None]] = []

        def flush() -> None:
            nonlocal failed
            texts = [record["text"] for record, _ in batch if record is not None]
            try:
                results = [doc_annotations(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]
            except Exception:  # find the text that fails, keep the others
                results = [_annotate_one(nlp, text) for text in texts]
            done = iter(results)
            for record, error in batch:
                result = {"id": record.get("id"), **next(done)} if record is not None else error
                failed += "error" in result
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
            batch.clear()

        for item in parsed:
            batch.append(item)
            if len(batch) >= batch_size:
                flush()
        flush()
    return failed

