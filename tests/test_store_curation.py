"""Curators' decisions in the store: applied on read, kept across re-processing, versioned, undoable."""
from __future__ import annotations

import dataclasses

import pytest

from pipeline.document import Document, Table
from pipeline.records import IncidenceFact, Mention, RegimenDrug, Relation, TableReport
from pipeline.store import Store
from pipeline.store.curation import (
    Conflict,
    Curation,
    InvalidCorrection,
    fact_key,
    mention_key,
    relation_key,
    relation_record,
    validate_correction,
)

TEXT = "Sorafenib caused rash and grade 3 hypertension in the erlotinib arm."
SOURCE = "notes/sorafenib.txt"


def _entity(text: str, label: str, norm: list[str], **extra) -> Mention:
    start = TEXT.index(text)
    return Mention(start=start, end=start + len(text), label=label, text=text, norm=tuple(norm), negated=False,
                   concept=text.lower(), context=None, section=None, sentence=(0, len(TEXT)), **extra)


DRUG = _entity("Sorafenib", "DRUG", ["MESH:D000077157"])
RASH = _entity("rash", "ADVERSE_EVENT", ["MESH:D005076"], grade=None)
HYPERTENSION = _entity("hypertension", "ADVERSE_EVENT", ["MESH:D006973"], grade="3")
ERLOTINIB = _entity("erlotinib", "DRUG", ["MESH:D000069347"])
INCIDENCE = IncidenceFact(
    table="T1", row=0, column=1, cell="12 (40)", event="Rash", norm=("MESH:D005076",), concept="rash", grade="any",
    n=12, total=30, percent=40.0, arm="Sorafenib", arm_kind=None,
    regimen=(RegimenDrug(name="sorafenib", norm=("MESH:D000077157",)),), dose=None, serious=None, warnings=(),
    column_label=None, group=None, section=None, category=None, laboratory=False)
TABLE_REPORT = TableReport(table="T1", caption="Adverse events", classification="adverse_events", rows=1, facts=1,
                           arms=("Sorafenib",), warnings=())


def _document(text: str = TEXT) -> Document:
    table = Table(id="T1", caption="Adverse events", header_rows=[["Event", "Sorafenib (n=30)"]],
                  rows=[["Rash", "12 (40)"]])
    return Document(id="doc-" + str(abs(hash(text)))[:12], source_path=SOURCE, format="text", title="Note",
                    text=text, tables=[table])


def _annotations(entities: list[Mention]) -> dict:
    index = {e.text: i for i, e in enumerate(entities)}
    relations = [Relation(head=index["Sorafenib"], tail=index[t], label="HAS_ADVERSE_EVENT", confidence=0.7,
                          extractor="rules") for t in ("rash", "hypertension") if t in index]
    return {"entities": entities, "relations": relations, "facts": [TABLE_REPORT, INCIDENCE]}


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "trialgraph.db") as store:
        store.save(_document(), _annotations([DRUG, RASH, HYPERTENSION, ERLOTINIB]), "v1")
        yield store


def _only(store: Store):
    (stored,) = list(store.documents())
    return stored


def _decide(store: Store, item: str, kind: str, status: str, original: Mention | dict, version: int = 0, **kwargs):
    """A decision on an item given as its record (a mention) or as the JSON a decision keeps (a relation)."""
    record = original.to_dict() if isinstance(original, Mention) else original
    return Curation(store).decide(SOURCE, item, kind, status, record, curator=kwargs.pop("curator", "ana"),
                                  expected_version=version, **kwargs)


def _rash_relation(store: Store) -> dict:
    stored = _only(store)
    relation = next(r for r in stored.relations if stored.entities[r.tail].text == "rash")
    return relation_record(relation, stored.entities)


def test_store_curation_rejected_mention_and_its_relations_disappear(store):
    _decide(store, mention_key(RASH), "mention", "rejected", RASH, comment="rash is in the exclusion criteria")
    curated = _only(store)
    assert [e.text for e in curated.entities] == ["Sorafenib", "hypertension", "erlotinib"]
    assert [(curated.entities[r.head].text, curated.entities[r.tail].text) for r in curated.relations] \
        == [("Sorafenib", "hypertension")]
    (raw,) = list(store.documents(curated=False))
    assert "rash" in [e.text for e in raw.entities]


