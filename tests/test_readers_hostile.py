"""Readers against hostile bytes: encodings from byte-order marks, files that decode but hold no text, formats
that used to be misread, XML attacks (defusedxml), deep nesting, sets with repeated ids, non-regular files."""
from __future__ import annotations

import json
import os
import socket
import threading
from pathlib import Path

import pytest

from pipeline.limits import DocumentLimits
from pipeline.readers import (
    ReaderError,
    decode_text,
    detect_format,
    iter_sources,
    read_bytes,
    read_file_bytes,
    read_within_limits,
    split_sources,
)
from pipeline.readers import ctgov_xml, pubmed

ROOT = Path(__file__).resolve().parent.parent
CTGOV_XML = ROOT / "corpus" / "ctgov" / "NCT00081588.xml"
CTGOV_JSON = ROOT / "corpus" / "ctgov" / "NCT00973089.json"
PUBMED_SET = ROOT / "tests" / "fixtures" / "pubmed" / "pubmed_set.xml"
TEXT = "Sorafenib caused grade 3 rash in 12 patients.\nFatigue was common."


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_readers_hostile_text_is_decoded_from_its_byte_order_mark_or_zero_bytes(codec):
    assert decode_text(TEXT.encode(codec), "x.txt") == TEXT
    assert read_bytes(TEXT.encode(codec), "x.txt").text.startswith("Sorafenib caused")


@pytest.mark.parametrize("raw, reason", [
    (b"\xef\xbb\xbf", "only a byte-order mark"),
    (b"\xff\xfe", "only a byte-order mark"),
    (b"\x00\x00\xfe\xff", "only a byte-order mark"),
    (b"\xef\xbb\xbf  \n", "only a byte-order mark"),
    (b"  \n\t", "empty file"),
    (b"null", "bare JSON value (null)"),
    (b"true\n", "bare JSON value (true)"),
    (b'"just a string"', "bare JSON value"),
    (b"\x01\x02\x03" * 1000 + b"text", "binary data"),
    (("a\x01\x02\x03" * 500).encode("utf-16"), "binary content: 1,500 of 2,000 characters are control characters"),
    (b"\xff\xfe\x00\x00" + b"\xff\xff\xff\xff" * 10, "broken UTF-32 text at byte 4"),
    (b"12 345 6789 -- 2024.\n" * 10, "not a single letter"),
    ("Caf\xe9".encode("latin-1"), "not UTF-8 text (byte 0xe9 at offset 3)"),
    (b"<!DOCTYPE html><html><head><title>T</title></head><body> \n </body></html>", "HTML page with an empty body"),
    (b"<html><body><script>var x = 1;</script><style>p {}</style></body></html>", "HTML page with an empty body"),
])
def test_readers_hostile_garbage_is_refused_with_its_reason(raw, reason):
    with pytest.raises(ReaderError, match=None) as caught:
        read_bytes(raw, "bad")
    assert reason in caught.value.cause, caught.value.cause


def test_readers_hostile_formats_are_recognised_whatever_their_encoding_or_prolog():
    xml, record = CTGOV_XML.read_text(encoding="utf-8"), CTGOV_JSON.read_text(encoding="utf-8")
    declared_utf16 = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    for raw in (declared_utf16.encode("utf-16"), declared_utf16.encode("utf-16-le"), xml.encode("utf-16"),
                xml.encode("utf-32"), xml.replace("<clinical_study", "<!--" + "x" * 9000 + "-->\n<clinical_study", 1).encode()):
        assert detect_format(raw, "r.xml") == "ctgov_xml"
        assert read_bytes(raw, "r.xml").trial.nct_id == "NCT00081588"
    for raw in (record.encode("utf-16"), record.encode("utf-32"),
                record.replace('"protocolSection"', '"note": "%PDF-1.4", "protocolSection"', 1).encode()):
        assert detect_format(raw, "r.json") == "ctgov_json"
        assert read_bytes(raw, "r.json").trial.nct_id == "NCT00973089"
    assert detect_format(PUBMED_SET.read_text().encode("utf-16"), "set.xml") == "pubmed"
    assert [p for p, _ in split_sources(PUBMED_SET.read_text().encode("utf-16"), "set.xml")][-1] == "set.xml#90000003"
    assert detect_format(b"junk line\n%PDF-1.4\n...", "a.pdf") == "pdf"  # bytes before the header are allowed
    page = b"<html><body><h1>Trial</h1><p>Sorafenib caused rash.</p><table><tr><td>Rash</td><td>12</td></tr>" \
           b"<tr><td>Fatigue</td><td>3</td></tr></table></body></html>"
    document = read_bytes(page, "p.html")
    assert detect_format(page, "p.html") == "html" and "Sorafenib caused rash." in document.text
    assert document.tables and document.tables[0].rows[-1] == ["Fatigue", "3"]


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">'.replace("&lol0;", "&lol;")
                             .encode() for n in range(1, 10))
                  + b"]>%s&lol9;%s")


