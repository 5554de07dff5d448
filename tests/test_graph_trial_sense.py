"""What a trial's answers must never say (issue 24): placebo counts on a drug, a device trial without events,
generic words or the disease treated as harms, prior therapy lost or taken for an intervention."""
import dataclasses
from pathlib import Path

import pytest

from graph_fixtures import ARTICLE, VERSION, article, event_mention, incidence_facts, mention, trial_documents, IL21, SORAFENIB
from pipeline.graph import query
from pipeline.graph.build import build_graph
from pipeline.readers import read_document
from pipeline.records import IncidenceFact, RegimenDrug, RegisteredIntervention, Relation, ResponseFact
from pipeline.store import StoredDocument
from pipeline.tables import registry_facts, table_facts

HERE = Path(__file__).resolve().parent
FLUCONAZOLE = HERE.parent / "corpus" / "ctgov" / "NCT00734539.xml"  # fluconazole vs placebo, with AE results
PROCEDURES = HERE / "fixtures" / "ctgov" / "NCT01174550.xml"  # diagnostic procedures, no drug, with AE results


def _registry(path: Path) -> StoredDocument:
    """A registry record as a run stores it, without text mentions: its table and registry facts."""
    document = read_document(path)
    return StoredDocument(document, VERSION, [], [], (*table_facts(document), *registry_facts(document)))


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
    stored.entities += (
        mention(document, "metastatic renal cell carcinoma", "CONDITION", norm=["NCIT:C150595"]),  # in the title
        mention(document, "sorafenib", "DRUG", document.text.index("sorafenib", sentence), norm=SORAFENIB["norm"],
                concept="sorafenib"),
        event_mention(document, "toxicities", sentence),
        event_mention(document, "Renal cell carcinoma", document.text.index("Keywords")),
    )
    count = len(stored.entities)
    stored.relations += (Relation(head=count - 3, tail=count - 2, label="HAS_ADVERSE_EVENT", confidence=0.7,
                                  extractor="rules"),
                         Relation(head=count - 3, tail=count - 1, label="HAS_ADVERSE_EVENT", confidence=0.7,
                                  extractor="rules"))
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
    cells = [f for f in table_cell_mentions(default_nlp(), stored.document) if f.table == table]
    assert {f.text for f in cells} >= {"Sunitinib", "Temsirolimus", "Pazopanib"}
    assert {f.role for f in cells} == {"prior_therapy"}
    stored.facts = (*stored.facts, *cells)
    trial = query.trial(build_graph([stored, registry]), "NCT00389285")
    others = {d["name"]: d["role"] for d in trial["other_drugs"]}
    assert {others[name] for name in ("sunitinib", "temsirolimus", "pazopanib")} == {"prior_therapy"}
    assert {"sorafenib", "interleukin-21"} == {i["name"] for i in trial["interventions"]}


def test_graph_trial_sense_papers_registered_outside_clinicaltrials_gov_are_trials():
    from pipeline.document import Document
    from pipeline.graph.build import own_trial_id

    def paper(text: str) -> Document:
        return Document("doc-x", "x.txt", "text", "", text)

    assert own_trial_id(paper("The study is registered as an International Standard Randomised Controlled Trial, "
                              "number ISRCTN99820519")) == "ISRCTN99820519"
    assert own_trial_id(paper("Trial registration: ACTRN12612000516886")) == "ACTRN12612000516886"
    assert own_trial_id(paper("Trial registration\n\nCurrent Controlled Trials ISRCTN48600346")) == "ISRCTN48600346"
    # a registration number cited without registration wording is another trial's
    assert own_trial_id(paper("As in the earlier trial (ISRCTN12345678), doses were fixed.")) is None


