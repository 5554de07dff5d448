"""A corrected item linked again to its concept, with the normaliser the pipeline uses: a mention whose span
or label changed and a fact whose event changed take the identifiers and name of what they now say, unless the
curator set those too."""
from __future__ import annotations

from typing import Any

from pipeline.lexicons import Concept, ConceptNormalizer
from pipeline.store import StoredDocument
from pipeline.tables.events import normalize_event

_LEXICON_LABELS = {"CONDITION": "DISEASE", "DRUG": "DRUG", "ENDPOINT": "ENDPOINT", "DRUG_CLASS": "DRUG_CLASS"}


def link(normalizer: ConceptNormalizer, label: str, text: str, registry: bool = False) -> Concept | None:
    """The concept a span of `label` names: an adverse event's MedDRA preferred term (as table rows and event
    mentions are normalised; a registry results term as registered), else the lexicon concept of that name."""
    if not text.strip():
        return None
    if label == "ADVERSE_EVENT":
        return normalize_event(normalizer, text, registry=registry)
    wanted = _LEXICON_LABELS.get(label)
    return next((c for c in normalizer.lexicon.lookup(text) if c.label == wanted), None) if wanted else None


def relinked(kind: str, current: dict[str, Any], values: dict[str, Any], stored: StoredDocument,
             normalizer: ConceptNormalizer) -> dict[str, Any]:
    """`values` (an item's corrected state) with identifiers and name re-derived where what the item names
    changed from `current` (its state before this correction) and the curator left them as they were. A
    mention the normaliser knows nothing of under its new span keeps its identifiers (a widened "grade 3
    hypertension" is still hypertension); a fact's new event it does not know is keyed by its name alone."""
    untouched = (list(values.get("norm") or []) == list(current.get("norm") or [])
                 and (values.get("concept") or None) == (current.get("concept") or None))
    if not untouched:
        return values
    if kind == "mention":
        span, before = (values["start"], values["end"], values["label"]), (current["start"], current["end"], current["label"])
        text = stored.document.text
        if span == before or not 0 <= span[0] < span[1] <= len(text):
            return values
        found = link(normalizer, values["label"], text[span[0] : span[1]])
        return {**values, "norm": list(found.curies), "concept": found.name} if found else values
    if kind == "fact" and values.get("event") and values.get("event") != current.get("event"):
        try:
            section = stored.document.table(current["table"]).section or ""
        except KeyError:
            section = ""
        found = link(normalizer, "ADVERSE_EVENT", values["event"], registry=section.startswith("results:"))
        return {**values, "norm": list(found.curies) if found else [], "concept": found.name if found else None}
    return values


def candidates(normalizer: ConceptNormalizer, label: str, name: str, limit: int = 8) -> list[Concept]:
    """Concepts a name may be, for a curator to choose from: the one the pipeline would link (first), then
    the lexicon's concepts of that name of the label's kind."""
    found = [c for c in (link(normalizer, label, name),) if c is not None]
    wanted = _LEXICON_LABELS.get(label, "DISEASE" if label == "ADVERSE_EVENT" else None)
    for concept in normalizer.lexicon.lookup(name.strip()) if name.strip() else []:
        if (wanted is None or concept.label == wanted) and all(c.curies != concept.curies for c in found):
            found.append(concept)
    return found[:limit]
