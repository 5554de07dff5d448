"""The adverse-event-versus-condition component: the shipped model on real ADE-Corpus-V2 development
sentences (never trained on), and the component's rules around any model."""
from __future__ import annotations

import pytest

from pipeline.nlp.event_roles import EventRoleClassifier, load_role_model, role_features
from pipeline.nlp.linear import LinearModel
from pipeline.nlp.sentences import sentences_of_entities

ACCEPT_ALL = LinearModel({}, bias=20.0, threshold=0.5)
REJECT_ALL = LinearModel({}, bias=-20.0, threshold=0.5)


@pytest.fixture(scope="module")
def cue_nlp():
    """The pipeline up to the context cues, without the trained NER (lexicon mentions only)."""
    from pipeline.nlp.language import build_nlp

    return build_nlp(components=("trialgraph_sentences", "abbreviation_detector", "trialgraph_lexicon",
                                 "trialgraph_doses", "trialgraph_context"))


def roles(doc) -> dict[str, str]:
    return {e.text: e.label_ for e in doc.ents if e.label_ in ("ADVERSE_EVENT", "CONDITION")}


@pytest.mark.parametrize(("text", "expected"), [
    ("This article describes the case of a 25-year-old man found dead at home who had been prescribed "
     "olanzapine for schizophrenia.", {"schizophrenia": "CONDITION"}),
    ("OBJECTIVE: To report a case of multiple episodes of seizure activity in an AIDS patent following "
     "amphotericin B infusion.", {"seizure": "ADVERSE_EVENT", "AIDS": "CONDITION"}),
    ("Intravenous administration of levodopa ameliorated a refractory akathisia case induced by interferon-alpha.",
     {"akathisia": "ADVERSE_EVENT"}),
])
def test_event_roles_shipped_model_corrects_the_cues_on_unseen_sentences(cue_nlp, text, expected):
    classifier = EventRoleClassifier(load_role_model())
    cues = roles(cue_nlp(text))
    assert cues != expected  # the context cues alone get these wrong
    assert roles(classifier(cue_nlp(text))) == expected


def test_event_roles_model_decides_prose_mentions(cue_nlp):
    text = "A 48-year-old woman who was treated for thyrotoxicosis with methimazole developed agranulocytosis."
    assert set(roles(EventRoleClassifier(ACCEPT_ALL)(cue_nlp(text))).values()) == {"ADVERSE_EVENT"}
    assert set(roles(EventRoleClassifier(REJECT_ALL)(cue_nlp(text))).values()) == {"CONDITION"}


def test_event_roles_named_cause_and_history_keep_the_cue_role(cue_nlp):
    doc = EventRoleClassifier(REJECT_ALL)(cue_nlp("Taxane-induced glaucoma in a woman with a history of asthma."))
    assert roles(doc) == {"glaucoma": "ADVERSE_EVENT", "asthma": "CONDITION"}
    doc = EventRoleClassifier(ACCEPT_ALL)(cue_nlp("Taxane-induced glaucoma in a woman with a history of asthma."))
    assert roles(doc)["asthma"] == "CONDITION"


def test_event_roles_grade_survives_a_change_of_role(cue_nlp):
    doc = cue_nlp("Nine patients had grade 3 neutropenia.")
    doc = EventRoleClassifier(REJECT_ALL)(doc)
    assert roles(doc) == {"neutropenia": "CONDITION"}
    event = EventRoleClassifier(ACCEPT_ALL)(doc).ents[0]
    assert (event.text, event.label_, event._.grade) == ("neutropenia", "ADVERSE_EVENT", "3")


def test_event_roles_features_name_the_cue_role_neighbours_and_drugs(cue_nlp):
    doc = cue_nlp("Heat stroke in schizophrenia during clozapine treatment.")
    index = next(i for i, e in enumerate(doc.ents) if e.text == "schizophrenia")
    features = role_features(doc.ents[index], sentences_of_entities(doc)[index])
    assert {"text=schizophrenia", "before1=in", "after1=during", "drug_after=1", "drugs=1"} <= set(features)
    assert any(f.startswith("cue_role=") for f in features)


def test_event_roles_features_name_the_word_classes_of_the_mention_and_its_neighbours(cue_nlp):
    from pipeline.nlp.word_classes import WordClasses

    doc = cue_nlp("Heat stroke in schizophrenia during clozapine treatment.")
    index = next(i for i, e in enumerate(doc.ents) if e.text == "schizophrenia")
    classes = WordClasses({"schizophrenia": 7, "in": 2, "during": 3})
    features = role_features(doc.ents[index], sentences_of_entities(doc)[index], classes)
    assert {"class=7", "class_before1=2", "class_after1=3", "class_near_before=2"} <= set(features)
    assert not [f for f in role_features(doc.ents[index], sentences_of_entities(doc)[index]) if f.startswith("class")]
