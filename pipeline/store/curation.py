"""Curators' decisions on extracted items: accept, reject or correct, with who, when and an undoable audit trail.

An item is named by a stable key that survives re-processing (indices change, offsets and cells do not):
`mention:LABEL:START-END`, `relation:LABEL:HEAD_START-HEAD_END>TAIL_START-TAIL_END`, `fact:TABLE:ROW:COLUMN`,
within the document at one source path. `Store.save` never touches decisions; `apply_decisions` lays them over
what the extractor found whenever documents are read, so a rejected item disappears, a corrected one replaces the
extracted one, and an accepted or corrected item the extractor no longer finds is kept from the decision.
"""
from __future__ import annotations

import json
import re
import sqlite3
import time
from dataclasses import dataclass, replace
from typing import Any

from pipeline.grades import Grade
from pipeline.records import CellFact, Fact, Mention, Relation, fact_from_dict
from pipeline.store import Store, StoredDocument

STATUSES = ("pending", "accepted", "rejected", "corrected")
KINDS = ("mention", "relation", "fact")
MAX_PATIENTS = 1_000_000_000  # a corrected n or total above it is refused
MAX_LOG_ENTRIES = 10_000  # the most audit entries one read returns
# what a correction may change, per kind of item
CORRECTABLE = {
    "mention": ("start", "end", "label", "norm", "concept"),
    "relation": ("label", "head", "tail"),
    "fact": ("event", "norm", "concept", "grade", "n", "total", "percent", "arm"),
}
_LABEL = re.compile(r"^[A-Z][A-Z_]*$")
_CURIE = re.compile(r"^[A-Za-z][A-Za-z0-9_.]*:\S+$")
_KEEPS = ("accepted", "corrected")
_UNDO_CHECKS = ("status", "correction", "comment")


class Conflict(Exception):
    """Someone changed the item since the curator loaded it; `current` is their decision."""

    def __init__(self, current: Decision | None, message: str = "") -> None:
        super().__init__(message or "this item was changed by someone else; review their decision and try again")
        self.current = current


class InvalidCorrection(ValueError):
    """A correction that cannot apply to the item (bad offsets, label, identifier or numbers); `field` names
    the corrected value at fault, when one is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Decision:
    """The current decision on one item; `version` grows by one with every change (0: never decided)."""

    source_path: str
    item: str
    kind: str
    status: str
    correction: dict[str, Any] | None
    comment: str
    curator: str
    decided_at: float
    version: int
    original: dict[str, Any]

    def state(self) -> dict[str, Any]:
        """What the audit trail records of a decision."""
        return {"status": self.status, "correction": self.correction, "comment": self.comment,
                "curator": self.curator, "decided_at": self.decided_at, "version": self.version}


@dataclass(frozen=True)
class LogEntry:
    """One change in the audit trail: `before` is None for an item's first decision."""

    id: int
    source_path: str
    item: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any]
    curator: str
    at: float
    undoes: int | None


def mention_key(entity: Mention) -> str:
    return f"mention:{entity.label}:{entity.start}-{entity.end}"


def relation_key(label: str, head: tuple[int, int] | list[int], tail: tuple[int, int] | list[int]) -> str:
    return f"relation:{label}:{head[0]}-{head[1]}>{tail[0]}-{tail[1]}"


def fact_key(fact: Fact) -> str | None:
    """Facts read from a table cell have a key; a table's report and a registry record's facts are not reviewed."""
    if not isinstance(fact, CellFact):
        return None
    return f"fact:{fact.table}:{fact.row}:{fact.column}"


def relation_record(relation: Relation, entities: tuple[Mention, ...]) -> dict[str, Any]:
    """A relation with its ends as character spans instead of indices (what a decision keeps)."""
    head, tail = entities[relation.head], entities[relation.tail]
    return {"label": relation.label, "head": [head.start, head.end], "tail": [tail.start, tail.end],
            "head_text": head.text, "tail_text": tail.text,
            "confidence": relation.confidence, "extractor": relation.extractor}


