"""The trained NER component: merging with lexicon matches (on a rule-based stand-in model, so the
expected spans are known) and the packaged model in models/ner/model."""
from __future__ import annotations

import pytest
import spacy

from pipeline.lexicons import load_lexicon
from pipeline.nlp.addresses import AddressFinder
from pipeline.nlp.analytes import AnalytePhrases
from pipeline.nlp.doses import DrugQualifiers
from pipeline.nlp.trained_ner import EffectVerbs, TrainedRecognizer, lexicon_tags, load_model

PSORIASIS = "She had worsening of her psoriasis after lithium and systemic corticosteroids."
THYROID = "A 48-year-old woman who was treated for thyrotoxicosis with methimazole developed agranulocytosis."


def stand_in_model(patterns: list[tuple[str, str]]) -> spacy.language.Language:
    """A real spaCy pipeline whose entities are known in advance: an entity ruler."""
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": label, "pattern": [{"TEXT": w} for w in phrase.split()]} for phrase, label in patterns])
    return nlp


@pytest.fixture(scope="module")
def lexicon_nlp():
    from pipeline.nlp.language import build_nlp

    return build_nlp(components=("trialgraph_sentences", "trialgraph_lexicon"))


@pytest.fixture(scope="module")
def short_form_nlp():
    """Sentences, the abbreviation detector and the lexicon: what a model span's short forms are read with."""
    from pipeline.nlp.language import build_nlp

    return build_nlp(components=("trialgraph_sentences", "abbreviation_detector", "trialgraph_lexicon"))


def model_mentions(recognizer: TrainedRecognizer, doc) -> list[str]:
    """The texts of the mentions the (stand-in) model keeps in `doc`."""
    return [e.text for e in recognizer(doc).ents if e._.source == "model"]


def merged(lexicon_nlp, text: str, patterns: list[tuple[str, str]], **options):
    recognizer = TrainedRecognizer(stand_in_model(patterns), load_lexicon(), **options)
    return {e.text: e for e in recognizer(lexicon_nlp(text)).ents}


def test_nlp_trained_ner_lexicon_tags_mark_each_token_of_the_matches(lexicon_nlp):
    doc = lexicon_nlp(PSORIASIS)
    tags = dict(zip((t.text for t in doc), lexicon_tags(doc)))
    assert (tags["psoriasis"], tags["lithium"], tags["her"]) == ("B-DISEASE", "B-DRUG", "O")
    assert len(lexicon_tags(lexicon_nlp("Nausea and vomiting were mild."))) == 6


def test_nlp_trained_ner_model_reads_the_lexicon_tags_of_its_input(lexicon_nlp):
    """The stand-in model matches on TAG alone: it finds the span only if the copy carries the tags."""
    model = spacy.blank("en")
    model.add_pipe("entity_ruler").add_patterns(
        [{"label": "DISEASE", "pattern": [{"TAG": "O", "LOWER": "worsening"}, {"TAG": "O"}, {"TAG": "O"},
                                          {"TAG": "B-DISEASE"}]}])
    ents = {e.text: e for e in TrainedRecognizer(model, load_lexicon())(lexicon_nlp(PSORIASIS)).ents}
    assert ents["worsening of her psoriasis"]._.source == "model" and "psoriasis" not in ents


def test_nlp_trained_ner_agreeing_span_keeps_lexicon_identifiers(lexicon_nlp):
    ents = merged(lexicon_nlp, THYROID, [("methimazole", "DRUG")])
    assert ents["methimazole"]._.source == "lexicon"
    assert ents["methimazole"]._.norm[0] == "DRUGBANK:DB00763"


def test_nlp_trained_ner_longer_model_span_replaces_match_and_takes_its_identifiers(lexicon_nlp):
    ents = merged(lexicon_nlp, PSORIASIS, [("worsening of her psoriasis", "DISEASE")])
    span = ents["worsening of her psoriasis"]
    assert "psoriasis" not in ents
    assert (span.label_, span._.source, span._.concept) == ("DISEASE", "model", "psoriasis")
    assert span._.norm[0] == "MESH:D011565"


def test_nlp_trained_ner_model_span_named_by_a_match_inside_has_that_match_as_concept_span(lexicon_nlp):
    """The concept span is the name the identifiers came from; a span named by itself has none."""
    span = merged(lexicon_nlp, PSORIASIS, [("worsening of her psoriasis", "DISEASE")])["worsening of her psoriasis"]
    assert PSORIASIS[slice(*span._.concept_span)] == "psoriasis"
    assert merged(lexicon_nlp, THYROID, [("thyrotoxicosis", "DISEASE")])["thyrotoxicosis"]._.concept_span is None


def test_nlp_trained_ner_model_drug_span_leaves_route_dose_level_and_form_to_the_dose(lexicon_nlp):
    """A model DRUG span that is a lexicon drug with a route, dose level or dosage form is the lexicon drug;
    with a word of any other kind ("regular insulin") the model span stands."""
    text = "Glaucoma followed subconjunctival 5-fluorouracil, budesonide spray and regular insulin."
    found = [("subconjunctival 5-fluorouracil", "DRUG"), ("budesonide spray", "DRUG"), ("regular insulin", "DRUG")]
    ents = merged(lexicon_nlp, text, found, drug_qualifiers=DrugQualifiers.load())
    assert {"5-fluorouracil", "budesonide", "regular insulin"} <= set(ents)
    assert not {"subconjunctival 5-fluorouracil", "budesonide spray"} & set(ents)
    assert ents["budesonide"]._.norm[0].startswith("DRUGBANK:") and ents["budesonide"]._.source != "model"
    assert "budesonide spray" in merged(lexicon_nlp, text, found)  # no qualifiers given: the model span stands