def test_store_curation_corrected_mention_replaces_extracted_one_and_keeps_its_relation(store):
    stored = _only(store)
    start = TEXT.index("grade 3 hypertension")
    correction = validate_correction("mention", {"start": start, "norm": ["MEDDRA:10020772"]}, HYPERTENSION.to_dict(),
                                     stored)
    _decide(store, mention_key(HYPERTENSION), "mention", "corrected", HYPERTENSION, correction=correction)
    curated = _only(store)
    corrected = next(e for e in curated.entities if e.label == "ADVERSE_EVENT" and e.start == start)
    assert corrected.text == "grade 3 hypertension"
    assert corrected.norm == ("MEDDRA:10020772",) and corrected.curation == "corrected"
    tails = [curated.entities[r.tail].text for r in curated.relations]
    assert tails == ["rash", "grade 3 hypertension"]


def test_store_curation_relation_correction_moves_an_end_and_relabels(store):
    record = _rash_relation(store)
    key = relation_key(record["label"], record["head"], record["tail"])
    correction = validate_correction(
        "relation", {"head": [ERLOTINIB.start, ERLOTINIB.end], "label": "TREATS"}, record, _only(store))
    _decide(store, key, "relation", "corrected", record, correction=correction)
    curated = _only(store)
    triples = {(curated.entities[r.head].text, r.label, curated.entities[r.tail].text)
               for r in curated.relations}
    assert triples == {("erlotinib", "TREATS", "rash"), ("Sorafenib", "HAS_ADVERSE_EVENT", "hypertension")}


def test_store_curation_fact_correction_and_rejection_by_table_cell(store):
    key = fact_key(INCIDENCE)
    assert key == "fact:T1:0:1" and fact_key(TABLE_REPORT) is None
    correction = validate_correction("fact", {"n": 13, "percent": 43.3}, INCIDENCE.to_dict(), _only(store))
    decision = _decide(store, key, "fact", "corrected", INCIDENCE.to_dict(), correction=correction)
    facts = _only(store).facts
    assert facts[0] == TABLE_REPORT
    assert (facts[1].n, facts[1].total, facts[1].percent, facts[1].curation) == (13, 30, 43.3, "corrected")
    _decide(store, key, "fact", "rejected", INCIDENCE.to_dict(), version=decision.version)
    assert _only(store).facts == (TABLE_REPORT,)


def test_store_curation_decisions_survive_reprocessing_with_new_indices(store):
    _decide(store, mention_key(RASH), "mention", "rejected", RASH)
    _decide(store, mention_key(ERLOTINIB), "mention", "accepted", ERLOTINIB)
    # re-processing: a new extractor finds the mentions in another order and no longer finds erlotinib
    store.save(_document(), _annotations([HYPERTENSION, RASH, DRUG]), "v2")
    curated = _only(store)
    assert sorted(e.text for e in curated.entities) == ["Sorafenib", "erlotinib", "hypertension"]
    assert next(e for e in curated.entities if e.text == "erlotinib").curation == "accepted"
    assert [curated.entities[r.tail].text for r in curated.relations] == ["hypertension"]


def test_store_curation_decision_does_not_apply_when_the_text_under_it_changed(store):
    _decide(store, mention_key(RASH), "mention", "rejected", RASH)
    changed = "Sorafenib caused acne and grade 3 hypertension in the erlotinib arm."
    acne = dataclasses.replace(RASH, text="acne")
    store.save(_document(changed), {"entities": [DRUG, acne], "relations": [], "facts": []}, "v2")
    assert [e.text for e in _only(store).entities] == ["Sorafenib", "acne"]


def test_store_curation_second_curator_with_a_stale_version_gets_a_conflict(store):
    _decide(store, mention_key(RASH), "mention", "accepted", RASH, curator="ana", comment="clearly a harm")
    with pytest.raises(Conflict) as raised:
        _decide(store, mention_key(RASH), "mention", "rejected", RASH, curator="ben")
    current = raised.value.current
    assert (current.curator, current.status, current.comment, current.version) == ("ana", "accepted",
                                                                                   "clearly a harm", 1)
    assert "rash" in [e.text for e in _only(store).entities]


