"""A seeded folder of hostile inputs mixed with good ones, for `trialgraph run` (tests/test_batch_hostile.py).

Every file is one `Planted` entry saying what the run must do with it: store it (and find its drug), fail it
with a reason containing `expect`, skip it with a reason, or, for the bit-flipped copies, account for it
either way. Small files are written as they are; the "big" ones (a PDF over the page limit, a long line over
the character limit, a list of studies) are built here at sizes that match the limits the test passes.
"""
from __future__ import annotations

import json
import os
import random
import socket
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CTGOV_XML = ROOT / "corpus" / "ctgov" / "NCT00081588.xml"
CTGOV_JSON = ROOT / "corpus" / "ctgov" / "NCT00973089.json"
PUBMED_SET = ROOT / "tests" / "fixtures" / "pubmed" / "pubmed_set.xml"

GOOD, BAD, SKIPPED, FUZZED = "good", "bad", "skipped", "fuzzed"
# the limits the hostile run is given (`trialgraph run --max-pdf-pages ... `)
LIMITS = {"--max-pdf-pages": "3", "--max-characters": "250000", "--piece-characters": "60000"}
_EVENTS = ("nausea", "fatigue", "rash", "diarrhoea", "neutropenia", "hypertension", "vomiting", "headache")


@dataclass
class Planted:
    """One planted input: `name` (bytes: not always UTF-8) under the folder, what must become of it, and
    `expect`: the drug a good file's document names, or a fragment of the reason a bad or skipped one gets."""

    name: bytes
    kind: str
    expect: str = ""
    sources: int = 1  # documents a good file holds

    def shown(self, folder: Path) -> str:
        from pipeline.batch.inputs import shown_path

        return shown_path(os.path.join(os.fsencode(folder), self.name))


def abstract(drug: str, rng: random.Random, sentences: int = 3) -> str:
    """A short trial abstract naming `drug` and some adverse events."""
    lines = [f"{drug.capitalize()} 400 mg twice daily was given to {rng.randint(20, 90)} patients with advanced "
             "renal cell carcinoma."]
    for _ in range(sentences):
        event = rng.choice(_EVENTS)
        lines.append(f"Grade {rng.randint(1, 3)} {event} occurred in {rng.randint(2, 19)} patients treated with {drug}.")
    return " ".join(lines)


def _study(nct: str, drug: str, rng: random.Random) -> dict:
    return {"protocolSection": {
        "identificationModule": {"nctId": nct, "briefTitle": f"{drug.capitalize()} in renal cell carcinoma"},
        "descriptionModule": {"briefSummary": abstract(drug, rng, 2)},
        "conditionsModule": {"conditions": ["Renal Cell Carcinoma"]},
        "armsInterventionsModule": {"interventions": [{"type": "DRUG", "name": drug.capitalize()}]}}}


