"""Rule-based relations between the entities of a Doc.

Within a sentence: each DOSE goes to the drug it belongs to (`dose_owner`: next to it, the drug of the dose
level it states, the drug whose doses the sentence lists, else the nearest in its part of the regimen)
(HAS_DOSE); every drug is paired with every adverse event (HAS_ADVERSE_EVENT), condition (TREATS) and
endpoint (HAS_ENDPOINT), which handles
combination regimens ("IL-21 plus sorafenib" gives both drugs). Across sentences: a sentence that
names adverse events or endpoints but no drug inherits the drugs of the previous sentence in the same
paragraph, and a dose in the interventions section with no drug in its sentence is the drug's that all the drug
mentions of that section name, if they name one (a registry's "Other: pharmacological study - Starting dose of
50μg/kg/day"). Mentions that are negated or only in eligibility, prior-therapy, historical, hypothetical
or other-study context take part in no relation; a harm in possible context ("may cause cataract") does. An
adverse event that names its drug as its cause ("ticlopidine-induced marrow aplasia", `Span._.named_cause`) has
that drug with full confidence, even where a negation cue before the drug reaches it ("no consensus on the
treatment of ticlopidine-induced ...").
"""
from __future__ import annotations

from spacy.tokens import Doc, Span

from pipeline.nlp.extensions import CONTEXTS, Relation
from pipeline.nlp.sentences import entity_sentences, sentence_spans

EXTRACTOR = "rules"
_TAIL_RELATION = {"ADVERSE_EVENT": "HAS_ADVERSE_EVENT", "CONDITION": "TREATS", "ENDPOINT": "HAS_ENDPOINT"}
# a drug taken alongside still has its harms; a harm the text says a drug may cause is a claim of that drug's harm
_BLOCKING_CONTEXTS = frozenset(CONTEXTS) - {"concomitant", "possible"}
_NAMED_CAUSE = 1.0
_SAME_SENTENCE = 0.7
_PREVIOUS_SENTENCE = 0.4
_INTERVENTIONS = "interventions"  # the section kind of a registry's or a paper's interventions (pipeline.document)


def _sole_intervention_drug(ents: list[Span]) -> list[int]:
    """The indexes of the mentions in the interventions section when they all name one drug, else none: a dose
    there with no drug in its sentence is that drug's (a registry's "Other: pharmacological study - Starting dose
    of 50μg/kg/day as an IV push" of its one study drug)."""
    found = [i for i, ent in enumerate(ents)
             if ent.label_ == "DRUG" and ent._.section == _INTERVENTIONS and takes_part(ent)]
    return found if len({ents[i]._.concept or ents[i].text.lower() for i in found}) == 1 else []


def _mention_before(ents: list[Span], indexes: list[int], start: int) -> int | None:
    """The last of the mentions `indexes` (in text order) that starts before token `start`."""
    return next((i for i in reversed(indexes) if ents[i].start < start), None)


def takes_part(ent: Span) -> bool:
    """Whether a mention may be an end of a relation."""
    return not ent._.negated and ent._.context not in _BLOCKING_CONTEXTS


def named_cause_index(ents: list[Span], event: int, drug_at: dict[tuple[int, int], int]) -> int | None:
    """The index in `ents` of the drug the adverse event `ents[event]` names as its cause (`drug_at`: the index
    of each DRUG mention by its characters), if it may take part in a relation (its negation aside: the event's
    own words name it)."""
    cause = ents[event]._.named_cause
    found = drug_at.get(tuple(cause)) if cause is not None else None
    if found is None or ents[found]._.context in _BLOCKING_CONTEXTS:
        return None
    return found


class RelationExtractor:
    """Fills `doc._.relations`."""

    def __call__(self, doc: Doc) -> Doc:
        relations: list[Relation] = []
        previous_drugs: list[int] = []
        previous_end_char = -1
        ents, text = list(doc.ents), doc.text  # `doc.text` walks every token: read it once
        drug_at = {(ent.start_char, ent.end_char): i for i, ent in enumerate(ents) if ent.label_ == "DRUG"}
        by_sentence: dict[int, list[int]] = {}
        for index, sentence in enumerate(entity_sentences(doc)):
            by_sentence.setdefault(sentence.start, []).append(index)
        sole = _sole_intervention_drug(ents)
        for sentence in sentence_spans(doc):
            members = [i for i in by_sentence.get(sentence.start, []) if takes_part(ents[i])]
            drugs = [i for i in members if ents[i].label_ == "DRUG"]
            relations += self._doses(ents, members, drugs)
            if not drugs and sole:
                relations += [Relation(owner, i, "HAS_DOSE", _PREVIOUS_SENTENCE, EXTRACTOR) for i in members
                              if ents[i].label_ == "DOSE" and ents[i]._.section == _INTERVENTIONS
                              and (owner := _mention_before(ents, sole, ents[i].start)) is not None]
            heads, confidence = drugs, _SAME_SENTENCE
            same_paragraph = previous_end_char >= 0 and "\n" not in text[previous_end_char : sentence.start_char]
            if not drugs and same_paragraph:
                heads, confidence = previous_drugs, _PREVIOUS_SENTENCE
            for tail in members:
                label = _TAIL_RELATION.get(ents[tail].label_)
                if label is None or (label == "TREATS" and confidence < _SAME_SENTENCE):
                    continue
                cause = named_cause_index(ents, tail, drug_at)
                relations += [Relation(head, tail, label, confidence, EXTRACTOR) for head in heads if head != cause]
                if cause is not None:
                    relations.append(Relation(cause, tail, label, _NAMED_CAUSE, EXTRACTOR))
            if drugs or not same_paragraph:
                previous_drugs = drugs
            previous_end_char = sentence.start_char + len(sentence.text.rstrip())
        doc._.relations = relations
        return doc

    @staticmethod
    def _doses(ents: list[Span], members: list[int], drugs: list[int]) -> list[Relation]:
        """Each dose to the drug it belongs to (`dose_owner`)."""
        doses = [i for i in members if ents[i].label_ == "DOSE"]
        if not drugs or not doses:
            return []
        owners = [(dose_owner(ents, i, drugs, doses), i) for i in doses]
        return [Relation(owner, i, "HAS_DOSE", _SAME_SENTENCE, EXTRACTOR) for owner, i in owners if owner is not None]


