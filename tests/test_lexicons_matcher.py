"""The built lexicon (models/lexicons): identifiers, synonyms, noise filtering and token matching."""

from pathlib import Path

import pytest
import spacy
from scispacy.custom_tokenizer import combined_rule_tokenizer

from pipeline.lexicons import Lexicon

SEED_ARTICLE = Path(__file__).resolve().parents[1] / "corpus" / "seeds" / "002_1350d4869f79fc29.txt"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load()


@pytest.fixture(scope="module")
def tokenizer():
    nlp = spacy.blank("en")
    nlp.tokenizer = combined_rule_tokenizer(nlp)
    return nlp


def matched(lexicon: Lexicon, tokenizer, text: str) -> list[tuple[str, str, str]]:
    doc = tokenizer(text)
    matches = lexicon.match([t.text for t in doc], [bool(t.whitespace_) for t in doc])
    return [(doc[m.start:m.end].text, m.concept.label, m.concept.name) for m in matches]


def test_lexicons_lookup_brand_name_resolves_to_generic_with_identifiers(lexicon):
    (concept,) = lexicon.lookup("Nexavar")
    assert concept.name == "sorafenib" and concept.label == "DRUG"
    assert concept.curies[:2] == ("MESH:D000077157", "DRUGBANK:DB00398")
    assert concept.id == "MESH:D000077157"
    assert lexicon.lookup("MESH:D000077157") == [concept]
    assert lexicon.lookup("BAY 43-9006") == [concept]


def test_lexicons_lookup_code_name_resolves_to_pembrolizumab(lexicon):
    (concept,) = lexicon.lookup("MK-3475")
    assert concept.name == "pembrolizumab"
    assert "DRUGBANK:DB09037" in concept.curies and "UNII:DPT0O3T46P" in concept.curies
    assert lexicon.lookup("Keytruda") == [concept]


def test_lexicons_interleukin_21_spellings_are_one_concept(lexicon):
    spellings = ["IL-21", "IL 21", "IL21", "rIL-21", "interleukin-21", "interleukin 21",
                 "recombinant human interleukin-21", "recombinant interleukin 21"]
    concepts = {lexicon.lookup(spelling)[0] for spelling in spellings}
    assert len(concepts) == 1
    (concept,) = concepts
    assert concept.label == "DRUG" and concept.id == "MESH:D000098546"


def test_lexicons_match_british_spellings_name_the_american_concept(lexicon, tokenizer):
    pairs = [("leucocytosis", "leukocytosis"), ("ischaemic heart disease", "ischemic heart disease"),
             ("hypomagnesaemia", "hypomagnesemia"), ("magnesium sulphate", "magnesium sulfate"), ("oedema", "edema"),
             ("neutropaenia", "neutropenia")]
    for british, american in pairs:
        found, expected = matched(lexicon, tokenizer, british), matched(lexicon, tokenizer, american)
        assert len(found) == 1 and [(f[1], f[2]) for f in found] == [(e[1], e[2]) for e in expected], british
        assert lexicon.lookup(british) == lexicon.lookup(american)
    assert matched(lexicon, tokenizer, "The lesion was localised.") == []  # "localized" is a common word


def test_lexicons_match_no_disease_for_mesh_descriptors_of_other_trees(lexicon, tokenizer):
    assert matched(lexicon, tokenizer, "Peer review and exploratory behaviour") == []
    assert [m[1] for m in matched(lexicon, tokenizer, "aggression and attempted suicide")] == ["DISEASE", "DISEASE"]


def test_lexicons_virus_name_names_its_infection_as_a_curated_synonym(lexicon, tokenizer):
    # curated/disease_synonyms.tsv: "SARS-CoV-2" is COVID-19, one concept with "SARS-CoV-2 infection"
    found = matched(lexicon, tokenizer, "Tested for SARS-CoV-2; SARS-CoV-2 infection and COVID-19 were seen.")
    assert [(text, name) for text, _, name in found] == [
        ("SARS-CoV-2", "COVID-19"), ("SARS-CoV-2 infection", "COVID-19"), ("COVID-19", "COVID-19")]
    # the virus of 2003 names its disease
    assert [name for _, _, name in matched(lexicon, tokenizer, "IgG against SARS-CoV was found.")] == [
        "severe acute respiratory syndrome"]


def test_lexicons_fatigue_is_a_ctcae_disease_with_meddra_code(lexicon):
    concept = lexicon.lookup("fatigue")[0]
    assert concept.label == "DISEASE"
    assert concept.meddra == "MEDDRA:10016256"
    assert concept.curies[0].startswith("MESH:")


def test_lexicons_renal_cell_carcinoma_has_mesh_and_ontology_ids(lexicon):
    concept = lexicon.lookup("renal cell carcinoma")[0]
    assert concept.label == "DISEASE"
    assert concept.curies[:2] == ("MESH:D002292", "DOID:4450")
    assert lexicon.lookup("RCC")[0] == concept


