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
from pdfminer.psexceptions import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.document import Document, Section, Table, TextBuilder, content_id, find_nct_ids
from pipeline.readers.errors import ReaderError

# pdfminer logs recoverable oddities of real PDFs ("Cannot set non-stroke color") at WARNING level;
# they say nothing a user can act on, and unreadable files raise ReaderError instead.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.I)
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|medium|\.B$", re.I)
_CAPTION_START = re.compile(r"^(Table|TABLE|table|Figure|FIGURE|figure|Fig\.)$")
_CAPTION_NUMBER = re.compile(r"^(\d+|[IVX]+)[:.|]?$")
_CONTINUATION_NOTE = re.compile(r"^\(?(?:table \d+ )?(?:continues|continued)\b.*\)?$", re.I)
_SENTENCE_END = re.compile(r"[.?!:;]['\"”’)]*$")
_LIGATURES = frozenset("\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06")
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
    def font(self) -> str:
        """The font most of the line's characters are set in."""
        counts: Counter[str] = Counter()
        for word in self.words:
            counts[word.fontname] += len(word.text)
        return counts.most_common(1)[0][0]

    @property
    def text(self) -> str:
        return _join_words(self.words)


@dataclass(frozen=True)
class _BodyStyle:
    """The size and font that most of the document's text is set in."""

    size: float
    font: str

    def emphasised(self, line: _Line) -> bool:
        """Set apart from body text: bold, larger, or in another font."""
        return line.bold or line.size >= self.size + 0.8 or line.font != self.font


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


@dataclass
class _TableRegion(_Region):
    """A table's area; `footnote_words` lie inside it but are notes, not cells."""

    footnote_words: set[_Word] = field(default_factory=set)
    continued_part: bool = False  # a frame holding the first part of a table, e.g. "(Table 2 continues ...)"


def read(raw: bytes, path: str) -> Document:
    """Read a PDF article: text in reading order, sections, tables, NCT ids and DOI."""
    warnings: list[str] = []
    with _OpenedPdf(raw, path) as pdf:
        layouts = [_parse_page(path, page, number) for number, page in enumerate(pdf.pages, start=1)]
        if not any(layout.words for layout in layouts):
            raise ReaderError(path, "no extractable text (scanned image?); run OCR first")
        for layout in layouts:
            if not layout.words:
                warnings.append(f"page {layout.number} has no extractable text (scanned image?)")
        running_text = _drop_running_lines(layouts)
        style = _body_style(layouts)
        body_size = style.size
        tables, regions = _extract_tables(pdf.pages, layouts, body_size, warnings)

    title_lines = _title_lines(layouts[0], regions.get(1, []))
    title_words = {word for line in title_lines for word in line.words}
    flow: list[list[_Line]] = []
    notes: list[list[_Line]] = []
    figure_captions: list[str] = []
    for layout in layouts:
        page_regions = regions.get(layout.number, [])
        figure_captions += [r.caption for r in page_regions if not isinstance(r, _TableRegion) and r.caption]
        page_flow, page_notes = _page_blocks(layout, page_regions, title_words, body_size)
        flow += page_flow
        notes += page_notes

    vocabulary = _Vocabulary(flow + notes + [title_lines])
    title = vocabulary.join_lines(title_lines)
    paragraphs = _paragraphs(flow, style)
    document_text, sections = _assemble(title, paragraphs, notes, figure_captions, vocabulary)
    return Document(
        id=content_id(raw),
        source_path=path,
        format="pdf",
        title=title,
        text=document_text,
        sections=sections,
        tables=tables,
        nct_ids=find_nct_ids(document_text + "\n" + running_text),
        publication_ids=_publication_ids(_join_words(layouts[0].words) + "\n" + running_text, document_text),
        warnings=warnings,
    )


class _OpenedPdf:
    """Open a PDF from bytes, translating pdfminer's errors into `ReaderError`s."""

    def __init__(self, raw: bytes, path: str) -> None:
        self._raw = raw
        self._path = path
        self._pdf: pdfplumber.PDF | None = None

    def __enter__(self) -> pdfplumber.PDF:
        if b"%PDF-" not in self._raw[:1024]:
            raise ReaderError(self._path, "damaged PDF: no %PDF- header")
        try:
            self._pdf = pdfplumber.open(io.BytesIO(self._raw))
            self._pdf.pages  # noqa: B018 - parses the page tree, where damage usually shows
        except Exception as exc:  # noqa: BLE001 - translated below
            raise ReaderError(self._path, _damage_cause(exc)) from exc
        if not self._pdf.pages:
            ending = "" if b"%%EOF" in self._raw[-2048:] else "; the file ends without %%EOF, so it is probably truncated"
            raise ReaderError(self._path, f"damaged PDF: no pages found{ending}")
        return self._pdf

    def __exit__(self, *exc_info: object) -> None:
        if self._pdf is not None:
            self._pdf.close()


