"""Table understanding: a document's tables read into facts (adverse-event incidence by grade and arm,
response categories, registry outcome results), each with its table and cell coordinates; and a registry
record's interventions, conditions and outcomes as facts (pipeline/tables/registry.py).

    from pipeline.tables import registry_facts, table_facts
    facts = table_facts(document)      # [TableReport(...), IncidenceFact(...), ...]
    facts += registry_facts(document)  # [RegisteredIntervention(...), RegisteredCondition(...), ...]

The facts are the records of `pipeline.records`, shared with pipeline/graph (their JSON: docs/contract.md, "Fact
records"). Every table gives one `TableReport` (its classification, how many facts it gave, its warnings) before
its own facts.
"""
from __future__ import annotations

from pipeline.document import Document
from pipeline.lexicons import load_normalizer
from pipeline.records import Fact, TableFact, TableReport
from pipeline.tables.classify import CLASSIFICATIONS, classify
from pipeline.tables.facts import table_facts_of
from pipeline.tables.regimen import Regimens
from pipeline.tables.registry import registry_facts_of

__all__ = ["CLASSIFICATIONS", "classify", "registry_facts", "table_facts"]


def registry_facts(document: Document) -> list[Fact]:
    """The intervention, condition and outcome facts of a registry record; none for other documents."""
    if document.trial is None:
        return []
    lexicon = load_normalizer().lexicon
    return registry_facts_of(document, lexicon, Regimens(document, lexicon))


def table_facts(document: Document) -> list[TableReport | TableFact]:
    """The facts of every table in `document`, each table's report first; never raises for a bad table."""
    if not document.tables:
        return []
    normalizer = load_normalizer()
    regimens = Regimens(document, normalizer.lexicon)
    facts: list[TableReport | TableFact] = []
    for table in document.tables:
        try:
            facts += table_facts_of(document, table, normalizer, regimens)
        except Exception as exc:  # noqa: BLE001 - one unreadable table must not stop the document
            facts.append(TableReport(
                table=table.id, caption=table.caption, classification="other", rows=len(table.rows), facts=0, arms=(),
                warnings=(f"table could not be read ({type(exc).__name__}: {exc})",), page=table.page,
                section=table.section,
            ))
    return facts
