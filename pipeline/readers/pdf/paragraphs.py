"""Lines into paragraphs, headings into sections, and the document text assembled from them.

A hyphen at a line end is removed when the joined word occurs elsewhere in the document or the halves are
not both words of it; it is kept when the hyphenated form occurs in the document, when the next line starts
with a capital or digit, or when both halves are words the document uses ("double-blind", "IL-21").
Headings (bold or larger lines, or bold run-in words such as "Methods" in an abstract) open sections whose
kind comes from the heading text.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from pipeline.document import ARTICLE_PART_KINDS, Section, TextBuilder, article_heading, run_in_back_matter
from pipeline.readers.pdf.layout import HYPHENS, BodyStyle, Line
from pipeline.readers.pdf.settings import PdfSettings

_SENTENCE_END = re.compile(r"[.?!:;]['\"”’)]*$")
_WORD_CHARS = re.compile(r"[A-Za-z]+")

# Bold words that open a paragraph of an abstract; back matter's labels ("Contributors:") come from ARTICLE_HEADINGS.
_RUN_IN_HEADINGS = re.compile(
    r"^(background|introduction|objectives?|aims?|methods?|design|setting|participants|interventions"
    r"|main outcome measures|results|findings|conclusions?|interpretation|context|purpose)$",
    re.I,
)
# A reference list entry as journals number it: "3 Salihu HM, Wilson RE. Epidemiology of ...", "[12] Smith J, ..."
_REFERENCE_ENTRY = re.compile(r"^(?:\[\d{1,3}\]|\d{1,3}\.?)\s+[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?\s[A-Z]{1,3}[,.]")
_REFERENCE_RUN = 3  # entries among the next paragraphs that make a reference list without a heading


@dataclass(frozen=True, slots=True)
class TextLine:
    """What paragraphs and headings need of a line, kept once its page is done (the words are let go)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    bold: bool
    emphasised: bool  # set apart from the body style (bold, larger, another font)
    bold_lead: int  # how many of its first words are bold (a run-in heading such as "Methods")
    words: int
    bold_text: str  # those bold first words

    @classmethod
    def of(cls, line: Line, style: BodyStyle, settings: PdfSettings) -> TextLine:
        lead = 0
        for word in line.words:
            if not word.bold:
                break
            lead += 1
        return cls(line.text_with(settings), line.x0, line.x1, line.top, line.bottom, line.size, line.font, line.bold,
                   style.emphasised(line), lead, len(line.words), " ".join(w.text for w in line.words[:lead]))


def text_lines(lines: list[Line], style: BodyStyle, settings: PdfSettings) -> list[TextLine]:
    return [TextLine.of(line, style, settings) for line in lines]


@dataclass
class Paragraph:
    lines: list[TextLine]
    heading: bool = False  # the whole paragraph is a heading line
    run_in: str | None = None  # bold run-in heading at its start, e.g. "Methods"

    @property
    def size(self) -> float:
        return statistics.median(line.size for line in self.lines)


class Vocabulary:
    """Words the document spells whole, to decide whether a line-end hyphen belongs to the word."""

    def __init__(self, settings: PdfSettings) -> None:
        self.settings = settings
        self.words: set[str] = set()
        self.hyphenated: set[str] = set()

    def add(self, blocks: list[list[Line]]) -> None:
        """Learn the words inside the lines of `blocks` (first and last words of a line may be broken)."""
        for lines in blocks:
            for line in lines:
                for word in line.words[1:-1]:
                    text = word.text.lower().strip(".,;:()[]'\"“”’")
                    self.words.update(_WORD_CHARS.findall(text))
                    if re.fullmatch(r"[a-z]+(?:-[a-z]+)+", text):
                        self.hyphenated.add(text)

    def joins(self, head: str, tail: str) -> bool:
        """Whether "head-" at a line end and "tail" on the next line are one word without the hyphen."""
        head, tail = head.lower(), tail.lower()
        if f"{head}-{tail}" in self.hyphenated:
            return False
        if head + tail in self.words:
            return True
        settings = self.settings
        return not (head in self.words and tail in self.words
                    and len(head) >= settings.hyphen_head_min and len(tail) >= settings.hyphen_tail_min)

    def join(self, text: str, following: str) -> str:
        """Append one line to the text before it, repairing a word broken by a hyphen at the line end."""
        if not text:
            return following
        if text.endswith("\u00ad"):
            return text[:-1] + following
        if text.endswith(HYPHENS) and len(text) > 1 and text[-2].isalpha():
            head = re.search(r"[A-Za-z]+$", text[:-1])
            tail = re.match(r"[A-Za-z]+", following)
            if head and tail and following[0].islower() and head.group().islower() and self.joins(head.group(), tail.group()):
                return text[:-1] + following
            return text + following
        return f"{text} {following}"

    def join_lines(self, lines: list[TextLine]) -> str:
        text = ""
        for line in lines:
            text = self.join(text, line.text)
        return text