def _damage_cause(exc: BaseException) -> str:
    """A one-line cause for an exception raised while parsing a PDF."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    name = type(inner).__name__
    if name in ("PDFPasswordIncorrect", "PDFEncryptionError") or "password" in str(inner).lower():
        return "encrypted PDF: needs a password"
    detail = str(inner).strip() or name
    return f"damaged PDF: {detail} ({name}); re-download or repair the file (e.g. qpdf, mutool clean)"


def _parse_page(path: str, page: Page, number: int) -> _PageLayout:
    """Parse one page; pdfminer's errors on broken content become a `ReaderError`."""
    try:
        return _page_layout(page, number)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many unrelated types for broken content
        raise ReaderError(path, f"page {number}: {_damage_cause(exc)}") from exc


def _page_layout(page: Page, number: int) -> _PageLayout:
    """Words and the ruling graphics of one page."""
    chars = page.chars
    overlapping_spaces = {
        id(char)
        for before, char in zip(chars, chars[1:])
        if char["text"] == " " and before["text"] in _LIGATURES and char["x0"] < before["x1"] - 0.5
    }
    if overlapping_spaces:  # some typesetters put a space over the end of each ligature glyph
        page = page.filter(lambda obj: id(obj) not in overlapping_spaces)
    raw_words = page.extract_words(x_tolerance_ratio=0.2, y_tolerance=2, extra_attrs=["size", "fontname"])
    words = [
        _Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], float(w["size"]), w["fontname"])
        for w in raw_words
        if w["text"].strip() and w.get("upright", True)
    ]
    frames = [
        (r["x0"], r["top"], r["x1"], r["bottom"])
        for r in page.rects
        if r.get("stroke") and r["width"] > 100 and r["height"] > 40
    ]
    rules = [
        (r["x0"], r["top"], r["x1"], r["bottom"])
        for r in list(page.rects) + list(page.lines)
        if r["height"] < 2 and r["width"] > 20
    ]
    return _PageLayout(number, float(page.width), float(page.height), words, _unique(frames), rules)


