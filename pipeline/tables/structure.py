"""The header structure of a results table: per column its name layers (arm, population, assessment), grade,
N, dose and what its cells hold; plus the readings of row labels (grades, N overrides, participant counts)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from pipeline.document import Table
from pipeline.tables.cells import CellValue, header_total, row_values, strip_markers
from pipeline.tables.vocabulary import count_row_labels, grade_patterns

_MEASURE = re.compile(
    r"\b(?:n|no\.?|number)\s*(?:\(\s*%\s*\)|/\s*N\b(?:\s*\(\s*%\s*\))?)|\(\s*%\s*\)|(?<!\w)%(?!\w)|\bn\b(?=\s*$)",
    re.I,
)
_TOTAL_PART = re.compile(r"[\[(]?\s*\b[nN]\s*=\s*\d[\d,]*(?:\s*unless noted)?\s*[\])]?|;\s*(?=[)\]])")
_DOSE = re.compile(
    r"\b\d+(?:[.,·]\d+)?\s*(?:mg|mcg|µg|μg|ug|g|IU|U|units?|ml|mL)(?:\s*/\s*(?:kg|m2|m²|d|day|dose|week|wk))*\b"
    r"(?:\s*(?:qd|bid|tid|qw|q[1-9]w|daily|twice daily|once daily|weekly))?",
    re.I,
)
_STATISTIC = re.compile(
    r"\bp[ -]?values?\b|^p$|\bCI\b|confidence interval|odds ratio|relative risk|risk ratio|hazard ratio|\bdifference\b"
    r"|\bt[ -]test\b|\bβ\b|\bchi|(?-i:\b(?:OR|RR|HR)\b)",
    re.I,
)
_TEXT_HEADER = re.compile(r"organ system|system organ class|\bSOC\b|\bcategory\b|\bterm\b", re.I)
_DANGLING = re.compile(r"[\s,;:(\[]+$|^[\s,;:)\]]+")
_EMPTY_BRACKETS = re.compile(r"\(\s*[;,]?\s*\)|\[\s*\]")


@dataclass(frozen=True)
class Column:
    """One body column. `layers` are its header names top to bottom with grade, N, dose and measure removed
    ("All participants", "Moxidectin"); `role` is "label", "count", "value", "statistic" or "text"."""

    index: int
    header: str
    layers: tuple[str, ...] = ()
    grade: str | None = None
    total: int | None = None
    dose: str | None = None
    measure: str | None = None
    role: str = "count"

    @property
    def name(self) -> str:
        return " / ".join(self.layers)


@dataclass
class Layout:
    """A table's columns and the N that applies to all of them unless a column or row says otherwise."""

    columns: list[Column]
    default_total: int | None = None
    warnings: list[str] = field(default_factory=list)


def grade_of(text: str, bare_numbers: bool = False) -> str | None:
    """The grade a header or row label names ("Grade 3 n (%)" -> "3", "Grade ≥3" -> ">=3", "Any grade" -> "any");
    with `bare_numbers`, a label "1".."5" is that grade."""
    cleaned = _EMPTY_BRACKETS.sub("", _MEASURE.sub("", strip_markers(text)[0])).strip(" ,;:")
    if bare_numbers and re.fullmatch(r"[1-5]", cleaned):
        return cleaned
    for pattern, template in grade_patterns():
        match = pattern.fullmatch(cleaned)
        if match:
            return match.expand(template)
    return None


def is_count_row(label: str) -> bool:
    """A row that gives each column's number of participants ("Number of participants", "Participants analyzed")."""
    return strip_markers(label)[0].lower().rstrip(":") in count_row_labels()


