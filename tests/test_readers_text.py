"""The plain-text / article-text reader on the real seed files (002 article, 001 noisy copy) and bad input."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.document import Document, run_in_back_matter
from pipeline.readers import text
from pipeline.errors import ReaderError

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"
ARTICLE = SEEDS / "002_1350d4869f79fc29.txt"
NOISY_COPY = SEEDS / "001_fe72475fe2fab39f.txt"


def _read(path: Path) -> Document:
    return text.read(path.read_bytes(), str(path))


@pytest.fixture(scope="module")
def article() -> Document:
    return _read(ARTICLE)


def _section(doc: Document, name: str) -> str:
    return next(section.text for section in doc.sections if section.name == name)


def test_text_article_title_ids_and_format(article: Document) -> None:
    assert article.title == (
        "Recombinant interleukin-21 plus sorafenib for metastatic renal cell carcinoma: a phase 1/2 study"
    )
    assert article.format == "text"
    assert article.nct_ids == ["NCT00389285", "NCT01489059", "NCT01629758"]
    assert article.publication_ids == {"doi": "10.1186/2051-1426-2-2"}
    assert article.trial is None


def test_text_registration_nct_id_comes_first_even_when_cited_later() -> None:
    raw = (
        "A study of drug X in disease Y patients\n\nAbstract\n\nSee also NCT11111111 for the sister trial.\n\n"
        "Trial registration: ClinicalTrials.gov NCT22222222\n"
    ).encode()
    assert text.read(raw, "x.txt").nct_ids == ["NCT22222222", "NCT11111111"]


def test_text_sections_are_exact_slices_for_every_seed() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        doc = _read(path)
        assert doc.sections, path.name
        for section in doc.sections:
            assert doc.text[section.start : section.end] == section.text, (path.name, section.name)


def test_text_article_headings_become_sections_of_the_right_kind(article: Document) -> None:
    kinds = {section.name: section.kind for section in article.sections}
    assert kinds["Title"] == "title"
    assert kinds["Abstract"] == "abstract"
    assert kinds["Background"] == "background"
    assert kinds["Results"] == "results"
    assert kinds["Safety experience"] == "adverse_events"
    assert kinds["Phase 1 (dose escalation)"] == "adverse_events"
    assert kinds["Phase 2"] == "adverse_events"
    assert kinds["Antitumor effect"] == "results"
    assert kinds["Discussion"] == "discussion"
    assert kinds["Conclusions"] == "conclusions"
    assert kinds["Statistical analysis"] == "methods"
    assert kinds["References"] == "references"
    assert "Trial registration: ClinicalTrials.gov Identifier: NCT00389285" in _section(article, "Abstract")
    assert _section(article, "Phase 1 (dose escalation)").startswith("Four dose levels of IL-21")
    references = _section(article, "References")
    assert references.startswith("- Sternberg CN") and "doi:10.1186" not in references


def test_text_section_at_finds_the_innermost_heading(article: Document) -> None:
    offset = article.text.index("No DLT occurred in the 30 mcg/kg cohort")
    section = article.section_at(offset)
    assert section is not None and section.name == "Phase 1 (dose escalation)"


def test_text_table_2_adverse_events(article: Document) -> None:
    table = article.table("table-2")
    assert table.caption.startswith("Table 2 Common adverse events* and laboratory abnormalities in phase 2 patients")
    assert table.kind == "adverse_events"
    assert table.header_rows == [
        ["Adverse event preferred term* [N = 33 unless noted]", "Any grade n (%)", "Grade 3 n (%)", "Grade 4 n (%)"]
    ]
    assert table.rows[0] == ["Rash [†]", "31 (94)", "9 (29)", "—"]
    assert ["Lymphopenia", "32 (97)", "16 (48)", "7 (21)"] in table.rows
    assert ["Laboratory abnormality[§]", "Any grade", "Grade 3 n (%)", "Grade 4 n (%)"] in table.rows
    assert len(table.rows) == 27
    assert table.footnotes[0] == "*Adverse events occurring in at least 30% of patients treated are included here."
    assert table.footnotes[1] == "[†]Includes any rash preferred term."
    assert table.footnotes[2].startswith("[§]Laboratory abnormalities occurring in at least 50% of patients")
    assert len(table.footnotes) == 3
    assert any("Laboratory abnormality[§]" in warning for warning in article.warnings)


def test_text_tables_keep_empty_cells_and_their_section(article: Document) -> None:
    assert [table.id for table in article.tables] == ["table-1", "table-2", "table-3", "table-4"]
    table_1 = article.table("table-1")
    assert table_1.header_rows[0][2] == "Phase 1 (N = 19)"
    assert ["", "Female", "4 (21)", "7 (21)"] in table_1.rows
    assert ["", "3", "1 (5)", ""] in table_1.rows
    assert table_1.section == "Phase 2"
    assert table_1.footnotes[1].startswith("**Number of prior treatment regimens")
    assert article.table("table-3").rows[1] == ["Partial response", "6 (18%)", "7 (21%)"]
    assert article.table("table-4").footnotes == [
        "Abbreviations: IL-2, interleukin-2; PR, partial response; LNs, lymph nodes."
    ]


def test_text_table_lines_stay_out_of_the_prose(article: Document) -> None:
    assert "31 (94)" not in article.text
    assert "Table 2 Common adverse events" not in article.text
    assert "Includes any rash preferred term" not in article.text


def test_text_joins_paragraphs_split_by_page_breaks_and_moves_page_furniture(article: Document) -> None:
    assert "eruption arising in the first two weeks of treatment" in article.text
    assert "resistant to regulatory T cell suppression" in article.text
    assert "* Correspondence: sbhatia@uw.edu" in _section(article, "Front matter")
    assert "Correspondence" not in _section(article, "Background")


def test_text_noisy_paraphrase_reads_as_one_plain_section() -> None:
    doc = _read(NOISY_COPY)
    assert doc.title.startswith("Conclusions Blend therapy with IL selleck compound 21 and sorafenib")
    assert len(doc.title) <= text.TITLE_MAX_CHARS
    assert [(section.kind, section.name) for section in doc.sections] == [("other", "Text")]
    assert "Sufferers Eligibility necessities included mRCC" in doc.text
    assert doc.tables == [] and doc.nct_ids == []


def test_text_plain_text_uses_first_line_as_title() -> None:
    doc = text.read(b"  Notes on IL-21 dosing  \n\nPatients got 30 mcg/kg.\nNo rash.\n", "notes.txt")
    assert doc.title == "Notes on IL-21 dosing"
    assert [(s.kind, s.text) for s in doc.sections] == [
        ("title", "Notes on IL-21 dosing"),
        ("other", "Patients got 30 mcg/kg.\nNo rash."),
    ]


def test_text_document_round_trips_through_json_dict(article: Document) -> None:
    assert Document.from_dict(article.to_dict()) == article


@pytest.mark.parametrize(
    ("raw", "cause"),
    [
        (b"", "empty file"),
        (b" \n\t\n", "empty file"),
        (b"caf\xe9 au lait", "not UTF-8"),
        (bytes(range(256)) * 4, "binary data"),
    ],
)
def test_text_rejects_unreadable_input(raw: bytes, cause: str) -> None:
    with pytest.raises(ReaderError) as error:
        text.read(raw, "bad.txt")
    assert cause in error.value.cause
    assert error.value.path == "bad.txt"


def test_text_wrapped_title_and_headings_without_blank_lines() -> None:
    raw = (
        "Smith et al. Trials 2020, 21:45\nRESEARCH ARTICLE Open Access\n"
        "Dupilumab for moderate asthma: a randomised trial of\nweekly dosing\n"
        "Jane Smith1*, Tom Jones2\nAbstract\nBackground: Asthma is common.\nResults\nFEV1 improved.\n"
    ).encode()
    doc = text.read(raw, "pdf-like.txt")
    assert doc.title == "Dupilumab for moderate asthma: a randomised trial of weekly dosing"
    assert {(s.name, s.kind, s.text) for s in doc.sections} >= {
        ("Abstract", "abstract", "Background: Asthma is common."),
        ("Results", "results", "FEV1 improved."),
    }
    assert "Jane Smith1*, Tom Jones2" in doc.sections[1].text


def test_text_table_caption_in_the_same_block_and_two_row_header() -> None:
    raw = (
        "A trial of drug X versus placebo in adults\n\nResults\n\nToxicity was mild.\n\n"
        "Table 3 Adverse events by arm\n\tDrug X\t\tPlacebo\t\nEvent\tn\t%\tn\t%\nNausea\t4\t20\t1\t5\n"
        "a Grade 1 only.\n\nDiscussion\n\nFine.\n"
    ).encode()
    doc = text.read(raw, "t.txt")
    (table,) = doc.tables
    assert table.id == "table-3" and table.caption == "Table 3 Adverse events by arm"
    assert table.header_rows == [["", "Drug X", "", "Placebo", ""], ["Event", "n", "%", "n", "%"]]
    assert table.rows == [["Nausea", "4", "20", "1", "5"]]
    assert table.footnotes == ["a Grade 1 only."]
    assert table.section == "Results" and table.kind == "adverse_events"
    assert [s.name for s in doc.sections if s.kind == "results"] == ["Results"]


def test_text_run_in_back_matter_label_opens_a_metadata_section(article: Document) -> None:
    # corpus/seeds/002: "Keywords: Interleukin-21, Sorafenib, Renal cell carcinoma (RCC), ..." closes the abstract
    keywords = article.section_at(article.text.index("Renal cell carcinoma (RCC), Immunotherapy"))
    assert keywords is not None and (keywords.name, keywords.kind) == ("Keywords", "metadata")
    registration = article.section_at(article.text.index("ClinicalTrials.gov Identifier: NCT00389285"))
    assert registration is not None and registration.kind == "metadata"
    conclusion = article.section_at(article.text.index("IL-21 plus sorafenib has antitumor activity"))
    assert conclusion is not None and conclusion.kind == "abstract"


def test_text_run_in_label_inside_a_block_and_the_part_going_on_after_it() -> None:
    raw = (
        "A trial of drug X in adults with gout\n\nAbstract\n\nResults: Rash was rare.\n"
        "Keywords: drug X, gout, rash\n\nMore abstract prose.\n\nMethods\n\nPatients took drug X.\n"
    ).encode()
    doc = text.read(raw, "t.txt")
    kind_at = {phrase: doc.section_at(doc.text.index(phrase)).kind
               for phrase in ("Rash was rare", "gout, rash", "More abstract prose", "Patients took")}
    assert kind_at == {"Rash was rare": "abstract", "gout, rash": "metadata", "More abstract prose": "abstract",
                       "Patients took": "methods"}
    assert all(section.text == doc.text[section.start : section.end] for section in doc.sections)
    # a label that is no back matter stays prose
    assert run_in_back_matter("Results: Rash was rare.") is None
    assert run_in_back_matter("Keywords: drug X") == "Keywords"


def test_readers_text_and_pdf_share_one_heading_taxonomy():
    from pipeline.readers.pdf.paragraphs import heading_kind as pdf_heading_kind
    from pipeline.readers.text import heading_kind as text_heading_kind

    # headings each reader knew before the one taxonomy, now known to both
    for heading, kind in (("Comment", "discussion"), ("Disclosures", "metadata"), ("Interpretation", "conclusions"),
                          ("Data availability", "metadata"), ("Role of the funding source", "metadata"),
                          ("2. Patients and Methods", "methods")):
        assert text_heading_kind(heading) == kind == pdf_heading_kind(heading), heading
    # a heading inside a part is the PDF reader's to place; the text reader narrows Results by its own cue
    assert pdf_heading_kind("Safety") == "adverse_events" and text_heading_kind("Safety") is None


def test_text_evidence_inference_section_paths_become_headings() -> None:
    raw = (
        "TITLE:\nLornoxicam in severe sepsis\n\n"
        "ABSTRACT.OBJECTIVE:\nTo test lornoxicam.\n\n"
        "ABSTRACT.RESULTS:\nNo differences.\n\n"
        "BODY.1. INTRODUCTION:\nSepsis is common.\n\n"
        "BODY.METHODS.STATISTICAL ANALYSIS:\nANOVA was used.\n\n"
        "BODY.RESULTS:\nAll completed.\n\n"
        "BODY.RESULTS.SIDE EFFECTS:\nRash occurred in two patients.\n\n"
        "BODY.AUTHORS' CONTRIBUTIONS:\nKA wrote the paper.\n\n"
        "BODY.PRE-PUBLICATION HISTORY:\nThe history is online.\n"
    ).encode()
    doc = text.read(raw, "ei.txt")
    assert doc.title == "Lornoxicam in severe sepsis"
    kinds = {section.name: section.kind for section in doc.sections}
    assert kinds["OBJECTIVE"] == "abstract"  # under the "Abstract" heading the reader adds
    assert kinds["1. INTRODUCTION"] == "background"
    assert kinds["STATISTICAL ANALYSIS"] == "methods"
    assert kinds["SIDE EFFECTS"] == "adverse_events"
    assert kinds["AUTHORS' CONTRIBUTIONS"] == kinds["PRE-PUBLICATION HISTORY"] == "metadata"
    assert "BODY." not in doc.text and "TITLE:" not in doc.text


def test_text_title_on_the_line_of_its_label() -> None:
    raw = b"TITLE: Purified anthocyanin supplementation\n\nABSTRACT.METHODS:\nWe gave it.\n\nBODY.RESULTS:\nIt worked.\n"
    assert text.read(raw, "ei.txt").title == "Purified anthocyanin supplementation"


def test_text_one_dotted_label_is_no_section_path() -> None:
    raw = b"Notes on dosing\n\nBODY.WEIGHT: 70 kg was the mean.\n\nABSTRACT.X:\nkept as written.\n"
    assert "ABSTRACT.X:" in text.read(raw, "notes.txt").text


def test_text_section_paths_name_each_heading_once() -> None:
    unfolded = text.unfold_section_paths("BODY.RESULTS:\nA.\nBODY.RESULTS.SAFETY:\nB.\nBODY.RESULTS.DOSES:\nC.\n")
    assert [line for line in unfolded.split("\n") if line and not line.endswith(".")] == ["RESULTS", "SAFETY", "DOSES"]


def test_text_back_matter_nested_in_a_section_path_closes_only_itself() -> None:
    raw = (
        "TITLE:\nRisedronate and exercise for bone loss\n\n"
        "BODY.BACKGROUND:\nBone loss is common.\n\n"
        "BODY.METHODS/DESIGN.ETHICS APPROVAL:\nThe board approved it.\n\n"
        "BODY.METHODS/DESIGN.INTERVENTION:\nWomen took risedronate 35 mg weekly.\n"
    ).encode()
    doc = text.read(raw, "ei.txt")
    assert doc.section_at(doc.text.index("The board")).kind == "metadata"
    assert doc.section_at(doc.text.index("risedronate")).kind == "methods"
