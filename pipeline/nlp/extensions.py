"""All custom `Doc` and `Span` attributes TrialGraph sets, declared in one place.

Doc._.sections       list[Section]   sections of the source document (set before the pipeline runs)
Doc._.relations      list[Relation]  relations between entities of `doc.ents`
Span._.norm          list[str]       identifiers as CURIEs, best first
Span._.concept       str | None      preferred name of the normalized concept
Span._.concept_span  tuple | None    (start_char, end_char) of the concept's name inside a longer reported
                                     phrase ("hepatitis" in "severe hepatitis"); None when the phrase is the name
Span._.named_cause   tuple | None    (start_char, end_char) of the DRUG an adverse event names as its cause
                                     ("heparin" in "heparin-induced thrombocytopenia")
Span._.phrase_start  int | None      start_char of the reported phrase when it takes in the drug before the
                                     mention ("lithium" of "lithium toxicity"); the mention's words name the concept
Span._.negated       bool            the mention is negated ("no brain metastases")
Span._.context       str | None      eligibility | prior_therapy | concomitant | historical | hypothetical | possible | other_study
Span._.section       str | None      kind of the section the mention sits in
Span._.grade         str | None      CTCAE grade of an adverse event ("3", ">=3", "any")
Span._.serious       bool            a serious adverse event
Span._.dlt           bool            named as a dose-limiting toxicity
Span._.dose          Dose | None     structured dose attributes of a DOSE mention
Span._.source        str | None      lexicon | rule | model: which extractor produced the mention
Span._.result        dict | None     value stated for an ENDPOINT: value, unit, ci, n, total, text
Span._.endpoint_kind str | None      primary | secondary | other: the kind a paper states its ENDPOINT to be
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

# the values of `Span._.context`, one home (context component, relations, graph)
CONTEXTS = ("eligibility", "prior_therapy", "concomitant", "historical", "hypothetical", "possible", "other_study")
# the kinds of an endpoint, one home (endpoint statements, graph, trial facts)
ENDPOINT_KINDS = ("primary", "secondary", "other")

_DOC_ATTRIBUTES = {"sections": None, "relations": None}
_SPAN_ATTRIBUTES = {
    "norm": None,
    "concept": None,
    "concept_span": None,
    "named_cause": None,
    "phrase_start": None,
    "negated": False,
    "context": None,
    "section": None,
    "grade": None,
    "serious": False,
    "dlt": False,
    "dose": None,
    "source": None,
    "result": None,
    "endpoint_kind": None,
}


@dataclass
class Relation:
    """A directed relation between two entities of one `Doc` (indexes into `doc.ents`)."""

    head: int
    tail: int
    label: str
    confidence: float
    extractor: str


def register_extensions() -> None:
    """Declare every attribute once; safe to call repeatedly."""
    for name, default in _DOC_ATTRIBUTES.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name, default in _SPAN_ATTRIBUTES.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


def copy_span(span: Span, label: str | None = None, start: int | None = None, end: int | None = None) -> Span:
    """A new span over the same tokens (optionally relabelled, or over other tokens) carrying the same `._`
    attributes."""
    start = span.start if start is None else start
    end = span.end if end is None else end
    new = Span(span.doc, start, end, label=label or span.label_)
    if (start, end) != (span.start, span.end) or not _SAME_OFFSETS_SHARE_ATTRIBUTES:
        for name in _SPAN_ATTRIBUTES:
            setattr(new._, name, getattr(span._, name))
    return new


def _same_offsets_share_attributes() -> bool:
    """Whether spaCy keys `Span._` values by character offsets alone, so that a relabelled span over the
    same tokens already carries them (spaCy 3.x does; checked rather than assumed)."""
    doc = Doc(Vocab(), words=["x"])
    Span(doc, 0, 1, label="A")._.source = "probe"
    return Span(doc, 0, 1, label="B")._.source == "probe"


register_extensions()
_SAME_OFFSETS_SHARE_ATTRIBUTES = _same_offsets_share_attributes()
