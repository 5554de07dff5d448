"""Table and figure areas of each page, and the document's tables built from them.

A table is anchored on its caption ("Table 2: ...", bold or roman, "Table 2 (continued)"). Its area is the
stroked frame around the caption (Lancet), else the lines under the caption that read as rows of cells:
words in columns (x gaps that run down a block of lines), between the horizontal rules where there are
any. The search stays in the caption's text column unless the rows run on across the column beside it
(a table spanning both columns). Caption-less parts continue the table before them: a frame that says
"(Table 2 continues ...)", or rows at the top of the next column or page in the same columns.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from pipeline.document import Table
from pipeline.readers.pdf.captions import CONTINUATION_NOTE, Caption, caption_start, find_captions
from pipeline.readers.pdf.grid import Grid, table_grid
from pipeline.readers.pdf.layout import BodyStyle, Box, Line, PageLayout, group_lines, segments
from pipeline.readers.pdf.running import normalized
from pipeline.readers.pdf.settings import PdfSettings

_ADVERSE = re.compile(r"adverse (event|effect|reaction)|side[- ]effect|toxicit", re.I)
_NOTE_START = re.compile(r"^[*†‡§¶#a-z]|^(Data|Values|Abbreviations|Note|Numbers|Results)\b")


@dataclass
class Region:
    """A table or figure area of one page, kept out of the running text."""

    kind: str  # "table" or "figure"
    box: Box
    page: int
    caption: Caption | None = None
    word_ids: set[int] = field(default_factory=set)  # words that are not running text
    cell_lines: list[Line] = field(default_factory=list)
    note_lines: list[Line] = field(default_factory=list)
    header_rule: float | None = None
    continues: bool = False  # a first part that says "(Table 2 continues ...)"
    continuation: bool = False  # a caption-less part carrying on the table before it
    column: int = 0  # the text column its left edge is in (reading order of regions)

    @property
    def caption_text(self) -> str:
        return self.caption.text if self.caption else ""


@dataclass
class _PageTables:
    """Working state for one page."""

    layout: PageLayout
    style: BodyStyle
    settings: PdfSettings
    lines: list[Line]
    columns: list[tuple[float, float]]
    runs: list[Box]  # horizontal rules, collinear pieces joined
    taken: set[int] = field(default_factory=set)


def text_columns(lines: list[Line], style: BodyStyle, settings: PdfSettings, width: float) -> list[tuple[float, float]]:
    """The x ranges of a page's text columns: where its lines of running text start and (justified) end.
    A frame that holds narrower ones side by side (a full-width abstract over two columns) is not a column."""
    clusters: list[list[tuple[float, float]]] = []
    align = settings.column_align
    for line in lines:
        if abs(line.size - style.size) > settings.small_print_delta:
            continue
        for part in segments(line, settings.cell_gap_ratio * line.size):
            if len(part.words) >= settings.column_min_words and part.x1 - part.x0 >= settings.column_min_width_ratio * line.size:
                for cluster in clusters:
                    if abs(cluster[0][0] - part.x0) <= align and abs(cluster[0][1] - part.x1) <= align:
                        cluster.append((part.x0, part.x1))
                        break
                else:
                    clusters.append([(part.x0, part.x1)])
    found = [(min(x0 for x0, _ in c), max(x1 for _, x1 in c)) for c in clusters if len(c) >= settings.column_min_lines]
    columns = [f for f in found  # a frame holding two narrower ones side by side is not a column
               if sum(1 for g in found if g != f and g[0] >= f[0] - align and g[1] <= f[1] + align
                      and g[1] - g[0] < f[1] - f[0]) < 2]
    columns.sort()
    merged: list[tuple[float, float]] = []
    for column in columns:  # frames overlapping each other (indents, ragged ends) are one column
        if merged and column[0] < merged[-1][1] - settings.gutter_side_min / 2:
            merged[-1] = (min(merged[-1][0], column[0]), max(merged[-1][1], column[1]))
        else:
            merged.append(column)
    if not merged:
        if not lines:
            return [(0.0, width)]
        merged = [(min(l.x0 for l in lines), max(l.x1 for l in lines))]
    return merged


def page_regions(
    layout: PageLayout, style: BodyStyle, settings: PdfSettings, open_table: bool, warnings: list[str]
) -> list[Region]:
    """Table and figure areas of one page in reading order. `open_table`: the last table of the previous
    page ran to its foot, so caption-less rows at the top of this page may continue it."""
    lines = group_lines(layout.words, settings)
    state = _PageTables(layout, style, settings, lines, text_columns(lines, style, settings, layout.width),
                        rule_runs(layout.rules, settings))
    edges = [c[1] for c in state.columns] + [f.x1 for f in layout.frames] + [r.x1 for r in state.runs]
    captions = find_captions(layout, lines, settings, edges)
    regions: list[Region] = []
    used_frames: set[int] = set()
    for caption in captions:
        frame = _enclosing_frame(layout.frames, caption)
        if frame is not None:
            used_frames.add(id(frame))
            region = _framed(state, caption.kind, frame, caption)
            regions.append(region)
    for caption in captions:
        if any(caption.word_ids & r.word_ids for r in regions):
            continue
        region = _captioned(state, caption, captions, warnings)
        if region is not None:
            regions.append(region)
    for frame in layout.frames:  # first parts of tables continued in the next frame (no caption of their own)
        if id(frame) in used_frames or any(r.box.encloses(frame) for r in regions):
            continue
        inside = [w for w in layout.words if frame.contains(w) and id(w) not in state.taken]
        if any(CONTINUATION_NOTE.match(l.text_with(settings)) and "continues" in l.text_with(settings).lower()
               for l in group_lines(inside, settings)):
            region = _framed(state, "table", frame, None)
            region.continues = True
            regions.append(region)
    for region in regions:
        region.column = _column_of(state.columns, region.box.x0)
    regions += _continuations(state, regions, open_table)
    regions.sort(key=lambda r: (r.column, r.box.top))
    return regions


def _column_of(columns: list[tuple[float, float]], x: float) -> int:
    for index, (x0, x1) in enumerate(columns):
        if x < x1:
            return index
    return len(columns) - 1


def _enclosing_frame(frames: list[Box], caption: Caption) -> Box | None:
    """The smallest stroked frame around the caption's first word, if any."""
    word = caption.lines[0].words[0]
    around = [f for f in frames if f.x0 <= word.x0 and f.x1 >= word.x1 and f.top <= word.top and f.bottom >= word.bottom]
    return min(around, key=lambda f: f.width * f.height) if around else None


