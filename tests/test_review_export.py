"""Curated annotations exported as training data, and the `trialgraph review` command line."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request

import pytest
from review_fixtures import built, out, span  # noqa: F401  (built: out's fixture)
from spacy.tokens import DocBin

from pipeline.cli import main
from pipeline.nlp.language import build_nlp
from pipeline.review.index import ItemIndex
from pipeline.review.queue import QueueFilter, document_items
from pipeline.store import Store
from pipeline.store.curation import Curation


def _decide(out, kind: str, text: str, status: str, correction=None, occurrence: int = 0) -> None:
    with Store(out / "trialgraph.db") as store:
        items = [i for stored in store.documents(curated=False) for i in document_items(stored, {})]
        start, end = span(text, occurrence)
        item = next(i for i in items if i.kind == kind and (i.original["start"], i.original["end"]) == (start, end))
        Curation(store).decide(item.source_path, item.key, kind, status, item.original, curator="ana",
                               expected_version=0, correction=correction)


def test_review_export_writes_curated_jsonl_and_docbin(out, tmp_path):
    _decide(out, "mention", "rash", "rejected")
    _decide(out, "mention", "fatigue", "accepted")
    start, end = span("Grade 3 hypertension")
    _decide(out, "mention", "hypertension", "corrected", {"start": start, "norm": ["MEDDRA:10020772"]})
    assert main(["review", "--store", str(out), "--export", str(tmp_path / "train")]) == 0

    (record,) = [json.loads(line) for line in (tmp_path / "train" / "curated.jsonl").read_text().splitlines()]
    entities = {e["text"]: e for e in record["entities"]}
    assert "rash" not in entities and record["rejected"] == [
        {"start": span("rash")[0], "end": span("rash")[1], "label": "ADVERSE_EVENT", "text": "rash"}]
    assert entities["fatigue"]["curation"] == "accepted" and entities["diarrhea"]["curation"] is None
    assert entities["Grade 3 hypertension"] == {"start": start, "end": end, "label": "ADVERSE_EVENT",
                                                "text": "Grade 3 hypertension", "norm": ["MEDDRA:10020772"],
                                                "negated": False, "curation": "corrected"}
    for entity in record["entities"]:
        assert record["text"][entity["start"] : entity["end"]] == entity["text"]
    for relation in record["relations"]:
        assert record["entities"][relation["head"]]["label"] == "DRUG"

    docs = list(DocBin().from_disk(tmp_path / "train" / "curated.spacy").get_docs(build_nlp(components=()).vocab))
    (doc,) = docs
    assert doc.text == record["text"] and doc.user_data["id"] == record["id"]
    ents = {(e.text, e.label_) for e in doc.ents}
    assert ("Grade 3 hypertension", "ADVERSE_EVENT") in ents and ("rash", "ADVERSE_EVENT") not in ents
    assert [(s.text, s.label_) for s in doc.spans["rejected"]] == [("rash", "ADVERSE_EVENT")]

    # the same curated annotations in PubTator and BioC, read back by the readers at the same offsets
    from pipeline.readers import read_bytes

    expected = sorted((e["start"], e["end"], e["text"]) for e in record["entities"])
    for name in ("curated.pubtator", "curated.bioc.xml", "curated.bioc.json"):
        back = read_bytes((tmp_path / "train" / name).read_bytes(), name)
        assert sorted((a.start, a.end, a.text) for a in back.pre_annotations) == expected, name
        assert "rash" not in {a.text for a in back.pre_annotations}


def test_review_export_without_decisions_writes_nothing_to_learn(out, tmp_path, capsys):
    assert main(["review", "--store", str(out), "--export", str(tmp_path / "train")]) == 0
    assert "exported 0 curated documents" in capsys.readouterr().out
    assert (tmp_path / "train" / "curated.jsonl").read_text() == ""


def test_review_command_without_a_store_says_how_to_make_one(tmp_path, capsys):
    assert main(["review", "--store", str(tmp_path / "nothing")]) == 2
    assert "run `trialgraph run PATH -o" in capsys.readouterr().err


def test_review_queue_filter_by_trial_and_document(out):
    with Store(out / "trialgraph.db") as store:
        index = ItemIndex.prepare(store)
        assert index.sync() == 1
        total = index.counts(QueueFilter()).total
        assert total > 15
        assert index.counts(QueueFilter(trial="nct00389285")).total == total
        assert index.counts(QueueFilter(document="rash_note")).total == total
        assert index.counts(QueueFilter(trial="NCT01065844")).total == 0
        assert index.counts(QueueFilter(document="other.txt")).total == 0


def test_review_queue_counts_kept_by_triggers_match_the_items(out):
    _decide(out, "mention", "rash", "rejected")
    with Store(out / "trialgraph.db") as store:
        index = ItemIndex.prepare(store)
        index.sync()
        _decide(out, "mention", "fatigue", "accepted")
        store.save(store.document(next(iter(store.connection.execute("SELECT id FROM documents")))[0],
                                  curated=False).document, {"entities": [], "relations": []}, "re-run")
        index.sync()  # the document's items are now only the decided ones, kept from their decisions
        kept = index.counts(QueueFilter(kind="mention"))
        counted = dict(store.connection.execute(
            "SELECT status, COUNT(*) FROM review_items WHERE kind='mention' GROUP BY status"))
        assert dict(kept.by_status) == counted == {"rejected": 1, "accepted": 1}
        assert index.counts(QueueFilter(status="pending")).total == 0


def test_review_command_serves_the_queue_and_prints_its_address(out):
    command = [sys.executable, "-m", "pipeline.cli", "review", "--store", str(out), "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as server:
        try:
            address = re.search(r"http://127\.0\.0\.1:\d+/", server.stdout.readline())[0]
            page = urllib.request.urlopen(address, timeout=30).read().decode()
        finally:
            server.terminate()
    assert "sorafenib → hypertension" in page
