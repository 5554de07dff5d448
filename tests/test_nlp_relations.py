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


def test_relations_a_harm_a_drug_may_cause_is_one_a_drug_to_prevent_it_is_none(sentence_nlp):
    # ADE-Corpus-V2 dev: "Large dose of methylphenidate may cause cataract and glaucoma."
    doc = context(set_entities(sentence_nlp("Methylphenidate may cause cataract. Ondansetron was given to prevent "
                                            "nausea."), [("Methylphenidate", "DRUG"), ("cataract", "DISEASE"),
                                                         ("Ondansetron", "DRUG"), ("nausea", "DISEASE")]))
    assert [e._.context for e in doc.ents] == [None, "possible", None, "hypothetical"]
    ents = list(relations(doc).ents)
    assert [(ents[r.head].text, r.label, ents[r.tail].text) for r in doc._.relations] == [
        ("Methylphenidate", "HAS_ADVERSE_EVENT", "cataract")]


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


def _dose_pairs(text: str, drug_names: tuple[str, ...]) -> set[tuple[str, str]]:
    """HAS_DOSE pairs of `text` with the dose component's own DOSE spans and the given drugs."""
    from pipeline.nlp.language import build_nlp

    nlp = build_nlp(("trialgraph_sentences", "trialgraph_doses"))
    doc = nlp(text)
    spans, start = [], 0
    for name in drug_names:
        start = text.index(name, start)
        spans.append(doc.char_span(start, start + len(name), label="DRUG"))
        start += len(name)
    doc.ents = sorted([*spans, *doc.ents], key=lambda span: span.start)
    doc = relations(context(doc))
    ents = list(doc.ents)
    return {(ents[r.head].text, ents[r.tail].text) for r in doc._.relations if r.label == "HAS_DOSE"}


def test_relations_dose_levels_listed_for_one_drug_are_its_own():
    # corpus/seeds/002, results: the amounts stand right after "sorafenib:", yet they are IL-21's dose levels
    found = _dose_pairs("Four dose levels of IL-21 were evaluated in combination with the standard dose of sorafenib: "
                        "10 mcg/kg (n = 8), 30 mcg/kg (n = 4), 50 mcg/kg (n = 4), and 40 mcg/kg (n = 3).",
                        ("IL-21", "sorafenib"))
    assert {("IL-21", f"{n} mcg/kg") for n in (10, 30, 50, 40)} <= found
    assert ("sorafenib", "standard dose") in found
    assert not {pair for pair in found if pair[0] == "sorafenib" and "mcg" in pair[1]}


def test_relations_dose_stays_in_its_part_of_the_regimen():
    # corpus/seeds/000, interventions: the schedule belongs to rIL-21, the capped amount to sorafenib
    found = _dose_pairs("Part 2: rIL-21 IV, Day 1-5 and 15-19 of each 6-week treatment course + sorafenib "
                        "(up to 400 mg taken orally twice daily)", ("rIL-21", "sorafenib"))
    assert found == {("rIL-21", "Day 1-5 and 15-19 of each 6-week treatment course"),
                     ("sorafenib", "up to 400 mg taken orally twice daily")}


def test_relations_dose_before_its_drug():
    found = _dose_pairs("Patients treated with 30 mcg/kg IL-21 plus sorafenib (starting at 400 mg twice daily).",
                        ("IL-21", "sorafenib"))
    assert found == {("IL-21", "30 mcg/kg"), ("sorafenib", "400 mg twice daily")}


def test_relations_event_naming_its_drug_has_it_even_past_a_negation_cue(sentence_nlp):
    # ADE-Corpus-V2 dev: "no consensus" reached the drug, which then took part in no relation
    text = "There is no consensus on the treatment of ticlopidine-induced marrow aplasia."
    doc = sentence_nlp(text)
    set_entities(doc, [("ticlopidine", "DRUG"), ("marrow aplasia", "DISEASE")])
    doc = relations(context(doc))
    ents = list(doc.ents)
    assert ents[1].label_ == "ADVERSE_EVENT" and doc.text[slice(*ents[1]._.named_cause)] == "ticlopidine"
    assert [(ents[r.head].text, r.label, ents[r.tail].text, r.confidence) for r in doc._.relations] == [
        ("ticlopidine", "HAS_ADVERSE_EVENT", "marrow aplasia", 1.0)]
    # the cause reaches across two plain words, and a reaction names the drug after it
    found = _relations(sentence_nlp, "Diphenhydramine-induced wide complex dysrhythmia was treated.",
                       [("Diphenhydramine", "DRUG"), ("dysrhythmia", "DISEASE")])
    assert found == {("Diphenhydramine", "HAS_ADVERSE_EVENT", "dysrhythmia")}
    found = _relations(sentence_nlp, "Fluorouracil for allergic reactions to capecitabine.",
                       [("Fluorouracil", "DRUG"), ("allergic reactions", "DISEASE"), ("capecitabine", "DRUG")])
    assert ("capecitabine", "HAS_ADVERSE_EVENT", "allergic reactions") in found


