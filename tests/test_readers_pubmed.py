"""PubMed and PMC (JATS) XML: one article or a set, split into standalone documents."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.readers import ReaderError, detect_format, read_document, read_documents, split_sources

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pubmed"
PUBMED_SET = FIXTURES / "pubmed_set.xml"
PMC_ARTICLE = FIXTURES / "pmc_article.xml"


def section_text(document, name):
    section = next(s for s in document.sections if s.name == name)
    assert document.text[section.start : section.end] == section.text
    return section


def test_readers_pubmed_set_yields_one_document_per_article():
    documents = list(read_documents(PUBMED_SET))
    assert [d.source_path for d in documents] == [f"{PUBMED_SET}#9000000{n}" for n in (1, 2, 3)]
    assert [d.format for d in documents] == ["pubmed"] * 3
    assert len({d.id for d in documents}) == 3
    first = documents[0]
    assert first.title == "Sorafenib in advanced renal cell carcinoma: a phase II trial."
    assert first.nct_ids == ["NCT00389285"]
    assert first.publication_ids == {"pmid": "90000001", "doi": "10.9999/jio.2025.001"}
    assert documents[1].publication_ids["pmcid"] == "PMC9000002"


def test_readers_pubmed_labelled_abstract_parts_become_sections():
    first = next(read_documents(PUBMED_SET))
    results = section_text(first, "Results")
    assert results.kind == "results" and results.text.startswith("The most common adverse events were diarrhea")
    assert section_text(first, "Methods").kind == "methods"
    abstract = section_text(first, "Abstract")
    assert abstract.start < results.start and results.end <= abstract.end
    assert "manageable toxicity." in first.text  # inline markup (<i>) keeps its text


def test_readers_pubmed_unlabelled_abstract_is_one_section():
    second = list(read_documents(PUBMED_SET))[1]
    assert [(s.name, s.kind) for s in second.sections] == [("Title", "title"), ("Abstract", "abstract")]
    assert section_text(second, "Abstract").text.startswith("A 54-year-old woman with ovarian cancer")


def test_readers_pubmed_read_document_refuses_a_set_of_several():
    with pytest.raises(ReaderError, match="several articles; read it with pipeline.readers.read_documents"):
        read_document(PUBMED_SET)


def test_readers_pubmed_article_id_stays_when_another_article_changes(tmp_path):
    changed = tmp_path / "set.xml"
    changed.write_bytes(PUBMED_SET.read_bytes().replace(b"30-year-old man", b"31-year-old man"))
    before = {Path(p).name.split("#")[1]: raw for p, raw in split_sources(PUBMED_SET.read_bytes(), str(PUBMED_SET))}
    after = {Path(p).name.split("#")[1]: raw for p, raw in split_sources(changed.read_bytes(), str(changed))}
    assert before["90000001"] == after["90000001"] and before["90000002"] == after["90000002"]
    assert before["90000003"] != after["90000003"]
    # a standalone part reads as the same document as it does inside its set
    part = read_document_from_bytes(tmp_path, before["90000002"])
    assert part.id == list(read_documents(PUBMED_SET))[1].id


def read_document_from_bytes(folder: Path, raw: bytes):
    path = folder / "part.xml"
    path.write_bytes(raw)
    return read_document(path)


def test_readers_pubmed_set_of_one_keeps_the_file_path(tmp_path):
    raw = PUBMED_SET.read_bytes()
    start, end = raw.index(b"<PubmedArticle>"), raw.index(b"</PubmedArticle>") + len(b"</PubmedArticle>")
    single = tmp_path / "one.xml"
    single.write_bytes(raw[:raw.index(b"<PubmedArticle>")] + raw[start:end] + b"\n</PubmedArticleSet>\n")
    document = read_document(single)
    assert document.source_path == str(single)
    assert document.publication_ids["pmid"] == "90000001"


def test_readers_pubmed_pmc_article_sections_and_tables():
    document = read_document(PMC_ARTICLE)
    assert document.format == "pubmed"
    assert document.title == "Gemcitabine with or without erlotinib in pancreatic cancer (NCT01234567)"
    assert document.nct_ids == ["NCT01234567"]
    assert document.publication_ids == {"pmid": "90000010", "pmcid": "PMC9000010", "doi": "10.9999/it.2025.010"}
    assert section_text(document, "Safety").kind == "adverse_events"
    assert "1000 mg/m2 weekly" in section_text(document, "Methods").text
    assert "An earlier trial" not in document.text  # references stay out of the text
    (table,) = document.tables
    assert table.id == "table-1" and table.kind == "adverse_events" and table.section == "Safety"
    assert table.header_rows == [["Event", "Erlotinib (n = 100)", ""]]
    assert table.rows == [["Rash", "72", "72%"], ["Diarrhea", "56", "56%"]]
    assert table.footnotes == ["Graded with CTCAE version 3.0."]


def test_readers_pubmed_detect_format_and_errors(tmp_path):
    assert detect_format(PUBMED_SET.read_bytes(), "x") == "pubmed"
    assert detect_format(PMC_ARTICLE.read_bytes(), "x") == "pubmed"
    page = b"<!DOCTYPE html><html><body><article><p>Sorafenib 400 mg.</p></article></body></html>"
    assert detect_format(page, "page.html") == "html"  # read by the HTML reader, not as a JATS <article>
    broken = tmp_path / "broken.xml"
    broken.write_bytes(PUBMED_SET.read_bytes()[:-40])
    with pytest.raises(ReaderError, match="malformed XML"):
        list(read_documents(broken))
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"<?xml version='1.0'?>\n<PubmedArticleSet></PubmedArticleSet>\n")
    with pytest.raises(ReaderError, match="no <PubmedArticle>"):
        read_document(empty)