@pytest.mark.parametrize("root, reader", [(b"clinical_study", ctgov_xml.read), (b"PubmedArticleSet", pubmed.read),
                                          (b"PubmedArticle", pubmed.read)])
def test_readers_hostile_xml_entity_expansion_is_refused(root, reader):
    raw = BILLION_LAUGHS % (b"<" + root + b">", b"</" + root + b">")
    for attempt in (lambda: reader(raw, "lol.xml"), lambda: read_bytes(raw, "lol.xml"), lambda: list(iter_sources(raw, "lol.xml"))):
        with pytest.raises(ReaderError, match="entity declarations are refused"):
            attempt()


def test_readers_hostile_xml_external_entities_are_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    for root in (b"clinical_study", b"PubmedArticleSet"):
        raw = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://' + str(secret).encode() + b'">]><'
               + root + b"><id_info><nct_id>&x;</nct_id></id_info></" + root + b">")
        with pytest.raises(ReaderError) as caught:
            read_bytes(raw, "xxe.xml")
        assert "refused" in str(caught.value) and "TOP-SECRET" not in str(caught.value)
    external_dtd = b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "file://' + str(secret).encode() + b'"><clinical_study/>'
    with pytest.raises(ReaderError) as caught:
        read_bytes(external_dtd, "dtd.xml")
    assert "TOP-SECRET" not in str(caught.value)


def test_readers_hostile_deep_article_fails_alone_and_repeated_pmid_is_reported():
    raw = PUBMED_SET.read_bytes()
    deep = raw.replace(b"<AbstractText>A 54-year-old woman", b"<AbstractText>" + b"<b>" * 10000 + b"</b>" * 10000, 1)
    sources = list(iter_sources(deep, "set.xml"))
    assert [s.path for s in sources] == ["set.xml#90000001", "set.xml#article-2", "set.xml#90000003"]
    assert "nested more than 200 elements deep" in sources[1].error and not sources[0].error and not sources[2].error
    repeated = raw.replace(b'<PMID Version="1">90000003</PMID>', b'<PMID Version="1">90000001</PMID>')
    sources = list(iter_sources(repeated, "set.xml"))
    assert [s.path for s in sources] == ["set.xml#90000001", "set.xml#90000002", "set.xml#article-3"]
    assert "repeats the id 90000001 of article 1" in sources[2].error
    with pytest.raises(ReaderError, match="nested more than 200"):
        read_bytes(b"<clinical_study>" + b"<a>" * 500 + b"</a>" * 500 + b"</clinical_study>", "deep.xml")
    truncated = list(_sources_until_error(raw[: raw.index(b"<PubmedArticle>", raw.index(b"90000002"))] + b"<Pub"))
    assert truncated[:-1] == ["set.xml#90000001", "set.xml#90000002"] and "after article 2" in truncated[-1]


def _sources_until_error(raw: bytes):
    try:
        for source in iter_sources(raw, "set.xml"):
            yield source.path
    except ReaderError as exc:
        yield str(exc)


