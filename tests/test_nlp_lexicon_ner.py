"""The lexicon recognizer inside the full pipeline, on real sentences from the corpora."""
from __future__ import annotations

import pytest

from pipeline.document import Document, Section
from pipeline.nlp.language import annotate_document


def _ents(nlp, text):
    return [(e.text, e.label_) for e in nlp(text).ents]


def test_lexicon_ner_drug_variants_share_one_identifier(full_nlp):
    # corpus/seeds/002 and its noisy copy 001
    doc = full_nlp("rIL-21 plus sorafenib; IL 21 and interleukin-21 with Nexavar.")
    norms = {e.text: e._.norm[0] for e in doc.ents if e.label_ == "DRUG"}
    assert norms["rIL-21"] == norms["IL 21"] == norms["interleukin-21"]
    assert norms["sorafenib"] == norms["Nexavar"] == "MESH:D000077157"


def test_lexicon_ner_acronym_defined_in_parentheses_takes_its_long_form(full_nlp):
    # after corpus/ctgov/NCT02028676.json: "Arm A: abacavir (ABC)+lamivudine (3TC)+NNRTI: ABC [abacavir]"
    for text in ("Arm A: abacavir (ABC) + lamivudine (3TC) + NNRTI: ABC [abacavir]",
                 "Arm A: abacavir (ABC)+lamivudine (3TC)+NNRTI: ABC [abacavir]"):  # as the record writes it
        doc = full_nlp(text)
        abc = [e for e in doc.ents if e.text == "ABC"]
        assert len(abc) == 2 and all(e.label_ == "DRUG" and e._.concept == "abacavir" for e in abc), text
        assert [e.text for e in doc.ents if e._.concept == "lamivudine"] == ["lamivudine", "3TC"]


def test_lexicon_ner_analyte_phrase_is_not_a_drug(full_nlp):
    # corpus/ctgov/NCT02028676.json, eligibility
    ents = _ents(full_nlp, "aspartate transaminase (AST) or alanine transaminase (ALT) >5 x the upper limit of normal")
    assert not [t for t, label in ents if label == "DRUG"]


@pytest.mark.parametrize("text, event", [
    ("Fatal pulmonary toxicity after amiodarone.", "Fatal pulmonary toxicity"),
    ("Methotrexate hepatotoxicity in psoriasis.", "hepatotoxicity"),
    ("Carbamazepine-induced hypersensitivity syndrome.", "hypersensitivity syndrome"),
    ("Haloperidol caused QT prolongation.", "QT prolongation"),
])
def test_lexicon_ner_event_patterns_find_regular_wordings(lexicon_nlp, text, event):
    # wordings of ADE-Corpus-V2 case reports, found by the lexicon's patterns without the trained model
    # ("Fatal" joins the event as a listed severity word, as ADE-Corpus-V2 annotates it)
    assert (event, "ADVERSE_EVENT") in _ents(lexicon_nlp, text)


def test_lexicon_ner_pattern_match_takes_the_mesh_id_gold_annotation_gives_its_name(lexicon_nlp):
    # BC5CDR training title (PMID 7420681): an event pattern finds "nephrotoxicity", no lexicon term names it
    ents = lexicon_nlp("Clinical nephrotoxicity of tobramycin and gentamicin.").ents
    assert [(e.text, e._.norm) for e in ents if e.label_ == "ADVERSE_EVENT"] == [("nephrotoxicity", ["MESH:D007674"])]


def test_lexicon_ner_splits_induced_off_the_drug(full_nlp):
    ents = _ents(full_nlp, "Doxorubicin-induced cardiomyopathy was observed.")
    assert ("Doxorubicin", "DRUG") in ents


def test_lexicon_ner_ignores_reference_lists(full_nlp):
    text = "Sorafenib caused rash.\n\n1. Smith J. Sorafenib in renal cancer. J Clin Oncol 2007."
    cut = text.index("1. Smith")
    sections = [Section("Results", "results", 0, cut - 2, text[: cut - 2]),
                Section("References", "references", cut, len(text), text[cut:])]
    document = Document(id="doc-x", source_path="x.txt", format="text", title="x", text=text, sections=sections)
    doc = annotate_document(full_nlp, document)
    assert all(e.end_char <= cut for e in doc.ents)
    assert ("Sorafenib", "DRUG") in [(e.text, e.label_) for e in doc.ents]


def test_lexicon_ner_hyphenated_drugs_are_each_a_mention(lexicon_nlp):
    # ADE-Corpus-V2 wordings: two drugs hyphenated, and a participle the suffix list names; a combination
    # the lexicon knows stays one mention
    ents = _ents(lexicon_nlp, "Dermatitis from cetrimide-chlorhexidine and lithium-effectuated tremor.")
    assert [t for t, label in ents if label == "DRUG"] == ["cetrimide", "chlorhexidine", "lithium"]
    ents = _ents(lexicon_nlp, "Pneumonitis after trimethoprim-sulfamethoxazole.")
    assert [t for t, label in ents if label == "DRUG"] == ["trimethoprim-sulfamethoxazole"]


