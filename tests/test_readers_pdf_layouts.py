"""The PDF reader on journal pages built here (tests/pdf_articles.py): tables in four typesetting styles, in one
column, across both, continued over a column and a page; captions in roman; reading order around tables,
panels and front matter; titles, DOIs, repeated and scanned pages."""
from __future__ import annotations

import dataclasses
import io

import pytest
from fpdf import FPDF
from PIL import Image

from pdf_articles import (
    ADVERSE_EVENT_FACTS, ADVERSE_EVENTS, BOTTOM, PROSE, ROW_HEIGHT, STYLES, WRAP_HEIGHT, Article, TableSpec,
)
from pipeline.document import Document
from pipeline.readers import pdf
from pipeline.records import IncidenceFact
from pipeline.tables import table_facts

TITLE = "Drug A for chronic widespread pain: a randomised, placebo-controlled trial"
HEADER = [["", "Drug A (N = 120)", "", "Placebo (N = 118)", ""],
          ["Adverse event", "Any grade", "Grade 3-4", "Any grade", "Grade 3-4"]]


def _expected_rows(spec: TableSpec) -> list[list[str]]:
    """The body rows of `spec` as the reader should give them: wrapped cells joined, group labels padded."""
    width = spec.width
    return [[" ".join(cell.split("\n")) for cell in row] + [""] * (width - len(row)) for row in spec.rows]


def _incidence(document: Document) -> list[tuple]:
    facts = [f for f in table_facts(document) if isinstance(f, IncidenceFact)]
    return sorted(((f.event, f.column, f.n, f.total, f.percent, f.arm, f.grade) for f in facts), key=str)


def _article_with_table(style: str, column: int | None, columns: int = 2) -> bytes:
    """Page 1: title, a full-width paragraph, then the table in the left column (a sentence running on around
    it) or across the page above both columns."""
    article = Article(columns=columns)
    article.title(TITLE)
    article.paragraph(PROSE, None)
    spec = dataclasses.replace(ADVERSE_EVENTS, style=style)
    if column is None:
        article.table(spec, None)
    else:
        article.paragraph(PROSE + "Participants in both groups were followed for twelve", 0)
        article.table(spec, 0)
        article.paragraph("weeks after randomisation. " + PROSE, 0)
    for index in range(columns):
        article.fill_column(index, BOTTOM - 10)
    return article.bytes()


@pytest.mark.parametrize("style", STYLES)
def test_readers_pdf_layouts_table_in_one_column_of_two(style: str) -> None:
    document = pdf.read(_article_with_table(style, 0), f"{style}.pdf")
    assert not document.warnings and len(document.tables) == 1
    table = document.tables[0]
    assert table.caption == ADVERSE_EVENTS.caption and table.kind == "adverse_events"
    assert table.header_rows == HEADER
    assert table.rows == _expected_rows(ADVERSE_EVENTS)
    assert table.footnotes == ADVERSE_EVENTS.notes
    assert _incidence(document) == sorted(ADVERSE_EVENT_FACTS, key=str)
    assert "Participants in both groups were followed for twelve weeks after randomisation." in document.text
    assert "30 (25)" not in document.text and "Gastrointestinal disorders" not in document.text


@pytest.mark.parametrize("style", STYLES)
def test_readers_pdf_layouts_table_across_both_columns(style: str) -> None:
    document = pdf.read(_article_with_table(style, None), f"{style}.pdf")
    table = document.tables[0]
    assert len(document.tables) == 1 and table.header_rows == HEADER
    assert table.rows == _expected_rows(ADVERSE_EVENTS)
    assert _incidence(document) == sorted(ADVERSE_EVENT_FACTS, key=str)
    body = document.text[document.text.index(PROSE.split(".")[0]):]
    assert "Nausea" not in body and "Drug A (N = 120)" not in body


@pytest.mark.parametrize("style", ("booktabs", "whitespace"))
def test_readers_pdf_layouts_table_on_a_one_column_page(style: str) -> None:
    document = pdf.read(_article_with_table(style, 0, columns=1), "one-column.pdf")
    assert [t.rows for t in document.tables] == [_expected_rows(ADVERSE_EVENTS)]
    assert _incidence(document) == sorted(ADVERSE_EVENT_FACTS, key=str)


