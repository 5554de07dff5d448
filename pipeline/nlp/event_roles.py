"""A learned decision between ADVERSE_EVENT and CONDITION for disease mentions in prose.

The context component decides each disease mention's role by cues ("patients with X" is a condition,
a disease in a sentence with a drug is an adverse event). Those cues miss much of real prose: "a patient
with schizophrenia treated with clozapine" names a condition beside a drug, "hepatitis developed" an
event without a cue. This component rescores the cue decision of every ADVERSE_EVENT or CONDITION
mention in free text (or a text without sections) with a logistic model over the mention's words, its
neighbours, their word classes (pipeline/nlp/word_classes.py), the drugs of its sentence and the cue decision
itself (models/ner/roles/event_role.json.gz,
trained on ADE-Corpus-V2 and TAC 2017 by `trialgraph train`). Mentions whose role a section, the
eligibility criteria, the patient's history or a named cause ("heparin-induced") decides keep it.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from spacy.tokens import Doc, Span

from pipeline.nlp.context import DEFAULT_RULES, DRUG_LABELS, ContextRules, caused_by_drug, reaction_to_drug
from pipeline.nlp.data_files import DataFilesComponent
from pipeline.nlp.extensions import copy_span
from pipeline.nlp.linear import LinearModel, bucket
from pipeline.nlp.sentences import EntitySentence, sentences_of_entities
from pipeline.nlp.trained_relations import FREE_TEXT_SECTIONS
from pipeline.nlp.word_classes import DEFAULT_CLASSES, WordClasses

DEFAULT_MODEL = "ner/roles/event_role.json.gz"
TRAIN_HINT = "trialgraph train --corpora DIR --only roles"
ROLES = ("ADVERSE_EVENT", "CONDITION")
FIXED_CONTEXTS = ("eligibility", "historical")  # the context component's role for these stands
_NEIGHBOURS = 3  # tokens on either side named by position
_WINDOW = 8  # tokens on either side counted as a bag of words
_DISTANCE_BUCKETS = (0, 1, 2, 3, 5, 8, 12, 20)
_LIST_WORDS = frozenset({",", "and", "or", "and/or"})  # what joins the members of one list of mentions


def load_role_model(path: str | Path | None = None) -> LinearModel:
    """The adverse-event-versus-condition model (default models/ner/roles/event_role.json.gz)."""
    return LinearModel.load(path or DEFAULT_MODEL, TRAIN_HINT)


def decided_by_model(ent: Span, rules: ContextRules) -> bool:
    """Whether the model decides this mention's role: a disease mention in prose, outside eligibility
    criteria and history, not named as caused by a drug ("aspirin-induced asthma", "allergy to penicillin")."""
    in_prose = ent._.section is None or ent._.section in FREE_TEXT_SECTIONS
    return (ent.label_ in ROLES and in_prose and ent._.context not in FIXED_CONTEXTS
            and not caused_by_drug(ent, rules) and not reaction_to_drug(ent, rules))


def role_features(ent: Span, sent: EntitySentence, classes: WordClasses | None = None) -> list[str]:
    """Feature names of a disease mention (labelled by the context component) in its sentence; with `classes`,
    the word classes of the mention, its neighbours and the words before it too."""
    return mention_features(ent, sent, classes) + sent.word_features


def mention_features(ent: Span, sent: EntitySentence, classes: WordClasses | None = None) -> list[str]:
    """`role_features` but the sentence's words."""
    doc, sentence = ent.doc, sent.span
    words = [t.lower_ for t in ent]
    features = [f"cue_role={ent.label_}", f"text={' '.join(words)}", f"first={words[0]}", f"last={words[-1]}",
                f"length={min(len(words), 4)}", f"negated={ent._.negated}", f"context={ent._.context}"]
    features += [f"word={w}" for w in words]
    for offset in range(1, _NEIGHBOURS + 1):
        i, j = ent.start - offset, ent.end + offset - 1
        features.append(f"before{offset}={doc[i].lower_ if i >= sentence.start else '<s>'}")
        features.append(f"after{offset}={doc[j].lower_ if j < sentence.end else '</s>'}")
    features += [f"near_before={t.lower_}" for t in doc[max(sentence.start, ent.start - _WINDOW) : ent.start] if t.is_alpha]
    features += [f"near_after={t.lower_}" for t in doc[ent.end : min(sentence.end, ent.end + _WINDOW)] if t.is_alpha]
    features.append(f"position={bucket(ent.start - sentence.start, _DISTANCE_BUCKETS)}")
    drugs = [e for e in sent.ents if e.label_ in DRUG_LABELS]
    features.append(f"drugs={min(len(drugs), 3)}")
    if drugs:
        nearest = min(drugs, key=lambda d: min(abs(d.start - ent.end), abs(ent.start - d.end)))
        side = "before" if nearest.end <= ent.start else "after"
        gap = ent.start - nearest.end if side == "before" else nearest.start - ent.end
        features.append(f"drug_{side}={bucket(max(gap, 0), _DISTANCE_BUCKETS)}")
    others = sum(e.label_ in ROLES for e in sent.ents) - 1
    features.append(f"other_diseases={min(others, 3)}")
    if classes is not None:
        features += classes.features("class", ent)
        for offset in range(1, _NEIGHBOURS + 1):
            i, j = ent.start - offset, ent.end + offset - 1
            features += classes.features(f"class_before{offset}", doc[i : i + 1] if i >= sentence.start else ())
            features += classes.features(f"class_after{offset}", doc[j : j + 1] if j < sentence.end else ())
        features += classes.features("class_near_before", doc[max(sentence.start, ent.start - _WINDOW) : ent.start])
    return features


