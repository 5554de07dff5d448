from pipeline.document import Section
from pipeline.nlp.context import ContextAnnotator
from helpers import find_entity, set_entities

context = ContextAnnotator()


def _annotate(nlp, text, mentions, sections=None):
    doc = nlp(text)
    doc._.sections = sections or []
    set_entities(doc, mentions)
    return context(doc)


def test_context_negation_of_a_finding(sentence_nlp):
    # corpus/seeds/002, Results
    doc = _annotate(sentence_nlp, "There were no treatment-related deaths and no brain metastases were found.",
                    [("deaths", "DISEASE"), ("brain metastases", "DISEASE")])
    assert find_entity(doc, "deaths")._.negated
    assert find_entity(doc, "brain metastases")._.negated


def test_context_negation_after_the_mention_reaches_back_across_its_own_clause_only(sentence_nlp):
    doc = _annotate(sentence_nlp, "Dermatitis related to imiquimod cream was not observed.",
                    [("Dermatitis", "DISEASE"), ("imiquimod", "DRUG")])
    assert [e._.negated for e in doc.ents] == [True, False]  # the cue denies the harm, not the drug
    doc = _annotate(sentence_nlp, "Rash occurred in two patients, fever was not observed. "
                    "Neutropenia was frequent and anemia was not observed.",
                    [("Rash", "DISEASE"), ("fever", "DISEASE"), ("Neutropenia", "DISEASE"), ("anemia", "DISEASE")])
    assert [e._.negated for e in doc.ents] == [False, True, False, True]
    # a case report's "has not been described" says the harm it reports is new
    doc = _annotate(sentence_nlp, "Exophthalmos resulting from lithium therapy has not been described before.",
                    [("Exophthalmos", "DISEASE"), ("lithium", "DRUG")])
    assert not doc.ents[0]._.negated


def test_context_negation_stops_at_scope_break(sentence_nlp):
    doc = _annotate(sentence_nlp, "No fever was reported, but grade 3 skin rash occurred with sorafenib.",
                    [("fever", "DISEASE"), ("skin rash", "DISEASE"), ("sorafenib", "DRUG")])
    assert find_entity(doc, "fever")._.negated
    rash = find_entity(doc, "skin rash")
    assert not rash._.negated
    assert rash.label_ == "ADVERSE_EVENT" and rash._.grade == "3"


def test_context_negation_and_history_end_at_an_onset_verb_after_their_list(sentence_nlp):
    # ADE-Corpus-V2: the cues name the patients' past, the verb their new harm
    doc = _annotate(sentence_nlp, "Three patients with no history of asthma or allergy developed bronchospasm.",
                    [("asthma", "DISEASE"), ("allergy", "DISEASE"), ("bronchospasm", "DISEASE")])
    assert [(e._.negated, e._.context) for e in doc.ents] == [(True, "historical")] * 2 + [(False, None)]
    doc = _annotate(sentence_nlp, "No patient developed fever or rash.", [("fever", "DISEASE"), ("rash", "DISEASE")])
    assert all(e._.negated for e in doc.ents)  # no list before the verb: the cue reaches across it


def test_context_prior_therapy_drug(sentence_nlp):
    # corpus/seeds/004-like wording
    doc = _annotate(sentence_nlp, "Patients previously treated with sunitinib received sorafenib 400 mg twice daily.",
                    [("sunitinib", "DRUG"), ("sorafenib", "DRUG")])
    assert find_entity(doc, "sunitinib")._.context == "prior_therapy"
    assert find_entity(doc, "sorafenib")._.context is None


def test_context_eligibility_section_makes_conditions(sentence_nlp):
    text = "Exclusion Criteria:\nUncontrolled hypertension\nPrior treatment with sorafenib"
    sections = [Section(name="Exclusion Criteria", kind="exclusion_criteria", start=0, end=len(text), text=text)]
    doc = _annotate(sentence_nlp, text, [("hypertension", "DISEASE"), ("sorafenib", "DRUG")], sections)
    hypertension = find_entity(doc, "hypertension")
    assert hypertension.label_ == "CONDITION" and hypertension._.context == "eligibility"
    assert find_entity(doc, "sorafenib")._.context == "eligibility"


def test_context_same_word_is_adverse_event_during_treatment(sentence_nlp):
    doc = _annotate(sentence_nlp, "Grade 3 hypertension developed in 4 patients treated with sorafenib.",
                    [("hypertension", "DISEASE"), ("sorafenib", "DRUG")])
    assert find_entity(doc, "hypertension").label_ == "ADVERSE_EVENT"


def test_context_disease_treated_is_condition(sentence_nlp):
    doc = _annotate(sentence_nlp, "IL-21 plus sorafenib in patients with metastatic renal cell carcinoma.",
                    [("IL-21", "DRUG"), ("sorafenib", "DRUG"), ("renal cell carcinoma", "DISEASE")])
    assert find_entity(doc, "renal cell carcinoma").label_ == "CONDITION"


