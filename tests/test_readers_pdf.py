"""Tests of the PDF reader on the corpus articles and on small PDFs built at test time."""
from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from pipeline.document import Document
from pipeline.readers import pdf
from pipeline.errors import ReaderError

PDFS = Path(__file__).resolve().parents[1] / "corpus" / "pdfs"
OPOKU = PDFS / "Opoku2018_Lancet_moxidectin_vs_ivermectin_phase3_RCT.pdf"
BROWN = PDFS / "Brown2014_LancetRespirMed_StopAdvisor_RCT.pdf"
HAWKES = PDFS / "Hawkes2012_BMCCancer_CanPrevent_pilot.pdf"
USSHER = PDFS / "Ussher2015_BMJ_physical_activity_smoking_pregnancy_RCT.pdf"


@pytest.fixture(scope="module")
def documents() -> dict[str, Document]:
    return {path.stem[:6]: pdf.read(path.read_bytes(), str(path)) for path in (OPOKU, BROWN, HAWKES, USSHER)}


def _row(table, label: str) -> list[str]:
    return next(row for row in table.rows if row[0] == label)


def _build_pdf(pages: list[str], fonts: dict[str, str] | None = None) -> bytes:
    """A minimal PDF: one content stream per page (PDF drawing operators), standard 14 fonts."""
    fonts = fonts or {"F1": "Helvetica", "F2": "Helvetica-Bold"}
    font_ids = {name: 3 + i for i, name in enumerate(fonts)}
    first_page = 3 + len(fonts)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(len(pages))), len(pages)),
    ]
    objects += [b"<< /Type /Font /Subtype /Type1 /BaseFont /%s >>" % base.encode() for base in fonts.values()]
    resources = b" ".join(b"/%s %d 0 R" % (name.encode(), number) for name, number in font_ids.items())
    for i, content in enumerate(pages):
        stream = content.encode("latin-1")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << %s >> >> /Contents %d 0 R >>"
            % (resources, first_page + 2 * i + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _text(x: float, y: float, text: str, font: str = "F1", size: float = 10) -> str:
    return f"BT /{font} {size} Tf {x} {y} Td ({text}) Tj ET\n"


def test_readers_pdf_opoku_title_doi_and_trial_id(documents: dict[str, Document]) -> None:
    doc = documents["Opoku2"]
    assert doc.format == "pdf"
    assert doc.title.startswith("Single dose moxidectin versus ivermectin for Onchocerca volvulus infection")
    assert doc.title.endswith("double-blind phase 3 trial")
    assert doc.nct_ids == ["NCT00790998"]
    assert doc.publication_ids == {"doi": "10.1016/S0140-6736(17)32844-1"}


def test_readers_pdf_sentence_across_columns_is_whole_and_dehyphenated(documents: dict[str, Document]) -> None:
    text = documents["Opoku2"].text
    # page 1: the left column ends "...reside in subcutaneous and", the right one starts "deep tissue nodules";
    # "micro-" / "filariae" is broken at a line end in the right column
    assert (
        "develop into macrofilariae that reside in subcutaneous and deep tissue nodules, and produce millions "
        "of microfilariae during their reproductive lifespan (9–11 years)." in text
    )
    assert "Annual community-directed ivermectin treatment" in text  # a real compound keeps its hyphen
    assert "www.thelancet.com Published online" not in text  # running foot removed
    assert "\nArticles\n" not in text  # running head removed


def test_readers_pdf_sections_have_kinds_and_exact_offsets(documents: dict[str, Document]) -> None:
    for doc in documents.values():
        for section in doc.sections:
            assert section.text == doc.text[section.start : section.end]
    opoku = documents["Opoku2"]
    kinds = {section.name: section.kind for section in opoku.sections}
    assert kinds["Summary"] == "abstract"
    assert kinds["Introduction"] == "background"
    assert kinds["Methods"] == "methods"
    assert kinds["Results"] == "results"
    assert kinds["Discussion"] == "discussion"
    assert kinds["References"] == "references"
    assert kinds["Statistical analysis"] == "methods"
    assert opoku.sections[0].kind == "title"
    methods = next(s for s in opoku.sections if s.name == "Methods")
    assert "Study design and participants" in methods.text
    ussher = {s.name: s.kind for s in documents["Ussher"].sections}
    assert ussher["ABSTRACT"] == "abstract" and ussher["Design"] == "abstract"
    assert ussher["Trial registration"] == "metadata"  # a run-in back-matter label inside the abstract
    assert ussher["Introduction"] == "background"


def test_readers_pdf_front_matter_back_matter_and_a_reference_list_without_heading(documents: dict[str, Document]) -> None:
    def kind_at(doc: Document, phrase: str) -> str:
        section = doc.section_at(doc.text.index(phrase))
        return section.kind if section else "none"

    # authors before the abstract heading are front matter, not prose ("Kambale Kasonia" read as an event)
    assert kind_at(documents["Opoku2"], "Kambale Kasonia") == "metadata"
    assert kind_at(documents["Hawkes"], "Tania A Patrao") == "metadata"
    ussher = documents["Ussher"]
    # BMJ sets its back-matter labels in a lighter weight, not bold: "Contributors: MU, TC, SL, ..."
    assert kind_at(ussher, "Contributors: MU, TC") == "metadata" and kind_at(ussher, "Competing interests:") == "metadata"
    # and prints its numbered reference list under no heading
    assert kind_at(ussher, "Kallen K. The impact of maternal smoking") == "references"
    assert kind_at(ussher, "Marcus BH, Selby VC, Niaura RS") == "references"
    assert kind_at(ussher, "In this study, evidence that a pragmatic physical activity") == "discussion"


def test_readers_pdf_opoku_adverse_event_table(documents: dict[str, Document]) -> None:
    doc = documents["Opoku2"]
    table = next(t for t in doc.tables if t.caption.startswith("Table 2:"))
    assert table.caption == (
        "Table 2: Participants with adverse events during the first 6 months after treatment "
        "by adverse event category and severity (grade)"
    )
    assert table.page == 7 and table.kind == "adverse_events"
    assert table.header_rows[-1] == ["", "Moxidectin", "Ivermectin", "Moxidectin", "Ivermectin"]
    labels = [row[0] for row in table.rows]
    # both halves of the table (it continues in the next column) in order
    assert labels.index("Serious adverse events") < labels.index("Clinical Mazzotti reactions")
    assert table.rows[labels.index("Serious adverse events") + 1] == ["Any grade", "39 (4%)", "17 (3%)", "0", "0"]
    assert table.rows[-1] == ["4", "90 (9%)†", "25 (5%)†", "7 (13%)", "2 (8%)"]
    assert _row(table, "Number of participants") == ["Number of participants", "978", "494", "55", "24"]
    assert table.footnotes[0].startswith("Data are n (%).")
    assert "967 (99%) 478 (97%)" not in doc.text  # table cells are not repeated in the body text


def test_readers_pdf_tables_of_other_layouts(documents: dict[str, Document]) -> None:
    hawkes = documents["Hawkes"].table("T1")  # BMC: caption above, horizontal rules only
    assert hawkes.caption == "Table 1 Demographic variables"
    assert hawkes.header_rows == [["Variable", "n=22"]]
    assert _row(hawkes, "Age, mean (SD)") == ["Age, mean (SD)", "47.3 (13.4)"]
    ussher = documents["Ussher"].table("T1")  # BMJ: fully ruled grid
    assert ussher.caption.startswith("Table 1 | Baseline characteristics, according to study group")
    assert _row(ussher, "Mean (SD) age (years)") == ["Mean (SD) age (years)", "27.2 (6.1)", "27.8 (6.5)"]
    assert ussher.footnotes[1] == "*Data exclude 41 women who were still in full time education."
    brown = documents["Brown2"].table("T1")  # Lancet: framed, unruled
    assert _row(brown, "Female") == ["Female", "658 (61%)", "632 (60%)", "804 (65%)", "796 (64%)", "1462 (63%)", "1428 (62%)"]
    assert "Confidence in stopping score (1–7)" in [row[0] for row in brown.rows]  # ligature "fi" rejoined


def test_readers_pdf_dois_of_other_journals(documents: dict[str, Document]) -> None:
    assert documents["Brown2"].publication_ids == {"doi": "10.1016/S2213-2600(14)70195-X"}
    assert documents["Ussher"].publication_ids == {"doi": "10.1136/bmj.h2145"}
    assert documents["Hawkes"].publication_ids == {"doi": "10.1186/1471-2407-12-560"}
    assert documents["Hawkes"].title == (
        "CanPrevent: a telephone-delivered intervention to reduce multiple behavioural risk factors for colorectal cancer"
    )


def test_readers_pdf_truncated_file(tmp_path: Path) -> None:
    raw = OPOKU.read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ReaderError) as error:
        pdf.read(path.read_bytes(), str(path))
    assert error.value.cause.startswith("damaged PDF: ")
    assert "truncated" in error.value.cause