def test_nlp_trained_ner_drug_class_match_wins_over_model_drug(lexicon_nlp):
    ents = merged(lexicon_nlp, PSORIASIS, [("systemic corticosteroids", "DRUG")])
    assert ents["corticosteroids"].label_ == "DRUG_CLASS"
    assert "systemic corticosteroids" not in ents


def test_nlp_trained_ner_lexicon_wins_option_keeps_match_boundaries(lexicon_nlp):
    ents = merged(lexicon_nlp, PSORIASIS, [("worsening of her psoriasis", "DISEASE")], lexicon_wins=["DISEASE"])
    assert "psoriasis" in ents and "worsening of her psoriasis" not in ents


def test_nlp_trained_ner_unconfirmed_matches_kept_or_dropped_by_label(lexicon_nlp):
    kept = merged(lexicon_nlp, THYROID, [("methimazole", "DRUG")])
    assert {"thyrotoxicosis", "agranulocytosis"} <= set(kept)
    dropped = merged(lexicon_nlp, THYROID, [("methimazole", "DRUG")], keep_lexicon=["DRUG"])
    assert set(dropped) == {"methimazole"}


def test_nlp_trained_ner_unknown_name_is_a_model_mention_without_identifiers(lexicon_nlp):
    ents = merged(lexicon_nlp, "Hepatotoxicity after xylofenib treatment.", [("xylofenib", "DRUG")])
    assert (ents["xylofenib"].label_, ents["xylofenib"]._.norm, ents["xylofenib"]._.concept) == ("DRUG", [], "xylofenib")


def test_nlp_trained_ner_model_span_loses_the_function_words_at_its_ends(lexicon_nlp):
    ents = merged(lexicon_nlp, "Quibbleosis and severe agranulocytosis followed methimazole.",
                  [("Quibbleosis and", "DISEASE"), ("methimazole", "DRUG")])
    assert "Quibbleosis" in ents and "Quibbleosis and" not in ents
    assert ents["Quibbleosis"]._.source == "model"
    assert "and" not in merged(lexicon_nlp, "It was seen and then methimazole stopped.", [("and", "DISEASE")])


def test_nlp_trained_ner_model_span_is_normalized_by_its_name_without_lexicon_matches():
    from pipeline.nlp.language import build_nlp

    recognizer = TrainedRecognizer(stand_in_model([("methimazole", "DRUG")]), load_lexicon())
    doc = recognizer(build_nlp(components=("trialgraph_sentences",))(THYROID))
    (drug,) = doc.ents
    assert (drug.text, drug._.source, drug._.norm[0]) == ("methimazole", "model", "DRUGBANK:DB00763")


def test_nlp_trained_ner_model_span_named_only_by_gold_annotation_takes_its_mesh_id(lexicon_nlp):
    # BC5CDR's training annotation gives "hypolocomotion" MeSH D006948; no lexicon term names it
    text = "Haloperidol produced a marked hypolocomotion in the treated mice."
    ents = merged(lexicon_nlp, text, [("hypolocomotion", "DISEASE")])
    assert (ents["hypolocomotion"]._.norm, ents["hypolocomotion"]._.concept) == (["MESH:D006948"], "hypolocomotion")


def test_nlp_trained_ner_missing_model_says_how_to_build_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="trialgraph train"):
        load_model(tmp_path)


# Real sentences of ADE-Corpus-V2 dev PMIDs (never trained on): names no lexicon holds.
UNSEEN = [
    ("Upon discontinuation of MTX, her ascites resolved, and her arthritis became more active.", "MTX", "DRUG"),
    ("Hemodynamic collapse following labetalol administration in preeclampsia.", "Hemodynamic collapse",
     "ADVERSE_EVENT"),
    ("Cessation of D-Pen and the start of corticosteroid therapy were followed by recovery from bicytopenia.",
     "D-Pen", "DRUG"),
]


@pytest.mark.parametrize(("text", "mention", "label"), UNSEEN)
def test_nlp_trained_ner_packaged_model_finds_what_the_lexicon_cannot(full_nlp, lexicon_nlp, text, mention, label):
    start = text.index(mention)
    end = start + len(mention)
    assert not [e for e in lexicon_nlp(text).ents if e.start_char < end and start < e.end_char]
    found = {(e.text, e.label_, e._.source) for e in full_nlp(text).ents}
    assert (mention, label, "model") in found


def test_nlp_trained_ner_packaged_model_leaves_the_doc_without_tags_or_tensor(full_nlp):
    doc = full_nlp(PSORIASIS)
    assert "lithium" in {e.text for e in doc.ents}
    assert not doc.has_annotation("TAG") and doc.tensor.size == 0


def test_nlp_trained_ner_packaged_model_reads_floret_vectors_of_words_it_never_saw(full_nlp):
    recognizer = full_nlp.get_pipe("trialgraph_trained_ner")
    text = "Zorvantinib caused grade 3 quibbleosis in 2 of 14 patients."
    assert recognizer.model.vocab.strings.as_int("zorvantinib") not in recognizer.model.vocab.strings
    doc = full_nlp(text)  # a floret table looks each NORM up as a string: the Docs' store holds these
    table = recognizer._vectors.table  # read through its row cache
    assert "Zorvantinib" in doc.text and table.mode == "floret"
    assert table.strings is recognizer.model.vocab.strings  # given back after the call
    assert doc.vocab.vectors is not recognizer._vectors


