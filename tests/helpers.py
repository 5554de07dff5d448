"""Helpers for tests that place entities by hand on blank pipelines."""
from __future__ import annotations

from spacy.tokens import Doc, Span


def set_entities(doc: Doc, mentions: list[tuple[str, str]]) -> Doc:
    """Mark the first occurrence (after the previous mention) of each `(text, label)` as an entity."""
    spans, cursor = [], 0
    for text, label in mentions:
        start = doc.text.index(text, cursor)
        span = doc.char_span(start, start + len(text), label=label)
        assert span is not None, f"{text!r} does not align with tokens"
        spans.append(span)
        cursor = start + len(text)
    doc.ents = spans
    return doc


def find_entity(doc: Doc, text: str) -> Span:
    matches = [e for e in doc.ents if e.text == text]
    assert matches, f"no entity {text!r} among {[(e.text, e.label_) for e in doc.ents]}"
    return matches[0]
