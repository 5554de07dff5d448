"""A learned check on HAS_ADVERSE_EVENT relations in free text.

The rule component pairs every drug of a sentence with every adverse event in it. In prose that
over-reaches ("treated with X for Y", a drug named beside an unrelated event), so each such pair in a
free-text section (or a text without sections) is scored by a logistic model over words, their word classes
(pipeline/nlp/word_classes.py) and positions (models/ner/relations/has_adverse_event.json.gz, trained on ADE-Corpus-V2 by `trialgraph train`);
pairs under the model's threshold are dropped, the others take its probability as confidence. An event that
names its cause ("heparin-induced thrombocytopenia") keeps the pair with that drug as the rules found it and
no other: "patients with heparin-induced thrombocytopenia received argatroban" names argatroban's use, not its
harm (ADE dev HAS_ADVERSE_EVENT 0.623 -> 0.633, BC5CDR CID 0.446 -> 0.454).
Relations in structured sections (registry adverse-event tables, arms, interventions) keep the rules.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from spacy.tokens import Doc, Span

from pipeline.nlp.linear import LinearModel, bucket
from pipeline.nlp.sentences import EntitySentence, sentences_of_entities
from pipeline.nlp.word_classes import DEFAULT_CLASSES, WordClasses

EXTRACTOR = "model"
DEFAULT_MODEL = "ner/relations/has_adverse_event.json.gz"
FREE_TEXT_SECTIONS = ("title", "abstract", "summary", "description", "background", "methods", "results",
                      "discussion", "conclusions", "other")
_GAP_BUCKETS = (0, 1, 2, 3, 5, 8, 12, 20)
_MAX_BETWEEN = 12
_SAVED_CLASSES = "word_classes.tsv.gz"  # the word classes' file in a saved component folder


TRAIN_HINT = "trialgraph train --corpora DIR --only relations"


def load_relation_model(path: str | Path | None = None) -> LinearModel:
    """The HAS_ADVERSE_EVENT model (default models/ner/relations/has_adverse_event.json.gz)."""
    return LinearModel.load(path or DEFAULT_MODEL, TRAIN_HINT)


def pair_features(drug: Span, event: Span, sent: EntitySentence, classes: WordClasses | None = None) -> list[str]:
    """Feature names of a (drug, adverse event) pair in one sentence, the event's; with `classes`, the word classes
    of the event and of the words between the two too."""
    return pair_own_features(drug, event, sent, classes) + sent.word_features


def pair_own_features(drug: Span, event: Span, sent: EntitySentence, classes: WordClasses | None = None) -> list[str]:
    """`pair_features` but the sentence's words."""
    doc, sentence = drug.doc, sent.span
    first, second = (drug, event) if drug.start < event.start else (event, drug)
    order = "drug_first" if first is drug else "event_first"
    gap = max(0, second.start - first.end)
    between = [t.lower_ for t in doc[first.end : second.start] if not t.is_space]
    features = [f"order={order}", f"gap={bucket(gap, _GAP_BUCKETS)}", f"order_gap={order}_{bucket(gap, _GAP_BUCKETS)}"]
    if len(between) <= _MAX_BETWEEN:
        features += [f"between={w}" for w in between]
        features += [f"between2={a}_{b}" for a, b in zip(between, between[1:])]
    else:
        features += [f"between_near={w}" for w in between[:3] + between[-3:]]
    features.append(f"before={doc[first.start - 1].lower_ if first.start > sentence.start else '<s>'}")
    features.append(f"after={doc[second.end].lower_ if second.end < sentence.end else '</s>'}")
    features.append(f"event_last={event[-1].lower_}")
    others = [e.label_ for e in sent.ents if first.end <= e.start and e.end <= second.start]
    features += [f"between_ent={label}" for label in others]
    drugs = sum(e.label_ == "DRUG" for e in sent.ents)
    events = sum(e.label_ == "ADVERSE_EVENT" for e in sent.ents)
    features += [f"drugs={min(drugs, 4)}", f"events={min(events, 4)}"]
    if classes is not None:
        if len(between) <= _MAX_BETWEEN:
            features += classes.features("class_between", doc[first.end : second.start])
        features += classes.features("class_event", event)
    return features


class RelationScorer:
    """Filters and rescores the rule HAS_ADVERSE_EVENT relations of free-text sentences."""

    def __init__(self, model: LinearModel | None = None, free_text_sections: tuple[str, ...] = FREE_TEXT_SECTIONS,
                 *, model_path: str | Path | None = None, classes_path: str | Path = DEFAULT_CLASSES) -> None:
        """`model`, or the one at `model_path` (default models/ner/relations/has_adverse_event.json.gz) read
        when first run; the word classes it was trained with at `classes_path`."""
        self.model, self.model_path, self.classes_path = model, model_path, classes_path
        self.classes: WordClasses | None = None
        self.free_text_sections = frozenset(free_text_sections)

    def ensure_loaded(self) -> None:
        """Reads the model and the word classes unless they are read already."""
        if self.model is None:
            self.model = load_relation_model(self.model_path)
        if self.classes is None:
            self.classes = WordClasses.load(self.classes_path)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Writes the relation model and its word classes into the folder `path`."""
        self.ensure_loaded()
        self.model.to_disk(Path(path))
        self.classes.save(Path(path) / _SAVED_CLASSES)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> RelationScorer:
        self.model = LinearModel.from_disk(Path(path), TRAIN_HINT)
        self.classes = WordClasses.load(Path(path) / _SAVED_CLASSES)
        return self

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        ents, sentences = list(doc.ents), sentences_of_entities(doc)
        kept = []
        for relation in doc._.relations or []:
            drug, event, sentence = ents[relation.head], ents[relation.tail], sentences[relation.tail]
            in_prose = event._.section is None or event._.section in self.free_text_sections
            if relation.label != "HAS_ADVERSE_EVENT" or not in_prose or sentences[relation.head] is not sentence:
                kept.append(relation)
                continue
            if event._.named_cause is not None:
                if tuple(event._.named_cause) == (drug.start_char, drug.end_char):
                    kept.append(relation)
                continue
            features = pair_own_features(drug, event, sentence, self.classes)
            probability = self.model.probability(features, sentence.word_weight(self.model))
            if probability >= self.model.threshold:
                relation.confidence, relation.extractor = round(probability, 3), EXTRACTOR
                kept.append(relation)
        doc._.relations = kept
        return doc
