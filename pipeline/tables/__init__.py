"""Table understanding: a document's tables read into facts (adverse-event incidence by grade and arm,
response categories, registry outcome results), each with its table and cell coordinates.

    from pipeline.tables import table_facts
    facts = table_facts(document)   # [{"kind": "table", ...}, {"kind": "incidence", ...}, ...]

The fact format is shared with pipeline/graph (see README: "Table facts"). Every table gives one "table"
fact (its classification, how many facts it gave, its warnings) before its own facts.
"""
from __future__ import annotations

from typing import Any

from pipeline.document import Document
from pipeline.lexicons import load_lexicon
from pipeline.tables.classify import CLASSIFICATIONS, classify
from pipeline.tables.facts import table_facts_of
from pipeline.tables.regimen import Regimens

__all__ = ["CLASSIFICATIONS", "classify", "table_facts"]


def table_facts(document: Document) -> list[dict[str, Any]]:
    """The facts of every table in `document` (JSON-ready dicts with a `kind`); never raises for a bad table."""
    if not document.tables:
        return []
    lexicon = load_lexicon()
    regimens = Regimens(document, lexicon)
    facts: list[dict[str, Any]] = []
    for table in document.tables:
        try:
            facts += table_facts_of(document, table, lexicon, regimens)
        except Exception as exc:  # noqa: BLE001 - one unreadable table must not stop the document
            facts.append({
                "kind": "table", "table": table.id, "caption": table.caption, "classification": "other",
                "rows": len(table.rows), "facts": 0, "arms": [],
                "warnings": [f"table could not be read ({type(exc).__name__}: {exc})"],
            })
    return facts