def _unique(boxes: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    seen: dict[tuple[int, ...], tuple[float, float, float, float]] = {}
    for box in boxes:
        seen.setdefault(tuple(round(v) for v in box), box)
    return list(seen.values())


def _join_words(words: Iterable[_Word]) -> str:
    """Words of one line in x order; no space where glyphs touch (superscripts, font changes)."""
    parts: list[str] = []
    previous: _Word | None = None
    for word in words:
        if previous is not None:
            touching = 0 <= word.x0 - previous.x1 < 0.12 * min(word.size, previous.size)
            same_line = abs(word.top - previous.top) < max(word.size, previous.size)
            parts.append("" if touching and same_line else (" " if same_line else "\n"))
        parts.append(word.text)
        previous = word
    return "".join(parts)


def _group_lines(words: Iterable[_Word]) -> list[_Line]:
    """Group words into lines (top to bottom, words left to right); superscripts stay on their line."""
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        for line in reversed(lines[-3:]):
            middle = (word.top + word.bottom) / 2
            if line.top - 0.2 * word.size <= middle <= line.bottom + 0.1 * word.size:
                line.words.append(word)
                break
        else:
            lines.append(_Line([word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    lines.sort(key=lambda line: line.top)
    return lines


def _segments(line: _Line, gap: float) -> list[_Line]:
    """Split a line where the space between two words is wider than `gap`."""
    segments = [_Line([line.words[0]])]
    for word in line.words[1:]:
        if word.x0 - segments[-1].words[-1].x1 > gap:
            segments.append(_Line([word]))
        else:
            segments[-1].words.append(word)
    return segments


def _normalized(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.lower())).strip()


def _drop_running_lines(layouts: list[_PageLayout]) -> str:
    """Remove running heads/feet and page numbers from each page; return their text (for DOIs)."""
    candidates: list[tuple[_PageLayout, _Line, str]] = []
    for layout in layouts:
        for line in _group_lines(layout.words):
            if line.bottom < 0.1 * layout.height or line.top > 0.92 * layout.height:
                for segment in _segments(line, 4 * line.size):
                    candidates.append((layout, segment, _normalized(segment.text)))
    pages_with = Counter(key for key in {(layout.number, key) for layout, _, key in candidates})
    counts = Counter(key for _, key in pages_with)
    threshold = max(2, round(0.4 * len(layouts)))
    dropped: list[str] = []
    for layout, segment, key in candidates:
        if counts[key] >= threshold or re.fullmatch(r"(page )?#( of #)?", key):
            remove = set(segment.words)
            layout.words = [w for w in layout.words if w not in remove]
            dropped.append(segment.text)
    return "\n".join(dropped)


def _body_style(layouts: list[_PageLayout]) -> _BodyStyle:
    """The font size and font that most characters are set in."""
    sizes: Counter[float] = Counter()
    fonts: Counter[str] = Counter()
    for layout in layouts:
        for word in layout.words:
            sizes[round(word.size, 1)] += len(word.text)
            fonts[word.fontname] += len(word.text)
    return _BodyStyle(sizes.most_common(1)[0][0], fonts.most_common(1)[0][0])


def _publication_ids(front_text: str, full_text: str) -> dict[str, str]:
    """The article's DOI: the one printed most often on page 1 and in running heads, else next to
    a "Cite this article as" line (BioMed Central prints it there); none when neither has one."""
    found = Counter(_clean_doi(match) for match in _DOI.findall(front_text))
    if not found:
        for cite in re.finditer(r"cite this article", full_text, re.I):
            window = full_text[max(0, cite.start() - 200) : cite.end() + 400]
            found.update(_clean_doi(match) for match in _DOI.findall(window))
    return {"doi": found.most_common(1)[0][0]} if found else {}


def _clean_doi(doi: str) -> str:
    doi = doi.rstrip(".,;")
    while doi.endswith(")") and doi.count(")") > doi.count("("):
        doi = doi[:-1]
    return doi


def _extract_tables(
    pages: Sequence[Page], layouts: list[_PageLayout], body_size: float, warnings: list[str]
) -> tuple[list[Table], dict[int, list[_Region]]]:
    """Tables of all pages (numbered in order) and, per page, the regions to keep out of the text."""
    tables: list[Table] = []
    regions: dict[int, list[_Region]] = {}
    pending: list[Table] = []  # first parts of tables that continue in the next frame
    for page, layout in zip(pages, layouts):
        page_regions = _find_regions(layout, body_size, warnings)
        regions[layout.number] = page_regions
        for region in sorted(page_regions, key=lambda r: not (isinstance(r, _TableRegion) and r.continued_part)):
            if not isinstance(region, _TableRegion):
                continue
            table = _region_table(page, layout, region)
            if region.continued_part:
                pending.append(table)
                continue
            if pending and len(pending[-1].rows[0]) == len(table.rows[0] if table.rows else []):
                first = pending.pop()
                table.rows = first.rows + table.rows
                table.footnotes = first.footnotes + table.footnotes
            table.id = f"T{len(tables) + 1}"
            tables.append(table)
            if not table.rows:
                warnings.append(f"{table.caption[:40]!r} on page {layout.number}: no cells recognised")
    for part in pending:
        part.id = f"T{len(tables) + 1}"
        tables.append(part)
        warnings.append(f"table part on page {part.page} has no caption")
    return tables, regions


def _captions(layout: _PageLayout) -> list[tuple[str, list[_Line]]]:
    """("table" or "figure", caption lines) for each bold "Table N"/"Figure N" caption on the page."""
    lines = [seg for line in _group_lines(layout.words) for seg in _segments(line, 0.8 * line.size)]
    lines.sort(key=lambda line: (line.top, line.x0))
    captions: list[tuple[str, list[_Line]]] = []
    for index, line in enumerate(lines):
        words = line.words
        if len(words) < 2 or not words[0].bold:
            continue
        if not (_CAPTION_START.match(words[0].text) and _CAPTION_NUMBER.match(words[1].text)):
            continue
        kind = "table" if words[0].text.lower() == "table" else "figure"
        caption = [line]
        style = words[-1].fontname
        for follower in lines[index + 1 :]:
            last = caption[-1]
            if follower.top - last.bottom > 0.8 * last.size or _rule_between(layout, last, follower):
                break
            if abs(follower.x0 - line.x0) <= 3 and follower.words[0].fontname == style:
                caption.append(follower)
        captions.append((kind, caption))
    return captions


def _rule_between(layout: _PageLayout, upper: _Line, lower: _Line) -> bool:
    """Whether a horizontal rule under `upper` separates it from `lower`."""
    return any(
        upper.bottom - 1 <= rule[1] <= lower.top + 1 and rule[0] < upper.x1 and rule[2] > upper.x0 for rule in layout.rules
    )


def _find_regions(layout: _PageLayout, body_size: float, warnings: list[str]) -> list[_Region]:
    """Table and figure areas of a page, found from their captions, frames and rules."""
    regions: list[_Region] = []
    captions = _captions(layout)
    used_frames: set[tuple[float, float, float, float]] = set()
    for index, (kind, lines) in enumerate(captions):
        caption_text = " ".join(line.text for line in lines)
        caption_words = {word for line in lines for word in line.words}
        anchor = lines[0].words[0]
        frame = _enclosing_frame(layout.frames, anchor)
        cls = _TableRegion if kind == "table" else _Region
        if frame is not None:
            used_frames.add(frame)
            region = cls(*frame, caption=caption_text, caption_words=caption_words)
        else:
            below = [c for _, c in captions[index + 1 :] if abs(c[0].x0 - lines[0].x0) < 40]
            limit = below[0][0].top if below else layout.height
            region = _ruled_region(layout, lines, limit, cls, caption_text, caption_words)
            if region is None:
                if kind == "table":
                    warnings.append(
                        f"{caption_text[:40]!r} on page {layout.number}: table area not found; its text stays in the body"
                    )
                region = _Region(lines[0].x0, lines[0].top, max(l.x1 for l in lines), lines[-1].bottom, caption_text, caption_words)
        if isinstance(region, _TableRegion):
            _mark_footnotes(layout, region, body_size)
        regions.append(region)
    for frame in layout.frames:
        if frame in used_frames or any(_inside(frame, (r.x0, r.top, r.x1, r.bottom)) for r in regions):
            continue
        inside = [w for w in layout.words if _Region(*frame).contains(w)]
        if any(_CONTINUATION_NOTE.match(line.text) and "continues" in line.text.lower() for line in _group_lines(inside)):
            part = _TableRegion(*frame, continued_part=True)
            _mark_footnotes(layout, part, body_size)
            regions.append(part)
    return regions


def _inside(inner: tuple[float, float, float, float], outer: tuple[float, float, float, float]) -> bool:
    return inner[0] >= outer[0] - 1 and inner[1] >= outer[1] - 1 and inner[2] <= outer[2] + 1 and inner[3] <= outer[3] + 1


def _enclosing_frame(
    frames: list[tuple[float, float, float, float]], word: _Word
) -> tuple[float, float, float, float] | None:
    """The smallest stroked frame around `word`, if any."""
    around = [f for f in frames if f[0] <= word.x0 and f[2] >= word.x1 and f[1] <= word.top and f[3] >= word.bottom]
    return min(around, key=lambda f: (f[2] - f[0]) * (f[3] - f[1])) if around else None


def _ruled_region(
    layout: _PageLayout,
    caption: list[_Line],
    limit: float,
    cls: type[_Region],
    caption_text: str,
    caption_words: set[_Word],
) -> _Region | None:
    """The area from a caption down to the last horizontal rule that lines up with it."""
    left = caption[0].x0
    rules = [r for r in layout.rules if abs(r[0] - left) <= 12 and caption[0].top - 12 <= r[1] < limit - 14]
    if not rules:
        return None
    x0 = min([left] + [r[0] for r in rules])
    x1 = max([max(line.x1 for line in caption)] + [r[2] for r in rules])
    for rule in sorted(layout.rules):  # rules drawn as one segment per column continue to the right
        if any(abs(rule[1] - r[1]) < 1 for r in rules) and x0 <= rule[0] <= x1 + 2:
            x1 = max(x1, rule[2])
    return cls(x0, min(caption[0].top, min(r[1] for r in rules)), x1, max(r[3] for r in rules), caption_text, caption_words)


def _mark_footnotes(layout: _PageLayout, region: _TableRegion, body_size: float) -> None:
    """Find a table's notes: the prose lines under its last row of cells, inside or just below the region."""
    inside = [w for w in layout.words if region.contains(w) and w not in region.caption_words]
    lines = _group_lines(inside)
    width = region.x1 - region.x0
    last_cells = max(
        (i for i, line in enumerate(lines) if len(_segments(line, 0.75 * line.size)) >= 2 and not _is_prose(line, width)),
        default=-1,
    )
    tail = lines[last_cells + 1 :]
    notes: list[_Line] = []
    previous_bottom = lines[last_cells].bottom if last_cells >= 0 else region.top
    for index, line in enumerate(tail):
        opens_note = len(line.words) >= 4 and re.match(r"[A-Z*†‡§¶]", line.text)
        if opens_note and line.top - previous_bottom > 0.3 * line.size:
            notes = tail[index:] if any(_is_prose(note, width) for note in tail[index:]) else []
            break
        previous_bottom = line.bottom
    below = [w for w in layout.words if region.x0 - 2 <= w.x0 <= region.x1 and w.top >= region.bottom - 1]
    bottom = region.bottom
    for line in _group_lines(below):
        if line.top - bottom > 1.2 * line.size or line.size >= body_size - 0.3:
            break
        notes.append(line)
        bottom = line.bottom
    region.bottom = bottom
    region.footnote_words = {w for line in notes for w in line.words}


def _is_prose(line: _Line, width: float) -> bool:
    """A full-width line of running words (a note), not a row of cells."""
    words = [w.text for w in line.words]
    alphabetic = sum(1 for w in words if re.search(r"[A-Za-z]{2}", w))
    return len(words) >= 6 and alphabetic >= 0.6 * len(words) and line.x1 - line.x0 >= 0.45 * width


def _region_table(page: Page, layout: _PageLayout, region: _TableRegion) -> Table:
    """Cells of a table region: ruled grid when there is one, else columns from word alignment."""
    cell_words = [
        w
        for w in layout.words
        if region.contains(w) and w not in region.caption_words and w not in region.footnote_words
    ]
    lines = [line for line in _group_lines(cell_words) if not _CONTINUATION_NOTE.match(line.text)]
    grid = _ruled_grid(page, region) or _aligned_grid(lines)
    grid = [row for row in grid if any(row) and not _CONTINUATION_NOTE.match(" ".join(row).strip())]
    while grid and sum(1 for cell in grid[-1] if cell) == 1 and len(" ".join(grid[-1]).split()) >= 8:
        grid.pop()  # notes printed inside the ruled grid; they were taken as footnotes
    if region.caption:
        caption_key = _normalized(region.caption)[:20]
        grid = [row for row in grid if not _normalized(" ".join(row)).startswith(caption_key)]
    first_data = next((i for i, row in enumerate(grid) if _is_data_row(row)), len(grid))
    while first_data > 0 and not any(grid[first_data - 1][1:]):  # a row label, not a header
        first_data -= 1
    header_rows, rows = grid[:first_data], _merge_wrapped_labels(grid[first_data:])
    footnote_lines = _group_lines(region.footnote_words) if region.footnote_words else []
    return Table(
        id="",
        caption=region.caption,
        header_rows=header_rows,
        rows=rows,
        page=layout.number,
        footnotes=_split_footnotes(" ".join(line.text for line in footnote_lines)),
        kind="adverse_events" if re.search(r"adverse (event|effect|reaction)|side[- ]effect", region.caption, re.I) else None,
    )


def _ruled_grid(page: Page, region: _Region) -> list[list[str]] | None:
    """The cells of a fully ruled table covering most of the region, if pdfplumber finds one."""
    box = (max(region.x0 - 2, 0), max(region.top - 2, 0), min(region.x1 + 2, page.width), min(region.bottom + 2, page.height))
    try:
        found = page.crop(box).find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
        if not found:
            return None
        best = max(found, key=lambda t: (t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1]))
        cells = best.extract(x_tolerance_ratio=0.2)
    except (PdfminerException, PSException):  # broken drawing commands: fall back to word alignment
        return None
    area = (best.bbox[2] - best.bbox[0]) * (best.bbox[3] - best.bbox[1])
    if area < 0.5 * (box[2] - box[0]) * (box[3] - box[1]) or len(cells) < 3 or len(cells[0]) < 2:
        return None
    return [[re.sub(r"\s+", " ", cell or "").strip() for cell in row] for row in cells]


def _aligned_grid(lines: list[_Line]) -> list[list[str]]:
    """Cells from word alignment: a row-label column, then value columns where cells line up.

    Value columns are the x ranges covered by the cells after the first one on lines that have two
    or more cells; a range covered by only a few lines (a header spanning two columns) does not count.
    """
    if not lines:
        return []
    size = statistics.median(line.size for line in lines)
    cell_gap = 0.75 * size
    split = [(line, _segments(line, cell_gap)) for line in lines]
    value_words = [w for _, segments in split if len(segments) >= 2 for seg in segments[1:] for w in seg.words]
    if not value_words:
        return [[line.text] for line in lines]
    step = 0.5
    left = min(line.x0 for line in lines)
    cover = [0] * (int((max(line.x1 for line in lines) - left) / step) + 2)
    for word in value_words:
        for i in range(int((word.x0 - left) / step), int((word.x1 - left) / step) + 1):
            cover[i] += 1
    floor = int(0.12 * sum(1 for _, segments in split if len(segments) >= 2))
    columns: list[list[float]] = []
    for i, count in enumerate(cover):
        x = left + i * step
        if count > floor:
            if columns and x - columns[-1][1] <= cell_gap:
                columns[-1][1] = x
            else:
                columns.append([x, x])
    label_end = columns[0][0] - 0.5 * cell_gap if columns else float("inf")
    columns.insert(0, [left, min(label_end, left)])
    grid: list[list[str]] = []
    for line, segments in split:
        cells: list[list[_Word]] = [[] for _ in columns]
        if len(segments) == 1:  # a label that spans columns stays whole
            target = 0 if line.words[0].x0 < label_end else _nearest_column(columns, line.words[0])
            cells[target] = line.words
        else:
            for segment in segments:
                first = segment.words[0]
                if first.x1 > label_end and first.text[:1].isalpha():  # a header spanning columns stays whole
                    cells[_nearest_column(columns, first)] += segment.words
                    continue
                for word in segment.words:
                    cells[0 if word.x1 <= label_end else _nearest_column(columns, word)].append(word)
        grid.append([_join_words(cell) for cell in cells])
    return grid


def _nearest_column(columns: list[list[float]], word: _Word) -> int:
    def distance(band: list[float]) -> float:
        if band[0] <= word.center <= band[1]:
            return 0.0
        return min(abs(word.center - band[0]), abs(word.center - band[1]))

    return min(range(len(columns)), key=lambda i: distance(columns[i]))


def _is_data_row(row: list[str]) -> bool:
    """A body row: a label or cells, with at least one number-like value after the first column."""
    values = [cell for cell in row[1:] if cell]
    return bool(values) and any(re.match(r"^[<>≤≥~]?\s*[-–−]?\.?\d", v) or v in ("..", "–", "—", "-") for v in values)


def _merge_wrapped_labels(rows: list[list[str]]) -> list[list[str]]:
    """Join a row label that wrapped onto its own line (only the first cell, lower-case start) to the row above,
    and values printed on their own line beside a wrapped label to that label."""
    merged: list[list[str]] = []
    for row in rows:
        label = row[0] if row else ""
        alone = label and not any(row[1:])
        if merged and not label and any(row[1:]) and merged[-1][0] and not any(merged[-1][1:]):
            merged[-1][1:] = row[1:]  # values set beside the middle of a label that wraps over several lines
        elif merged and alone and (label[0].islower() or label[0].isdigit() or label[0] in "(≥≤<>[") and merged[-1][0]:
            above = merged[-1][0]
            merged[-1][0] = above + label if above.endswith(_HYPHENS) else f"{above} {label}"
        else:
            merged.append(list(row))
    return merged


def _split_footnotes(text: str) -> list[str]:
    """Split table notes before each note marker (*, †, ‡, §, ¶) that starts a new sentence."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    return [part.strip() for part in re.split(r"(?<=[.)])\s+(?=[*†‡§¶]+\s?[A-Z])", text) if part.strip()]


def _title_lines(layout: _PageLayout, regions: list[_Region]) -> list[_Line]:
    """The largest-font lines in the upper part of page 1."""
    candidates = [
        w for w in layout.words if w.top < 0.6 * layout.height and not any(r.contains(w) for r in regions)
    ]
    if not candidates:
        return []
    largest = max(w.size for w in candidates)
    lines = _group_lines(w for w in candidates if w.size >= largest - 0.6)
    # keep the first run of lines that follow each other closely
    title = lines[:1]
    for line in lines[1:]:
        if line.top - title[-1].bottom > 1.5 * largest:
            break
        title.append(line)
    return title


def _page_blocks(
    layout: _PageLayout, regions: list[_Region], skip: set[_Word], body_size: float
) -> tuple[list[list[_Line]], list[list[_Line]]]:
    """A page's text blocks in reading order, and its out-of-flow blocks (margin notes, framed boxes)."""
    words = [
        w
        for w in layout.words
        if w not in skip and not any(r.contains(w) or w in r.caption_words for r in regions)
    ]
    boxes = [
        frame
        for frame in layout.frames
        if frame[3] - frame[1] < 0.4 * layout.height and not any(_inside(frame, (r.x0, r.top, r.x1, r.bottom)) for r in regions)
    ]
    boxed = [[w for w in words if _Region(*frame).contains(w)] for frame in boxes]
    in_box = {w for box in boxed for w in box}
    flow_words = [w for w in words if w not in in_box]
    min_gutter = max(5.0, 0.6 * body_size)
    flow: list[list[_Line]] = []
    notes: list[list[_Line]] = [_group_lines(box) for box in boxed if box]
    for block in _reading_order(flow_words, min_gutter, 0.55 * body_size):
        lines = _group_lines(block)
        width = max(line.x1 for line in lines) - min(line.x0 for line in lines)
        small = statistics.median(w.size for w in block) < body_size - 0.6
        if small and width < 0.25 * layout.width:
            notes.append(lines)
        else:
            flow.append(lines)
    return flow, notes


def _reading_order(words: list[_Word], min_gutter: float, min_gap: float) -> list[list[_Word]]:
    """Blocks of words in reading order by recursive cuts at gutters, then at blank bands."""
    if not words:
        return []
    gutter = _find_gutter(words, min_gutter)
    if gutter is not None:
        left = [w for w in words if w.center < gutter]
        right = [w for w in words if w.center >= gutter]
        return _reading_order(left, min_gutter, min_gap) + _reading_order(right, min_gutter, min_gap)
    bands = _horizontal_bands(words, min_gap)
    if len(bands) == 1:
        return [words]
    merged = [bands[0]]
    for band in bands[1:]:
        if _find_gutter(merged[-1] + band, min_gutter) is not None:
            merged[-1] = merged[-1] + band
        else:
            merged.append(band)
    return [block for band in merged for block in _reading_order(band, min_gutter, min_gap)]


def _find_gutter(words: list[_Word], min_gutter: float) -> float | None:
    """The x of the widest vertical gap no word crosses, with at least two lines of text on each side."""
    spans = sorted((w.x0, w.x1) for w in words)
    gaps: list[tuple[float, float]] = []
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= min_gutter:
            gaps.append((x0 - reach, (x0 + reach) / 2))
        reach = max(reach, x1)
    left_edge, right_edge = spans[0][0], reach
    for _, x in sorted(gaps, reverse=True):
        left = [w for w in words if w.center < x]
        right = [w for w in words if w.center >= x]
        wide_enough = x - left_edge >= 40 and right_edge - x >= 40
        if wide_enough and _line_count(left) >= 2 and _line_count(right) >= 2:
            return x
    return None


def _line_count(words: list[_Word]) -> int:
    return len({round(w.top / 2) for w in words})


def _horizontal_bands(words: list[_Word], min_gap: float) -> list[list[_Word]]:
    """Split words at horizontal blank bands at least `min_gap` high."""
    ordered = sorted(words, key=lambda w: w.top)
    bands = [[ordered[0]]]
    reach = ordered[0].bottom
    for word in ordered[1:]:
        if word.top - reach >= min_gap:
            bands.append([word])
        else:
            bands[-1].append(word)
        reach = max(reach, word.bottom)
    return bands


class _Vocabulary:
    """Words the document spells whole, to decide whether a line-end hyphen belongs to the word."""

    def __init__(self, blocks: list[list[_Line]]) -> None:
        self.words: set[str] = set()
        self.hyphenated: set[str] = set()
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
        return not (head in self.words and tail in self.words and len(head) >= 2 and len(tail) >= 3)

    def join(self, text: str, following: str) -> str:
        """Append one line to the text before it, repairing a word broken by a hyphen at the line end."""
        if not text:
            return following
        if text.endswith("\u00ad"):
            return text[:-1] + following
        if text.endswith(_HYPHENS) and len(text) > 1 and text[-2].isalpha():
            head = re.search(r"[A-Za-z]+$", text[:-1])
            tail = re.match(r"[A-Za-z]+", following)
            if head and tail and following[0].islower() and head.group().islower() and self.joins(head.group(), tail.group()):
                return text[:-1] + following
            return text + following
        return f"{text} {following}"

    def join_lines(self, lines: list[_Line]) -> str:
        text = ""
        for line in lines:
            text = self.join(text, line.text)
        return text


def _paragraphs(blocks: list[list[_Line]], style: _BodyStyle) -> list[_Paragraph]:
    """Split blocks into paragraphs and rejoin paragraphs that a column or page break cut in two."""
    paragraphs: list[_Paragraph] = []
    for lines in blocks:
        block_x0 = min(line.x0 for line in lines)
        block_x1 = max(line.x1 for line in lines)
        first = True
        for previous, line in zip([None, *lines], lines):
            starts = previous is None or _starts_paragraph(previous, line, block_x0, block_x1, style)
            if starts:
                paragraph = _Paragraph([line])
                _classify(paragraph, style)
                if first and paragraphs and _continues(paragraphs[-1], paragraph):
                    paragraphs[-1].lines.append(line)
                else:
                    paragraphs.append(paragraph)
            else:
                paragraphs[-1].lines.append(line)
                _classify(paragraphs[-1], style)
            first = False
    return paragraphs


def _starts_paragraph(previous: _Line, line: _Line, block_x0: float, block_x1: float, style: _BodyStyle) -> bool:
    """Whether `line` opens a new paragraph after `previous` in the same block."""
    size = line.size
    if line.top - previous.bottom > 0.65 * size:
        return True
    if abs(line.size - previous.size) > 0.8 or line.bold != previous.bold:
        return True
    if line.font != previous.font and (style.emphasised(line) or style.emphasised(previous)):
        return True
    indented = line.x0 - block_x0 > 0.8 * size and previous.x0 - block_x0 < 0.5 * size
    short_before = previous.x1 < block_x1 - 2.5 * size and bool(_SENTENCE_END.search(previous.text))
    return indented or short_before


def _continues(before: _Paragraph, after: _Paragraph) -> bool:
    """Whether `after` (first paragraph of a block) carries on the sentence that `before` left open."""
    if before.heading or after.heading or after.run_in:
        return False
    ending = before.lines[-1].text
    return not _SENTENCE_END.search(ending) and abs(before.size - after.size) < 0.8


def _classify(paragraph: _Paragraph, style: _BodyStyle) -> None:
    """Mark a paragraph as a heading line, or note its bold run-in heading."""
    text = " ".join(line.text for line in paragraph.lines)
    words = text.split()
    emphasised = all(style.emphasised(line) for line in paragraph.lines)
    paragraph.heading = (
        emphasised
        and len(paragraph.lines) <= 2
        and 0 < len(words) <= 12
        and not text.endswith(".")
        and bool(re.match(r"[A-Z0-9]", text) or all(line.bold for line in paragraph.lines))
        and sum(c.isalpha() for c in text) >= 3
    )
    paragraph.run_in = None
    if not paragraph.heading:
        first_line = paragraph.lines[0].words
        bold_run = []
        for word in first_line:
            if not word.bold:
                break
            bold_run.append(word.text)
        label = " ".join(bold_run).strip().rstrip(":.")
        if 0 < len(bold_run) < len(first_line) and _RUN_IN_HEADINGS.match(label):
            paragraph.run_in = label


def _heading_kind(name: str) -> str:
    key = re.sub(r"^[\d.\s]+", "", name.lower()).strip().rstrip(":.")
    for pattern, kind in _HEADING_KINDS:
        if pattern.match(key):
            return kind
    return "other"


def _assemble(
    title: str,
    paragraphs: list[_Paragraph],
    notes: list[list[_Line]],
    figure_captions: list[str],
    vocabulary: _Vocabulary,
) -> tuple[str, list[Section]]:
    """Build the document text and its sections: title, body with headings, then notes and captions."""
    builder = TextBuilder()
    spans: list[tuple[str, str, int, int]] = []  # name, kind, start, end
    if title:
        start, end = builder.add(title)
        spans.append((title, "title", start, end))

    main_styles = Counter(
        _heading_style(p) for p in paragraphs if p.heading and _heading_kind(_plain(p)) in ("background", "methods", "results", "discussion")
    )
    top_style = main_styles.most_common(1)[0][0] if main_styles else None
    open_top: list[object] = []  # [name, kind, start] of the level-1 section being built
    open_sub: list[object] = []
    last_end = 0

    def close(section: list[object], end: int) -> None:
        if section and end > int(section[2]):
            spans.append((str(section[0]), str(section[1]), int(section[2]), end))
        section.clear()

    for paragraph in paragraphs:
        text = vocabulary.join_lines(paragraph.lines)
        if not text.strip():
            continue
        start, end = builder.add(text)
        name = _plain(paragraph) if paragraph.heading else paragraph.run_in
        in_references = bool(open_top) and open_top[1] == "references"
        if name and in_references and _heading_style(paragraph) != top_style:
            name = None  # reference entries set in another font are not headings
        if name:
            kind = _heading_kind(name)
            level_one = paragraph.heading and (
                kind in ("abstract", "references")
                or _heading_style(paragraph) == top_style
                or (top_style is None and kind in _TOP_LEVEL_KINDS)
            )
            close(open_sub, last_end)
            if level_one:
                close(open_top, last_end)
                open_top[:] = [name, kind, start]
            else:
                parent = str(open_top[1]) if open_top else "other"
                own = kind if kind not in _TOP_LEVEL_KINDS and kind != "other" else parent
                open_sub[:] = [name, "abstract" if parent == "abstract" else own, start]
        last_end = end
    close(open_sub, last_end)
    close(open_top, last_end)

    for name, kind, blocks in (
        ("Margin notes and boxes", "metadata", [vocabulary.join_lines(lines) for lines in notes]),
        ("Figure captions", "other", figure_captions),
    ):
        added = [builder.add(block) for block in blocks if block.strip()]
        if added:
            spans.append((name, kind, added[0][0], added[-1][1]))
    text = builder.text
    sections = [Section(name=n, kind=k, start=s, end=e, text=text[s:e]) for n, k, s, e in spans]
    sections.sort(key=lambda section: (section.start, -section.end))
    return text, sections


def _heading_style(paragraph: _Paragraph) -> tuple[str, float]:
    return paragraph.lines[0].font, round(paragraph.lines[0].size)


def _plain(paragraph: _Paragraph) -> str:
    return " ".join(line.text for line in paragraph.lines).strip()
