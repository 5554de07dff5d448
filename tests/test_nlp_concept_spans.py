"""The concept's name inside a reported adverse-event or condition phrase (`Span._.concept_span`)."""
from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc, Span

from pipeline.errors import RulesError
from pipeline.nlp.concept_spans import ConceptSpans
from pipeline.nlp.event_modifiers import EventModifiers
from pipeline.nlp.serialize import doc_annotations


def _doc(words: list[str], ents: list[tuple[int, int, str, str]]) -> Doc:
    doc = Doc(spacy.blank("en").vocab, words=words, sent_starts=[True] + [False] * (len(words) - 1))
    spans = []
    for start, end, label, source in ents:
        span = Span(doc, start, end, label=label)
        span._.source = source
        spans.append(span)
    doc.ents = spans
    return doc


def _names(doc: Doc) -> list[str | None]:
    return [doc.text[slice(*e._.concept_span)] if e._.concept_span else None for e in doc.ents]


def test_concept_spans_drop_severity_words_and_generic_heads_of_a_model_phrase():
    doc = _doc(["Serious", "hepatotoxic", "effects", "and", "recurrent", "thrombotic", "events", "and", "rash"],
               [(0, 3, "ADVERSE_EVENT", "model"), (4, 7, "ADVERSE_EVENT", "model"), (8, 9, "ADVERSE_EVENT", "model")])
    doc = ConceptSpans()(doc)
    assert _names(doc) == ["hepatotoxic", "thrombotic", None]
    assert [e.text for e in doc.ents] == ["Serious hepatotoxic effects", "recurrent thrombotic events", "rash"]


def test_concept_spans_drop_a_hyphenated_link_before_the_head():
    doc = _doc(["EPS", "-", "related", "adverse", "events"], [(0, 5, "ADVERSE_EVENT", "model")])
    assert _names(ConceptSpans()(doc)) == ["EPS"]


def test_concept_spans_keep_a_lexicon_name_whole_and_leave_drugs_alone():
    doc = _doc(["severe", "sepsis", "after", "severe", "cisplatin"],
               [(0, 2, "CONDITION", "lexicon"), (3, 5, "DRUG", "model")])
    assert _names(ConceptSpans()(doc)) == [None, None]


def test_concept_spans_a_phrase_that_is_only_a_head_names_no_concept():
    doc = _doc(["adverse", "events"], [(0, 2, "ADVERSE_EVENT", "model")])
    assert _names(ConceptSpans()(doc)) == [None]


def test_concept_spans_name_what_the_event_modifiers_widened_over():
    doc = _doc(["fatal", "acute", "hepatitis"], [(1, 3, "ADVERSE_EVENT", "lexicon")])
    doc = ConceptSpans()(EventModifiers()(doc))
    assert [e.text for e in doc.ents] == ["fatal acute hepatitis"]
    assert _names(doc) == ["acute hepatitis"]  # "acute" was in the lexicon name; "fatal" was added to it


def test_concept_spans_are_written_as_concept_start_and_end():
    doc = ConceptSpans()(_doc(["Severe", "rash", "occurred"], [(0, 2, "ADVERSE_EVENT", "model")]))
    entity = doc_annotations(doc)["entities"][0]
    assert (entity["start"], entity["end"], entity["concept_start"], entity["concept_end"]) == (0, 11, 7, 11)


def test_concept_spans_bad_side_reports_the_file_and_line(tmp_path):
    words = tmp_path / "words.tsv"
    words.write_text("word\tside\nsevere\tbefore\nevents\tbehind\n", encoding="utf-8")
    nlp = spacy.blank("en")
    component = nlp.add_pipe("trialgraph_concept_spans", config={"words_path": str(words)})
    with pytest.raises(RulesError, match=r"words\.tsv:3: side 'behind'"):
        component(_doc(["rash"], [(0, 1, "ADVERSE_EVENT", "model")]))
