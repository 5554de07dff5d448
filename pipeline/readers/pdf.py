"""Read journal-article PDFs into a `Document` with pdfplumber.

The reader works on positioned words, page by page:

1. Running heads and feet (lines near the top or bottom edge that repeat on many pages, page numbers)
   are dropped.
2. Tables are found from their captions ("Table 2: ..."): the region is the stroked frame around the
   caption (Lancet), or the horizontal rules below it (BMC, BMJ). Cells come from pdfplumber's
   ruled-lines table finder when the region is a full grid, else from word alignment. Table and
   figure regions are kept out of the running text; figure captions are kept.
3. The remaining words are put in reading order by recursive whitespace cuts: a vertical gutter that
   no word crosses splits columns, otherwise blank horizontal bands split blocks, so full-width
   blocks (title, abstract) come before the columns under them. Narrow small-print columns (margin
   notes, affiliations) and framed boxes go to the end of the text.
4. Lines are joined into paragraphs. A hyphen at a line end is removed when the joined word occurs
   elsewhere in the document or the halves are not both words of it; it is kept when the hyphenated
   form occurs in the document, when the next line starts with a capital or digit, or when both
   halves are words the document uses ("double-blind", "IL-21").
5. Headings (bold or larger lines, or bold run-in words such as "Methods" in an abstract) open
   sections whose kind comes from the heading text.
"""
from __future__ import annotations

import io
import logging
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pdfplumber
from pdfplumber.page import Page

from pipeline.document import Document, Section, Table, TextBuilder, content_id, find_nct_ids
from pipeline.readers.errors import ReaderError

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.I)
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|medium|\.B$", re.I)
_CAPTION_START = re.compile(r"^(Table|TABLE|table|Figure|FIGURE|figure|Fig\.)$")
_CAPTION_NUMBER = re.compile(r"^(\d+|[IVX]+)[:.|]?$")
_CONTINUATION_NOTE = re.compile(r"^\(?(?:table \d+ )?(?:continues|continued)\b.*\)?$", re.I)
_NUMERIC_CELL = re.compile(r"^[\s<>≤≥=±+–—−\-.·,:;%()\[\]/*†‡§¶#0-9a-zA-Z]*\d[\s<>≤≥=±+–—−\-.·,:;%()\[\]/*†‡§¶#0-9]*$|^[–—-]$|^\.\.$")
_SENTENCE_END = re.compile(r"[.?!:;]['\"”’)]*$")
_HYPHENS = ("-", "\u2010", "\u00ad")
_WORD_CHARS = re.compile(r"[A-Za-z]+")

# Heading text (lower case, without numbering and trailing colon) -> section kind.
_HEADING_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (r"^(abstract|summary)$", "abstract"),
        (r"^(background|introduction|background and aims?)$", "background"),
        (r"^(methods?|materials and methods|patients and methods|methodology|study design and methods)$", "methods"),
        (r"^(results|findings)$", "results"),
        (r"^(discussion|comment)$", "discussion"),
        (r"^(conclusions?|interpretation|conclusions and implications)$", "conclusions"),
        (r"^(references|bibliography|literature cited)$", "references"),
        (r"^(adverse events|safety|safety and tolerability|adverse effects)$", "adverse_events"),
        (r"^(eligibility|eligibility criteria|inclusion and exclusion criteria)$", "eligibility"),
        (
            r"^(funding|acknowledge?ments?|competing interests|declaration of interests?|contributors"
            r"|authors?'? contributions|trial registration|keywords|role of the funding source"
            r"|abbreviations|author details|copyright|ethics approval.*|consent.*|data sharing.*)$",
            "metadata",
        ),
    )
)
_TOP_LEVEL_KINDS = frozenset({"abstract", "background", "methods", "results", "discussion", "conclusions", "references"})
_RUN_IN_HEADINGS = re.compile(
    r"^(background|introduction|objectives?|aims?|methods?|design|setting|participants|interventions"
    r"|main outcome measures|results|findings|conclusions?|interpretation|funding|trial registration"
    r"|keywords|context|purpose)$",
    re.I,
)


@dataclass(frozen=True)
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    fontname: str

    @property
    def bold(self) -> bool:
        return bool(_BOLD_FONT.search(self.fontname))

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class _Line:
    words: list[_Word]

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        return statistics.median(w.size for w in self.words)

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words if any(c.isalpha() for c in w.text))

    @property
    def text(self) -> str:
        return _join_words(self.words)


@dataclass
class _Paragraph:
    lines: list[_Line]
    heading: bool = False  # the whole paragraph is a heading line
    run_in: str | None = None  # bold run-in heading at its start, e.g. "Methods"

    @property
    def size(self) -> float:
        return statistics.median(line.size for line in self.lines)


@dataclass
class _Region:
    """A table or figure area on one page, kept out of the running text."""

    x0: float
    top: float
    x1: float
    bottom: float
    caption: str = ""
    caption_words: set[_Word] = field(default_factory=set)

    def contains(self, word: _Word, margin: float = 1.0) -> bool:
        return (
            self.x0 - margin <= word.center <= self.x1 + margin
            and self.top - margin <= (word.top + word.bottom) / 2 <= self.bottom + margin
        )


@dataclass
class _PageLayout:
    number: int
    width: float
    height: float
    words: list[_Word]
    frames: list[tuple[float, float, float, float]]
    rules: list[tuple[float, float, float, float]]


