"""Readers turn input files into `Document`s; the format is chosen from the content.

    from pipeline.readers import read_document
    doc = read_document("corpus/seeds/002_1350d4869f79fc29.txt")

Every reader is `read(raw: bytes, path: str) -> Document` and raises `ReaderError`
for input it cannot read. A file may hold several documents (a PubMed article set, a file of
ClinicalTrials.gov studies): `read_documents` yields each, and `iter_sources` gives their standalone
bytes for batch work, with an error for each one that cannot be had alone.

Only regular files are read: a named pipe, socket or device is refused without being opened for reading,
so a batch never waits on one.
"""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.document import Document, Section, content_id
from pipeline.limits import DocumentLimits
from pipeline.readers import bioc, ctgov_json, ctgov_page, ctgov_xml, html, pubmed, pubtator, text
from pipeline.errors import ReaderError
from pipeline.readers.parts import Source
from pipeline.readers.sniff import decode_text, detect_format

__all__ = [
    "ReaderError", "Source", "read_document", "read_documents", "read_bytes", "read_file_bytes", "iter_sources",
    "split_sources", "read_within_limits", "detect_format", "decode_text", "file_kind", "READERS", "SPLITTERS",
]



def _read_pdf(raw: bytes, path: str) -> Document:
    """The PDF reader, imported on first use (pdfplumber and pdfminer take a tenth of a second to import,
    which a run over unchanged inputs need not pay)."""
    from pipeline.readers import pdf

    return pdf.read(raw, path)


READERS: dict[str, Callable[[bytes, str], Document]] = {
    "pdf": _read_pdf,
    "ctgov_json": ctgov_json.read,
    "ctgov_xml": ctgov_xml.read,
    "ctgov_page": ctgov_page.read,
    "pubmed": pubmed.read,
    "bioc": bioc.read_xml,
    "bioc_json": bioc.read_json,
    "pubtator": pubtator.read,
    "html": html.read,
    "text": text.read,
}
# Formats whose files may hold several documents: `split(raw, path)` yields a `Source` per document.
SPLITTERS: dict[str, Callable[[bytes, str], Iterator[Source]]] = {
    "pubmed": pubmed.split,
    "ctgov_json": ctgov_json.split,
    "bioc": bioc.split_xml,
    "bioc_json": bioc.split_json,
    "pubtator": pubtator.split,
}


def read_bytes(raw: bytes, path: str) -> Document:
    """Read `raw` (the content of `path`) with the reader its content calls for."""
    fmt = detect_format(raw, path)
    return READERS[fmt](raw, path)


def read_within_limits(raw: bytes, path: str, limits: DocumentLimits) -> tuple[Document, list[str]]:
    """`read_bytes` held to `limits`: a PDF over the page limit is read for its first pages and a text over
    the character limit is cut; returns the document (its id that of `raw`, the cuts among its warnings)
    and the cuts, one line each."""
    from pipeline.readers.pdf_pages import first_pages

    fmt = detect_format(raw, path)
    cuts: list[str] = []
    readable = raw
    if fmt == "pdf":
        shortened = first_pages(raw, limits.max_pdf_pages)
        if shortened is not None:
            readable, total = shortened
            cuts.append(f"PDF read for its first {limits.max_pdf_pages:,} of {total:,} pages "
                        "(the page limit, --max-pdf-pages)")
    document = READERS[fmt](readable, path)
    document.id = content_id(raw)
    if len(document.text) > limits.max_characters:
        length = len(document.text)
        cut_text(document, limits.max_characters)
        cuts.append(f"text cut from {length:,} to {len(document.text):,} characters "
                    f"(the limit of {limits.max_characters:,}, --max-characters)")
    document.warnings = document.warnings + cuts
    return document, cuts


def cut_text(document: Document, limit: int) -> None:
    """Cut `document.text` to at most `limit` characters, at the last paragraph break, else line break, else
    white space in its second half; sections beyond the cut are dropped, the one across it shortened."""
    text = document.text
    end = limit
    for separator in ("\n\n", "\n", " "):
        found = text.rfind(separator, limit // 2, limit)
        if found >= 0:
            end = found
            break
    document.text = text[:end].rstrip()
    end = len(document.text)
    document.sections = [Section(s.name, s.kind, s.start, min(s.end, end), text[s.start : min(s.end, end)])
                         for s in document.sections if s.start < end]


def iter_sources(raw: bytes, path: str) -> Iterator[Source]:
    """The documents `raw` holds, each readable alone by `read_bytes`, or with the reason it cannot be.
    Raises `ReaderError` when the file itself cannot be read (after the documents found before the damage)."""
    splitter = SPLITTERS.get(detect_format(raw, path))
    if splitter is None:
        yield Source(path, raw)
    else:
        yield from splitter(raw, path)


def split_sources(raw: bytes, path: str) -> Iterator[tuple[str, bytes]]:
    """`(source_path, bytes)` of each document `raw` holds; raises `ReaderError` at one that cannot be had."""
    for source in iter_sources(raw, path):
        if source.error:
            raise ReaderError(source.path, source.error)
        yield source.path, source.raw


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_file_bytes(path: str | Path, max_bytes: int | None = None, shown: str | None = None) -> bytes:
    """The bytes of a regular file; `ReaderError` (naming the file as `shown`, default `path`) when it cannot
    be opened, is not a regular file (opened without blocking, so a FIFO never stalls), or is over `max_bytes`."""
    shown = shown if shown is not None else str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno == errno.ENOENT and os.path.islink(path):
            raise ReaderError(shown, f"a broken symbolic link (to {os.readlink(path)!r}); skipped") from exc
        if exc.errno == errno.ENXIO:  # a socket, or a FIFO opened for writing only
            raise ReaderError(shown, "a socket, not a regular file; skipped") from exc
        raise ReaderError(shown, f"cannot open file: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReaderError(shown, f"{file_kind(info.st_mode)}, not a regular file; skipped")
        if max_bytes is not None and info.st_size > max_bytes:
            raise ReaderError(shown, f"{info.st_size:,} bytes, over the limit of {max_bytes:,} bytes per file; "
                              "skipped (split it, or raise --max-file-bytes)")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            raw = handle.read(max_bytes + 1 if max_bytes is not None else -1)
        if max_bytes is not None and len(raw) > max_bytes:  # it grew while being read
            raise ReaderError(shown, f"over the limit of {max_bytes:,} bytes per file; skipped")
        return raw
    except OSError as exc:
        raise ReaderError(shown, f"cannot read file: {exc.strerror or exc}") from exc
    finally:
        if fd >= 0:
            os.close(fd)


def read_document(path: str | Path) -> Document:
    """Read one file into a `Document`; raises `ReaderError` naming the file and the cause."""
    return read_bytes(read_file_bytes(path), str(Path(path)))


def read_documents(path: str | Path) -> Iterator[Document]:
    """Every document of a file, one for most formats, one per article of a PubMed/PMC set or study of a
    ClinicalTrials.gov list; raises `ReaderError` at one that cannot be read."""
    for source_path, raw in split_sources(read_file_bytes(path), str(Path(path))):
        yield read_bytes(raw, source_path)
