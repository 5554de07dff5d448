"""The cells of one table region: a ruled grid where vertical and horizontal rules make one, else columns from
the alignment of words (x ranges that the cells of many rows share). Header rows are told from body rows
(the rule under the header, else the first row with a label and a number), wrapped header cells and row
labels are joined, and spanning header cells stay in the first column they cover."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

from pipeline.readers.pdf.layout import HYPHENS, Box, Line, PageLayout, Word, group_lines, join_words, segments
from pipeline.readers.pdf.settings import PdfSettings

_NUMBER_LIKE = re.compile(r"^[<>≤≥~]?\s*[-–−]?\.?\d")
_NIL = frozenset({"..", "–", "—", "-", "NA", "NR", "n/a"})


@dataclass
class Grid:
    """Header rows above body rows, cells as text."""

    header_rows: list[list[str]]
    rows: list[list[str]]


def table_grid(lines: list[Line], layout: PageLayout, box: Box, header_rule: float | None, settings: PdfSettings) -> Grid:
    """The grid of a table whose cell lines are `lines` (caption and notes already removed)."""
    if not lines:
        return Grid([], [])
    lattice = _lattice_rows(lines, layout, box, settings)
    if lattice is not None:
        first = _first_body_row(lattice)
        return Grid(lattice[:first], merge_wrapped_rows(lattice[first:]))
    size = sorted(line.size for line in lines)[len(lines) // 2]
    gap = settings.cell_gap_ratio * size
    split = [segments(line, gap) for line in lines]
    left = min(line.x0 for line in lines)
    first = _first_data_line(split, left, size)
    if header_rule is not None:  # the rule under the header, unless a labelled data line stands above it
        first = min(first, sum(1 for line in lines if line.bottom <= header_rule + 1))
    while first > 0 and len(split[first - 1]) == 1 and split[first - 1][0].x0 <= left + 2 * size and first < len(split):
        first -= 1  # group labels above the first data line belong to the body
    body = split[first:] or split
    columns = _value_columns(body, gap, settings)
    label_end = columns[0][0] - settings.label_gap_share * gap if columns else float("inf")
    columns.insert(0, [left, min(label_end, left)])
    header = [_header_cells(parts, columns, label_end, settings) for parts in split[:first]]
    header_rows = _join_wrapped_header(header, lines[:first], settings)
    rows = [_body_cells(parts, columns, label_end, settings) for parts in split[first:]]
    rows = [row for row in rows if any(row)]
    return Grid(header_rows, merge_wrapped_rows(rows))


def _first_data_line(split: list[list[Line]], left: float, size: float) -> int:
    """Index of the first body line: the first with a number-like cell beside a row label (on its line, or
    on the line above for a label that wraps)."""
    labelled = [bool(parts) and parts[0].x0 <= left + 2 * size for parts in split]
    label_only = [labelled[i] and len(parts) == 1 for i, parts in enumerate(split)]
    data = [
        any(_number_like(part_text(part)) for part in (parts[1:] if labelled[i] else parts))
        and (labelled[i] or i > 0 and label_only[i - 1])  # values beside a label that wraps onto more lines
        for i, parts in enumerate(split)
    ]
    first = next((i for i, is_data in enumerate(data) if is_data), len(split))
    if first == len(split):  # no labelled data row: the first line with any number-like cell
        first = next((i for i, parts in enumerate(split) if any(_number_like(part_text(p)) for p in parts)), 0)
    return first


def _first_body_row(rows: list[list[str]]) -> int:
    """Index of the first body row of a grid of text: as `_first_data_line`, on cells."""
    first = next((i for i, row in enumerate(rows) if row and row[0] and any(_number_like(c) for c in row[1:] if c)), len(rows))
    if first == len(rows):
        first = next((i for i, row in enumerate(rows) if any(_number_like(c) for c in row[1:] if c)), 0)
    while first > 0 and rows[first - 1][0] and not any(rows[first - 1][1:]):
        first -= 1
    return first


def part_text(part: Line) -> str:
    return " ".join(w.text for w in part.words)


def _number_like(text: str) -> bool:
    return bool(_NUMBER_LIKE.match(text)) or text in _NIL


def _value_columns(split: list[list[Line]], gap: float, settings: PdfSettings) -> list[list[float]]:
    """x ranges of the value columns: covered by the cells after the first on enough multi-cell lines.

    A range covered by only a few lines (a cell spanning two columns) does not count.
    """
    value_words = [w for parts in split if len(parts) >= 2 for part in parts[1:] for w in part.words]
    if not value_words:
        return []
    step = settings.column_step
    left = min(w.x0 for w in value_words)
    right = max(w.x1 for w in value_words)
    cover = [0] * (int((right - left) / step) + 2)
    for word in value_words:
        for i in range(int((word.x0 - left) / step), int((word.x1 - left) / step) + 1):
            cover[i] += 1
    multi = sum(1 for parts in split if len(parts) >= 2)
    floor = int(settings.column_floor_share * multi)
    columns: list[list[float]] = []
    for i, count in enumerate(cover):
        x = left + i * step
        if count > floor:
            if columns and x - columns[-1][1] <= gap:
                columns[-1][1] = x
            else:
                columns.append([x, x])
    return columns


def _overlapping(columns: list[list[float]], x0: float, x1: float, slack: float = 1.0) -> list[int]:
    """Value columns (not the label column) that the x range [x0, x1] reaches, give or take `slack`."""
    return [i for i, (c0, c1) in enumerate(columns) if i > 0 and x0 <= c1 + slack and x1 >= c0 - slack]


def _nearest_column(columns: list[list[float]], x: float) -> int:
    def distance(band: list[float]) -> float:
        if band[0] <= x <= band[1]:
            return 0.0
        return min(abs(x - band[0]), abs(x - band[1]))

    return min(range(len(columns)), key=lambda i: distance(columns[i]))


def _header_cells(
    parts: list[Line], columns: list[list[float]], label_end: float, settings: PdfSettings
) -> tuple[list[list[Word]], bool]:
    """A header line's cells, and whether one spans several columns (it goes whole into the first it covers)."""
    cells: list[list[Word]] = [[] for _ in columns]
    spanning = False
    starts = [c[0] for c in columns[1:]]
    for part in _split_at_column_starts(parts, starts, settings.column_start_slack):
        if part.x0 < label_end and len(columns) > 1:
            label = [w for w in part.words if w.x1 <= label_end]
            rest = [w for w in part.words if w.x1 > label_end]
            cells[0] += label
            if not rest:
                continue
            part = Line(rest)
        covered = _overlapping(columns, part.x0, part.x1)
        center = (part.x0 + part.x1) / 2
        between = [i for i in range(1, len(columns) - 1) if columns[i][1] < center < columns[i + 1][0]]
        spanning = spanning or len(covered) > 1 or bool(between)  # centred over the gap between two columns
        target = covered[0] if covered else (between[0] if between else _nearest_column(columns, center))
        cells[target] += part.words
    return cells, spanning