def test_lexicons_endpoint_and_its_abbreviation_share_a_concept(lexicon):
    (full,) = lexicon.lookup("progression-free survival")
    assert full.label == "ENDPOINT" and full.id == "MESH:D000077982"
    assert lexicon.lookup("PFS") == [full]
    assert lexicon.lookup("Cmax")[0].name == "maximum plasma concentration"
    assert lexicon.lookup("t1/2")[0].name == "elimination half-life"


@pytest.mark.parametrize("word", ["ALT", "AST", "VEGF", "CD25", "creatinine", "all", "was", "same", "today",
                                  "ed", "arm", "cycle", "dose", "mg"])
def test_lexicons_noise_words_are_not_drugs(lexicon, word):
    assert not [c for c in lexicon.lookup(word) if c.label == "DRUG"]


def test_lexicons_no_disease_in_pain_relief_feces_or_surgical_margins(lexicon, tokenizer):
    # full-text trials of the unlabeled corpus: analgesia was pain agnosia, "fecal" a symptom, excision margins a
    # condition; the whole terms stay
    found = matched(lexicon, tokenizer, "Patient-controlled analgesia, fecal samples and surgical margins of 1 cm; "
                                        "fecal incontinence.")
    assert [text for text, _, _ in found] == ["fecal incontinence"]


def test_lexicons_short_acronyms_match_in_exact_case_only(lexicon, tokenizer):
    found = matched(lexicon, tokenizer, "Children with ALL were all treated; OS was longer and the os was intact.")
    assert found == [("ALL", "DISEASE", "acute lymphoblastic leukemia"), ("OS", "ENDPOINT", "overall survival")]


def test_lexicons_match_seed_article_sentence_with_exact_token_spans(lexicon, tokenizer):
    sentence = next(line for line in SEED_ARTICLE.read_text(encoding="utf-8").splitlines()
                    if line.startswith("Results: In phase 1 (n = 19)"))
    doc = tokenizer(sentence)
    matches = lexicon.match([t.text for t in doc], [bool(t.whitespace_) for t in doc])
    spans = [(m.start, m.end, doc[m.start:m.end].text, m.concept.label) for m in matches]
    assert spans[:6] == [
        (12, 15, "maximum tolerated dose", "ENDPOINT"),
        (16, 17, "IL-21", "DRUG"),
        (22, 23, "sorafenib", "DRUG"),
        (32, 34, "skin rash", "DISEASE"),
        (37, 39, "dose-limiting toxicity", "ENDPOINT"),
        (66, 69, "objective response rate", "ENDPOINT"),
    ]
    assert (109, 111, "progression-free survival", "ENDPOINT") in spans
    assert not [span for span in spans if span[2] in {"grade 3", "grade 1", "dose", "phase"}]


def test_lexicons_match_unifies_spaced_and_hyphenated_biologic_names(lexicon, tokenizer):
    found = matched(lexicon, tokenizer, "We gave recombinant Interleukin 21 (IL-21), then IL 21 and rIL-21 with "
                                        "VEGFR-TKIs; ALT and VEGF rose.")
    assert found == [
        ("recombinant Interleukin 21", "DRUG", "interleukin-21"),
        ("IL-21", "DRUG", "interleukin-21"),
        ("IL 21", "DRUG", "interleukin-21"),
        ("rIL-21", "DRUG", "interleukin-21"),
        ("VEGFR-TKIs", "DRUG_CLASS", "VEGFR tyrosine kinase inhibitor"),
    ]


def test_lexicons_match_joins_a_word_written_apart_or_hyphenated(lexicon, tokenizer):
    # curated/word_parts.txt: "hyper" may join the next word; a hyphen between two pieces joins them too
    found = matched(lexicon, tokenizer, "Late ovarian hyper stimulation syndrome and venous thrombo-embolism occurred.")
    assert [(text, name.lower()) for text, _, name in found] == [
        ("ovarian hyper stimulation syndrome", "ovarian hyperstimulation syndrome"),
        ("venous thrombo-embolism", "venous thromboembolism"),
    ]
    # a word part joins only into a term: "hyper" and "anti" before other words match nothing new
    assert matched(lexicon, tokenizer, "The hyper group and the anti group.") == []


def test_lexicons_match_no_acronym_across_capital_letters_written_apart(lexicon, tokenizer):
    # a table header of the unlabeled corpus (PMC3517358): "N M SD" is count, mean and SD, not MSD (mucosulfatidosis)
    assert matched(lexicon, tokenizer, "Score N M SD N M SD") == []
    assert matched(lexicon, tokenizer, "Score (M±SD) was 3.") == []  # one token, a sign between the letters
    assert [name for _, _, name in matched(lexicon, tokenizer, "Two had MSD.")] == ["mucosulfatidosis"]


