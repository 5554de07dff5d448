"""`trialgraph train` end to end on a tiny slice of the three gold corpora (tests/fixtures/train)."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main

CORPORA = Path(__file__).parent / "fixtures" / "train"
TINY = {"training.max_epochs": 2, "training.eval_frequency": 4, "components.tok2vec.model.encode.width": 32,
        "training.batcher.size.start": 200, "pretraining.max_epochs": 2}


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, dict]:
    from pipeline.train.ner import train_ner

    root = tmp_path_factory.mktemp("ner")
    record = train_ner(CORPORA, root / "model", root / "work", overrides=TINY)
    return root, record


def test_train_ner_packages_a_loadable_pipeline_with_both_labels(trained):
    from pipeline.nlp.trained_ner import load_model

    root, _ = trained
    model = load_model(root / "model")
    assert model.pipe_names == ["tok2vec", "ner"]
    assert set(model.get_pipe("ner").labels) == {"DRUG", "DISEASE"}


def test_train_ner_records_data_versions_seed_and_counts(trained):
    root, record = trained
    assert json.loads((root / "training.json").read_text()) == record
    assert record["seed"] == 0 and record["labels"] == ["DRUG", "DISEASE"]
    tac = (CORPORA / "tac2017_adr" / "train_xml" / "ADREVIEW.xml").read_bytes()
    assert record["sources"]["tac2017_adr/train_xml/ADREVIEW.xml"] == hashlib.sha256(tac).hexdigest()[:16]
    assert record["texts"]["train/ade"]["texts"] == 12 and record["texts"]["dev/bc5cdr"]["texts"] == 1
    assert record["overrides"]["training.max_epochs"] == 2
    assert record["texts"]["unlabeled"]["ade_negative"] == 11 and record["texts"]["unlabeled"]["words"] > 500
    assert record["pretraining"]["epochs"] == 2 and record["pretraining"]["words_seen"] > 1000


def test_train_ner_starts_from_the_pretrained_tok2vec(trained):
    from spacy.util import load_config

    root, _ = trained
    initialized_with = load_config(root / "model" / "config.cfg", interpolate=True)["initialize"]["init_tok2vec"]
    assert Path(initialized_with) == root / "work" / "pretraining" / "model-last.bin"
    assert Path(initialized_with).stat().st_size > 0


def test_train_ner_pretrained_start_changes_the_trained_tok2vec(trained, tmp_path):
    from pipeline.train.ner import train_ner

    root, _ = trained
    record = train_ner(CORPORA, tmp_path / "model", tmp_path / "work", overrides={**TINY, "pretraining.max_epochs": 0})
    assert record["pretraining"] is None and "unlabeled" not in record["texts"]
    pretrained = (root / "model" / "tok2vec" / "model").read_bytes()
    assert (tmp_path / "model" / "tok2vec" / "model").read_bytes() != pretrained


def test_train_ner_examples_carry_the_lexicon_tags_the_model_reads(trained):
    import spacy

    from pipeline.train.docbins import lexicon_tagged_corpus

    root, _ = trained
    examples = list(lexicon_tagged_corpus(root / "work" / "corpus" / "train.spacy")(spacy.blank("en")))
    predicted = [t.tag_ for eg in examples for t in eg.predicted]
    assert predicted == [t.tag_ for eg in examples for t in eg.reference]
    assert "B-DRUG" in predicted and "B-DISEASE" in predicted and "O" in predicted
    assert not any(eg.predicted.has_annotation("ENT_IOB") for eg in examples)  # the gold stays gold


def test_train_ner_lexicon_dropout_hides_whole_matches_in_the_predicted_docs_only(trained):
    import spacy

    from pipeline.train.docbins import lexicon_tagged_corpus

    root, _ = trained
    path = root / "work" / "corpus" / "train.spacy"

    def tags(dropout, seed=0):
        examples = list(lexicon_tagged_corpus(path, lexicon_dropout=dropout, seed=seed)(spacy.blank("en")))
        return [[t.tag_ for t in eg.predicted] for eg in examples], [[t.tag_ for t in eg.reference] for eg in examples]

    hidden, reference = tags(0.5)
    assert hidden == tags(0.5)[0] != tags(0.5, seed=1)[0]  # drawn from the seed
    assert tags(0.0)[0] == reference
    shown = [h for doc, ref in zip(hidden, reference) for h, r in zip(doc, ref) if r != "O"]
    assert "O" in shown and any(tag != "O" for tag in shown)
    for doc, ref in zip(hidden, reference):  # a match is hidden whole: its I- tags go with its B- tag
        for i, (h, r) in enumerate(zip(doc, ref)):
            if r.startswith("I-"):
                assert (h == "O") == (doc[i - 1] == "O")
            assert h in ("O", r)
    with pytest.raises(ValueError, match="lexicon_dropout"):
        lexicon_tagged_corpus(path, lexicon_dropout=1.0)


def test_train_ner_is_reproducible_with_its_fixed_seed(trained, tmp_path):
    from pipeline.train.ner import train_ner

    root, _ = trained
    train_ner(CORPORA, tmp_path / "model", tmp_path / "work", overrides=TINY)
    first = (root / "model" / "ner" / "model").read_bytes()
    assert (tmp_path / "model" / "ner" / "model").read_bytes() == first


def test_train_ner_trained_component_runs_in_the_pipeline(trained):
    from pipeline.nlp.language import build_nlp

    root, _ = trained
    nlp = build_nlp(components=("trialgraph_sentences", "trialgraph_lexicon"))
    nlp.add_pipe("trialgraph_trained_ner", config={"model_dir": str(root / "model")})
    doc = nlp("Intravenous azithromycin-induced ototoxicity.")
    drug = next(e for e in doc.ents if e.text == "azithromycin")  # the lexicon's match, kept or confirmed
    assert drug.label_ == "DRUG" and drug._.norm


@pytest.fixture(scope="module")
def trained_with_vectors(tmp_path_factory) -> tuple[Path, Path, dict]:
    """A tiny NER trained with static vectors: a table of tests/fixtures/vectors made by `train_vectors`."""
    from pipeline.train.ner import train_ner
    from pipeline.train.vectors import VectorSettings, train_vectors

    root = tmp_path_factory.mktemp("ner_vectors")
    train_vectors(None, root / "table", root / "vectors_work", VectorSettings(dim=16, epochs=1, min_count=1),
                  texts=[Path(__file__).parent / "fixtures" / "vectors" / "unlabeled.txt"])
    overrides = {**TINY, "pretraining.max_epochs": 1, "paths.vectors": str(root / "table"),
                 "components.tok2vec.model.embed.include_static_vectors": True}
    return root, root / "table", train_ner(CORPORA, root / "model", root / "work", overrides=overrides)


def test_train_ner_packaged_model_reads_the_vectors_table_it_was_trained_with(trained_with_vectors, tmp_path):
    import spacy

    from pipeline.errors import ModelMissingError
    from pipeline.nlp.trained_ner import attach_vectors, load_model

    root, table, record = trained_with_vectors
    assert record["vectors"]["table"] == "table" and record["vectors"]["rows"] == spacy.load(table).vocab.vectors.shape[0]
    assert not (root / "model" / "vocab" / "vectors").exists()  # not a second copy of the table
    model = load_model(root / "model", table)
    assert model.vocab.vectors.shape == (record["vectors"]["rows"], 16)
    saved = tmp_path / "saved"
    model.to_disk(saved)  # a saved pipeline carries the table: it loads without it
    attach_vectors(reloaded := spacy.load(saved), saved, tmp_path / "nowhere")
    assert reloaded.vocab.vectors.shape == model.vocab.vectors.shape
    with pytest.raises(ModelMissingError, match="train vectors"):
        attach_vectors(spacy.load(root / "model"), root / "model", tmp_path / "nowhere")
    other = tmp_path / "other"
    shutil.copytree(table, other)
    meta = json.loads((other / "meta.json").read_text())
    (other / "meta.json").write_text(json.dumps({**meta, "vectors": {**meta["vectors"], "name": "another"}}))
    with pytest.raises(ModelMissingError, match="not the one"):
        attach_vectors(spacy.load(root / "model"), root / "model", other)


def test_train_ner_model_with_vectors_runs_in_the_pipeline_and_gives_them_back(trained_with_vectors):
    from pipeline.nlp.language import build_nlp

    root, table, _ = trained_with_vectors
    nlp = build_nlp(components=("trialgraph_sentences", "trialgraph_lexicon"))
    nlp.add_pipe("trialgraph_trained_ner", config={"model_dir": str(root / "model"), "vectors_dir": str(table)})
    doc = nlp("Intravenous azithromycin-induced ototoxicity.")
    assert any(e.text == "azithromycin" and e.label_ == "DRUG" for e in doc.ents)
    assert nlp.vocab.vectors.shape[0] == 0  # lent to the Docs' vocabulary for the model's call, and taken back


def test_train_cli_without_corpora_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["train", "--corpora", str(tmp_path / "absent")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_train_cli_epoch_options_reach_the_training_record(tmp_path):
    args = ["train", "--corpora", str(CORPORA), "-o", str(tmp_path / "model"), "--work-dir", str(tmp_path / "work"),
            "--only", "ner", "--max-epochs", "1", "--pretraining-epochs", "0"]
    assert main(args) == 0
    record = json.loads((tmp_path / "training.json").read_text())
    assert record["overrides"] == {"training.max_epochs": 1, "pretraining.max_epochs": 0}
    assert record["pretraining"] is None and "ents_f" in record["valid_scores"]


def test_train_cli_ner_corpora_trains_and_records_the_chosen_corpora_only(tmp_path):
    args = ["train", "--corpora", str(CORPORA), "-o", str(tmp_path / "model"), "--work-dir", str(tmp_path / "work"),
            "--only", "ner", "--max-epochs", "1", "--pretraining-epochs", "0", "--ner-corpora", "tac, bc5cdr:2"]
    assert main(args) == 0
    record = json.loads((tmp_path / "training.json").read_text())
    assert record["corpora"] == {"bc5cdr": 2, "tac": 1}
    assert record["texts"]["train/bc5cdr"]["repeats"] == 2 and "repeats" not in record["texts"]["train/tac"]
    assert {key.split("/")[1] for key in record["texts"]} == {"bc5cdr", "tac"}
    assert not any(path.startswith("ade_corpus_v2/") for path in record["sources"])


def test_train_cli_unknown_ner_corpus_or_bad_repeat_is_a_usage_error(capsys):
    assert main(["train", "--corpora", str(CORPORA), "--ner-corpora", "cdr"]) == 2
    assert "choose among ade, bc5cdr, tac" in capsys.readouterr().err
    assert main(["train", "--corpora", str(CORPORA), "--ner-corpora", "ade:0"]) == 2
    assert "whole number above 0" in capsys.readouterr().err


def test_train_ner_with_a_floret_table_reads_it_back_and_runs(tmp_path):
    from pipeline.nlp.language import build_nlp
    from pipeline.nlp.trained_ner import load_model
    from pipeline.train.ner import train_ner
    from pipeline.train.vectors import VectorSettings, train_vectors

    train_vectors(None, tmp_path / "table", tmp_path / "vectors_work",
                  VectorSettings(method="floret", dim=16, epochs=1, min_count=1, bucket=1_000),
                  texts=[Path(__file__).parent / "fixtures" / "vectors" / "unlabeled.txt"])
    overrides = {**TINY, "pretraining.max_epochs": 1, "paths.vectors": str(tmp_path / "table"),
                 "components.tok2vec.model.embed.include_static_vectors": True}
    record = train_ner(CORPORA, tmp_path / "model", tmp_path / "work", overrides=overrides)
    assert record["vectors"]["rows"] == 1_000 and record["vectors"]["name"] == "trialgraph_floret"
    assert not (tmp_path / "model" / "vocab" / "vectors").exists()
    model = load_model(tmp_path / "model", tmp_path / "table")
    assert model.vocab.vectors.mode == "floret" and model.vocab.vectors.shape == (1_000, 16)
    nlp = build_nlp(components=("trialgraph_sentences", "trialgraph_lexicon"))
    nlp.add_pipe("trialgraph_trained_ner", config={"model_dir": str(tmp_path / "model"),
                                                   "vectors_dir": str(tmp_path / "table")})
    doc = nlp("Intravenous azithromycin-induced ototoxicity.")
    assert any(e.label_ == "DRUG" for e in doc.ents)
    assert nlp.vocab.vectors.shape[0] == 0


def test_train_cli_output_folder_gets_its_own_companion_models(tmp_path):
    import shutil

    from pipeline.resources import model_path

    shutil.copytree(model_path("ner/model"), tmp_path / "model")  # a NER in place, as `--only ner -o` leaves it
    committed = {name: model_path(name).read_bytes() for name in
                 ("ner/roles/event_role.json.gz", "ner/relations/has_adverse_event.json.gz")}
    for step in ("roles", "relations"):
        assert main(["train", "--corpora", str(CORPORA), "-o", str(tmp_path / "model"), "--only", step]) == 0
    assert (tmp_path / "roles" / "event_role.json.gz").exists()
    assert (tmp_path / "relations" / "has_adverse_event.json.gz").exists()
    assert {name: model_path(name).read_bytes() for name in committed} == committed  # models/ner left as it was
