"""Curated annotations as training data: JSONL in the `annotate` contract's shape and a spaCy DocBin, and the
same annotations in BioC XML, BioC JSON and PubTator (what PubTator3 and INCEpTION users import).

Only documents a curator has decided on are exported, in their curated view (rejected items gone,
corrections applied). Each entity and relation says how it was reviewed: `"curation"` is "accepted",
"corrected", or null when no curator looked at it; rejected mentions are listed apart as negative examples.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, DocBin
from spacy.util import filter_spans

from pipeline.atomic import atomic_write
from pipeline.store import Store, StoredDocument
from pipeline.store.curation import decisions_by_source

_CONTRACT_ENTITY = ("start", "end", "label", "text", "norm", "negated")


def training_records(store: Store) -> list[dict[str, Any]]:
    """One record per curated document: `{"id", "text", "entities", "relations", "rejected", "source_path"}`."""
    decided = decisions_by_source(store.connection)
    records = []
    for stored in store.documents():
        decisions = decided.get(stored.document.source_path)
        if not decisions:
            continue
        rejected = [d.original for d in decisions if d.kind == "mention" and d.status == "rejected"]
        records.append(_record(stored, rejected))
    return records


def _record(stored: StoredDocument, rejected: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": stored.document.id,
        "text": stored.document.text,
        "entities": [{**{k: d[k] for k in _CONTRACT_ENTITY}, "curation": e.curation}
                     for e in stored.entities for d in (e.to_dict(),)],
        "relations": [{"head": r.head, "tail": r.tail, "label": r.label, "curation": r.curation}
                      for r in stored.relations],
        "rejected": [{k: e[k] for k in ("start", "end", "label", "text")} for e in rejected],
        "source_path": stored.document.source_path,
    }


def to_doc(make_doc: Callable[[str], Doc], record: dict[str, Any]) -> Doc:
    """A Doc with the curated entities as `doc.ents` (overlaps resolved longest first) and every entity in
    `doc.spans["curated"]`, rejected ones in `doc.spans["rejected"]`; relations and ids in `doc.user_data`."""
    doc = make_doc(record["text"])
    spans = [doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="expand") for e in record["entities"]]
    doc.spans["curated"] = [s for s in spans if s is not None]
    doc.ents = filter_spans(doc.spans["curated"])
    rejected = [doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="expand")
                for e in record["rejected"]]
    doc.spans["rejected"] = [s for s in rejected if s is not None]
    doc.user_data.update(id=record["id"], source_path=record["source_path"], relations=record["relations"],
                         curation=[e["curation"] for e in record["entities"]])
    return doc


def export_training_data(store: Store, directory: str | Path) -> dict[str, Any]:
    """Write `curated.jsonl`, `curated.spacy` (DocBin, TrialGraph's tokenizer), `curated.bioc.xml`,
    `curated.bioc.json` and `curated.pubtator` into `directory`."""
    from pipeline.exchange import bioc, pubtator
    from pipeline.exchange.annotated import from_contract
    from pipeline.nlp.language import build_nlp

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    records = training_records(store)
    paths = {"jsonl": directory / "curated.jsonl", "docbin": directory / "curated.spacy",
             "bioc_xml": directory / "curated.bioc.xml", "bioc_json": directory / "curated.bioc.json",
             "pubtator": directory / "curated.pubtator"}
    annotated = [from_contract(r["id"], r["text"], r) for r in records]
    with atomic_write(paths["bioc_xml"]) as handle:
        bioc.write_xml(annotated, handle)
    with atomic_write(paths["bioc_json"]) as handle:
        bioc.write_json(annotated, handle)
    with atomic_write(paths["pubtator"]) as handle:
        for item in annotated:
            pubtator.write(item, handle)
    with atomic_write(paths["jsonl"]) as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    nlp = build_nlp(components=())
    docbin = DocBin(store_user_data=True)
    for record in records:
        docbin.add(to_doc(nlp.make_doc, record))
    with atomic_write(paths["docbin"], binary=True) as handle:
        handle.write(docbin.to_bytes())
    return {"documents": len(records), "entities": sum(len(r["entities"]) for r in records), **paths}
