"""The relation model trained end to end on the tiny ADE-Corpus-V2 slice of tests/fixtures/train."""
from __future__ import annotations

from pathlib import Path

from pipeline.nlp.word_classes import WordClasses
from pipeline.train.relations import read_ade_sentences

ADE = Path(__file__).parent / "fixtures" / "train" / "ade_corpus_v2"


def test_train_relations_reads_gold_pairs_and_negative_sentences():
    sentences = {s.text: s for s in read_ade_sentences(ADE)}
    assert sentences["Intravenous azithromycin-induced ototoxicity."].pairs == {("azithromycin", "ototoxicity")}
    negative = sentences["Two patients received blood products."]
    assert negative.negative and not negative.pairs
    assert not sentences["Taxane-induced glaucoma."].negative


def test_train_relations_fits_saves_and_reloads_a_model(tmp_path):
    from pipeline.nlp.trained_relations import load_relation_model
    from pipeline.train.relations import train_relations

    record = train_relations(ADE.parent, tmp_path / "rel.json.gz")
    model = load_relation_model(tmp_path / "rel.json.gz")
    assert model.threshold == record["threshold"] and 0.0 < model.threshold < 1.0
    assert record["candidates"]["train"]["gold"] > 0 and record["candidates"]["train"]["all"] > record["candidates"]["train"]["gold"]
    assert model.weights and all(isinstance(w, float) for w in model.weights.values())


def test_train_relations_labels_bc5cdr_candidates_by_induced_mesh_pairs(full_nlp):
    from pipeline.train.corpora import read_bc5cdr
    from pipeline.train.relations import induced_candidates

    abstracts = [a for a in read_bc5cdr(ADE.parent / "bc5cdr") if a.group in ("1147734", "11419773")]
    assert {a.group: a.induced for a in abstracts} == {"1147734": {("D011441", "D006521")},
                                                       "11419773": {("D002110", "D014693")}}
    labels = {}
    for abstract, features, induced in induced_candidates(full_nlp, abstracts, WordClasses({})):
        labels.setdefault(abstract.group, []).append(induced)
    # "Caffeine-induced cardiac arrhythmia" is a pair of the title, but the abstract's induced disease is the
    # ventricular fibrillation of its second sentence
    assert labels["11419773"] == [False, True]
    assert labels["1147734"] == [False]  # "Liver disease caused by propylthiouracil": the abstract's pair is hepatitis
