from pipeline.nlp.context import ContextAnnotator
from pipeline.nlp.relations import RelationExtractor
from helpers import set_entities

context, relations = ContextAnnotator(), RelationExtractor()


def _relations(nlp, text, mentions):
    doc = nlp(text)
    set_entities(doc, mentions)
    doc = relations(context(doc))
    ents = list(doc.ents)
    return {(ents[r.head].text, r.label, ents[r.tail].text) for r in doc._.relations}


def test_relations_combination_regimen_gives_both_drugs(sentence_nlp):
    found = _relations(sentence_nlp, "Skin rash occurred with IL-21 plus sorafenib.",
                       [("Skin rash", "DISEASE"), ("IL-21", "DRUG"), ("sorafenib", "DRUG")])
    assert found == {("IL-21", "HAS_ADVERSE_EVENT", "Skin rash"), ("sorafenib", "HAS_ADVERSE_EVENT", "Skin rash")}


def test_relations_dose_goes_to_nearest_drug(sentence_nlp):
    # corpus/seeds/002, abstract
    found = _relations(
        sentence_nlp,
        "52 mRCC patients received oral sorafenib 400 mg twice daily plus intravenous IL-21 (10–50 mcg/kg).",
        [("sorafenib", "DRUG"), ("400 mg twice daily", "DOSE"), ("IL-21", "DRUG"), ("10–50 mcg/kg", "DOSE")],
    )
    assert found == {("sorafenib", "HAS_DOSE", "400 mg twice daily"), ("IL-21", "HAS_DOSE", "10–50 mcg/kg")}


def test_relations_none_from_negated_or_prior_therapy(sentence_nlp):
    found = _relations(
        sentence_nlp,
        "Patients previously treated with sunitinib had no hypertension with sorafenib.",
        [("sunitinib", "DRUG"), ("hypertension", "DISEASE"), ("sorafenib", "DRUG")],
    )
    assert found == set()


def test_relations_carry_drugs_to_next_sentence_of_paragraph(sentence_nlp):
    found = _relations(
        sentence_nlp,
        "Phase 2 patients were treated with IL-21 plus sorafenib. The most common clinical symptoms included fatigue.\n\n"
        "Fatigue is common in cancer.",
        [("IL-21", "DRUG"), ("sorafenib", "DRUG"), ("fatigue", "DISEASE"), ("Fatigue", "DISEASE")],
    )
    assert found == {("IL-21", "HAS_ADVERSE_EVENT", "fatigue"), ("sorafenib", "HAS_ADVERSE_EVENT", "fatigue")}


def test_relations_amount_of_a_named_dose_level_goes_to_that_levels_drug():
    # corpus/seeds/002, abstract: the MTD is IL-21's although sorafenib stands nearer to the amount
    from pipeline.nlp.language import build_nlp

    nlp = build_nlp(("trialgraph_sentences", "trialgraph_doses"))
    text = ("The maximum tolerated dose for IL-21 with the standard dose of sorafenib was determined "
            "to be 30 mcg/kg/day.")
    doc = nlp(text)
    doses = [(e.start_char, e.end_char) for e in doc.ents]
    drugs = [(text.index(name), text.index(name) + len(name)) for name in ("IL-21", "sorafenib")]
    doc.ents = [doc.char_span(s, e, label="DRUG") for s, e in drugs] + [e for e in doc.ents]
    doc = relations(context(doc))
    ents = list(doc.ents)
    found = {(ents[r.head].text, ents[r.tail].text) for r in doc._.relations if r.label == "HAS_DOSE"}
    assert ("IL-21", "30 mcg/kg/day") in found and ("sorafenib", "standard dose") in found
    assert ("sorafenib", "30 mcg/kg/day") not in found
    assert len(doses) == 3
