"""Short forms defined in a glossary, added to the abbreviation detector's output (a table footnote of the
full-text trial report PMC4414381, and a journal's abbreviations list)."""
from __future__ import annotations

import pytest
import scispacy.abbreviation  # noqa: F401  (registers the abbreviation detector)
import spacy


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("abbreviation_detector")
    nlp.add_pipe("trialgraph_glossary")
    return nlp


def _defined(nlp, text: str) -> list[tuple[str, str]]:
    return [(short.text, short._.long_form.text) for short in nlp(text)._.abbreviations]


def test_glossary_entries_define_every_occurrence(nlp):
    text = ("CP: crude protein; NDF: neutral detergent fibre; ADF: acid detergent fibre. The mean CP was 12%. "
            "Abbreviations: AE, adverse event; BMI, body mass index; HR = hazard ratio.")
    assert _defined(nlp, text) == [
        ("CP", "crude protein"), ("NDF", "neutral detergent fibre"), ("ADF", "acid detergent fibre"),
        ("CP", "crude protein"), ("AE", "adverse event"), ("BMI", "body mass index"), ("HR", "hazard ratio")]


def test_glossary_needs_a_run_of_entries_whose_long_form_spells_the_short_form(nlp):
    # one entry alone, element symbols in a list, a long form of another letter: no glossary
    assert _defined(nlp, "The primary outcome, PFS, was longer; OS, as expected, was not.") == []
    assert _defined(nlp, "Diets held Cu, Fe, Zn; Mn, Se and Co were added.") == []
    assert _defined(nlp, "Kits: CP, Sigma; NDF, Merck.") == []


def test_glossary_apposition_in_brackets_defines_a_short_form_its_initials_spell(nlp):
    # PMC (CC BY): "carbohydrates that reach the large intestine (resistant starches, RS)"; "RS" was a disease 12 times
    text = ("Fermentation in the intestine (resistant starches, RS) was measured. RS is effective. "
            "It came from a supplier (Sigma-Aldrich, St. Louis, MO) with toxic epidermal necrolysis (skin rash, TEN).")
    assert _defined(nlp, text) == [("RS", "resistant starches"), ("RS", "resistant starches")]


def test_glossary_leaves_the_detectors_definitions(nlp):
    text = "Mean arterial pressure (MAP) fell. MAP: maximum allowed pressure; BP: blood pressure."
    assert ("MAP", "Mean arterial pressure") in _defined(nlp, text)
    assert ("MAP", "maximum allowed pressure") not in _defined(nlp, text)


def test_glossary_short_form_is_no_drug_in_the_pipeline():
    from pipeline.nlp.language import build_nlp

    doc = build_nlp()("CP: crude protein; NDF: neutral detergent fibre. Pigs fed CP gained weight.")
    assert [e.text for e in doc.ents if e.label_ == "DRUG"] == []