def test_nlp_trained_ner_packaged_model_loads_with_its_labels():
    model = load_model()
    assert model.pipe_names == ["tok2vec", "ner"]
    assert set(model.get_pipe("ner").labels) == {"DRUG", "DISEASE"}
    # its matrix products go to numpy's BLAS, as in training, not to thinc's default blis
    layers = [layer for _, component in model.pipeline for layer in component.model.walk()]
    assert layers and all(not layer.ops.use_blis for layer in layers)


def test_nlp_trained_ner_model_span_inside_analyte_phrase_is_dropped(lexicon_nlp):
    from pipeline.nlp.analytes import AnalytePhrases

    text = "aspartate transaminase (AST) or alanine transaminase (ALT) >5 x the upper limit of normal in quibbleosis"
    recognizer = TrainedRecognizer(stand_in_model([("aspartate", "DRUG"), ("quibbleosis", "DISEASE")]),
                                   load_lexicon(), analytes=AnalytePhrases.load())
    assert [e.text for e in recognizer(lexicon_nlp(text)).ents if e._.source == "model"] == ["quibbleosis"]


def test_nlp_trained_ner_model_span_listing_analytes_or_cut_inside_a_compound_is_dropped(lexicon_nlp):
    from pipeline.nlp.analytes import AnalytePhrases

    # corpus/ctgov/NCT00734539 exclusion criteria; corpus/pdfs/Opoku2018 results
    text = "Liver failure (AST and ALT > 250 U/L). The spread of post-treatment SmfD was greater with quibbleosis."
    ents = merged(lexicon_nlp, text, [("AST and ALT", "DISEASE"), ("spread of post -", "DISEASE"), ("quibbleosis", "DISEASE")],
                  analytes=AnalytePhrases.load())
    model_spans = [text for text, e in ents.items() if e._.source == "model"]
    assert model_spans == ["quibbleosis"]


def test_nlp_trained_ner_model_span_the_words_around_call_something_else_is_dropped(lexicon_nlp):
    # full-text trial reports (PMC, CC BY): a time span, a co-investigator, a citation, a wound-healing scale
    text = ("Levels rose within 14–16 h. Analysis is done by Dr. Diane Cullen. Smith et al. saw it, as Sun et al.[5] "
            "and the review of Cochrane [8] did. Plasma was kept at −80°C. It is registered as NCT01117285. "
            "Healing was scored on the REEDA scale. Kits came from Millipore (Billerica, MA, USA), classes as in "
            "(Zhang, 2016b) and Garcia-Alonso et al. A study by Garg and colleagues [20] agreed. CPAP is the gold standard. "
            "Quibblomab was given, and REEDA improved. Enrolment ran from December 2007 to 2008–March. LY2811376 "
            "was given.")
    spans = [("14–16", "DRUG"), ("Diane Cullen", "DRUG"), ("Smith", "DRUG"), ("al.[5", "DRUG"), ("Cochrane", "DISEASE"),
             ("−80 ° C", "DRUG"), ("NCT01117285", "DRUG"), ("REEDA", "DRUG"), ("MA", "DRUG"), ("Zhang", "DRUG"),
             ("Garcia", "DRUG"), ("Garg", "DRUG"), ("gold", "DRUG"), ("Quibblomab", "DRUG"), ("2008–March", "DRUG"),
             ("LY2811376", "DRUG")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon(), person_titles={"dr"},
                                   instrument_words={"scale"}, addresses=AddressFinder.load())
    found = [(e.text, e.start_char) for e in recognizer(lexicon_nlp(text)).ents if e._.source == "model"]
    assert found == [("Quibblomab", text.index("Quibblomab")), ("REEDA", text.rindex("REEDA")),
                     ("LY2811376", text.index("LY2811376"))]


def test_nlp_trained_ner_towns_places_and_firms_of_an_address_are_no_mentions(lexicon_nlp):
    # full-text trial reports (PMC, CC BY): suppliers' addresses in methods sections
    text = ("NO-Shotgun (Vital Pharmaceuticals, Davie, FL) was drunk. Kits came from BioVendor (San Diego, CA) and "
            "Alfa Aesar (Ward Hill, MA, USA). Clopidogrel (Plavix, Sanofi, Paris, France) was given. Data were held "
            "in Jackson, MS. Approval CT20100055 was given. Quibblomab was given in MS and CA.")
    spans = [("FL", "DRUG"), ("Vital Pharmaceuticals", "DRUG"), ("CA", "DRUG"), ("Alfa Aesar", "DRUG"),
             ("Plavix", "DRUG"), ("Sanofi", "DRUG"), ("MS", "DISEASE"), ("CT20100055", "DRUG"), ("Quibblomab", "DRUG")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon(), addresses=AddressFinder.load())
    found = [(e.text, e._.source) for e in recognizer(lexicon_nlp(text)).ents if e.label_ in ("DRUG", "DISEASE")]
    # the brand the lexicon knows stays; the MS and CA after "given in" are no address's
    assert found == [("Clopidogrel", "lexicon"), ("Plavix", "lexicon"), ("Quibblomab", "model"),
                     ("MS", "model"), ("CA", "model")]


