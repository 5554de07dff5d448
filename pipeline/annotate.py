"""`trialgraph annotate`: JSONL texts in, contract-shaped entities and relations out (../shared/CONTRACT.md)."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from pipeline.atomic import atomic_write
from pipeline.exchange import OUTPUT_FORMATS, bioc, pubtator
from pipeline.exchange.annotated import Annotated, from_contract
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


Result = tuple[int, dict | None, dict[str, Any]]  # (line number, input record or None, output line)


def _annotated(nlp: Any, lines: Iterable[str], batch_size: int) -> Iterator[Result]:
    """(line number, input record or None, output line) for every input line, in order, `batch_size` at a time."""
    batch: list[tuple[int, dict | None, dict | None]] = []

    def flush() -> Iterator[Result]:
        texts = [record["text"] for _, record, _ in batch if record is not None]
        try:
            results = [doc_annotations(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]
        except Exception:  # find the text that fails, keep the others
            results = [_annotate_one(nlp, text) for text in texts]
        done = iter(results)
        for number, record, error in batch:
            yield number, record, ({"id": record.get("id"), **next(done)} if record is not None else error)
        batch.clear()

    for number, line in enumerate(lines, 1):
        batch.append((number, *_parse(number, line)))
        if len(batch) >= batch_size:
            yield from flush()
    yield from flush()


def _exchange(results: Iterable[Result]) -> Iterator[Annotated]:
    """The annotated input records as `Annotated` texts (a record without an id is named by its line number;
    a line that is not a record has no text to write and is left out)."""
    for number, record, result in results:
        if record is not None:
            doc_id = record.get("id")
            yield from_contract(f"line-{number}" if doc_id is None else str(doc_id), record["text"], result)


def annotate_jsonl(input_path: str, output_path: str, batch_size: int = 64, fmt: str = "jsonl") -> int:
    """Annotate every line, writing `fmt` (`OUTPUT_FORMATS`: the contract's JSONL, PubTator text, BioC XML or
    BioC JSON); returns how many lines could not be processed."""
    from pipeline.nlp.language import default_nlp

    if fmt not in OUTPUT_FORMATS:
        raise ValueError(f"unknown output format {fmt!r}; use one of {', '.join(OUTPUT_FORMATS)}")
    nlp = default_nlp()
    source = sys.stdin if input_path == "-" else open(input_path, encoding="utf-8")
    failed = 0

    def counted(results: Iterator[Result]) -> Iterator[Result]:
        nonlocal failed
        for item in results:
            failed += "error" in item[2]
            yield item

    with source, _output(output_path) as out:
        results = counted(_annotated(nlp, (line for line in source if line.strip()), batch_size))
        if fmt == "jsonl":
            for _, _, result in results:
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
        elif fmt == "pubtator":
            for item in _exchange(results):
                pubtator.write(item, out)
        else:
            (bioc.write_xml if fmt == "bioc" else bioc.write_json)(_exchange(results), out)
    return failed