def _framed(state: _PageTables, kind: str, frame: Box, caption: Caption | None) -> Region:
    """A table or figure inside a stroked frame: all of the frame, the notes under its last row of cells."""
    settings = state.settings
    caption_ids = caption.word_ids if caption else set()
    inside = [w for w in state.layout.words if frame.contains(w) and id(w) not in state.taken]
    region = Region(kind, frame, state.layout.number, caption)
    region.word_ids = {id(w) for w in inside}
    if kind == "table":
        lines = [l for l in group_lines([w for w in inside if id(w) not in caption_ids], settings)
                 if not CONTINUATION_NOTE.match(l.text_with(settings))]
        rows, notes = _split_notes(lines, frame.width, settings)
        region.cell_lines, region.note_lines = rows, notes
        below = _notes_below(state, frame, frame.bottom)
        region.note_lines += below
        region.word_ids |= {id(w) for line in below for w in line.words}
        region.header_rule = _header_rule(state.layout, frame, rows, settings)
    state.taken |= region.word_ids
    return region


def _split_notes(lines: list[Line], width: float, settings: PdfSettings) -> tuple[list[Line], list[Line]]:
    """Rows of cells and the notes under the last of them: running words after a small gap."""
    last_cells = max(
        (i for i, line in enumerate(lines)
         if len(segments(line, settings.cell_gap_ratio * line.size)) >= 2 and not _is_prose(line, width, settings)),
        default=-1,
    )
    tail = lines[last_cells + 1 :]
    previous_bottom = lines[last_cells].bottom if last_cells >= 0 else (lines[0].top if lines else 0.0)
    for index, line in enumerate(tail):
        opens_note = len(line.words) >= settings.note_min_words and re.match(r"[A-Z*†‡§¶]", line.text_with(settings))
        if opens_note and line.top - previous_bottom > settings.footnote_opening_gap_ratio * line.size:
            if any(_is_prose(note, width, settings) for note in tail[index:]):
                return lines[: last_cells + 1 + index], tail[index:]
            break
        previous_bottom = line.bottom
    return lines, []


