"""Gold corpora to training Docs: labels, document-level splits, partial annotation."""
from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from pipeline.train.corpora import (corpus_choice, read_ade, read_all, read_bc5cdr, read_tac, source_digests,
                                    split_of)

CORPORA = Path(__file__).parent / "fixtures" / "train"


def test_train_corpora_ade_locates_drugs_and_effects_in_their_sentence():
    golds = {g.text: g for g in read_ade(CORPORA / "ade_corpus_v2")}
    gold = golds["Intravenous azithromycin-induced ototoxicity."]
    assert sorted((gold.text[s:e], label) for s, e, label in gold.spans) == [
        ("azithromycin", "DRUG"), ("ototoxicity", "DISEASE")]
    assert gold.partial and gold.group == "10030778"


def test_train_corpora_ade_dose_lines_add_only_their_drug():
    golds = read_ade(CORPORA / "ade_corpus_v2")
    gold = next(g for g in golds if g.group == "10458196")
    assert [(gold.text[s:e], label) for s, e, label in gold.spans] == [("brimonidine", "DRUG")]


def test_train_corpora_bc5cdr_maps_chemical_and_disease_and_keeps_dev_file_apart():
    golds = {g.group: g for g in read_bc5cdr(CORPORA / "bc5cdr")}
    dev = golds["10565806"]
    assert dev.split == "dev" and not dev.partial
    assert [(dev.text[s:e], label) for s, e, label in dev.spans][:2] == [("Hypomania", "DISEASE"), ("olanzapine", "DRUG")]
    assert all(g.split in ("train", "valid") for key, g in golds.items() if key != "10565806")


def test_train_corpora_tac_reads_adverse_reactions_only():
    (gold,) = read_tac(CORPORA / "tac2017_adr" / "train_xml")
    found = [gold.text[s:e] for s, e, _ in gold.spans]
    assert found[:3] == ["hypersensitivity reactions", "dizziness", "rash"]
    assert "Serious" not in found  # a Severity mention
    assert gold.partial and gold.group == "ADREVIEW"


def test_train_corpora_groups_never_straddle_splits():
    splits = defaultdict(set)
    for gold in read_all(CORPORA):
        splits[(gold.corpus, gold.group)].add(gold.split)
    assert all(len(s) == 1 for s in splits.values())
    assert {s for (corpus, _), found in splits.items() for s in found} == {"train", "valid", "dev"}


def test_train_corpora_split_is_stable_and_respects_given_split():
    assert split_of("ade", "10030778") == split_of("ade", "10030778") == "train"
    assert split_of("bc5cdr", "10565806", "dev") == "dev"


def test_train_corpora_each_group_is_dev_in_exactly_one_cross_validation_fold():
    groups = [f"label{i}" for i in range(40)]
    for group in groups:
        assert [split_of("tac", group, dev_fold=k) for k in range(5)].count("dev") == 1
    assert [g for g in groups if split_of("tac", g, dev_fold=0) == "dev"] == [g for g in groups if split_of("tac", g) == "dev"]
    with pytest.raises(ValueError, match="dev_fold must be 0 to 4"):
        split_of("tac", "label0", dev_fold=5)


def test_train_corpora_tac_dev_fold_holds_out_the_labels_of_that_fifth():
    (gold,) = read_tac(CORPORA / "tac2017_adr" / "train_xml")
    fold = next(k for k in range(5) if split_of("tac", gold.group, dev_fold=k) == "dev")
    assert [g.split for g in read_tac(CORPORA / "tac2017_adr" / "train_xml", dev_fold=fold)] == ["dev"]
    others = {g.split for k in range(5) if k != fold for g in read_all(CORPORA, tac_dev_fold=k) if g.corpus == "tac"}
    assert others <= {"train", "valid"} and others


def test_train_corpora_missing_corpus_says_which():
    with pytest.raises(FileNotFoundError, match="bc5cdr"):
        read_all(CORPORA / "tac2017_adr")


def test_train_corpora_a_chosen_subset_needs_and_reads_only_its_folders(tmp_path):
    shutil.copytree(CORPORA / "bc5cdr", tmp_path / "bc5cdr")
    golds = read_all(tmp_path, corpora=["bc5cdr"])
    assert golds and {g.corpus for g in golds} == {"bc5cdr"}
    assert [g.group for g in golds] == [g.group for g in read_bc5cdr(CORPORA / "bc5cdr")]
    assert set(source_digests(tmp_path, ["bc5cdr"])) == {"bc5cdr/CDR_TrainingSet.PubTator.txt",
                                                         "bc5cdr/CDR_DevelopmentSet.PubTator.txt"}
    with pytest.raises(FileNotFoundError, match="ade_corpus_v2, tac2017_adr"):
        read_all(tmp_path)


def test_train_corpora_unknown_or_empty_choice_lists_the_names():
    with pytest.raises(ValueError, match="unknown corpus cdr: choose among ade, bc5cdr, tac"):
        read_all(CORPORA, corpora=["bc5cdr", "cdr"])
    with pytest.raises(ValueError, match="none given"):
        read_all(CORPORA, corpora=[])