def test_lexicon_ner_drug_combinations_are_one_drug_in_any_order(lexicon_nlp):
    # MeSH's drug combinations (models/lexicons/README.md); ADE-Corpus-V2 annotates them as one drug
    doc = lexicon_nlp("Hyperkalaemia by sulfamethoxazole-trimethoprim (TMP-SMX) and myopathy on ezetimibe/simvastatin.")
    drugs = [(e.text, e._.norm[0]) for e in doc.ents if e.label_ == "DRUG"]
    assert drugs == [("sulfamethoxazole-trimethoprim", "MESH:D015662"), ("TMP-SMX", "MESH:D015662"),
                     ("ezetimibe/simvastatin", "MESH:D000069499")]


def test_lexicon_ner_pharmacologic_classes_are_drug_classes(lexicon_nlp):
    # MeSH files "anti-arrhythmia agents" under pharmacologic actions (D27): a class, not a drug
    doc = lexicon_nlp("Hyponatremia in patients treated with lorcainide, a new antiarrhythmic drug.")
    assert [(e.text, e.label_) for e in doc.ents if e.label_.startswith("DRUG")] == [
        ("lorcainide", "DRUG"), ("antiarrhythmic drug", "DRUG_CLASS")]


@pytest.mark.parametrize("text, modifier", [
    ("An anaphylactic reaction to recombinant insulin-like growth factor-I.", "insulin"),
    ("Retinal hemorrhage and cotton-wool spots often occur.", "cotton"),
    ("Rhabdomyolysis in patients with defective calcium-activated K+ channels.", "calcium"),
])
def test_lexicon_ner_drug_modifying_a_hyphenated_word_is_not_a_mention(lexicon_nlp, text, modifier):
    # ADE-Corpus-V2 sentences: the drug word only qualifies the word it is hyphenated to
    assert modifier not in [t for t, label in _ents(lexicon_nlp, text) if label == "DRUG"]


def test_lexicon_ner_short_form_defined_as_a_measurement_is_no_term(full_nlp):
    # "MAP" is a disease acronym in the lexicon; here the text defines it as a blood pressure
    doc = full_nlp("Mean arterial pressure (MAP) fell after propofol. MAP recovered within 10 minutes.")
    assert [e.text for e in doc.ents] == ["propofol"]


def test_lexicon_ner_drug_has_a_mesh_id_from_annotated_names(lexicon_nlp):
    # cocaine: DrugBank and UNII from the drug sources, MeSH from BC5CDR training annotation
    cocaine = next(e for e in lexicon_nlp("Cocaine-induced myocardial infarction.").ents if e.text == "Cocaine")
    assert cocaine._.norm[0] == "DRUGBANK:DB00907" and "MESH:D003042" in cocaine._.norm


def test_lexicon_ner_stop_term_short_form_needs_its_whole_long_form(lexicon_nlp):
    doc = lexicon_nlp("Tumour shrinkage was measured by Response Evaluation Criteria in Solid Tumors (RECIST). "
                      "Patients with Parkinson's disease (PD) were excluded. PD and RECIST are short forms.")
    short_forms = {(e.text, e._.concept) for e in doc.ents if e.text in ("RECIST", "PD")}
    assert short_forms == {("PD", "Parkinson's disease")}


def test_lexicon_ner_event_patterns_around_anchors_find_what_the_whole_doc_gives(sentence_nlp):
    import json

    from pipeline.nlp.lexicon_ner import EVENT_PATTERNS, EventPatterns
    from pipeline.nlp.sentences import words_and_spaces
    from pipeline.resources import model_path

    patterns = EventPatterns(sentence_nlp.vocab, json.loads(model_path(EVENT_PATTERNS).read_text())["patterns"])
    # a regex anchor, list anchors at either end, optional tokens, matches close together, and none
    expected = {"Fatal pulmonary toxicity after amiodarone and cardiotoxicity with doxorubicin.": 2,
                "Liver enzyme abnormalities and prolongation of the QT interval were seen.": 4,  # overlapping too
                "Infusion-related reactions, skin eruptions and central nervous system toxicity occurred.": 3,
                "No adverse event was reported.": 0}
    for text, count in expected.items():
        doc = sentence_nlp(text)
        whole_doc = sorted((start, end) for _, start, end in patterns.matcher(doc))
        assert len(whole_doc) == count, (text, whole_doc)
        assert sorted(patterns.matches(doc, words_and_spaces(doc)[0])) == whole_doc, text