def _study(nct: str) -> dict:
    return {"protocolSection": {"identificationModule": {"nctId": nct, "briefTitle": f"Sorafenib study {nct}"},
                                "descriptionModule": {"briefSummary": "Sorafenib 400 mg was given; rash occurred."}}}


def test_readers_hostile_study_lists_are_split_into_one_document_per_study():
    v2 = json.dumps({"studies": [_study("NCT00000001"), _study("NCT00000002"), _study("NCT00000001")],
                     "nextPageToken": "x"}).encode()
    sources = list(iter_sources(v2, "list.json"))
    assert [s.path for s in sources] == ["list.json#NCT00000001", "list.json#NCT00000002", "list.json#study-3"]
    assert "repeats the id NCT00000001 of study 1" in sources[2].error
    assert read_bytes(sources[1].raw, sources[1].path).trial.nct_id == "NCT00000002"
    array = json.dumps([_study("NCT00000003"), _study("NCT00000004")]).encode("utf-16")
    assert [s.path for s in iter_sources(array, "a.json")] == ["a.json#NCT00000003", "a.json#NCT00000004"]
    with pytest.raises(ReaderError, match="holds several studies"):
        read_bytes(array, "a.json")
    single = json.dumps({"studies": [_study("NCT00000005")]}).encode()
    assert [s.path for s in iter_sources(single, "one.json")] == ["one.json"]
    assert read_bytes(single, "one.json").trial.nct_id == "NCT00000005"
    full = {"FullStudiesResponse": {"FullStudies": [{"Rank": n, "Study": {"ProtocolSection": {"IdentificationModule": {
        "NCTId": f"NCT0000001{n}", "BriefTitle": f"Study {n} of sorafenib"}}}} for n in (1, 2)]}}
    parts = list(iter_sources(json.dumps(full).encode(), "v1.json"))
    assert [p.path for p in parts] == ["v1.json#NCT00000011", "v1.json#NCT00000012"]
    assert read_bytes(parts[1].raw, parts[1].path).trial.nct_id == "NCT00000012"


def test_readers_hostile_only_regular_files_are_read_and_a_fifo_never_blocks(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    outcome: list[str] = []
    reader = threading.Thread(target=lambda: outcome.append(_error_of(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading a FIFO blocked"
    assert "a named pipe (FIFO), not a regular file" in outcome[0]
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(tmp_path / "sock"))
    assert "socket" in _error_of(tmp_path / "sock")
    listener.close()
    (tmp_path / "link.txt").symlink_to("missing.txt")
    assert "broken symbolic link (to 'missing.txt')" in _error_of(tmp_path / "link.txt")
    assert "a folder" in _error_of(tmp_path)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(ReaderError, match="2,000 bytes, over the limit of 1,000 bytes per file"):
        read_file_bytes(big, max_bytes=1000, shown="shown-name")
    assert read_file_bytes(big, max_bytes=2000) == b"x" * 2000


def _error_of(path: Path) -> str:
    try:
        read_file_bytes(path)
    except ReaderError as exc:
        return str(exc)
    return "read"


def test_readers_hostile_limits_cut_long_texts_at_a_paragraph_break_and_say_so():
    paragraphs = [f"Paragraph {n}: sorafenib caused rash in {n} patients." for n in range(400)]
    raw = ("Title line\n\n" + "\n\n".join(paragraphs)).encode()
    document, cuts = read_within_limits(raw, "long.txt", DocumentLimits(max_characters=5000))
    assert len(document.text) <= 5000 and document.text.endswith("patients.")
    assert cuts == [f"text cut from {len(raw):,} to {len(document.text):,} characters (the limit of 5,000, "
                    "--max-characters)"] and cuts[0] in document.warnings
    assert all(s.end <= len(document.text) and document.text[s.start:s.end] == s.text for s in document.sections)
    whole, none = read_within_limits(raw, "long.txt", DocumentLimits())
    assert none == [] and whole.id == document.id
