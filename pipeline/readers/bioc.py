"""Reader for BioC, XML (`<collection>`) and JSON (a collection `{"documents": [...]}`, one document
`{"passages": [...]}`, a list of documents, or PubTator3's `{"PubTator3": [...]}`), as PubTator3 and PMC's
text-mining services distribute it.

Passages carry their offset in the document: each passage's text (or, without one, each of its sentences) is
placed at its offset, gaps filled with line breaks (spaces between the sentences of a passage), so the
document's character offsets are BioC's. A passage's
`section_type` (PMC: TITLE, ABSTRACT, INTRO, METHODS, ...) or else `type` infon (title, abstract, paragraph ...)
gives its section kind. Annotations (with their `type` and `identifier` infons) and relations, at document,
passage or sentence level, become the document's `pre_annotations` and `pre_relations`; one whose text is not
the text at its offsets is kept with a warning. A collection of several documents is split into `FILE#ID` sources.
Offsets are counted in characters.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

from pipeline.document import Document, PreAnnotation, PreRelation, Section, content_id
from pipeline.exchange.labels import curies, label_of, relation_label_of
from pipeline.errors import ReaderError
from pipeline.readers.parts import Source, UniqueKeys
from pipeline.readers.safe_xml import local_name, parse_xml
from pipeline.readers.sniff import decode_text
from pipeline.readers.text import clip_title, ordered_nct_ids

FORMAT_XML, FORMAT_JSON = "bioc", "bioc_json"
_COLLECTION_HEAD = ("source", "date", "key", "infon")
# section_type (PMC BioC) or type (PubTator3) infon values -> section kinds; anything else is "other"
_SECTION_KINDS = {
    "title": "title", "front": "title", "abstract": "abstract", "abstract_title_1": "abstract",
    "intro": "background", "introduction": "background", "background": "background", "methods": "methods",
    "results": "results", "discuss": "discussion", "discussion": "discussion", "concl": "conclusions",
    "conclusions": "conclusions", "ref": "references", "references": "references",
}


# BioC XML as BioC JSON's dicts --------------------------------------------------------------------------

def _infons(element: ET.Element) -> dict[str, str]:
    return {item.get("key", ""): item.text or "" for item in element if local_name(item.tag) == "infon"}


def _child_text(element: ET.Element, name: str) -> str | None:
    found = next((child for child in element if local_name(child.tag) == name), None)
    return None if found is None else found.text or ""


def _annotation(element: ET.Element) -> dict[str, Any]:
    return {"id": element.get("id", ""), "infons": _infons(element), "text": _child_text(element, "text") or "",
            "locations": [{"offset": loc.get("offset"), "length": loc.get("length")}
                          for loc in element if local_name(loc.tag) == "location"]}


def _relation(element: ET.Element) -> dict[str, Any]:
    return {"id": element.get("id", ""), "infons": _infons(element),
            "nodes": [{"refid": node.get("refid", ""), "role": node.get("role", "")}
                      for node in element if local_name(node.tag) == "node"]}


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if local_name(child.tag) == name]


def _unit(element: ET.Element) -> dict[str, Any]:
    """A passage or sentence element as its JSON dict."""
    unit: dict[str, Any] = {"infons": _infons(element), "offset": _child_text(element, "offset"),
                            "text": _child_text(element, "text"),
                            "annotations": [_annotation(a) for a in _children(element, "annotation")],
                            "relations": [_relation(r) for r in _children(element, "relation")]}
    if local_name(element.tag) == "passage":
        unit["sentences"] = [_unit(s) for s in _children(element, "sentence")]
    return unit


def _document_dict(element: ET.Element) -> dict[str, Any]:
    return {"id": _child_text(element, "id") or "", "infons": _infons(element),
            "passages": [_unit(p) for p in _children(element, "passage")],
            "relations": [_relation(r) for r in _children(element, "relation")]}


def _xml_documents(raw: bytes, path: str) -> tuple[ET.Element, list[ET.Element]]:
    root = parse_xml(raw, path)
    if local_name(root.tag) != "collection":
        raise ReaderError(path, f"BioC XML has a <collection> root, not <{local_name(root.tag)}>")
    documents = _children(root, "document")
    if not documents:
        raise ReaderError(path, "a BioC collection with no <document> in it")
    return root, documents


def _json_documents(raw: bytes, path: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    try:
        data = json.loads(decode_text(raw, path))
    except json.JSONDecodeError as exc:
        raise ReaderError(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    except RecursionError as exc:
        raise ReaderError(path, "JSON nested too deeply; refused") from exc
    head: dict[str, Any] = {}
    if isinstance(data, dict) and isinstance(data.get("PubTator3"), list):
        documents = data["PubTator3"]
    elif isinstance(data, dict) and isinstance(data.get("documents"), list):
        head, documents = {k: v for k, v in data.items() if k != "documents"}, data["documents"]
    elif isinstance(data, dict) and "passages" in data:
        documents = [data]
    elif isinstance(data, list):
        documents = data
    else:
        raise ReaderError(path, "JSON that is not BioC (no 'documents' or 'passages')")
    if not documents or not all(isinstance(d, dict) and isinstance(d.get("passages"), list) for d in documents):
        raise ReaderError(path, "a BioC collection whose documents are missing or have no 'passages' list")
    return head, documents


# splitting and reading -----------------------------------------------------------------------------------

def split_xml(raw: bytes, path: str) -> Iterator[Source]:
    """Each document of a BioC XML collection as a standalone collection (`FILE#ID`); one document passes through."""
    root, documents = _xml_documents(raw, path)
    if len(documents) == 1:
        yield Source(path, raw)
        return
    keys = UniqueKeys(path, "document")
    head = [child for child in root if local_name(child.tag) in _COLLECTION_HEAD]
    for number, document in enumerate(documents, 1):
        single = ET.Element("collection")
        single.extend(head + [document])
        yield keys.source(_child_text(document, "id") or f"document-{number}", number,
                          ET.tostring(single, encoding="utf-8", xml_declaration=True))


def split_json(raw: bytes, path: str) -> Iterator[Source]:
    """Each document of a BioC JSON collection as a standalone collection (`FILE#ID`); one document passes through."""
    head, documents = _json_documents(raw, path)
    if len(documents) == 1:
        yield Source(path, raw)
        return
    keys = UniqueKeys(path, "document")
    for number, document in enumerate(documents, 1):
        yield keys.source(str(document.get("id") or f"document-{number}"), number,
                          json.dumps({**head, "documents": [document]}, ensure_ascii=False).encode("utf-8"))


def read_xml(raw: bytes, path: str) -> Document:
    """The first document of a BioC XML collection (`split_xml` gives each its own)."""
    return _read(_document_dict(_xml_documents(raw, path)[1][0]), raw, path, FORMAT_XML)


def read_json(raw: bytes, path: str) -> Document:
    """The first document of BioC JSON (`split_json` gives each its own)."""
    return _read(_json_documents(raw, path)[1][0], raw, path, FORMAT_JSON)


def _offset(value: Any, where: str, path: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ReaderError(path, f"{where}: offset {value!r} is not a whole number") from None
    if number < 0:
        raise ReaderError(path, f"{where}: negative offset {number}")
    return number


def _read(document: dict[str, Any], raw: bytes, path: str, fmt: str) -> Document:
    doc_id = str(document.get("id") or "")
    parts: list[str] = []
    length = 0
    sections: list[Section] = []
    annotations: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = list(document.get("relations") or [])
    title = ""
    for number, passage in enumerate(document["passages"], 1):
        infons = passage.get("infons") or {}
        where = f"document {doc_id or '?'} passage {number}"
        units = [passage] if passage.get("text") else (passage.get("sentences") or [])
        start = None
        for unit in units:
            at = _offset(unit.get("offset", passage.get("offset")), where, path)
            if at < length:
                raise ReaderError(path, f"{where}: offset {at} lies inside the text before it (which ends at "
                                  f"{length}); BioC passages must not overlap")
            parts.append((" " if start is not None else "\n") * (at - length))  # sentences of a passage: spaces
            parts.append(unit.get("text") or "")
            start = at if start is None else start
            length = at + len(unit.get("text") or "")
        for unit in [passage] + list(passage.get("sentences") or []):
            annotations += unit.get("annotations") or []
            relations += unit.get("relations") or []
        if start is None or start == length:
            continue
        name = infons.get("section_type") or infons.get("type") or "passage"
        kind = _SECTION_KINDS.get(name.lower(), "other")
        text = "".join(parts)
        sections.append(Section(name, kind, start, length, text[start:length]))
        if kind == "title" and not title:
            title = text[start:length]
    text = "".join(parts)
    if not text.strip():
        raise ReaderError(path, f"BioC document {doc_id or '?'} has no passage text")
    mentions, warnings = _mentions(annotations, text, path)
    return Document(
        id=content_id(raw), source_path=path, format=fmt, title=clip_title(title or doc_id), text=text,
        sections=sections, nct_ids=ordered_nct_ids(text), publication_ids=_publication_ids(doc_id),
        warnings=warnings, pre_annotations=mentions, pre_relations=[_pre_relation(r) for r in relations])


def _mentions(annotations: list[dict[str, Any]], text: str, path: str) -> tuple[list[PreAnnotation], list[str]]:
    mentions, warnings = [], []
    for annotation in annotations:
        infons = annotation.get("infons") or {}
        where = f"annotation {annotation.get('id') or '?'}"
        spans = [(_offset(loc.get("offset"), where, path), int(loc.get("length") or 0))
                 for loc in annotation.get("locations") or []]
        if not spans:
            warnings.append(f"{where} has no location; left out")
            continue
        start, end = min(s for s, _ in spans), max(s + n for s, n in spans)
        if end > len(text):
            raise ReaderError(path, f"{where}: location {start}-{end} beyond the text ({len(text)} characters)")
        said = annotation.get("text") or ""
        if len(spans) == 1 and said and text[start:end] != said:
            warnings.append(f"{where}: {said!r} at {start}-{end} is {text[start:end]!r} in the text")
        kind = infons.get("type") or ""
        label = infons.get("trialgraph_label") or label_of(kind)
        mentions.append(PreAnnotation(start, end, said or text[start:end], kind, label,
                                      curies(infons.get("identifier") or infons.get("MESH") or ""),
                                      str(annotation.get("id") or "")))
    return mentions, warnings


def _pre_relation(relation: dict[str, Any]) -> PreRelation:
    infons = relation.get("infons") or {}
    kind = infons.get("type") or infons.get("relation") or ""
    nodes = tuple((str(n.get("role") or ""), str(n.get("refid") or "")) for n in relation.get("nodes") or [])
    if not nodes:  # PubTator3 relates concepts: role1 / role2 infons, "Chemical|MESH:D008750" or {"identifier": ...}
        roles = {key: infons[key] for key in ("role1", "role2") if infons.get(key)}
        nodes = tuple((key, curie) for key, role in roles.items()
                      for curie in curies(role.get("identifier", "") if isinstance(role, dict)
                                          else str(role).split("|", 1)[-1])[:1])
    return PreRelation(kind, infons.get("trialgraph_label") or relation_label_of(kind), nodes)


def _publication_ids(doc_id: str) -> dict[str, str]:
    if doc_id.isdigit():
        return {"pmid": doc_id}
    if re.fullmatch(r"PMC\d+", doc_id):
        return {"pmcid": doc_id}
    return {}
