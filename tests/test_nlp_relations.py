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
