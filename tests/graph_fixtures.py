"""Stored documents for the graph tests, made from real corpus files.

The seed article 002 (IL-21 plus sorafenib, NCT00389285) and its registry record 000 are read with the real
readers. Mentions are placed on the real text by the phrases below; table facts are read from the article's
real Table 2 (adverse events) and Table 3 (response) cells in the shape of ../briefs/facts.md."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.document import Document
from pipeline.readers import read_document
from pipeline.records import Fact, IncidenceFact, Mention, RegimenDrug, Relation, ResponseFact
from pipeline.store import StoredDocument
from pipeline.tables import registry_facts

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ARTICLE = CORPUS / "seeds" / "002_1350d4869f79fc29.txt"
REGISTRY = CORPUS / "seeds" / "000_934d6b039e80ef19.txt"
VERSION = "test-1"
SORAFENIB = {"name": "sorafenib", "norm": ["MESH:D000077157", "DRUGBANK:DB00398"]}
IL21 = {"name": "interleukin-21", "norm": ["MESH:D000098546"]}
BEVACIZUMAB = {"name": "bevacizumab", "norm": ["MESH:D000068258"]}
_CELL = re.compile(r"^(\d+)\s*(?:\((\d+(?:\.\d+)?)%?\))?$")


def mention(document: Document, phrase: str, label: str, after: int = 0, **attributes: Any) -> Mention:
    """A mention of the first `phrase` at or after `after`, with its sentence taken as the line around it."""
    start = document.text.index(phrase, after)
    end = start + len(phrase)
    sentence_start = max(document.text.rfind(". ", 0, start) + 2, document.text.rfind("\n", 0, start) + 1)
    stops = [i for i in (document.text.find(". ", end), document.text.find("\n", end)) if i != -1]
    section = document.section_at(start)
    entity = {"label": label, "start": start, "end": end, "text": phrase, "norm": [], "concept": None,
              "negated": False, "context": None, "section": section.kind if section else None,
              "sentence": [sentence_start, min(stops, default=len(document.text)) + 1]}
    entity.update(attributes)
    return Mention.from_dict(entity)


@cache
def _event_concept(label: str) -> tuple[list[str], str | None]:
    """Identifiers and name of an event row label, from the normaliser (as the table reader gives them)."""
    from pipeline.lexicons import load_normalizer
    from pipeline.tables.events import normalize_event

    found = normalize_event(load_normalizer(), label)
    return (list(found.curies), found.name) if found else ([], None)


def event_mention(document: Document, phrase: str, after: int = 0, **attributes: Any) -> Mention:
    """An ADVERSE_EVENT mention of `phrase` with the concept the pipeline's normaliser gives it."""
    norm, concept = _event_concept(phrase)
    return mention(document, phrase, "ADVERSE_EVENT", after, norm=norm, concept=concept, **attributes)


def _cell_numbers(cell: str) -> tuple[int | None, float | None]:
    found = _CELL.match(cell.strip())
    if found is None:
        return None, None
    n = int(found[1])
    return n, float(found[2]) if found[2] else (0.0 if n == 0 else None)


def _regimen(drugs: list[dict[str, Any]]) -> tuple[RegimenDrug, ...]:
    return tuple(RegimenDrug.from_dict(drug) for drug in drugs)


def incidence_facts(document: Document, regimen: list[dict[str, Any]], rows: range = range(3)) -> list[IncidenceFact]:
    """Incidence facts of Table 2 ("Any grade", "Grade 3", "Grade 4" columns; N = 33) for the given rows."""
    table = document.table("table-2")
    facts = []
    for row in rows:
        label = re.sub(r"\s*\[.*?\]", "", table.rows[row][0]).strip()
        norm, concept = _event_concept(label)
        for column, grade in ((1, "any"), (2, "3"), (3, "4")):
            n, percent = _cell_numbers(table.rows[row][column])
            if n is None:
                continue
            facts.append(IncidenceFact(
                table="table-2", row=row, column=column, cell=table.rows[row][column], event=label, norm=tuple(norm),
                concept=concept, grade=grade, n=n, total=33, percent=percent, arm="IL-21 + sorafenib", arm_kind=None,
                regimen=_regimen(regimen), dose="30 mcg/kg", serious=None, warnings=(), column_label=None, group=None,
                section=None, category=None, laboratory=False))
    return facts


def response_facts(document: Document) -> list[ResponseFact]:
    """Response facts of Table 3's investigator column."""
    table = document.table("table-3")
    codes = {"Complete response": "CR", "Partial response": "PR", "Stable disease": "SD", "Progressive disease": "PD"}
    facts = []
    for row, cells in enumerate(table.rows):
        if cells[0] not in codes:
            continue
        n, percent = _cell_numbers(cells[1])
        facts.append(ResponseFact(
            table="table-3", row=row, column=1, cell=cells[1], category=cells[0], code=codes[cells[0]], n=n, total=33,
            percent=percent, arm="Investigator assessment", arm_kind=None, regimen=_regimen([IL21, SORAFENIB]),
            warnings=(), column_label=None))
    return facts


def article(facts: list[Fact] | None = None) -> StoredDocument:
    """The seed article with a few real mentions and relations, and the given table facts."""
    document = read_document(ARTICLE)
    text = document.text
    hfs_sentence = text.index("required sorafenib dose reductions")
    prior = text.index("prior systemic therapy regimens")
    entities = [
        mention(document, "Recombinant interleukin-21", "DRUG", norm=IL21["norm"], concept="interleukin-21"),
        mention(document, "sorafenib", "DRUG", norm=SORAFENIB["norm"], concept="sorafenib"),
        mention(document, "sorafenib", "DRUG", hfs_sentence, norm=SORAFENIB["norm"], concept="sorafenib"),
        event_mention(document, "hand-foot syndrome", hfs_sentence, grade=None, serious=False),
        mention(document, "bevacizumab", "DRUG", prior, norm=BEVACIZUMAB["norm"], concept="bevacizumab",
                context="prior_therapy"),
        mention(document, "objective response rate", "ENDPOINT", norm=[], concept="objective response rate",
                result={"value": 21.0, "unit": "%", "ci": None, "n": None, "total": None,
                        "text": "objective response rate was 21%"}),
    ]
    relations = (Relation(head=2, tail=3, label="HAS_ADVERSE_EVENT", confidence=0.7, extractor="rules"),)
    return StoredDocument(document, VERSION, tuple(entities), relations, tuple(facts or ()))


def registry() -> StoredDocument:
    """The registry record of the same trial, with its interventions and its eligibility mention of sorafenib."""
    document = read_document(REGISTRY)
    interventions = document.text.index("Interventions:")
    entities = [
        mention(document, "rIL-21", "DRUG", interventions, norm=IL21["norm"], concept="interleukin-21"),
        mention(document, "sorafenib", "DRUG", interventions, norm=SORAFENIB["norm"], concept="sorafenib"),
        mention(document, "sorafenib", "DRUG", document.text.index("Previously received"), norm=SORAFENIB["norm"],
                concept="sorafenib", context="eligibility"),
    ]
    return StoredDocument(document, VERSION, tuple(entities), (), tuple(registry_facts(document)))


def trial_documents() -> list[StoredDocument]:
    """Article (combination incidence and response tables) and registry record of NCT00389285."""
    paper = read_document(ARTICLE)
    return [article(incidence_facts(paper, [IL21, SORAFENIB]) + response_facts(paper)), registry()]