def test_readers_pdf_garbage_after_header() -> None:
    with pytest.raises(ReaderError) as error:
        pdf.read(b"%PDF-1.4\n" + b"\x13not a pdf\xff" * 300, "garbage.pdf")
    assert error.value.cause.startswith("damaged PDF: ")
    assert error.value.path == "garbage.pdf"


def test_readers_pdf_encrypted_file(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(str(HAWKES)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(ReaderError) as error:
        pdf.read(path.read_bytes(), str(path))
    assert error.value.cause == "encrypted PDF: needs a password"


def test_readers_pdf_image_only_file() -> None:
    scanned = _build_pdf(["0.5 g 72 72 400 600 re f\n"])  # a grey box, no text at all
    with pytest.raises(ReaderError) as error:
        pdf.read(scanned, "scan.pdf")
    assert error.value.cause == "no extractable text (scanned image?); run OCR first"


def test_readers_pdf_built_two_columns_and_ruled_table() -> None:
    left = [
        "Background",
        "Participants were given the study drug",
        "once daily and were followed for twelve",
        "weeks after randomisation. Adverse",
        "events were recorded at every visit and",
        "graded by the site investigator before",
    ]
    right = [
        "unblinding of the treatment allocation.",
        "Headache was the most common event",
        "in both groups and no participant died",
        "during the study period or follow-up.",
        "The trial was registered as NCT01234567.",
    ]
    content = _text(72, 790, "A small two column trial report", "F2", 16)
    for i, line in enumerate(left):
        content += _text(72, 740 - 13 * i, line, "F2" if i == 0 else "F1")
    for i, line in enumerate(right):
        content += _text(310, 740 - 13 * i, line)
    content += _text(72, 600, "Table 1: Adverse events by arm", "F2", 9)
    content += "0.5 w 72 590 m 480 590 l S 72 572 m 480 572 l S 72 520 m 480 520 l S\n"
    for y, cells in ((578, ("Event", "Drug", "Placebo")), (558, ("Headache", "12 (10%)", "7 (6%)")),
                     (542, ("Nausea", "5 (4%)", "6 (5%)")), (526, ("Rash", "1 (1%)", "0"))):
        for x, cell in zip((74, 300, 400), cells):
            content += _text(x, y, cell, size=9)
    doc = pdf.read(_build_pdf([content]), "built.pdf")
    assert doc.title == "A small two column trial report"
    assert (
        "Adverse events were recorded at every visit and graded by the site investigator before "
        "unblinding of the treatment allocation." in doc.text
    )
    assert doc.text.index("twelve weeks") < doc.text.index("Headache was the most common")
    assert doc.nct_ids == ["NCT01234567"]
    assert [s.kind for s in doc.sections if s.name == "Background"] == ["background"]
    table = doc.table("T1")
    assert table.caption == "Table 1: Adverse events by arm"
    assert table.header_rows == [["Event", "Drug", "Placebo"]]
    assert table.rows == [["Headache", "12 (10%)", "7 (6%)"], ["Nausea", "5 (4%)", "6 (5%)"], ["Rash", "1 (1%)", "0"]]
    assert table.kind == "adverse_events"
    assert "12 (10%)" not in doc.text


def test_readers_pdf_corpus_reads_without_warnings(documents: dict[str, Document]) -> None:
    assert all(not doc.warnings for doc in documents.values())
    assert all(len(doc.text) > 30000 for doc in documents.values())