def test_graph_trial_sense_paper_describing_a_trial_without_registration_is_a_trial_of_its_own():
    from pipeline.document import Document, Section

    text = "Sorafenib in renal cancer\nThis was a phase 1/2, open-label study of sorafenib in renal cell carcinoma."
    title_end = text.index("\n")
    paper = Document("doc-ab12", "corpus/unregistered.txt", "text", "Sorafenib in renal cancer", text,
                     sections=[Section("Title", "title", 0, title_end, text[:title_end]),
                               Section("Methods", "methods", title_end + 1, len(text), text[title_end + 1:])])
    drug = mention(paper, "Sorafenib", "DRUG", norm=SORAFENIB["norm"], concept="sorafenib")
    graph = build_graph([StoredDocument(paper, VERSION, (drug,), (), ())])
    trial = query.trial(graph, "unregistered.txt")  # the file name, as the id "doc-ab12" finds it too
    assert trial["id"] == "DOC-AB12" and query.trial(graph, "doc-ab12")["id"] == "DOC-AB12"
    assert [i["name"] for i in trial["interventions"]] == ["sorafenib"]
    # without headings, the sentence that describes the design names the interventions and the disease studied
    text = ("Sorafenib was safe. This was a phase 1/2, open-label study of sorafenib in patients with renal cell "
            "carcinoma. Aspirin was allowed.")
    plain = Document("doc-ef56", "plain.txt", "text", "", text)
    mentions = (mention(plain, "sorafenib", "DRUG", text.index("This"), norm=SORAFENIB["norm"], concept="sorafenib"),
                mention(plain, "renal cell carcinoma", "CONDITION", norm=["MESH:D002292"]),
                mention(plain, "Aspirin", "DRUG", norm=["MESH:D001241"], concept="aspirin"))
    trial = query.trial(build_graph([StoredDocument(plain, VERSION, mentions, (), ())]), "plain.txt")
    assert [i["name"] for i in trial["interventions"]] == ["sorafenib"]
    assert [c["norm"] for c in trial["conditions"]] == [["MESH:D002292"]]
    # a case report describes no trial: no trial node
    report = Document("doc-cd34", "report.txt", "text", "", "A woman developed rash after sorafenib.")
    assert [n for n, d in build_graph([StoredDocument(report, VERSION, (), (), ())]).nodes(data=True)
            if d["type"] == "Trial"] == []
    # a registered paper is found by its file name too
    assert query.trial(build_graph(trial_documents()), ARTICLE.name)["id"] == "NCT00389285"


def test_graph_trial_sense_dose_level_the_trial_sets_out_to_find_is_its_endpoint():
    from pipeline.document import Document

    level = {"amount": None, "level": "maximum tolerated dose"}
    aimed = "A 3 + 3 dose-escalation design was used to estimate the maximum tolerated dose (MTD) of IL-21."
    stated = "The MTD of IL-21 alone was 30 mcg/kg in an earlier study."
    for text, endpoints in ((f"Trial registration: NCT00389285. {aimed}", ["maximum tolerated dose"]),
                            (f"Trial registration: NCT00389285. {stated}", [])):
        paper = Document("doc-gh78", "p.txt", "text", "", text, nct_ids=["NCT00389285"])
        surface = "maximum tolerated dose (MTD)" if "estimate" in text else "MTD"
        dose = mention(paper, surface, "DOSE", dose=level)
        trial = query.trial(build_graph([StoredDocument(paper, VERSION, (dose,), (), ())]), "NCT00389285")
        assert [e["name"] for e in trial["endpoints"]] == endpoints


def test_graph_trial_sense_endpoints_a_paper_states_are_its_trial_measures_with_their_kind():
    from pipeline.document import Document, Section

    text = ("Background\nIn an earlier trial the primary endpoint was response rate.\n"
            "Methods\nTrial registration: NCT00389285. The primary outcome was overall survival at 2 years. "
            "Secondary outcomes were time to progression and quality of life.")
    methods = text.index("Methods")
    sections = [Section("Background", "background", 0, methods, text[:methods]),
                Section("Methods", "methods", methods, len(text), text[methods:])]
    paper = Document("doc-ij90", "p.txt", "text", "", text, nct_ids=["NCT00389285"], sections=sections)
    stated = (mention(paper, "response rate", "ENDPOINT", endpoint_kind="primary"),
              mention(paper, "overall survival at 2 years", "ENDPOINT", endpoint_kind="primary"),
              mention(paper, "time to progression", "ENDPOINT", endpoint_kind="secondary"),
              mention(paper, "quality of life", "ENDPOINT", endpoint_kind="secondary"))
    trial = query.trial(build_graph([StoredDocument(paper, VERSION, stated, (), ())]), "NCT00389285")
    # the earlier trial's endpoint, in the background, is no measure of this one
    assert [(e["name"], e["kind"]) for e in trial["endpoints"]] == [
        ("overall survival at 2 years", "primary"), ("quality of life", "secondary"), ("time to progression", "secondary")]


def test_graph_trial_sense_drugs_of_other_studies_and_negated_criteria_are_other_drugs():
    stored, registry = trial_documents()
    document = stored.document
    discussion = document.text.index("That trial was discontinued")
    stored.entities += (
        mention(document, "sunitinib", "DRUG", discussion, norm=["MESH:D000077210"], concept="sunitinib"),)
    # sorafenib registered in no intervention and named in a negated criterion ("no previous sorafenib")
    registry.facts = tuple(f for f in registry.facts
                           if not (isinstance(f, RegisteredIntervention) and "sorafenib" in f.name))
    registry.entities = (*registry.entities[:2], dataclasses.replace(registry.entities[2], negated=True),
                         *registry.entities[3:])
    trial = query.trial(build_graph([stored, registry]), "NCT00389285")
    assert {"name": "sunitinib", "role": "other_study"} in trial["other_drugs"]
    registry_only = query.trial(build_graph([registry]), "NCT00389285")  # the paper's title names sorafenib
    assert {"name": "sorafenib", "role": "eligibility"} in registry_only["other_drugs"]


