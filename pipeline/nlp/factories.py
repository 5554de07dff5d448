"""Every TrialGraph spaCy component, registered as a factory here and exposed through the
`spacy_factories` entry point, so `spacy.blank("en").add_pipe("trialgraph_doses")` works anywhere.

Each factory names its data files in its config (paths under models/, or absolute) and declares the
attributes it requires and assigns (`nlp.analyze_pipes()`); each component copies its data into a saved
pipeline (`nlp.to_disk`) and reads it back from there (`spacy.load`). Component code lives in its own module
and is imported when the factory is called, so that importing this module (which spaCy does for every blank
pipeline) stays cheap.
"""
from __future__ import annotations

from spacy.language import Language

import pipeline.nlp.extensions  # noqa: F401  (declares the Doc/Span attributes the components set)

MENTION_IDS = ["span._.norm", "span._.concept", "span._.source"]
CONTEXT = ["span._.negated", "span._.context", "span._.section", "span._.grade", "span._.serious", "span._.dlt",
           "span._.named_cause", "span._.phrase_start"]


@Language.factory(
    "trialgraph_sentences",
    default_config={"abbreviations_path": "rules/sentence_abbreviations.txt"},
    assigns=["token.is_sent_start", "doc.sents"],
)
def make_sentences(nlp: Language, name: str, abbreviations_path: str):
    """Sentence boundaries for biomedical prose, headings and list items."""
    from pipeline.nlp.sentences import SentenceSplitter

    return SentenceSplitter(abbreviations_path)


@Language.factory("trialgraph_glossary", default_config={"min_entries": 2}, assigns=["doc._.abbreviations"])
def make_glossary(nlp: Language, name: str, min_entries: int):
    """Short forms defined in a glossary ("CP: crude protein; NDF: neutral detergent fibre"), added to the
    abbreviation detector's `doc._.abbreviations`."""
    from pipeline.nlp.glossary import GlossaryReader

    return GlossaryReader(min_entries)


@Language.factory("trialgraph_lexicon", default_config={"lexicon_dir": None}, assigns=["doc.ents", *MENTION_IDS])
def make_lexicon(nlp: Language, name: str, lexicon_dir: str | None):
    """DRUG, DRUG_CLASS, DISEASE and ENDPOINT mentions from the open lexicons in models/lexicons."""
    from pipeline.nlp.lexicon_ner import LexiconRecognizer

    return LexiconRecognizer(lexicon_dir)


@Language.factory("trialgraph_doses", default_config={"rules_dir": "rules"},
                  assigns=["doc.ents", "span._.dose", "span._.source"])
def make_doses(nlp: Language, name: str, rules_dir: str):
    """DOSE mentions with amount, unit, route, frequency and schedule."""
    from pipeline.nlp.dose_component import DoseRecognizer

    return DoseRecognizer(rules_dir)


@Language.factory("trialgraph_context", default_config={"rules_path": "rules/context.json",
                                                         "harm_words_path": "rules/drug_harm_words.tsv"},
                  requires=["doc.ents", "doc.sents"], assigns=["doc.ents", *CONTEXT])
def make_context(nlp: Language, name: str, rules_path: str, harm_words_path: str):
    """Negation, eligibility, prior therapy, hypothetical and possible-harm context; adverse event versus condition."""
    from pipeline.nlp.context import ContextAnnotator

    return ContextAnnotator(rules_path, harm_words_path)


@Language.factory("trialgraph_endpoint_statements",
                  default_config={"rules_path": "rules/endpoint_statements.json",
                                  "function_words_path": "lexicons/curated/function_words.txt",
                                  "number_words_path": "rules/number_words.tsv"},
                  requires=["doc.ents", "doc.sents"], assigns=["doc.ents", "span._.endpoint_kind", *MENTION_IDS])
def make_endpoint_statements(nlp: Language, name: str, rules_path: str, function_words_path: str,
                             number_words_path: str):
    """ENDPOINT mentions of the measures a paper names as its primary, secondary or other endpoints."""
    from pipeline.nlp.endpoint_statements import EndpointStatementReader

    return EndpointStatementReader(rules_path, function_words_path, number_words_path)


@Language.factory("trialgraph_endpoint_results", default_config={"rules_path": "rules/endpoint_results.json"},
                  requires=["doc.ents", "doc.sents"], assigns=["span._.result"])
def make_endpoint_results(nlp: Language, name: str, rules_path: str):
    """The value, unit and 95% CI stated for each ENDPOINT mention ("ORR was 21% [95% CI: 9, 38.9]")."""
    from pipeline.nlp.endpoint_results import EndpointResultReader

    return EndpointResultReader(rules_path)


