"""Every TrialGraph spaCy component, registered as a factory here and exposed through the
`spacy_factories` entry point, so `spacy.blank("en").add_pipe("trialgraph_doses")` works anywhere.

Component code lives in its own module and is imported when the factory is called, so that
importing this module (which spaCy does for every blank pipeline) stays cheap.
"""
from __future__ import annotations

from spacy.language import Language

import pipeline.nlp.extensions  # noqa: F401  (declares the Doc/Span attributes the components set)


@Language.factory("trialgraph_sentences")
def make_sentences(nlp: Language, name: str):
    """Sentence boundaries for biomedical prose, headings and list items."""
    from pipeline.nlp.sentences import SentenceSplitter

    return SentenceSplitter()


@Language.factory("trialgraph_lexicon", default_config={"lexicon_dir": None})
def make_lexicon(nlp: Language, name: str, lexicon_dir: str | None):
    """DRUG, DRUG_CLASS, DISEASE and ENDPOINT mentions from the open lexicons in models/lexicons."""
    from pipeline.nlp.lexicon_ner import LexiconRecognizer

    return LexiconRecognizer(lexicon_dir)


@Language.factory("trialgraph_doses")
def make_doses(nlp: Language, name: str):
    """DOSE mentions with amount, unit, route, frequency and schedule."""
    from pipeline.nlp.dose_component import DoseRecognizer

    return DoseRecognizer()


@Language.factory("trialgraph_context")
def make_context(nlp: Language, name: str):
    """Negation, eligibility, prior therapy and hypothetical context; adverse event versus condition."""
    from pipeline.nlp.context import ContextAnnotator

    return ContextAnnotator()


@Language.factory("trialgraph_endpoint_results")
def make_endpoint_results(nlp: Language, name: str):
    """The value, unit and 95% CI stated for each ENDPOINT mention ("ORR was 21% [95% CI: 9, 38.9]")."""
    from pipeline.nlp.endpoint_results import EndpointResultReader

    return EndpointResultReader()


@Language.factory("trialgraph_relations")
def make_relations(nlp: Language, name: str):
    """HAS_DOSE, HAS_ADVERSE_EVENT, TREATS and HAS_ENDPOINT relations between mentions."""
    from pipeline.nlp.relations import RelationExtractor

    return RelationExtractor()


@Language.factory(
    "trialgraph_trained_ner",
    default_config={"model_dir": None, "keep_lexicon": ["DRUG", "DISEASE"], "lexicon_wins": []},
)
def make_trained_ner(nlp: Language, name: str, model_dir: str | None, keep_lexicon: list[str], lexicon_wins: list[str]):
    """DRUG and DISEASE mentions from the NER model trained by `trialgraph train` (models/ner/model),
    merged with the lexicon matches before it."""
    from pipeline.nlp.trained_ner import TrainedRecognizer

    return TrainedRecognizer.from_disk(model_dir, keep_lexicon=keep_lexicon, lexicon_wins=lexicon_wins)


@Language.factory("trialgraph_event_roles", default_config={"model_path": None})
def make_event_roles(nlp: Language, name: str, model_path: str | None):
    """Adverse event or condition, for the disease mentions of prose, by the model trained by `trialgraph train`."""
    from pipeline.nlp.event_roles import EventRoleClassifier, load_role_model

    return EventRoleClassifier(load_role_model(model_path))


@Language.factory("trialgraph_event_modifiers", default_config={"words_path": None})
def make_event_modifiers(nlp: Language, name: str, words_path: str | None):
    """Adverse-event mentions widened over the severity and course words before them ("severe hepatitis")."""
    from pipeline.nlp.event_modifiers import DEFAULT_WORDS, EventModifiers

    return EventModifiers(words_path or DEFAULT_WORDS)


@Language.factory("trialgraph_relation_scorer", default_config={"model_path": None})
def make_relation_scorer(nlp: Language, name: str, model_path: str | None):
    """Keeps the rule HAS_ADVERSE_EVENT relations of free text that the trained relation model accepts."""
    from pipeline.nlp.trained_relations import RelationScorer, load_relation_model

    return RelationScorer(load_relation_model(model_path))


@Language.factory("trialgraph_concepts", default_config={"lexicon_dir": None})
def make_concepts(nlp: Language, name: str, lexicon_dir: str | None):
    """Adverse events keyed and named by their MedDRA preferred term, conditions by MeSH: the concepts table
    row labels and registry terms take too."""
    from pipeline.lexicons import load_normalizer
    from pipeline.nlp.concepts import ConceptLinker

    return ConceptLinker(load_normalizer(lexicon_dir))