def _decision(row: tuple) -> Decision:
    source_path, item, kind, status, correction, comment, curator, decided_at, version, original = row
    return Decision(source_path, item, kind, status, json.loads(correction) if correction else None, comment,
                    curator, decided_at, version, json.loads(original))


_DECISION_COLUMNS = "source_path, item, kind, status, correction, comment, curator, decided_at, version, original"


def decisions_by_source(connection: sqlite3.Connection) -> dict[str, list[Decision]]:
    """Every decision that changes something (not pending), grouped by document source path."""
    out: dict[str, list[Decision]] = {}
    for row in connection.execute(f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE status != 'pending'"):
        decision = _decision(row)
        out.setdefault(decision.source_path, []).append(decision)
    return out


def decisions_of(connection: sqlite3.Connection, source_path: str) -> list[Decision]:
    """The decisions that change something (not pending) on the document at `source_path`."""
    rows = connection.execute(
        f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE source_path=? AND status != 'pending'", (source_path,))
    return [_decision(row) for row in rows]


def current_values(original: dict[str, Any], decision: Decision | None) -> dict[str, Any]:
    """An item as it stands now: what was extracted, with the decision's correction over it."""
    if decision is None or decision.status != "corrected" or not decision.correction:
        return dict(original)
    return {**original, **decision.correction}


def correction_of(original: dict[str, Any], values: dict[str, Any], kind: str) -> dict[str, Any]:
    """The correctable fields of `values` that differ from what was extracted (`original`)."""
    return {name: values[name] for name in CORRECTABLE[kind] if name in values and values[name] != original.get(name)}


def apply_decisions(stored: StoredDocument, decisions: list[Decision]) -> StoredDocument:
    """The curated view of one document: rejected items dropped, corrections in place, kept items restored."""
    if not decisions:
        return stored
    by_item = {d.item: d for d in decisions}
    text = stored.document.text
    entities: list[Mention] = []
    new_index: dict[tuple[int, int], int] = {}  # extracted and curated spans -> index in the curated list
    seen: set[str] = set()
    for entity in stored.entities:
        key = mention_key(entity)
        seen.add(key)
        decision = by_item.get(key)
        if decision is not None and decision.original.get("text") != entity.text:
            decision = None  # the document changed under the decision: it no longer applies
        if decision is not None and decision.status == "rejected":
            continue
        curated = entity if decision is None else _curated_mention(entity, decision, text)
        new_index.setdefault((entity.start, entity.end), len(entities))
        new_index.setdefault((curated.start, curated.end), len(entities))
        entities.append(curated)
    for decision in decisions:
        if decision.kind != "mention" or decision.item in seen or decision.status not in _KEEPS:
            continue
        original = Mention.from_dict(decision.original)
        if text[original.start : original.end] == original.text:
            curated = _curated_mention(original, decision, text)
            new_index.setdefault((original.start, original.end), len(entities))
            new_index.setdefault((curated.start, curated.end), len(entities))
            entities.append(curated)

    relations: list[Relation] = []
    done: set[tuple[int, int, str]] = set()

    def add_relation(record: dict[str, Any], decision: Decision | None) -> None:
        correction = (decision.correction or {}) if decision and decision.status == "corrected" else {}
        head = new_index.get(tuple(correction.get("head", record["head"])))
        tail = new_index.get(tuple(correction.get("tail", record["tail"])))
        label = correction.get("label", record["label"])
        if head is None or tail is None or (head, tail, label) in done:
            return
        done.add((head, tail, label))
        relations.append(Relation(head=head, tail=tail, label=label, confidence=record.get("confidence"),
                                  extractor=record.get("extractor"), curation=decision.status if decision else None))

    seen = set()
    for relation in stored.relations:
        record = relation_record(relation, stored.entities)
        key = relation_key(relation.label, record["head"], record["tail"])
        seen.add(key)
        decision = by_item.get(key)
        if decision is not None and decision.status == "rejected":
            continue
        add_relation(record, decision)
    for decision in decisions:
        if decision.kind == "relation" and decision.item not in seen and decision.status in _KEEPS:
            add_relation(decision.original, decision)

    facts: list[Fact] = []
    seen = set()
    for fact in stored.facts:
        key = fact_key(fact)
        seen.add(key)
        decision = by_item.get(key) if key else None
        if decision is not None and decision.status == "rejected":
            continue
        facts.append(fact if decision is None else _curated_fact(fact, decision))
    for decision in decisions:
        if decision.kind == "fact" and decision.item not in seen and decision.status in _KEEPS:
            facts.append(_curated_fact(fact_from_dict(decision.original), decision))
    return replace(stored, entities=tuple(entities), relations=tuple(relations), facts=tuple(facts))


def _curated_mention(entity: Mention, decision: Decision, text: str) -> Mention:
    if decision.status != "corrected" or not decision.correction:
        return replace(entity, curation=decision.status)
    curated = entity.with_values({**decision.correction, "curation": decision.status})
    return replace(curated, text=text[curated.start : curated.end])


def _curated_fact(fact: Fact, decision: Decision) -> Fact:
    correction = decision.correction if decision.status == "corrected" and decision.correction else {}
    return fact.with_values({"curation": decision.status, **correction})


def validate_correction(kind: str, correction: dict[str, Any], original: dict[str, Any],
                        stored: StoredDocument) -> dict[str, Any]:
    """The correction of `original` with checked, normalized values; raises InvalidCorrection saying what to fix.

    `stored` is the document's curated view: a relation's corrected ends must be among its mentions.
    """
    unknown = set(correction) - set(CORRECTABLE[kind])
    if unknown:
        raise InvalidCorrection(f"a {kind} correction can change only {', '.join(CORRECTABLE[kind])}, "
                                f"not {', '.join(sorted(unknown))}")
    if not correction:
        raise InvalidCorrection("the correction changes nothing; accept the item instead")
    out = dict(correction)
    if "label" in out and not _LABEL.match(str(out["label"])):
        raise InvalidCorrection(f"label {out['label']!r} must be upper case, like DRUG or HAS_ADVERSE_EVENT", "label")
    if "norm" in out:
        out["norm"] = [c for c in out["norm"] if c]
        bad = [c for c in out["norm"] if not _CURIE.match(c)]
        if bad:
            raise InvalidCorrection(f"identifiers must be CURIEs such as MESH:D000077157, not {', '.join(bad)}",
                                    "norm")
    text = stored.document.text
    if kind == "mention":
        start, end = int(out.get("start", original["start"])), int(out.get("end", original["end"]))
        if not 0 <= start < end <= len(text) or not text[start:end].strip():
            raise InvalidCorrection(f"span {start}-{end} is not a piece of the document's text (0-{len(text)})",
                                    "start")
        if text[start:end] != text[start:end].strip():
            raise InvalidCorrection("the span starts or ends with a space; select the words only", "start")
        out.update({k: v for k, v in (("start", start), ("end", end)) if k in out})
    elif kind == "relation":
        spans = {(e.start, e.end) for e in stored.entities}
        for end_name in ("head", "tail"):
            if end_name in out:
                out[end_name] = [int(v) for v in out[end_name]]
                if tuple(out[end_name]) not in spans:
                    raise InvalidCorrection(f"the relation's {end_name} must be a mention of this document", end_name)
    else:
        if "event" in out and not str(out["event"] or "").strip():
            raise InvalidCorrection("the event cannot be empty; reject the fact if the row names no event", "event")
        for name in ("n", "total"):
            if out.get(name) is not None and (not isinstance(out[name], int) or not 0 <= out[name] <= MAX_PATIENTS):
                raise InvalidCorrection(f"{name} must be a whole number of patients from 0 to {MAX_PATIENTS:,}", name)
        if out.get("percent") is not None and not 0 <= float(out["percent"]) <= 100:  # NaN fails too
            raise InvalidCorrection("percent must be between 0 and 100", "percent")
        if out.get("grade") is not None and Grade.from_label(out["grade"]) is None:
            raise InvalidCorrection("grade must be any, 1 to 5, >=N or N-M (for example >=3 or 3-4)", "grade")
    return out


def new_mention(stored: StoredDocument, label: str, start: int, end: int, norm: list[str],
                concept: str | None) -> Mention:
    """The record of a mention a curator adds where the extractor found none; InvalidCorrection saying what to
    fix. `stored` is the document's curated view: the mention takes the sentence of a mention around it."""
    text = stored.document.text
    if not _LABEL.match(label):
        raise InvalidCorrection(f"label {label!r} must be upper case, like DRUG or ADVERSE_EVENT", "label")
    if not 0 <= start < end <= len(text) or not text[start:end].strip():
        raise InvalidCorrection(f"span {start}-{end} is not a piece of the document's text (0-{len(text)}); "
                                "select the words", "start")
    if text[start:end] != text[start:end].strip():
        raise InvalidCorrection("the span starts or ends with a space; select the words only", "start")
    norm = [c for c in norm if c]
    bad = [c for c in norm if not _CURIE.match(c)]
    if bad:
        raise InvalidCorrection(f"identifiers must be CURIEs such as MEDDRA:10037844, not {', '.join(bad)}", "norm")
    section = stored.document.section_at(start)
    sentence = next((e.sentence for e in stored.entities
                     if e.sentence and e.sentence[0] <= start and end <= e.sentence[1]), None)
    return Mention(label=label, start=start, end=end, text=text[start:end], norm=tuple(norm), concept=concept,
                   negated=False, context=None, section=section.kind if section else None, sentence=sentence,
                   source="curator")


def new_relation(stored: StoredDocument, label: str, head: tuple[int, int], tail: tuple[int, int],
                 extractor: str) -> dict[str, Any]:
    """The record of a relation a curator adds between two mentions of the curated view `stored`."""
    if not _LABEL.match(label):
        raise InvalidCorrection(f"label {label!r} must be upper case, like HAS_ADVERSE_EVENT", "label")
    ends = {}
    for name, span in (("head", head), ("tail", tail)):
        ends[name] = next((e for e in stored.entities if (e.start, e.end) == tuple(span)), None)
        if ends[name] is None:
            raise InvalidCorrection(f"the relation's {name} must be a mention of this document", name)
    if tuple(head) == tuple(tail):
        raise InvalidCorrection("a relation links two different mentions", "tail")
    return {"label": label, "head": list(head), "tail": list(tail), "head_text": ends["head"].text,
            "tail_text": ends["tail"].text, "confidence": 1.0, "extractor": extractor}


class Curation:
    """Decisions and their audit trail in a store's database."""

    def __init__(self, store: Store) -> None:
        self.connection = store.connection

    def decision(self, source_path: str, item: str) -> Decision | None:
        row = self.connection.execute(
            f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE source_path=? AND item=?", (source_path, item)
        ).fetchone()
        return _decision(row) if row else None

    def decisions(self, source_path: str | None = None) -> dict[tuple[str, str], Decision]:
        """Every decision ever made (undone ones are pending), by (source path, item); one document's if given."""
        query = f"SELECT {_DECISION_COLUMNS} FROM decisions" + (" WHERE source_path=?" if source_path else "")
        rows = self.connection.execute(query, (source_path,) if source_path else ())
        return {(d.source_path, d.item): d for d in map(_decision, rows)}

    def item_decisions(self, source_path: str, item: str) -> dict[str, Decision]:
        """The decision on one item, by its key ({} when it was never decided)."""
        found = self.decision(source_path, item)
        return {item: found} if found else {}

    def decide(self, source_path: str, item: str, kind: str, status: str, original: dict[str, Any], *,
               curator: str, expected_version: int, correction: dict[str, Any] | None = None,
               comment: str = "") -> Decision:
        """Record a decision if the item is still at `expected_version`; raises Conflict otherwise."""
        if kind not in KINDS or status not in STATUSES:
            raise ValueError(f"kind must be one of {KINDS} and status one of {STATUSES}")
        if (status == "corrected") != bool(correction):
            raise InvalidCorrection("a correction goes with status 'corrected', and only with it")
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            current = self.decision(source_path, item)
            if (current.version if current else 0) != expected_version:
                raise Conflict(current)
            decision = Decision(source_path, item, kind, status, correction, comment.strip(), curator, time.time(),
                                expected_version + 1, current.original if current else original)
            self._write(decision, current, action=status, undoes=None)
        return decision

    def undo(self, entry_id: int, curator: str) -> Decision:
        """Put an item back as it was before the change `entry_id`, if the item is still as that change left it."""
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            entry = self.entry(entry_id)
            current = self.decision(entry.source_path, entry.item)
            if current is None or any(current.state()[k] != entry.after[k] for k in _UNDO_CHECKS):
                raise Conflict(current, "the item changed after this entry; undo the later change first")
            before = entry.before or {"status": "pending", "correction": None, "comment": ""}
            decision = replace(current, status=before["status"], correction=before["correction"],
                               comment=before["comment"], curator=curator, decided_at=time.time(),
                               version=current.version + 1)
            self._write(decision, current, action="undo", undoes=entry_id)
        return decision

    def log(self, source_path: str | None = None, item: str | None = None, limit: int = 500, *,
            curator: str | None = None, before: int | None = None) -> list[LogEntry]:
        """The audit trail, newest first, optionally for one document or one item, by one curator, or older
        than entry `before`; at most `limit` entries (1 to `MAX_LOG_ENTRIES`)."""
        if not 1 <= limit <= MAX_LOG_ENTRIES:
            raise ValueError(f"limit must be from 1 to {MAX_LOG_ENTRIES:,}, not {limit}")
        clauses, params = [], []
        for column, value in (("source_path", source_path), ("item", item if source_path is not None else None),
                              ("curator", curator)):
            if value is not None:
                clauses.append(f"{column}=?")
                params.append(value)
        if before is not None:
            clauses.append("id<?")
            params.append(before)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.connection.execute(f"SELECT * FROM decision_log{where} ORDER BY id DESC LIMIT ?", (*params, limit))
        return [self._log_entry(row) for row in rows]

    def latest_entries(self, keys: set[tuple[str, str]]) -> set[int]:
        """The id of the newest audit entry of each (source path, item): the only ones an undo can apply to."""
        return {self.connection.execute("SELECT MAX(id) FROM decision_log WHERE source_path=? AND item=?",
                                        key).fetchone()[0] for key in keys}

    def entry(self, entry_id: int) -> LogEntry:
        """One audit entry; KeyError when there is none of that id."""
        if not 1 <= entry_id < 2**63:
            raise KeyError(f"no audit entry {entry_id}")
        row = self.connection.execute("SELECT * FROM decision_log WHERE id=?", (entry_id,)).fetchone()
        if row is None:
            raise KeyError(f"no audit entry {entry_id}")
        return self._log_entry(row)

    @staticmethod
    def _log_entry(row: tuple) -> LogEntry:
        entry_id, source_path, item, action, before, after, curator, at, undoes = row
        return LogEntry(entry_id, source_path, item, action, json.loads(before) if before else None,
                        json.loads(after), curator, at, undoes)

    def _write(self, decision: Decision, previous: Decision | None, action: str, undoes: int | None) -> None:
        self.connection.execute(
            "INSERT OR REPLACE INTO decisions VALUES (?,?,?,?,?,?,?,?,?,?)",
            (decision.source_path, decision.item, decision.kind, decision.status,
             json.dumps(decision.correction, ensure_ascii=False) if decision.correction else None,
             decision.comment, decision.curator, decision.decided_at, decision.version,
             json.dumps(decision.original, ensure_ascii=False)),
        )
        self.connection.execute(
            "INSERT INTO decision_log (source_path, item, action, before, after, curator, at, undoes) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (decision.source_path, decision.item, action,
             json.dumps(previous.state(), ensure_ascii=False) if previous else None,
             json.dumps(decision.state(), ensure_ascii=False), decision.curator, decision.decided_at, undoes),
        )