def test_nlp_trained_ner_model_span_cut_across_a_bracket_is_dropped(lexicon_nlp):
    # BC5CDR valid (PMID 18464113): "Hepatitis B virus (HBV" was a drug; the lexicon's "Hepatitis B" is left
    ents = merged(lexicon_nlp, "Hepatitis B virus (HBV) is common.", [("Hepatitis B virus ( HBV", "DRUG")])
    assert [(text, e._.source) for text, e in ents.items()] == [("Hepatitis B", "lexicon")]


def test_nlp_trained_ner_initials_opening_a_contributions_sentence_are_no_mention(lexicon_nlp):
    # full-text trial reports (PMC, CC BY) whose contributions statement has no heading of its own
    text = "GR, KB, TL and SF conducted the analyses. AW and SY are employed by GSK. QBX developed after dosing."
    spans = [("GR", "DRUG"), ("SF", "DRUG"), ("SY", "DISEASE"), ("QBX", "DISEASE")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon(),
                                   contribution_verbs={"conducted", "are", "wrote"})
    assert [e.text for e in recognizer(lexicon_nlp(text)).ents if e._.source == "model"] == ["QBX"]
    # a pipeline without sentence boundaries reads the whole text as one sentence
    unsplit = spacy.blank("en")
    unsplit.add_pipe("trialgraph_lexicon")
    assert [e.text for e in recognizer(unsplit("GR and SF conducted it with QBX.")).ents] == ["QBX"]


def test_nlp_trained_ner_short_form_of_an_instrument_is_no_model_mention(short_form_nlp):
    # full-text trial report (PMC, CC BY): the index is a measure, the model read its short form as an event
    # (here the model reads the index itself as a disease, so its end is a disease's but for the instrument word)
    text = "The mean apnea-hypopnea index (AHI) was 29.4. After surgery AHI fell, and quibbleosis was rare."
    spans = [("apnea - hypopnea index", "DISEASE"), ("AHI", "DISEASE"), ("quibbleosis", "DISEASE")]
    for words, kept in (({"index"}, ["apnea-hypopnea index", "quibbleosis"]),
                        (set(), ["apnea-hypopnea index", "AHI", "AHI", "quibbleosis"])):
        recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon(), instrument_words=words)
        assert model_mentions(recognizer, short_form_nlp(text)) == kept


def test_nlp_trained_ner_short_form_of_an_analyte_is_no_model_mention(short_form_nlp):
    # full-text trial report PMC3896966 (unlabeled corpus): the model read TG, the triglycerides' short form, as an
    # event 30 times, and its long form "blood triglycerides" as one whose short form TG then was
    text = "Phytosterols may reduce blood triglycerides (TG). TG fell, and quibbleosis was rare."
    spans = [("blood triglycerides", "DISEASE"), ("TG", "DISEASE"), ("quibbleosis", "DISEASE")]
    from pipeline.nlp.analytes import AnalytePhrases

    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon(), analytes=AnalytePhrases.load())
    assert model_mentions(recognizer, short_form_nlp(text)) == ["blood triglycerides", "quibbleosis"]


def test_nlp_trained_ner_body_part_or_food_is_no_model_mention(lexicon_nlp):
    # full-text trial reports (PMC, CC BY): the model read the skull's entry term and a food as drugs
    lexicon = load_lexicon()
    assert {"cranium", "bread"} <= lexicon.anatomy_and_food_names
    spans = [("cranium", "DRUG"), ("bread", "DRUG"), ("quibblezumab", "DRUG")]
    recognizer = TrainedRecognizer(stand_in_model(spans), lexicon)
    doc = recognizer(lexicon_nlp("The cranium was scanned; bread was eaten; quibblezumab was given."))
    assert [e.text for e in doc.ents if e._.source == "model"] == ["quibblezumab"]


def test_nlp_trained_ner_common_word_that_names_no_drug_is_no_model_mention(lexicon_nlp):
    # full-text trial reports (PMC, CC BY): the model read common words as drugs; "Engine" opens a sentence;
    # "gold" is a MeSH chemical, "Li" has an identifier, a longer span and a disease are left alone ("fatal" is an
    # adverse reaction in TAC 2017 ADR)
    lexicon = load_lexicon()
    assert {"curtain", "engine", "fatal"} <= lexicon.common_words.keys() and "gold" not in lexicon.common_words
    spans = [("Engine", "DRUG"), ("curtain", "DRUG"), ("gold", "DRUG"), ("Li", "DRUG"), ("curtain oil", "DRUG"),
             ("fatal", "DISEASE")]
    recognizer = TrainedRecognizer(stand_in_model(spans), lexicon)
    doc = recognizer(lexicon_nlp("Engine: a curtain fell; gold and Li were given; curtain oil was fatal."))
    assert [e.text for e in doc.ents if e._.source == "model"] == ["gold", "Li", "curtain oil", "fatal"]


def test_nlp_trained_ner_very_common_or_capitalized_common_word_is_no_model_disease(lexicon_nlp):
    # full-text trial reports of the unlabeled corpus: "increase" a condition, "California" of an instrument maker's
    # address an event; "fatal" (TAC annotates it) is less common, "died" names MedDRA's Death and "quibbleosis" is
    # no English word
    spans = [("increase", "DISEASE"), ("California", "DISEASE"), ("fatal", "DISEASE"), ("died", "DISEASE"),
             ("quibbleosis", "DISEASE")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon())
    doc = recognizer(lexicon_nlp("The increase was small (Agilent, Palo Alto, California). Two died of a fatal "
                                 "quibbleosis."))
    assert [e.text for e in doc.ents if e._.source == "model"] == ["died", "fatal", "quibbleosis"]