@pytest.mark.parametrize(("style", "continued"), list(zip(STYLES, (
    "Table 2 (continued)", "Table 2 continued", "TABLE 2. (Continued)", "Table 2 (cont'd)"))))
def test_readers_pdf_layouts_table_continued_in_next_column_and_on_next_page(style: str, continued: str) -> None:
    """Rows 1-5 at the foot of the left column under the caption, rows 6-8 at the top of the right column
    (no caption, no header), rows 9-10 and the notes on page 2 under "Table 2 (continued)"."""
    article = Article()
    article.title(TITLE)
    article.paragraph(PROSE, None)
    spec = dataclasses.replace(ADVERSE_EVENTS, style=style)
    article.fill_column(0, BOTTOM - 5 * ROW_HEIGHT - 2 * WRAP_HEIGHT - 50)
    article.table(spec, 0, rows=slice(0, 5), notes=False)
    article.table(spec, 1, rows=slice(5, 8), caption=None, header=False, notes=False)
    article.fill_column(1, BOTTOM)
    article.new_page()
    article.table(spec, 0, rows=slice(8, None), caption=continued)
    article.fill_column(0, BOTTOM)
    document = pdf.read(article.bytes(), "continued.pdf")
    assert not document.warnings and len(document.tables) == 1
    table = document.tables[0]
    assert table.page == 1 and table.header_rows == HEADER
    assert table.rows == _expected_rows(ADVERSE_EVENTS)
    assert table.footnotes == ADVERSE_EVENTS.notes
    assert _incidence(document) == sorted(ADVERSE_EVENT_FACTS, key=str)


def test_readers_pdf_layouts_roman_caption_without_delimiter() -> None:
    """A caption in roman type ("Table 1 Baseline characteristics") over a whitespace table is found; a body
    sentence that starts with "Table 1 shows" is not a caption."""
    spec = TableSpec(
        caption="Table 1 Baseline characteristics of the participants",
        header=[[("Characteristic", 1), ("Drug A (n = 120)", 1), ("Placebo (n = 118)", 1)]],
        rows=[("Age, years", "54.2 (11.3)", "55.0 (10.8)"), ("Women", "70 (58)", "66 (56)"),
              ("Body mass index, kg/m2", "27.1 (4.2)", "26.8 (4.5)"), ("Current smoker", "18 (15)", "21 (18)")],
        style="whitespace", bold_label=False,
    )
    article = Article()
    article.title(TITLE)
    article.paragraph("Table 1 shows the characteristics of the participants at baseline, which were similar "
                      "in the two groups. " + PROSE, 0)
    article.table(spec, 0)
    article.paragraph(PROSE, 0)
    article.fill_column(1, BOTTOM)
    document = pdf.read(article.bytes(), "roman.pdf")
    assert [t.caption for t in document.tables] == [spec.caption]
    table = document.tables[0]
    assert table.header_rows == [["Characteristic", "Drug A (n = 120)", "Placebo (n = 118)"]]
    assert table.rows == _expected_rows(spec)
    assert "Table 1 shows the characteristics of the participants at baseline" in document.text
    assert not any(isinstance(f, IncidenceFact) for f in table_facts(document))


def test_readers_pdf_layouts_panels_front_matter_and_masthead_out_of_the_text() -> None:
    article = Article(running_head="", doi="")
    article.line("Journal of Clinical Trials", None, size=20, bold=True)
    article.title(TITLE)
    article.paragraph("doi:10.1234/jct.2024.0042", None, size=8, font="Helvetica")
    article.paragraph(PROSE + "The most common events in the first", 1)
    article.boxed("Key messages", "Drug A reduced pain. Nausea was the most common adverse event.", 1)
    article.paragraph("two weeks were nausea and fatigue. " + PROSE, 1)
    article.paragraph(PROSE, 0)
    article.small_print(["1 Department of Medicine, University of Somewhere, Somewhere, UK",
                         "Correspondence to: A Smith, ann.smith@example.org",
                         "(c) 2024 The Authors. This is an open access article under the CC BY licence."], 0)
    article.new_page()
    article.line("References", 0, bold=True)
    for number, doi in enumerate(("10.1016/S0140-6736(20)00001-1", "10.1136/bmj.n0002", "10.1136/bmj.n0002"), start=1):
        article.paragraph(f"{number}. Doe J. A trial of something. Lancet 2020;1:1-10. doi:{doi}", 0, size=8)
    document = pdf.read(article.bytes(), "front-matter.pdf")
    assert document.title == TITLE
    assert document.publication_ids == {"doi": "10.1234/jct.2024.0042"}  # not the DOI cited twice
    notes = next(s for s in document.sections if s.name == "Margin notes and boxes")
    flow = document.text[: notes.start]
    assert "The most common events in the first two weeks were nausea and fatigue." in flow
    for out_of_flow in ("Key messages", "Journal of Clinical Trials", "Correspondence to", "open access article",
                        "Department of Medicine"):
        assert out_of_flow not in flow and out_of_flow in notes.text


