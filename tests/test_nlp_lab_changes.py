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


def test_lab_changes_phrase_ends_with_the_measure_word_after_it(nlp):
    # ADE-Corpus-V2 annotates "elevated serum ammonia levels"; the concept is named by the words before "levels"
    doc = nlp("Elevated ALT levels and a rise in serum lipase concentrations occurred; ALT levels rose.")
    assert [(e.text, e._.concept) for e in doc.ents] == [
        ("Elevated ALT levels", "Alanine aminotransferase increased"),
        ("rise in serum lipase concentrations", "Lipase increased")]
    assert [doc.text[slice(*e._.concept_span)] for e in doc.ents] == ["Elevated ALT", "rise in serum lipase"]
    # a model's change mention with no MedDRA term takes the measure word too
    model = spacy.blank("en")
    model.add_pipe("trialgraph_lab_changes")
    doc = model.make_doc("He developed elevated serum ammonia levels.")
    doc.ents = [Span(doc, 2, 5, label="DISEASE")]
    (event,) = model(doc).ents
    assert (event.text, doc.text[slice(*event._.concept_span)]) == ("elevated serum ammonia levels",
                                                                   "elevated serum ammonia")


def test_lab_changes_take_over_an_analyte_named_as_a_drug():
    nlp = spacy.blank("en")
    doc = nlp("She had decreased potassium.")
    drug = Span(doc, 3, 4, label="DRUG")
    drug._.source = "lexicon"
    doc.ents = [drug]
    found = LabChanges()(doc)
    assert [(e.text, e.label_, e._.concept) for e in found.ents] == [
        ("decreased potassium", "DISEASE", "Blood potassium decreased")]


def test_lab_changes_name_a_blood_analyte_and_a_short_form_the_document_defines():
    # MedDRA names blood analytes' changes with "Blood"; TG stands for its long form (PMC3896966 of the unlabeled corpus)
    import scispacy.abbreviation  # noqa: F401  (registers the abbreviation detector)

    nlp = spacy.blank("en")
    nlp.add_pipe("abbreviation_detector")
    nlp.add_pipe("trialgraph_lab_changes")
    doc = nlp("Phytosterols lower triglycerides (TG). An increase in TG and elevated cholesterol were seen.")
    assert [(e.text, e._.concept) for e in doc.ents] == [("increase in TG", "Blood triglycerides increased"),
                                                         ("elevated cholesterol", "Blood cholesterol increased")]
    # "total" opens the analyte's name without being part of the term
    assert [(e.text, e._.concept) for e in nlp("Elevated total bilirubin.").ents] == [
        ("Elevated total bilirubin", "Blood bilirubin increased")]


def test_lab_changes_drop_a_model_span_that_names_only_an_analyte():
    nlp = spacy.blank("en")
    doc = nlp("Phytosterols lower blood triglycerides and serum lipase levels.")
    spans = [Span(doc, 2, 4, label="DISEASE"), Span(doc, 5, 8, label="DISEASE")]
    for span in spans:
        span._.source = "model"
    doc.ents = spans
    assert LabChanges()(doc).ents == ()


def test_lab_changes_drop_a_model_span_that_ends_with_a_measure_word_and_holds_no_change():
    # PMC4624894 (CC BY): "ALT and gamma-glutamyl transferase levels"; an increase in a level stays
    nlp = spacy.blank("en")
    doc = nlp("ALT and gamma-glutamyl transferase levels fell; an increase in quibble levels and quibble levels rose.")
    spans = [Span(doc, 0, 7, label="DISEASE"), Span(doc, 10, 14, label="DISEASE"), Span(doc, 15, 17, label="DISEASE")]
    assert [span.text for span in spans] == [
        "ALT and gamma-glutamyl transferase levels", "increase in quibble levels", "quibble levels"]
    for span in spans:
        span._.source = "model"
    doc.ents = spans
    assert [e.text for e in LabChanges()(doc).ents] == ["increase in quibble levels"]


def test_lab_changes_replace_a_disease_without_meddra_code_and_keep_its_ids():
    # HP's "Elevated circulating creatinine concentration" and "increased creatinine" are one MedDRA concept
    nlp = spacy.blank("en")
    doc = nlp("He had elevated serum creatinine.")
    disease = Span(doc, 2, 5, label="DISEASE")
    disease._.source, disease._.norm = "lexicon", ["HP:0003259"]
    doc.ents = [disease]
    (event,) = LabChanges()(doc).ents
    assert (event.text, event._.concept, event._.norm) == (
        "elevated serum creatinine", "Blood creatinine increased", ["MEDDRA:10005483", "HP:0003259"])


def test_lab_changes_bad_place_reports_the_file_and_line(tmp_path):
    path = tmp_path / "lab_changes.tsv"
    path.write_text("word\tdirection\tplace\nelevated\tincreased\tbefore\nserum\t-\tinside\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"lab_changes.tsv:3.*place 'inside'"):
        LabChanges(path).ensure_loaded()