class EventRoleClassifier(DataFilesComponent):
    """Sets ADVERSE_EVENT or CONDITION on the disease mentions of prose by the role model."""

    def __init__(self, model: LinearModel | None = None, *, model_path: str | Path | None = None,
                 rules_path: str | Path = DEFAULT_RULES, classes_path: str | Path = DEFAULT_CLASSES) -> None:
        """`model`, or the one at `model_path` (default models/ner/roles/event_role.json.gz) read when first run;
        the word classes it was trained with at `classes_path`."""
        self.model, self.model_path = model, model_path
        self.data_files = {"context.json": str(rules_path), "word_classes.tsv.gz": str(classes_path)}

    def load_data(self) -> None:
        self.rules = ContextRules.load(self.data_path("context.json"))
        self.classes = WordClasses.load(self.data_path("word_classes.tsv.gz"))
        if self.model is None:
            self.model = load_role_model(self.model_path)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        self.ensure_loaded()
        super().to_disk(path, exclude=exclude)
        self.model.to_disk(Path(path))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> EventRoleClassifier:
        self.model = LinearModel.from_disk(Path(path), TRAIN_HINT)
        return super().from_disk(path, exclude=exclude)

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        ents = list(doc.ents)
        probabilities: dict[int, float] = {}
        for index, (ent, sentence) in enumerate(zip(ents, sentences_of_entities(doc))):
            if decided_by_model(ent, self.rules):
                features = mention_features(ent, sentence, self.classes)
                probabilities[index] = self.model.probability(features, sentence.word_weight(self.model))
        changed = False
        for group in coordinated_groups(ents, probabilities):
            probability = sum(probabilities[index] for index in group) / len(group)
            role = ROLES[0] if probability >= self.model.threshold else ROLES[1]
            for index in group:
                if role != ents[index].label_:
                    ents[index], changed = copy_span(ents[index], role), True
        if changed:
            doc.ents = ents
        return doc


def coordinated_groups(ents: list[Span], decided: Iterable[int]) -> list[list[int]]:
    """The indexes of `decided` mentions in runs that one list joins ("anemia, thrombocytopenia and
    leukopenia": only commas, "and", "or" between them), each run one decision; a mention alone is a run."""
    groups: list[list[int]] = []
    for index in sorted(decided):
        if groups and groups[-1][-1] == index - 1 and _joined(ents[index - 1], ents[index]):
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def _joined(first: Span, second: Span) -> bool:
    between = first.doc[first.end : second.start]
    return len(between) > 0 and all(token.lower_ in _LIST_WORDS for token in between)