def dose_owner(ents: list[Span], dose_index: int, drugs: list[int], doses: list[int]) -> int | None:
    """The drug of a sentence that a dose belongs to, by the first rule that decides:

    0. an amount of a fixed-dose combination belongs to the drug in its place among those the combination
       follows (`combination_drugs`: 400 mg of "lopinavir/ritonavir 400/100 mg" is lopinavir's), and to none
       when one of them takes part in no relation; the amounts of a combination kept as one dose belong to a
       drug right next to them ("Kaletra 400/100 mg") or to none, since another drug of the sentence is not
       the combination ("moxifloxacin ... FF/VI 200/25 μg");
    1. a drug right next to the dose: "sorafenib 400 mg", "sorafenib (400 mg)", "IL-21 at 30 mcg/kg",
       "30 mcg/kg IL-21", "400 mg of sorafenib";
    2. the drug whose dose level the dose states: in "the maximum tolerated dose for IL-21 with the standard
       dose of sorafenib was 30 mcg/kg/day", 30 mcg/kg/day is IL-21's (the level's own mention is nearest it);
    3. the drug whose doses the sentence lists: "Four dose levels of IL-21 were evaluated with the standard
       dose of sorafenib: 10 mcg/kg, 30 mcg/kg..." are IL-21's;
    4. the nearest drug in the same part of a regimen ("Part 2: rIL-21 IV, Day 1-5 ... + sorafenib (...)": the
       schedule is rIL-21's), leaving out a drug given at a named level only ("the standard dose of
       sorafenib"), preferring the drug before the dose at equal distance.
    """
    dose = ents[dose_index]
    ingredient = dose._.dose.ingredient if dose._.dose is not None else None
    if ingredient is not None:
        return _ingredient_owner(ents, dose_index, ingredient, drugs)
    if dose._.dose is not None and dose._.dose.amounts:
        return next((drug for drug in drugs if _next_to(dose, ents[drug])), None)
    for drug in drugs:
        if _next_to(dose, ents[drug]):
            return drug
    attributes = dose._.dose
    levelled = {_level_drug(ents, i, drugs) for i in doses if _level_only(ents[i])}
    if attributes is not None and attributes.level and not _level_only(dose):
        for i in doses:
            if i != dose_index and _level_only(ents[i]) and ents[i]._.dose.level == attributes.level:
                return _level_drug(ents, i, drugs)
    if _level_only(dose):
        return _level_drug(ents, dose_index, drugs)
    owners = [d for d in drugs if _owns_doses(ents[d]) and d not in levelled]
    if len(owners) == 1:
        return owners[0]
    candidates = [d for d in drugs if d not in levelled] or drugs
    same_part = [d for d in candidates if not _regimen_break(dose, ents[d])]
    return min(same_part or candidates, key=lambda d: _distance(dose, ents[d]))


def _ingredient_owner(ents: list[Span], dose_index: int, ingredient: int, drugs: list[int]) -> int | None:
    """The drug an amount of a fixed-dose combination belongs to (rule 0 of `dose_owner`)."""
    first = dose_index - ingredient
    if first < 0 or _ingredient_of(ents[first]) != 0:
        return None
    count = 1
    while first + count < len(ents) and _ingredient_of(ents[first + count]) == count:
        count += 1
    owners = combination_drugs([ents[d] for d in drugs], ents[first : first + count])
    if owners is None:
        return None
    index_of = {(ents[d].start, ents[d].end): d for d in drugs}
    return index_of.get((owners[ingredient].start, owners[ingredient].end))


def _ingredient_of(ent: Span) -> int | None:
    return ent._.dose.ingredient if ent.label_ == "DOSE" and ent._.dose is not None else None


# tokens that join the drugs of a fixed-dose combination: "lopinavir/ritonavir", "budesonide and formoterol"
_COMBINATION_JOINERS = frozenset({"/", "-", "+", "and", ","})