def test_store_curation_undo_restores_the_state_before_a_change_and_is_logged(store):
    curation = Curation(store)
    first = _decide(store, mention_key(RASH), "mention", "accepted", RASH)
    _decide(store, mention_key(RASH), "mention", "rejected", RASH, version=first.version, curator="ben")
    assert "rash" not in [e.text for e in _only(store).entities]
    latest, older = curation.log(SOURCE, mention_key(RASH))
    with pytest.raises(Conflict):
        curation.undo(older.id, "ana")  # a later change sits on top of it
    restored = curation.undo(latest.id, "ana")
    assert (restored.status, restored.version) == ("accepted", 3)
    assert "rash" in [e.text for e in _only(store).entities]
    curation.undo(older.id, "ana")  # now the first decision can go too: back to pending
    assert curation.decision(SOURCE, mention_key(RASH)).status == "pending"
    actions = [(e.action, e.before["status"] if e.before else None, e.after["status"]) for e in curation.log()]
    assert actions == [("undo", "accepted", "pending"), ("undo", "rejected", "accepted"),
                       ("rejected", "accepted", "rejected"), ("accepted", None, "accepted")]


@pytest.mark.parametrize(
    ("kind", "correction", "message"),
    [
        ("mention", {"start": 5, "end": 2}, "not a piece"),
        ("mention", {"end": 10}, "space"),
        ("mention", {"norm": ["sorafenib"]}, "CURIE"),
        ("mention", {"label": "drug"}, "upper case"),
        ("mention", {"text": "rash"}, "can change only"),
        ("mention", {}, "changes nothing"),
        ("relation", {"tail": [0, 4]}, "mention of this document"),
        ("fact", {"grade": "severe"}, "grade"),
        ("fact", {"percent": 140.0}, "between 0 and 100"),
        ("fact", {"n": -1}, "whole number"),
    ],
)
def test_store_curation_invalid_corrections_say_what_to_fix(store, kind, correction, message):
    original = {"mention": DRUG.to_dict(), "relation": _rash_relation(store), "fact": INCIDENCE.to_dict()}[kind]
    with pytest.raises(InvalidCorrection, match=message):
        validate_correction(kind, correction, original, _only(store))


def test_store_curation_agreement_is_cohens_kappa_per_curator_pair_and_label(store):
    from pipeline.store.agreement import agreement

    mentions = {e.text: e for e in (DRUG, RASH, HYPERTENSION, ERLOTINIB)}
    # ana and ben on the four mentions: agree on Sorafenib (accept), rash (reject), hypertension (the same
    # correction); disagree on erlotinib (accept / reject). Cleo decides erlotinib only, then undoes it.
    ana = {"Sorafenib": "accepted", "rash": "rejected", "hypertension": "corrected", "erlotinib": "accepted"}
    ben = {"Sorafenib": "accepted", "rash": "rejected", "hypertension": "corrected", "erlotinib": "rejected"}
    fix = {"norm": ["MEDDRA:10020772"]}
    for text, status in ana.items():
        _decide(store, mention_key(mentions[text]), "mention", status, mentions[text], curator="ana",
                correction=fix if status == "corrected" else None)
    for text, status in ben.items():
        _decide(store, mention_key(mentions[text]), "mention", status, mentions[text], version=1, curator="ben",
                correction=fix if status == "corrected" else None)
    cleo = _decide(store, mention_key(ERLOTINIB), "mention", "accepted", ERLOTINIB, version=2, curator="cleo")
    curation = Curation(store)
    curation.undo(curation.log(curator="cleo")[0].id, curator="cleo")
    assert cleo.version == 3
    rows = {(r.first, r.second, r.group): r for r in agreement(store.connection)}
    assert set(rows) == {("ana", "ben", "mention ADVERSE_EVENT"), ("ana", "ben", "mention DRUG"),
                         ("ana", "ben", "all items")}
    # all items: observed 3/4; ana accepted 2, rejected 1, corrected 1; ben 1, 2, 1:
    # expected (2*1 + 1*2 + 1*1) / 16 = 5/16, kappa (12/16 - 5/16) / (11/16) = 7/11
    overall = rows["ana", "ben", "all items"]
    assert (overall.items, overall.observed, overall.kappa) == (4, 0.75, round(7 / 11, 3))
    drugs = rows["ana", "ben", "mention DRUG"]  # Sorafenib agrees, erlotinib does not
    assert (drugs.items, drugs.observed, drugs.kappa) == (2, 0.5, 0.0)
