"""The HAS_ADVERSE_EVENT relation scorer: pair features, filtering in free text, rules kept in structured text."""
from __future__ import annotations

import pytest

from pipeline.document import Section
from pipeline.nlp.linear import LinearModel
from pipeline.nlp.sentences import sentences_of_entities
from pipeline.nlp.trained_relations import RelationScorer, load_relation_model, pair_features

TEXT = "A 48-year-old woman who was treated for thyrotoxicosis with methimazole developed agranulocytosis."


@pytest.fixture(scope="module")
def rules_nlp():
    from pipeline.nlp.language import build_nlp

    return build_nlp(components=("trialgraph_sentences", "trialgraph_lexicon", "trialgraph_context",
                                 "trialgraph_relations"))


def test_nlp_trained_relations_pair_features_describe_order_gap_and_words_between(rules_nlp):
    doc = rules_nlp(TEXT)
    ents, sentences = list(doc.ents), sentences_of_entities(doc)
    drug, event = (next(i for i, e in enumerate(ents) if e.text == name) for name in ("methimazole", "agranulocytosis"))
    features = pair_features(ents[drug], ents[event], sentences[event])
    assert {"order=drug_first", "gap=1", "between=developed", "after=.", "before=with"} <= set(features)
    assert "sentence=woman" in features


def test_nlp_trained_relations_pair_features_name_word_classes_of_the_event_and_between(rules_nlp):
    from pipeline.nlp.word_classes import WordClasses

    doc = rules_nlp(TEXT)
    ents, sentences = list(doc.ents), sentences_of_entities(doc)
    drug, event = (next(i for i, e in enumerate(ents) if e.text == name) for name in ("methimazole", "agranulocytosis"))
    classes = WordClasses({"developed": 5, "agranulocytosis": 9})
    features = pair_features(ents[drug], ents[event], sentences[event], classes)
    assert {"class_between=5", "class_event=9"} <= set(features)


def test_nlp_trained_relations_scorer_saves_its_word_classes(tmp_path):
    from pipeline.nlp.word_classes import WordClasses

    model = LinearModel({"class_between=5": 1.0}, bias=0.0, threshold=0.5)
    scorer = RelationScorer(model)
    scorer.classes = WordClasses({"developed": 5})
    scorer.to_disk(tmp_path)
    loaded = RelationScorer().from_disk(tmp_path)
    assert (loaded.model.weights, loaded.classes.classes) == ({"class_between=5": 1.0}, {"developed": 5})


def test_nlp_trained_relations_scorer_drops_pairs_under_threshold_and_rescores_the_rest(rules_nlp):
    doc = rules_nlp(TEXT)
    ents = list(doc.ents)
    pairs = {(ents[r.head].text, ents[r.tail].text) for r in doc._.relations if r.label == "HAS_ADVERSE_EVENT"}
    assert ("methimazole", "agranulocytosis") in pairs
    model = LinearModel({"between=developed": 4.0, "event_last=agranulocytosis": -9.0}, bias=0.0, threshold=0.5)
    scored = RelationScorer(model)(rules_nlp(TEXT))
    assert not [r for r in scored._.relations if r.label == "HAS_ADVERSE_EVENT"]
    model = LinearModel({"between=developed": 4.0}, bias=-1.0, threshold=0.5)
    scored = RelationScorer(model)(rules_nlp(TEXT))
    (kept,) = [r for r in scored._.relations if r.label == "HAS_ADVERSE_EVENT"]
    assert (kept.extractor, kept.confidence) == ("model", round(1 / (1 + 2.718281828459045 ** -3.0), 3))


def test_nlp_trained_relations_structured_sections_keep_rule_relations(rules_nlp):
    text = "Methimazole: agranulocytosis"
    doc = rules_nlp.make_doc(text)
    doc._.sections = [Section(name="Adverse events", kind="adverse_events", start=0, end=len(text), text=text)]
    for _, component in rules_nlp.pipeline:
        doc = component(doc)
    before = [(r.head, r.tail, r.label, r.extractor) for r in doc._.relations]
    assert any(label == "HAS_ADVERSE_EVENT" for _, _, label, _ in before)
    rejecting = LinearModel({}, bias=-20.0, threshold=0.5)
    assert [(r.head, r.tail, r.label, r.extractor) for r in RelationScorer(rejecting)(doc)._.relations] == before


def test_nlp_trained_relations_packaged_model_loads_with_a_threshold():
    model = load_relation_model()
    assert 0.0 < model.threshold < 1.0
    assert len(model.weights) > 1000


def test_nlp_trained_relations_event_naming_its_cause_keeps_that_drug_only(rules_nlp):
    text = "Patients with heparin-induced thrombocytopenia received argatroban."
    accepting = LinearModel({}, bias=20.0, threshold=0.5)
    doc = RelationScorer(accepting)(rules_nlp(text))
    ents = list(doc.ents)
    pairs = {(ents[r.head].text, ents[r.tail].text, r.extractor) for r in doc._.relations if r.label == "HAS_ADVERSE_EVENT"}
    assert pairs == {("heparin", "thrombocytopenia", "rules")}  # argatroban treats it, whatever the model says
