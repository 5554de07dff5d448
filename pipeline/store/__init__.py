"""The SQLite store under outputs/: documents, mentions, relations, table facts and failures.

Each document is written in one transaction (its old rows replaced), so a store never holds half a
document, and a run killed at any point leaves every finished document intact.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.document import Document
from pipeline.errors import StoreVersionError
from pipeline.records import Fact, Mention, Relation, fact_from_dict

SCHEMA_VERSION = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    source_path TEXT NOT NULL,
    format TEXT NOT NULL,
    title TEXT NOT NULL,
    nct_ids TEXT NOT NULL,
    document TEXT NOT NULL,
    pipeline_version TEXT NOT NULL,
    processed_at REAL NOT NULL
);
-- `save` replaces a document by id or source path: without this index each save scans every document
CREATE INDEX IF NOT EXISTS documents_source ON documents(source_path);
CREATE TABLE IF NOT EXISTS mentions (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    label TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    norm TEXT NOT NULL,
    concept TEXT,
    negated INTEGER NOT NULL,
    context TEXT,
    section TEXT,
    attributes TEXT NOT NULL,
    PRIMARY KEY (document_id, idx)
);
CREATE INDEX IF NOT EXISTS mentions_label ON mentions(label);
CREATE TABLE IF NOT EXISTS relations (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    head INTEGER NOT NULL,
    tail INTEGER NOT NULL,
    label TEXT NOT NULL,
    confidence REAL NOT NULL,
    extractor TEXT NOT NULL,
    PRIMARY KEY (document_id, head, tail, label)
);
CREATE TABLE IF NOT EXISTS facts (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (document_id, idx)
);
CREATE TABLE IF NOT EXISTS failures (
    source_path TEXT PRIMARY KEY,
    error TEXT NOT NULL,
    failed_at REAL NOT NULL
);
-- curators' decisions (pipeline/store/curation.py): keyed on the document's source path and the item's
-- stable identity (label and offsets, table cell), never deleted by `save`, applied when documents are read
CREATE TABLE IF NOT EXISTS decisions (
    source_path TEXT NOT NULL,
    item TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    correction TEXT,
    comment TEXT NOT NULL,
    curator TEXT NOT NULL,
    decided_at REAL NOT NULL,
    version INTEGER NOT NULL,
    original TEXT NOT NULL,
    PRIMARY KEY (source_path, item)
);
CREATE TABLE IF NOT EXISTS decision_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_path TEXT NOT NULL,
    item TEXT NOT NULL,
    action TEXT NOT NULL,
    before TEXT,
    after TEXT NOT NULL,
    curator TEXT NOT NULL,
    at REAL NOT NULL,
    undoes INTEGER REFERENCES decision_log(id)
);
CREATE INDEX IF NOT EXISTS decision_log_item ON decision_log(source_path, item);
CREATE TABLE IF NOT EXISTS curators (
    name TEXT PRIMARY KEY,
    salt BLOB NOT NULL,
    password_hash BLOB NOT NULL,
    added_at REAL NOT NULL
);
"""
_MENTION_COLUMNS = ("label", "start", "end", "text", "norm", "concept", "negated", "context", "section")


@dataclass
class StoredDocument:
    """A document row with its annotations, as read back from the store: its mentions (`entities`), the
    relations between them (by index into `entities`) and its facts, all records of `pipeline.records`.

    `facts` are the records read from the document's tables and registry record (`pipeline.records`:
    `TableReport`, `IncidenceFact`, `RegisteredIntervention`...).
    """

    document: Document
    pipeline_version: str
    entities: tuple[Mention, ...]
    relations: tuple[Relation, ...]
    facts: tuple[Fact, ...] = ()


