"""A registry record's own lists as facts, so the graph takes a trial's interventions, conditions and outcomes
from what was registered rather than from words found in its text:

- "intervention": each registered intervention with its type, arms and drugs (a fixed-dose combination with the
  drugs it joins); `role` is "drug", "placebo" or "non_drug" (a device, procedure or behaviour: an intervention of
  the trial, with no drug);
- "condition": each registered condition, as registered, with the identifiers of the lexicon concept whose
  whole name it is ("Squamous cell non-small cell lung cancer" stays that, never "lung non-small cell carcinoma"),
  or of the same disease without its stage words ("Metastatic Renal Cell Carcinoma" is renal cell carcinoma);
- "outcome": each registered outcome measure with its kind (primary, secondary, other).
"""
from __future__ import annotations

from dataclasses import replace

from pipeline.document import Document
from pipeline.lexicons import Concept, Lexicon
from pipeline.lexicons.concepts import ConditionQualifiers, canonical_id, unstaged_condition
from pipeline.lexicons.normalize import fold
from pipeline.records import Fact, RegimenDrug, RegisteredCondition, RegisteredIntervention, RegisteredOutcome
from pipeline.tables.regimen import DRUG_INTERVENTION_TYPES, Regimens, is_placebo


def registry_facts_of(document: Document, lexicon: Lexicon, regimens: Regimens) -> list[Fact]:
    """The intervention, condition and outcome facts of a registry record (none for other documents)."""
    trial = document.trial
    if trial is None:
        return []
    facts: list[Fact] = []
    for intervention in trial.interventions:
        if is_placebo(intervention):
            role = "placebo"
        elif intervention.type.lower() in DRUG_INTERVENTION_TYPES:
            role = "drug"
        else:
            role = "non_drug"
        facts.append(RegisteredIntervention(
            name=intervention.name, type=intervention.type, role=role, arms=tuple(intervention.arm_groups),
            other_names=tuple(intervention.other_names),
            drugs=tuple(_with_ingredients(lexicon, drug) for drug in regimens.intervention_drugs(intervention))
            if role == "drug" else (),
        ))
    for condition in trial.conditions:
        concept = registered_condition_concept(lexicon, condition)
        facts.append(RegisteredCondition(name=condition, norm=tuple(concept.curies) if concept else (),
                                         concept=concept.name if concept else None))
    for outcome in trial.outcomes:
        facts.append(RegisteredOutcome(name=outcome.measure, outcome_kind=outcome.kind, time_frame=outcome.time_frame))
    return facts


def _with_ingredients(lexicon: Lexicon, drug: RegimenDrug) -> RegimenDrug:
    """A registered drug with the identifiers of the drugs it combines, when it is a fixed-dose combination
    ("cotrimoxazole": trimethoprim and sulfamethoxazole), so that the doses a record states for those are its own."""
    concept = next((c for curie in drug.norm[:1] for c in lexicon.lookup(curie) if c.label == "DRUG"), None)
    if concept is None:
        return drug
    ingredients = tuple(key for key in (canonical_id("DRUG", c.curies) for c in lexicon.ingredients(concept)) if key)
    return replace(drug, ingredients=ingredients) if ingredients else drug


def registered_condition_concept(lexicon: Lexicon, name: str) -> Concept | None:
    """The concept of a registered condition: the disease whose whole name it is, or, for a staged name with no
    MeSH heading of its own, the disease without its stage words (`unstaged_condition`)."""
    concept = whole_name_concept(lexicon, name, "DISEASE")
    unstaged = unstaged_condition(lexicon, name.split(), concept.curies if concept else (),
                                  ConditionQualifiers.load().stage)
    return unstaged[1] if unstaged else concept


def whole_name_concept(lexicon: Lexicon, name: str, label: str) -> Concept | None:
    """The lexicon concept of `label` that `name` is a term of, as a whole (not a concept named inside it)."""
    if not fold(name):
        return None
    return next((concept for concept in lexicon.lookup(name) if concept.label == label), None)
