"""Lexicon-based recognition: DRUG, DRUG_CLASS, DISEASE and ENDPOINT mentions with identifiers.

Abbreviations defined in the document ("metastatic renal cell carcinoma (mRCC)", found by scispaCy's
abbreviation detector) take the concept of their long form wherever the short form appears.
"""
from __future__ import annotations

from spacy.tokens import Doc, Span

from pipeline.lexicons import Concept, Lexicon, load_lexicon

SOURCE = "lexicon"


class LexiconRecognizer:
    """Adds lexicon matches to `doc.ents` (existing entities win over overlapping matches)."""

    def __init__(self, lexicon_dir: str | None = None, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon(lexicon_dir)

    def __call__(self, doc: Doc) -> Doc:
        words = [t.text for t in doc]
        spaces = [bool(t.whitespace_) for t in doc]
        found: dict[tuple[int, int], Concept] = {
            (m.start, m.end): m.concept for m in self.lexicon.match(words, spaces)
        }
        found.update(self._abbreviations(doc, found))
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        spans = list(doc.ents)
        for (start, end), concept in sorted(found.items()):
            if any(i in taken for i in range(start, end)):
                continue
            span = Span(doc, start, end, label=concept.label)
            span._.norm = list(concept.curies)
            span._.concept = concept.name
            span._.source = SOURCE
            spans.append(span)
            taken.update(range(start, end))
        doc.ents = sorted(spans, key=lambda s: s.start)
        return doc

    @staticmethod
    def _abbreviations(doc: Doc, found: dict[tuple[int, int], Concept]) -> dict[tuple[int, int], Concept]:
        """Short forms whose long form ends in a lexicon match get that match's concept."""
        by_end = {end: (start, concept) for (start, end), concept in found.items()}
        out: dict[tuple[int, int], Concept] = {}
        for short in getattr(doc._, "abbreviations", None) or []:
            long_form = short._.long_form
            if not isinstance(long_form, Span):
                continue
            match = by_end.get(long_form.end)
            if match and match[0] >= long_form.start:
                out[(short.start, short.end)] = match[1]
        return out