def _notes_below(state: _PageTables, box: Box, bottom: float) -> list[Line]:
    """Small-print lines just under a table area (its notes)."""
    settings = state.settings
    slack = settings.scope_slack
    below = [w for w in state.layout.words
             if box.x0 - slack <= w.x0 <= box.x1 and w.top >= bottom - settings.edge_slack and id(w) not in state.taken]
    notes: list[Line] = []
    for line in group_lines(below, settings):
        if line.top - bottom > settings.footnote_gap_ratio * line.size or line.size >= state.style.size - settings.note_size_delta:
            break
        if caption_start(line, settings) is not None:
            break
        notes.append(line)
        bottom = line.bottom
    return notes


def _is_prose(line: Line, width: float, settings: PdfSettings) -> bool:
    """A line of running words across most of the region (a note), not a row of cells."""
    words = [w.text for w in line.words]
    alphabetic = sum(1 for w in words if re.search(r"[A-Za-z]{2}", w))
    return (
        len(words) >= settings.prose_min_words
        and alphabetic >= settings.prose_alpha_share * len(words)
        and line.x1 - line.x0 >= settings.prose_width_share * width
    )


def _header_rule(layout: PageLayout, box: Box, rows: list[Line], settings: PdfSettings) -> float | None:
    """The y of the rule under the header: the first rule across the table with rows of cells above and below
    it (rules under spanning header cells are shorter). None where rules separate most rows (they say
    nothing about the header then)."""
    if len(rows) < 2:
        return None
    extent = max(l.x1 for l in rows) - min(l.x0 for l in rows)
    slack = settings.edge_slack
    inside = [r for r in rule_runs(layout.rules, settings) if r.x0 < box.x1 and r.x1 > box.x0
              and r.width >= settings.header_rule_share * extent and rows[0].top - slack <= r.top <= rows[-1].bottom + slack]
    ruled_gaps = sum(1 for upper, lower in zip(rows, rows[1:])
                     if any(upper.bottom - slack <= r.top <= lower.top + slack for r in inside))
    if ruled_gaps > settings.ruled_rows_share * (len(rows) - 1):
        return None
    for rule in inside:
        above = [line for line in rows if line.bottom <= rule.top + slack]
        if above and len(above) < len(rows):
            return rule.top
    return None


def _scope(state: _PageTables, box: Box) -> tuple[float, float, bool]:
    """(x0, x1, spanning) of the text column a caption or table part starts in; spanning when it is wider.
    A caption left of every column (a table set out into the margin) takes the first column it reaches."""
    columns = state.columns
    align = state.settings.column_align
    for x0, x1 in columns:
        if x0 - align <= box.x0 <= x1:
            if box.x1 > x1 + align:
                return x0, max(c[1] for c in columns if c[0] >= x0 - align), True
            return x0, x1, False
    reached = [x1 for x0, x1 in columns if x1 >= box.x1 - align]
    return box.x0, min(reached) if reached else box.x1, False


def rule_runs(rules: list[Box], settings: PdfSettings) -> list[Box]:
    """Horizontal rules with collinear pieces that touch joined (tables drawn with one rule piece per cell)."""
    runs: list[Box] = []
    for rule in sorted(rules, key=lambda r: (round(r.top), r.x0)):
        last = runs[-1] if runs else None
        if last is not None and abs(last.top - rule.top) < settings.edge_slack and rule.x0 <= last.x1 + settings.scope_slack:
            runs[-1] = Box(last.x0, min(last.top, rule.top), max(last.x1, rule.x1), max(last.bottom, rule.bottom))
        else:
            runs.append(rule)
    return sorted(runs, key=lambda r: (r.top, r.x0))