def test_nlp_trained_ner_short_form_of_a_term_of_another_label_is_no_model_mention(short_form_nlp):
    # full-text trial report PMC1382202 (unlabeled corpus): the model read BP, defined as blood pressure, as a drug
    text = "Control of high blood pressure (BP) is limited. BP fell with quibblezumab."
    recognizer = TrainedRecognizer(stand_in_model([("BP", "DRUG"), ("quibblezumab", "DRUG")]), load_lexicon())
    assert model_mentions(recognizer, short_form_nlp(text)) == ["quibblezumab"]


def test_nlp_trained_ner_undefined_acronym_prose_never_defines_as_a_drug_is_no_model_drug(lexicon_nlp):
    # full-text trial reports (unlabeled corpus): FDR (false discovery rate) read as a drug; PTU is propylthiouracil in
    # the prose's definitions
    lexicon = load_lexicon()
    assert "FDR" in lexicon.non_drug_short_forms and "PTU" not in lexicon.non_drug_short_forms
    recognizer = TrainedRecognizer(stand_in_model([("FDR", "DRUG"), ("PTU", "DRUG")]), lexicon)
    doc = recognizer(lexicon_nlp("P values were corrected by FDR; PTU was stopped."))
    assert [e.text for e in doc.ents if e._.source == "model"] == ["PTU"]


def test_nlp_trained_ner_plural_or_capitals_of_a_common_word_is_no_model_drug(lexicon_nlp):
    # full-text trial report PMC3597472 (unlabeled corpus): water buffaloes and "bovines" were treated for schistosomiasis
    # a short word in capitals may be an acronym: "MOTOR" stays
    spans = [("bovines", "DRUG"), ("QUESTIONNAIRES", "DRUG"), ("MOTOR", "DRUG"), ("quibblezumab", "DRUG")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon())
    doc = recognizer(lexicon_nlp("All bovines got quibblezumab. QUESTIONNAIRES AND MOTOR"))
    assert [e.text for e in doc.ents if e._.source == "model"] == ["quibblezumab", "MOTOR"]


def test_nlp_trained_ner_disease_span_before_an_intervention_word_is_no_model_mention(lexicon_nlp):
    # full-text trial report (PMC, CC BY): "Cognitive behavioural" was a condition; a known disease stays
    # (here an unknown name whose head word ends like a disease's: "Cognitive behavioural" ends like none)
    spans = [("Cognitive quibbleosis", "DISEASE"), ("insomnia", "DISEASE"), ("quibbleosis", "DISEASE")]
    text = "Cognitive quibbleosis therapy helped insomnia therapy and quibbleosis."
    for words, kept in (({"therapy"}, ["insomnia", "quibbleosis"]),
                        (set(), ["Cognitive quibbleosis", "insomnia", "quibbleosis"])):
        recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon(), intervention_words=words)
        assert [e.text for e in recognizer(lexicon_nlp(text)).ents] == kept


def test_nlp_trained_ner_endpoint_in_a_long_form_leaves_its_short_form_foreign(full_nlp):
    # a full-text trial protocol: the committee's name holds the endpoint "Safety"; DSMC is no drug
    doc = full_nlp("Safety is monitored by a Data and Safety Monitoring Committee (DSMC). The DSMC will audit it.")
    assert "DSMC" not in [e.text for e in doc.ents]


def test_nlp_trained_ner_short_form_of_a_model_span_is_the_same_mention(short_form_nlp):
    # BC5CDR development abstract (PMID 8701013): the model finds the long form, the document defines its short form
    text = ("A new vitamin D analogue, 22-oxacalcitriol (OCT), has been shown to suppress PTH. "
            "OCT was given thrice weekly and OCT lowered PTH.")
    recognizer = TrainedRecognizer(stand_in_model([("22-oxacalcitriol", "DRUG"), ("OCT", "DISEASE")]), load_lexicon())
    doc = recognizer(short_form_nlp(text))
    short_forms = [e for e in doc.ents if e.text == "OCT"]
    assert len(short_forms) == 3
    assert all(e.label_ == "DRUG" and e._.source == "model" and e._.concept == "22-oxacalcitriol" for e in short_forms)


def test_nlp_trained_ner_bracketed_short_form_the_detector_misses_follows_the_model_span(short_form_nlp):
    # after BC5CDR development abstract PMID 3431591 ("... acid (CB 3717)"): the long form holds no "C", "B" and
    # "3717" in order, so scispaCy defines nothing
    text = ("The thymidylate synthase inhibitor N10-propargyl-5,8-dideazafolic acid (CB3717) was given. "
            "CB3717 caused renal damage.")
    recognizer = TrainedRecognizer(stand_in_model([("N10-propargyl-5,8-dideazafolic acid", "DRUG")]), load_lexicon())
    doc = short_form_nlp(text)
    assert not [s for s in doc._.abbreviations if s.text == "CB3717"]
    short_forms = [e for e in recognizer(doc).ents if e.text == "CB3717"]
    assert len(short_forms) == 2 and all(e.label_ == "DRUG" and e._.source == "model" for e in short_forms)


def test_nlp_trained_ner_short_form_of_a_model_span_before_a_gene_word_names_the_gene(short_form_nlp):
    from pipeline.nlp.lexicon_ner import protein_heads

    text = "Patients with spinocerebellar blorbitis (SCB) were seen. SCB progressed. The SCB gene was sequenced."
    recognizer = TrainedRecognizer(stand_in_model([("spinocerebellar blorbitis", "DISEASE")]), load_lexicon())
    recognizer.protein_heads = protein_heads("rules/protein_heads.tsv")
    doc = recognizer(short_form_nlp(text))
    assert [doc[e.end].text for e in doc.ents if e.text == "SCB"] == [")", "progressed"]


