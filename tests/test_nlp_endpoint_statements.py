"""Endpoints a paper states as its own ("The primary outcome was ..."), marked as ENDPOINT mentions with their
kind (sentences after the journal PDFs of corpus/ and PMC trial reports)."""
from __future__ import annotations

import json

import pytest
import spacy

from helpers import set_entities
from pipeline.errors import RulesError


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("trialgraph_sentences")
    nlp.add_pipe("trialgraph_endpoint_statements")
    return nlp


def _stated(nlp, text: str, mentions: list[tuple[str, str]] = ()) -> list[tuple[str, str | None]]:
    doc = nlp.get_pipe("trialgraph_sentences")(nlp.make_doc(text))
    set_entities(doc, list(mentions))
    doc = nlp.get_pipe("trialgraph_endpoint_statements")(doc)
    return [(e.text, e._.endpoint_kind) for e in doc.ents if e.label_ == "ENDPOINT"]


def test_endpoint_statements_name_ends_at_bracket_definition_or_method(nlp):
    assert _stated(nlp, "The primary outcome was Russell Standard 6-month sustained abstinence (RS6), defined as a "
                        "self-report of smoking no more than five cigarettes. The main secondary outcome was 6 month, "
                        "7 day biochemically verified point prevalence.") == [
        ("Russell Standard 6-month sustained abstinence", "primary"),
        ("6 month, 7 day biochemically verified point prevalence", "secondary")]
    assert _stated(nlp, "The primary endpoint is progression-free survival according to central review.") == [
        ("progression-free survival", "primary")]
    assert _stated(nlp, "The primary outcome is global quality of life at 30 days measured using the EORTC "
                        "questionnaire.") == [("global quality of life at 30 days", "primary")]


def test_endpoint_statements_list_parted_at_commas_and_and(nlp):
    assert _stated(nlp, "Secondary efficacy measures were SmfD at months 1, 6, and 18, and the number of live "
                        "microfilariae in anterior chambers at months 1, 6, 12, and 18 in participants with more "
                        "than 10 microfilariae.") == [
        ("SmfD at months 1, 6, and 18", "secondary"),
        ("number of live microfilariae in anterior chambers at months 1, 6, 12, and 18", "secondary")]
    assert _stated(nlp, "Secondary outcomes included validated abstinence at four weeks after the quit date and "
                        "self reported abstinence by telephone; and quantitative indices of website interaction "
                        "(logins, page views, and time spent on website).") == [
        ("validated abstinence at four weeks after the quit date", "secondary"),
        ("self reported abstinence by telephone", "secondary"),
        ("quantitative indices of website interaction", "secondary")]
    # a sentence the text glues to the statement names none of its measures (corpus/pdfs/Brown2014)
    assert _stated(nlp, "Secondary outcomes were point prevalence abstinence and website interaction (logins).We "
                        "also assessed self-reported abstinence, and satisfaction ratings of the website.") == [
        ("point prevalence abstinence", "secondary"), ("website interaction", "secondary")]
    # "and" after an adjective shares the noun; after a noun in -al it ends a measure
    assert _stated(nlp, "Secondary endpoints were change in systolic and diastolic blood pressure.") == [
        ("change in systolic and diastolic blood pressure", "secondary")]
    assert [name for name, _ in _stated(nlp, "Secondary endpoints were overall survival and response rate.")] == [
        "overall survival", "response rate"]
    assert _stated(nlp, "The primary endpoints are the occurrence of and deaths from breast cancer.") == [
        ("occurrence of and deaths from breast cancer", "primary")]
    assert _stated(nlp, "Secondary outcomes include: 1) change in time in target range; 2) frequency and severity of "
                        "hypoglycaemia; 3) change in participants' therapy adherence.") == [
        ("change in time in target range", "secondary"), ("frequency and severity of hypoglycaemia", "secondary"),
        ("change in participants' therapy adherence", "secondary")]
    # a word before a bracket goes on with the name; a table row's cells end it
    assert _stated(nlp, "Secondary outcomes were overall survival and curative (R0) resection rates.") == [
        ("overall survival", "secondary"), ("curative (R0) resection rates", "secondary")]
    assert _stated(nlp, "Primary outcome: global change in health since entering trial Original data  Very much "
                        "better 3") == [("global change in health since entering trial Original data", "primary")]
    # a singular noun names one measure, commas and all
    assert _stated(nlp, "The primary outcome was 6 month sustained, biochemically verified abstinence.") == [
        ("6 month sustained, biochemically verified abstinence", "primary")]