def _captioned(state: _PageTables, caption: Caption, captions: list[Caption], warnings: list[str]) -> Region | None:
    """The area of a captioned table or figure that has no frame."""
    settings = state.settings
    box = caption.box
    if caption.kind == "figure":
        region = Region("figure", box, state.layout.number, caption, set(caption.word_ids))
        state.taken |= region.word_ids
        return region
    x0, x1, spanning = _scope(state, box)
    size = caption.lines[0].size
    near = [r for r in state.runs
            if box.top - settings.caption_rule_reach_ratio * size <= r.top <= box.bottom + settings.caption_search_ratio * size
            and r.x0 - settings.rule_align <= box.x0 <= r.x1 and r.width >= settings.rule_min_share * (box.x1 - box.x0)]
    if near:  # the table's rules give its width (they may run across both columns)
        x0, x1 = min(r.x0 for r in near), max(r.x1 for r in near)
        spanning = True
    body = _walk(state, caption, x0, x1, box.bottom)
    if body is not None and not spanning and not near and _runs_across(state, body, x1):
        wide = _walk(state, caption, x0, max(c[1] for c in state.columns), box.bottom)
        body = wide if wide is not None else body
        x1 = max(c[1] for c in state.columns)
    if body is None or (not caption.strong and not _starts_block(state, caption)):
        if caption.strong:
            warnings.append(f"{caption.text[:40]!r} on page {state.layout.number}: table area not found; "
                            "its text stays in the body")
            region = Region("figure", box, state.layout.number, caption, set(caption.word_ids))
            state.taken |= region.word_ids
            return region
        return None
    rows, notes = body
    area = _bounds([*caption.lines, *rows, *notes])
    area = Box(min(area.x0, x0) if near else area.x0, area.top, max(area.x1, x1) if near else area.x1, area.bottom)
    region = Region("table", area, state.layout.number, caption)
    region.cell_lines, region.note_lines = rows, notes
    region.word_ids = caption.word_ids | {id(w) for line in rows + notes for w in line.words}
    region.header_rule = _header_rule(state.layout, area, rows, settings)
    state.taken |= region.word_ids
    return region


def _bounds(lines: list[Line]) -> Box:
    return Box(min(l.x0 for l in lines), min(l.top for l in lines), max(l.x1 for l in lines), max(l.bottom for l in lines))


def _scope_lines(state: _PageTables, x0: float, x1: float, top: float) -> list[Line]:
    slack = state.settings.scope_slack
    words = [w for w in state.layout.words
             if x0 - slack <= w.center <= x1 + slack and w.top >= top - state.settings.edge_slack and id(w) not in state.taken]
    return group_lines(words, state.settings)


def _walk(state: _PageTables, caption: Caption | None, x0: float, x1: float, top: float) -> tuple[list[Line], list[Line]] | None:
    """The rows (and notes) of a table starting under `top` inside [x0, x1]: lines of cells, group labels
    between them, until running text, a wide gap, another caption or the page's end."""
    settings = state.settings
    style = state.style
    lines = _scope_lines(state, x0, x1, top)
    if caption is not None:
        caption_ids = caption.word_ids
        lines = [l for l in lines if not any(id(w) in caption_ids for w in l.words)]
    taken: list[Line] = []
    previous_bottom = top
    for line in lines:
        size = line.size
        gap = line.top - previous_bottom
        limit = settings.caption_search_ratio if not taken else settings.row_gap_ratio
        if gap > limit * max(size, settings.min_row_size):
            break
        if caption_start(line, settings) is not None:
            break
        if running_text(line, state.columns, style, settings):
            break
        taken.append(line)
        previous_bottom = line.bottom
    multi = [i for i, line in enumerate(taken) if len(segments(line, settings.cell_gap_ratio * line.size)) >= 2]
    if len(multi) < settings.min_table_rows:
        return None
    rows, tail = taken[: multi[-1] + 1], taken[multi[-1] + 1 :]
    width = max(l.x1 for l in rows) - min(l.x0 for l in rows)
    notes = _tail_notes(tail, rows, width, style, settings)
    if not notes:  # group labels in the rows' type after the last row: the table goes on after them
        row_size = statistics.median(l.size for l in rows)
        for line in tail:
            if abs(line.size - row_size) > settings.note_size_delta:
                break
            rows.append(line)
    return rows, notes


def _tail_notes(tail: list[Line], rows: list[Line], width: float, style: BodyStyle, settings: PdfSettings) -> list[Line]:
    """The lines after a table's last row of cells that are its notes (small print or marked notes)."""
    row_size = statistics.median(l.size for l in rows)
    notes: list[Line] = []
    for line in tail:
        small = line.size < row_size - settings.note_size_delta
        text = line.text_with(settings)
        if small or _NOTE_START.match(text) or _is_prose(line, width, settings) and line.size < style.size - settings.note_size_delta:
            notes.append(line)
        else:
            break
    return notes


