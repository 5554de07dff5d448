"""What a trial's answers must never say (issue 24): placebo counts on a drug, a device trial without events,
generic words or the disease treated as harms, prior therapy lost or taken for an intervention."""
from pathlib import Path

import pytest

from graph_fixtures import VERSION, article, event_mention, incidence_facts, mention, trial_documents, IL21, SORAFENIB
from pipeline.graph import query
from pipeline.graph.build import build_graph
from pipeline.readers import read_document
from pipeline.store import StoredDocument
from pipeline.tables import registry_facts, table_facts

HERE = Path(__file__).resolve().parent
FLUCONAZOLE = HERE.parent / "corpus" / "ctgov" / "NCT00734539.xml"  # fluconazole vs placebo, with AE results
PROCEDURES = HERE / "fixtures" / "ctgov" / "NCT01174550.xml"  # diagnostic procedures, no drug, with AE results


def _registry(path: Path) -> StoredDocument:
    """A registry record as a run stores it, without text mentions: its table and registry facts."""
    document = read_document(path)
    return StoredDocument(document, VERSION, [], [], table_facts(document) + registry_facts(document))


def test_graph_trial_sense_placebo_counts_never_reach_the_drug():
    graph = build_graph([_registry(FLUCONAZOLE)])
    events = query.events_for_drug(graph, "fluconazole")["events"]
    incidence = [i for e in events for i in e["incidence"]]
    assert incidence and {tuple(i["regimen"]) for i in incidence} == {("fluconazole",)}
    assert {i["total"] for i in incidence} == {188}  # the fluconazole arm; the placebo arm has 173
    trial = query.trial(graph, "NCT00734539")
    placebo = [i for e in trial["adverse_events"] for i in e["incidence"] if i["arm"] == "Placebo"]
    assert placebo and {tuple(i["regimen"]) for i in placebo} == {("placebo",)} and {i["total"] for i in placebo} == {173}
    # the interventions are the registered drug, not the saline and simethicone of the placebo's description
    assert [i["name"] for i in trial["interventions"]] == ["fluconazole"]


def test_graph_trial_sense_procedure_trial_keeps_its_adverse_events():
    graph = build_graph([_registry(PROCEDURES)])
    trial = query.trial(graph, "NCT01174550")
    assert {i.get("type") for i in trial["interventions"]} == {"Procedure"}
    assert {i["name"] for i in trial["interventions"]} >= {"Coronary Angiography", "Stress Echocardiogram"}
    arms = {i["arm"] for e in trial["adverse_events"] for i in e["incidence"]}
    assert arms == {"Functional Diagnostic Tests", "Anatomic Diagnostic Test"}
    assert not [n for n, d in graph.nodes(data=True) if d["type"] == "Drug"]


def test_graph_trial_sense_generic_words_and_the_condition_studied_are_no_events():
    stored = article(incidence_facts(read_document(article().document.source_path), [IL21, SORAFENIB], rows=range(1)))
    document = stored.document
    sentence = document.text.index("The majority of toxicities")
    stored.entities += [
        mention(document, "metastatic renal cell carcinoma", "CONDITION", norm=["NCIT:C150595"]),  # in the title
        mention(document, "sorafenib", "DRUG", document.text.index("sorafenib", sentence), norm=SORAFENIB["norm"],
                concept="sorafenib"),
        event_mention(document, "toxicities", sentence),
        event_mention(document, "Renal cell carcinoma", document.text.index("Keywords")),
    ]
    count = len(stored.entities)
    stored.relations += [{"head": count - 3, "tail": count - 2, "label": "HAS_ADVERSE_EVENT", "confidence": 0.7,
                          "extractor": "rules"},
                         {"head": count - 3, "tail": count - 1, "label": "HAS_ADVERSE_EVENT", "confidence": 0.7,
                          "extractor": "rules"}]
    graph = build_graph([stored])
    names = {e["name"].lower() for e in query.events_for_drug(graph, "sorafenib")["events"]}
    assert "rash" in names and "toxicities" not in names and "renal cell carcinoma" not in names
    assert not any(d["type"] == "AdverseEvent" and d["name"].lower() in ("toxicities", "renal cell carcinoma")
                   for _, d in graph.nodes(data=True))


@pytest.mark.parametrize("table", ["table-1", "table-4"])
def test_graph_trial_sense_prior_therapy_tables_give_other_drugs(table):
    from pipeline.nlp.language import default_nlp
    from pipeline.tables.mentions import table_cell_mentions

    stored, registry = trial_documents()
    cells = [f for f in table_cell_mentions(default_nlp(), stored.document) if f["table"] == table]
    assert {f["text"] for f in cells} >= {"Sunitinib", "Temsirolimus", "Pazopanib"}
    assert {f["role"] for f in cells} == {"prior_therapy"}
    stored.facts = stored.facts + cells
    trial = query.trial(build_graph([stored, registry]), "NCT00389285")
    others = {d["name"]: d["role"] for d in trial["other_drugs"]}
    assert {others[name] for name in ("sunitinib", "temsirolimus", "pazopanib")} == {"prior_therapy"}
    assert {"sorafenib", "interleukin-21"} == {i["name"] for i in trial["interventions"]}