class Store:
    """A TrialGraph database file (`outputs/trialgraph.db` by default)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(self.path)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA foreign_keys=ON")
        self.connection.executescript(_SCHEMA)
        found = self.connection.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if found is None:
            with self.connection:
                self.connection.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        elif int(found[0]) != SCHEMA_VERSION:
            raise StoreVersionError(
                f"{self.path} has schema version {found[0]}, this trialgraph needs {SCHEMA_VERSION}; "
                "run with a new output folder"
            )

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def processed_version(self, document_id: str) -> str | None:
        """The pipeline version a document was processed with, or None if it is not stored."""
        row = self.connection.execute("SELECT pipeline_version FROM documents WHERE id=?", (document_id,)).fetchone()
        return row[0] if row else None

    def save(self, document: Document, annotations: dict[str, Any], pipeline_version: str) -> None:
        """Replace everything stored for `document` in one transaction; clears an earlier failure of its file.

        `annotations` holds "entities" and "relations" and optionally "facts" (`Mention`, `Relation` and fact
        records of `pipeline.records`, as `pipeline.extract.extract_document` gives them).
        """
        entities, relations = annotations["entities"], annotations["relations"]
        facts = annotations.get("facts", ())
        with self.connection:
            # the same content, or an older version of the same file, is replaced
            self.connection.execute(
                "DELETE FROM documents WHERE id=? OR source_path=?", (document.id, document.source_path)
            )
            self.connection.execute("DELETE FROM failures WHERE source_path=?", (document.source_path,))
            self.connection.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?)",
                (document.id, document.source_path, document.format, document.title, json.dumps(document.nct_ids),
                 document.to_json(), pipeline_version, time.time()),
            )
            self.connection.executemany(
                "INSERT INTO mentions VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (document.id, i, e.label, e.start, e.end, e.text, json.dumps(list(e.norm)), e.concept,
                     int(e.negated), e.context, e.section,
                     json.dumps({k: v for k, v in e.to_dict().items() if k not in _MENTION_COLUMNS}))
                    for i, e in enumerate(entities)
                ],
            )
            self.connection.executemany(
                "INSERT OR REPLACE INTO relations VALUES (?,?,?,?,?,?)",
                [(document.id, r.head, r.tail, r.label, r.confidence, r.extractor) for r in relations],
            )
            self.connection.executemany(
                "INSERT INTO facts VALUES (?,?,?,?)",
                [(document.id, i, f.KIND, json.dumps(f.to_dict(), ensure_ascii=False)) for i, f in enumerate(facts)],
            )

    def record_failure(self, source_path: str, error: str) -> None:
        with self.connection:
            self.connection.execute(
                "INSERT OR REPLACE INTO failures VALUES (?,?,?)", (source_path, error, time.time())
            )

    def documents(self, curated: bool = True) -> Iterator[StoredDocument]:
        """Every stored document with its mentions and relations, in id order; with curators' decisions
        applied (rejected items dropped, corrections in place) unless `curated` is False."""
        from pipeline.store.curation import apply_decisions, decisions_by_source

        decisions = decisions_by_source(self.connection) if curated else {}
        for doc_id, doc_json, version in self.connection.execute(
            "SELECT id, document, pipeline_version FROM documents ORDER BY id"
        ).fetchall():
            stored = self._read(doc_id, doc_json, version)
            yield apply_decisions(stored, decisions.get(stored.document.source_path, []))

    def document(self, document_id: str, curated: bool = True) -> StoredDocument | None:
        """One stored document by id (None if it is not stored), curated unless `curated` is False."""
        from pipeline.store.curation import apply_decisions, decisions_of

        row = self.connection.execute(
            "SELECT id, document, pipeline_version FROM documents WHERE id=?", (document_id,)
        ).fetchone()
        if row is None:
            return None
        stored = self._read(*row)
        return apply_decisions(stored, decisions_of(self.connection, stored.document.source_path)) if curated else stored

    def _read(self, doc_id: str, doc_json: str, version: str) -> StoredDocument:
        entities = []
        for row in self.connection.execute(
            "SELECT label, start, end, text, norm, concept, negated, context, section, attributes "
            "FROM mentions WHERE document_id=? ORDER BY idx",
            (doc_id,),
        ):
            entity = dict(zip(_MENTION_COLUMNS, row[:9]))
            entity["norm"] = json.loads(entity["norm"])
            entity["negated"] = bool(entity["negated"])
            entity.update(json.loads(row[9]))
            entities.append(Mention.from_dict(entity))
        relations = [
            Relation(head=h, tail=t, label=label, confidence=c, extractor=x)
            for h, t, label, c, x in self.connection.execute(
                "SELECT head, tail, label, confidence, extractor FROM relations WHERE document_id=? "
                "ORDER BY head, tail, label",
                (doc_id,),
            )
        ]
        facts = tuple(
            fact_from_dict(json.loads(payload))
            for (payload,) in self.connection.execute(
                "SELECT payload FROM facts WHERE document_id=? ORDER BY idx", (doc_id,)
            )
        )
        return StoredDocument(Document.from_dict(json.loads(doc_json)), version, tuple(entities), tuple(relations),
                              facts)

    def state(self) -> str:
        """A digest of what the exports are made from: every stored document (id, pipeline version, when it was
        stored) and every curation decision. Equal digests, equal exports."""
        digest = hashlib.sha256()
        for row in self.connection.execute("SELECT id, pipeline_version, processed_at FROM documents ORDER BY id"):
            digest.update(repr(row).encode())
        digest.update(repr(self.connection.execute("SELECT COUNT(*), MAX(id) FROM decision_log").fetchone()).encode())
        digest.update(repr(self.connection.execute("SELECT COUNT(*), MAX(decided_at) FROM decisions").fetchone()).encode())
        return digest.hexdigest()

    def meta(self, key: str) -> Any:
        """A JSON value kept in the store's meta table, or None."""
        row = self.connection.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, key: str, value: Any) -> None:
        with self.connection:
            self.connection.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))

    def counts(self) -> dict[str, dict[str, int]]:
        """Mentions and relations per label, table facts per kind, and documents."""
        mentions = dict(self.connection.execute("SELECT label, COUNT(*) FROM mentions GROUP BY label ORDER BY label"))
        relations = dict(
            self.connection.execute("SELECT label, COUNT(*) FROM relations GROUP BY label ORDER BY label")
        )
        facts = dict(self.connection.execute("SELECT kind, COUNT(*) FROM facts GROUP BY kind ORDER BY kind"))
        documents = self.connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        return {"documents": {"total": documents}, "mentions": mentions, "relations": relations, "facts": facts}