def test_lexicon_ner_event_pattern_without_anchor_is_refused(sentence_nlp):
    from pipeline.nlp.lexicon_ner import EventPatterns

    with pytest.raises(ValueError, match="pattern 2 has no required token"):
        EventPatterns(sentence_nlp.vocab, [[{"LOWER": "rash"}], [{"LOWER": "severe", "OP": "?"}, {"IS_ALPHA": True}]])


def test_lexicon_ner_mixed_case_acronym_in_brackets_takes_its_long_form(full_nlp):
    # BC5CDR development abstract (PMID 6323692): the acronym's letters are not all in its long form
    doc = full_nlp("Pretreatment with ammonium acetate (NH4Ac) raised blood ammonia. NH4Ac alone was given to rats.")
    long_form = next(e for e in doc.ents if e.end_char == doc.text.index(" (NH4Ac)"))
    short_forms = [e for e in doc.ents if e.text == "NH4Ac"]
    assert len(short_forms) == 2
    assert all(e.label_ == "DRUG" and e._.concept == long_form._.concept for e in short_forms)


def test_lexicon_ner_acronym_before_a_dose_in_its_brackets_takes_its_long_form(full_nlp):
    # BC5CDR development abstract (PMID 3780814): "diethylnitrosamine (DEN: 10 mg/kg/day)", then DEN alone
    doc = full_nlp("Rats were given diethylnitrosamine (DEN: 10 mg/kg/day) or phenobarbital (PB, 15 mg). "
                   "DEN alone induced foci; DEN + PB reduced them.")
    drugs = [(e.text, e._.concept) for e in doc.ents if e.label_ == "DRUG"]
    assert drugs.count(("DEN", "diethylnitrosamine")) == 3
    assert drugs.count(("PB", "phenobarbital")) == 2


def test_lexicon_ner_statistic_in_brackets_after_a_drug_is_no_short_form(full_nlp):
    # the acronym's letter starts no word of the drug's name: a hazard ratio, not a name of placebo
    doc = full_nlp("Rash was rarer with sorafenib (HR, 0.8) than expected. HR was computed by Cox regression.")
    assert "HR" not in [e.text for e in doc.ents]


def test_lexicon_ner_code_of_one_letter_in_brackets_needs_its_letter_in_the_long_form(lexicon_nlp):
    # BC5CDR dev, PMID 16596970: P20 is postnatal day 20, not a name of status epilepticus; T is testosterone's
    doc = lexicon_nlp("In status epilepticus (P20) rats, learning was impaired. P20 rats were tested. "
                      "Serum testosterone (T) fell. T was low.")
    texts = [e.text for e in doc.ents]
    assert "P20" not in texts and "status epilepticus" in texts
    assert texts.count("T") == 2


def test_lexicon_ner_short_form_of_a_study_named_after_a_disease_is_no_disease(lexicon_nlp):
    # BC5CDR dev, PMID 10539815: SOLVD is a trial
    doc = lexicon_nlp("We analyzed data from the Studies of Left Ventricular Dysfunction (SOLVD). In SOLVD, 20% died.")
    assert "SOLVD" not in [e.text for e in doc.ents]


def test_lexicon_ner_acronym_in_brackets_after_no_match_is_the_documents_own_short_form(lexicon_nlp):
    # full-text reports of the unlabeled corpus: IIP is a surgery's phase, CHC a community health centre
    doc = lexicon_nlp("Patients accepted phase I (IP) or phase II (IIP) procedures. IIP procedures were shorter. "
                      "Centres at the primary (PHC) or community (CHC) level took part; CHC staff were trained.")
    assert [e.text for e in doc.ents] == []
    # after a match, the acronym names the match's concept
    doc = lexicon_nlp("Patients with hypertension (HTN) took part. HTN was controlled.")
    assert [e.text for e in doc.ents] == ["hypertension", "HTN", "HTN"]
    # BC5CDR dev, PMID 2257294: a long form that ends with a virus names its infection, matched or not
    doc = lexicon_nlp("It keeps its antihuman immunodeficiency virus (HIV) activity. HIV was not tested.")
    assert [e.text for e in doc.ents].count("HIV") == 2


def test_lexicon_ner_short_form_before_a_gene_word_names_the_gene(lexicon_nlp):
    # the example: a defined short form names the disease, but not as the name of its gene or protein
    doc = lexicon_nlp("Duchenne muscular dystrophy (DMD) is common. DMD patients lose ambulation. The DMD gene is "
                      "large. Wiskott-Aldrich syndrome (WAS) is rare; the WAS protein is missing in WAS.")
    followed_by = [doc[e.end].text for e in doc.ents if e.text in ("DMD", "WAS")]
    assert followed_by == [")", "patients", ")", "."]


