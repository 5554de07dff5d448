"""Tests for the legacy ClinicalTrials.gov <clinical_study> XML reader on the real records in corpus/ctgov."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.document import Document, Section
from pipeline.readers import ctgov_xml
from pipeline.errors import ReaderError

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "ctgov"


def read_corpus(name: str) -> Document:
    path = CORPUS / name
    return ctgov_xml.read(path.read_bytes(), str(path))


def sections_of(doc: Document, kind: str) -> list[Section]:
    return [section for section in doc.sections if section.kind == kind]


@pytest.fixture(scope="module")
def nelfinavir() -> Document:
    return read_corpus("NCT01065844.xml")


def test_ctgov_xml_trial_record(nelfinavir: Document) -> None:
    trial = nelfinavir.trial
    assert nelfinavir.format == "ctgov_xml"
    assert trial.nct_id == "NCT01065844" == nelfinavir.nct_ids[0]
    assert nelfinavir.title == trial.title == "Nelfinavir in Recurrent Adenoid Cystic Cancer of the Head and Neck"
    assert trial.official_title.startswith("A Phase II Trial of the HIV Protease Inhibitor Nelfinavir")
    assert trial.conditions == ["Carcinoma, Adenoid Cystic", "Head and Neck Neoplasms"]
    assert trial.phases == ["Phase 2"] and trial.enrollment == 15 and trial.study_type == "Interventional"
    (intervention,) = trial.interventions
    assert (intervention.type, intervention.name, intervention.arm_groups) == ("Drug", "Nelfinavir", ["Nelfinavir"])
    assert intervention.description == "1250 mg Nelfinavir twice daily Monday - Sunday"
    assert [(o.kind, o.measure, o.time_frame) for o in trial.outcomes] == [
        ("primary", "Tumor Progression", "Every 1 to 3 months"),
        ("secondary", "Quality of Life", "every 1 to 3 months"),
    ]
    # the results reference comes before the background reference
    assert nelfinavir.publication_ids == {"pmid": "24596143", "pmids": "24596143,19729990"}
    assert nelfinavir.warnings == []


def test_ctgov_xml_text_sections_and_unwrapped_textblocks(nelfinavir: Document) -> None:
    for section in nelfinavir.sections:
        assert nelfinavir.text[section.start : section.end] == section.text
    interventions = sections_of(nelfinavir, "interventions")[0].text
    assert interventions == "Interventions:\nDrug: Nelfinavir: 1250 mg Nelfinavir twice daily Monday - Sunday"
    (inclusion,) = sections_of(nelfinavir, "inclusion_criteria")
    (exclusion,) = sections_of(nelfinavir, "exclusion_criteria")
    assert "-  Histological diagnosis of adenoid cystic carcinoma." in inclusion.text
    # the hard-wrapped criterion is one line again
    assert "with/without metastases who have failed all other therapy." in inclusion.text
    assert "-  Uncontrolled diabetes." in exclusion.text
    assert "Uncontrolled diabetes" not in inclusion.text


def test_ctgov_xml_adverse_event_tables(nelfinavir: Document) -> None:
    serious, other = [t for t in nelfinavir.tables if t.kind == "adverse_events"]
    assert other.header_rows == [["Adverse event", "Organ system", "Nelfinavir"]]
    assert ["platelet count decreased, grade 3", "Blood and lymphatic system disorders", "1/15"] in other.rows
    assert ["Investigations - Other, liver enzymes increased, grade 3", "Investigations", "2/15"] in other.rows
    # the "Total" category holds totals, not an event
    assert len(other.rows) == 4
    assert "Total, other adverse events: Nelfinavir 5/15" in other.footnotes
    assert serious.rows == [] and "Total, serious adverse events: Nelfinavir 0/15" in serious.footnotes
    assert "Source vocabulary: CTCAE (3.0)" in other.footnotes


def test_ctgov_xml_outcome_measure_table(nelfinavir: Document) -> None:
    (table,) = [t for t in nelfinavir.tables if t.kind == "outcome_measures"]  # Quality of Life has no data
    assert table.id == "T3" and table.caption == "Tumor Progression"
    assert table.header_rows == [["Count of Participants", "Nelfinavir"]]
    assert ["Participants analyzed", "11"] in table.rows
    assert ["Stable disease (SD)", "7"] in table.rows


def test_ctgov_xml_fluconazole_two_arms() -> None:
    doc = read_corpus("NCT00734539.xml")
    assert doc.trial.nct_id == "NCT00734539"
    fluconazole = doc.trial.interventions[0]
    assert (fluconazole.name, fluconazole.arm_groups, fluconazole.other_names) == ("fluconazole", ["1"], ["Diflucan"])
    serious = doc.table("T1")
    assert serious.header_rows[0] == ["Adverse event", "Organ system", "Fluconazole", "Placebo"]
    assert ["Neonatal Cardiac Failure", "Cardiac disorders", "2/188", "0/173"] in serious.rows
    assert [o.kind for o in doc.trial.outcomes].count("secondary") == 11
    assert "< 750 g birth weight" in sections_of(doc, "inclusion_criteria")[0].text


def test_ctgov_xml_blinatumomab_confidence_interval() -> None:
    doc = read_corpus("NCT01207388.xml")
    assert doc.trial.interventions[0].other_names == ["AMG103", "MT103", "BLINCYTO™"]
    first_outcome = doc.table("T3")
    assert first_outcome.header_rows == [["Number (95% Confidence Interval)", "Blinatumomab"]]
    assert ["percentage of participants", "77.9 (69.1 to 85.1)"] in first_outcome.rows
    other = doc.table("T2")
    assert ["Diarrhoea", "Gastrointestinal disorders", "22/116"] in other.rows


def test_ctgov_xml_without_results_keeps_alias() -> None:
    doc = read_corpus("NCT00081588.xml")
    assert doc.nct_ids == ["NCT00081588", "NCT00980226"]
    assert doc.tables == []
    assert doc.trial.interventions[0].name == "TMC114"
    assert doc.publication_ids == {"pmid": "17621237"}


def test_ctgov_xml_truncated_file_is_an_error(tmp_path: Path) -> None:
    raw = (CORPUS / "NCT01065844.xml").read_bytes()[:3000]
    with pytest.raises(ReaderError, match="malformed XML at line .*truncated"):
        ctgov_xml.read(raw, str(tmp_path / "cut.xml"))


def test_ctgov_xml_other_root_element_is_an_error(tmp_path: Path) -> None:
    raw = b'<?xml version="1.0"?>\n<PubmedArticleSet><PubmedArticle/></PubmedArticleSet>'
    with pytest.raises(ReaderError, match="root element is <PubmedArticleSet>, not <clinical_study>"):
        ctgov_xml.read(raw, str(tmp_path / "pubmed.xml"))


def test_ctgov_xml_missing_nct_id_is_an_error(tmp_path: Path) -> None:
    raw = (CORPUS / "NCT01065844.xml").read_bytes().replace(b"<nct_id>NCT01065844</nct_id>", b"")
    with pytest.raises(ReaderError, match=r"no NCT id: <id_info><nct_id> is missing"):
        ctgov_xml.read(raw, str(tmp_path / "no_id.xml"))


def test_ctgov_xml_record_with_missing_parts_reads_with_warnings(tmp_path: Path) -> None:
    raw = (
        b"<clinical_study><id_info><nct_id>NCT01065844</nct_id></id_info>"
        b"<brief_title>Nelfinavir study</brief_title><study_type>Interventional</study_type>"
        b"<eligibility><criteria><textblock>\n  Adults with adenoid cystic carcinoma\n</textblock></criteria>"
        b"</eligibility>"
        b"<clinical_results><outcome_list/></clinical_results></clinical_study>"
    )
    doc = ctgov_xml.read(raw, str(tmp_path / "sparse.xml"))
    assert doc.title == "Nelfinavir study"
    assert set(doc.warnings) == {
        "record has no brief summary",
        "record has no conditions",
        "record has no interventions",
        "record has no primary outcome measures",
        "results section has no adverse events module",
    }
    (eligibility,) = sections_of(doc, "eligibility")
    assert eligibility.text == "Eligibility Criteria:\nAdults with adenoid cystic carcinoma"


def test_ctgov_xml_adverse_event_grade_noted_in_the_description_reaches_the_fact(nelfinavir: Document) -> None:
    # NCT01065844: <sub_title>platelet count decreased</sub_title><description>grade 3</description>
    from pipeline.tables import table_facts

    rows = [row for table in nelfinavir.tables for row in table.rows if row[0].startswith("platelet count")]
    assert rows and rows[0][0] == "platelet count decreased, grade 3"
    fact = next(f for f in table_facts(nelfinavir) if f.KIND == "incidence" and f.event == "platelet count decreased")
    assert (fact.grade, fact.n, fact.total) == ("3", 1, 15)