def test_context_dose_limiting_toxicity_flag(sentence_nlp):
    doc = _annotate(sentence_nlp, "Grade 3 skin rash was the only dose-limiting toxicity of IL-21.",
                    [("skin rash", "DISEASE"), ("IL-21", "DRUG")])
    rash = find_entity(doc, "skin rash")
    assert rash.label_ == "ADVERSE_EVENT" and rash._.dlt and rash._.grade == "3"


def test_context_condition_cue_reaches_only_the_nearby_disease(sentence_nlp):
    # ADE-Corpus-V2 style case report
    doc = _annotate(sentence_nlp, "A patient with psoriasis developed hepatotoxicity after methotrexate.",
                    [("psoriasis", "DISEASE"), ("hepatotoxicity", "DISEASE"), ("methotrexate", "DRUG")])
    assert find_entity(doc, "psoriasis").label_ == "CONDITION"
    assert find_entity(doc, "hepatotoxicity").label_ == "ADVERSE_EVENT"


def test_context_drug_induced_without_a_hyphen_names_the_cause(sentence_nlp):
    # ADE-Corpus-V2: "Fludarabine induced lung toxicity must be considered in all patients who develop ..."
    from pipeline.nlp.context import named_cause

    doc = _annotate(sentence_nlp, "Consider fludarabine induced lung toxicity in patients with leukemia.",
                    [("fludarabine", "DRUG"), ("lung toxicity", "DISEASE"), ("leukemia", "DISEASE")])
    toxicity = find_entity(doc, "lung toxicity")
    assert toxicity.label_ == "ADVERSE_EVENT" and named_cause(toxicity, context.rules).text == "fludarabine"
    doc = _annotate(sentence_nlp, "Stress induced cardiomyopathy was seen.", [("cardiomyopathy", "DISEASE")])
    assert named_cause(find_entity(doc, "cardiomyopathy"), context.rules) is None  # "stress" names no drug


def test_context_disease_induced_by_a_drug_is_adverse_event_despite_treatment_cue(sentence_nlp):
    # ADE-Corpus-V2: "treatment of" would make a condition, but the drug before "-induced" names the cause
    doc = _annotate(sentence_nlp, "There is no consensus on the treatment of ticlopidine-induced marrow aplasia.",
                    [("ticlopidine", "DRUG"), ("marrow aplasia", "DISEASE")])
    assert find_entity(doc, "marrow aplasia").label_ == "ADVERSE_EVENT"
    doc = _annotate(sentence_nlp, "Patients with age-related macular degeneration received ranibizumab.",
                    [("macular degeneration", "DISEASE"), ("ranibizumab", "DRUG")])
    assert find_entity(doc, "macular degeneration").label_ == "CONDITION"


def test_context_reaction_naming_its_drug_is_adverse_event(sentence_nlp):
    # ADE-Corpus-V2 titles: "for" and "patient with" would make conditions; the drug next to the reaction decides
    doc = _annotate(sentence_nlp, "Fluorouracil for allergic reactions to capecitabine.",
                    [("Fluorouracil", "DRUG"), ("allergic reactions", "DISEASE"), ("capecitabine", "DRUG")])
    assert find_entity(doc, "allergic reactions").label_ == "ADVERSE_EVENT"
    doc = _annotate(sentence_nlp, "A patient with CBDCA hypersensitivity was desensitized.",
                    [("CBDCA", "DRUG"), ("hypersensitivity", "DISEASE")])
    assert find_entity(doc, "hypersensitivity").label_ == "ADVERSE_EVENT"
    doc = _annotate(sentence_nlp, "Patients with nephrotoxicity of tobramycin were studied.",  # an organ's toxicity
                    [("nephrotoxicity", "DISEASE"), ("tobramycin", "DRUG")])
    assert find_entity(doc, "nephrotoxicity").label_ == "ADVERSE_EVENT"
    doc = _annotate(sentence_nlp, "Patients with valproate embryopathy were studied.",  # a -pathy after its drug
                    [("valproate", "DRUG"), ("embryopathy", "DISEASE")])
    assert find_entity(doc, "embryopathy").label_ == "ADVERSE_EVENT"
    doc = _annotate(sentence_nlp, "Patients with a history of hypersensitivity to penicillin were excluded.",
                    [("hypersensitivity", "DISEASE"), ("penicillin", "DRUG")])
    assert find_entity(doc, "hypersensitivity").label_ == "CONDITION"  # history decides first
    doc = _annotate(sentence_nlp, "Patients with asthma due to pollen received montelukast.",
                    [("asthma", "DISEASE"), ("montelukast", "DRUG")])
    assert find_entity(doc, "asthma").label_ == "CONDITION"  # no reaction word