def _split_at_column_starts(parts: list[Line], starts: list[float], slack: float) -> list[Line]:
    """Split header parts where a word starts where a value column starts: cells of narrow columns set
    closer together than a cell gap ("Any grade" "Grade" over two left-aligned columns)."""
    split: list[Line] = []
    for part in parts:
        current = [part.words[0]]
        for word in part.words[1:]:
            left = " ".join(w.text for w in current)
            at_start = any(abs(word.x0 - start) <= slack for start in starts)
            if at_start and current[-1].spaced and left.count("(") == left.count(")"):
                split.append(Line(current))
                current = []
            current.append(word)
        split.append(Line(current))
    return split


def _body_cells(parts: list[Line], columns: list[list[float]], label_end: float, settings: PdfSettings) -> list[str]:
    """A body line's cells: words left of the value columns are the label, the others go to the nearest column;
    a line of one part that starts in the label zone is a label (a group heading spanning the row)."""
    cells: list[list[Word]] = [[] for _ in columns]
    if len(parts) == 1 and parts[0].x0 < label_end:
        cells[0] = parts[0].words
    else:
        for part in parts:
            first = part.words[0]
            if first.x1 > label_end and first.text[:1].isalpha() and len(_overlapping(columns, part.x0, part.x1)) > 1:
                cells[_overlapping(columns, part.x0, part.x1)[0]] += part.words  # text spanning columns stays whole
                continue
            for word in part.words:
                cells[0 if word.x1 <= label_end else _nearest_column(columns, word.center)].append(word)
    return [join_words(cell, settings) for cell in cells]


def _join_wrapped_header(
    header: list[tuple[list[list[Word]], bool]], lines: list[Line], settings: PdfSettings
) -> list[list[str]]:
    """Header lines as rows of text. Close lines without spanning cells are one header row set over several
    lines ("Physical activity" over "group (n=391)"); a line under spanning cells continues them only where
    each of its cells sits under a cell of the line above ("Adolescents" over "(12–17 years)")."""
    if not header:
        return []
    rows = [[list(cell) for cell in header[0][0]]]
    row_spans = header[0][1]
    for (cells, spanning), line, previous in zip(header[1:], lines[1:], lines):
        above = rows[-1]
        filled = [i for i, cell in enumerate(cells) if cell]
        close = line.top - previous.bottom < settings.wrap_gap_ratio * line.size
        under = all(above[i] for i in filled if i > 0)
        if filled and close and (under or not (spanning or row_spans)):
            for i in filled:
                above[i] += cells[i]
            row_spans = row_spans or spanning
        else:
            rows.append([list(cell) for cell in cells])
            row_spans = spanning
    return [[_cell_text(cell, settings) for cell in row] for row in rows]