@Language.factory("trialgraph_relations", requires=["doc.ents", "doc.sents", "span._.context", "span._.negated"],
                  assigns=["doc._.relations"])
def make_relations(nlp: Language, name: str):
    """HAS_DOSE, HAS_ADVERSE_EVENT, TREATS and HAS_ENDPOINT relations between mentions."""
    from pipeline.nlp.relations import RelationExtractor

    return RelationExtractor()


@Language.factory(
    "trialgraph_trained_ner",
    default_config={"model_dir": None, "lexicon_dir": None, "keep_lexicon": ["DRUG", "DISEASE"], "lexicon_wins": [],
                    "vectors_dir": None},
    assigns=["doc.ents", *MENTION_IDS],
)
def make_trained_ner(nlp: Language, name: str, model_dir: str | None, lexicon_dir: str | None, keep_lexicon: list[str],
                     lexicon_wins: list[str], vectors_dir: str | None):
    """DRUG and DISEASE mentions from the NER model trained by `trialgraph train` (models/ner/model),
    merged with the lexicon matches before it; a model trained with static vectors reads them from `vectors_dir`
    (default models/vectors) unless its folder carries them."""
    from pipeline.nlp.trained_ner import TrainedRecognizer

    return TrainedRecognizer(keep_lexicon=keep_lexicon, lexicon_wins=lexicon_wins, model_dir=model_dir, lexicon_dir=lexicon_dir,
                             vectors_dir=vectors_dir)


@Language.factory("trialgraph_event_roles", default_config={"model_path": None, "rules_path": "rules/context.json",
                                                            "classes_path": "vectors/word_classes.tsv.gz"},
                  requires=["doc.ents", "span._.section", "span._.context"], assigns=["doc.ents"])
def make_event_roles(nlp: Language, name: str, model_path: str | None, rules_path: str, classes_path: str):
    """Adverse event or condition, for the disease mentions of prose, by the model trained by `trialgraph train`."""
    from pipeline.nlp.event_roles import EventRoleClassifier

    return EventRoleClassifier(model_path=model_path, rules_path=rules_path, classes_path=classes_path)


@Language.factory("trialgraph_event_modifiers", default_config={"words_path": "rules/event_modifiers.txt"},
                  requires=["doc.ents", "doc.sents"], assigns=["doc.ents"])
def make_event_modifiers(nlp: Language, name: str, words_path: str):
    """Adverse-event mentions widened over the severity and course words before them ("severe hepatitis")."""
    from pipeline.nlp.event_modifiers import EventModifiers

    return EventModifiers(words_path)


@Language.factory("trialgraph_concept_spans", default_config={"words_path": "rules/concept_span_words.tsv"},
                  requires=["doc.ents"], assigns=["span._.concept_span"])
def make_concept_spans(nlp: Language, name: str, words_path: str):
    """The concept's name inside each longer adverse-event or condition phrase ("hepatitis" in "severe
    hepatitis")."""
    from pipeline.nlp.concept_spans import ConceptSpans

    return ConceptSpans(words_path)


@Language.factory("trialgraph_lab_changes", default_config={"words_path": "rules/lab_changes.tsv", "lexicon_dir": None},
                  requires=["doc.ents"], assigns=["doc.ents", *MENTION_IDS])
def make_lab_changes(nlp: Language, name: str, words_path: str, lexicon_dir: str | None):
    """A DISEASE mention for each change in a laboratory value that names a MedDRA preferred term ("grade 3
    elevations in creatinine": Blood creatinine increased)."""
    from pipeline.nlp.lab_changes import LabChanges

    return LabChanges(words_path, lexicon_dir)


@Language.factory("trialgraph_relation_scorer",
                  default_config={"model_path": None, "classes_path": "vectors/word_classes.tsv.gz"},
                  requires=["doc._.relations"], assigns=["doc._.relations"])
def make_relation_scorer(nlp: Language, name: str, model_path: str | None, classes_path: str):
    """Keeps the rule HAS_ADVERSE_EVENT relations of free text that the trained relation model accepts."""
    from pipeline.nlp.trained_relations import RelationScorer

    return RelationScorer(model_path=model_path, classes_path=classes_path)


@Language.factory("trialgraph_concepts", default_config={"lexicon_dir": None}, requires=["doc.ents"],
                  assigns=["span._.norm", "span._.concept", "span._.concept_span"])
def make_concepts(nlp: Language, name: str, lexicon_dir: str | None):
    """Adverse events keyed and named by their MedDRA preferred term, conditions by MeSH: the concepts table
    row labels and registry terms take too."""
    from pipeline.nlp.concepts import ConceptLinker

    return ConceptLinker(lexicon_dir)