def _pdf(pages: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _flip(raw: bytes, rng: random.Random, flips: int) -> bytes:
    data = bytearray(raw)
    for _ in range(flips):
        position = rng.randrange(len(data))
        data[position] ^= 1 << rng.randrange(8)
    return bytes(data)


def _deep_article_set() -> bytes:
    deep = "<i>" * 5000 + "x" + "</i>" * 5000
    own_ids = PUBMED_SET.read_bytes().replace(b">9000000", b">9100000")  # not copies of the other set's articles
    return own_ids.replace(b"<AbstractText>A 54-year-old woman", f"<AbstractText>{deep}A 54-year-old woman".encode(), 1)


def plant(folder: Path, seed: int = 27) -> list[Planted]:
    """Write the hostile inputs into `folder`; returns what the run must make of each."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    base = os.fsencode(folder)
    planted: list[Planted] = []

    def write(name: bytes, raw: bytes, kind: str, expect: str = "", sources: int = 1) -> None:
        with open(os.path.join(base, name), "wb") as handle:
            handle.write(raw)
        planted.append(Planted(name, kind, expect, sources))

    # good documents, some with names or content that used to break a run
    write(b"licensed_product_trial.txt", abstract("sorafenib", rng).encode(), GOOD, "sorafenib")
    write(b"Provenance_cohort_study.txt", abstract("cisplatin", rng).encode(), GOOD, "cisplatin")
    write(b"caf\xe9_latin1_name.txt", abstract("sunitinib", rng).encode(), GOOD, "sunitinib")
    write(b"line\nbreak\tin name.txt", abstract("imatinib", rng).encode(), GOOD, "imatinib")
    write(b"utf32_with_bom.txt", abstract("gemcitabine", rng).encode("utf-32"), GOOD, "gemcitabine")
    write(b"utf16_without_bom.txt", abstract("erlotinib", rng).encode("utf-16-le"), GOOD, "erlotinib")
    controls = f"Doxorubicin\x0b trial\x1b[31m\n\n{abstract('doxorubicin', rng)} \x01\x02 Then\x07 more."
    write(b"control_characters_inside.txt", controls.encode(), GOOD, "doxorubicin")
    ctgov_xml = CTGOV_XML.read_text(encoding="utf-8")
    write(b"ctgov_utf16.xml", ctgov_xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"), GOOD,
          "NCT00081588")
    write(b"ctgov_long_prolog.xml", ctgov_xml.replace("<clinical_study", "<!-- " + "x" * 6000 + " -->\n<clinical_study",
                                                      1).encode(), GOOD, "NCT00081588")
    ctgov_json = CTGOV_JSON.read_text(encoding="utf-8")
    write(b"ctgov_utf16.json", ctgov_json.encode("utf-16"), GOOD, "NCT00973089")
    write(b"ctgov_pdf_marker.json", ctgov_json.replace('"protocolSection"', '"note": "%PDF-1.7 pasted here", '
                                                       '"protocolSection"', 1).encode(), GOOD, "NCT00973089")
    study = _study("NCT09000001", "paclitaxel", rng)
    study["protocolSection"]["identificationModule"]["officialTitle"] = "Paclitaxel \ud800 lone surrogate"
    write(b"lone_surrogate.json", json.dumps(study).encode(), GOOD, "paclitaxel")
    write(b"page.html", (f"<!DOCTYPE html><html><head><title>x</title><script>var a = 1;</script></head><body>"
                         f"<h1>Methotrexate study</h1><p>{abstract('methotrexate', rng)}</p></body></html>").encode(),
          GOOD, "methotrexate")
    pdf_text = [abstract("docetaxel", rng, 8) + f" Page {n} of the docetaxel report." for n in range(2)]
    write(b"small.pdf", _pdf(pdf_text), GOOD, "docetaxel")
    # big ones, at the sizes of the limits in LIMITS
    long_pages = [abstract("capecitabine", rng, 6) + f" Section {n} closes here." for n in range(12)]
    write(b"twelve_pages.pdf", _pdf(long_pages), GOOD, "capecitabine")
    line = " ".join(abstract("oxaliplatin", rng) for _ in range(1400))  # about 400,000 characters, one line
    write(b"one_long_line.txt", line.encode(), GOOD, "oxaliplatin")
    studies = [_study(f"NCT0900{n:04d}", "tamoxifen", rng) for n in range(2, 14)]
    studies.append(_study("NCT09000005", "tamoxifen", rng))  # the same NCT id again: reported, not stored
    write(b"studies_list.json", json.dumps({"studies": studies, "nextPageToken": "abc"}).encode(), GOOD,
          "tamoxifen", sources=12)
    write(b"pubmed_duplicate_pmid.xml", PUBMED_SET.read_bytes().replace(b'<PMID Version="1">90000002</PMID>',
                                                                       b'<PMID Version="1">90000001</PMID>'),
          GOOD, "sorafenib", sources=2)
    write(b"pubmed_deep_article.xml", _deep_article_set(), GOOD, "sorafenib", sources=2)
    # bad ones: each must be reported with its reason
    write(b"bom_only.txt", b"\xef\xbb\xbf", BAD, "only a byte-order mark")
    write(b"bom16_only.txt", b"\xff\xfe", BAD, "only a byte-order mark")
    write(b"null.json", b"null\n", BAD, "bare JSON value (null)")
    write(b"empty_body.html", b"<!DOCTYPE html><html><head><title>Trial</title></head><body>\n</body></html>", BAD,
          "HTML page with an empty body")
    write(b"script_only.html", b"<html><body><script>alert(1)</script></body></html>", BAD, "empty body")
    write(b"controls.txt", bytes(rng.choice(b"\x01\x02\x03\x05\x06\x0e\x1b") for _ in range(20000)), BAD, "binary")
    write(b"utf32_misread.txt", b"\xff\xfe\x00\x00" + bytes(rng.randrange(256) for _ in range(4000)), BAD, "UTF-32")
    write(b"latin1_content.txt", "Caf\xe9 au lait sorafenib study".encode("latin-1"), BAD, "not UTF-8 text")
    write(b"digits_only.txt", b"123 456 789 000\n" * 20, BAD, "not a single letter")
    write(b"empty.txt", b"", BAD, "empty file")
    write(b"blob.bin", bytes(rng.randrange(256) for _ in range(5000)), BAD, "binary")
    write(b"laughs.xml", b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
          b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><clinical_study>&lol2;</clinical_study>', BAD,
          "entity declarations are refused")
    write(b"xxe.xml", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
          b"<PubmedArticleSet>&x;</PubmedArticleSet>", BAD, "refused")
    write(b"deep.xml", b"<clinical_study>" + b"<a>" * 3000 + b"</a>" * 3000 + b"</clinical_study>", BAD,
          "nested more than")
    write(b"deep.json", b'{"protocol": ' + b"[" * 100000 + b"]" * 100000 + b"}", BAD, "nested too deeply")
    write(b"truncated.json", CTGOV_JSON.read_bytes()[:3000], BAD, "truncated")
    write(b"truncated.xml", CTGOV_XML.read_bytes()[:3000], BAD, "malformed XML")
    write(b"not_a_study.json", json.dumps([{"id": n, "note": "x"} for n in range(50)]).encode(), BAD,
          "not a ClinicalTrials.gov study")
    write(b"damaged.pdf", _pdf(pdf_text)[:600], BAD, "PDF")
    os.mkfifo(os.path.join(base, b"named_pipe.txt"))
    planted.append(Planted(b"named_pipe.txt", BAD, "named pipe"))
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(os.path.join(base, b"socket.txt"))
    listener.close()  # the socket file stays
    planted.append(Planted(b"socket.txt", BAD, "socket"))
    os.symlink(b"no_such_target.txt", os.path.join(base, b"dangling_link.txt"))
    planted.append(Planted(b"dangling_link.txt", BAD, "broken symbolic link"))
    # skipped on purpose, each with its reason
    for name in (b"README.md", b"LICENSE", b"PROVENANCE.md", b"licence.txt"):
        write(name, b"About these files.\n", SKIPPED, "README, LICENSE or PROVENANCE")
    write(b".hidden_notes.txt", abstract("aspirin", rng).encode(), SKIPPED, "hidden file")
    # bit-flipped copies: stored or reported, never lost, never a crash
    for number in range(6):
        write(f"flipped_{number}.json".encode(), _flip(CTGOV_JSON.read_bytes()[:4000], rng, 3), FUZZED)
        write(f"flipped_{number}.xml".encode(), _flip(CTGOV_XML.read_bytes(), rng, 3), FUZZED)
        write(f"flipped_{number}.pdf".encode(), _flip(_pdf(pdf_text), rng, 3), FUZZED)
    return planted
