"""Tests for the ClinicalTrials.gov JSON reader (API v2 and classic API v1) on the real records in corpus/ctgov."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.document import CellNumbers, Document, Section
from pipeline.readers import ctgov_json
from pipeline.errors import ReaderError

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "ctgov"


def read_corpus(name: str) -> Document:
    path = CORPUS / name
    return ctgov_json.read(path.read_bytes(), str(path))


def sections_of(doc: Document, kind: str) -> list[Section]:
    return [section for section in doc.sections if section.kind == kind]


def cell(doc: Document, caption: str, term: str, group: str) -> str:
    """The cell of adverse-event `term` in the column of `group` in the table with `caption`."""
    table = next(t for t in doc.tables if t.kind == "adverse_events" and t.caption == caption)
    column = table.header_rows[0].index(group)
    return next(row[column] for row in table.rows if row[0] == term)


@pytest.fixture(scope="module")
def dupilumab() -> Document:
    return read_corpus("NCT02210780.json")


@pytest.fixture(scope="module")
def arrow() -> Document:
    return read_corpus("NCT02028676.json")


def test_ctgov_json_v2_trial_record(dupilumab: Document) -> None:
    trial = dupilumab.trial
    assert dupilumab.format == "ctgov_json"
    assert trial.nct_id == "NCT02210780"
    assert dupilumab.nct_ids[0] == "NCT02210780"
    assert dupilumab.title == trial.title
    assert trial.title == "Study of Dupilumab and Immune Responses in Adults With Atopic Dermatitis (AD)"
    assert trial.official_title.startswith("A Randomized, Double-Blind, Placebo-Controlled, Study Investigating")
    assert trial.conditions == ["Atopic Dermatitis"]
    assert trial.phases == ["Phase 2"]
    assert trial.study_type == "Interventional"
    assert trial.enrollment == 194
    assert [o.kind for o in trial.outcomes].count("primary") == 1
    assert [o.kind for o in trial.outcomes].count("secondary") == 10
    primary = trial.outcomes[0]
    assert primary.time_frame == "Week 16"
    assert primary.measure.startswith("Percentage of Participants With a Positive Response (≥4-Fold Increase)")
    dupi = next(i for i in trial.interventions if i.name == "Dupilumab")
    assert (dupi.type, dupi.arm_groups) == ("Drug", ["Dupilumab 300 mg qw"])
    assert dupi.other_names == ["REGN668", "SAR231893", "Dupixent"]
    assert dupilumab.publication_ids == {}
    assert dupilumab.warnings == []


def test_ctgov_json_v2_text_sections(dupilumab: Document) -> None:
    for section in dupilumab.sections:
        assert dupilumab.text[section.start : section.end] == section.text
    assert sections_of(dupilumab, "title")[0].text == dupilumab.title
    interventions = sections_of(dupilumab, "interventions")[0].text
    assert "Drug: Dupilumab: Administered via subcutaneous injection." in interventions.splitlines()
    arms = sections_of(dupilumab, "arms")[0].text
    assert "Experimental: Dupilumab 300 mg qw: Two subcutaneous injections of Dupilumab 300 mg" in arms
    primary = sections_of(dupilumab, "primary_outcomes")[0].text
    assert "[Time Frame: Week 16]" in primary
    assert len(sections_of(dupilumab, "secondary_outcomes")[0].text.split("\n")) >= 10


def test_ctgov_json_v2_eligibility_split_and_unescaped(dupilumab: Document) -> None:
    (inclusion,) = sections_of(dupilumab, "inclusion_criteria")
    (exclusion,) = sections_of(dupilumab, "exclusion_criteria")
    assert inclusion.text.startswith("Key Inclusion Criteria:")
    assert "Eczema Area and Severity Index (EASI) score ≥16" in inclusion.text
    assert "Guillain-Barre" not in inclusion.text
    assert "History of Guillain-Barre syndrome" in exclusion.text
    # API v2 Markdown escapes ("\>10 mg") are removed.
    assert "Patients needing >10 mg of daily prednisone" in exclusion.text
    assert "\\" not in dupilumab.text
    assert inclusion.end < exclusion.start


def test_ctgov_json_v2_adverse_event_tables(dupilumab: Document) -> None:
    serious, other = [t for t in dupilumab.tables if t.kind == "adverse_events"]
    assert (serious.id, other.id) == ("T1", "T2")
    assert serious.section == "results: adverse events"
    assert other.header_rows == [["Adverse event", "Organ system", "Placebo qw", "Dupilumab 300 mg qw"]]
    assert ["Conjunctivitis", "Infections and infestations", "0/97", "8/97"] in other.rows
    assert cell(dupilumab, "Serious adverse events", "Serum sickness-like reaction", "Dupilumab 300 mg qw") == "1/97"
    assert len(serious.rows) == 3 and len(other.rows) == 6
    assert "Total, other adverse events: Placebo qw 29/97; Dupilumab 300 mg qw 30/97" in other.footnotes
    assert "Frequency threshold: 5%" in other.footnotes


def test_ctgov_json_v2_outcome_measure_tables(dupilumab: Document) -> None:
    outcome_tables = [t for t in dupilumab.tables if t.kind == "outcome_measures"]
    assert len(outcome_tables) == 11
    first = outcome_tables[0]
    assert first.id == "T3"
    assert first.caption.startswith("Percentage of Participants With a Positive Response (≥4-Fold Increase)")
    assert first.header_rows == [["Number", "Placebo qw", "Dupilumab 300 mg qw"]]
    assert first.rows == [["Participants analyzed", "92", "90"], ["Percentage of participants", "83.7", "83.3"]]
    assert "Primary outcome measure" in first.footnotes


def test_ctgov_json_results_tables_carry_the_registered_numbers(dupilumab: Document) -> None:
    other = next(t for t in dupilumab.tables if t.caption.startswith("Other"))
    conjunctivitis = other.rows.index(["Conjunctivitis", "Infections and infestations", "0/97", "8/97"])
    assert other.numbers[conjunctivitis] == [None, None, CellNumbers(n=0, total=97), CellNumbers(n=8, total=97)]
    first = next(t for t in dupilumab.tables if t.kind == "outcome_measures")
    assert first.numbers == [[None, CellNumbers(n=92), CellNumbers(n=90)],
                             [None, CellNumbers(value=83.7), CellNumbers(value=83.3)]]
    assert (first.unit, first.outcome_kind) == ("Percentage of participants", "primary")
    assert Document.from_dict(json.loads(dupilumab.to_json())).tables == dupilumab.tables  # as the store keeps it


def test_ctgov_json_whole_mean_with_a_spread_is_read_as_the_value(arrow: Document) -> None:
    # "408 (22.2)" is a mean of 408 with standard error 22.2; read back from its text it was a count of 408 at 22.2%
    from pipeline.tables import table_facts

    table = next(t for t in arrow.tables
                 if t.caption.startswith("LCM vs CDM, Induction ART") and t.caption.endswith("CD4 to Week 72"))
    row = next(i for i, r in enumerate(table.rows) if r[1] == "408 (22.2)")
    assert table.numbers[row][1] == CellNumbers(value=408.0, spread=22.2)
    fact = next(f for f in table_facts(arrow)
                if f.KIND == "outcome_result" and (f.table, f.row, f.column) == (table.id, row, 1))
    assert (fact.value, fact.spread, fact.unit, fact.outcome_kind) == (
        408.0, 22.2, "absolute cells per mm3", "secondary")


def test_ctgov_json_v1_trial_record(arrow: Document) -> None:
    trial = arrow.trial
    assert trial.nct_id == "NCT02028676" == arrow.nct_ids[0]
    assert arrow.title.startswith("Efficacy Study of Different Laboratory Management Strategies")
    assert trial.official_title.startswith("A Randomised Trial of Monitoring Practice and Induction Maintenance")
    assert [o.kind for o in trial.outcomes].count("primary") == 9
    assert [o.kind for o in trial.outcomes].count("secondary") == 49
    assert trial.phases == ["Phase 4"] and trial.enrollment == 1206
    cdm = trial.interventions[0]
    assert (cdm.type, cdm.name, cdm.arm_groups) == (
        "Other", "Clinically Driven Monitoring (CDM)", ["Clinically Driven Monitoring (CDM)"]
    )
    # results references first: the two "result" PMIDs, then the "derived" one
    assert arrow.publication_ids == {"pmid": "23473847", "pmids": "23473847,24382064,27064996"}


def test_ctgov_json_v1_eligibility_keeps_preamble(arrow: Document) -> None:
    (preamble,) = sections_of(arrow, "eligibility")
    assert "For initial randomisation to CDM vs LCM" in preamble.text
    inclusion = sections_of(arrow, "inclusion_criteria")
    exclusion = sections_of(arrow, "exclusion_criteria")
    assert "Age 3 months to 17 years" in inclusion[0].text
    assert "Likelihood of poor adherence" in exclusion[0].text
    assert "Likelihood of poor adherence" not in inclusion[0].text


def test_ctgov_json_v1_adverse_events_and_outcomes(arrow: Document) -> None:
    serious = arrow.table("T1")
    assert serious.caption == "Serious adverse events" and len(serious.rows) == 34
    assert cell(arrow, "Serious adverse events", "Coma", "Clinically Driven Monitoring (CDM)") == "1/606"
    lcm = "Laboratory Plus Clinical Monitoring (LCM)"
    assert cell(arrow, "Serious adverse events", "Acute diarrhoea", lcm) == "6/600"
    assert len([t for t in arrow.tables if t.kind == "outcome_measures"]) == 58
    first_outcome = arrow.table("T3")
    assert first_outcome.caption == "LCM vs CDM: Disease Progression to a New WHO Stage 4 Event or Death"
    assert first_outcome.rows == [["Participants analyzed", "606", "600"], ["participants", "47", "39"]]


def test_ctgov_json_v1_without_results() -> None:
    doc = read_corpus("NCT04780763.json")
    assert doc.trial.nct_id == "NCT04780763"
    assert doc.tables == []
    assert "SI02: Women of 20 to 30 years of age inclusive" in sections_of(doc, "inclusion_criteria")[0].text
    assert "SE9: Pregnant woman" in sections_of(doc, "exclusion_criteria")[0].text


def test_ctgov_json_v2_without_results() -> None:
    doc = read_corpus("NCT00973089.json")
    assert doc.trial.nct_id == "NCT00973089"
    assert doc.tables == []
    intervention = doc.trial.interventions[0]
    assert (intervention.name, intervention.arm_groups) == (
        "Incomplete caries removal in primary teeth", ["Incomplete caries removal"]
    )
    assert doc.publication_ids == {"pmid": "18519994"}


def write_json(tmp_path: Path, data: object) -> tuple[bytes, str]:
    path = tmp_path / "record.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path.read_bytes(), str(path)


def test_ctgov_json_missing_nct_id_is_an_error(tmp_path: Path) -> None:
    data = json.loads((CORPUS / "NCT00973089.json").read_text(encoding="utf-8"))
    del data["protocolSection"]["identificationModule"]["nctId"]
    raw, path = write_json(tmp_path, data)
    with pytest.raises(ReaderError, match="no NCT id: protocolSection.identificationModule.nctId is missing"):
        ctgov_json.read(raw, path)


def test_ctgov_json_malformed_nct_id_is_an_error(tmp_path: Path) -> None:
    raw, path = write_json(tmp_path, {"protocolSection": {"identificationModule": {"nctId": "NCT123"}}})
    with pytest.raises(ReaderError, match="'NCT123'.*not 'NCT' followed by 8 digits"):
        ctgov_json.read(raw, path)


def test_ctgov_json_truncated_file_is_an_error(tmp_path: Path) -> None:
    raw = (CORPUS / "NCT02210780.json").read_bytes()[:5000]
    with pytest.raises(ReaderError, match="invalid JSON at line .*truncated") as caught:
        ctgov_json.read(raw, str(tmp_path / "cut.json"))
    assert caught.value.path == str(tmp_path / "cut.json")


def test_ctgov_json_not_a_study_is_an_error(tmp_path: Path) -> None:
    raw, path = write_json(tmp_path, {"studies": []})
    with pytest.raises(ReaderError, match="a list of ClinicalTrials.gov studies with no study in it"):
        ctgov_json.read(raw, path)
    raw, path = write_json(tmp_path, {"study": {"protocolSection": {}}, "total": 1})
    with pytest.raises(ReaderError, match=r"not a ClinicalTrials.gov study record \(no protocolSection\) "
                       r"\(top-level keys: 'study', 'total'\)"):
        ctgov_json.read(raw, path)
    raw, path = write_json(tmp_path, [{"id": 1}])
    with pytest.raises(ReaderError, match="a JSON array whose first item is not a ClinicalTrials.gov study"):
        ctgov_json.read(raw, path)


def test_ctgov_json_v1_without_studies_is_an_error(tmp_path: Path) -> None:
    raw, path = write_json(tmp_path, {"FullStudiesResponse": {"NStudiesReturned": 0, "FullStudies": []}})
    with pytest.raises(ReaderError, match="FullStudiesResponse holds no study"):
        ctgov_json.read(raw, path)


def test_ctgov_json_record_with_missing_modules_reads_with_warnings(tmp_path: Path) -> None:
    data = json.loads((CORPUS / "NCT02210780.json").read_text(encoding="utf-8"))
    protocol = data["protocolSection"]
    for module in ("descriptionModule", "conditionsModule", "eligibilityModule"):
        del protocol[module]
    protocol["armsInterventionsModule"]["interventions"] = "not a list"
    del data["resultsSection"]["adverseEventsModule"]
    raw, path = write_json(tmp_path, data)
    doc = ctgov_json.read(raw, path)
    assert doc.trial.nct_id == "NCT02210780"
    assert doc.trial.interventions == []
    assert set(doc.warnings) == {
        "record has no brief summary",
        "record has no conditions",
        "record has no interventions",
        "record has no eligibility criteria",
        "results section has no adverse events module",
    }
    assert not sections_of(doc, "inclusion_criteria")
    assert [t.kind for t in doc.tables] == ["outcome_measures"] * 11