def test_context_serious_word_inside_the_mention(sentence_nlp):
    # a model span may hold the word itself, as ADE-Corpus-V2 annotates "fatal agranulocytosis"
    doc = _annotate(sentence_nlp, "Fatal agranulocytosis was reported with clozapine.",
                    [("Fatal agranulocytosis", "DISEASE"), ("clozapine", "DRUG")])
    assert find_entity(doc, "Fatal agranulocytosis")._.serious


def test_context_concomitant_drug_is_neither_prior_therapy_nor_blocked(sentence_nlp):
    # corpus/seeds/002, results: premedication, not what the trial tests
    doc = _annotate(sentence_nlp, "Infusion reactions resolved after pre-medication with diphenhydramine and "
                                  "acetaminophen in patients on sorafenib.",
                    [("diphenhydramine", "DRUG"), ("acetaminophen", "DRUG"), ("sorafenib", "DRUG")])
    assert [find_entity(doc, name)._.context for name in ("diphenhydramine", "acetaminophen", "sorafenib")] == [
        "concomitant", "concomitant", None]


def test_context_drug_in_a_papers_eligibility_sentence(sentence_nlp):
    # corpus/pdfs/Ussher2015, methods: the criteria stated in prose, outside an eligibility section
    doc = _annotate(sentence_nlp, "Exclusion criteria were medical conditions exacerbated by exercise or current use of "
                                  "nicotine replacement therapy.", [("nicotine replacement therapy", "DRUG")])
    assert find_entity(doc, "nicotine replacement therapy")._.context == "eligibility"
    doc = _annotate(sentence_nlp, "Women used nicotine replacement therapy.", [("nicotine replacement therapy", "DRUG")])
    assert find_entity(doc, "nicotine replacement therapy")._.context is None


def test_context_disease_an_eligibility_cue_reaches_is_a_condition(sentence_nlp):
    # corpus/seeds/001 (a noisy copy of 002): "Sufferers Eligibility necessities included mRCC ..."
    doc = _annotate(sentence_nlp, "Eligibility necessities included mRCC of predominantly clear cell histology.",
                    [("mRCC", "DISEASE")])
    assert (doc.ents[0].label_, doc.ents[0]._.context) == ("CONDITION", "eligibility")
    doc = _annotate(sentence_nlp, "Patients were eligible if they had psoriasis, but hepatitis developed with methotrexate.",
                    [("psoriasis", "DISEASE"), ("hepatitis", "DISEASE"), ("methotrexate", "DRUG")])
    assert find_entity(doc, "psoriasis")._.context == "eligibility"
    hepatitis = find_entity(doc, "hepatitis")
    assert hepatitis.label_ == "ADVERSE_EVENT" and hepatitis._.context is None


def test_context_drug_participants_reported_using_is_concomitant(sentence_nlp):
    # corpus/pdfs/Ussher2015 results and Brown2014 methods: what participants took beside the trial's treatment
    doc = _annotate(sentence_nlp, "Only 60 women reported using nicotine replacement therapy.",
                    [("nicotine replacement therapy", "DRUG")])
    assert find_entity(doc, "nicotine replacement therapy")._.context == "concomitant"
    doc = _annotate(sentence_nlp, "For participants reporting use of nicotine replacement treatment, anabasine was "
                                  "measured.", [("nicotine", "DRUG")])
    assert find_entity(doc, "nicotine")._.context == "concomitant"
    doc = _annotate(sentence_nlp, "Women reported using the website weekly while on varenicline.", [("varenicline", "DRUG")])
    assert find_entity(doc, "varenicline")._.context is None  # the cue does not reach across a verb and object


def test_context_sentence_reporting_a_cited_or_earlier_trial_is_other_study(sentence_nlp):
    # corpus/seeds/002, introduction and discussion: the monotherapy trial the paper cites, not its own
    doc = _annotate(sentence_nlp, "In a phase 1 trial [22], IL-21 monotherapy was administered daily on days 1-5.",
                    [("IL-21", "DRUG")])
    assert find_entity(doc, "IL-21")._.context == "other_study"
    doc = _annotate(sentence_nlp, "The only patient treated with 50 mcg/day dose in that trial had grade 3 neutropenia.",
                    [("neutropenia", "DISEASE")])
    assert find_entity(doc, "neutropenia")._.context == "other_study"
    # a bracket that is no reference, and a study word with no bracket, leave the sentence to the trial
    doc = _annotate(sentence_nlp, "In this trial, IL-21 [30 mcg/kg] was given with sorafenib.", [("IL-21", "DRUG")])
    assert find_entity(doc, "IL-21")._.context is None
    doc = _annotate(sentence_nlp, "In this study, IL-21 was given with sorafenib [22].", [("IL-21", "DRUG")])
    assert find_entity(doc, "IL-21")._.context is None
