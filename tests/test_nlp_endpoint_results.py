"""Endpoint values stated in text, read onto the ENDPOINT span (sentences from the seed article 002)."""
from __future__ import annotations

import spacy

from helpers import set_entities


def _results(text: str, endpoints: list[str]) -> dict[str, dict | None]:
    nlp = spacy.blank("en")
    nlp.add_pipe("trialgraph_sentences")
    reader = nlp.add_pipe("trialgraph_endpoint_results")
    doc = nlp.get_pipe("trialgraph_sentences")(nlp.make_doc(text))
    set_entities(doc, [(name, "ENDPOINT") for name in endpoints])
    doc = reader(doc)
    return {ent.text: ent._.result for ent in doc.ents}


def test_endpoint_results_value_and_unit_after_linking_word():
    found = _results(
        "The objective response rate was 21% and disease control rate was 82%. "
        "The median progression-free survival in phase 2 was 5.6 months.",
        ["objective response rate", "disease control rate", "progression-free survival"],
    )
    assert (found["objective response rate"]["value"], found["objective response rate"]["unit"]) == (21.0, "%")
    assert found["disease control rate"]["value"] == 82.0
    assert (found["progression-free survival"]["value"], found["progression-free survival"]["unit"]) == (5.6, "months")


def test_endpoint_results_confidence_interval_and_counts():
    found = _results("DCR was 82% [95% CI: 64.5, 93] (Table 3).", ["DCR"])
    assert found["DCR"]["ci"] == [64.5, 93.0]
    found = _results("an objective response rate (ORR) of 21% (4/17), and a disease control rate (DCR) of 89%",
                     ["objective response rate", "ORR", "disease control rate", "DCR"])
    assert (found["objective response rate"]["n"], found["objective response rate"]["total"]) == (4, 17)
    assert found["ORR"] is None  # the abbreviation in brackets does not repeat its long form's value
    assert found["disease control rate"]["value"] == 89.0


def test_endpoint_results_no_value_without_linking_word():
    found = _results("The mean half-life estimates were 1.82 (23% CV) and 1.95 (13% CV) hours.", ["half-life"])
    assert found["half-life"] is None
    found = _results("Efficacy endpoints included ORR and PFS.", ["ORR", "PFS"])
    assert found == {"ORR": None, "PFS": None}
