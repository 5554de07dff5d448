"""The graph `trialgraph run` builds from real documents of corpus/, read back through the public query
commands: a registry record merged with the paper that cites its NCT number, incidence from the paper's
adverse-event table under the IL-21 + sorafenib regimen, and an eligibility-only drug kept apart."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import networkx as nx
import pytest

from conftest import CORPUS
from pipeline.graph.build import build_graph
from pipeline.graph.export import read_graph_json
from pipeline.store import Store

SEEDS = ("000_934d6b039e80ef19.txt", "002_1350d4869f79fc29.txt", "004_11f14b3a6a5796b5.txt")


def _trialgraph(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    inputs = tmp_path_factory.mktemp("seeds")
    for name in SEEDS:
        shutil.copy(CORPUS / "seeds" / name, inputs / name)
    out = tmp_path_factory.mktemp("out")
    done = _trialgraph("run", str(inputs), "-o", str(out), "--no-progress", "--workers", "1")
    assert done.returncode == 0, done.stderr
    return out


def _query(out, *args: str) -> dict:
    done = _trialgraph("query", *args, "--json", "--store", str(out))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_corpus_graph_drug_events_carry_table_incidence_under_the_regimen(run_folder):
    result = _query(run_folder, "events", "Nexavar")  # a brand name resolves to sorafenib
    assert result["drug"]["name"] == "sorafenib"
    events = {e["name"].lower(): e for e in result["events"]}
    # seed 002, Table 2: "Palmar-plantar erythrodysesthesia (hand-foot syndrome) | 18 (55) | 8 (24) | —", N = 33
    incidence = {(i["grade"], i["n"], i["total"], i["percent"]) for i in events["palmar-plantar erythrodysaesthesia syndrome"]["incidence"]}
    assert {("any", 18, 33, 55.0), ("3", 8, 33, 24.0)} <= incidence
    regimens = {tuple(sorted(i["regimen"])) for i in events["palmar-plantar erythrodysaesthesia syndrome"]["incidence"] if i["n"] == 18}
    assert regimens == {("interleukin-21", "sorafenib")}


def test_corpus_graph_registry_record_merged_with_its_paper(run_folder):
    trial = _query(run_folder, "trial", "NCT00389285")
    assert len(trial["documents"]) == 2  # the registry page (seed 000) and the article citing it (seed 002)
    interventions = {i["name"]: i for i in trial["interventions"]}
    assert {"sorafenib", "interleukin-21"} <= set(interventions)
    sorafenib_doses = {d["text"] for d in interventions["sorafenib"]["doses"]}
    assert "up to 400 mg taken orally twice daily" in sorafenib_doses  # from the registry record
    endpoints = {e["name"]: e for e in trial["endpoints"]}
    pfs = [(r["value"], r["unit"]) for r in endpoints["progression-free survival"]["results"]]
    assert (5.6, "months") in pfs  # from the paper: "The median progression-free survival ... was 5.6 months"
    events = {e["name"].lower() for e in trial["adverse_events"]}
    assert "palmar-plantar erythrodysaesthesia syndrome" in events


def test_corpus_graph_eligibility_only_drug_is_not_an_intervention(run_folder):
    # seed 004 (NCT01444807) names warfarin only in its eligibility criteria
    trial = _query(run_folder, "trial", "NCT01444807")
    assert [i["name"] for i in trial["interventions"]] == ["sorafenib"]
    assert {"name": "warfarin", "role": "eligibility"} in trial["other_drugs"]
    done = _trialgraph("query", "events", "warfarin", "--json", "--store", str(run_folder))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["events"] == []  # in the graph, but no adverse event reaches it


def test_corpus_graph_exported_json_equals_the_graph_of_the_store(run_folder):
    with Store(run_folder / "trialgraph.db") as store:
        graph = build_graph(store.documents())
    back = read_graph_json(run_folder / "graph.json")
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    assert nx.utils.edges_equal(back.edges(keys=True, data=True), graph.edges(keys=True, data=True))
    graphml = nx.read_graphml(run_folder / "graph.graphml", force_multigraph=True)
    assert set(graphml.nodes) == set(graph.nodes) and graphml.number_of_edges() == graph.number_of_edges()
