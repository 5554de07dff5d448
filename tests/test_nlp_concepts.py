"""Canonical concepts of adverse-event, condition and drug mentions (`trialgraph_concepts`)."""
from __future__ import annotations

import spacy
from spacy.tokens import Doc, Span

import pipeline.nlp.factories  # noqa: F401  (registers the factories)
from pipeline.lexicons.concepts import canonical_id


def _linked(words: list[str], start: int, end: int, label: str, norm: list[str]) -> Span:
    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=words)
    span = Span(doc, start, end, label=label)
    span._.norm = norm
    doc.ents = [span]
    return nlp.add_pipe("trialgraph_concepts")(doc).ents[0]


def test_nlp_concepts_a_staged_condition_is_one_node_with_the_condition():
    # corpus/seeds/000: the registry title's "Metastatic Renal Cell Carcinoma" matched NCIt's pre-coordinated
    # concept, a second condition node beside the registered "Carcinoma, Renal Cell"
    ent = _linked("Patients with metastatic renal cell carcinoma".split(), 2, 6, "CONDITION", ["NCIT:C150595"])
    assert canonical_id("CONDITION", ent._.norm) == "MESH:D002292"
    assert "NCIT:C150595" in ent._.norm
    assert ent.doc.text[slice(*ent._.concept_span)] == "renal cell carcinoma"
    assert ent.text == "metastatic renal cell carcinoma"  # the reported phrase stays the mention


def test_nlp_concepts_a_staged_name_with_a_mesh_heading_stays_itself():
    ent = _linked("He had refractory anemia".split(), 2, 4, "CONDITION", ["MESH:D000753"])
    assert ent._.norm[0] == "MESH:D000753" and ent._.concept_span is None


def test_nlp_concepts_a_short_form_is_the_concept_its_long_form_ends_with():
    # corpus/seeds/002: "mRCC" stayed NCIt's staged concept, a second condition node beside renal cell carcinoma
    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words="Patients with metastatic renal cell carcinoma ( mRCC ) were treated . mRCC was stable".split())
    spans = [Span(doc, 2, 6, label="CONDITION"), Span(doc, 7, 8, label="CONDITION"), Span(doc, 12, 13, label="CONDITION")]
    for span in spans:
        span._.norm = ["NCIT:C150595"]
    doc.ents = spans
    linked = nlp.add_pipe("trialgraph_concepts")(doc).ents
    assert [canonical_id("CONDITION", ent._.norm) for ent in linked] == ["MESH:D002292"] * 3
    assert linked[2]._.concept == linked[0]._.concept
