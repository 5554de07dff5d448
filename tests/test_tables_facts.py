"""Facts read from tables: the corpus article, PDF and registry records, and small text and PDF tables built here."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from fpdf import FPDF

from pipeline.cli import main
from pipeline.document import Document, Table
from pipeline.readers import pdf, read_document, text
from pipeline.tables import table_facts

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SEED_002 = CORPUS / "seeds" / "002_1350d4869f79fc29.txt"
OPOKU = CORPUS / "pdfs" / "Opoku2018_Lancet_moxidectin_vs_ivermectin_phase3_RCT.pdf"
DUPILUMAB = CORPUS / "ctgov" / "NCT02210780.json"
NELFINAVIR = CORPUS / "ctgov" / "NCT01065844.xml"


def _json_facts(document: Document) -> list[dict]:
    """The table facts of `document` as the store keeps them (their JSON)."""
    return [fact.to_dict() for fact in table_facts(document)]


def _facts(document: Document, kind: str, table: str | None = None) -> list[dict]:
    return [f for f in _json_facts(document) if f["kind"] == kind and (table is None or f["table"] == table)]


def _cell(facts: list[dict], row: int, column: int) -> dict:
    return next(f for f in facts if f["row"] == row and f["column"] == column)


@pytest.fixture(scope="module")
def seed() -> Document:
    return read_document(SEED_002)


def test_tables_facts_seed_adverse_event_rows(seed: Document) -> None:
    table = seed.table("table-2")
    facts = _facts(seed, "incidence", "table-2")
    event_rows = [i for i, row in enumerate(table.rows) if row[1][:1].isdigit()]
    assert len(event_rows) == 26 and len(facts) == 3 * 26
    for fact in facts:  # every fact comes from its cell
        assert table.rows[fact["row"]][fact["column"]] == fact["cell"]
        assert fact["grade"] == {1: "any", 2: "3", 3: "4"}[fact["column"]]
        assert fact["arm"] == "IL-21 + sorafenib"
        assert [drug["name"] for drug in fact["regimen"]] == ["IL-21", "sorafenib"]
    rash = [_cell(facts, 0, column) for column in (1, 2, 3)]
    assert [(f["event"], f["n"], f["total"], f["percent"], f["grade"]) for f in rash] == [
        ("Rash", 31, 33, 94.0, "any"), ("Rash", 9, 33, 29.0, "3"), ("Rash", 0, 33, None, "4")]
    assert rash[0]["markers"] == "[†]" and rash[0]["norm"]
    assert rash[1]["warnings"] == ["percent 29 does not match 9/33 (27.3)"]
    assert rash[0]["regimen"][1]["norm"][0] == "MESH:D000077157"
    hand_foot = _cell(facts, 5, 1)
    assert (hand_foot["concept"], hand_foot["n"], hand_foot["percent"]) == ("Palmar-plantar erythrodysaesthesia syndrome", 18, 55.0)


def test_tables_facts_seed_laboratory_rows_overrides_and_duplicates(seed: Document) -> None:
    facts = _facts(seed, "incidence", "table-2")
    lipase = _cell(facts, 17, 2)
    assert (lipase["event"], lipase["n"], lipase["total"], lipase["percent"]) == ("Lipase high", 7, 31, 23.0)
    assert lipase["concept"] == "Lipase increased" and lipase["section"] == "Laboratory abnormality"
    assert lipase["warnings"] == ["row N 31 overrides 33"] and lipase["laboratory"] is True
    assert _cell(facts, 21, 1)["warnings"] == ["duplicate row (same as row 19)"]
    assert _cell(facts, 19, 1)["warnings"] == [] and _cell(facts, 19, 1)["concept"] == "Platelet count decreased"
    report = next(f for f in _json_facts(seed) if f["kind"] == "table" and f["table"] == "table-2")
    assert report["classification"] == "adverse_events" and report["facts"] == 78
    assert "row 21: duplicate row (same as row 19) (columns 1, 2, 3)" in report["warnings"]


def test_tables_facts_seed_response_table(seed: Document) -> None:
    facts = _facts(seed, "response", "table-3")
    independent = [(f["category"], f["code"], f["n"], f["total"], f["percent"]) for f in facts if f["column"] == 2]
    assert independent == [
        ("Complete response", "CR", 0, 33, None), ("Partial response", "PR", 7, 33, 21.0),
        ("Stable disease", "SD", 20, 33, 61.0), ("Progressive disease", "PD", 4, 33, 12.0),
        ("Unavailable", "NE", 2, 33, 6.0)]
    assert {f["column_label"] for f in facts} == {"Investigator assessment", "Independent review"}
    reports = {f["table"]: f for f in _json_facts(seed) if f["kind"] == "table"}
    assert reports["table-1"]["classification"] == "demographics" and reports["table-1"]["facts"] == 0


def test_tables_facts_opoku_rows_by_arm_population_and_grade() -> None:
    document = pdf.read(OPOKU.read_bytes(), str(OPOKU))
    facts = _facts(document, "incidence", "T2")
    assert len(facts) == 124
    grade_4 = [f for f in facts if f["event"] == "Mazzotti reactions" and f["grade"] == "4"]
    assert [(f["arm"], f["column_label"], f["n"], f["total"], f["percent"]) for f in grade_4] == [
        ("Moxidectin", "All participants", 321, 978, 33.0), ("Ivermectin", "All participants", 178, 494, 36.0),
        ("Moxidectin", "Adolescents (12–17 years)", 20, 55, 36.0),
        ("Ivermectin", "Adolescents (12–17 years)", 11, 24, 46.0)]
    assert grade_4[0]["regimen"][0]["norm"] == ["DRUGBANK:DB11431", "UNII:NGU5H31YO9", "MESH:C027837"]
    serious = [f for f in facts if f["event"] == "Serious adverse events"]
    assert {f["grade"] for f in serious} == {"any", "1", "2", "3", "4"} and all(f["serious"] for f in serious)
    below_one = next(f for f in serious if f["grade"] == "1" and f["column"] == 1)
    assert (below_one["n"], below_one["percent"], below_one["percent_bound"]) == (1, None, "<1")
    assert not any(f["warnings"] for f in facts)


def test_tables_facts_registry_adverse_events_by_arm() -> None:
    document = read_document(DUPILUMAB)
    facts = _facts(document, "incidence", "T2")
    conjunctivitis = [f for f in facts if f["event"] == "Conjunctivitis"]
    assert [(f["arm"], f["n"], f["total"], f["serious"]) for f in conjunctivitis] == [
        ("Placebo qw", 0, 97, False), ("Dupilumab 300 mg qw", 8, 97, False)]
    assert conjunctivitis[1]["regimen"] == [{"name": "Dupilumab", "norm": ["DRUGBANK:DB12159", "UNII:420K487FSG"],
                                         "concept": "dupilumab"}]
    assert conjunctivitis[1]["dose"] == "300 mg qw" and conjunctivitis[1]["category"] == "Infections and infestations"
    assert all(f["serious"] for f in _facts(document, "incidence", "T1"))
    outcome = _facts(document, "outcome_result", "T6")
    assert [(f["arm"], f["value"], f["unit"]) for f in outcome] == [
        ("Placebo qw", 10.3, "Percentage of participants"), ("Dupilumab 300 mg qw", 44.3, "Percentage of participants")]


def test_tables_facts_registry_grades_in_labels_and_response_outcome() -> None:
    document = read_document(NELFINAVIR)
    incidence = _facts(document, "incidence", "T2")
    assert [(f["event"], f["grade"], f["n"], f["total"]) for f in incidence] == [
        ("platelet count decreased", "3", 1, 15), ("Investigations - Other, liver enzymes increased", "3", 2, 15),
        ("hyponatremia", "4", 1, 15), ("dizziness", "3", 1, 15)]
    response = _facts(document, "response", "T3")
    assert [(f["code"], f["n"], f["total"]) for f in response] == [("CR", 0, 11), ("PR", 0, 11), ("SD", 7, 11), ("PD", 4, 11)]


_TEXT_ARTICLE = """A trial of drug tables