def paragraphs(blocks: list[list[TextLine]], settings: PdfSettings) -> list[Paragraph]:
    """Split blocks into paragraphs and rejoin paragraphs that a column or page break cut in two."""
    found: list[Paragraph] = []
    for lines in blocks:
        block_x0 = min(line.x0 for line in lines)
        block_x1 = max(line.x1 for line in lines)
        first = True
        for previous, line in zip([None, *lines], lines):
            if previous is None or _starts_paragraph(previous, line, block_x0, block_x1, settings):
                paragraph = Paragraph([line])
                _classify(paragraph, settings)
                if first and found and _continues(found[-1], paragraph, settings):
                    found[-1].lines.append(line)
                else:
                    found.append(paragraph)
            else:
                found[-1].lines.append(line)
                _classify(found[-1], settings)
            first = False
    return found


def _starts_paragraph(previous: TextLine, line: TextLine, block_x0: float, block_x1: float, settings: PdfSettings) -> bool:
    """Whether `line` opens a new paragraph after `previous` in the same block."""
    size = line.size
    if line.top - previous.bottom > settings.paragraph_gap_ratio * size:
        return True
    if abs(line.size - previous.size) > settings.size_change or line.bold != previous.bold:
        return True
    if line.font != previous.font and (line.emphasised or previous.emphasised):
        return True
    indented = line.x0 - block_x0 > settings.indent_ratio * size and previous.x0 - block_x0 < settings.flush_ratio * size
    short_before = previous.x1 < block_x1 - settings.short_line_ratio * size and bool(_SENTENCE_END.search(previous.text))
    return indented or short_before


def _continues(before: Paragraph, after: Paragraph, settings: PdfSettings) -> bool:
    """Whether `after` (first paragraph of a block) carries on the sentence that `before` left open."""
    if before.heading or after.heading or after.run_in:
        return False
    ending = before.lines[-1].text
    return not _SENTENCE_END.search(ending) and abs(before.size - after.size) < settings.size_change


def _classify(paragraph: Paragraph, settings: PdfSettings) -> None:
    """Mark a paragraph as a heading line, or note its bold run-in heading."""
    text = " ".join(line.text for line in paragraph.lines)
    words = text.split()
    emphasised = all(line.emphasised for line in paragraph.lines)
    paragraph.heading = (
        emphasised
        and len(paragraph.lines) <= settings.heading_max_lines
        and 0 < len(words) <= settings.heading_max_words
        and not text.endswith(".")
        and bool(re.match(r"[A-Z0-9]", text) or all(line.bold for line in paragraph.lines))
        and sum(c.isalpha() for c in text) >= settings.heading_min_letters
    )
    paragraph.run_in = None
    if not paragraph.heading:
        first = paragraph.lines[0]
        label = first.bold_text.strip().rstrip(":.")
        if 0 < first.bold_lead < first.words and (_RUN_IN_HEADINGS.match(label) or article_heading(label, ("back",))):
            paragraph.run_in = label
        else:  # a back-matter label in any font: "Contributors: ..."
            paragraph.run_in = run_in_back_matter(text)


def heading_kind(name: str) -> str:
    """The section kind a heading opens (`ARTICLE_HEADINGS`), "other" for a heading it does not know."""
    rule = article_heading(re.sub(r"^[\d.\s]+", "", name.lower()).strip().rstrip(":."))
    return rule.kind if rule else "other"