def running_text(line: Line, columns: list[tuple[float, float]], style: BodyStyle, settings: PdfSettings) -> bool:
    """Whether a line (or its part in one of the page's text columns) is running text: body size, many
    words spaced evenly (justified or not) across most of the column. Table rows have uneven gaps,
    numbers and short cells."""
    if line.size < style.size - settings.small_print_delta:
        return False
    for x0, x1 in columns:
        words = [w for w in line.words if x0 - settings.scope_slack <= w.center <= x1 + settings.scope_slack]
        if len(words) < settings.prose_min_words:
            continue
        if words[-1].x1 - words[0].x0 < settings.prose_column_width_share * (x1 - x0):
            continue
        alphabetic = sum(1 for w in words if re.search(r"[A-Za-z]{2}", w.text))
        gaps = [b.x0 - a.x1 for a, b in zip(words, words[1:]) if a.spaced]
        even = not gaps or max(gaps) - min(gaps) <= settings.prose_gap_spread_ratio * line.size
        if alphabetic >= settings.prose_alpha_share * len(words) and even:
            return True
    return False


def _runs_across(state: _PageTables, body: tuple[list[Line], list[Line]], x1: float) -> bool:
    """Whether the rows found in one column go on in the column beside it (cells, not running text)."""
    rows = body[0]
    settings = state.settings
    top, bottom = rows[0].top, rows[-1].bottom
    slack = settings.edge_slack
    beside = [w for w in state.layout.words
              if w.center > x1 + settings.scope_slack and top - slack <= w.top and w.bottom <= bottom + slack
              and id(w) not in state.taken]
    if not beside:
        return False
    for line in group_lines(beside, state.settings):
        if running_text(line, state.columns, state.style, state.settings):
            return False
    row_tops = [l.top for l in rows]
    shared = sum(1 for line in group_lines(beside, settings) if any(abs(line.top - t) < settings.word_baseline_tolerance for t in row_tops))
    return shared >= max(settings.min_table_rows, settings.beside_row_share * len(rows))


def _starts_block(state: _PageTables, caption: Caption) -> bool:
    """A roman caption without delimiter counts only where it starts a block (not mid-paragraph)."""
    first = caption.lines[0]
    above = [l for l in state.lines if l.bottom <= first.top + state.settings.edge_slack and l.x1 > first.x0 and l.x0 < first.x1]
    if not above:
        return True
    previous = max(above, key=lambda l: l.bottom)
    return first.top - previous.bottom >= state.settings.paragraph_gap_ratio * first.size


def _continuations(state: _PageTables, regions: list[Region], open_table: bool) -> list[Region]:
    """Caption-less rows at the top of a column that carry on a table left open before it: at the foot of
    the previous page (`open_table`) or at the foot of the column before on this page."""
    settings = state.settings
    found: list[Region] = []
    for index, (x0, x1) in enumerate(state.columns):
        before = [r for r in regions + found if r.kind == "table" and r.column == index - 1]
        if not (index == 0 and open_table or before and reaches_foot(state.layout, before[-1], settings)):
            continue
        slack = settings.edge_slack
        gutters = [(a[1], b[0]) for a, b in zip(state.columns, state.columns[1:]) if b[0] - a[1] > 2 * slack]
        wide = {id(w) for line in state.lines  # lines running across a gutter (full-width blocks)
                if any(g0 + slack < w.x1 and w.x0 < g1 - slack for w in line.words for g0, g1 in gutters) for w in line.words}
        column_lines = [l for l in _scope_lines(state, x0, x1, 0.0) if not any(id(w) in wide for w in l.words)]
        if not column_lines:
            continue
        first = column_lines[0]  # the column's first line of its own (under any full-width block)
        if any(r.box.top - slack <= first.top <= r.box.bottom + slack and r.box.x0 - settings.scope_slack <= first.x0 <= r.box.x1
               for r in regions):
            continue
        body = _walk(state, None, x0, x1, first.top - slack)
        if body is None:
            continue
        if _runs_across(state, body, x1):
            body = _walk(state, None, x0, max(c[1] for c in state.columns), first.top - slack) or body
        rows, notes = body
        region = Region("table", _bounds(rows + notes), state.layout.number, None, continuation=True, column=index)
        region.cell_lines, region.note_lines = rows, notes
        region.word_ids = {id(w) for line in rows + notes for w in line.words}
        region.header_rule = _header_rule(state.layout, region.box, rows, settings)
        state.taken |= region.word_ids
        found.append(region)
    return found


def reaches_foot(layout: PageLayout, region: Region, settings: PdfSettings) -> bool:
    """Whether a table region may go on in the next column or page: it says it continues, or it runs to
    the foot of its column without notes."""
    if region.continues:
        return True
    if region.kind != "table" or region.note_lines:
        return False
    box, slack = region.box, settings.scope_slack
    return not any(w.top > box.bottom and box.x0 - slack <= w.center <= box.x1 + slack for w in layout.words)


