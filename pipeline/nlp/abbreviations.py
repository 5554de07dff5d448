"""Short forms a document defines as something other than a drug or disease.

"mean arterial pressure (MAP)" defines MAP as a measurement: a lexicon entry or a model guess that
reads MAP as a disease is wrong everywhere in that document. scispaCy's abbreviation detector finds
the definitions (`doc._.abbreviations`, each short form with its `_.long_form`).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Doc, Span


def definitions(doc: Doc) -> Iterator[tuple[Span, Span]]:
    """(short form, long form) of every short-form occurrence the abbreviation detector tied to a definition."""
    for short in getattr(doc._, "abbreviations", None) or []:
        if isinstance(short._.long_form, Span):
            yield short, short._.long_form


def foreign_short_forms(doc: Doc, terms: Iterable[tuple[int, int]]) -> frozenset[str]:
    """Texts of the short forms whose long form overlaps none of the `terms` (token ranges of drug or
    disease mentions found in `doc`)."""
    covered = {i for start, end in terms for i in range(start, end)}
    foreign: set[str] = set()
    defined: set[str] = set()
    for short, long_form in definitions(doc):
        if covered.intersection(range(long_form.start, long_form.end)):
            defined.add(short.text)
        else:
            foreign.add(short.text)
    return frozenset(foreign - defined)  # a short form defined twice, once as a term, stays a term
