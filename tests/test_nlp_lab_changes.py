"""Adverse events stated as changes in laboratory values (`trialgraph_lab_changes`)."""
from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Span

import pipeline.nlp.factories  # noqa: F401  (registers the factories)
from pipeline.errors import RulesError
from pipeline.nlp.lab_changes import LabChanges


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("trialgraph_lab_changes")
    return nlp


def _events(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.text, e._.concept) for e in nlp(text).ents]


def test_lab_changes_name_the_meddra_term_of_analyte_and_direction(nlp):
    # corpus/seeds/002, results: a change word shared by two analytes
    assert _events(nlp, "reversible grade 3 elevations in creatinine and hepatic transaminases occurred") == [
        ("elevations in creatinine", "Blood creatinine increased"),
        ("hepatic transaminases", "Transaminases increased")]
    assert _events(nlp, "Patients had elevated ALT and a rise in serum lipase.") == [
        ("elevated ALT", "Alanine aminotransferase increased"), ("rise in serum lipase", "Lipase increased")]
    assert _events(nlp, "Neutrophil count decreases were seen.") == [
        ("Neutrophil count decreases", "Neutrophil count decreased")]
    doc = nlp("an increase in the creatinine")
    (event,) = doc.ents
    assert (event.label_, event._.norm, event._.source) == ("DISEASE", ["MEDDRA:10005483"], "rule")


def test_lab_changes_need_a_meddra_term_and_a_plain_analyte(nlp):
    assert _events(nlp, "A high molecular weight heparin and a low-sodium diet.") == []
    assert _events(nlp, "Reduction of ribavirin at hemoglobin below 10 g/dl.") == []  # no skipping over words
    assert _events(nlp, "The dose was increased by 10 mg.") == []


def test_lab_changes_take_over_an_analyte_named_as_a_drug():
    nlp = spacy.blank("en")
    doc = nlp("She had decreased potassium.")
    drug = Span(doc, 3, 4, label="DRUG")
    drug._.source = "lexicon"
    doc.ents = [drug]
    found = LabChanges()(doc)
    assert [(e.text, e.label_, e._.concept) for e in found.ents] == [
        ("decreased potassium", "DISEASE", "Blood potassium decreased")]


def test_lab_changes_bad_place_reports_the_file_and_line(tmp_path):
    path = tmp_path / "lab_changes.tsv"
    path.write_text("word\tdirection\tplace\nelevated\tincreased\tbefore\nserum\t-\tinside\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"lab_changes.tsv:3.*place 'inside'"):
        LabChanges(path).ensure_loaded()
