"""Reader for plain text and for journal-article text extracted from HTML or PDF.

The document text is rebuilt paragraph by paragraph with `TextBuilder`: headings stay as their own
lines, prose paragraphs broken by page or column breaks are joined again, and tab-separated tables
(with their caption line and footnote lines) leave the prose and become `Table`s. Text without
recognisable article headings becomes one `other` section with the first line as title.

The small helpers at the top (blocks, title clipping, nested sections, NCT-id ordering) are shared
with the ClinicalTrials.gov page reader.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.document import (Document, Section, Table, TextBuilder, article_heading, content_id, find_nct_ids,
                               run_in_back_matter)
from pipeline.readers.sniff import decode_text

FORMAT = "text"
TITLE_MAX_CHARS = 200

# ---------------------------------------------------------------------------------------------
# Shared helpers (also used by pipeline.readers.ctgov_page)
# ---------------------------------------------------------------------------------------------


def split_blocks(text: str) -> list[list[str]]:
    """Split text into blocks of lines separated by blank (or whitespace-only) lines; lines keep tabs."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def clip_title(line: str, limit: int = TITLE_MAX_CHARS) -> str:
    """A one-line title: whitespace collapsed, cut at a word boundary to at most `limit` characters."""
    title = " ".join(line.split())
    if len(title) <= limit:
        return title
    cut = title[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:")


def add_parent_section(builder: TextBuilder, name: str, kind: str, start: int) -> None:
    """Record a section spanning everything added to `builder` since offset `start` (if anything was)."""
    end = len(builder.text)
    if end > start:
        text = builder.text[start:end]
        lead = len(text) - len(text.lstrip())
        builder.sections.append(Section(name=name, kind=kind, start=start + lead, end=end, text=text[lead:]))


_REGISTRATION_CONTEXT = re.compile(r"registration|registered|registry|identifier", re.I)


def ordered_nct_ids(text: str) -> list[str]:
    """NCT ids with those on a registration line ("Trial registration: ... NCT...") first."""
    registered = [
        nct
        for line in text.split("\n")
        if _REGISTRATION_CONTEXT.search(line)
        for nct in find_nct_ids(line)
    ]
    return list(dict.fromkeys(registered + find_nct_ids(text)))


# ---------------------------------------------------------------------------------------------
# Article structure: headings, tables, footnotes
# ---------------------------------------------------------------------------------------------

# A sub-heading under Results that is about harms narrows the kind to adverse_events.
_SAFETY_HEADING = re.compile(r"\b(safety|adverse|toxicit|tolerability|side effects?)", re.I)
_HEADING_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+")
_FUNCTION_WORD_END = re.compile(r"\b(of|the|and|or|with|in|to|for|at|by|a|an|on|from|as)$", re.I)
_FRONT_MATTER_LABEL = re.compile(
    r"^(?:(?:open access|(?:research|original|review|short|brief)?\s*(?:article|paper|report|communication|study)"
    r"|correspondence|case report|editorial|letter|commentary)\s*)+$",
    re.I,
)
_TABLE_CAPTION = re.compile(r"^(?:Table|TABLE)\s+([A-Z]?\d+[A-Za-z]?)\b")
_FOOTNOTE_START = re.compile(r"^(?:\*+|\[[^\]\s]{1,3}\]|[†‡§¶‖#]|Abbreviations?\b|Notes?\s*:)")
# Page furniture that PDF and HTML extraction leaves inside the prose.
_PAGE_FURNITURE = re.compile(
    r"^(?:\*\s*Correspondence\b|[¹²³⁴⁵⁶⁷⁸⁹⁰]|Full list of author information\b|Page \d+ of \d+$)", re.I
)
# Publisher lines after the reference list ("doi:...", "Cite this article as: ...").
_BACK_MATTER = re.compile(
    r"^(?:doi\b|https?://|Cite this article|Submit your|©|Copyright|Publisher'?s note|Received\b|Published\b)", re.I
)
_SENTENCE_END = re.compile(r"[.!?:;)\]\"”]$")
_ADVERSE_EVENT_CAPTION = re.compile(r"adverse (events?|reactions?|effects?)|toxicit|side effects", re.I)
# Journal running heads and citation lines that precede the title in extracted PDFs.
_RUNNING_HEAD = re.compile(r"\bet al\.|https?:|www\.|\bdoi\b|\b10\.\d{4,9}/|\b(?:19|20)\d{2}\b[,;]?\s*\d+\s*[:(]", re.I)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")
_DOI_LABELLED = re.compile(r"(?:\bdoi\s*:?\s*|https?://(?:dx\.)?doi\.org/)(10\.\d{4,9}/[^\s\"<>]+)", re.I)
_PMID = re.compile(r"\bPMID\s*:?\s*(\d{4,9})\b")
_PMCID = re.compile(r"\b(PMC\d{5,9})\b")
# The Evidence Inference corpus's layout of a PMC article: "TITLE:" over the title, then one line per section
# naming its path, "ABSTRACT.RESULTS:", "BODY.METHODS.STATISTICAL ANALYSIS:", "BODY.1. INTRODUCTION:".
_TITLE_LABEL = re.compile(r"^TITLE:\s*")
_SECTION_PATH = re.compile(r"^(ABSTRACT|BODY)\.(\S.*?):\s*$")
_PATH_STEP = re.compile(r"\.(?=[A-Za-z])")  # "METHODS.STUDY DESIGN" is two steps, "1. INTRODUCTION" one


def heading_kind(heading: str) -> str | None:
    """The section kind a top-level article heading (a part or back matter of `ARTICLE_HEADINGS`) opens, or None."""
    rule = article_heading(_HEADING_NUMBER.sub("", heading).strip().rstrip(":").strip(), ("part", "back"))
    return rule.kind if rule else None


def looks_like_heading(line: str) -> bool:
    """A short title-like line: capitalised, at most 10 words, no sentence end, no label colon."""
    stripped = line.strip()
    words = stripped.split()
    if not words or len(words) > 10 or len(stripped) > 90 or "\t" in line:
        return False
    name = _HEADING_NUMBER.sub("", stripped)
    if not name or not (name[0].isalpha() and name[0].isupper()):
        return False
    if name.endswith((".", ",", ";")) or ": " in name or _FUNCTION_WORD_END.search(name):
        return False
    return not _TABLE_CAPTION.match(name) and not name.lower().startswith(("figure", "fig."))


def is_tab_block(lines: list[str]) -> bool:
    """Tab-separated table lines: at least two lines, most of them with a tab."""
    with_tabs = sum(1 for line in lines if "\t" in line)
    return with_tabs >= 2 and with_tabs * 2 > len(lines)


def _is_numeric_cell(cell: str) -> bool:
    return bool(re.search(r"\d", cell)) and not re.search(r"[A-Za-z]{3,}", cell)


def parse_tab_table(lines: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Split tab-separated lines into `(header_rows, rows)`, rows padded to one width.

    The first line is the header; a second line joins it when the first has empty spanning cells
    and the second has no numbers (a two-row header such as group names over n / % columns).
    """
    grid = [[cell.strip() for cell in line.split("\t")] for line in lines]
    width = max(len(row) for row in grid)
    grid = [row + [""] * (width - len(row)) for row in grid]
    header_count = 1
    if len(grid) > 2 and any(cell == "" for cell in grid[0][1:]):
        if not any(_is_numeric_cell(cell) for cell in grid[1]):
            header_count = 2
    return grid[:header_count], grid[header_count:]


def repeated_header_rows(table: Table) -> list[int]:
    """Body rows that look like a header repeated inside the table (no counts, a header-like cell)."""
    header_cells = {cell.lower() for row in table.header_rows for cell in row if cell}
    found = []
    for index, row in enumerate(table.rows):
        cells = [cell for cell in row[1:] if cell]
        if len(cells) >= 2 and not any(_is_numeric_cell(cell) for cell in cells):
            if any(cell.lower() in header_cells or re.search(r"\bgrade\b|\bn \(%\)", cell, re.I) for cell in cells):
                found.append(index)
    return found


@dataclass
class _Heading:
    name: str
    kind: str
    paragraphs: list[str] = field(default_factory=list)
    children: list[_Heading] = field(default_factory=list)
    shown: bool = True  # False for a part the text gives no heading (publisher lines after the references)
    run_in: bool = False  # a back-matter paragraph labelled in its own text ("Keywords: ..."): it holds one paragraph


def _block_text(block: list[str]) -> str:
    return "\n".join(line.strip() for line in block)


def _join_broken_paragraphs(paragraphs: list[str], paragraph: str) -> None:
    """Append `paragraph`, gluing it to the previous one when a page or column break split a sentence."""
    if paragraphs:
        previous = paragraphs[-1]
        broken = not _SENTENCE_END.search(previous) and re.search(r"[a-z,]$", previous)
        if broken and "\n" not in paragraph and paragraph[:1].isalnum():
            paragraphs[-1] = previous + " " + paragraph
            return
    paragraphs.append(paragraph)


def _is_title_line(line: str) -> bool:
    return (
        len(line.split()) >= 4
        and not _FRONT_MATTER_LABEL.match(line)
        and not line.isupper()
        and not _RUNNING_HEAD.search(line)
    )


def _article_title(front: list[list[str]]) -> tuple[str, list[list[str]]]:
    """The first title-like line of the front matter joined with the lines that continue it (wrapped titles),
    and the front matter without those lines."""
    for block_index, block in enumerate(front):
        lines = [line.strip() for line in block]
        for index, line in enumerate(lines):
            if not _is_title_line(line):
                continue
            end = index + 1
            while end < len(lines) and (
                lines[end][:1].islower() or _FUNCTION_WORD_END.search(lines[end - 1]) or lines[end - 1].endswith(":")
            ):
                end += 1
            rest = [*front[:block_index], lines[:index] + lines[end:], *front[block_index + 1 :]]
            return clip_title(" ".join(lines[index:end])), [block for block in rest if block]
    return (clip_title(front[0][0]), front[1:]) if front else ("", [])


def _split_at_known_headings(blocks: list[list[str]]) -> list[list[str]]:
    """Give known top-level headings ("Abstract", "Results"...) their own block when no blank line sets them off,
    and start a new block at a run-in back-matter label ("Keywords: ...") inside a block."""
    split: list[list[str]] = []
    for block in blocks:
        current: list[str] = []
        for line in block:
            if len(block) > 1 and heading_kind(line.strip()):
                if current:
                    split.append(current)
                split.append([line])
                current = []
            elif current and run_in_back_matter(line):
                split.append(current)
                current = [line]
            else:
                current.append(line)
        if current:
            split.append(current)
    return split


def unfold_section_paths(text: str) -> str:
    """Text in the Evidence Inference layout ("ABSTRACT.METHODS:", "BODY.RESULTS.SAFETY:" lines) rewritten with
    plain heading lines set off by blank lines: an "Abstract" heading before the abstract's sections, then each
    step of a path that the path before did not name ("Results", then "Safety"; the corpus often gives a
    nested path without its parent's line), and no "TITLE:" label. A nested step that is itself an article
    part or back matter ("BODY.METHODS.ETHICS APPROVAL") closes its parent, so the next path names the parent
    again. Other text is returned as is."""
    lines = text.split("\n")
    if sum(1 for line in lines if _SECTION_PATH.match(line)) < 2:
        return text
    unfolded: list[str] = []
    previous: list[str] = []  # the last path, its part ("BODY") first
    abstract_opened = False
    for line in lines:
        path = _SECTION_PATH.match(line)
        if path is None:
            title = _TITLE_LABEL.match(line)
            if title is None:
                unfolded.append(line)
            elif line[title.end() :]:
                unfolded.append(line[title.end() :])  # "TITLE: ..." with the title on its line
            continue
        if path.group(1) == "ABSTRACT" and not abstract_opened:
            unfolded += ["", "Abstract", ""]
            abstract_opened = True
        steps = [path.group(1), *(step.strip() for step in _PATH_STEP.split(path.group(2)))]
        shared = 1
        while shared < min(len(steps) - 1, len(previous)) and steps[: shared + 1] == previous[: shared + 1]:
            shared += 1
        for step in steps[shared:]:
            unfolded += ["", step, ""]
        previous = [] if len(steps) > 2 and heading_kind(steps[-1]) else steps
    return "\n".join(unfolded)


def _publication_ids(doc_text: str, sections: list[Section]) -> dict[str, str]:
    """DOI, PMID and PMCID of the article itself (labelled forms first; the reference list is ignored)."""
    own_text = doc_text
    for section in sorted(sections, key=lambda s: s.start, reverse=True):
        if section.kind == "references":
            own_text = own_text[: section.start] + own_text[section.end :]
    ids: dict[str, str] = {}
    doi = _DOI_LABELLED.search(own_text) or _DOI.search(own_text)
    if doi:
        ids["doi"] = doi.group(1).rstrip(".,;)]")
    pmid = _PMID.search(own_text)
    if pmid:
        ids["pmid"] = pmid.group(1)
    pmcid = _PMCID.search(own_text)
    if pmcid:
        ids["pmcid"] = pmcid.group(1)
    return ids


class _ArticleParser:
    """Walks the blocks of an article once, sorting them into front matter, headings, prose and tables."""

    def __init__(self, blocks: list[list[str]]) -> None:
        self.blocks = blocks
        self.front: list[list[str]] = []
        self.furniture: list[str] = []
        self.headings: list[_Heading] = []
        self.tables: list[Table] = []
        self.warnings: list[str] = []

    def parse(self) -> None:
        index = 0
        while index < len(self.blocks):
            block = self.blocks[index]
            first = block[0].strip()
            if _TABLE_CAPTION.match(first):
                first_row = next((i for i, line in enumerate(block) if "\t" in line), len(block))
                caption_lines, body = block[:first_row], block[first_row:]
                if not body and len(block) <= 3 and index + 1 < len(self.blocks) and is_tab_block(self.blocks[index + 1]):
                    index += 1
                    body = self.blocks[index]
                if is_tab_block(body):
                    index = self._take_table(" ".join(line.strip() for line in caption_lines), body, index + 1)
                    continue
            if is_tab_block(block):
                index = self._take_table("", block, index + 1)
                continue
            if _PAGE_FURNITURE.match(first) and self.headings:
                self.furniture.append("\n".join(line.strip() for line in block))
            elif len(block) == 1 and heading_kind(first):
                self.headings.append(_Heading(first, heading_kind(first) or "other"))
            elif len(block) == 1 and self.headings and looks_like_heading(first):
                self._add_subheading(first)
            elif not self.headings:
                self.front.append(block)
            elif self.headings[-1].kind == "references" and _BACK_MATTER.match(first):
                self.headings.append(_Heading("Back matter", "metadata", shown=False))
                self.headings[-1].paragraphs.append(_block_text(block))
            elif label := run_in_back_matter(first):
                self._add_run_in(label, _block_text(block))
            else:
                self._add_paragraph(_block_text(block))
            index += 1

    def _add_subheading(self, name: str) -> None:
        """Nest under an empty previous sub-heading, or beside siblings that start with the same word."""
        parent = self.headings[-1]
        if parent.children:
            last = parent.children[-1]
            if not last.paragraphs and not last.children:
                parent = last
            elif last.children and name.split()[0].lower() == last.children[0].name.split()[0].lower():
                parent = last
        kind = parent.kind
        if kind == "results" and _SAFETY_HEADING.search(name):
            kind = "adverse_events"
        parent.children.append(_Heading(name, kind))

    def _add_run_in(self, label: str, paragraph: str) -> None:
        """A labelled back-matter paragraph inside a part ("Keywords: ..." after an abstract) is a metadata
        section of its own under the part's heading."""
        parent = self.headings[-1]
        if parent.kind == "metadata":  # already back matter: the paragraph stays in it
            _join_broken_paragraphs(self._current().paragraphs, paragraph)
            return
        parent.children.append(_Heading(label, "metadata", paragraphs=[paragraph], shown=False, run_in=True))

    def _add_paragraph(self, paragraph: str) -> None:
        """Prose goes to the innermost open heading; after a labelled back-matter paragraph the part goes on
        (a section without a heading line, of the part's kind)."""
        current = self._current()
        if current.run_in:
            parent = self.headings[-1]
            current = _Heading(parent.name, parent.kind, shown=False)
            parent.children.append(current)
        _join_broken_paragraphs(current.paragraphs, paragraph)

    def _current(self) -> _Heading:
        node = self.headings[-1]
        while node.children:
            node = node.children[-1]
        return node

    def _take_table(self, caption: str, lines: list[str], index: int) -> int:
        """Make a table of tab-separated `lines` and the footnote blocks from `index` on; return the next index."""
        last_row = max(i for i, line in enumerate(lines) if "\t" in line)
        header_rows, rows = parse_tab_table(lines[: last_row + 1])
        footnotes = [line.strip() for line in lines[last_row + 1 :]]
        while index < len(self.blocks) and _FOOTNOTE_START.match(self.blocks[index][0].strip()):
            for line in self.blocks[index]:
                if _FOOTNOTE_START.match(line.strip()) or not footnotes:
                    footnotes.append(line.strip())
                else:
                    footnotes[-1] += " " + line.strip()
            index += 1
        label = _TABLE_CAPTION.match(caption)
        table_id = f"table-{label.group(1)}" if label else f"table-{len(self.tables) + 1}"
        if any(table.id == table_id for table in self.tables):
            table_id = f"{table_id}-{len(self.tables) + 1}"
        table = Table(
            id=table_id,
            caption=caption,
            header_rows=header_rows,
            rows=rows,
            section=self._current().name if self.headings else None,
            footnotes=footnotes,
            kind="adverse_events" if _ADVERSE_EVENT_CAPTION.search(caption) else None,
        )
        for row in repeated_header_rows(table):
            self.warnings.append(f"{table_id} row {row} repeats a header inside the body: {table.rows[row][0]!r}")
        self.tables.append(table)
        return index


def _add_heading(builder: TextBuilder, heading: _Heading) -> None:
    """Add a heading line, its paragraphs and its sub-headings; the section spans all but the heading line."""
    if heading.shown:
        builder.add(heading.name)
    if not heading.children:
        builder.add("\n\n".join(heading.paragraphs), name=heading.name, kind=heading.kind)
        return
    start = len(builder.text)
    builder.add("\n\n".join(heading.paragraphs))
    for child in heading.children:
        _add_heading(builder, child)
    add_parent_section(builder, heading.name, heading.kind, start)


def _build_article(parser: _ArticleParser) -> tuple[str, TextBuilder]:
    title, front_rest = _article_title(parser.front)
    builder = TextBuilder()
    builder.add(title, name="Title", kind="title")
    front_text = [_block_text(block) for block in front_rest]
    builder.add("\n\n".join(front_text + parser.furniture), name="Front matter", kind="metadata")
    for heading in parser.headings:
        _add_heading(builder, heading)
    return title, builder


def _build_plain(blocks: list[list[str]], fallback_title: str) -> tuple[str, TextBuilder]:
    title = clip_title(blocks[0][0]) if blocks else clip_title(fallback_title)
    builder = TextBuilder()
    body = blocks
    if len(blocks) > 1 and len(blocks[0]) == 1 and len(blocks[0][0].strip()) <= TITLE_MAX_CHARS:
        builder.add(blocks[0][0], name="Title", kind="title")
        body = blocks[1:]
    builder.add("\n\n".join(_block_text(block) for block in body), name="Text", kind="other")
    return title, builder


def read(raw: bytes, path: str) -> Document:
    """Read plain or article text into a `Document` with sections, tables and identifiers."""
    decoded = decode_text(raw, path)
    blocks = _split_at_known_headings(split_blocks(unfold_section_paths(decoded)))
    parser = _ArticleParser(blocks)
    parser.parse()
    if parser.headings:
        title, builder = _build_article(parser)
    else:
        title, builder = _build_plain(parser.front, decoded.strip().split("\n")[0])
    return Document(
        id=content_id(raw),
        source_path=path,
        format=FORMAT,
        title=title,
        text=builder.text,
        sections=builder.sections,
        tables=parser.tables,
        nct_ids=ordered_nct_ids(decoded),
        publication_ids=_publication_ids(builder.text, builder.sections),
        warnings=parser.warnings,
    )
