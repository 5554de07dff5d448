"""Adverse-event row labels normalized by the same normaliser as event mentions in text."""
from __future__ import annotations

import re

from pipeline.lexicons import Concept, ConceptNormalizer
from pipeline.tables.vocabulary import event_name_variants

_PARENTHESIS = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")
_TOKEN = re.compile(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]")
_EVENT_LABELS = ("DISEASE",)


def name_candidates(name: str) -> list[str]:
    """Names to look up for one row label, best first: as printed, each part of "A (B)", then their
    rewrites ("Platelets low" -> "Platelet count decreased")."""
    names = [name]
    match = _PARENTHESIS.match(name)
    if match:
        names += [match.group(1), match.group(2)]
    for candidate in list(names):
        rewritten = candidate
        for pattern, replacement in event_name_variants():
            rewritten = pattern.sub(replacement, rewritten)
        names.append(rewritten)
    return [candidate for candidate in dict.fromkeys(" ".join(n.split()) for n in names) if candidate]


def normalize_event(normalizer: ConceptNormalizer, name: str, registry: bool = False) -> Concept | None:
    """The canonical adverse-event concept a row label names. A registry results term is taken as
    registered (`ConceptNormalizer.registry_event`); a paper's row label is the MedDRA preferred term one of
    its candidate names is, else that of the lexicon concept it names (a whole-name lookup of a candidate,
    else a single lexicon match spanning every word of one)."""
    if registry:
        return normalizer.registry_event(name)
    candidates = name_candidates(name)
    return normalizer.adverse_event(candidates, _lexicon_concept(normalizer, tuple(candidates)))


def _lexicon_concept(normalizer: ConceptNormalizer, candidates: tuple[str, ...]) -> Concept | None:
    lexicon = normalizer.lexicon
    for candidate in candidates:
        concepts = [concept for concept in lexicon.lookup(candidate) if concept.label in _EVENT_LABELS]
        if concepts:
            return concepts[0]
    for candidate in candidates:
        words = _TOKEN.findall(candidate)
        matches = lexicon.match(words)
        if len(matches) == 1 and matches[0].start == 0 and matches[0].end == len(words):
            if matches[0].concept.label in _EVENT_LABELS:
                return matches[0].concept
    return None
