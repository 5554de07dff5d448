"""The adverse-event vocabulary: MedDRA preferred terms from TAC 2017 and CTCAE v5.0 (pipeline/lexicons/meddra.py)."""
from pipeline.lexicons.meddra import build_vocabulary, concept_terms
from pipeline.lexicons.normalize import term_key
from pipeline.lexicons.sources import CtcaeTerm, MeddraTerm

TAC = [
    MeddraTerm("10037660", "Pyrexia", "10037660", "Pyrexia"),
    MeddraTerm("10016558", "Fever", "10037660", "Pyrexia"),
    MeddraTerm("10012735", "Diarrhoea", "10012735", "Diarrhoea"),
    MeddraTerm("10037844", "Rash", "10037844", "Rash"),
    MeddraTerm("10043554", "Thrombocytopenia", "10043554", "Thrombocytopenia"),
    MeddraTerm("10035528", "Platelet count decreased", "10035528", "Platelet count decreased"),
]
CTCAE = [
    CtcaeTerm("10016558", "General disorders", "Fever", ("",) * 5, ""),
    CtcaeTerm("10012727", "Gastrointestinal disorders", "Diarrhea", ("",) * 5, ""),
    CtcaeTerm("10000081", "Gastrointestinal disorders", "Abdominal pain", ("",) * 5, ""),
    CtcaeTerm("10005329", "Blood disorders", "Blood and lymphatic system disorders - Other, specify", ("",) * 5, ""),
]


def test_lexicons_meddra_ctcae_terms_join_their_preferred_terms():
    vocabulary = build_vocabulary(TAC, CTCAE)
    by_name = {term.name: term for term in vocabulary.terms}
    # CTCAE "Fever" is a lowest level term of PT Pyrexia; "Diarrhea" names PT Diarrhoea by its spelling;
    # "Abdominal pain" is a PT of its own; the "Other, specify" rows are no term
    assert by_name["Pyrexia"].ctcae == "Fever" and by_name["Pyrexia"].soc == "General disorders"
    assert by_name["Diarrhoea"].ctcae == "Diarrhea"
    assert by_name["Abdominal pain"].code == "10000081"
    assert not any("Other, specify" in term.name for term in vocabulary.terms)
    pt = {key: vocabulary.terms[i].name for key, i in vocabulary.keys.items()}
    assert pt[term_key("fever")] == pt[term_key("PYREXIA")] == "Pyrexia"
    assert pt[term_key("diarrhea")] == "Diarrhoea" and vocabulary.terms[vocabulary.codes["10012727"]].name == "Diarrhoea"
    assert vocabulary.collisions == []


def test_lexicons_meddra_curated_word_form_names_its_preferred_term():
    import pytest

    tac = [*TAC, MeddraTerm("10011906", "Death", "10011906", "Death")]
    vocabulary = build_vocabulary(tac, CTCAE, [("died", "Death"), ("fatal", "death")])
    assert vocabulary.terms[vocabulary.keys[term_key("died")]].name == "Death"
    assert vocabulary.terms[vocabulary.keys[term_key("fatal")]].code == "10011906"
    with pytest.raises(ValueError, match="'perished' names 'Demise', which is no preferred term"):
        build_vocabulary(tac, CTCAE, [("perished", "Demise")])


def test_lexicons_meddra_concepts_map_by_name_code_terms_or_shared_mesh_never_to_two_terms():
    vocabulary = build_vocabulary(TAC, CTCAE)
    lexicon = {
        "concepts": [
            ["MESH:D005334", "DISEASE", "Fever", ["MESH:D005334"]],  # by name
            ["MESH:D013921", "DISEASE", "thrombocytopenia", ["MESH:D013921", "MEDDRA:10035528"]],  # name beats code
            ["MESH:D005076", "DISEASE", "exanthem", ["MESH:D005076", "DOID:0050486"]],  # by its one term "rash"
            ["MESH:D005076", "DISEASE", "eruption", ["MESH:D005076"]],  # by its MeSH heading, exanthem's
            ["HP:1", "DISEASE", "skin lesion", ["HP:1", "MESH:D005076"]],  # the same id, a cross-reference only
            ["X:1", "DISEASE", "mixed", ["X:1"]],  # its terms name two PTs: unmapped
            ["MESH:D000077157", "DRUG", "sorafenib", ["MESH:D000077157"]],
        ],
        "terms": {"fever": 0, "thrombocytopenia": 1, "plateletcountdecreased": 1, "exanthem": 2, "rash": 2,
                  "eruption": 3, "skinlesion": 4, "mixed": 5, "pyrexia": 5, "diarrhoea": 5, "sorafenib": 6},
    }
    mapped, counts, examples = concept_terms(lexicon, vocabulary)
    names = [vocabulary.terms[i].name if i >= 0 else None for i in mapped]
    assert names == ["Pyrexia", "Thrombocytopenia", "Rash", "Rash", None, None, None]
    assert counts == {"by_name": 2, "by_meddra_code": 0, "by_terms": 1, "by_mesh": 1, "ambiguous": 1, "none": 1}
    assert examples["ambiguous"] == ["mixed: Diarrhoea / Pyrexia"]