def header_layers(header_rows: list[list[str]], width: int) -> list[list[str]]:
    """Header rows as layers of one cell per column: wrapped lines joined to the row above, spanning
    cells repeated over the columns they span."""
    layers: list[list[str]] = []
    for row in header_rows:
        row = [" ".join(cell.split()) for cell in row] + [""] * (width - len(row))
        filled = [cell for cell in row[:width] if cell]
        if layers and filled and all(cell[0] in "([" or cell[0].islower() for cell in filled):
            for index, cell in enumerate(row[:width]):
                if cell:
                    layers[-1][index] = f"{layers[-1][index]} {cell}".strip()
        else:
            layers.append(row[:width])
    for depth, layer in enumerate(layers[:-1]):
        for index in range(2, width):
            below = any(lower[index] for lower in layers[depth + 1 :])
            if not layer[index] and layer[index - 1] and below:
                layer[index] = layer[index - 1]
    return layers


def read_header_cell(text: str) -> tuple[str, str | None, int | None, str | None, str | None]:
    """(name, grade, N, dose, measure) of one header cell ("Phase 2 (30 mcg/kg; N = 33)" -> name "Phase 2")."""
    name, _ = strip_markers(text)
    total = header_total(name)
    dose_match = _DOSE.search(name)
    dose = dose_match.group().strip() if dose_match else None
    measure_match = _MEASURE.search(name)
    measure = re.sub(r"\s+", "", measure_match.group()).lower() if measure_match else None
    name = _TOTAL_PART.sub("", name)
    if dose_match:
        name = name.replace(dose_match.group(), "")
    name = _EMPTY_BRACKETS.sub("", _MEASURE.sub("", name))
    name = _DANGLING.sub("", " ".join(name.split()))
    grade = grade_of(name)
    return ("" if grade else name), grade, total, dose, measure


def read_layout(table: Table) -> Layout:
    """Columns of `table` from its header rows and the cells under them."""
    width = max([len(row) for row in table.header_rows + table.rows] or [0])
    layers = header_layers(table.header_rows, width)
    first_header = " ".join(layer[0] for layer in layers)
    default_total = header_total(first_header) or header_total(table.caption)
    body = [row_values(table, index) for index in range(len(table.rows))]
    columns = []
    for index in range(width):
        names, grade, total, dose, measure = [], None, None, None, None
        texts = [layer[index] for layer in layers if layer[index]]
        for text in texts:
            name, cell_grade, cell_total, cell_dose, cell_measure = read_header_cell(text)
            if name and name not in names:
                names.append(name)
            grade = cell_grade or grade
            total = cell_total or total
            dose = cell_dose or dose
            measure = cell_measure or measure
        header = " / ".join(texts)
        role = "label" if index == 0 else _role(header, [values[index] for row, values in zip(table.rows, body)
                                                         if index < len(row) and row[index].strip()])
        columns.append(Column(index, header, tuple(names), grade, total, dose, measure, role))
    return Layout(columns, default_total)


def _role(header: str, values: list[CellValue]) -> str:
    """What a body column holds, from its header and the values of its non-empty cells."""
    if _STATISTIC.search(header):
        return "statistic"
    if _TEXT_HEADER.search(header):
        return "text"
    if not values:
        return "count"
    counts = sum(1 for value in values if value.kind in ("count", "percent", "zero"))
    numbers = sum(1 for value in values if value.is_number)
    if counts * 2 >= len(values):
        return "count"
    return "value" if numbers * 2 >= len(values) else "text"


def regraded(columns: list[Column], row: list[str], values: list[CellValue]) -> list[Column] | None:
    """Columns with the grades of a header row repeated inside the body ("Laboratory abnormality | Any grade |
    Grade 3 n (%)"), or None when `row` (whose cells say `values`) is not such a row."""
    cells = [(index, cell) for index, cell in enumerate(row) if index > 0 and cell.strip()]
    if len(cells) < 2 or any(values[index].is_number for index, _ in cells):
        return None
    grades = {index: grade_of(cell) for index, cell in cells}
    if not any(grades.values()):
        return None
    return [replace(column, grade=grades.get(column.index) or column.grade) for column in columns]