def test_lexicon_ner_short_form_of_a_measure_of_a_disease_is_no_term(lexicon_nlp):
    # BC5CDR dev, PMID 6540303: DOC is a duration, not catatonia
    doc = lexicon_nlp("Dopamine increased the duration of catatonia (DOC) after ketamine. DOC was longer in rats.")
    assert "DOC" not in [e.text for e in doc.ents]
    assert "catatonia" in [e.text for e in doc.ents]


def test_lexicon_ner_short_form_defined_inside_a_longer_match_takes_its_own_name(lexicon_nlp):
    # BC5CDR dev: scispaCy reads "subarachnoid hemorrhage" as the long form of SAH, inside the longer match;
    # "intraocular pressure" is the long form of IOP inside "elevated intraocular pressure", and names no disease
    doc = lexicon_nlp("Patients with aneurysmal subarachnoid hemorrhage (SAH) were studied. SAH recurred in two. "
                      "Two developed elevated intraocular pressure (IOP). IOP was measured weekly.")
    hemorrhage = next(e for e in doc.ents if e.text == "aneurysmal subarachnoid hemorrhage")
    assert [set(e._.norm) for e in doc.ents if e.text == "SAH"] == [set(hemorrhage._.norm)] * 2
    assert [e.text for e in doc.ents if e.text == "IOP"] == []


def test_lexicon_ner_short_form_of_a_name_with_a_preposition_is_that_name(lexicon_nlp):
    # ADE-Corpus-V2 dev sentences: a preposition inside a disease name does not make it a measure
    doc = lexicon_nlp("Eighty infants with proliferative retinopathy of prematurity (ROP) were treated. ROP regressed.")
    assert len([e for e in doc.ents if e.text == "ROP"]) == 2


def test_lexicon_ner_short_form_of_a_molecule_named_after_a_drug_is_no_drug(lexicon_nlp):
    # corpus/: "mammalian target of rapamycin (mTOR)" is a protein, not sirolimus
    doc = lexicon_nlp("Inhibitors of the mammalian target of rapamycin (mTOR) were given. mTOR signalling fell.")
    assert [e.text for e in doc.ents if e.text == "mTOR" and e.label_ == "DRUG"] == []


def test_lexicon_ner_short_form_of_a_long_form_no_match_ends_is_no_disease(lexicon_nlp):
    # BC5CDR dev: the lexicon lists ROS and FPS as syndromes; these documents define them as other things
    doc = lexicon_nlp("Lead raised reactive oxygen species (ROS) in rats. ROS production rose. "
                      "The fear-potentiated startle (FPS) models fear. FPS rose.")
    assert [e.text for e in doc.ents if e.text in ("ROS", "FPS")] == []
    doc = lexicon_nlp("Patients with human immunodeficiency virus (HIV) were treated. HIV was suppressed.")
    assert len([e for e in doc.ents if e.text == "HIV" and e.label_ != "DRUG"]) == 2  # a virus names its infection


def test_lexicon_ner_drug_harm_word_after_a_drug_is_an_adverse_event_whose_phrase_holds_the_drug(lexicon_nlp):
    from pipeline.nlp.serialize import doc_annotations

    # ADE-Corpus-V2 dev: "colchicine intoxication" is the adverse effect of colchicine
    text = "Near fatal acute colchicine intoxication in a child."
    doc = lexicon_nlp(text)
    (harm,) = [e for e in doc.ents if e.text == "intoxication"]
    assert harm.label_ == "ADVERSE_EVENT" and harm._.norm[0] == "MESH:D011041"
    annotations = doc_annotations(doc)
    records = annotations["entities"]
    (event,) = [r for r in records if r["label"] == "ADVERSE_EVENT" and r["text"] == "colchicine intoxication"]
    assert text[event["concept_start"]:event["concept_end"]] == "intoxication"
    drug = next(i for i, r in enumerate(records) if r["text"] == "colchicine")
    assert {"head": drug, "tail": records.index(event), "label": "HAS_ADVERSE_EVENT"}.items() <= next(
        r for r in annotations["relations"] if r["tail"] == records.index(event)).items()
    assert [e.text for e in lexicon_nlp("Intoxication was rare.").ents] == []  # no drug, no mention
    organ = doc_annotations(lexicon_nlp("He developed adriamycin cardiotoxicity."))["entities"]
    assert "cardiotoxicity" in [r["text"] for r in organ]  # an organ's toxicity keeps its own phrase


def test_lexicon_ner_drug_harm_word_naming_no_lexicon_concept_is_an_error_with_its_line(tmp_path):
    from pipeline.errors import RulesError
    from pipeline.lexicons import load_lexicon
    from pipeline.nlp.lexicon_ner import drug_harm_concepts

    path = tmp_path / "drug_harm_words.tsv"
    path.write_text("# a comment\nword\tconcept\nintoxication\tpoisoning\ntoxicity\tno such harm at all\n")
    with pytest.raises(RulesError, match=r"drug_harm_words.tsv:4: no lexicon disease named 'no such harm at all'"):
        drug_harm_concepts(load_lexicon(), path)


