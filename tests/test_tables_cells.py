"""Tests of reading single cells, header cells and row labels of results tables."""
from __future__ import annotations

import pytest

from pipeline.document import CellNumbers, Table
from pipeline.tables.cells import header_total, parse_cell, percent_mismatch, row_total, row_values, strip_markers
from pipeline.tables.classify import classify
from pipeline.tables.structure import grade_of, header_layers, read_header_cell, read_layout


@pytest.mark.parametrize(
    ("text", "kind", "n", "total", "percent", "bound"),
    [
        ("31 (94)", "count", 31, None, 94.0, None),
        ("7 (21%)", "count", 7, None, 21.0, None),
        ("1 (<1%)", "count", 1, None, None, "<1"),
        ("90 (9%)†", "count", 90, None, 9.0, None),
        ("1/188", "count", 1, 188, None, None),
        ("12/97 (12.4%)", "count", 12, 97, 12.4, None),
        ("—", "zero", 0, None, None, None),
        ("-", "zero", 0, None, None, None),
        ("0", "count", 0, None, None, None),
        ("83.7%", "percent", None, None, 83.7, None),
        ("NA", "missing", None, None, None, None),
        ("", "missing", None, None, None, None),
        ("PR", "text", None, None, None, None),
    ],
)
def test_tables_cells_parse_counts_percents_and_dashes(text, kind, n, total, percent, bound) -> None:
    value = parse_cell(text)
    assert (value.kind, value.n, value.total, value.percent, value.percent_bound) == (kind, n, total, percent, bound)


def test_tables_cells_values_with_spread_interval_and_middle_dot() -> None:
    assert parse_cell("41·5 (16·4)").value == 41.5 and parse_cell("41·5 (16·4)").spread == 16.4
    interval = parse_cell("36.5 (19.2 to NA)")
    assert (interval.value, interval.interval) == (36.5, (19.2, None))
    assert parse_cell("-2.11 (0.259)").value == -2.11


def test_tables_cells_markers_and_row_totals() -> None:
    assert strip_markers("Rash [†]") == ("Rash", "[†]")
    assert strip_markers("Laboratory Mazzotti reactions*") == ("Laboratory Mazzotti reactions", "*")
    assert strip_markers("Prior regimens**") == ("Prior regimens", "**")
    assert row_total("Lipase high (n = 31)") == ("Lipase high", 31)
    assert row_total("Fatigue") == ("Fatigue", None)
    assert header_total("Phase 2 (30 mcg/kg; N = 33)") == 33
    assert header_total("(n=1,088)") == 1088


def test_tables_cells_percent_checks_allow_rounding_only() -> None:
    assert percent_mismatch(31, 33, 94.0) is None
    assert percent_mismatch(7, 31, 23.0) is None
    assert percent_mismatch(9, 33, 29.0) == "percent 29 does not match 9/33 (27.3)"
    assert percent_mismatch(1, 978, None, "<1") is None
    assert percent_mismatch(20, 978, None, "<1") == "percent <1 does not match 20/978 (2.0)"


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("Any grade n (%)", "any"),
        ("All grades", "any"),
        ("Grade 3 n (%)", "3"),
        ("Grade ≥3", ">=3"),
        ("≥ Grade 3", ">=3"),
        ("Grade 3-4", "3-4"),
        ("Grade 3/4", "3-4"),
        ("Grades 3 or 4", "3-4"),
        ("Grade 3 or higher", ">=3"),
        ("Moxidectin", None),
        ("Total (N=4613)", None),
    ],
)
def test_tables_structure_grade_of_header(text: str, grade: str | None) -> None:
    assert grade_of(read_header_cell(text)[0] or text) == grade


def test_tables_structure_header_cell_parts() -> None:
    assert read_header_cell("Phase 2 (30 mcg/kg; N = 33)") == ("Phase 2", None, 33, "30 mcg/kg", None)
    assert read_header_cell("Investigator assessment (N = 33)")[:3] == ("Investigator assessment", None, 33)
    assert read_header_cell("Grade 4 n (%)")[:2] == ("", "4")


def test_tables_structure_spanning_and_wrapped_header_rows() -> None:
    layers = header_layers(
        [["", "All participants", "", "Adolescents", ""], ["", "", "", "(12–17 years)", ""],
         ["", "Moxidectin", "Ivermectin", "Moxidectin", "Ivermectin"]],
        5,
    )
    assert layers == [
        ["", "All participants", "All participants", "Adolescents (12–17 years)", "Adolescents (12–17 years)"],
        ["", "Moxidectin", "Ivermectin", "Moxidectin", "Ivermectin"],
    ]


def test_tables_classify_by_caption_header_and_rows() -> None:
    demographics = Table("T1", "Table 1 Baseline characteristics", [["", "Drug", "Placebo"]],
                         [["Age, years", "54", "55"], ["Male", "10 (50)", "9 (45)"]])
    response = Table("T3", "Table 3 Best overall response", [["Response", "N = 20"]],
                     [["Partial response", "4 (20)"], ["Stable disease", "10 (50)"]])
    pk = Table("T4", "Table 4 Pharmacokinetic parameters", [["Parameter", "Day 1"]], [["Cmax (ng/mL)", "120 (30)"]])
    sd_rows = Table("T5", "Table 5 Weight change", [["", "A", "B"]], [["Weight, mean (SD)", "70 (5)", "71 (6)"]])
    assert [classify(t) for t in (demographics, response, pk, sd_rows)] == [
        "demographics", "response", "pharmacokinetics", "other"]


def test_tables_structure_column_roles() -> None:
    table = Table("T2", "Table 2 Adverse events", [["Event", "Grade 3 or 4", "Organ system", "OR (95% CI)", "Notes"]],
                  [["Rash", "3 (10)", "Skin", "1.2 (0.8 to 1.9)", "mild"], ["Fever", "—", "General", "0.9 (0.5 to 1.4)", "rare"]])
    columns = read_layout(table).columns
    assert [c.role for c in columns] == ["label", "count", "text", "statistic", "text"]
    assert columns[1].grade == "3-4"


def test_tables_cells_registry_numbers_are_taken_as_given_not_read_from_the_text() -> None:
    # a registry cell's text is for people; its numbers come from the record ("3 (50)" would read as 3 at 50%)
    table = Table("T1", "Outcome", [["Mean (SD)", "Arm A", "Arm B"]], [["Weight", "3 (50)", "NA"]],
                  numbers=[[None, CellNumbers(value=3.0, spread=50.0), None]])
    label, value, missing = row_values(table, 0)
    assert (value.kind, value.value, value.spread, value.n, value.percent) == ("value", 3.0, 50.0, None, None)
    assert (label.kind, missing.kind) == ("text", "text")
    paper = Table("T2", "Adverse events", [["Event", "Arm A"]], [["Rash", "3 (50)"]])
    assert [(v.kind, v.n, v.percent) for v in row_values(paper, 0)[1:]] == [("count", 3, 50.0)]