def combination_drugs(drugs: list[Span], amounts: list[Span]) -> list[Span] | None:
    """The drugs, in order, that the amounts of a fixed-dose combination belong to: as many drugs, each joined to
    the next by "/", "-", "+", "and" or ",", right before the first amount ("lopinavir/ritonavir 400/100 mg",
    "meclozine/pyridoxine/caffeine (50/50/20 mg)"; the last ones of a longer run) or right after the last
    ("300mg/100mg darunavir/ritonavir tablets"); None when fewer stand there ("LPV/r 400/100 mg", "Kaletra
    400/100 mg")."""
    count = len(amounts)
    before = [d for d in drugs if d.end <= amounts[0].start]
    if before and _next_to(amounts[0], before[-1]):
        if len(before) > 1 and _bracketed(before[-1]) and before[-2].end == before[-1].start - 1:
            before.pop()  # "salmeterol/fluticasone (SAL/FLU) 50/250 μg": the short form names the drugs before it
        run = [before[-1]]
        for drug in reversed(before[:-1]):
            if not _joined(drug, run[0]):
                break
            run.insert(0, drug)
        return run[-count:] if len(run) >= count else None
    after = [d for d in drugs if d.start >= amounts[-1].end]
    if after and _next_to(amounts[-1], after[0]):
        run = [after[0]]
        for drug in after[1:]:
            if not _joined(run[-1], drug):
                break
            run.append(drug)
        return run[:count] if len(run) >= count else None
    return None


def _joined(first: Span, second: Span) -> bool:
    """Whether one or two joining tokens ("/", "and", ", and") alone stand between two drugs."""
    between = [t.lower_ for t in first.doc[first.end : second.start]]
    return 1 <= len(between) <= 2 and all(word in _COMBINATION_JOINERS for word in between)


def _distance(dose: Span, drug: Span) -> tuple[int, int]:
    gap = dose.start - drug.end if drug.end <= dose.start else drug.start - dose.end
    return (gap, 0 if drug.end <= dose.start else 1)


def _level_only(dose: Span) -> bool:
    """A dose stated as a named level without an amount ("the standard dose", "the MTD")."""
    attributes = dose._.dose
    return attributes is not None and bool(attributes.level) and attributes.amount is None and attributes.amount_low is None


def _level_drug(ents: list[Span], dose_index: int, drugs: list[int]) -> int:
    """The drug a level-only dose names: the nearest one ("the standard dose of sorafenib")."""
    return min(drugs, key=lambda d: _distance(ents[dose_index], ents[d]))


# words that may stand between a drug and its dose when they are next to each other
_BETWEEN_DRUG_AND_DOSE = frozenset({"(", "at", "of", ",", "-", "dose", "doses", "a", "was", "given", "iv", "po", "sc",
                                    "oral", "orally", "intravenous", "intravenously", "subcutaneous", "subcutaneously"})
_BETWEEN_DOSE_AND_DRUG = frozenset({"of", "oral", "intravenous", "iv", "po", "sc", "subcutaneous", "tablet", "tablets",
                                    "capsule", "capsules"})
# tokens that end one part of a regimen and begin the next
_REGIMEN_BREAKS = frozenset({"+", "plus", ";", "and", "with", "versus", "vs", "vs.", "or", "followed", "then"})
_DOSE_OWNING_WORDS = frozenset({"dose", "doses", "levels", "level"})


def _next_to(dose: Span, drug: Span) -> bool:
    doc = dose.doc
    if drug.end <= dose.start:
        between = [t.lower_ for t in doc[drug.end : dose.start]]
        if _bracketed(drug):
            between = between[1:]  # "salmeterol/fluticasone (SAL/FLU) 50/250 μg"
        return len(between) <= 3 and all(word in _BETWEEN_DRUG_AND_DOSE for word in between)
    between = [t.lower_ for t in doc[dose.end : drug.start]]
    return len(between) <= 2 and all(word in _BETWEEN_DOSE_AND_DRUG for word in between)


def _bracketed(drug: Span) -> bool:
    """Whether the drug mention stands alone in brackets: "(SAL/FLU)"."""
    doc = drug.doc
    return drug.start > 0 and drug.end < len(doc) and doc[drug.start - 1].text == "(" and doc[drug.end].text == ")"


def _owns_doses(drug: Span) -> bool:
    """Whether the sentence names the drug as the one whose doses it lists: "dose levels of IL-21", "doses of X"."""
    before = [t.lower_ for t in drug.doc[max(drug.sent.start, drug.start - 3) : drug.start]]
    return len(before) >= 2 and before[-1] == "of" and before[-2] in _DOSE_OWNING_WORDS


def _regimen_break(dose: Span, drug: Span) -> bool:
    """Whether a word that separates the parts of a regimen ("+", "plus", "with") stands between dose and drug."""
    lo, hi = (drug.end, dose.start) if drug.end <= dose.start else (dose.end, drug.start)
    return any(t.lower_ in _REGIMEN_BREAKS for t in dose.doc[lo:hi])