def test_lexicon_ner_name_before_a_protein_head_is_no_mention(lexicon_nlp):
    # the examples and BC5CDR dev's "MAP kinase": a protein's, gene's or pathway's name holds the word
    doc = lexicon_nlp("Polymorphisms of the serotonin transporter gene were studied. Methamphetamine alters MAP "
                      "kinase pathways. Dopamine receptor antagonists caused dyskinesia. Insulin receptor density fell.")
    texts = [e.text for e in doc.ents]
    assert "serotonin" not in texts and "MAP" not in texts
    assert "Dopamine receptor antagonists" in texts and "Methamphetamine" in texts  # a match holding the word stands
    assert "Insulin" in texts  # a drug before "receptor" stays, as BC5CDR annotates the ligand
    doc = lexicon_nlp("A tumor suppressor gene is inactivated in the tumor.")
    assert [e.text for e in doc.ents] == ["tumor"]


def test_lexicon_ner_protein_head_with_an_unknown_label_is_an_error_with_its_line(tmp_path):
    from pipeline.errors import RulesError
    from pipeline.nlp.lexicon_ner import protein_heads

    path = tmp_path / "protein_heads.tsv"
    path.write_text("word\tlabels\ngene\tDRUG DISEASE\nkinase\tENZYME\n")
    with pytest.raises(RulesError, match=r"protein_heads.tsv:3: labels 'ENZYME'"):
        protein_heads(path)


def test_lexicon_ner_disease_in_an_organization_name_is_no_mention(lexicon_nlp):
    # corpus/pdfs: the moxidectin trial's funder "... Training in Tropical Diseases (TDR)" became an adverse event
    doc = lexicon_nlp("Funding UNICEF/UNDP/World Bank/WHO Special Programme for Research and Training in Tropical "
                      "Diseases (TDR). TDR became the sole sponsor. Support came from the Cystic Fibrosis Foundation "
                      "and the National Institute of Allergy and Infectious Diseases.")
    assert [e.text for e in doc.ents] == []
    doc = lexicon_nlp("Acute Renal Failure Induced by Cisplatin at a Cancer Center. WARNING: NEPHROGENIC SYSTEMIC FIBROSIS.")
    assert [e.text for e in doc.ents] == ["Acute Renal Failure", "Cisplatin", "NEPHROGENIC SYSTEMIC FIBROSIS"]


def test_lexicon_ner_acronym_opening_a_firms_name_is_no_mention(lexicon_nlp):
    # PMC (CC BY): "PASW Statistics (SPSS Inc., an IBM Company Headquarters, Chicago)": IBM was inclusion body myositis
    doc = lexicon_nlp("Data were analysed with SPSS (an IBM Company, Chicago) in patients with IBM and AIDS.")
    assert [e.text for e in doc.ents] == ["IBM", "AIDS"]


def test_lexicon_ner_disease_ending_in_a_word_to_word_compound_is_no_mention(lexicon_nlp):
    # PMC (CC BY): "ICBT in combination with short face-to-face consultations" was HP's Short face
    doc = lexicon_nlp("ICBT with short face-to-face consultations helped patients with a short face.")
    assert [e.text for e in doc.ents] == ["short face"]
    assert doc.ents[0].start_char == doc.text.index("a short face") + 2


def test_lexicon_ner_organization_name_needs_title_case_and_a_capitalized_head():
    from pipeline.nlp.lexicon_ner import in_proper_name

    heads = frozenset({"foundation", "department"})
    assert in_proper_name("the Department of Infectious Diseases".split(), 3, 5, heads)
    assert not in_proper_name("the department of infectious diseases".split(), 3, 5, heads)
    assert not in_proper_name("Hepatitis occurred ; Department".split(), 0, 1, heads)
    assert in_proper_name("Lupus Foundation".split(), 0, 1, heads)
    # a journal PDF's line end breaks the head word: "Special Pro-gramme for Research and Training in Tropical Diseases"
    words = ["Special", "Pro", "-", "gramme", "for", "Training", "in", "Tropical", "Diseases"]
    assert in_proper_name(words, 7, 9, frozenset({"programme"}))
    assert not in_proper_name(words, 7, 9, frozenset({"gramme"}))


