"""Annotated Docs as plain JSON-ready dicts, in the shape of the `annotate` contract (../shared/CONTRACT.md)."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from spacy.tokens import Doc, Span

from pipeline.nlp.sentences import entity_sentences


def entity_record(ent: Span, sentence: Span) -> dict[str, Any]:
    """One entity: the contract's fields first, then TrialGraph's extra attributes."""
    start = ent.start_char if ent._.phrase_start is None else ent._.phrase_start  # "lithium toxicity"
    record: dict[str, Any] = {
        "start": start,
        "end": ent.end_char,
        "label": ent.label_,
        "text": ent.doc.text[start : ent.end_char] if start != ent.start_char else ent.text,
        "norm": list(ent._.norm or []),
        "negated": bool(ent._.negated),
        "concept": ent._.concept,
        "context": ent._.context,
        "section": ent._.section,
        "source": ent._.source,
        "sentence": [sentence.start_char, sentence.end_char],
    }
    concept_span = ent._.concept_span or ((ent.start_char, ent.end_char) if start != ent.start_char else None)
    if concept_span is not None and ent.label_ in ("ADVERSE_EVENT", "CONDITION"):
        record["concept_start"], record["concept_end"] = concept_span
    if ent.label_ == "ADVERSE_EVENT":
        record.update(grade=ent._.grade, serious=bool(ent._.serious), dlt=bool(ent._.dlt))
    if ent._.result is not None:
        record["result"] = ent._.result
    if ent._.endpoint_kind is not None:
        record["endpoint_kind"] = ent._.endpoint_kind
    if ent._.dose is not None:
        record["dose"] = {k: v for k, v in asdict(ent._.dose).items() if k not in ("start", "end", "text")}
    return record


def doc_annotations(doc: Doc) -> dict[str, Any]:
    """`{"entities": [...], "relations": [...]}` for one annotated Doc."""
    return {
        "entities": [entity_record(ent, sentence) for ent, sentence in zip(doc.ents, entity_sentences(doc))],
        "relations": [
            {"head": r.head, "tail": r.tail, "label": r.label, "confidence": r.confidence, "extractor": r.extractor}
            for r in (doc._.relations or [])
        ],
    }