def _cell_text(words: list[Word], settings: PdfSettings) -> str:
    """Words of one cell, over one or more lines, as one string."""
    text = ""
    for line in group_lines(words, settings):
        part = line.text_with(settings)
        text = text + part if text.endswith(HYPHENS) and text[-2:-1].isalpha() else f"{text} {part}".strip()
    return text


def merge_wrapped_rows(rows: list[list[str]]) -> list[list[str]]:
    """Join a row label that wrapped over several lines into one row: a continuation line without values
    that starts in lower case, with a digit, "(" or a comparison sign; values printed beside a middle line
    of the label, or beside its last line when that starts in lower case, go with it."""
    merged: list[list[str]] = []
    for row in rows:
        label = row[0] if row else ""
        values = any(row[1:])
        above_alone = bool(merged) and bool(merged[-1][0]) and not any(merged[-1][1:])
        if merged and not label and values and above_alone:
            merged[-1][1:] = row[1:]  # values beside the middle of a label that wraps over several lines
        elif merged and label and not values and merged[-1][0] and (label[0].islower() or label[0].isdigit() or label[0] in "(≥≤<>["):
            merged[-1][0] = _join_label(merged[-1][0], label)
        elif above_alone and values and label[:1].islower():
            merged[-1] = [_join_label(merged[-1][0], label), *row[1:]]  # values beside the label's last line
        else:
            merged.append(list(row))
    return merged


def _join_label(above: str, below: str) -> str:
    return above + below if above.endswith(HYPHENS) else f"{above} {below}"


def _lattice_rows(lines: list[Line], layout: PageLayout, box: Box, settings: PdfSettings) -> list[list[str]] | None:
    """Rows of a table drawn as a grid of rules (cells bounded on all four sides), if the region is one."""
    margin = settings.lattice_snap
    inside = Box(box.x0 - margin, box.top - margin, box.x1 + margin, box.bottom + margin)
    verticals = [r for r in layout.vertical_rules if inside.encloses(r, margin)]
    if not verticals:
        return None
    edges = [_edge(r, "h") for r in layout.rules if inside.encloses(r, margin)]
    edges += [_edge(r, "v") for r in verticals]
    merged = merge_edges(edges, margin, margin, margin, margin)
    cells = intersections_to_cells(edges_to_intersections(merged, 1, 1))
    tables = cells_to_tables(cells)
    if not tables:
        return None
    best = max(tables, key=lambda t: _area(t))
    x0, top = min(c[0] for c in best), min(c[1] for c in best)
    x1, bottom = max(c[2] for c in best), max(c[3] for c in best)
    if (x1 - x0) * (bottom - top) < settings.lattice_min_area_share * box.width * box.height:
        return None
    xs = sorted({c[0] for c in best})
    tops = sorted({c[1] for c in best})
    if len(xs) < 2 or len(tops) < 2:
        return None
    words = [w for line in lines for w in line.words]
    by_corner = {(c[0], c[1]): c for c in best}
    rows: list[list[str]] = []
    for row_top in tops:
        row: list[str] = []
        for x in xs:
            cell = by_corner.get((x, row_top))
            if cell is None:
                row.append("")
                continue
            cell_box = Box(cell[0], cell[1], cell[2], cell[3])
            row.append(_cell_text([w for w in words if cell_box.contains(w, 0.0)], settings))
        if any(row):
            rows.append(row)
    return rows if len(rows) >= 2 else None


def _edge(rule: Box, orientation: str) -> dict[str, object]:
    if orientation == "h":
        y = (rule.top + rule.bottom) / 2
        return {"x0": rule.x0, "x1": rule.x1, "top": y, "bottom": y, "width": rule.width, "height": 0,
                "orientation": "h", "object_type": "line"}
    x = (rule.x0 + rule.x1) / 2
    return {"x0": x, "x1": x, "top": rule.top, "bottom": rule.bottom, "width": 0, "height": rule.height,
            "orientation": "v", "object_type": "line"}


def _area(cells: list[tuple[float, float, float, float]]) -> float:
    return (max(c[2] for c in cells) - min(c[0] for c in cells)) * (max(c[3] for c in cells) - min(c[1] for c in cells))
