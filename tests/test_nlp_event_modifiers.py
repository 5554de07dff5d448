"""The component that widens adverse-event mentions over the severity and course words before them."""
from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc, Span

from pipeline.nlp.event_modifiers import EventModifiers


@pytest.fixture(scope="module")
def lexicon_nlp():
    """The lexicon pipeline up to the context cues, then the modifiers: no trained component."""
    nlp = spacy.blank("en")
    for name in ("trialgraph_sentences", "trialgraph_lexicon", "trialgraph_context", "trialgraph_event_modifiers"):
        nlp.add_pipe(name)
    return nlp


def test_event_modifiers_widen_an_adverse_event_and_keep_its_concept(lexicon_nlp):
    doc = lexicon_nlp(  # ADE-Corpus-V2, PMID 2140997, whose annotated effect is "severe acute hepatitis"
        "A case of severe acute hepatitis caused by cyproterone acetate in a 71 year old man with prostatic "
        "carcinoma is reported with a review of the literature on hepatic reactions to this drug.")
    event = next(e for e in doc.ents if e.label_ == "ADVERSE_EVENT")
    assert event.text == "severe acute hepatitis"
    assert event._.concept == "Acute hepatitis"  # the concept named so, not the broader "hepatitis"
    assert "HP:0200119" in event._.norm


def test_event_modifiers_leave_conditions_alone(lexicon_nlp):
    doc = lexicon_nlp("Patients with severe renal impairment were excluded.")
    assert [(e.text, e.label_) for e in doc.ents] == [("renal impairment", "CONDITION")]


def _doc(words: list[str], sent_starts: list[bool], ents: list[tuple[int, int, str]]) -> Doc:
    doc = Doc(spacy.blank("en").vocab, words=words, sent_starts=sent_starts)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
    return doc


def test_event_modifiers_stop_at_a_sentence_start_and_at_another_mention():
    doc = _doc(["It", "was", "severe", "Rash", "followed", "acute", "hepatitis"],
               [True, False, False, True, False, False, False],
               [(3, 4, "ADVERSE_EVENT"), (5, 6, "CONDITION"), (6, 7, "ADVERSE_EVENT")])
    doc = EventModifiers()(doc)
    assert [e.text for e in doc.ents] == ["Rash", "acute", "hepatitis"]


def test_event_modifiers_carry_the_mention_attributes():
    doc = _doc(["No", "fatal", "agranulocytosis"], [True, False, False], [(2, 3, "ADVERSE_EVENT")])
    event = doc.ents[0]
    event._.norm, event._.concept, event._.negated, event._.grade = ["MESH:D000380"], "agranulocytosis", True, "4"
    widened = EventModifiers()(doc).ents[0]
    assert widened.text == "fatal agranulocytosis"
    assert (widened._.norm, widened._.concept, widened._.negated, widened._.grade) == (
        ["MESH:D000380"], "agranulocytosis", True, "4")


def test_event_modifiers_word_list_is_a_factory_option(tmp_path):
    words = tmp_path / "modifiers.txt"
    words.write_text("# one word per line\nrecurrent\n", encoding="utf-8")
    nlp = spacy.blank("en")
    component = nlp.add_pipe("trialgraph_event_modifiers", config={"words_path": str(words)})
    doc = _doc(["severe", "recurrent", "seizures"], [True, False, False], [(2, 3, "ADVERSE_EVENT")])
    assert [e.text for e in component(doc).ents] == ["recurrent seizures"]
