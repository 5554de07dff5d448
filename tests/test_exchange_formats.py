"""PubTator and BioC out of `trialgraph annotate` and back in through the readers: the same annotations."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.annotate import annotate_jsonl
from pipeline.exchange.labels import curies, label_of, written_type
from pipeline.readers import detect_format, read_documents

TEXTS = [
    {"id": "31800001", "text": "Sorafenib plus interleukin-21 in metastatic renal cell carcinoma\n"
     "Patients received sorafenib 400 mg orally twice daily. Grade 3 rash and fatigue occurred;\n"
     "hand-foot syndrome was the most common adverse event.\tNausea was rare."},
    {"id": "31800002", "text": "Cisplatin-induced nephrotoxicity in patients treated for ovarian cancer."},
    {"id": "31800003", "text": "No drug is named here."},
]


@pytest.fixture(scope="module")
def annotated(tmp_path_factory, full_nlp):
    """The JSONL answer and the PubTator, BioC XML and BioC JSON files for `TEXTS`, from the real pipeline."""
    folder = tmp_path_factory.mktemp("exchange")
    source = folder / "in.jsonl"
    source.write_text("".join(json.dumps(t) + "\n" for t in TEXTS))
    files = {}
    for fmt, name in (("jsonl", "out.jsonl"), ("pubtator", "out.pubtator"), ("bioc", "out.xml"),
                      ("bioc-json", "out.json")):
        assert annotate_jsonl(str(source), str(folder / name), fmt=fmt) == 0
        files[fmt] = folder / name
    lines = [json.loads(line) for line in files["jsonl"].read_text().splitlines()]
    return {line["id"]: line for line in lines}, files


def _expected(entity: dict, keep_label: bool) -> tuple:
    return (entity["start"], entity["end"], entity["text"],
            entity["label"] if keep_label else label_of(written_type(entity["label"])), tuple(entity["norm"]))


@pytest.mark.parametrize("fmt, detected, keeps_label", [("pubtator", "pubtator", False), ("bioc", "bioc", True),
                                                        ("bioc-json", "bioc_json", True)])
def test_exchange_formats_round_trip_gives_the_same_annotations(annotated, fmt, detected, keeps_label):
    lines, files = annotated
    path = files[fmt]
    assert detect_format(path.read_bytes(), str(path)) == detected
    documents = {d.source_path.rsplit("#", 1)[1]: d for d in read_documents(path)}
    assert list(documents) == [t["id"] for t in TEXTS]
    assert sum(len(line["entities"]) for line in lines.values()) >= 6
    for source in TEXTS:
        document, line = documents[source["id"]], lines[source["id"]]
        assert document.warnings == []
        assert len(document.text) == len(source["text"])
        got = [(a.start, a.end, a.text, a.label, a.norm) for a in document.pre_annotations]
        assert got == [_expected(e, keeps_label) for e in line["entities"]]
        for a in document.pre_annotations:
            assert document.text[a.start:a.end] == a.text == source["text"][a.start:a.end]
    if keeps_label:  # BioC relations refer to the annotations by id, with our labels
        first = documents[TEXTS[0]["id"]]
        ids = {a.id: i for i, a in enumerate(first.pre_annotations)}
        got = [(ids[r.arguments[0][1]], ids[r.arguments[1][1]], r.label) for r in first.pre_relations]
        assert got == [(r["head"], r["tail"], r["label"]) for r in lines[TEXTS[0]["id"]]["relations"]]


def test_exchange_formats_pubtator_relations_name_concepts(annotated):
    lines, files = annotated
    first = next(d for d in read_documents(files["pubtator"]) if d.source_path.endswith("#31800001"))
    entities = lines["31800001"]["entities"]
    pairs = {(entities[r["head"]]["text"].lower(), entities[r["tail"]]["text"])
             for r in lines["31800001"]["relations"] if r["label"] == "HAS_ADVERSE_EVENT"}
    assert ("sorafenib", "rash") in pairs
    cid = {(r.arguments[0][1], r.arguments[1][1]) for r in first.pre_relations if r.label == "HAS_ADVERSE_EVENT"}
    assert ("MESH:D000077157", "MESH:D005076") in cid  # sorafenib -> rash, by MeSH ids


FIXTURE = Path(__file__).parent / "fixtures" / "bioc" / "collection.xml"


def test_exchange_formats_bioc_collection_reads_passages_at_their_offsets():
    documents = list(read_documents(FIXTURE))
    assert [d.source_path.rsplit("#", 1)[1] for d in documents] == ["31800001", "PMC7000002"]
    article, full_text = documents
    assert article.publication_ids == {"pmid": "31800001"} and article.nct_ids == ["NCT00389285"]
    assert [(s.kind, s.start, s.end) for s in article.sections] == [("title", 0, 97), ("abstract", 98, 385)]
    assert article.title.startswith("Sorafenib plus interleukin-21") and article.text[97] == "\n"
    assert [(s.name, s.kind, s.start) for s in full_text.sections] == [
        ("TITLE", "title", 0), ("ABSTRACT", "abstract", 40), ("INTRO", "background", 120), ("RESULTS", "results", 210)]
    assert full_text.text[207:210] == "\n\n\n"  # the gap before RESULTS, kept so the offsets stay BioC's
    results = full_text.sections[-1]
    assert results.text == "Rash occurred in 31 of 33 patients. Grade 3 rash occurred in 9 patients."
    assert [(a.start, a.text, a.label, a.norm) for a in full_text.pre_annotations if a.start >= 120] == [
        (182, "hepatocellular carcinoma", "DISEASE", ("MESH:D006528",)), (254, "rash", "DISEASE", ("MESH:D005076",))]
    assert all(d.text[a.start:a.end] == a.text for d in documents for a in d.pre_annotations)
    assert [(r.label, r.arguments) for r in article.pre_relations] == [
        ("HAS_ADVERSE_EVENT", (("Chemical", "5"), ("Disease", "9")))]
    hand_foot = next(a for a in article.pre_annotations if a.id == "9")
    assert article.text[hand_foot.start:hand_foot.end] == "hand-foot syndrome" and hand_foot.start == 307


def test_exchange_formats_bioc_json_pubtator3_document(tmp_path):
    document = {"id": "31800009", "passages": [
        {"infons": {"type": "title"}, "offset": 0, "text": "Rash with sorafenib",
         "annotations": [{"id": "1", "infons": {"type": "Chemical", "identifier": "MESH:D000077157"},
                          "text": "sorafenib", "locations": [{"offset": 10, "length": 9}]}]},
        {"infons": {"type": "abstract"}, "offset": 20, "text": "Grade 3 rash was seen.",
         "annotations": [{"id": "2", "infons": {"type": "Disease", "identifier": "D005076"},
                          "text": "rash", "locations": [{"offset": 28, "length": 4}]}]}]}
    path = tmp_path / "pubtator3.json"
    path.write_text(json.dumps({"PubTator3": [document]}))
    read = list(read_documents(path))
    assert len(read) == 1 and read[0].format == "bioc_json" and read[0].text == "Rash with sorafenib\nGrade 3 rash was seen."
    assert [(a.text, a.label, a.norm) for a in read[0].pre_annotations] == [
        ("sorafenib", "DRUG", ("MESH:D000077157",)), ("rash", "DISEASE", ("MESH:D005076",))]


def test_exchange_formats_refuse_overlapping_passages_and_offsets_outside(tmp_path):
    from pipeline.readers import ReaderError

    overlapping = tmp_path / "overlap.json"
    overlapping.write_text(json.dumps({"documents": [{"id": "1", "passages": [
        {"offset": 0, "text": "A title here"}, {"offset": 5, "text": "overlaps it"}]}]}))
    with pytest.raises(ReaderError, match="must not overlap"):
        list(read_documents(overlapping))
    outside = tmp_path / "outside.pubtator"
    outside.write_text("123|t|Short title\n123|a|Short abstract.\n123\t10\t90\twhatever\tDisease\tD005076\n")
    with pytest.raises(ReaderError, match="outside the text"):
        list(read_documents(outside))


def test_exchange_formats_curies_of_identifier_fields():
    assert curies("D008750|MESH:D007674;-1") == ("MESH:D008750", "MESH:D007674")
    assert curies("-") == () and curies("C000657, DRUGBANK:DB00398") == ("MESH:C000657", "DRUGBANK:DB00398")
