"""Short forms a document defines, for a drug or disease or for something else.

A short form names what its long form names, everywhere in the document. "mean arterial pressure (MAP)"
defines MAP as a measurement: a lexicon entry or a model guess that reads MAP as a disease is wrong
everywhere in that document. scispaCy's abbreviation detector finds most definitions (`doc._.abbreviations`,
each short form with its `_.long_form`); `parenthesized_short_form` finds an acronym in brackets after a
mention, which the detector misses when the acronym's letters are not all in the long form ("(NH4Ac)").
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

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


_ACRONYM_MAX_CHARS = 8


def parenthesized_short_form(words: Sequence[str], end: int) -> str | None:
    """The acronym in brackets right after the words ending at `end` ("ammonium acetate (NH4Ac)"), None if
    there is none. An acronym has at most 8 characters, all capitals or two of them ("T", "5-HT", "COCs")."""
    if end + 2 >= len(words) or words[end] != "(" or not words[end + 2].startswith(")"):
        return None
    short = words[end + 1]
    acronym = (len(short) <= _ACRONYM_MAX_CHARS and short[0].isalnum()
               and (short.isupper() or sum(c.isupper() for c in short) >= 2))
    return short if acronym else None
