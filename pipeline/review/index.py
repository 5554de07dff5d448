"""The review queue indexed in the store's SQLite file: one row per item, in queue order, so a page of the
queue, an item's neighbours and "item n of N" are index lookups, never a rebuild of the whole item list.

Triggers keep it honest without the app's help: storing or replacing a document marks it for re-indexing
(`review_dirty`, worked off by `ItemIndex.sync`), and every decision sets its item's status in the same
transaction. What a correction changes in an item's display is written by `ItemIndex.refresh_item`.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pipeline.review.queue import QueueFilter, ReviewItem, document_items
from pipeline.review.render import Evidence, Segment, snippet
from pipeline.store import Store, StoredDocument
from pipeline.store.curation import Curation, current_values

INDEX_VERSION = 3  # rows of an older index are rebuilt
COUNT_LIMIT = 10_000  # a filter on words counts its matches up to this many ("10,000+")
_META_KEY = "review_index"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS review_items (
    document_id TEXT NOT NULL,
    key TEXT NOT NULL,
    source_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    rank INTEGER NOT NULL,          -- 0 pending, 1 decided: pending items first
    neg_priority REAL NOT NULL,     -- minus doubt plus consequence: the most urgent first
    position INTEGER NOT NULL,
    confidence REAL,
    curated INTEGER NOT NULL,
    text TEXT NOT NULL,
    detail TEXT NOT NULL,
    drugs TEXT NOT NULL,            -- lower-case names, one a line, for the filters
    events TEXT NOT NULL,
    trials TEXT NOT NULL,           -- |NCT...|NCT...|
    document_name TEXT NOT NULL,    -- lower-case source path and title
    search TEXT NOT NULL,           -- lower-case item text and evidence
    snippet TEXT NOT NULL,
    PRIMARY KEY (document_id, key)
);
-- queue order, with the columns the plain filters test: pages, neighbours and places read the index alone
CREATE INDEX IF NOT EXISTS review_items_order
    ON review_items(rank, neg_priority, document_id, position, key, kind, label, status, confidence);
CREATE INDEX IF NOT EXISTS review_items_counts ON review_items(kind, label, status, confidence);
CREATE INDEX IF NOT EXISTS review_items_source ON review_items(source_path, key);
CREATE INDEX IF NOT EXISTS review_items_label ON review_items(label);
-- items by kind, label and status, kept by triggers: the queue's counts without a scan
CREATE TABLE IF NOT EXISTS review_counts (
    kind TEXT NOT NULL, label TEXT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (kind, label, status)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS review_counts_added AFTER INSERT ON review_items BEGIN
    INSERT INTO review_counts VALUES (NEW.kind, NEW.label, NEW.status, 1)
    ON CONFLICT (kind, label, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS review_counts_removed AFTER DELETE ON review_items BEGIN
    UPDATE review_counts SET n = n - 1 WHERE kind = OLD.kind AND label = OLD.label AND status = OLD.status;
END;
CREATE TRIGGER IF NOT EXISTS review_counts_changed AFTER UPDATE OF kind, label, status ON review_items BEGIN
    UPDATE review_counts SET n = n - 1 WHERE kind = OLD.kind AND label = OLD.label AND status = OLD.status;
    INSERT INTO review_counts VALUES (NEW.kind, NEW.label, NEW.status, 1)
    ON CONFLICT (kind, label, status) DO UPDATE SET n = n + 1;
END;
CREATE TABLE IF NOT EXISTS review_dirty (document_id TEXT PRIMARY KEY);
CREATE TRIGGER IF NOT EXISTS review_document_stored AFTER INSERT ON documents BEGIN
    INSERT OR IGNORE INTO review_dirty VALUES (NEW.id);
END;
CREATE TRIGGER IF NOT EXISTS review_document_removed AFTER DELETE ON documents BEGIN
    INSERT OR IGNORE INTO review_dirty VALUES (OLD.id);
END;
CREATE TRIGGER IF NOT EXISTS review_item_decided AFTER INSERT ON decisions BEGIN
    UPDATE review_items SET status = NEW.status, version = NEW.version, rank = (NEW.status != 'pending')
    WHERE source_path = NEW.source_path AND key = NEW.item;
END;
"""
_ORDER = "rank, neg_priority, document_id, position, key"
_COLUMNS = ("document_id, key, source_path, kind, label, status, version, rank, neg_priority, position, confidence, "
            "curated, text, detail, drugs, events, trials, document_name, search, snippet")
_SHOWN = "document_id, key, source_path, kind, label, status, version, neg_priority, confidence, curated, text, " \
         "detail, snippet"


@dataclass(frozen=True)
class IndexedItem:
    """A queue row: what the queue shows of an item, and where it sorts."""

    document_id: str
    key: str
    source_path: str
    kind: str
    label: str
    status: str
    version: int
    priority: float
    confidence: float | None
    curated: bool
    text: str
    detail: str
    evidence: Evidence


@dataclass(frozen=True)
class Place:
    """Where an item stands in a filtered queue: `number` of `total` (1-based; 0 when the filter leaves it
    out), and the items before and after it."""

    number: int
    total: int
    previous: IndexedItem | None
    next: IndexedItem | None
    capped: bool = False  # the total is at least `total`