def test_lexicon_ner_meddra_terms_of_training_labels_are_events(full_nlp):
    # a harm only MedDRA names (TAC 2017 training labels' vocabulary): no ontology lists "burning sensation"
    doc = full_nlp("Adverse reactions were cough, sneezing, burning sensation, and pallor.")
    events = {e.text: e._.norm for e in doc.ents if e.label_ == "ADVERSE_EVENT"}
    assert events["burning sensation"] == ["MEDDRA:10006784"]
    assert set(events) == {"cough", "sneezing", "burning sensation", "pallor"}


def test_lexicon_ner_cation_and_anion_are_one_salt_mention(lexicon_nlp):
    """"calcium stearate" is the salt, not calcium; a known salt keeps its identifiers; "sodium intake" is sodium."""
    ents = {e.text: e for e in lexicon_nlp(
        "Pneumonia caused by calcium stearate and chromic phosphate; potassium chloride and calcium salts were given "
        "after sodium intake fell.").ents}
    assert {"calcium stearate", "chromic phosphate", "potassium chloride", "calcium salts", "sodium"} <= set(ents)
    assert not {"calcium", "phosphate"} & set(ents)
    assert ents["calcium stearate"].label_ == "DRUG" and ents["calcium stearate"]._.norm == []
    assert ents["potassium chloride"]._.norm[0].startswith("DRUGBANK:")


def test_lexicon_ner_disease_adjective_names_its_disease_and_takes_a_generic_event_word(lexicon_nlp):
    """"hypertensive" names hypertension; "psychiatric events" is one mention whose concept span is the adjective."""
    text = "In hypertensive patients, serious psychiatric events were reported."
    ents = {e.text: e for e in lexicon_nlp(text).ents}
    assert ents["hypertensive"]._.norm[0] == "MESH:D006973"
    events = ents["psychiatric events"]
    assert text[slice(*events._.concept_span)] == "psychiatric"


def test_lexicon_ner_a_word_that_is_a_chemical_in_context_is_one_there_only(lexicon_nlp):
    """"lead" beside exposure, measurement or harm words is the metal (models/rules/context_chemicals.tsv)."""
    doc = lexicon_nlp("A high blood lead level and lead-induced hypertension will lead to lead author notes.")
    leads = [(e.text, e.start_char, e._.norm) for e in doc.ents if e.label_ == "DRUG"]
    assert leads == [("lead", 13, ["MESH:D007854"]), ("lead", 28, ["MESH:D007854"])]