def test_lexicons_match_no_one_word_term_read_from_two_words_or_a_lower_case_code_apart(lexicon, tokenizer):
    # full-text trial reports (PMC, CC BY): "all I" is no Alli (orlistat), though "all" opens "all-trans retinoic
    # acid"; a table's "ns 2" (not significant) is no NS2 (reproxalap); "IL 21" still names interleukin-21
    assert matched(lexicon, tokenizer, "It was suggested that all I-CVI should be high; ns 2 ns.") == []
    assert [name for _, _, name in matched(lexicon, tokenizer, "She took Alli and IL 21.")] == [
        "orlistat", "interleukin-21"]
    # longer words, or a capital letter before a word, may be one word written apart
    assert [name for _, _, name in matched(lexicon, tokenizer, "One still birth; C max was high.")] == [
        "stillbirth", "maximum plasma concentration"]


def test_lexicons_match_never_begins_or_ends_with_a_function_word(lexicon, tokenizer):
    # term keys ignore spaces: "the in" folds to the caffeine synonym "thein", "at 10" to the brand "AT 10"
    assert [c.name for c in lexicon.lookup("thein")] == ["caffeine"]
    assert [c.name for c in lexicon.lookup("AT 10")] == ["dihydrotachysterol"]
    found = matched(lexicon, tokenizer, "The in vitro rise was seen at 10 min in the arm in which caffeine was given.")
    assert found == [("caffeine", "DRUG", "caffeine")]


def test_lexicons_stop_terms_keep_the_case_of_acronyms():
    from pipeline.lexicons.sources import StopTerms

    stop_terms = StopTerms.load()
    assert "RECIST" in stop_terms and "sleep" in stop_terms and "Sleep" in stop_terms
    assert "ALL" not in stop_terms  # acute lymphoblastic leukemia, though "all" is a stop word
    assert "death" not in stop_terms  # annotated as a disease or adverse event in all three gold corpora


def test_lexicons_concept_named_by_the_words_comes_before_one_listing_them_as_a_synonym(lexicon, tokenizer):
    # MONDO's "pregnancy disorder with abortive outcome" lists stillbirth among its synonyms; SYMP names it
    assert [c.name for c in lexicon.lookup("Stillbirth")][:2] == ["stillbirth", "pregnancy disorder with abortive outcome"]
    assert matched(lexicon, tokenizer, "Low birth weight was as common in both groups.")[0] == (
        "Low birth weight", "DISEASE", "low birth weight")


def test_lexicons_antihistamine_class_in_its_adjective_plural(lexicon):
    # corpus/seeds/002: "after pre-medication with antihistaminics and acetaminophen"
    first = lexicon.lookup("antihistaminics")[0]
    assert (first.label, first.id) == ("DRUG_CLASS", "MESH:D006633")
    assert lexicon.lookup("given name Dale") == [] and lexicon.lookup("Dale") == []


def test_lexicons_common_word_filter_spares_curated_substances(lexicon):
    # "iron" and "zinc" are common English words the build drops from the sources; curated rows bring them
    # back as the substances given in trials (iron supplementation). "alcohol" stays out: in trial reports it is
    # a behaviour ("alcohol intake" among lifestyle factors), which as a drug became a harm's cause
    assert not [c for c in lexicon.lookup("alcohol") if c.label == "DRUG"]
    assert [c.name for c in lexicon.lookup("iron") if c.label == "DRUG"] == ["iron"]
    assert [c.name for c in lexicon.lookup("zinc") if c.label == "DRUG"] == ["zinc"]
    assert [c.curies[0] for c in lexicon.lookup("IFN") if c.label == "DRUG"] == ["MESH:D007372"]
    assert not [c for c in lexicon.lookup("gold") if c.label == "DRUG"]  # "gold standard": still filtered


def test_lexicons_match_no_disease_characteristic_or_everyday_verb(lexicon, tokenizer):
    # full-text trial report PMC2987759 (unlabeled corpus): MONDO's "disseminated", HP's "arranging" (atypical sorting)
    assert matched(lexicon, tokenizer, "Members disseminated stories and were arranging transports.") == []
    assert matched(lexicon, tokenizer, "Baseline disease characteristic was summarized.") == []
    assert [m[1] for m in matched(lexicon, tokenizer, "disseminated intravascular coagulation")] == ["DISEASE"]


def test_lexicons_matcher_ingredients_of_a_fixed_dose_combination(lexicon):
    def ingredients(name: str) -> list[str]:
        concept = next(c for c in lexicon.lookup(name) if c.label == "DRUG")
        return [c.name for c in lexicon.ingredients(concept)]

    assert ingredients("Kaletra") == ["lopinavir", "ritonavir"]
    assert ingredients("Combivir") == ["lamivudine", "zidovudine"]
    # "co-trimoxazole" names no drug, the concept with its identifier does ("trimethoprim/sulfamethoxazole")
    assert ingredients("cotrimoxazole") == ["trimethoprim", "sulfamethoxazole"]
    assert ingredients("sorafenib") == []
