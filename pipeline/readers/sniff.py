"""Choose a reader from a file's content, and decode text with errors that say what is wrong."""
from __future__ import annotations

import json
import re

from pipeline.readers.errors import ReaderError

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
# Root elements of PubMed XML and PubMed Central (JATS) XML; a JATS <article> also has <front>.
_PUBMED_ROOT = re.compile(rb"<(PubmedArticleSet|PubmedArticle|pmc-articleset|article)[\s>]")


def _is_pubmed(head: bytes) -> bool:
    found = _PUBMED_ROOT.search(head)
    return bool(found) and (found.group(1) != b"article" or b"<front" in head)


def decode_text(raw: bytes, path: str) -> str:
    """Decode UTF-8 (or UTF-16 with a byte-order mark); reject binary data and other encodings clearly."""
    if not raw.strip():
        raise ReaderError(path, "empty file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReaderError(path, f"broken UTF-16 text at byte {exc.start}") from exc
    sample = raw[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if b"\x00" in sample or controls > len(sample) * 0.05:
        raise ReaderError(path, "binary data, not a text, PDF, JSON or XML document")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReaderError(
            path,
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); re-save the file as UTF-8",
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def detect_format(raw: bytes, path: str) -> str:
    """One of `pdf`, `ctgov_json`, `ctgov_xml`, `pubmed`, `ctgov_page`, `text`, decided from the bytes."""
    head = raw[:1024].lstrip()
    if b"%PDF-" in raw[:1024]:
        return "pdf"
    if not raw.strip():
        raise ReaderError(path, "empty file")
    if head[:1] in (b"{", b"["):
        try:
            data = json.loads(decode_text(raw, path))
        except json.JSONDecodeError as exc:
            raise ReaderError(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
        if isinstance(data, dict) and ("protocolSection" in data or "FullStudiesResponse" in data):
            return "ctgov_json"
        raise ReaderError(path, "JSON that is not a ClinicalTrials.gov study record (no protocolSection)")
    if head.startswith(b"<"):
        if b"<clinical_study" in raw[:4096]:
            return "ctgov_xml"
        if _is_pubmed(raw[:8192]):
            return "pubmed"
        if head.startswith((b"<?xml", b"<!DOCTYPE")) or re.match(rb"<[A-Za-z_][\w.-]*[\s>]", head):
            if not re.search(rb"<html\b", raw[:4096], re.I):
                raise ReaderError(path, "XML that is neither a ClinicalTrials.gov <clinical_study> record nor PubMed/PMC XML")
    text = decode_text(raw, path)
    markers = sum(1 for marker in _CTGOV_PAGE_MARKERS if marker.search(text))
    if markers and _CTGOV_PAGE_FIELDS.search(text):
        return "ctgov_page"
    return "text"
