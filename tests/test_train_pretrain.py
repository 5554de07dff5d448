"""The unlabeled texts of tok2vec pretraining (pipeline/train/pretrain.py), on the tiny corpora of tests/fixtures/train."""
from __future__ import annotations

import shutil
from pathlib import Path

import spacy

from pipeline.train.corpora import read_all, split_of
from pipeline.train.docbins import lexicon_tagged_corpus
from pipeline.train.pretrain import unlabeled_texts, write_unlabeled_docbin

CORPORA = Path(__file__).parent / "fixtures" / "train"
DEV_PMID = "102"  # md5 puts it in the dev fifth of ADE-Corpus-V2


def _corpora_with_extras(tmp_path: Path) -> Path:
    """The fixture corpora plus a negative sentence of a dev PMID and one Chia criteria file."""
    corpora = tmp_path / "corpora"
    shutil.copytree(CORPORA, corpora)
    negatives = corpora / "ade_corpus_v2" / "ADE-NEG.txt"
    negatives.write_text(negatives.read_text() + f"{DEV_PMID} NEG A dev sentence about aspirin and headache.\n")
    (corpora / "chia").mkdir()
    (corpora / "chia" / "NCT00000001_inc.txt").write_text("Age 18 years or older\nHistory of hepatitis B\n")
    return corpora


def test_train_pretrain_unlabeled_texts_hold_negatives_and_chia_but_no_dev_group(tmp_path):
    assert split_of("ade", DEV_PMID) == "dev"
    corpora = _corpora_with_extras(tmp_path)
    golds = read_all(corpora)
    texts = unlabeled_texts(corpora, golds)
    everything = [text for items in texts.values() for text in items]
    assert not any("dev sentence" in text for text in everything)
    assert not any(gold.text in everything for gold in golds if gold.split == "dev")
    assert "Two patients received blood products." in texts["ade_negative"]
    assert texts["chia"] == ["Age 18 years or older\nHistory of hepatitis B\n"]
    assert len(texts["ade"]) == sum(g.corpus == "ade" and g.split != "dev" for g in golds)


def test_train_pretrain_unlabeled_texts_of_a_subset_leave_out_ade_negatives(tmp_path):
    corpora = _corpora_with_extras(tmp_path)
    texts = unlabeled_texts(corpora, read_all(corpora, corpora=["bc5cdr", "tac"]))
    assert set(texts) == {"bc5cdr", "tac", "chia"}


def test_train_pretrain_docbin_keeps_lexicon_tags_one_doc_per_sentence(tmp_path):
    from pipeline.nlp.language import build_nlp

    tagging = build_nlp(components=("trialgraph_sentences", "abbreviation_detector", "trialgraph_lexicon"))
    texts = {"ade_negative": ["Oseltamivir was well tolerated. Two patients received blood products."]}
    counts = write_unlabeled_docbin(tagging, texts, tmp_path / "unlabeled.spacy")
    examples = list(lexicon_tagged_corpus(tmp_path / "unlabeled.spacy")(spacy.blank("en")))
    assert counts == {"ade_negative": 1, "words": 11}
    assert [eg.reference.text.strip() for eg in examples] == ["Oseltamivir was well tolerated.", "Two patients received blood products."]
    assert examples[0].predicted[0].tag_ == "B-DRUG" and examples[1].predicted[0].tag_ == "O"