def test_nlp_trained_ner_gene_symbol_is_no_disease_unless_the_lexicon_says_so(lexicon_nlp):
    text = "Carriers of BRCA1 and TP53 mutations with T2DM were enrolled."
    found = merged(lexicon_nlp, text, [("BRCA1", "DISEASE"), ("TP53", "DISEASE"), ("T2DM", "DISEASE")])
    assert "BRCA1" not in found and "TP53" not in found
    assert found["T2DM"].label_ == "DISEASE"  # a lexicon name of type 2 diabetes mellitus


def test_nlp_trained_ner_model_span_holding_a_threshold_is_dropped(lexicon_nlp):
    # corpus/ (NCT02028676 eligibility): the model read "CD4%<20" as a drug
    found = merged(lexicon_nlp, "Children with CD4%<20 were eligible.", [("CD4%<20", "DRUG")])
    assert "CD4%<20" not in found


def test_nlp_trained_ner_model_span_before_a_protein_head_is_dropped(lexicon_nlp):
    from pipeline.nlp.lexicon_ner import protein_heads

    recognizer = TrainedRecognizer(stand_in_model([("serotonin", "DRUG")]), load_lexicon())
    recognizer.protein_heads = protein_heads("rules/protein_heads.tsv")
    doc = recognizer(lexicon_nlp("Polymorphisms of the serotonin transporter were studied."))
    assert "serotonin" not in [e.text for e in doc.ents]


def test_nlp_trained_ner_disease_adjective_takes_the_generic_event_word_after_it(lexicon_nlp):
    """"teratogenic effects" is one adverse-event phrase whose concept span is the adjective."""
    text = "Ribavirin has teratogenic effects."
    ents = merged(lexicon_nlp, text, [("teratogenic", "DISEASE")], event_heads={"effects"})
    assert "teratogenic effects" in ents and "teratogenic" not in ents
    assert text[slice(*ents["teratogenic effects"]._.concept_span)] == "teratogenic"
    assert "teratogenic" in merged(lexicon_nlp, text, [("teratogenic", "DISEASE")])  # no such head listed



def test_nlp_trained_ner_model_span_loses_a_bracket_opening_at_its_end(lexicon_nlp):
    ents = merged(lexicon_nlp, "A decrease in PSA ( prostate antigen ) quibbleosis followed flutamide.",
                  [("decrease in PSA (", "DISEASE"), (") quibbleosis", "DISEASE")])
    assert "decrease in PSA" in ents and "decrease in PSA (" not in ents
    assert "quibbleosis" in ents and ") quibbleosis" not in ents


def test_nlp_trained_ner_plural_of_a_short_form_defined_as_no_drug_is_no_model_drug(short_form_nlp):
    # full-text trial report PMC2987759 (unlabeled corpus): the model read the workers ASHAs as a drug
    text = "Each Accredited Social Health Activist (ASHA) visits homes. ASHAs gave quibblezumab."
    recognizer = TrainedRecognizer(stand_in_model([("ASHAs", "DRUG"), ("quibblezumab", "DRUG")]), load_lexicon())
    assert model_mentions(recognizer, short_form_nlp(text)) == ["quibblezumab"]


def test_nlp_trained_ner_singular_of_a_plural_short_form_defined_as_no_drug_is_no_model_drug(short_form_nlp):
    # full-text trial report PMC2938446 (unlabeled corpus): "TAC" was tacrolimus
    text = "We measured total available carbohydrates (TACs) and ash. TAC was determined with quibblezumab."
    recognizer = TrainedRecognizer(stand_in_model([("TAC", "DRUG"), ("quibblezumab", "DRUG")]), load_lexicon())
    assert model_mentions(recognizer, short_form_nlp(text)) == ["quibblezumab"]


def test_nlp_trained_ner_numbered_labels_and_software_versions_are_no_model_drugs(lexicon_nlp):
    # full-text trial reports PMC5450344 (participants P01 ... P04) and PMC4625799 ("Sequencer v4.8")
    spans = [("P03", "DRUG"), ("v4.8", "DRUG"), ("quibblezumab", "DRUG")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon())
    doc = recognizer(lexicon_nlp("P01, P02 and P03 improved; P04 did not. Sequencer v4.8 was used; quibblezumab was given."))
    assert [e.text for e in doc.ents if e._.source == "model"] == ["quibblezumab"]
    doc = recognizer(lexicon_nlp("Only P03 improved."))
    assert [e.text for e in doc.ents if e._.source == "model"] == ["P03"]


def test_nlp_trained_ner_disease_span_ending_unlike_any_disease_name_is_no_model_mention(lexicon_nlp):
    # full-text trial reports PMC3597472 ("a downward trend") and PMC1187893 (knee joint loads); a misspelt name
    # keeps the ending of its kind; a short form in capitals, mixed case too, may end one ("decreases eGFR", TAC),
    # a long formula in capitals does not
    spans = [("downward trend", "DISEASE"), ("increased joint loads", "DISEASE"), ("rhabdomyolisis", "DISEASE"),
             ("GI AEs", "DISEASE"), ("decreases eGFR", "DISEASE"), ("FAnonPLIC–FAlesionedPLIC", "DISEASE")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon())
    doc = recognizer(lexicon_nlp("A downward trend, increased joint loads, rhabdomyolisis and GI AEs were seen. "
                                 "It decreases eGFR. FAnonPLIC–FAlesionedPLIC was computed."))
    assert [e.text for e in doc.ents if e._.source == "model"] == ["rhabdomyolisis", "GI AEs", "decreases eGFR"]


