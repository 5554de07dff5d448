"""Table understanding: a document's tables read into facts (adverse-event incidence by grade and arm,
response categories), each with its table and cell coordinates."""
from __future__ import annotations

from typing import Any

from pipeline.document import Document


def table_facts(document: Document) -> list[dict[str, Any]]:
    """The facts of every table in `document` (JSON-ready dicts with a `kind`)."""
    return []
