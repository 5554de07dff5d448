"""Readers turn input files into `Document`s; the format is chosen from the content.

    from pipeline.readers import read_document
    doc = read_document("corpus/seeds/002_1350d4869f79fc29.txt")

Every reader is `read(raw: bytes, path: str) -> Document` and raises `ReaderError`
for input it cannot read.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline.document import Document
from pipeline.readers import ctgov_json, ctgov_page, ctgov_xml, pdf, text
from pipeline.readers.errors import ReaderError
from pipeline.readers.sniff import decode_text, detect_format

__all__ = ["ReaderError", "read_document", "read_bytes", "detect_format", "decode_text", "READERS"]

READERS: dict[str, Callable[[bytes, str], Document]] = {
    "pdf": pdf.read,
    "ctgov_json": ctgov_json.read,
    "ctgov_xml": ctgov_xml.read,
    "ctgov_page": ctgov_page.read,
    "text": text.read,
}


def read_bytes(raw: bytes, path: str) -> Document:
    """Read `raw` (the content of `path`) with the reader its content calls for."""
    fmt = detect_format(raw, path)
    return READERS[fmt](raw, path)


def read_document(path: str | Path) -> Document:
    """Read one file into a `Document`; raises `ReaderError` naming the file and the cause."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReaderError(str(path), f"cannot open file: {exc.strerror or exc}") from exc
    return read_bytes(raw, str(path))