def test_nlp_trained_ner_name_with_an_ampersand_is_a_company_not_a_mention(lexicon_nlp):
    # full-text trial report PMC4839526: "honoraria from Johnson & Johnson" was a condition
    recognizer = TrainedRecognizer(stand_in_model([("Johnson & Johnson", "DISEASE")]), load_lexicon())
    doc = recognizer(lexicon_nlp("He received honoraria from Johnson & Johnson."))
    assert [e.text for e in doc.ents if e._.source == "model"] == []


def test_nlp_trained_ner_head_of_a_disease_span_stands_before_its_preposition(lexicon_nlp):
    # TAC 2017 annotates "Suppression of bone turnover" (PROLIA); "trend" heads a full-text trial's phrase
    spans = [("Suppression of bone turnover", "DISEASE"), ("falling trend in caregiver burden", "DISEASE")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon())
    doc = recognizer(lexicon_nlp("Suppression of bone turnover and a falling trend in caregiver burden were seen."))
    assert [e.text for e in doc.ents if e._.source == "model"] == ["Suppression of bone turnover"]


def test_nlp_trained_ner_model_disease_span_that_states_an_effect_is_dropped(lexicon_nlp):
    # full-text trial reports (PMC, CC BY): what an intervention does, read by the model as a disease
    text = ("Support increases the level of calm. Quibblomab reduces DLPFC excitability. Grain was dried to inhibit "
            "fungal growth. Contact decreased the stress. Cortisol decreases. An increase in gleeblemia and reduced "
            "wibble tone followed. Quibblomab increases serum creatinine and may decrease lymphocyte counts.")
    spans = [("increases the level", "DISEASE"), ("reduces DLPFC", "DISEASE"), ("inhibit fungal growth", "DISEASE"),
             ("decreased the stress", "DISEASE"), ("decreases", "DISEASE"), ("increase in gleeblemia", "DISEASE"),
             ("reduced wibble tone", "DISEASE"), ("increases serum creatinine", "DISEASE"),
             ("decrease lymphocyte counts", "DISEASE")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon(), effect_verbs=EffectVerbs.load())
    # a change of a laboratory value that MedDRA names is a harm, as a drug label states it (TAC 2017)
    assert model_mentions(recognizer, lexicon_nlp(text)) == [
        "increase in gleeblemia", "reduced wibble tone", "increases serum creatinine", "decrease lymphocyte counts"]


