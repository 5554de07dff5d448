"""Annotated texts as a BioC collection, XML or JSON, written one document at a time.

Each text is one document with one passage at offset 0 (so every offset is the text's own, in characters).
An annotation carries the infons `type` (PubTator's entity type), `identifier` (our CURIEs, `|`-joined) and
`trialgraph_label` (our label, which keeps `ADVERSE_EVENT` apart from `CONDITION`); a relation carries `type`
and `trialgraph_label`, and its nodes refer to the annotation ids with the roles `head` and `tail`.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import IO, Any

from pipeline.exchange.annotated import Annotated
from pipeline.exchange.labels import identifier_field

SOURCE, KEY = "TrialGraph", "trialgraph.key"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def document_dict(item: Annotated) -> dict[str, Any]:
    """One text as a BioC JSON document."""
    infons = {"error": item.error} if item.error else {}
    return {
        "id": item.id, "infons": infons, "relations": [],
        "passages": [{
            "offset": 0, "infons": {"type": "text"}, "text": item.text, "sentences": [],
            "annotations": [{"id": a.id, "text": a.text, "locations": [{"offset": a.start, "length": a.end - a.start}],
                             "infons": {"type": a.type, "identifier": identifier_field(a.norm),
                                        "trialgraph_label": a.label or ""}} for a in item.annotations],
            "relations": [{"id": f"R{i + 1}", "infons": {"type": r.type, "trialgraph_label": r.label or ""},
                           "nodes": [{"refid": ref, "role": role} for role, ref in r.arguments]}
                          for i, r in enumerate(item.relations)],
        }],
    }


def _header() -> dict[str, str]:
    return {"source": SOURCE, "date": datetime.date.today().strftime("%Y%m%d"), "key": KEY}


def write_json(items: Iterable[Annotated], out: IO[str]) -> None:
    """A BioC JSON collection of `items`."""
    out.write(json.dumps({**_header(), "infons": {}}, ensure_ascii=False)[:-1] + ', "documents": [\n')
    for number, item in enumerate(items):
        out.write((",\n" if number else "") + json.dumps(document_dict(item), ensure_ascii=False))
    out.write("\n]}\n")


def _infon(parent: ET.Element, key: str, value: str) -> None:
    ET.SubElement(parent, "infon", key=key).text = value


def _xml_document(item: Annotated) -> ET.Element:
    data = document_dict(item)
    document = ET.Element("document")
    ET.SubElement(document, "id").text = item.id
    for key, value in data["infons"].items():
        _infon(document, key, value)
    for passage_data in data["passages"]:
        passage = ET.SubElement(document, "passage")
        for key, value in passage_data["infons"].items():
            _infon(passage, key, value)
        ET.SubElement(passage, "offset").text = str(passage_data["offset"])
        ET.SubElement(passage, "text").text = passage_data["text"]
        for a in passage_data["annotations"]:
            annotation = ET.SubElement(passage, "annotation", id=a["id"])
            for key, value in a["infons"].items():
                _infon(annotation, key, value)
            for location in a["locations"]:
                ET.SubElement(annotation, "location", offset=str(location["offset"]), length=str(location["length"]))
            ET.SubElement(annotation, "text").text = a["text"]
        for r in passage_data["relations"]:
            relation = ET.SubElement(passage, "relation", id=r["id"])
            for key, value in r["infons"].items():
                _infon(relation, key, value)
            for node in r["nodes"]:
                ET.SubElement(relation, "node", refid=node["refid"], role=node["role"])
    return document


def _xml_safe(item: Annotated) -> Annotated:
    """`item` with each character XML 1.0 cannot hold replaced by a space (offsets stay as they are)."""
    return dataclasses.replace(item, text=_NOT_XML.sub(" ", item.text), annotations=tuple(
        dataclasses.replace(a, text=_NOT_XML.sub(" ", a.text)) for a in item.annotations))


def write_xml(items: Iterable[Annotated], out: IO[str]) -> None:
    """A BioC XML collection of `items` (a character XML cannot hold is written as a space)."""
    header = _header()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE collection SYSTEM "BioC.dtd">\n<collection>\n')
    for key in ("source", "date", "key"):
        out.write(f"  <{key}>{header[key]}</{key}>\n")
    for item in items:
        out.write("  " + ET.tostring(_xml_document(_xml_safe(item)), encoding="unicode") + "\n")
    out.write("</collection>\n")