class TableAssembler:
    """The document's tables, page by page in reading order: each region's grid is read as its page comes
    (so pages need not be kept), continued parts are merged into the table they carry on."""

    def __init__(self, settings: PdfSettings, warnings: list[str]) -> None:
        self.settings = settings
        self.warnings = warnings
        self.tables: list[Table] = []
        self._by_number: dict[str, Table] = {}
        self._pending: list[Table] = []  # first parts of tables that say they continue in the next frame

    def add(self, regions: list[Region], layout: PageLayout) -> None:
        for region in regions:
            if region.kind == "table":
                self._add(region, region_table(region, layout, self.settings))

    def _add(self, region: Region, table: Table) -> None:
        if region.continues:
            self._pending.append(table)
            return
        if self._pending and _same_width(self._pending[-1], table):
            first = self._pending.pop()
            table.rows = first.rows + table.rows
            table.footnotes = first.footnotes + table.footnotes
            table.header_rows = table.header_rows or first.header_rows
        number = region.caption.number if region.caption else None
        earlier = self._by_number.get(number) if number else None
        if region.caption and region.caption.continued and earlier is not None:
            _append(earlier, table)
            return
        if region.continuation:
            if self.tables and _same_width(self.tables[-1], table):
                _append(self.tables[-1], table)
                return
            self.warnings.append(f"table part on page {region.page} has no caption")
        table.id = f"T{len(self.tables) + 1}"
        self.tables.append(table)
        if number:
            self._by_number.setdefault(number, table)
        if not table.rows:
            self.warnings.append(f"{table.caption[:40]!r} on page {region.page}: no cells recognised")

    def finish(self) -> list[Table]:
        """The tables, with parts that never found their caption kept as tables of their own."""
        for part in self._pending:
            part.id = f"T{len(self.tables) + 1}"
            self.tables.append(part)
            self.warnings.append(f"table part on page {part.page} has no caption")
        self._pending = []
        for table in self.tables:
            while len(table.rows) > 1 and table.rows[-1][0] and not any(table.rows[-1][1:]):
                table.rows.pop()  # a table does not end with a group label: that line was not the table's
        return self.tables


def _same_width(before: Table, after: Table) -> bool:
    width = lambda t: max((len(r) for r in t.rows), default=0)  # noqa: E731
    return width(before) == width(after) and width(after) > 0


def _append(table: Table, part: Table) -> None:
    """Carry a table on with a later part: its rows (a repeated header dropped) and its notes."""
    table.rows += part.rows
    table.footnotes += [note for note in part.footnotes if note not in table.footnotes]


def region_table(region: Region, layout: PageLayout, settings: PdfSettings) -> Table:
    """A `Table` from a table region: grid of cells, caption, notes, kind."""
    grid = table_grid(region.cell_lines, layout, region.box, region.header_rule, settings)
    grid = _without_stray_rows(grid, region.caption_text, settings)
    notes = " ".join(line.text_with(settings) for line in region.note_lines)
    caption = region.caption_text
    return Table(
        id="",
        caption=caption,
        header_rows=grid.header_rows,
        rows=grid.rows,
        page=region.page,
        footnotes=split_footnotes(notes),
        kind="adverse_events" if _ADVERSE.search(caption) else None,
    )


def _without_stray_rows(grid: Grid, caption: str, settings: PdfSettings) -> Grid:
    """Drop rows that are not cells: continuation notes, notes printed inside a ruled grid, caption repeats."""
    rows = [row for row in grid.rows if any(row) and not CONTINUATION_NOTE.match(" ".join(row).strip())]
    while rows and sum(1 for cell in rows[-1] if cell) == 1 and len(" ".join(rows[-1]).split()) >= settings.grid_note_min_words:
        rows.pop()
    if caption:
        key = normalized(caption)[:20]
        rows = [row for row in rows if not normalized(" ".join(row)).startswith(key)]
    header = [row for row in grid.header_rows if any(row) and not CONTINUATION_NOTE.match(" ".join(row).strip())]
    return Grid(header, rows)


def split_footnotes(text: str) -> list[str]:
    """Split table notes before each note marker (*, †, ‡, §, ¶) that starts a new sentence."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    return [part.strip() for part in re.split(r"(?<=[.)])\s+(?=[*†‡§¶]+\s?[A-Z])", text) if part.strip()]

