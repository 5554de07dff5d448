"""Adverse-event row labels normalized with the lexicon, like event mentions in text."""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.lexicons import Concept, Lexicon
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


def normalize_event(lexicon: Lexicon, name: str) -> Concept | None:
    """The lexicon concept an adverse-event row label names, if any: a whole-name lookup of one of its
    candidate names, else a single lexicon match spanning every word of one."""
    return _normalize(lexicon, name)


@lru_cache(maxsize=8192)
def _normalize(lexicon: Lexicon, name: str) -> Concept | None:
    candidates = name_candidates(name)
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
