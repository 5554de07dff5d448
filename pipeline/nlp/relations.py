"""Rule-based relations between the entities of a Doc.

Within a sentence: each DOSE goes to its nearest DRUG, or to the drug of the dose level it states
(HAS_DOSE); every drug is paired with every adverse event (HAS_ADVERSE_EVENT), condition (TREATS) and
endpoint (HAS_ENDPOINT), which handles
combination regimens ("IL-21 plus sorafenib" gives both drugs). Across sentences: a sentence that
names adverse events or endpoints but no drug inherits the drugs of the previous sentence in the same
paragraph. Mentions that are negated or only in eligibility, prior-therapy, historical, hypothetical
or other-study context take part in no relation.
"""
from __future__ import annotations

from spacy.tokens import Doc, Span

from pipeline.nlp.extensions import Relation
from pipeline.nlp.sentences import entity_sentences, sentence_spans

EXTRACTOR = "rules"
_TAIL_RELATION = {"ADVERSE_EVENT": "HAS_ADVERSE_EVENT", "CONDITION": "TREATS", "ENDPOINT": "HAS_ENDPOINT"}
_BLOCKING_CONTEXTS = frozenset({"eligibility", "prior_therapy", "historical", "hypothetical", "other_study"})
_SAME_SENTENCE = 0.7
_PREVIOUS_SENTENCE = 0.4


def takes_part(ent: Span) -> bool:
    """Whether a mention may be an end of a relation."""
    return not ent._.negated and ent._.context not in _BLOCKING_CONTEXTS


class RelationExtractor:
    """Fills `doc._.relations`."""

    def __call__(self, doc: Doc) -> Doc:
        relations: list[Relation] = []
        previous_drugs: list[int] = []
        previous_end_char = -1
        ents, text = list(doc.ents), doc.text  # `doc.text` walks every token: read it once
        by_sentence: dict[int, list[int]] = {}
        for index, sentence in enumerate(entity_sentences(doc)):
            by_sentence.setdefault(sentence.start, []).append(index)
        for sentence in sentence_spans(doc):
            members = [i for i in by_sentence.get(sentence.start, []) if takes_part(ents[i])]
            drugs = [i for i in members if ents[i].label_ == "DRUG"]
            relations += self._doses(ents, members, drugs)
            heads, confidence = drugs, _SAME_SENTENCE
            same_paragraph = previous_end_char >= 0 and "\n" not in text[previous_end_char : sentence.start_char]
            if not drugs and same_paragraph:
                heads, confidence = previous_drugs, _PREVIOUS_SENTENCE
            for tail in members:
                label = _TAIL_RELATION.get(ents[tail].label_)
                if label is None or (label == "TREATS" and confidence < _SAME_SENTENCE):
                    continue
                relations += [Relation(head, tail, label, confidence, EXTRACTOR) for head in heads]
            if drugs or not same_paragraph:
                previous_drugs = drugs
            previous_end_char = sentence.start_char + len(sentence.text.rstrip())
        doc._.relations = relations
        return doc

    @staticmethod
    def _doses(ents: list[Span], members: list[int], drugs: list[int]) -> list[Relation]:
        """Each dose to the nearest drug, preferring the drug before it at equal distance. An amount stated
        for a named dose level goes to the drug of that level's own mention: in "the maximum tolerated dose
        for IL-21 with the standard dose of sorafenib was 30 mcg/kg/day", 30 mcg/kg/day is IL-21's."""
        doses = [i for i in members if ents[i].label_ == "DOSE"]
        if not drugs or not doses:
            return []

        def nearest(i: int) -> int:
            dose = ents[i]

            def distance(d: int) -> tuple[int, int]:
                drug = ents[d]
                gap = dose.start - drug.end if drug.end <= dose.start else drug.start - dose.end
                return (gap, 0 if drug.end <= dose.start else 1)

            return min(drugs, key=distance)

        drug_of_level: dict[str, int] = {}
        for i in doses:
            attributes = ents[i]._.dose
            if attributes is not None and attributes.level and attributes.amount is None and attributes.amount_low is None:
                drug_of_level.setdefault(attributes.level, nearest(i))
        out = []
        for i in doses:
            level = ents[i]._.dose.level if ents[i]._.dose is not None else None
            drug = drug_of_level.get(level) if level else None
            out.append(Relation(nearest(i) if drug is None else drug, i, "HAS_DOSE", _SAME_SENTENCE, EXTRACTOR))
        return out