def test_nlp_trained_ner_effect_verbs_bad_form_reports_the_file_and_line(tmp_path):
    from pipeline.errors import RulesError

    path = tmp_path / "effect_verbs.tsv"
    path.write_text("word\tform\nreduces\tverb\nsoon\tadverb\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"effect_verbs\.tsv:3: form 'adverb'"):
        EffectVerbs.load(path)


def test_nlp_trained_ner_model_drug_span_in_a_firms_name_is_dropped(lexicon_nlp):
    # PMC3570228 (CC BY): the maker of the trial's sufentanil, in its methods section
    text = "Sufentanil (Batch No.: 091205; Yichang Humanwell Pharmaceutical Co., Ltd.) and quibblomab were given."
    spans = [("Yichang", "DRUG"), ("quibblomab", "DRUG")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon(), organization_heads={"pharmaceutical", "co."})
    assert model_mentions(recognizer, lexicon_nlp(text)) == ["quibblomab"]


def test_nlp_trained_ner_species_epithet_after_a_genus_is_no_disease(lexicon_nlp):
    # PMC (CC BY): "multi-drug resistant bacteria such as Pseudomonas aeruginosa"
    text = "Bacteria such as Pseudomonas aeruginosa caused quibbleosis."
    spans = [("aeruginosa", "DISEASE"), ("quibbleosis", "DISEASE")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon(), microbe_genera={"pseudomonas"})
    assert model_mentions(recognizer, lexicon_nlp(text)) == ["quibbleosis"]


def test_nlp_trained_ner_model_disease_span_leaves_out_a_change_after_it(lexicon_nlp):
    # PMC (CC BY): "the incidence of hypertensive events and UTIs decreased with increasing dose"
    text = "The incidence of quibbleosis decreased with dose, heart rate decreased and Bicarbonate decreased."
    spans = [("quibbleosis decreased", "DISEASE"), ("heart rate decreased", "DISEASE"),
             ("Bicarbonate decreased", "DISEASE")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon(), effect_verbs=EffectVerbs.load(),
                                   analytes=AnalytePhrases.load())
    assert [e.text for e in recognizer(lexicon_nlp(text)).ents] == [
        "quibbleosis", "heart rate decreased", "Bicarbonate decreased"]


def test_nlp_trained_ner_model_disease_span_cut_before_its_noun_is_dropped(lexicon_nlp):
    # PMC5264539 (CC BY): "the loss of peritubular capillaries", "a decrease in anti-fibrotic factors"
    text = ("The loss of peritubular capillaries and a decrease in anti-fibrotic factors preceded quibbleosis. One "
            "reported feeling nauseous while others did not.")
    spans = [("loss of peritubular", "DISEASE"), ("decrease in anti - fibrotic", "DISEASE"), ("quibbleosis", "DISEASE"),
             ("feeling nauseous", "DISEASE")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon())
    assert [t.text for t in lexicon_nlp(text)][8:12] == ["in", "anti", "-", "fibrotic"]
    assert model_mentions(recognizer, lexicon_nlp(text)) == ["quibbleosis", "feeling nauseous"]


def test_nlp_trained_ner_species_after_an_abbreviated_genus_is_no_drug(lexicon_nlp):
    # PMC (CC BY): "groups of bacteria (e.g. C. coccoides) that were responsible for the production of butyrate"
    text = "Groups of bacteria (e.g. C. coccoides) and zorvantinib were counted."
    spans = [("coccoides", "DRUG"), ("zorvantinib", "DRUG")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon())
    assert model_mentions(recognizer, lexicon_nlp(text)) == ["zorvantinib"]


def test_nlp_trained_ner_acronym_a_study_word_follows_names_the_study_everywhere(lexicon_nlp):
    # PMC (CC BY): "The present study which acronyms is NUTRAOLEUM, ..." and "The NUTRAOLEUM study has been designed"
    # and "In the SCarlet RoAD trial, we assessed the efficacy and safety of gantenerumab"
    text = ("The study acronym is QUIBBLE, with ZORV. The QUIBBLE study gave ZORV to 40 patients. "
            "RoAD ended; the SCarlet RoAD trial did too.")
    spans = [("QUIBBLE", "DISEASE"), ("ZORV", "DRUG"), ("RoAD", "DRUG")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon(), study_words={"study", "trial"})
    assert model_mentions(recognizer, lexicon_nlp(text)) == ["ZORV", "ZORV"]


def test_nlp_trained_ner_acronyms_joined_by_a_hyphen_are_one_code(short_form_nlp):
    # PMC (CC BY): "the regression discontinuity intention-to-treat (RD-ITT) effect"; "the experimental drug CXDT-HFG"
    text = "The RD-ITT effect of CXDT-HFG and of QX-ZR was small; RD was not. Measure of Care (MOC) and MOC-SP."
    spans = [("RD", "DISEASE"), ("HFG", "DRUG"), ("QX", "DRUG"), ("SP", "DRUG")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon())
    assert model_mentions(recognizer, short_form_nlp(text)) == ["CXDT-HFG", "QX-ZR", "RD"]


def test_nlp_trained_ner_model_span_leaves_out_the_unit_letter_before_it(lexicon_nlp):
    # PMC (CC BY): "standard solutions ... made by mixing ... of 250 mmol/L H2O2"; the model read "L zorvantinib"
    text = "Solutions of 250 mmol/L zorvantinib were mixed."
    recognizer = TrainedRecognizer(stand_in_model([("L zorvantinib", "DRUG")]), load_lexicon())
    assert model_mentions(recognizer, lexicon_nlp(text)) == ["zorvantinib"]


def test_nlp_trained_ner_disease_span_holding_an_analytes_short_form_is_no_disease(short_form_nlp):
    # PMC (CC BY): "No significant changes in TG or HDL levels were observed" were an adverse event; a body part's
    # short form stays ("gastrointestinal (GI) disturbances such as diarrhea, flatulence")
    text = ("Serum triglycerides (TG) fell. No changes in TG were seen. Gastrointestinal (GI) disturbances occurred, "
            "and GI quibbleosis.")
    spans = [("changes in TG", "DISEASE"), ("GI quibbleosis", "DISEASE")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon(), analytes=AnalytePhrases.load())
    assert model_mentions(recognizer, short_form_nlp(text)) == ["GI quibbleosis"]


def test_nlp_trained_ner_disease_span_ending_with_an_instrument_word_is_no_disease(lexicon_nlp):
    # PMC (CC BY): "the Arrowhead agility test" was an adverse event
    text = "Agility was measured by the Arrowhead agility test; quibbleosis occurred."
    spans = [("Arrowhead agility test", "DISEASE"), ("quibbleosis", "DISEASE")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon(), instrument_words={"test", "scale"})
    assert model_mentions(recognizer, lexicon_nlp(text)) == ["quibbleosis"]


def test_nlp_trained_ner_primer_sequences_and_table_numbers_are_no_part_of_a_mention(lexicon_nlp):
    # PMC (CC BY): a table of primer sequences ("AAGCGGCAACCAAATCTATG11360R") and of pathways
    # ("Leishmania infection86312.70 %0.000"), read as a drug and as "infection86312.70"
    text = "Primer AAGCGGCAACCAAATCTATG11360R was used. Quibbleosis infection86312.70 %0.000 was listed."
    spans = [("AAGCGGCAACCAAATCTATG11360R", "DRUG"), ("Quibbleosis infection 86312.70", "DISEASE")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon())
    assert model_mentions(recognizer, lexicon_nlp(text)) == ["Quibbleosis infection"]


def test_nlp_trained_ner_short_form_whose_long_form_ends_outside_a_disease_is_no_disease(short_form_nlp):
    # PMC (CC BY): "ejection fraction (EF), stroke work (SW) and cardiac output (CO) were calculated"; SW was an
    # adverse event, its long form holding the disease "stroke"
    text = "Ejection fraction (EF) and stroke work (SW) were calculated. SW fell; quibbleosis (QBS) rose and QBS waned."
    spans = [("SW", "DISEASE"), ("quibbleosis", "DISEASE")]
    recognizer = TrainedRecognizer(stand_in_model(spans), load_lexicon())
    assert model_mentions(recognizer, short_form_nlp(text)) == ["quibbleosis", "QBS", "QBS"]
