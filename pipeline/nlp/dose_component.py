"""DOSE mentions in a Doc, from the dose grammar in `pipeline.nlp.doses`."""
from __future__ import annotations

from spacy.tokens import Doc

from pipeline.nlp.doses import find_doses

SOURCE = "rule"


class DoseRecognizer:
    """Adds DOSE entities with `._.dose` set; a dose never replaces a DRUG mention, other overlaps give way."""

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        for dose in find_doses(doc.text):
            span = doc.char_span(dose.start, dose.end, label="DOSE", alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            overlapping = [e for e in ents if e.start < span.end and span.start < e.end]
            if any(e.label_ == "DRUG" for e in overlapping):
                continue
            ents = [e for e in ents if e not in overlapping]
            span._.dose = dose
            span._.source = SOURCE
            ents.append(span)
        doc.ents = sorted(ents, key=lambda s: s.start)
        return doc
