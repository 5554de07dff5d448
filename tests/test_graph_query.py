"""Queries through the Python API and the `trialgraph query` / `trialgraph plot` commands, on the seed trial."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from graph_fixtures import ARTICLE, IL21, REGISTRY, SORAFENIB, article, incidence_facts, response_facts, trial_documents
from pipeline.graph import query
from pipeline.graph.api import KnowledgeGraph
from pipeline.graph.build import build_graph
from pipeline.graph.export import write_graph
from pipeline.lexicons import load_lexicon
from pipeline.store import StoredDocument


@pytest.fixture(scope="module")
def graph():
    return build_graph(trial_documents())


@pytest.fixture(scope="module")
def store(tmp_path_factory, graph):
    folder = tmp_path_factory.mktemp("store")
    write_graph(graph, folder)
    return folder


def trialgraph(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, timeout=300)


def test_graph_query_min_grade_keeps_grade_three_and_up(graph):
    result = query.events_for_drug(graph, "sorafenib", filters=query.Filters(min_grade=3))
    names = {e["name"]: e for e in result["events"]}
    assert set(names) == {"Rash", "Fatigue", "Diarrhoea"}
    assert {(i["n"], i["grade"]) for i in names["Fatigue"]["incidence"]} == {(2, "3"), (1, "4")}
    assert names["Fatigue"]["highest_grade"] == 4 and names["Rash"]["highest_grade"] == 3


def test_graph_query_zero_count_cell_is_not_a_reported_grade(graph):
    edge = {"label": "HAS_ADVERSE_EVENT", "document": "d", "grade": "4", "n": 0, "total": 33, "percent": 0.0}
    assert query.reported_grade(edge) is None and query.reported_grade({**edge, "n": 1, "percent": 3.0}) == 4
    assert not query.Filters(min_grade=3).keeps(edge, None)


def test_graph_query_compare_drugs_on_one_event(graph):
    # "exanthem" is a lexicon synonym of the table's "Rash": the lexicon finds its MedDRA preferred term
    result = query.compare_drugs(graph, "exanthem", ["sorafenib", "interleukin-21", "bevacizumab"], load_lexicon())
    rows = {r["query"]: r for r in result["drugs"]}
    assert [r["query"] for r in result["drugs"]] == ["sorafenib", "interleukin-21", "bevacizumab"]
    assert {i["percent"] for i in rows["sorafenib"]["incidence"]} == {94.0, 29.0}
    assert rows["interleukin-21"]["incidence"] == rows["sorafenib"]["incidence"]  # one regimen, both drugs
    assert rows["bevacizumab"]["incidence"] == [] and rows["bevacizumab"]["documents"] == []


def test_graph_query_edge_evidence_names_table_cells_and_sentences(graph):
    cells = query.edge_evidence(graph, "sorafenib", "Fatigue")["evidence"]
    assert [(r["source"], r["cell"], r["grade"]) for r in cells] == [
        ("table_cell", "23 (70)", "any"), ("table_cell", "2 (6)", "3"), ("table_cell", "1 (3)", "4")]
    assert cells[0]["via"] == "interleukin-21 + sorafenib" and cells[0]["path"].endswith(ARTICLE.name)
    text = query.edge_evidence(graph, "sorafenib", "hand-foot syndrome")["evidence"]
    assert [r["source"] for r in text] == ["sentence"] and text[0]["head_text"] == "sorafenib"


def test_graph_query_evidence_says_when_its_sentence_calls_the_event_possible(graph):
    assert [r["possible"] for r in query.edge_evidence(graph, "sorafenib", "hand-foot syndrome")["evidence"]] == [False]
    stored = article()
    event = next(i for i, e in enumerate(stored.entities) if e.text == "hand-foot syndrome")
    entities = list(stored.entities)
    entities[event] = dataclasses.replace(entities[event], context="possible")  # "sorafenib may cause ..."
    possible = build_graph([dataclasses.replace(stored, entities=tuple(entities))])
    assert [r["possible"] for r in query.edge_evidence(possible, "sorafenib", "hand-foot syndrome")["evidence"]] == [True]
    event_rows = query.events_for_drug(possible, "sorafenib")["events"]
    assert [e["possible"] for row in event_rows for e in row["evidence"]] == [True]


def test_graph_query_neighbourhood_to_depth(graph):
    near = query.neighbourhood(graph, "interleukin-21", depth=1)
    types = {n["type"] for n in near["nodes"]}
    assert {"Regimen", "Trial"} <= types and "AdverseEvent" not in types  # events are reached via the regimen
    far = query.neighbourhood(graph, "interleukin-21", depth=2)
    assert "Rash" in {n["name"] for n in far["nodes"] if n["distance"] == 2}
    assert not any(n["type"] == "Document" for n in far["nodes"])


def test_graph_query_filters_by_document_trial_and_evidence(graph):
    registry_only = query.Filters(document=REGISTRY.name)
    assert query.events_for_drug(graph, "sorafenib", filters=registry_only)["events"] == []
    by_trial = query.events_for_drug(graph, "sorafenib", filters=query.Filters(trial="NCT00389285"))
    assert "Rash" in {e["name"] for e in by_trial["events"]}
    assert query.events_for_drug(graph, "sorafenib", filters=query.Filters(trial="NCT99999999"))["events"] == []
    strong = query.events_for_drug(graph, "sorafenib", filters=query.Filters(min_evidence=3))
    assert {e["name"] for e in strong["events"]} == {"Fatigue"}  # any, grade 3, grade 4 cells
    with pytest.raises(query.NotFound, match="file name"):
        query.events_for_drug(graph, "sorafenib", filters=query.Filters(document="nothing.txt"))


def test_graph_query_dataframe_has_one_row_per_figure(graph):
    frame = KnowledgeGraph(graph).frame("events", "sorafenib", min_grade=3)
    fatigue = frame[frame["event"] == "Fatigue"].sort_values("grade")
    assert list(fatigue["n"]) == [2, 1] and list(fatigue["grade"]) == ["3", "4"]
    assert set(frame["regimen"]) == {"interleukin-21 + sorafenib"}
    cells = KnowledgeGraph(graph).frame("evidence", "sorafenib", "rash")  # a synonym, through the lexicon
    assert list(cells["cell"]) == ["31 (94)", "9 (29)"]


def test_graph_query_cli_table_and_json(store):
    events = trialgraph("query", "--store", str(store), "events", "sorafenib", "--min-grade", "3", "--json")
    assert events.returncode == 0, events.stderr
    data = json.loads(events.stdout)
    rash = next(e for e in data["events"] if e["name"] == "Rash")
    assert rash["incidence"] == [{"percent": 29.0, "n": 9, "total": 33, "grade": "3",
                                  "regimen": ["interleukin-21", "sorafenib"], "document": rash["documents"][0],
                                  "arm": "IL-21 + sorafenib", "dose": "30 mcg/kg", "table": "table-2",
                                  "row": 0, "column": 2, "cell": "9 (29)"}]
    table = trialgraph("query", "--store", str(store), "compare", "Rash", "sorafenib", "bevacizumab")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].startswith("Rash [MEDDRA:10037844, SYMP:0000487]: 2 drugs compared")
    assert "31/33 (94%) grade any" in next(line for line in lines if line.startswith("sorafenib"))
    evidence = trialgraph("query", "--store", str(store), "evidence", "sorafenib", "Rash")
    assert "table table-2 row 0 column 1" in evidence.stdout and "cell '31 (94)' = 31/33 (94%)" in evidence.stdout
    unknown = trialgraph("query", "--store", str(store), "neighbours", "no-such-thing-xyz")
    assert unknown.returncode == 2 and "nothing named" in unknown.stderr


def test_graph_query_plot_writes_png_and_standalone_html(store, tmp_path):
    result = trialgraph("plot", "sorafenib", "--store", str(store), "-o", str(tmp_path / "sorafenib"))
    assert result.returncode == 0, result.stderr
    png, page = tmp_path / "sorafenib.png", tmp_path / "sorafenib.html"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    html = page.read_text()
    assert "<svg" in html and "Rash" in html and "Palmar-plantar erythrodysaesthesia syndrome" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    assert "<script src" not in html and "<link" not in html


@pytest.fixture(scope="module")
def corpus_graph(full_nlp):
    """Seed article and registry page annotated by the real pipeline; table facts from the fixture."""
    from pipeline.extract import extract_document
    from pipeline.nlp.language import pipeline_version
    from pipeline.readers import read_document

    stored = []
    for path in (ARTICLE, REGISTRY):
        document = read_document(path)
        annotations = extract_document(full_nlp, document)
        facts = incidence_facts(document, [IL21, SORAFENIB], range(14)) + response_facts(document) \
            if path == ARTICLE else []
        stored.append(StoredDocument(document, pipeline_version(full_nlp), annotations["entities"],
                                     annotations["relations"], tuple(facts)))
    return build_graph(stored)


def test_graph_query_corpus_drug_events_trial_and_other_drugs(corpus_graph, tmp_path):
    write_graph(corpus_graph, tmp_path)
    events = json.loads(trialgraph("query", "--store", str(tmp_path), "events", "Nexavar", "--json").stdout)
    assert "MESH:D000077157" in events["drug"]["norm"]
    by_name = {e["name"].lower(): e for e in events["events"]}
    hand_foot = next(e for name, e in by_name.items() if name.startswith("palmar-plantar"))
    assert {(i["n"], i["grade"]) for i in hand_foot["incidence"]} == {(18, "any"), (8, "3")}
    trial = json.loads(trialgraph("query", "--store", str(tmp_path), "trial", "NCT00389285", "--json").stdout)
    assert len(trial["documents"]) == 2
    assert "sunitinib" not in {d["name"].lower() for d in trial["interventions"]}
    assert "sorafenib" in {d["name"].lower() for d in trial["interventions"]}
    assert any(i["percent"] == 94.0 for e in trial["adverse_events"] for i in e["incidence"])
    results = {e["name"].lower(): e["results"] for e in trial["endpoints"] if e["results"]}
    assert [(r["value"], r["n"], r["cell"]) for r in results["partial response"]] == [(18.0, 6, "6 (18%)")]
    assert [r["value"] for r in results["complete response"]] == [0.0]
    # stated in the abstract; the background's "ORR of 21% (4/17)" is another study's
    assert [(r["value"], r["text"]) for r in results["objective response rate"]] == [
        (21.0, "objective response rate was 21%")]


def test_graph_query_top_pairs_rank_by_documents_then_evidence(graph):
    pairs = query.top_drug_event_pairs(graph, limit=100)
    order = [(-p["documents"], -p["evidence"]) for p in pairs]
    assert order == sorted(order)
    # Fatigue has three table cells (any grade, grade 3, grade 4) under the regimen; a text-only pair has one
    assert (pairs[0]["event"], pairs[0]["evidence"]) == ("Fatigue", 3) and pairs[-1]["evidence"] == 1


def test_graph_query_name_index_follows_documents_added_and_removed():
    paper, record = trial_documents()
    knowledge = KnowledgeGraph(build_graph([record]))
    assert knowledge.index is knowledge.index  # built once while the graph stays as it is
    with pytest.raises(query.NotFound):
        knowledge.query("evidence", "sorafenib", "rash")  # the registry record has no table linking them
    knowledge.add_document(paper)
    assert knowledge.query("evidence", "sorafenib", "rash")["evidence"]
    knowledge.remove_document(paper.document.id)
    with pytest.raises(query.NotFound):  # "rash" no longer names a node: the paper's was removed with it
        knowledge.query("evidence", "sorafenib", "rash")


def test_graph_query_every_spec_has_a_function_route_subcommand_and_views():
    import argparse

    from pipeline.cli import query_command, tables
    from pipeline.graph import frames
    from pipeline.graph.specs import QUERY_SPECS
    from pipeline.serve.routes import ROUTES

    commands = argparse.ArgumentParser().add_subparsers()
    subcommands = query_command.register(commands)._subparsers._group_actions[0].choices
    for kind, spec in QUERY_SPECS.items():
        assert callable(getattr(query, spec.function)), kind
        assert spec.view in tables.VIEWS and spec.view in frames.VIEWS, kind
        assert kind in ROUTES and kind in subcommands, kind


def test_graph_query_frames_and_text_follow_the_spec_view(graph):
    from pipeline.cli.tables import render

    knowledge = KnowledgeGraph(graph)
    for kind, names in (("events", ("sorafenib",)), ("compare", ("rash", "sorafenib", "interleukin-21")),
                        ("evidence", ("sorafenib", "rash")), ("neighbours", ("sorafenib",)),
                        ("trial", ("NCT00389285",))):
        result = knowledge.query(kind, *names)
        assert len(knowledge.frame(kind, *names)) > 0, kind
        assert render(kind, result).strip(), kind


def _trial_doses(nlp, path, trial_id: str = "NCT00081588") -> dict[str, set[tuple]]:
    """The doses the trial summary of a registry record (at `path`) lists for each intervention."""
    from pipeline.extract import extract_document
    from pipeline.nlp.language import pipeline_version
    from pipeline.readers import read_document
    from pipeline.tables import registry_facts

    document = read_document(path)
    annotations = extract_document(nlp, document)
    graph = build_graph([StoredDocument(document, pipeline_version(nlp), annotations["entities"],
                                        annotations["relations"], tuple(registry_facts(document)))])
    return {drug["name"]: {(d["text"], d["amount"], d["unit"], d["frequency"]) for d in drug["doses"]}
            for drug in query.trial(graph, trial_id)["interventions"]}


def test_graph_query_trial_parts_the_amounts_of_combination_doses_to_their_drugs(full_nlp, tmp_path):
    # "600/100 mg tablets of TMC114/rtv BID" (rtv: the title's RTV in lower case) and "Two 300mg/100mg
    # Darunavir/Ritonavir tablets twice daily": TMC114 is darunavir
    record = ARTICLE.parent.parent / "ctgov" / "NCT00081588.xml"
    doses = _trial_doses(full_nlp, record)
    assert doses["darunavir"] == {("600", 600.0, "mg", "twice daily"), ("300mg", 300.0, "mg", "twice daily")}
    # ritonavir, which the intervention's description joins to TMC114, is an intervention with its amount
    assert ("100mg", 100.0, "mg", "twice daily") in doses["ritonavir"]
    # with "TMC114/r" no drug stands for the second amount: the combination stays one dose, listed without an amount
    edited = tmp_path / record.name
    edited.write_text(record.read_text(encoding="utf-8").replace("TMC114/rtv", "TMC114/r"), encoding="utf-8")
    assert ("600/100 mg", None, "mg", "twice daily") in _trial_doses(full_nlp, edited)["darunavir"]


def test_graph_query_trial_lists_the_doses_a_combination_states_for_its_drugs(full_nlp):
    # corpus/ctgov/NCT02028676: the arm "Continued cotrimoxazole prophylaxis" gives "200 mg of trimethoprim + 40 mg
    # sulfamethoxazole" (and two more weight bands); neither drug is an intervention of its own
    record = ARTICLE.parent.parent / "ctgov" / "NCT02028676.json"
    doses = _trial_doses(full_nlp, record, "NCT02028676")
    assert {amount for _, amount, _, _ in doses["co-trimoxazole"]} == {200.0, 40.0, 400.0, 80.0, 800.0, 160.0}
    assert "trimethoprim" not in doses and "sulfamethoxazole" not in doses