def test_train_corpora_choice_reads_names_and_repeat_counts_in_corpus_order():
    assert corpus_choice("tac, bc5cdr:3,ade") == {"ade": 1, "bc5cdr": 3, "tac": 1}
    with pytest.raises(ValueError, match="whole number above 0"):
        corpus_choice("bc5cdr:two")


def test_train_corpora_source_digests_name_every_file():
    digests = source_digests(CORPORA)
    assert set(digests) == {"ade_corpus_v2/DRUG-AE.rel", "ade_corpus_v2/DRUG-DOSE.rel",
                            "bc5cdr/CDR_TrainingSet.PubTator.txt", "bc5cdr/CDR_DevelopmentSet.PubTator.txt",
                            "tac2017_adr/train_xml/ADREVIEW.xml"}
    assert all(len(d) == 16 for d in digests.values())


@pytest.fixture(scope="module")
def lexicon_nlp():
    from pipeline.nlp.language import build_nlp

    return build_nlp(components=("trialgraph_sentences", "trialgraph_lexicon"))


def test_train_docbins_unannotated_lexicon_match_is_unknown_in_partial_text(lexicon_nlp):
    from pipeline.train.docbins import gold_doc

    gold = next(g for g in read_ade(CORPORA / "ade_corpus_v2") if g.group == "10560960")
    doc = gold_doc(lexicon_nlp, gold)
    iob = {t.text: t.ent_iob_ for t in doc}
    assert [(e.text, e.label_) for e in doc.ents] == [("methimazole", "DRUG"), ("agranulocytosis", "DISEASE")]
    assert iob["thyrotoxicosis"] == ""  # a disease the corpus does not annotate: no lesson either way
    assert iob["woman"] == "O"


def test_train_docbins_complete_text_keeps_other_tokens_outside(lexicon_nlp):
    from pipeline.train.docbins import gold_doc

    gold = next(g for g in read_bc5cdr(CORPORA / "bc5cdr") if g.group == "10565806")
    doc = gold_doc(lexicon_nlp, gold)
    assert [e.text for e in doc.ents] == ["Hypomania", "olanzapine", "psychotic disorder", "hypomania", "olanzapine"]
    assert [t.text for t in doc[:3]] == ["Hypomania", "-", "like"]  # the hyphen splits "Hypomania-like"
    assert all(t.ent_iob_ in ("B", "I", "O") for t in doc)


def test_train_docbins_misaligned_span_is_unknown(lexicon_nlp):
    from collections import Counter

    from pipeline.train.corpora import GoldText
    from pipeline.train.docbins import gold_doc

    # a gold span that ends inside a token ("AmB" of "AmBisome") is no token span
    text = "It is important to recognize the rare and potentially reversible toxicity of AmBisome."
    start = text.index("AmB")
    stats: Counter = Counter()
    doc = gold_doc(lexicon_nlp, GoldText("bc5cdr", "x", text, spans=[(start, start + 3, "DRUG")]), stats)
    assert stats["misaligned"] == 1 and not doc.ents
    assert doc[-2].text == "AmBisome" and doc[-2].ent_iob_ == ""
    assert doc[0].ent_iob_ == "O"
    # BC5CDR 14657095: gold "AmB" before the sentence's closing period aligns, the period being a token of its own
    text = "It is important to recognize the rare and potentially reversible toxicity of AmB."
    stats = Counter()
    doc = gold_doc(lexicon_nlp, GoldText("bc5cdr", "14657095", text, spans=[(start, start + 3, "DRUG")]), stats)
    assert stats["misaligned"] == 0 and [e.text for e in doc.ents] == ["AmB"]


def test_train_docbins_writes_one_sentence_doc_per_sentence(lexicon_nlp, tmp_path):
    from spacy.tokens import DocBin

    from pipeline.train.docbins import write_docbins

    counts = write_docbins(lexicon_nlp, read_all(CORPORA), tmp_path)
    docs = list(DocBin().from_disk(tmp_path / "dev.spacy").get_docs(lexicon_nlp.vocab))
    assert "Hypomania-like syndrome induced by olanzapine." in [d.text.strip() for d in docs]
    assert counts["dev/bc5cdr"] == {"entities": 5, "nested": 0, "texts": 1, "words": 39}
    assert {"train/ade", "valid/ade", "train/tac", "train/bc5cdr", "valid/bc5cdr"} <= set(counts)


def test_train_docbins_repeat_a_corpus_in_train_only(lexicon_nlp, tmp_path):
    from spacy.tokens import DocBin

    from pipeline.train.docbins import write_docbins

    golds = read_all(CORPORA, corpora=["bc5cdr"])
    write_docbins(lexicon_nlp, golds, tmp_path / "once")
    counts = write_docbins(lexicon_nlp, golds, tmp_path / "twice", {"bc5cdr": 2})

    def texts(folder, split):
        return [d.text for d in DocBin().from_disk(tmp_path / folder / f"{split}.spacy").get_docs(lexicon_nlp.vocab)]

    assert sorted(texts("twice", "train")) == sorted(texts("once", "train") * 2)
    assert texts("twice", "valid") == texts("once", "valid") and texts("twice", "dev") == texts("once", "dev")
    assert counts["train/bc5cdr"]["repeats"] == 2 and "repeats" not in counts["dev/bc5cdr"]