def test_endpoint_statements_measure_named_before_the_statement(nlp):
    assert _stated(nlp, "Infection with intestinal helminths at month 1 was an exploratory outcome.") == [
        ("Infection with intestinal helminths at month 1", "other")]
    assert _stated(nlp, "At 12 months, overall survival was the primary endpoint of the study.") == [
        ("overall survival", "primary")]
    assert _stated(nlp, "This was the primary outcome.") == []
    # a participle that is no method stays in the name
    assert _stated(nlp, "The distance covered during the Yo-Yo IR1 was the primary outcome measure, while heart rate "
                        "was recorded.") == [("distance covered during the Yo-Yo IR1", "primary")]


@pytest.mark.parametrize("text", [
    "The primary outcome was similar in both groups.",
    "The primary endpoint was met in 45 patients.",
    "The primary outcome was achieved by 30% of patients (p = 0.01).",
    "Primary outcomes were predicted by intervention condition.",
    "Secondary outcomes are planned.",
    "The secondary outcome measures are shown in Table 4.",
    "Primary and secondary outcomes were analysed by intention to treat.",
    "Secondary outcomes were analysed using GEE where appropriate, including a treatment by time interaction.",
    "Other secondary outcome variables will be compared descriptively by study group.",
    "Recently, the main measures included providing farmers machines instead of bovines.",
])
def test_endpoint_statements_reports_on_an_endpoint_name_none(nlp, text):
    assert _stated(nlp, text) == []


def test_endpoint_statements_mentions_inside_give_way_or_keep_the_measure(nlp):
    doc = nlp.get_pipe("trialgraph_sentences")(nlp.make_doc(
        "The primary endpoint was overall survival at 2 years. Secondary endpoints were the incidence of grade 3 "
        "neutropenia and the rate of response to sorafenib."))
    set_entities(doc, [("overall survival", "ENDPOINT"), ("neutropenia", "DISEASE"), ("sorafenib", "DRUG")])
    doc.ents[0]._.concept, doc.ents[0]._.norm = "overall survival", ["MESH:D000000"]
    doc = nlp.get_pipe("trialgraph_endpoint_statements")(doc)
    found = {e.text: e for e in doc.ents}
    # the lexicon endpoint lends the measure its concept; the disease measured is no mention of its own
    assert found["overall survival at 2 years"]._.concept == "overall survival"
    assert found["overall survival at 2 years"]._.norm == ["MESH:D000000"]
    assert found["incidence of grade 3 neutropenia"].label_ == "ENDPOINT" and "neutropenia" not in found
    # a measure with a drug in it is left as it is
    assert found["sorafenib"].label_ == "DRUG" and not any("response" in name for name in found)
    # a lexicon endpoint that is not the measure's head lends nothing ("clearance of warts")
    doc = nlp.get_pipe("trialgraph_sentences")(nlp.make_doc("The primary outcome was clearance of plantar warts."))
    set_entities(doc, [("clearance", "ENDPOINT")])
    doc.ents[0]._.concept = "clearance"
    doc = nlp.get_pipe("trialgraph_endpoint_statements")(doc)
    assert [(e.text, e._.concept) for e in doc.ents] == [("clearance of plantar warts", None)]


def test_endpoint_statements_rules_file_checked(tmp_path):
    from pipeline.nlp.endpoint_statements import DEFAULT_RULES, EndpointStatementReader
    from pipeline.resources import model_path

    rules = json.loads(model_path(DEFAULT_RULES).read_text(encoding="utf-8"))
    rules["kinds"]["pivotal"] = ["pivotal"]
    del rules["cuts"]
    path = tmp_path / "endpoint_statements.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    with pytest.raises(RulesError, match=r"endpoint_statements\.json: .*cuts.*kinds"):
        EndpointStatementReader(path).ensure_loaded()