def test_graph_trial_sense_combination_intervention_gives_each_drug():
    from pipeline.document import Intervention
    from pipeline.lexicons import load_lexicon
    from pipeline.tables.regimen import Regimens

    regimens = Regimens(read_document(FLUCONAZOLE), load_lexicon())
    drugs = regimens.intervention_drugs(Intervention("TMC114/RTV", "Drug", other_names=["TMC114"]))
    assert [d.concept for d in drugs] == ["darunavir", "ritonavir"]
    # one drug whose description joins another to it with "/" (corpus/ctgov/NCT00081588: boosted darunavir)
    boosted = Intervention("TMC114", "Drug", description="600/100 mg tablets of TMC114/rtv BID for 144 weeks")
    assert [(d.name, d.concept) for d in regimens.intervention_drugs(boosted)] == [
        ("TMC114", "darunavir"), ("rtv", "ritonavir")]
    # a placebo or a unit after "/" is no second drug
    alone = Intervention("TMC114", "Drug", description="TMC114/placebo 600 mg/day, or ritonavir alone")
    assert [d.concept for d in regimens.intervention_drugs(alone)] == ["darunavir"]


def test_graph_trial_sense_response_rows_are_endpoints_by_code_and_unassessed_patients_none():
    stored, registry = trial_documents()
    document = stored.document
    unavailable = next(i for i, row in enumerate(document.table("table-3").rows) if row[0].startswith("Unavailable"))
    regimen = (RegimenDrug.from_dict(IL21), RegimenDrug.from_dict(SORAFENIB))
    stored.facts = (
        *stored.facts,
        ResponseFact(table="table-3", row=unavailable, column=1, cell="1 (3%)", category="Unavailable", code="NE", n=1,
                     total=33, percent=3.0, arm="Investigator assessment", arm_kind=None, regimen=regimen, warnings=(),
                     column_label=None),
        ResponseFact(table="table-3", row=1, column=2, cell="7 (21%)", category="Partial reponse (PR)", code="PR", n=7,
                     total=33, percent=21.0, arm="Independent review", arm_kind=None, regimen=regimen, warnings=(),
                     column_label=None),
    )
    endpoints = {e["name"]: e for e in query.trial(build_graph([stored, registry]), "NCT00389285")["endpoints"]}
    assert "Unavailable" not in endpoints and "Partial reponse (PR)" not in endpoints
    assert {r["value"] for r in endpoints["partial response"]["results"]} >= {18.0, 21.0}


def test_graph_trial_sense_code_named_prior_therapy_in_a_table_cell():
    # corpus/seeds/002 Table 1, "Agents used for prior systemic therapy ... Other | ABT-510": no lexicon has it
    from pipeline.nlp.language import default_nlp
    from pipeline.tables.mentions import table_cell_mentions

    stored, _ = trial_documents()
    cells = [f for f in table_cell_mentions(default_nlp(), stored.document) if f.table == "table-1"]
    (code,) = [f for f in cells if f.text == "ABT-510"]
    assert (code.label, code.role, code.norm) == ("DRUG", "prior_therapy", ())
    assert code.cell[code.start:code.end] == "ABT-510"
    assert not [f for f in cells if f.text in ("IL-2 gene therapy", "TLR-9 agonist")]  # no code, no drug


def test_graph_trial_sense_trial_of_no_drug_keeps_its_table_harms_on_its_arms():
    # corpus/pdfs/Ussher2015: a physical activity trial; Table 6 counts miscarriages by arm
    from pipeline.document import Document

    text = "Physical activity for smoking cessation in pregnancy\n\nTrial registration: ISRCTN48600346"
    document = Document("doc-ussher", "ussher.txt", "text", text.split("\n")[0], text)
    facts = tuple(
        IncidenceFact(table="T6", row=0, column=column, cell=cell, event="Miscarriage", norm=(), concept=None,
                      grade="any", n=n, total=total, percent=None, arm=arm, arm_kind=None, regimen=(), dose=None,
                      serious=None, warnings=(), column_label=None, group=None, section=None, category=None,
                      laboratory=False)
        for column, (arm, n, total, cell) in enumerate([("Physical activity group", 6, 383, "6/383 (2)"),
                                                             ("Control group", 10, 389, "10/389 (3)")], start=1))
    trial = query.trial(build_graph([StoredDocument(document, VERSION, [], [], facts)]), "ISRCTN48600346")
    (event,) = trial["adverse_events"]
    assert {(i["arm"], i["n"], i["total"], tuple(i["regimen"])) for i in event["incidence"]} == {
        ("Physical activity group", 6, 383, ("Physical activity group",)), ("Control group", 10, 389, ("Control group",))}
