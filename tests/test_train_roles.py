"""The adverse-event-versus-condition model trained end to end on the tiny corpora of tests/fixtures/train."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.nlp.event_roles import load_role_model
from pipeline.train.corpora import split_of
from pipeline.train.roles import gold_texts, train_roles

CORPORA = Path(__file__).parent / "fixtures" / "train"


def test_train_roles_reads_ade_effect_sentences_and_tac_sections_but_no_dev_text():
    texts = gold_texts(CORPORA)
    assert {t.corpus for t in texts} == {"ade", "tac"}
    assert all(t.split in ("train", "valid") for t in texts)
    assert all(any(label == "DISEASE" for *_, label in t.spans) for t in texts if t.corpus == "ade")


def test_train_roles_fits_saves_and_reloads_a_model(tmp_path):
    record = train_roles(CORPORA, tmp_path / "roles.json.gz")
    model = load_role_model(tmp_path / "roles.json.gz")
    train = record["examples"]["train"]
    assert 0 < train["adverse_event"] < train["all"]
    assert model.threshold == record["threshold"] and model.weights
    assert any(name.startswith("cue_role=") for name in model.weights)


def test_train_roles_leaves_out_the_tac_labels_of_the_held_out_fold():
    (label,) = {t.group for t in gold_texts(CORPORA) if t.corpus == "tac"}
    fold = next(k for k in range(5) if split_of("tac", label, dev_fold=k) == "dev")
    assert not [t for t in gold_texts(CORPORA, tac_dev_fold=fold) if t.corpus == "tac"]


def test_train_roles_reads_mentions_of_the_given_ner_model(tmp_path):
    with pytest.raises(FileNotFoundError, match="no trained NER pipeline"):
        train_roles(CORPORA, tmp_path / "roles.json.gz", ner_model_dir=tmp_path / "no_model")
