"""The one normaliser of mentions (pipeline/lexicons/concepts.py) over the shipped lexicon."""
import pytest

from pipeline.lexicons import load_normalizer
from pipeline.lexicons.concepts import canonical_id, display_name, singular
from pipeline.tables.events import normalize_event


@pytest.fixture(scope="module")
def normalizer():
    return load_normalizer()


def test_lexicons_concepts_every_wording_of_rash_is_one_preferred_term(normalizer):
    lexicon = normalizer.lexicon
    exanthem = next(c for c in lexicon.lookup("exanthem") if c.name == "exanthem")
    found = {normalizer.adverse_event([name]).id for name in ("rash", "Rash", "skin rash")}
    found.add(normalizer.adverse_event(["grade 3 skin rashes", "exanthem"], exanthem).id)
    found.add(normalize_event(normalizer, "Rash [†]").id)
    assert found == {"MEDDRA:10037844"}
    assert normalizer.adverse_event(["exanthem"], exanthem).name == "Rash"


def test_lexicons_concepts_names_are_meddra_preferred_terms(normalizer):
    names = {text: normalize_event(normalizer, text).name for text in (
        "Fever", "Pyrexia", "ALT high", "Elevated circulating alanine aminotransferase concentration",
        "Platelets low", "Flu like symptoms", "Diarrhea")}
    assert names == {
        "Fever": "Pyrexia", "Pyrexia": "Pyrexia", "ALT high": "Alanine aminotransferase increased",
        "Elevated circulating alanine aminotransferase concentration": "Alanine aminotransferase increased",
        "Platelets low": "Platelet count decreased", "Flu like symptoms": "Influenza like illness",
        "Diarrhea": "Diarrhoea"}
    # two preferred terms stay two, whatever synonym the lexicon gives them
    assert normalize_event(normalizer, "Platelet count decreased").id != normalize_event(normalizer, "Thrombocytopenia").id


def test_lexicons_concepts_cross_referenced_mesh_ids_never_merge_events(normalizer):
    # HPO's "Acute hepatitis" cites MeSH "Liver Failure, Acute": hepatitis is not liver failure
    assert normalize_event(normalizer, "Acute hepatitis").name != normalize_event(normalizer, "Acute liver failure").name
    # a MeSH heading still joins the preferred term of the concepts that cite it
    assert normalize_event(normalizer, "Hand-foot syndrome").name == "Palmar-plantar erythrodysaesthesia syndrome"


def test_lexicons_concepts_registry_terms_are_never_renamed_or_merged(normalizer):
    assert normalizer.registry_event("PYREXIA").name == "Pyrexia"
    lobar, pneumonia = normalizer.registry_event("Lobar pneumonia"), normalizer.registry_event("Pneumonia")
    assert (lobar.name, lobar.curies) == ("Lobar pneumonia", ())
    assert pneumonia.id == "MEDDRA:10035664" and lobar.id != pneumonia.id
    assert normalizer.registry_event("Iron overload").name == "Iron overload"
    assert normalizer.registry_event("Cardiac failure").id != normalizer.registry_event("Cardiac failure congestive").id
    # a term no preferred term names is the lexicon disease of that own name, in either spelling, as text mentions are
    leukaemia = normalizer.registry_event("Leukaemia")
    assert leukaemia.id == normalizer.registry_event("Leukemia").id == "MESH:D007938" and "DOID:1240" in leukaemia.curies


def test_lexicons_concepts_generic_words_name_no_event(normalizer):
    for text in ("toxicities", "serious adverse events", "dermatologic and gastrointestinal symptoms",
                 "grade 3 or higher AEs", "neoplasms", "Unrelated adverse events"):
        assert normalizer.is_generic_event(text), text
    for text in ("Mazzotti reactions", "infusion reactions", "flu-like symptoms", "hepatic toxicity", "rash"):
        assert not normalizer.is_generic_event(text), text


def test_lexicons_concepts_canonical_ids_and_names():
    assert canonical_id("DRUG", ["DRUGBANK:DB00495", "UNII:4B9XT59T7S", "MESH:D015215"]) == "MESH:D015215"
    assert canonical_id("CONDITION", ["NCIT:C1", "MONDO:2", "DOID:3"]) == "MONDO:2"
    assert canonical_id("ADVERSE_EVENT", ["MESH:D1", "MEDDRA:10037844"]) == "MEDDRA:10037844"
    assert canonical_id("DRUG", []) is None
    assert (display_name("PYREXIA"), display_name("diarrhea"), display_name("ALT")) == ("Pyrexia", "Diarrhea", "ALT")
    assert (singular("Mazzotti reactions"), singular("skin rashes"), singular("Pruritus")) == (
        "Mazzotti reaction", "skin rash", None)


def test_lexicons_concepts_a_staged_condition_is_the_condition_without_its_stage(normalizer):
    from pipeline.lexicons.concepts import ConditionQualifiers, qualifier_count, unstaged_condition
    from pipeline.tables.registry import registered_condition_concept

    lexicon = normalizer.lexicon
    stage = ConditionQualifiers.load().stage
    assert qualifier_count("metastatic renal cell carcinoma".split(), stage) == 1
    assert qualifier_count("relapsed or refractory multiple myeloma".split(), stage) == 3
    assert qualifier_count(["relapsed", "or", "myeloma"], stage) == 1  # "or" alone qualifies nothing
    assert qualifier_count(["metastatic"], stage) == 0  # a name keeps one word
    # "primary" opens names of diseases of their own: it is no stage
    assert qualifier_count("primary biliary cirrhosis".split(), stage) == 0
    assert qualifier_count("primary biliary cirrhosis".split(), ConditionQualifiers.load().any) == 1
    # NCIt's pre-coordinated "Metastatic Renal Cell Carcinoma" has no MeSH heading: it is renal cell carcinoma,
    # its own identifier kept after as a cross-reference
    staged = next(c for c in lexicon.lookup("metastatic renal cell carcinoma") if c.label == "DISEASE")
    assert not any(curie.startswith("MESH:") for curie in staged.curies)
    count, unstaged = unstaged_condition(lexicon, "metastatic renal cell carcinoma".split(), staged.curies, stage)
    assert count == 1
    plain = registered_condition_concept(lexicon, "Carcinoma, Renal Cell")
    assert canonical_id("CONDITION", unstaged.curies) == canonical_id("CONDITION", plain.curies) == "MESH:D002292"
    assert unstaged.curies[-len(staged.curies):] == staged.curies
    assert registered_condition_concept(lexicon, "Metastatic Renal Cell Carcinoma").curies == unstaged.curies
    # a staged name that MeSH heads on its own stays itself: refractory anemia is a myelodysplastic syndrome
    refractory = registered_condition_concept(lexicon, "Refractory Anemia")
    assert canonical_id("CONDITION", refractory.curies) != canonical_id(
        "CONDITION", registered_condition_concept(lexicon, "Anemia").curies)
    assert unstaged_condition(lexicon, "metastatic no such disease".split(), (), stage) is None
    assert unstaged_condition(lexicon, "renal cell carcinoma".split(), (), stage) is None  # no stage word


def test_lexicons_concepts_condition_qualifier_of_no_kind_reports_the_file_and_line(tmp_path):
    from pipeline.errors import RulesError
    from pipeline.lexicons.concepts import ConditionQualifiers

    path = tmp_path / "condition_qualifiers.tsv"
    path.write_text("word\tkind\nmetastatic\tstage\nprimary\tonset\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"condition_qualifiers.tsv:3.*neither stage nor name_part"):
        ConditionQualifiers.load(path)