def test_lexicon_ner_context_chemical_row_without_a_mesh_id_is_an_error_with_its_line(tmp_path):
    from pipeline.errors import RulesError
    from pipeline.nlp.lexicon_ner import context_chemicals

    path = tmp_path / "context_chemicals.tsv"
    path.write_text("word\tcurie\tbefore\tafter\nlead\tCHEBI:25016\tblood\tpoisoning\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"context_chemicals.tsv:2.*MeSH"):
        context_chemicals(path)


def test_lexicon_ner_organ_word_and_a_harm_head_are_one_event_phrase(lexicon_nlp):
    """"neurological complications", "cardiovascular side effects" are events (models/rules/adverse_event_patterns.json);
    "cardiac effects" alone is no harm."""
    texts = [e.text for e in lexicon_nlp(
        "Neurological complications and cardiovascular side effects were seen; cardiac effects were studied.").ents]
    assert {"Neurological complications", "cardiovascular side effects"} <= set(texts)
    assert "cardiac effects" not in texts


def test_lexicon_ner_vaccines_and_their_code_names_are_drugs(lexicon_nlp):
    """Intravesical BCG, hepatitis B vaccination and OKT3 (models/lexicons/curated/drug_additions.tsv) are drugs."""
    ents = {e.text: e for e in lexicon_nlp(
        "Infection after intravesical BCG, neuropathy after hepatitis B vaccination, and ARDS after OKT3.").ents}
    assert ents["BCG"]._.norm[:2] == ["DRUGBANK:DB12768", "MESH:D001500"]
    assert ents["hepatitis B vaccination"].label_ == "DRUG" and "hepatitis B" not in ents
    assert ents["OKT3"]._.concept == "muromonab"


def test_lexicon_ner_salt_words_after_a_drug_are_part_of_its_name(lexicon_nlp):
    """"doxorubicin HCL" is doxorubicin, not doxorubicin and hairy cell leukemia; "warfarin sodium" is warfarin."""
    doc = lexicon_nlp("His chemotherapy consisted of doxorubicin HCL, bleomycin and warfarin sodium.")
    ents = {e.text: e for e in doc.ents}
    assert {"doxorubicin HCL", "bleomycin", "warfarin sodium"} == set(ents)
    assert ents["doxorubicin HCL"]._.concept == "doxorubicin" and ents["warfarin sodium"]._.concept == "warfarin"


def test_lexicon_ner_the_word_consciousness_is_no_disease(lexicon_nlp):
    doc = lexicon_nlp("He lost consciousness; loss of consciousness lasted minutes.")
    assert [e.text for e in doc.ents] == ["loss of consciousness"]


def test_lexicon_ner_acronym_listed_among_unknown_acronyms_is_no_disease(lexicon_nlp):
    # corpus/pdfs/Brown2014, methods: the citation databases of a literature search, not spinal cord injury
    doc = lexicon_nlp("We searched ISI Web of Science (SCI, SSCI, AHCI; 1990-2008). He had SCI after the crash.")
    assert [(e.text, e.start_char > 60) for e in doc.ents] == [("SCI", True)]
    doc = lexicon_nlp("Patients with HIV, HBV or HCV were excluded.")  # short forms trial prose defines
    assert "HIV" in [e.text for e in doc.ents]


def test_lexicon_ner_acronym_list_counts_known_and_defined_members():
    from pipeline.nlp.lexicon_ner import listed_with_unknown_acronyms

    words = "( SCI , SSCI , AHCI ; 1990 )".split()
    assert listed_with_unknown_acronyms(words, 1, 2, [(1, 2)], frozenset())
    assert not listed_with_unknown_acronyms(words, 1, 2, [(1, 2)], frozenset({"SSCI"}))  # one unknown is no list
    assert not listed_with_unknown_acronyms(words, 1, 2, [(1, 2), (5, 6)], frozenset())
    assert not listed_with_unknown_acronyms("SCI after SSCI and AHCI".split(), 0, 1, [(0, 1)], frozenset())


def test_lexicon_ner_measures_and_procedures_hold_no_disease(lexicon_nlp):
    # corpus/ctgov/NCT02028676 outcomes, NCT01207388 outcomes, corpus/pdfs/Ussher2015 methods
    for text in ("Body Mass Index-for-age Z-score at week 48.", "A bone marrow aspiration/biopsy was performed.",
                 "Increased mean birth weight 41 g."):
        assert [e.text for e in lexicon_nlp(text).ents] == [], text
    ents = [e.text for e in lexicon_nlp("Low birth weight, a breast mass and aspiration pneumonia occurred.").ents]
    assert ents == ["Low birth weight", "breast mass", "aspiration pneumonia"]


def test_lexicon_ner_disease_inside_an_instrument_name_is_none():
    from pipeline.nlp.lexicon_ner import in_proper_name

    heads = frozenset({"scale", "inventory"})
    assert in_proper_name("the Beck Depression Inventory".split(), 2, 3, heads)
    assert in_proper_name("the Hospital Anxiety and Depression Scale".split(), 2, 3, heads)
    assert in_proper_name(["Unified", "Parkinson", "'s", "Disease", "Rating", "Scale"], 1, 4, heads)
    assert not in_proper_name("the depression scale".split(), 1, 2, heads)  # lowercase: a measure of the disease
    assert not in_proper_name("Depression in Older Adults Treated with a Scale".split(), 0, 1, heads)  # too far


def test_lexicon_ner_instrument_name_holds_no_disease(lexicon_nlp):
    doc = lexicon_nlp("Scores on the Beck Depression Inventory fell, and depression was rare.")
    assert [e.text for e in doc.ents] == ["depression"]  # a disease, not the word inside the name


def test_lexicon_ner_short_form_of_an_intervention_for_a_disease_names_no_disease(lexicon_nlp):
    # full-text trial report (PMC, CC BY): the programme's short form was read as dementia everywhere
    doc = lexicon_nlp("Community Occupational Therapy in Dementia (COTiD) was given. COTiD improved mood.")
    assert [e.text for e in doc.ents] == ["Dementia"]


def test_lexicon_ner_common_word_in_capitals_is_a_heading_word_not_an_acronym(lexicon_nlp):
    # full-text trial reports (PMC, CC BY): a heading "ANALGESIA PLAN" read PLAN as PLA2G6-associated neurodegeneration
    doc = lexicon_nlp("ALL PATIENTS RECEIVED VINCRISTINE. Children with ALL received vincristine.")
    assert [(e.text, e.start) for e in doc.ents] == [("VINCRISTINE", 3), ("ALL", 7), ("vincristine", 9)]
    assert "PLAN" not in [e.text for e in lexicon_nlp("ANALGESIA PLAN").ents]
    assert "PLAN" not in [e.text for e in lexicon_nlp("PLAN FOR STATISTICAL ANALYSIS").ents]  # within two words
    assert "PLAN" in [e.text for e in lexicon_nlp("Two infants had PLAN.").ents]  # an acronym among small letters
    assert [e.text for e in lexicon_nlp("HIV RNA FELL IN HIV PATIENTS").ents].count("HIV") == 2  # no common word


def test_lexicon_ner_statistics_and_grades_name_no_disease(lexicon_nlp):
    doc = lexicon_nlp("A chi-square test compared the groups; the cells were undifferentiated.")
    assert [e.text for e in doc.ents] == []


def test_lexicon_ner_drug_acronym_of_the_document_in_lower_case_is_that_drug(lexicon_nlp):
    from pipeline.lexicons import Concept
    from pipeline.nlp.lexicon_ner import _drug_acronyms_in_lower_case

    # corpus/ctgov/NCT00081588: "TMC114/RTV" in the title, "600/100 mg tablets of TMC114/rtv BID" in an arm; "rtv"
    # stays a word where no RTV is matched, and so does a lower-case word English uses ("peg" beside PEG)
    doc = lexicon_nlp("A trial of TMC114/RTV. Subjects took TMC114/rtv.")
    assert [(e.text, e._.concept) for e in doc.ents if e.text.lower() == "rtv"] == [("RTV", "ritonavir"),
                                                                                  ("rtv", "ritonavir")]
    assert [e.text for e in lexicon_nlp("Subjects took TMC114/rtv.").ents] == ["TMC114"]
    peg, inh = (Concept(f"TEST:{name}", name, "DRUG", (), index) for index, name in enumerate(("PEG", "INH")))
    found = {(0, 1): peg, (1, 2): inh}
    assert _drug_acronyms_in_lower_case(["PEG", "INH", "peg", "inh"], found) == {(3, 4): inh}


def test_lexicon_ner_common_word_known_in_capitals_only_opens_a_sentence_of_prose(full_nlp):
    # PMC2938446 (CC BY): MedDRA's "Corn" and "Mass" are terms in capitals; a sentence's first word is no term
    prose = _ents(full_nlp, "Corn is considered a secondary staple. Mass was measured by DXA.")
    assert not [text for text, label in prose if label in ("ADVERSE_EVENT", "CONDITION")]
    table = _ents(full_nlp, "Table 2 Adverse events Mass 2 (3%) Nausea 4 (5%)")
    assert ("Mass", "ADVERSE_EVENT") in table


def test_lexicon_ner_acronym_ending_a_longer_short_form_is_no_match(full_nlp):
    # PMC5051790 (CC BY): "I-CVI" and "S-CVI" are content validity indexes, no cortical visual impairment (CVI)
    ents = _ents(full_nlp, "The item-level content validity index (I-CVI) was 0.8 and the S-CVI 0.88. B-CLL was seen.")
    assert [text for text, label in ents if label in ("ADVERSE_EVENT", "CONDITION")] == ["B-CLL"]
    # a word after the letter and hyphen is no short form's end: A-vasotocin is arginine vasotocin
    drugs = [text for text, label in _ents(full_nlp, "It reacted 0.1% with A-vasotocin.") if label == "DRUG"]
    assert "vasotocin" in drugs


def test_lexicon_ner_disease_acronym_glued_to_a_capitalized_word_is_no_match(full_nlp):
    # "SARS" of the virus SARS-CoV-2 is no severe acute respiratory syndrome (the virus names COVID-19:
    # curated/disease_synonyms.tsv); "MS" of "MS-DMT" no multiple sclerosis; HIV of "HIV-positive" is still HIV
    text = "All tested negative for SARS-CoV-2 by RT-PCR. HIV-positive patients with SARS were seen. MS-DMT was used."
    diseases = [(e.text, e._.concept) for e in full_nlp(text).ents if e.label_ in ("ADVERSE_EVENT", "CONDITION")]
    assert [text for text, _ in diseases] == ["SARS-CoV-2", "HIV-positive", "SARS"]
    assert diseases[0][1] == "COVID-19" and diseases[2][1] == "severe acute respiratory syndrome"


def test_lexicon_ner_short_form_of_two_words_is_found_as_written_and_written_together(full_nlp):
    # PMC3570228, PMC5264539 (CC BY): "angiotensin II (Ang II)", then "Ang II", "AngII" and a table's "ANGII"
    doc = full_nlp("Activation of angiotensin II (Ang II) plays a role. AngII fell, ANGII was low. Ang II rose.")
    drugs = [(e.text, e._.concept) for e in doc.ents if e.label_ == "DRUG"]
    assert [text for text, _ in drugs] == ["angiotensin II", "Ang II", "AngII", "ANGII", "Ang II"]
    assert len({concept for _, concept in drugs}) == 1


def test_lexicon_ner_plural_of_a_defined_short_form_takes_its_concept(full_nlp):
    # PMC (CC BY): "urinary tract infection (UTI); the incidence of UTIs decreased with increasing dose"
    doc = full_nlp("Events were urinary tract infection (UTI); the incidence of UTIs decreased with dose.")
    assert [(e.text, e._.concept) for e in doc.ents if e.label_ == "ADVERSE_EVENT"][-1] == (
        "UTIs", "Urinary tract infection")
