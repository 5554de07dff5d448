"""Choose a reader from a file's content, and decode text with errors that say what is wrong.

Text is decoded by its byte-order mark (UTF-8, UTF-16, UTF-32; UTF-16 and UTF-32 also recognised without one
from the zero bytes around the first ASCII characters), else as UTF-8. What decodes but is no text is refused
with its reason: a file holding only a byte-order mark, a bare JSON value such as `null`, text made mostly of
control characters, text without a single letter.
"""
from __future__ import annotations

import json
import re

from pipeline.readers import json_sets
from pipeline.readers.encodings import CODEC_NAMES, text_encoding
from pipeline.errors import ReaderError
from pipeline.readers.safe_xml import xml_root_name

# Phrases that only ClinicalTrials.gov record pages carry, in one or another of their layouts.
_CTGOV_PAGE_MARKERS = (
    re.compile(r"ClinicalTrials\.gov Identifier", re.I),
    re.compile(r"Identifier:\s*\|?\s*NCT\d{8}"),
    re.compile(r"Please refer to this study by its (?:ClinicalTrials\.gov )?identifier", re.I),
    re.compile(r"Listing a study does not mean it has been evaluated", re.I),
    re.compile(r"Listing of a study on this site does not reflect endorsement", re.I),
)
_CTGOV_PAGE_FIELDS = re.compile(
    r"(Primary Outcome Measures?|Eligibility Criteria|Condition or disease|Intervention/treatment|Study Type\s*:)", re.I
)
# Root elements of PubMed XML and PubMed Central (JATS) XML.
PUBMED_ROOTS = frozenset({"PubmedArticleSet", "PubmedArticle", "pmc-articleset", "article"})
# C0 controls other than tab, line feed, form feed and carriage return, and DEL
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
MAX_CONTROL_SHARE = 0.05  # more control characters than this share of a text: binary content
_LETTER = re.compile(r"[^\W\d_]")
# a title line, then an abstract line or a mention line
_PUBTATOR = re.compile(r"\s*([^\s|]+)\|t\|[^\n]*\n(?:\1\|a\||\1\t\d+\t\d+\t)")
_BIOC_JSON_START = re.compile(r'\s*[\[{]\s*\{?\s*"(?:source|date|key|infons|documents|passages|id|PubTator3)"')
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.I)


def decode_text(raw: bytes, path: str) -> str:
    """The text of `raw` with line breaks as `\\n`; `ReaderError` for binary data, other encodings, and files
    that hold no text (see the module docstring)."""
    codec, mark = text_encoding(raw)
    body = raw[mark:]
    if codec == "utf-8":
        if not body.strip():
            raise ReaderError(path, "no text: the file holds only a byte-order mark" if mark else "empty file")
        sample = body[:4096]
        if b"\x00" in sample or len(_CONTROL_BYTES.findall(sample)) > len(sample) * MAX_CONTROL_SHARE:
            raise ReaderError(path, "binary data, not a text, PDF, JSON or XML document")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReaderError(
                path,
                f"not UTF-8 text (byte 0x{body[exc.start]:02x} at offset {exc.start + mark}); re-save the file as UTF-8",
            ) from exc
    else:
        try:
            text = body.decode(codec)
        except UnicodeDecodeError as exc:
            raise ReaderError(path, f"broken {CODEC_NAMES[codec]} text at byte {exc.start + mark}") from exc
        if not text.strip():
            raise ReaderError(path, "no text: the file holds only a byte-order mark" if mark else "empty file")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_is_text(text, path)
    return text


def _check_is_text(text: str, path: str) -> None:
    controls = len(_CONTROL_CHARACTERS.findall(text))
    if controls > len(text) * MAX_CONTROL_SHARE:
        raise ReaderError(path, f"binary content: {controls:,} of {len(text):,} characters are control characters")
    if not _LETTER.search(text):
        raise ReaderError(path, "no text: not a single letter in it")


def _head(raw: bytes, chars: int = 4096) -> str:
    """The first characters of `raw` decoded leniently, leading white space removed (for sniffing only)."""
    codec, mark = text_encoding(raw)
    unit = {"utf-8": 1, "utf-16-le": 2, "utf-16-be": 2}.get(codec, 4)
    return raw[mark : mark + chars * unit].decode(codec, errors="ignore").lstrip()


def _is_pdf(raw: bytes) -> bool:
    """A `%PDF-` header at the start, or within the first kilobyte after bytes that do not open JSON or XML."""
    found = raw[:1024].find(b"%PDF-")
    if found < 0:
        return False
    return not raw[:found].strip() or raw.lstrip()[:1] not in (b"{", b"[", b"<")


def is_bioc_json(text: str) -> bool:
    """Whether JSON text looks like BioC: its first key one of BioC's and passages in it (the reader checks the rest)."""
    return bool(_BIOC_JSON_START.match(text)) and '"passages"' in text[:1_000_000]


def _bare_json_value(head: str, raw: bytes) -> str | None:
    """`null`, `true`, a number or a string as the whole file: the JSON value, else None."""
    if len(raw) > 256 or head[:1] not in set('"-0123456789tfn'):
        return None
    try:
        value = json.loads(head)
    except ValueError:
        return None
    return None if isinstance(value, (dict, list)) else json.dumps(value)


def detect_format(raw: bytes, path: str) -> str:
    """One of `pdf`, `ctgov_json`, `bioc_json`, `ctgov_xml`, `pubmed`, `bioc`, `html`, `ctgov_page`, `pubtator`,
    `text`, decided from the bytes."""
    if text_encoding(raw)[0] == "utf-8" and _is_pdf(raw):
        return "pdf"
    head = _head(raw)
    if head[:1] in ("{", "["):
        text = decode_text(raw, path)
        if is_bioc_json(text):
            return "bioc_json"
        json_sets.layout(text, path)
        return "ctgov_json"
    if head.startswith("<"):
        if _HTML_START.match(head):
            return "html"
        root = xml_root_name(raw, path)
        if root == "clinical_study":
            return "ctgov_xml"
        if root in PUBMED_ROOTS:
            return "pubmed"
        if root == "collection":
            return "bioc"
        if root == "html":
            return "html"
        if root is not None:
            raise ReaderError(path, f"XML with root <{root}>: neither a ClinicalTrials.gov <clinical_study> record, "
                              "PubMed/PMC XML nor a BioC <collection>")
        if re.search(r"<html\b", head, re.I):
            return "html"
        if head.startswith(("<?xml", "<!DOCTYPE", "<!--")) or re.match(r"<[A-Za-z_][\w.-]*[\s>/]", head):
            from pipeline.readers.safe_xml import parse_xml

            parse_xml(raw, path)  # raises the parse error with its line and column
    value = _bare_json_value(head, raw)
    if value is not None:
        raise ReaderError(path, f"no text: a bare JSON value ({value[:40]}), not a document")
    text = decode_text(raw, path)
    return text_format(text)


def text_format(text: str) -> str:
    """`pubtator` for PubTator text (`ID|t|TITLE` first), `ctgov_page` for a saved ClinicalTrials.gov record
    page, else `text`."""
    if _PUBTATOR.match(text):
        return "pubtator"
    markers = sum(1 for marker in _CTGOV_PAGE_MARKERS if marker.search(text))
    if markers and _CTGOV_PAGE_FIELDS.search(text):
        return "ctgov_page"
    return "text"