def test_readers_pdf_layouts_article_doi_from_the_running_foot() -> None:
    article = Article(doi="10.1234/jct.2024.0042")
    article.title(TITLE)
    article.paragraph(PROSE, 0)
    article.new_page()
    article.line("References", 0, bold=True)
    for number in range(1, 4):
        article.paragraph(f"{number}. Roe R. Another trial. BMJ 2021;2:2. doi:10.1136/bmj.n000{number}", 0, size=8)
    document = pdf.read(article.bytes(), "foot.pdf")
    assert document.publication_ids == {"doi": "10.1234/jct.2024.0042"}
    assert "doi:10.1234/jct.2024.0042" not in document.text  # the running foot is not body text


@pytest.mark.parametrize("pages", [2, 30])
def test_readers_pdf_layouts_pages_repeating_the_same_text(pages: int) -> None:
    """Issue 31: pages that repeat one text are read (running-head removal must not take every word)."""
    document = FPDF(unit="pt", format="A4")
    document.set_font("Helvetica", size=11)
    for _ in range(pages):
        document.add_page()
        document.text(72, 60, "Nausea was reported by 12 of 40 participants given drug A.")
    read = pdf.read(bytes(document.output()), "repeated.pdf")
    assert read.text.count("Nausea was reported by 12 of 40 participants given drug A.") == pages
    assert not read.warnings


def test_readers_pdf_layouts_scanned_page_with_running_head_says_so() -> None:
    """A scanned page in a typeset article: only an image and the running head and foot stamped on it."""
    article = Article()
    article.title(TITLE)
    article.paragraph(PROSE, 0)
    scan = io.BytesIO()
    Image.new("L", (60, 80), 200).save(scan, format="PNG")
    for _ in range(2):
        article.new_page()
        article.pdf.image(scan, x=72, y=80, w=400)
    article.new_page()
    article.paragraph(PROSE, 0)
    read = pdf.read(article.bytes(), "scanned-inside.pdf")
    assert [w.split(" has ")[0] for w in read.warnings] == ["page 2", "page 3"]
    assert all("only images (scanned?)" in w for w in read.warnings)


def test_readers_pdf_layouts_scanned_page_says_so() -> None:
    document = FPDF(unit="pt", format="A4")
    document.add_page()
    document.set_font("Helvetica", size=11)
    document.text(72, 100, "Page one has text about the trial of drug A.")
    document.add_page()
    scan = io.BytesIO()
    Image.new("L", (60, 80), 200).save(scan, format="PNG")
    document.image(scan, x=72, y=72, w=400)
    read = pdf.read(bytes(document.output()), "half-scanned.pdf")
    assert "Page one has text about the trial of drug A." in read.text
    assert read.warnings == ["page 2 has no extractable text, only images (scanned?); run OCR for its text"]


def test_readers_pdf_layouts_settings_reach_the_reader() -> None:
    """Thresholds are fields of one frozen PdfSettings passed to `read`: with running heads never learnt
    (no text repeats on enough pages), the running foot stays in the text."""
    article = Article(doi="10.1234/jct.2024.0042")
    article.title(TITLE)
    article.paragraph(PROSE, 0)
    article.new_page()
    article.paragraph(PROSE, 0)
    raw = article.bytes()
    assert "doi:10.1234/jct.2024.0042" not in pdf.read(raw, "a.pdf").text
    never_running = pdf.PdfSettings(running_min_pages=3)
    assert "doi:10.1234/jct.2024.0042" in pdf.read(raw, "a.pdf", never_running).text
    with pytest.raises(dataclasses.FrozenInstanceError):
        never_running.cell_gap_ratio = 1.0  # type: ignore[misc]
