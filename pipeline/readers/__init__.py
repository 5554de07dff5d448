"""Readers turn input files into `Document`s; the format is chosen from the content.

    from pipeline.readers import read_document
    doc = read_document("corpus/seeds/002_1350d4869f79fc29.txt")

Every reader is `read(raw: bytes, path: str) -> Document` and raises `ReaderError`
for input it cannot read. A file may hold several documents (a PubMed article set):
`read_documents` yields each, and `split_sources` gives their standalone bytes for batch work.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.document import Document
from pipeline.readers import ctgov_json, ctgov_page, ctgov_xml, pdf, pubmed, text
from pipeline.readers.errors import ReaderError
from pipeline.readers.sniff import decode_text, detect_format

__all__ = [
    "ReaderError", "read_document", "read_documents", "read_bytes", "read_file_bytes", "split_sources", "detect_format", "decode_text",
    "READERS", "SPLITTERS",
]

READERS: dict[str, Callable[[bytes, str], Document]] = {
    "pdf": pdf.read,
    "ctgov_json": ctgov_json.read,
    "ctgov_xml": ctgov_xml.read,
    "ctgov_page": ctgov_page.read,
    "pubmed": pubmed.read,
    "text": text.read,
}
# Formats whose files may hold several documents: `split(raw, path)` yields `(source_path, bytes)` per document.
SPLITTERS: dict[str, Callable[[bytes, str], Iterator[tuple[str, bytes]]]] = {
    "pubmed": pubmed.split,
}


def read_bytes(raw: bytes, path: str) -> Document:
    """Read `raw` (the content of `path`) with the reader its content calls for."""
    fmt = detect_format(raw, path)
    return READERS[fmt](raw, path)


def split_sources(raw: bytes, path: str) -> Iterator[tuple[str, bytes]]:
    """The documents `raw` holds as `(source_path, bytes)`, each readable alone by `read_bytes`."""
    splitter = SPLITTERS.get(detect_format(raw, path))
    if splitter is None:
        yield path, raw
    else:
        yield from splitter(raw, path)


def read_file_bytes(path: str | Path) -> bytes:
    """The bytes of a file; raises `ReaderError` when it cannot be opened."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ReaderError(str(path), f"cannot open file: {exc.strerror or exc}") from exc


def read_document(path: str | Path) -> Document:
    """Read one file into a `Document`; raises `ReaderError` naming the file and the cause."""
    return read_bytes(read_file_bytes(path), str(Path(path)))


def read_documents(path: str | Path) -> Iterator[Document]:
    """Every document of a file, one for most formats, one per article of a PubMed/PMC set."""
    for source_path, raw in split_sources(read_file_bytes(path), str(Path(path))):
        yield read_bytes(raw, source_path)
