"""Short forms a document defines, for a drug or disease or for something else.

A short form names what its long form names, everywhere in the document. "mean arterial pressure (MAP)"
defines MAP as a measurement: a lexicon entry or a model guess that reads MAP as a disease is wrong
everywhere in that document. scispaCy's abbreviation detector finds most definitions (`doc._.abbreviations`,
each short form with its `_.long_form`); `parenthesized_short_form` finds an acronym in brackets after a
mention, which the detector misses when the acronym's letters are not all in the long form ("(NH4Ac)").
"""
from __future__ import annotations

import re

from collections.abc import Callable, Container, Iterable, Iterator, Sequence

from spacy.tokens import Doc, Span


def definitions(doc: Doc) -> Iterator[tuple[Span, Span]]:
    """(short form, long form) of every short-form occurrence the abbreviation detector tied to a definition."""
    for short in getattr(doc._, "abbreviations", None) or []:
        if isinstance(short._.long_form, Span):
            yield short, short._.long_form



def defined_short_forms(doc: Doc, mentions_by_end: dict[int, Span], *, whole_mention: bool = False,
                        excluded: Container[str] = frozenset()) -> dict[str, Span]:
    """Short-form text -> the mention of `mentions_by_end` (keyed by end token) its long form ends with: first the
    detector's definitions ("metastatic renal cell carcinoma (mRCC)"), then an acronym in brackets right after a
    mention the detector missed ("ammonium acetate (NH4Ac)"). `whole_mention`: a definition counts only with a
    one-token short form and a long form holding the whole mention; `excluded` short forms are never taken."""
    forms: dict[str, Span] = {}
    for short, long_form in definitions(doc):
        found = mentions_by_end.get(long_form.end)
        if found is None or short.text in excluded:
            continue
        if whole_mention and (len(short) != 1 or found.start < long_form.start):
            continue
        forms.setdefault(short.text, found)
    words = [token.text for token in doc] if mentions_by_end else []
    for found in mentions_by_end.values():
        short_text = parenthesized_short_form(words, found.end, found.start)
        if short_text is not None and short_text not in excluded:
            forms.setdefault(short_text, found)
    return forms

def instrument_short_forms(doc: Doc, instrument_words: Container[str]) -> frozenset[str]:
    """Texts of the short forms whose long form ends with an instrument word: "apnea-hypopnea index (AHI)",
    "Hamilton Depression Rating Scale (HDRS)" name a measure, not the disease inside them."""
    return frozenset(short.text for short, long_form in definitions(doc) if long_form[-1].lower_ in instrument_words)


def analyte_short_forms(doc: Doc, is_analyte: Callable[[Doc, int, int], bool]) -> frozenset[str]:
    """Texts of the short forms whose long form ends with a lab analyte (`is_analyte(doc, start, end)` of its last
    token): "blood triglycerides (TG)", "total cholesterol (TC)" name what is measured, not a drug or a disease."""
    return frozenset(short.text for short, long_form in definitions(doc)
                     if is_analyte(doc, long_form.end - 1, long_form.end))


def long_form_labels(doc: Doc, mentions: Iterable[Span], *, ending: bool = False) -> dict[str, frozenset[str]]:
    """Short-form text -> the labels of the `mentions` that overlap its long forms: "high blood pressure (BP)"
    makes BP's {"DISEASE"}, whatever a model reads BP as elsewhere. `ending`: only the mentions that hold the long
    form's last token, so "stroke work (SW)" and "ocular perfusion pressure (OPP)" name no disease."""
    owner = {i: mention.label_ for mention in mentions for i in range(mention.start, mention.end)}
    labels: dict[str, set[str]] = {}
    for short, long_form in definitions(doc):
        tokens = range(long_form.end - 1, long_form.end) if ending else range(long_form.start, long_form.end)
        labels.setdefault(short.text, set()).update(owner[i] for i in tokens if i in owner)
    return {short: frozenset(found) for short, found in labels.items() if found}


# the mentions whose long form makes a short form a drug or disease; an endpoint's does not ("Data and Safety
# Monitoring Committee (DSMC)" holds the endpoint "Safety")
TERM_LABELS = frozenset({"DRUG", "DRUG_CLASS", "DISEASE"})


def foreign_short_forms(doc: Doc, terms: Iterable[tuple[int, int]]) -> frozenset[str]:
    """Texts of the short forms whose long form overlaps none of the `terms` (token ranges of mentions found in
    `doc`: those of `TERM_LABELS` to judge a drug or disease)."""
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
_LIST_MARKS = (":", ",", ";")  # what may follow a short form inside its brackets: "(DEN: 10 mg/kg/day)"


def parenthesized_short_form(words: Sequence[str], end: int, start: int | None = None) -> str | None:
    """The acronym in brackets right after the words `start`..`end` ("ammonium acetate (NH4Ac)"), None if there
    is none. An acronym has at most 8 characters, all capitals or two of them ("T", "5-HT", "COCs"). With
    `start`, an acronym followed by a colon, comma or semicolon in its brackets counts too if a word of the
    long form starts with its first letter ("diethylnitrosamine (DEN: 10 mg/kg/day)", "phenobarbital (PB, 15
    mg)"; not "placebo (HR, 0.8)"). With `start`, a code of one letter and digits counts only if a word of the long
    form starts with its letter: "status epilepticus (P20)" names postnatal day 20."""
    if end + 2 >= len(words) or words[end] != "(":
        return None
    short, after = words[end + 1], words[end + 2]
    if not after.startswith(")") and not (after in _LIST_MARKS and start is not None
                                          and spells_start(short, words[start:end])):
        return None
    acronym = (len(short) <= _ACRONYM_MAX_CHARS and short[0].isalnum()
               and (short.isupper() or sum(c.isupper() for c in short) >= 2))
    if acronym and sum(c.isalpha() for c in short) < 2 and start is not None:
        acronym = spells_start(short, words[start:end])  # "testosterone (T)"; not "status epilepticus (P20)"
    return short if acronym else None


def spells_start(short: str, words: Sequence[str]) -> bool:
    """Whether a word of `words`, or a part of one after a digit or sign ("0,0'-diisopropyl"), starts with the
    first letter of the short form."""
    letter = short[0].lower()
    return any(part[0].lower() == letter for word in words for part in re.findall(r"[^\W\d_]+", word))
