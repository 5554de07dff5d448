"""The adverse-event-versus-condition model trained end to end on the tiny corpora of tests/fixtures/train."""
from __future__ import annotations

from pathlib import Path

from pipeline.nlp.event_roles import load_role_model
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