def assemble(
    title: str,
    found: list[Paragraph],
    notes: list[list[TextLine]],
    figure_captions: list[str],
    vocabulary: Vocabulary,
) -> tuple[str, list[Section]]:
    """Build the document text and its sections: title, body with headings, then notes and captions."""
    settings = vocabulary.settings
    builder = TextBuilder()
    spans: list[tuple[str, str, int, int]] = []  # name, kind, start, end
    if title:
        start, end = builder.add(title)
        spans.append((title, "title", start, end))

    main_styles = Counter(
        _heading_style(p) for p in found
        if p.heading and heading_kind(_plain(p, settings)) in ("background", "methods", "results", "discussion")
    )
    top_style = main_styles.most_common(1)[0][0] if main_styles else None
    open_top: list[object] = []  # [name, kind, start] of the level-1 section being built
    open_sub: list[object] = []
    last_end = 0

    def close(section: list[object], end: int) -> None:
        if section and end > int(section[2]):  # type: ignore[call-overload]
            spans.append((str(section[0]), str(section[1]), int(section[2]), end))  # type: ignore[call-overload]
        section.clear()

    texts = [vocabulary.join_lines(paragraph.lines) for paragraph in found]
    references_from = _unheaded_reference_list(texts)
    front_start: int | None = None  # where the text after the title begins, until the first section opens
    for index, (paragraph, text) in enumerate(zip(found, texts)):
        if not text.strip():
            continue
        start, end = builder.add(text)
        if front_start is None:
            front_start = start
        name = _plain(paragraph, settings) if paragraph.heading else paragraph.run_in
        if index == references_from and open_top and open_top[1] != "references":
            close(open_sub, last_end)
            close(open_top, last_end)
            open_top[:], name = ["References", "references", start], None
        in_references = bool(open_top) and open_top[1] == "references"
        if name and in_references and _heading_style(paragraph) != top_style:
            name = None  # reference entries set in another font are not headings
        if name:
            kind = heading_kind(name)
            level_one = paragraph.heading and (
                kind in ("abstract", "references")
                or _heading_style(paragraph) == top_style
                or (top_style is None and kind in ARTICLE_PART_KINDS)
            )
            close(open_sub, last_end)
            if level_one:
                if not open_top and kind == "abstract" and front_start is not None and last_end > front_start:
                    spans.append(("Front matter", "metadata", front_start, last_end))  # authors, affiliations
                close(open_top, last_end)
                open_top[:] = [name, kind, start]
            else:
                parent = str(open_top[1]) if open_top else "other"
                own = kind if kind not in ARTICLE_PART_KINDS and kind != "other" else parent
                open_sub[:] = [name, "abstract" if parent == "abstract" and own != "metadata" else own, start]
                if own == "metadata" and not paragraph.heading:
                    close(open_sub, end)  # "Keywords: ..." is back matter of one paragraph; the part goes on
        last_end = end
    close(open_sub, last_end)
    close(open_top, last_end)

    note_texts = [vocabulary.join_lines(lines) for lines in notes]
    for name, kind, blocks in (("Margin notes and boxes", "metadata", note_texts), ("Figure captions", "other", figure_captions)):
        added = [builder.add(block) for block in blocks if block.strip()]
        if added:
            spans.append((name, kind, added[0][0], added[-1][1]))
    text = builder.text
    sections = [Section(name=n, kind=k, start=s, end=e, text=text[s:e]) for n, k, s, e in spans]
    sections.sort(key=lambda section: (section.start, -section.end))
    return text, sections


def _unheaded_reference_list(texts: list[str]) -> int | None:
    """The index of the paragraph that opens a reference list printed without a heading (BMJ): the first of
    `_REFERENCE_RUN` numbered entries ("1 Kallen K. The impact ...") that come within `3 * _REFERENCE_RUN`
    paragraphs of each other, None if no such run."""
    entries = [i for i, text in enumerate(texts) if _REFERENCE_ENTRY.match(text)]
    for position in range(len(entries) - _REFERENCE_RUN + 1):
        run = entries[position : position + _REFERENCE_RUN]
        if run[-1] - run[0] <= 3 * _REFERENCE_RUN:
            return run[0]
    return None


def _heading_style(paragraph: Paragraph) -> tuple[str, float]:
    return paragraph.lines[0].font, round(paragraph.lines[0].size)


def _plain(paragraph: Paragraph, settings: PdfSettings) -> str:
    return " ".join(line.text for line in paragraph.lines).strip()
