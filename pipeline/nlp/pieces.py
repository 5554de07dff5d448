"""Long documents annotated in pieces, so time and memory grow linearly with the text.

A text longer than the piece size is cut at paragraph breaks, else line breaks, else sentence ends, else
white space (a hard cut only for one unbroken run of characters), each piece annotated with `nlp.pipe` and
its mentions and relations shifted back to offsets in the whole text. A document of one piece is annotated
whole, exactly as before. What crosses a cut (a sentence, an abbreviation defined in an earlier piece) is
seen by one piece only; cuts fall on paragraph breaks wherever the text has them.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from spacy.language import Language

from pipeline.document import Document, Section
from pipeline.nlp.language import make_doc
from pipeline.nlp.serialize import doc_annotations

# A sentence end: closing punctuation, then white space, then what the sentence splitter takes as a new start.
_SENTENCE_END = re.compile(r"[.!?][\"')\]”’]*\s+(?=[A-Z0-9(\[“\"•])")
_SPACE = re.compile(r"\s+")


def piece_bounds(text: str, size: int) -> list[tuple[int, int]]:
    """`(start, end)` of consecutive pieces covering `text`, each at most `size` characters."""
    if size < 2:
        raise ValueError(f"piece size must be at least 2 characters, not {size}")
    bounds, start = [], 0
    while len(text) - start > size:
        end = _cut(text, start, start + size)
        bounds.append((start, end))
        start = end
    bounds.append((start, len(text)))
    return bounds


def _cut(text: str, start: int, limit: int) -> int:
    """Where to end the piece starting at `start` (after at least half of it, before `limit`)."""
    low = start + (limit - start) // 2
    for separator in ("\n\n", "\n"):
        found = text.rfind(separator, low, limit)
        if found >= 0:
            return found + len(separator)
    window = text[low:limit]
    last = None
    for last in _SENTENCE_END.finditer(window):
        pass
    if last is None:
        for last in _SPACE.finditer(window):
            pass
    return low + last.end() if last is not None else limit


def _piece_document(document: Document, start: int, end: int) -> Document:
    sections = [
        Section(s.name, s.kind, max(s.start, start) - start, min(s.end, end) - start,
                document.text[max(s.start, start) : min(s.end, end)])
        for s in document.sections if s.start < end and s.end > start
    ]
    return replace(document, text=document.text[start:end], sections=sections, tables=[])


def _shifted(entity: dict[str, Any], offset: int) -> dict[str, Any]:
    entity = dict(entity, start=entity["start"] + offset, end=entity["end"] + offset)
    if entity.get("sentence"):
        entity["sentence"] = [entity["sentence"][0] + offset, entity["sentence"][1] + offset]
    if entity.get("concept_start") is not None:
        entity["concept_start"], entity["concept_end"] = entity["concept_start"] + offset, entity["concept_end"] + offset
    return entity


def annotate_in_pieces(nlp: Language, document: Document, size: int) -> tuple[dict[str, Any], int]:
    """`({"entities", "relations"}, words)` for `document`, annotated in pieces of at most `size` characters."""
    bounds = piece_bounds(document.text, size)
    entities: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    words = 0
    docs: Iterator = nlp.pipe((make_doc(nlp, _piece_document(document, s, e)) for s, e in bounds), batch_size=1)
    for (start, _), doc in zip(bounds, docs):
        annotations = doc_annotations(doc)
        base = len(entities)
        entities += [_shifted(entity, start) for entity in annotations["entities"]]
        relations += [dict(r, head=r["head"] + base, tail=r["tail"] + base) for r in annotations["relations"]]
        words += sum(1 for token in doc if not token.is_space and not token.is_punct)
    return {"entities": entities, "relations": relations}, words
