"""Journal-article pages built with fpdf2 for the PDF reader's tests: one or two columns of justified prose,
running heads and feet, and tables typeset as journals do (three rules, whitespace only, zebra shading,
a full grid), inside a column or across both, continued in the next column or on the next page.

Core PDF fonts only hold Latin-1, so notes are marked with * and § and grade ranges are written 3-4.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from fpdf import FPDF

PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89
MARGIN = 50.0
GUTTER = 18.0
COLUMN_WIDTH = (PAGE_WIDTH - 2 * MARGIN - GUTTER) / 2
TOP = 72.0
BOTTOM = PAGE_HEIGHT - 60.0
BODY_SIZE = 9.5
LEADING = 11.5
TABLE_SIZE = 7.5
ROW_HEIGHT = 11.0  # row pitch
WRAP_HEIGHT = 9.0  # line pitch inside a cell set over two lines
STYLES = ("booktabs", "whitespace", "zebra", "ruled")

PROSE = (
    "Participants were randomly assigned to the study drug or to placebo and were followed for twelve weeks "
    "after randomisation. Adverse events were recorded at every visit and graded by the site investigator "
    "before the treatment allocation was revealed. Most events were mild and resolved without treatment, "
    "and no participant stopped the study drug because of an adverse event during the first month. "
)


@dataclass
class TableSpec:
    """A table to typeset: header rows of (text, columns spanned) cells, body rows (one cell: a group label),
    notes under it. A cell text with a newline is set over two lines."""

    caption: str
    header: list[list[tuple[str, int]]]
    rows: list[tuple[str, ...]]
    notes: list[str] = field(default_factory=list)
    style: str = "booktabs"
    bold_label: bool = True  # "Table 2" in bold (else the whole caption is roman)

    @property
    def width(self) -> int:
        return sum(span for _, span in self.header[-1])


ADVERSE_EVENTS = TableSpec(
    caption="Table 2: Adverse events by treatment group and grade",
    header=[
        [("", 1), ("Drug A (N = 120)", 2), ("Placebo (N = 118)", 2)],
        [("Adverse event", 1), ("Any grade", 1), ("Grade\n3-4", 1), ("Any grade", 1), ("Grade\n3-4", 1)],
    ],
    rows=[
        ("Gastrointestinal disorders",),
        ("Nausea", "30 (25)", "4 (3)", "12 (10)", "0"),
        ("Diarrhoea", "24 (20)", "6 (5)", "10 (8)", "1 (1)"),
        ("Vomiting", "12 (10)", "1 (1)", "5 (4)", "0"),
        ("Skin disorders",),
        ("Hand-foot skin reaction\nof the palms and soles*", "36 (30)", "9 (8)", "2 (2)", "0"),
        ("Rash", "18 (15)", "2 (2)", "7 (6)", "0"),
        ("General disorders",),
        ("Fatigue", "48 (40)", "7 (6)", "30 (25)", "2 (2)"),
        ("Pyrexia§", "15 (13)", "1 (1)", "9 (8)", "0"),
    ],
    notes=["Data are n (%).", "*Includes palmar-plantar erythrodysaesthesia.", "§Temperature of 38.0 C or more."],
)

# (event, column, n, total, percent, arm, grade) of every count cell of ADVERSE_EVENTS, from its data above
ADVERSE_EVENT_FACTS = [
    (row[0].replace("\n", " ").rstrip("*§"), column, int(cell.split()[0]), 120 if column <= 2 else 118,
     float(cell.split()[1].strip("()")) if " " in cell else None, "Drug A" if column <= 2 else "Placebo",
     "any" if column in (1, 3) else "3-4")
    for row in ADVERSE_EVENTS.rows if len(row) > 1
    for column, cell in enumerate(row[1:], start=1)
]


class Article:
    """Pages of an article: place prose and tables column by column, top to bottom."""

    def __init__(self, columns: int = 2, running_head: str = "Smith et al. J Clin Trials 2024;12:34",
                 doi: str = "10.1234/jct.2024.0042") -> None:
        self.pdf = FPDF(unit="pt", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(MARGIN, TOP, MARGIN)
        self.columns = columns
        self.running_head = running_head
        self.doi = doi
        self.cursor: list[float] = []
        self._wrapped: dict[tuple[str, float], list[str]] = {}
        self.new_page()

    # --- pages and columns ---

    def new_page(self) -> None:
        self.pdf.add_page()
        number = self.pdf.page_no()
        self.pdf.set_font("Helvetica", size=7.5)
        if self.running_head:
            self.pdf.text(MARGIN, 40, self.running_head)
        foot = f"doi:{self.doi}" if self.doi else ""
        self.pdf.text(MARGIN, PAGE_HEIGHT - 30, foot)
        self.pdf.text(PAGE_WIDTH - MARGIN - 10, PAGE_HEIGHT - 30, str(number))
        self.cursor = [TOP] * self.columns

    def box(self, column: int | None) -> tuple[float, float]:
        """(x, width) of a column, or of the whole text width for None."""
        if column is None or self.columns == 1:
            return MARGIN, PAGE_WIDTH - 2 * MARGIN
        return MARGIN + column * (COLUMN_WIDTH + GUTTER), COLUMN_WIDTH

    def _advance(self, column: int | None, bottom: float) -> None:
        if column is None:
            self.cursor = [bottom] * self.columns
        else:
            self.cursor[column] = bottom

    def _top(self, column: int | None) -> float:
        return max(self.cursor) if column is None else self.cursor[column]

    # --- text ---

    def title(self, text: str, size: float = 16) -> None:
        self.pdf.set_font("Helvetica", style="B", size=size)
        x, width = self.box(None)
        self.pdf.set_xy(x, self._top(None))
        self.pdf.multi_cell(width, size * 1.2, text, align="L")
        self._advance(None, self.pdf.get_y() + 10)

    def line(self, text: str, column: int | None = None, size: float = BODY_SIZE, bold: bool = False) -> None:
        """One line of text (a heading, a masthead, an author line)."""
        self.pdf.set_font("Times" if not bold else "Helvetica", style="B" if bold else "", size=size)
        x, _ = self.box(column)
        top = self._top(column)
        self.pdf.text(x, top + size, text)
        self._advance(column, top + size * 1.25 + 4)

    def paragraph(self, text: str, column: int | None = None, size: float = BODY_SIZE, font: str = "Times") -> None:
        """Justified prose filling the column (or the full width) from its cursor down."""
        self.pdf.set_font(font, size=size)
        x, width = self.box(column)
        self.pdf.set_xy(x, self._top(column))
        self.pdf.multi_cell(width, size * 1.2, text, align="J")
        self._advance(column, self.pdf.get_y() + 4)

    def fill_column(self, column: int, until: float, text: str = PROSE) -> None:
        """Justified prose down to `until` (in lines that fit)."""
        lines = int((until - self.cursor[column]) // (BODY_SIZE * 1.2))
        if lines <= 0:
            return
        self.pdf.set_font("Times", size=BODY_SIZE)
        _, width = self.box(column)
        key = (text, width)
        if key not in self._wrapped:  # wrapping is slow in fpdf2: once per text and width
            self._wrapped[key] = self.pdf.multi_cell(width, BODY_SIZE * 1.2, text * 12, align="J", dry_run=True,
                                                     output="LINES")
        self.paragraph(" ".join(self._wrapped[key][:lines]), column)

    def boxed(self, heading: str, text: str, column: int) -> None:
        """A framed panel ("Key messages") in a column."""
        x, width = self.box(column)
        top = self.cursor[column]
        self.pdf.set_xy(x + 6, top + 6)
        self.pdf.set_font("Helvetica", style="B", size=9)
        self.pdf.cell(width - 12, 11, heading, new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font("Helvetica", size=8.5)
        self.pdf.set_x(x + 6)
        self.pdf.multi_cell(width - 12, 10, text, align="L")
        bottom = self.pdf.get_y() + 6
        self.pdf.rect(x, top, width, bottom - top)
        self._advance(column, bottom + 8)

    def small_print(self, lines: list[str], column: int, bottom: float = BOTTOM) -> None:
        """Lines of 6.5-point print ending at `bottom` (affiliations, licence)."""
        self.pdf.set_font("Helvetica", size=6.5)
        x, width = self.box(column)
        y = bottom - 8.5 * len(lines)
        for text in lines:
            self.pdf.text(x, y, text)
            y += 8.5

    # --- tables ---

    def table(self, spec: TableSpec, column: int | None, rows: slice = slice(None), caption: str | None = "",
              header: bool = True, notes: bool = True) -> float:
        """Typeset `spec` (or some of its rows) at the cursor of `column` (None: across the page).
        `caption` "" uses the spec's caption, None sets none, any other text replaces it. Returns the bottom."""
        pdf = self.pdf
        x, width = self.box(column)
        y = self._top(column)
        if caption is not None:
            text = caption or spec.caption
            pdf.set_font("Helvetica", size=8.5)
            pdf.set_xy(x, y)
            if spec.bold_label:  # "**Table 2:** Adverse events ..."
                word, _, tail = text.partition(" ")
                number, _, rest = tail.partition(" ")
                pdf.multi_cell(width, 10, f"**{word} {number}** {rest}", align="L", markdown=True)
            else:
                pdf.multi_cell(width, 10, text, align="L")
            y = pdf.get_y() + 3
        label_width = 0.4 * width
        value_width = (width - label_width) / (spec.width - 1)
        edges = [x] + [x + label_width + i * value_width for i in range(spec.width)]
        style = spec.style
        pdf.set_line_width(0.5)
        top_rule = y
        if style in ("booktabs", "ruled"):
            pdf.line(x, y, x + width, y)
        header_rows = spec.header if header else []
        header_lines: list[tuple[float, float]] = []
        for header_row in header_rows:
            lines = max(text.count("\n") + 1 for text, _ in header_row)
            height = ROW_HEIGHT + WRAP_HEIGHT * (lines - 1)
            index = 0
            for text, span in header_row:
                for offset, part in enumerate(text.split("\n")):
                    self._cell(edges[index] + 2, y + WRAP_HEIGHT * offset, part)
                if span > 1 and text and style == "booktabs":
                    pdf.line(edges[index] + 2, y + height - 1, edges[index + span] - 6, y + height - 1)
                index += span
            header_lines.append((y, y + height))
            y += height
            if style == "ruled":
                pdf.line(x, y, x + width, y)
        if header_rows and style == "booktabs":
            pdf.line(x, y, x + width, y)
        body = spec.rows[rows]
        for number, row in enumerate(body):
            lines = max(cell.count("\n") + 1 for cell in row)
            height = ROW_HEIGHT + WRAP_HEIGHT * (lines - 1)
            if style == "zebra" and number % 2 == 0:
                pdf.set_fill_color(225, 225, 225)
                pdf.rect(x, y, width, height, style="F")
            if len(row) == 1:
                self._cell(x + 2, y, row[0])
            else:
                for index, cell in enumerate(row):
                    for offset, part in enumerate(cell.split("\n")):
                        self._cell(edges[index] + 2 + (6 if index == 0 else 0), y + WRAP_HEIGHT * offset, part)
            y += height
            if style == "ruled":
                pdf.line(x, y, x + width, y)
        if style == "booktabs":
            pdf.line(x, y, x + width, y)
        if style == "ruled":
            pdf.line(x, top_rule, x, y)
            pdf.line(x + width, top_rule, x + width, y)
            for index in range(1, len(edges)):
                pdf.line(edges[index], self._spanned_lines(header_rows, index, header_lines, top_rule), edges[index], y)
        y += 3
        if notes:
            pdf.set_font("Helvetica", size=6.5)
            for note in spec.notes:
                pdf.set_xy(x, y)
                pdf.multi_cell(width, 8, note, align="L")
                y = pdf.get_y()
        self._advance(column, y + 10)
        return y

    def _cell(self, x: float, top: float, text: str) -> None:
        self.pdf.set_font("Helvetica", size=TABLE_SIZE)
        self.pdf.text(x, top + TABLE_SIZE + 1.5, text)

    @staticmethod
    def _spanned_lines(header_rows: list[list[tuple[str, int]]], edge: int, lines: list[tuple[float, float]],
                       top: float) -> float:
        """Where the grid line at column edge `edge` starts: below the header cells that span across it."""
        start = top
        for row, (_, bottom) in zip(header_rows, lines):
            index = 0
            for _, span in row:
                if index < edge < index + span:
                    start = bottom
                index += span
        return start

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())