@dataclass(frozen=True)
class Counts:
    """Items of a filtered queue by status; `capped` when counting stopped at `COUNT_LIMIT`."""

    by_status: Counter
    capped: bool

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def _like(words: str) -> str:
    escaped = words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(wanted: QueueFilter) -> tuple[str, list[Any]]:
    """SQL conditions and parameters for a filter; ValueError saying what to fix for a bad confidence."""
    clauses, params = [], []
    if wanted.document:
        clauses.append("(document_id = ? OR document_name LIKE ? ESCAPE '\\')")
        params += [wanted.document, _like(wanted.document)]
    if wanted.trial:
        clauses.append("trials LIKE ? ESCAPE '\\'")
        params.append(_like(f"|{wanted.trial.upper()}|"))
    for name in ("drug", "event"):
        if getattr(wanted, name):
            clauses.append(f"{name}s LIKE ? ESCAPE '\\'")
            params.append(_like(getattr(wanted, name)))
    for name in ("label", "kind", "status"):
        if getattr(wanted, name):
            clauses.append(f"{name} = ?")
            params.append(getattr(wanted, name))
    limit = wanted.confidence_limit()
    if limit is not None:
        clauses.append("(confidence IS NULL OR confidence <= ?)")
        params.append(limit)
    if wanted.q:
        clauses.append("search LIKE ? ESCAPE '\\'")
        params.append(_like(wanted.q))
    return (" AND ".join(clauses) or "1"), params


def _evidence_json(shown: Evidence) -> str:
    return json.dumps({"s": [[s.text, s.start, s.label, s.focus, s.curated] for s in shown.segments], "p": shown.plain,
                       "b": shown.cut_before, "a": shown.cut_after}, ensure_ascii=False)


def _evidence_of(raw: str) -> Evidence:
    data = json.loads(raw)
    return Evidence(segments=tuple(Segment(*s) for s in data["s"]), plain=data["p"], cut_before=data["b"],
                    cut_after=data["a"])


def _indexed(row: tuple) -> IndexedItem:
    (document_id, key, source_path, kind, label, status, version, neg_priority, confidence, curated, text, detail,
     raw) = row
    return IndexedItem(document_id, key, source_path, kind, label, status, version, -neg_priority, confidence,
                       bool(curated), text, detail, _evidence_of(raw))


def _row(item: ReviewItem) -> tuple:
    document = item.stored.document
    values = current_values(item.original, item.decision)
    shown = snippet(item.stored, item.kind, values)
    trials = "|" + "|".join(item.trials()) + "|"
    return (item.document_id, item.key, item.source_path, item.kind, item.label, item.status, item.version,
            int(item.status != "pending"), -item.priority, item.position, item.confidence, int(item.curated),
            item.text, item.detail, "\n".join(n.lower() for n in item.drugs), "\n".join(n.lower() for n in item.events),
            trials, f"{document.source_path} {document.title}".lower(), f"{item.text} {shown.plain}".lower(),
            _evidence_json(shown))


