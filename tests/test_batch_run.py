"""`trialgraph run` end to end on real corpus files, with bad inputs mixed in."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import networkx as nx
import pytest

from pipeline.batch.run import collect_inputs, run
from pipeline.graph import query
from pipeline.graph.export import read_graph_json
from pipeline.store import Store

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEED_REGISTRY = CORPUS / "seeds" / "000_934d6b039e80ef19.txt"
SEED_ARTICLE = CORPUS / "seeds" / "002_1350d4869f79fc29.txt"


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    """Seeds, one registry JSON and one XML record, plus bad files, run once for the module."""
    inputs = tmp_path_factory.mktemp("inputs")
    for path in (CORPUS / "seeds").glob("*.txt"):
        shutil.copy(path, inputs / path.name)
    shutil.copy(CORPUS / "ctgov" / "NCT02210780.json", inputs)
    shutil.copy(CORPUS / "ctgov" / "NCT01065844.xml", inputs)
    bad = inputs / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "garbage.bin").write_bytes(bytes(range(256)) * 8)
    (bad / "latin1.txt").write_bytes("Caf\xe9 au lait and sorafenib".encode("latin-1"))
    pdf = (CORPUS / "pdfs" / "Hawkes2012_BMCCancer_CanPrevent_pilot.pdf").read_bytes()
    (bad / "truncated.pdf").write_bytes(pdf[: len(pdf) // 3])
    (bad / "notes.json").write_text('{"hello": "world"}')
    out = tmp_path_factory.mktemp("outputs")
    report = run([inputs], out, progress=False)
    return inputs, out, report


def test_batch_run_processes_good_files_and_reports_each_bad_one(corpus_run):
    _, out, report = corpus_run
    assert report.processed == 7
    failed = {Path(path).name: error for path, error in report.failures}
    assert set(failed) == {"empty.txt", "garbage.bin", "latin1.txt", "truncated.pdf", "notes.json"}
    assert "empty file" in failed["empty.txt"]
    assert "not UTF-8" in failed["latin1.txt"]
    assert "binary" in failed["garbage.bin"]
    saved = json.loads((out / "run_report.json").read_text())
    assert saved["failed"] == 5 and saved["processed"] == 7


def test_batch_run_skips_unchanged_documents_on_rerun(corpus_run):
    inputs, out, first = corpus_run
    again = run([inputs / "NCT02210780.json", SEED_ARTICLE.parent], out, progress=False)
    assert again.processed == 0 and again.unchanged == 6
    assert again.counts == first.counts


def test_batch_run_store_holds_documents_mentions_relations(corpus_run):
    _, out, _ = corpus_run
    with Store(out / "trialgraph.db") as store:
        counts = store.counts()
        docs = {s.document.source_path: s for s in store.documents()}
    assert counts["documents"]["total"] == 7
    assert {"DRUG", "DOSE", "ADVERSE_EVENT", "CONDITION", "ENDPOINT"} <= set(counts["mentions"])
    article = next(s for p, s in docs.items() if p.endswith(SEED_ARTICLE.name))
    for entity in article.entities:
        assert article.document.text[entity.start : entity.end] == entity.text


def test_batch_run_graph_exports_round_trip(corpus_run):
    _, out, _ = corpus_run
    graph = read_graph_json(out / "graph.json")
    back = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    assert set(back.nodes) == set(graph.nodes)
    assert back.number_of_edges() == graph.number_of_edges()
    assert graph.number_of_edges() > 50


def test_batch_run_trial_merges_registry_page_and_paper(corpus_run):
    _, out, _ = corpus_run
    graph = read_graph_json(out / "graph.json")
    trial = query.trial(graph, "NCT00389285")
    with Store(out / "trialgraph.db") as store:
        paths = {s.document.id: Path(s.document.source_path).name for s in store.documents()}
    assert {SEED_REGISTRY.name, SEED_ARTICLE.name} <= {paths[d] for d in trial["documents"]}
    names = {d["name"].lower() for d in trial["interventions"]}
    assert "sorafenib" in names
    assert any("interleukin" in n or "il-21" in n for n in names)
    sorafenib = next(d for d in trial["interventions"] if d["name"].lower() == "sorafenib")
    assert any(d["unit"] == "mg" and d["amount"] == 400 for d in sorafenib["doses"])
    assert any("renal cell carcinoma" in c["name"].lower() for c in trial["conditions"])


def test_batch_run_prior_therapy_drug_is_not_an_intervention(corpus_run):
    _, out, _ = corpus_run
    graph = read_graph_json(out / "graph.json")
    trial = query.trial(graph, "NCT00389285")
    interventions = {d["name"].lower() for d in trial["interventions"]}
    assert "sunitinib" not in interventions


def test_batch_run_events_of_sorafenib_come_from_the_article(corpus_run):
    _, out, _ = corpus_run
    graph = read_graph_json(out / "graph.json")
    result = query.events_for_drug(graph, "sorafenib")
    assert "MESH:D000077157" in result["drug"]["norm"]
    events = {e["name"].lower() for e in result["events"]}
    assert {"fatigue", "diarrhoea"} <= events  # MedDRA preferred terms


def test_batch_collect_inputs_skips_readmes_and_hidden_files(tmp_path):
    (tmp_path / "README.md").write_text("about")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "paper.txt").write_text("text")
    assert collect_inputs([tmp_path]) == [tmp_path / "sub" / "paper.txt"]
