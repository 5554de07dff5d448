"""Graph assembly: regimens, table incidence, evidence on edges, stable ids and incremental updates."""
from __future__ import annotations

import networkx as nx

from graph_fixtures import BEVACIZUMAB, SORAFENIB, article, incidence_facts, registry, trial_documents
from pipeline.graph import query
from pipeline.graph.build import add_document, build_graph, remove_document
from pipeline.records import RegisteredIntervention


def test_graph_build_regimen_node_links_each_component_drug():
    graph = build_graph(trial_documents())
    regimen = "Regimen:MESH:D000077157+MESH:D000098546"
    assert graph.nodes[regimen]["type"] == "Regimen"
    assert graph.nodes[regimen]["name"] == "interleukin-21 + sorafenib"
    components = {v for _, v, d in graph.out_edges(regimen, data=True) if d["label"] == "HAS_COMPONENT"}
    assert components == {"Drug:MESH:D000077157", "Drug:MESH:D000098546"}
    uses = [d for _, _, d in graph.in_edges(regimen, data=True) if d["label"] == "USES_REGIMEN"]
    assert uses[0]["dose"] == "30 mcg/kg" and uses[0]["arm"] == "IL-21 + sorafenib"


def test_graph_build_table_incidence_reaches_drug_through_regimen():
    graph = build_graph(trial_documents())
    result = query.events_for_drug(graph, "sorafenib")
    rash = next(e for e in result["events"] if e["name"] == "Rash")  # its MedDRA preferred term
    any_grade = next(i for i in rash["incidence"] if i["grade"] == "any")
    assert (any_grade["n"], any_grade["total"], any_grade["percent"]) == (31, 33, 94.0)
    assert any_grade["regimen"] == ["interleukin-21", "sorafenib"]
    assert {i["grade"] for i in rash["incidence"]} == {"any", "3"}  # the "—" grade 4 cell gives no figure
    # the same figures for the other component, and the text relation still there
    il21 = query.events_for_drug(graph, "MESH:D000098546")
    assert any(i["n"] == 23 for e in il21["events"] if e["name"] == "Fatigue" for i in e["incidence"])
    assert "Palmar-plantar erythrodysaesthesia syndrome" in {e["name"] for e in result["events"]}


def test_graph_build_edges_carry_table_cell_and_sentence_evidence():
    graph = build_graph(trial_documents())
    cell = graph.edges["Regimen:MESH:D000077157+MESH:D000098546", "AdverseEvent:MEDDRA:10037844",
                       f"{article().document.id}:table-2:0:1"]
    assert (cell["table"], cell["row"], cell["column"], cell["cell"]) == ("table-2", 0, 1, "31 (94)")
    assert cell["caption"].startswith("Table 2 Common adverse events")
    assert (cell["extractor"], cell["version"]) == ("tables", "test-1")
    text = next(d for _, _, d in graph.out_edges("Drug:MESH:D000077157", data=True) if d["label"] == "HAS_ADVERSE_EVENT")
    stored = article()
    assert stored.document.text[text["tail_start"] : text["tail_end"]] == "hand-foot syndrome"
    assert "required sorafenib dose reductions due to rash or hand-foot syndrome" in text["sentence"]
    assert (text["extractor"], text["confidence"], text["section"]) == ("rules", 0.7, "adverse_events")


def test_graph_build_prior_therapy_drug_gets_no_events():
    paper = article().document
    # a producer that put bevacizumab (named only as prior therapy) into the arm's regimen
    stored = article(incidence_facts(paper, [SORAFENIB, BEVACIZUMAB], rows=range(1)))
    graph = build_graph([stored])
    assert "Regimen:MESH:D000077157" in graph
    assert not any(n.startswith("Regimen:") and "D000068258" in n for n in graph)
    assert query.events_for_drug(graph, "bevacizumab")["events"] == []


def test_graph_build_arm_without_regimen_is_the_documents_interventions():
    paper = article().document
    graph = build_graph([article(incidence_facts(paper, [], rows=range(1)))])
    regimens = [n for n, d in graph.nodes(data=True) if d["type"] == "Regimen"]
    assert regimens == ["Regimen:MESH:D000077157+MESH:D000098546"]  # the title's drugs, not bevacizumab


def test_graph_build_is_stable_and_add_document_replaces_without_duplicates():
    first = build_graph(trial_documents())
    second = build_graph(trial_documents())
    assert nx.node_link_data(first, edges="edges") == nx.node_link_data(second, edges="edges")
    again = build_graph(trial_documents())
    add_document(again, trial_documents()[0])
    assert sorted(again.edges(keys=True)) == sorted(first.edges(keys=True))


def test_graph_build_add_and_remove_update_the_graph_in_place():
    graph = build_graph([registry()])
    assert query.events_for_drug(graph, "sorafenib")["events"] == []
    stored = trial_documents()[0]
    add_document(graph, stored)
    assert "Rash" in {e["name"] for e in query.events_for_drug(graph, "sorafenib")["events"]}
    remove_document(graph, stored.document.id)
    assert query.events_for_drug(graph, "sorafenib")["events"] == []
    assert not any(n.startswith("Regimen:") for n in graph)
    assert nx.node_link_data(graph, edges="edges") == nx.node_link_data(build_graph([registry()]), edges="edges")


def test_graph_build_trial_merges_registry_interventions_with_paper_results():
    graph = build_graph(trial_documents())
    trial = query.trial(graph, "nct00389285")
    assert len(trial["documents"]) == 2
    assert {d["name"] for d in trial["interventions"]} == {"interleukin-21", "sorafenib"}
    rash = next(e for e in trial["adverse_events"] if e["name"] == "Rash")
    assert {(i["n"], i["grade"]) for i in rash["incidence"]} == {(31, "any"), (9, "3")}
    endpoints = {e["name"]: e for e in trial["endpoints"]}
    assert endpoints["objective response rate"]["results"][0]["value"] == 21.0
    partial = endpoints["partial response"]["results"][0]  # named by its RECIST code
    assert (partial["value"], partial["unit"], partial["n"], partial["regimen"]) == (
        18.0, "%", 6, ["interleukin-21", "sorafenib"])
    assert {"name": "sorafenib", "role": "eligibility"} not in trial["other_drugs"]  # it is an intervention


def test_graph_build_eligibility_only_drug_is_not_an_intervention():
    stored = registry()
    # now sorafenib is registered in no intervention: its mention in the criteria makes it no intervention
    stored.facts = tuple(f for f in stored.facts
                         if not (isinstance(f, RegisteredIntervention) and "sorafenib" in f.name))
    trial = query.trial(build_graph([stored]), "NCT00389285")
    assert [d["name"] for d in trial["interventions"]] == ["interleukin-21"]
    assert trial["other_drugs"] == [{"name": "sorafenib", "role": "eligibility"}]