Results

Table 2 Adverse events in patients treated with sorafenib or placebo
\tSorafenib (N = 40)\t\tPlacebo (N = 38)\t
Adverse event*\tAny grade\tGrade ≥3\tAny grade\tGrade ≥3
Rash†\t12 (30)\t3 (8)\t2 (5)\t—
Diarrhea\t10 (25)\t1 (3)\t4 (11)\t0
Diarrhea\t10 (25)\t1 (3)\t4 (11)\t0
Laboratory abnormality‡\tAny grade\tGrade ≥3\tAny grade\tGrade ≥3
AST high (n = 36)\t9 (25)\t2 (6)\t3 (8)\t—
*Events in at least 5% of patients.
†Includes any rash preferred term.
‡Worst grade during treatment.

Discussion

Sorafenib was tolerable.
"""


def test_tables_facts_text_table_spanning_header_markers_and_subheader() -> None:
    document = text.read(_TEXT_ARTICLE.encode(), "article.txt")
    table = document.tables[0]
    assert table.rows[0] == ["Rash†", "12 (30)", "3 (8)", "2 (5)", "—"]
    facts = _facts(document, "incidence")
    rash = [f for f in facts if f["row"] == 0]
    assert [(f["arm"], f["grade"], f["n"], f["total"], f["percent"]) for f in rash] == [
        ("Sorafenib", "any", 12, 40, 30.0), ("Sorafenib", ">=3", 3, 40, 8.0),
        ("Placebo", "any", 2, 38, 5.0), ("Placebo", ">=3", 0, 38, None)]
    assert rash[0]["event"] == "Rash" and rash[0]["markers"] == "†"
    assert rash[0]["regimen"][0]["norm"][0] == "MESH:D000077157" and rash[2]["regimen"] == []
    assert {tuple(f["warnings"]) for f in facts if f["row"] == 2} == {("duplicate row (same as row 1)",)}
    ast = [f for f in facts if f["event"] == "AST high"]
    assert [(f["n"], f["total"]) for f in ast] == [(9, 36), (2, 36), (3, 36), (0, 36)]
    assert ast[0]["warnings"] == ["row N 36 overrides 40"] and ast[2]["warnings"] == ["row N 36 overrides 38"]
    assert ast[0]["section"] == "Laboratory abnormality" and ast[0]["concept"] == "Aspartate aminotransferase increased"


def _pdf_with_table(rows: list[tuple[str, ...]], pages: int = 1) -> bytes:
    """A one-column article page with a ruled table: a group header spanning two columns per arm."""
    document = FPDF(format="A4")
    document.add_page()
    document.set_font("Helvetica", size=10)
    document.multi_cell(0, 5, "Patients were randomly assigned to sorafenib or placebo and followed for safety. " * 5)
    document.ln(4)
    document.set_font("Helvetica", style="B", size=9)
    document.cell(0, 5, "Table 2: Adverse events by treatment group and grade", new_x="LMARGIN", new_y="NEXT")
    document.set_font("Helvetica", size=9)
    with document.table(col_widths=(40, 25, 25, 25, 25), text_align="LEFT", first_row_as_headings=False,
                        borders_layout="HORIZONTAL_LINES") as grid:
        header = grid.row()
        header.cell("")
        header.cell("Sorafenib (N = 40)", colspan=2)
        header.cell("Placebo (N = 38)", colspan=2)
        columns = grid.row()
        for cell in ("Adverse event", "Any grade", "Grade 3-4", "Any grade", "Grade 3-4"):
            columns.cell(cell)
        for cells in rows:
            row = grid.row()
            for cell in cells:
                row.cell(cell)
    document.line(document.l_margin, document.get_y(), document.l_margin + 140, document.get_y())
    document.ln(2)
    document.set_font("Helvetica", size=8)
    document.multi_cell(0, 4, "*Includes palmar-plantar erythrodysesthesia. Percentages are of patients treated.")
    return bytes(document.output())


def test_tables_facts_pdf_multiline_cells_and_spanning_header() -> None:
    raw = _pdf_with_table([
        ("Hand-foot skin reaction of the palms and soles*", "12 (30)", "4 (10)", "1 (3)", "-"),
        ("Diarrhea", "10 (25)", "2 (5)", "3 (8)", "0"),
        ("Fatigue", "8 (20)", "1 (3)", "6 (16)", "1 (3)"),
    ])
    document = pdf.read(raw, "built.pdf")
    table = document.table("T1")
    assert table.header_rows[0] == ["", "Sorafenib (N = 40)", "", "Placebo (N = 38)", ""]
    assert table.rows[0] == ["Hand-foot skin reaction of the palms and soles*", "12 (30)", "4 (10)", "1 (3)", "-"]
    assert table.footnotes == ["*Includes palmar-plantar erythrodysesthesia. Percentages are of patients treated."]
    facts = _facts(document, "incidence")
    first = [(f["event"], f["arm"], f["grade"], f["n"], f["total"]) for f in facts if f["row"] == 0]
    assert first == [
        ("Hand-foot skin reaction of the palms and soles", "Sorafenib", "any", 12, 40),
        ("Hand-foot skin reaction of the palms and soles", "Sorafenib", "3-4", 4, 40),
        ("Hand-foot skin reaction of the palms and soles", "Placebo", "any", 1, 38),
        ("Hand-foot skin reaction of the palms and soles", "Placebo", "3-4", 0, 38)]
    fatigue = next(f for f in facts if f["event"] == "Fatigue" and f["column"] == 3)
    assert (fatigue["concept"], fatigue["n"], fatigue["percent"]) == ("Fatigue", 6, 16.0)


def test_tables_facts_bad_table_becomes_a_warning() -> None:
    ragged = Table("T9", "Table 9 Adverse events", [["Event", "Drug"]], [["Rash", "3 (10)", "extra", "4"], [], ["x"]],
                   kind="adverse_events")
    document = Document(id="d", source_path="x", format="text", title="t", text="", tables=[ragged])
    facts = _json_facts(document)
    assert facts[0]["kind"] == "table" and facts[0]["table"] == "T9"
    assert [(f["event"], f["n"]) for f in facts[1:]] == [("Rash", 3), ("Rash", 4)]


def test_tables_cli_reports_tables_and_facts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tables", str(SEED_002), str(NELFINAVIR), "--json"]) == 0
    reports = json.loads(capsys.readouterr().out)["documents"]
    assert reports[0]["counts"] == {"incidence": 78, "response": 10}
    assert [(t["table"], t["classification"], t["facts"]) for t in reports[0]["tables"]] == [
        ("table-1", "demographics", 0), ("table-2", "adverse_events", 78), ("table-3", "response", 10),
        ("table-4", "response", 0)]
    assert reports[1]["counts"] == {"incidence": 4, "response": 4}
    assert main(["tables", str(SEED_002)]) == 0
    out = capsys.readouterr().out
    assert "table-2  adverse_events  27 rows, 78 facts; arms: IL-21 + sorafenib" in out
    assert "warning: row 0: percent 29 does not match 9/33 (27.3) (column 2)" in out
    assert main(["tables", "no/such/file.txt"]) == 2


def _framed_part(document: FPDF, caption: str | None, rows: list[tuple[str, ...]], note: str | None) -> None:
    """One page with a stroked frame holding a table part (Lancet layout: the caption is on the last part)."""
    document.add_page()
    document.set_font("Helvetica", size=10)
    document.text(20, 20, "Running text of the article about the trial continues here on this page.")
    document.rect(20, 30, 170, 12 + 7 * (len(rows) + 2))
    y = 37
    if caption:
        document.set_font("Helvetica", style="B", size=9)
        document.text(22, y, caption)
        y += 7
    document.set_font("Helvetica", size=9)
    for cells in rows:
        for x, cell in zip((22, 100, 150), cells):
            document.text(x, y, cell)
        y += 7
    if note:
        document.text(22, y, note)


def test_tables_facts_pdf_table_continued_across_pages() -> None:
    document = FPDF(format="A4")
    header = [("Event", "Moxidectin (N = 978)", "Ivermectin (N = 494)")]
    _framed_part(document, None, header + [("Headache", "100 (10%)", "40 (8%)"), ("Pruritus", "200 (20%)", "90 (18%)")],
                 "(Table 3 continues on next page)")
    _framed_part(document, "Table 3: Adverse events by arm",
                 header + [("Myalgia", "150 (15%)", "70 (14%)"), ("Fever", "50 (5%)", "20 (4%)")], None)
    read = pdf.read(bytes(document.output()), "continued.pdf")
    assert len(read.tables) == 1 and not read.warnings
    table = read.tables[0]
    assert table.header_rows == [["Event", "Moxidectin (N = 978)", "Ivermectin (N = 494)"]]
    assert [row[0] for row in table.rows] == ["Headache", "Pruritus", "Myalgia", "Fever"]
    facts = _facts(read, "incidence")
    assert [(f["event"], f["arm"], f["n"], f["total"], f["percent"]) for f in facts if f["column"] == 2] == [
        ("Headache", "Ivermectin", 40, 494, 8.0), ("Pruritus", "Ivermectin", 90, 494, 18.0),
        ("Myalgia", "Ivermectin", 70, 494, 14.0), ("Fever", "Ivermectin", 20, 494, 4.0)]


def test_tables_facts_birth_outcomes_table_gives_incidence_by_arm() -> None:
    # corpus/pdfs/Ussher2015 Table 6: a pregnancy trial's birth outcomes are its harms, though no caption word says so
    table = Table("T6", "Table 6 | Birth outcomes by treatment group. Values are number with outcome/total number in "
                        "group (percentage)",
                  [["Fetal outcomes", "Physical activity group (n=384)", "Control group (n=391)", "Odds ratio (95% CI)"]],
                  [["Miscarriage", "6/383 (2)", "10/389 (3)", "0.60 (0.22 to 1.67)"],
                   ["Stillbirth", "2/377 (1)", "2/379 (1)", "1.01 (0.14 to 7.24)"],
                   ["Mean (SD) birth weight (g)", "n=354, 3132.4 (581.7)", "n=359, 3146.8 (640.0)", "-14.50"]])
    document = Document("doc-birth", "birth.txt", "text", "Birth outcomes", "Birth outcomes", tables=[table])
    rows = {(f["event"], f["arm"], f["n"], f["total"]) for f in _facts(document, "incidence")}
    assert rows == {("Miscarriage", "Physical activity group", 6, 383), ("Miscarriage", "Control group", 10, 389),
                    ("Stillbirth", "Physical activity group", 2, 377), ("Stillbirth", "Control group", 2, 379)}
