"""Tests of the typed records (pipeline/records.py): their JSON round trip on what the pipeline really makes,
their frozen-ness, and from_dict errors that name the field at fault."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from pipeline.records import (
    CellMention,
    IncidenceFact,
    Mention,
    RecordError,
    Relation,
    ResponseFact,
    TableReport,
    fact_from_dict,
)
from pipeline.readers import read_document
from pipeline.store import Store
from pipeline.tables import registry_facts, table_facts

ROOT = Path(__file__).resolve().parents[1]
NELFINAVIR = ROOT / "corpus" / "ctgov" / "NCT01065844.xml"  # adverse events, response, registry lists
DUPILUMAB = ROOT / "corpus" / "ctgov" / "NCT02210780.json"  # outcome-measure results
NOTE = ROOT / "tests" / "fixtures" / "review" / "sorafenib_rash_note.txt"


@pytest.fixture(scope="module")
def facts() -> list:
    found = []
    for path in (NELFINAVIR, DUPILUMAB):
        document = read_document(path)
        found += table_facts(document) + registry_facts(document)
    return found


@pytest.fixture(scope="module")
def note_annotations() -> tuple:
    """The fixture note, its extraction (records) and its `trialgraph annotate` JSON."""
    from pipeline.extract import extract_document
    from pipeline.nlp.language import annotate_document, default_nlp
    from pipeline.nlp.serialize import doc_annotations

    document = read_document(NOTE)
    written = doc_annotations(annotate_document(default_nlp(), document))
    return document, extract_document(default_nlp(), document), written


def test_records_facts_round_trip_through_their_json(facts: list) -> None:
    assert {fact.KIND for fact in facts} == {"table", "incidence", "response", "outcome_result", "intervention",
                                              "condition", "outcome"}
    for fact in facts:
        payload = json.loads(json.dumps(fact.to_dict()))  # as the store keeps it
        assert payload["kind"] == fact.KIND
        assert fact_from_dict(payload) == fact
        assert fact_from_dict(payload).to_dict() == payload


def test_records_facts_come_back_from_the_store_as_saved(tmp_path: Path, facts: list) -> None:
    document = read_document(NELFINAVIR)
    saved = tuple(table_facts(document) + registry_facts(document))
    with Store(tmp_path / "trialgraph.db") as store:
        store.save(document, {"entities": [], "relations": [], "facts": list(saved)}, "test")
        (stored,) = store.documents()
    assert stored.facts == saved


def test_records_optional_fields_are_left_out_of_the_json_when_unset(facts: list) -> None:
    incidence = next(f for f in facts if isinstance(f, IncidenceFact))
    payload = incidence.to_dict()
    assert "percent_bound" not in payload and "markers" not in payload and "curation" not in payload
    bounded = dataclasses.replace(incidence, percent=None, percent_bound="<1", markers="†")
    assert (bounded.to_dict()["percent_bound"], bounded.to_dict()["markers"]) == ("<1", "†")


def test_records_mentions_and_relations_round_trip_on_annotated_text(tmp_path: Path, note_annotations: tuple) -> None:
    document, extraction, written = note_annotations
    assert {"DRUG", "ADVERSE_EVENT", "DOSE"} <= {e["label"] for e in written["entities"]} and written["relations"]
    for entity in written["entities"]:  # what `trialgraph annotate` writes
        assert Mention.from_dict(entity).to_dict() == entity
    for relation in written["relations"]:
        assert Relation.from_dict(relation).to_dict() == relation
    assert [m.to_dict() for m in extraction["entities"]] == written["entities"]
    with Store(tmp_path / "trialgraph.db") as store:
        store.save(document, extraction, "test")
        (stored,) = store.documents()
    assert stored.entities == extraction["entities"]
    assert set(stored.relations) == set(extraction["relations"])  # the store orders them by head, tail, label
    for entity in stored.entities:
        assert Mention.from_dict(json.loads(json.dumps(entity.to_dict()))) == entity


def test_records_adverse_event_fields_only_on_adverse_events(note_annotations: tuple) -> None:
    _, extraction, _ = note_annotations
    event = next(e for e in extraction["entities"] if e.label == "ADVERSE_EVENT")
    drug = next(e for e in extraction["entities"] if e.label == "DRUG")
    assert {"grade", "serious", "dlt"} <= set(event.to_dict()) and not {"grade", "serious", "dlt"} & set(drug.to_dict())
    assert "concept_start" not in event.to_dict()
    spanned = dataclasses.replace(event, concept_start=event.start, concept_end=event.end)
    assert (spanned.to_dict()["concept_start"], spanned.to_dict()["concept_end"]) == (event.start, event.end)
    assert Mention.from_dict(spanned.to_dict()) == spanned


def test_records_are_frozen_with_tuples_for_lists(facts: list) -> None:
    incidence = next(f for f in facts if isinstance(f, IncidenceFact))
    with pytest.raises(dataclasses.FrozenInstanceError):
        incidence.n = 1  # type: ignore[misc]
    assert isinstance(incidence.norm, tuple) and isinstance(incidence.regimen, tuple)
    assert all(not isinstance(value, (list, dict)) for value in vars(incidence).values())


def test_records_from_dict_names_the_missing_field(facts: list) -> None:
    payload = next(f for f in facts if isinstance(f, IncidenceFact)).to_dict()
    del payload["event"]
    with pytest.raises(RecordError, match=r"'incidence' fact lacks field 'event'"):
        fact_from_dict(payload)
    report = next(f for f in facts if isinstance(f, TableReport)).to_dict()
    with pytest.raises(RecordError, match=r"no field 'colour'"):
        fact_from_dict({**report, "colour": "red"})
    with pytest.raises(RecordError, match=r"kind must be one of table, incidence.* not 'tally'"):
        fact_from_dict({**report, "kind": "tally"})
    with pytest.raises(RecordError, match=r"field 'arms' must be a list"):
        fact_from_dict({**report, "arms": "Placebo"})
    with pytest.raises(RecordError, match=r"Mention lacks field 'label', 'start'"):
        Mention.from_dict({"end": 3, "text": "abc", "norm": [], "concept": None, "negated": False})


def test_records_a_correction_changes_only_the_fields_a_fact_has(facts: list) -> None:
    response = next(f for f in facts if isinstance(f, ResponseFact))
    corrected = response.with_values({"n": 3, "event": "Rash", "curation": "corrected"})
    assert (corrected.n, corrected.curation, corrected.category) == (3, "corrected", response.category)
    assert corrected.to_dict()["curation"] == "corrected" and "event" not in corrected.to_dict()
    cell = CellMention(table="T1", row=0, column=0, cell="Sunitinib", start=0, end=9, text="Sunitinib", label="DRUG",
                       norm=("MESH:D000077210",), concept="sunitinib", negated=False, role="prior_therapy")
    assert cell.to_dict()["norm"] == ["MESH:D000077210"] and fact_from_dict(cell.to_dict()) == cell