def _dose_relations(nlp, text, drugs):
    from pipeline.nlp.dose_component import DoseRecognizer

    doc = DoseRecognizer()(set_entities(nlp(text), [(drug, "DRUG") for drug in drugs]))
    doc = relations(context(doc))
    ents = list(doc.ents)
    return {(ents[r.head].text, ents[r.tail].text, ents[r.tail]._.dose.amount)
            for r in doc._.relations if r.label == "HAS_DOSE"}


def test_relations_fixed_dose_combination_amounts_go_to_their_drugs_in_order(sentence_nlp):
    found = _dose_relations(sentence_nlp, "Patients took tenofovir/emtricitabine (300/200 mg) and efavirenz 600 mg.",
                            ["tenofovir", "emtricitabine", "efavirenz"])
    assert found == {("tenofovir", "300", 300.0), ("emtricitabine", "200 mg", 200.0), ("efavirenz", "600 mg", 600.0)}


def test_relations_combination_of_one_named_drug_is_one_dose_without_amount(sentence_nlp):
    found = _dose_relations(sentence_nlp, "Patients took Kaletra 400/100 mg twice daily.", ["Kaletra"])
    assert found == {("Kaletra", "400/100 mg twice daily", None)}


def test_relations_combination_written_with_units_before_its_drugs(sentence_nlp):
    found = _dose_relations(sentence_nlp, "Two 300mg/100mg darunavir/ritonavir tablets twice daily.",
                            ["darunavir", "ritonavir"])
    assert found == {("darunavir", "300mg", 300.0), ("ritonavir", "100mg", 100.0)}


def test_relations_combination_after_its_drugs_short_form(sentence_nlp):
    found = _dose_relations(sentence_nlp, "Patients received salmeterol/fluticasone (SAL/FLU) 50/250 μg twice daily.",
                            ["salmeterol", "fluticasone", "SAL/FLU"])
    assert found == {("salmeterol", "50", 50.0), ("fluticasone", "250 μg twice daily", 250.0)}


def test_relations_combination_kept_whole_goes_to_no_drug_away_from_it(sentence_nlp):
    # FF/VI is no mention here: the combination dose is not the nearer moxifloxacin's
    found = _dose_relations(sentence_nlp, "Subjects received moxifloxacin and, on day 8, FF/VI 200/25 μg.",
                            ["moxifloxacin"])
    assert found == set()


def _relations_in_interventions(nlp, text, mentions):
    doc = context(set_entities(nlp(text), mentions))
    for ent in doc.ents:
        ent._.section = "interventions"
    ents = list(relations(doc).ents)
    return {(ents[r.head].text, r.label, ents[r.tail].text) for r in doc._.relations}


def test_relations_dose_without_a_drug_in_the_interventions_of_one_drug_is_that_drugs(sentence_nlp):
    # corpus/seeds/003 (NCT00514085): "Other: pharmacological study - Starting dose of 50μg/kg/day as an IV push"
    text = "Biological: recombinant interleukin-21. Given IV. Other: pharmacological study. Starting dose of 50 mg/kg/day."
    mentions = [("recombinant interleukin-21", "DRUG"), ("50 mg/kg/day", "DOSE")]
    assert _relations_in_interventions(sentence_nlp, text, mentions) == {
        ("recombinant interleukin-21", "HAS_DOSE", "50 mg/kg/day")}
    # two drugs there: whose the dose is stays unknown
    text = "Drug: sorafenib. Drug: interleukin-21. Other: pharmacological study. Starting dose of 50 mg/kg/day."
    mentions = [("sorafenib", "DRUG"), ("interleukin-21", "DRUG"), ("50 mg/kg/day", "DOSE")]
    assert _relations_in_interventions(sentence_nlp, text, mentions) == set()