class ItemIndex:
    """The queue of one store (`ItemIndex.prepare` once per store file, then one per connection)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.connection = store.connection

    @classmethod
    def prepare(cls, store: Store) -> ItemIndex:
        """Create the index tables and triggers if missing; an index of another version is rebuilt."""
        store.connection.executescript(_SCHEMA)
        if store.meta(_META_KEY) != INDEX_VERSION:
            with store.connection:
                store.connection.execute("DROP TABLE review_items")
                store.connection.execute("DROP TABLE review_counts")
                store.connection.executescript(_SCHEMA)
                store.connection.execute("INSERT OR IGNORE INTO review_dirty SELECT id FROM documents")
            store.set_meta(_META_KEY, INDEX_VERSION)
        return cls(store)

    def sync(self, batch: int = 200) -> int:
        """Index the documents stored or replaced since the last sync; returns how many."""
        done = 0
        while True:
            dirty = [r[0] for r in self.connection.execute("SELECT document_id FROM review_dirty LIMIT ?", (batch,))]
            if not dirty:
                return done
            with self.connection:
                self.connection.execute("BEGIN IMMEDIATE")
                for document_id in dirty:
                    self.connection.execute("DELETE FROM review_items WHERE document_id=?", (document_id,))
                    stored = self.store.document(document_id, curated=False)
                    if stored is not None:
                        self._insert([_row(item) for item in self._items(stored)])
                    self.connection.execute("DELETE FROM review_dirty WHERE document_id=?", (document_id,))
            done += len(dirty)

    def refresh_item(self, item: ReviewItem) -> None:
        """Write what the queue shows of `item` (its status, corrected values) after a decision on it."""
        with self.connection:
            self._insert([_row(item)])

    def document_of(self, source_path: str) -> str | None:
        """The id of the document stored from `source_path`, if it is in the queue."""
        row = self.connection.execute(
            "SELECT document_id FROM review_items WHERE source_path=? LIMIT 1", (source_path,)).fetchone()
        return row[0] if row else None

    def describe(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], IndexedItem]:
        """The queue rows of (source path, item key) pairs, for saying in words what a change was about."""
        out = {}
        for source_path, key in keys:
            row = self.connection.execute(f"SELECT {_SHOWN} FROM review_items WHERE source_path=? AND key=?",
                                          (source_path, key)).fetchone()
            if row:
                out[(source_path, key)] = _indexed(row)
        return out

    def remove_item(self, document_id: str, key: str) -> None:
        with self.connection:
            self.connection.execute("DELETE FROM review_items WHERE document_id=? AND key=?", (document_id, key))

    def page(self, wanted: QueueFilter, offset: int, limit: int) -> list[IndexedItem]:
        where, params = _where(wanted)
        rows = self.connection.execute(
            f"SELECT {_SHOWN} FROM review_items INDEXED BY review_items_order WHERE {where} ORDER BY {_ORDER} "
            "LIMIT ? OFFSET ?",
            (*params, limit, offset))
        return [_indexed(row) for row in rows]

    def counts(self, wanted: QueueFilter) -> Counts:
        """Items matching the filter, by status: from the kept counts when it filters on kind, label and status
        only, else counted, up to `COUNT_LIMIT` when it filters on words."""
        plain = {name: value for name, value in wanted.args().items()}
        if set(plain) <= {"kind", "label", "status"}:
            where = " AND ".join(f"{name} = ?" for name in plain) or "1"
            found = Counter({status: n for status, n in self.connection.execute(
                f"SELECT status, SUM(n) FROM review_counts WHERE {where} GROUP BY status", list(plain.values()))
                if n})
            return Counts(found, False)
        where, params = _where(wanted)
        if set(plain) & {"document", "trial", "drug", "event", "q"}:
            found = Counter(dict(self.connection.execute(
                f"SELECT status, COUNT(*) FROM (SELECT status FROM review_items WHERE {where} LIMIT ?) GROUP BY status",
                (*params, COUNT_LIMIT + 1))))
            return Counts(found, sum(found.values()) > COUNT_LIMIT)
        return Counts(Counter(dict(self.connection.execute(
            f"SELECT status, COUNT(*) FROM review_items WHERE {where} GROUP BY status", params))), False)

    def labels(self) -> list[str]:
        """The labels in the queue (one index lookup per label)."""
        labels, row = [], self.connection.execute("SELECT MIN(label) FROM review_items").fetchone()
        while row and row[0] is not None:
            labels.append(row[0])
            row = self.connection.execute("SELECT MIN(label) FROM review_items WHERE label > ?", (row[0],)).fetchone()
        return labels

    def place(self, wanted: QueueFilter, document_id: str, key: str) -> Place:
        """Where the item stands in the filtered queue, with its neighbours there."""
        where, params = _where(wanted)
        here = self.connection.execute(
            f"SELECT {_ORDER} FROM review_items WHERE document_id=? AND key=?", (document_id, key)).fetchone()
        counts = self.counts(wanted)
        total = sum(counts.by_status.values())
        if here is None:
            return Place(0, total, None, None, counts.capped)
        inside = self.connection.execute(
            f"SELECT 1 FROM review_items WHERE document_id=? AND key=? AND {where}", (document_id, key, *params)
        ).fetchone() is not None
        before = self.connection.execute(
            f"SELECT COUNT(*) FROM review_items INDEXED BY review_items_order WHERE {where} AND ({_ORDER}) < (?,?,?,?,?)", (*params, *here)
        ).fetchone()[0]
        return Place(before + 1 if inside else 0, total, self._neighbour(where, params, here, "<"),
                     self._neighbour(where, params, here, ">"), counts.capped)

    def after(self, wanted: QueueFilter, document_id: str, key: str) -> IndexedItem | None:
        """The item that follows this one in the filtered queue, in the order as it stands now."""
        here = self.connection.execute(
            f"SELECT {_ORDER} FROM review_items WHERE document_id=? AND key=?", (document_id, key)).fetchone()
        if here is None:
            return None
        where, params = _where(wanted)
        return self._neighbour(where, params, here, ">")

    def _neighbour(self, where: str, params: list[Any], here: tuple, direction: str) -> IndexedItem | None:
        order = _ORDER if direction == ">" else ", ".join(f"{c} DESC" for c in _ORDER.split(", "))
        row = self.connection.execute(
            f"SELECT {_SHOWN} FROM review_items INDEXED BY review_items_order WHERE {where} "
            f"AND ({_ORDER}) {direction} (?,?,?,?,?) "
            f"ORDER BY {order} LIMIT 1", (*params, *here)).fetchone()
        return _indexed(row) if row else None

    def _items(self, stored: StoredDocument) -> list[ReviewItem]:
        decisions = {k: d for (_, k), d in Curation(self.store).decisions(stored.document.source_path).items()}
        return document_items(stored, decisions)

    def _insert(self, rows: list[tuple]) -> None:
        updates = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS.split(", ")[2:])
        self.connection.executemany(
            f"INSERT INTO review_items ({_COLUMNS}) VALUES ({','.join('?' * 20)}) "
            f"ON CONFLICT (document_id, key) DO UPDATE SET {updates}", rows)
