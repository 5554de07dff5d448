"""The review queue: every extracted mention, relation and table fact as an item, with its decision,
filterable, most uncertain and most consequential first."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from pipeline.grades import Grade
from pipeline.records import Mention, Relation
from pipeline.store import StoredDocument
from pipeline.store.curation import Decision, current_values, fact_key, mention_key, relation_key, relation_record

PAGE_SIZE = 50
CURATOR_EXTRACTOR = "curator"  # the extractor of what a curator added


@dataclass(frozen=True)
class ReviewItem:
    """One extracted item as the extractor found it (`original`), with the current decision on it; `label`,
    `text` and `detail` are what a curator sees: the corrected values when it was corrected (`curated`)."""

    kind: str
    key: str
    label: str
    text: str
    detail: str
    stored: StoredDocument
    original: dict[str, Any]
    position: int
    confidence: float | None
    priority: float
    drugs: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    decision: Decision | None = None
    curated: bool = False

    @property
    def document_id(self) -> str:
        return self.stored.document.id

    @property
    def source_path(self) -> str:
        return self.stored.document.source_path

    @property
    def status(self) -> str:
        return self.decision.status if self.decision else "pending"

    @property
    def version(self) -> int:
        return self.decision.version if self.decision else 0

    def trials(self) -> list[str]:
        document = self.stored.document
        own = [document.trial.nct_id] if document.trial else []
        return list(dict.fromkeys(own + document.nct_ids))


def grade_weight(grade: Any) -> float:
    """1 for grade 3 or worse (severe, life-threatening, fatal), 0.3 for a lower known grade, else 0."""
    found = Grade.from_label(grade) or Grade.from_words(str(grade or ""))
    if found is None or found.floor == 0:
        return 0.0
    return 1.0 if found.severe else 0.3


def _names(entity: Mention) -> list[str]:
    return [n for n in (entity.text, entity.concept, *entity.norm) if n]


def _mention_item(stored: StoredDocument, entity: Mention, related: list[str] = ()) -> ReviewItem:
    doubt = 0.0 if entity.norm else 0.5
    consequence = grade_weight(entity.grade) + 0.5 * bool(entity.serious) + 0.5 * bool(entity.dlt)
    detail = ", ".join(filter(None, [entity.concept, " ".join(entity.norm[:2]) or "no identifier"]))
    return ReviewItem(
        "mention", mention_key(entity), entity.label, entity.text, detail, stored, entity.to_dict(), entity.start,
        None, doubt + consequence,
        drugs=_names(entity) if entity.label == "DRUG" else list(related),
        events=_names(entity) if entity.label == "ADVERSE_EVENT" else [],
    )


def _relation_item(stored: StoredDocument, relation: Relation) -> ReviewItem:
    head, tail = stored.entities[relation.head], stored.entities[relation.tail]
    record = relation_record(relation, stored.entities)
    confidence = relation.confidence
    doubt = 1.0 - confidence if confidence is not None else 0.5
    consequence = grade_weight(tail.grade) + 0.5 * bool(tail.serious) + 0.25 * (relation.label == "HAS_ADVERSE_EVENT")
    return ReviewItem(
        "relation", relation_key(relation.label, record["head"], record["tail"]), relation.label,
        f"{head.text} → {tail.text}", f"{head.label} → {tail.label}", stored, record, tail.start,
        confidence, doubt + consequence,
        drugs=[n for e in (head, tail) if e.label == "DRUG" for n in _names(e)],
        events=[n for e in (head, tail) if e.label == "ADVERSE_EVENT" for n in _names(e)],
    )


def _fact_item(stored: StoredDocument, fact: dict[str, Any], key: str) -> ReviewItem:
    """The item of a table fact, from its JSON (`Fact.to_dict()`, or a decision's record of it)."""
    name = fact.get("event") or fact.get("category") or fact.get("endpoint") or ""
    percent = fact.get("percent")
    doubt = min(1.0, 0.5 * len(fact.get("warnings") or []))
    consequence = grade_weight(fact.get("grade")) + (percent / 100 if isinstance(percent, (int, float)) else 0.0)
    numbers = " ".join(f"{k}={fact[k]}" for k in ("n", "total", "percent", "grade") if fact.get(k) is not None)
    detail = ", ".join(filter(None, [fact.get("arm"), numbers, f"{fact['table']} row {fact['row']}"]))
    regimen = [r["name"] for r in fact.get("regimen") or []]
    return ReviewItem(
        "fact", key, fact["kind"], f"{name}: {fact.get('cell', '')}", detail, stored, fact, len(stored.document.text),
        None, doubt + consequence,
        drugs=regimen + ([fact["arm"]] if fact.get("arm") else []),
        events=[n for n in (fact.get("event"), fact.get("concept"), *(fact.get("norm") or [])) if n],
    )


def _current_item(item: ReviewItem, decision: Decision) -> ReviewItem:
    """`item` shown with its correction: label, text and detail from the corrected values, key and extracted
    values (`original`) unchanged, `curated` set."""
    stored, values = item.stored, current_values(item.original, decision)
    text = stored.document.text
    if item.kind == "mention":
        shown = _mention_item(stored, Mention.from_dict({**values, "text": text[values["start"] : values["end"]]}))
    elif item.kind == "relation":
        head, tail = values["head"], values["tail"]
        shown = replace(item, label=values["label"], text=f"{text[head[0]:head[1]]} → {text[tail[0]:tail[1]]}")
    else:
        shown = _fact_item(stored, values, item.key)
    return replace(item, label=shown.label, text=shown.text, detail=shown.detail, drugs=shown.drugs or item.drugs,
                   events=shown.events, curated=True)


def _related_drugs(stored: StoredDocument) -> dict[int, list[str]]:
    """Names of the drugs each mention is related to (its adverse events, doses, conditions treated)."""
    out: dict[int, list[str]] = {}
    for relation in stored.relations:
        head = stored.entities[relation.head]
        if head.label == "DRUG":
            out.setdefault(relation.tail, []).extend(_names(head))
    return out


def _kept_item(stored: StoredDocument, decision: Decision) -> ReviewItem:
    """The item of a decision on something the extractor did not find (now or ever)."""
    record = decision.original
    if decision.kind == "mention":
        return _mention_item(stored, Mention.from_dict(record))
    if decision.kind == "fact":
        return _fact_item(stored, record, decision.item)
    confidence = record.get("confidence")
    return ReviewItem("relation", decision.item, record["label"], f"{record['head_text']} → {record['tail_text']}",
                      f"{record['label']} (added by a curator)" if record.get("extractor") == CURATOR_EXTRACTOR
                      else record["label"], stored, record, record["tail"][0], confidence, 0.0)


def document_item(stored: StoredDocument, decisions: Mapping[str, Decision], key: str) -> ReviewItem | None:
    """The one item `key` of a document, as `document_items` gives it, without building the others."""
    kind = key.split(":", 1)[0]
    item = None
    if kind == "mention":
        index = next((i for i, e in enumerate(stored.entities) if mention_key(e) == key), None)
        if index is not None:
            item = _mention_item(stored, stored.entities[index], _related_drugs(stored).get(index, []))
    elif kind == "relation":
        item = next((i for r in stored.relations if (i := _relation_item(stored, r)).key == key), None)
    elif kind == "fact":
        fact = next((f for f in stored.facts if fact_key(f) == key), None)
        item = _fact_item(stored, fact.to_dict(), key) if fact is not None else None
    decision = decisions.get(key)
    if item is None and decision is not None and decision.status != "pending":
        item = _kept_item(stored, decision)  # decided (or added by a curator), not extracted
    if item is None or decision is None:
        return item
    item = replace(item, decision=decision)
    return _current_item(item, decision) if decision.status == "corrected" and decision.correction else item


def document_items(stored: StoredDocument, decisions: Mapping[str, Decision]) -> list[ReviewItem]:
    """The items of one document as extracted (`Store.documents(curated=False)`), with its decisions by item key.

    A corrected item shows its corrected values (`ReviewItem.curated`); an adverse event's drugs are those
    related to it, so filtering on a drug finds its events."""
    related = _related_drugs(stored)
    items = [_mention_item(stored, e, related.get(i, [])) for i, e in enumerate(stored.entities)]
    items += [_relation_item(stored, r) for r in stored.relations]
    for fact in stored.facts:
        key = fact_key(fact)
        if key is not None:
            items.append(_fact_item(stored, fact.to_dict(), key))
    seen = {item.key for item in items}
    for key, decision in decisions.items():
        # decided items the extractor no longer finds, and items a curator added, stay reviewable
        if key not in seen and decision.status != "pending":
            items.append(_kept_item(stored, decision))
    out = []
    for item in items:
        decision = decisions.get(item.key)
        if decision is not None:
            item = replace(item, decision=decision)
            if decision.status == "corrected" and decision.correction:
                item = _current_item(item, decision)
        out.append(item)
    return out


@dataclass(frozen=True)
class QueueFilter:
    """What a curator narrowed the queue to; empty fields match everything. `document` is a document's id or
    part of its file name or title, `q` words of an item or its evidence, `max_confidence` keeps items
    without a confidence (mentions, facts)."""

    document: str = ""
    trial: str = ""
    drug: str = ""
    event: str = ""
    label: str = ""
    kind: str = ""
    status: str = ""
    max_confidence: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> QueueFilter:
        return cls(**{f.name: (args.get(f.name) or "").strip()[:200] for f in fields(cls)})

    def args(self) -> dict[str, str]:
        """The non-empty fields, for links that keep the filter."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    def confidence_limit(self) -> float | None:
        """The confidence bound as a number; ValueError saying what to write when it is not one."""
        if not self.max_confidence:
            return None
        try:
            limit = float(self.max_confidence)
        except ValueError:
            limit = math.nan
        if not 0 <= limit <= 1:
            raise ValueError(f"confidence ≤ must be a number from 0 to 1, not {self.max_confidence[:40]!r}")
        return limit
