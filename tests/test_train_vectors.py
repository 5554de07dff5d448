"""`trialgraph train vectors` (pipeline/train/vectors.py) on a tiny text fixture and the tiny gold corpora of
tests/fixtures/train: the table's rows and keys, its reproducibility, and what it is made from."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

from pipeline.cli import main
from pipeline.train.vectors import VectorSettings, train_vectors

CORPORA = Path(__file__).parent / "fixtures" / "train"
TEXTS = Path(__file__).parent / "fixtures" / "vectors" / "unlabeled.txt"
TINY = VectorSettings(dim=16, epochs=2, min_count=1, rows=10_000)
DEV_PMID = "102"  # md5 puts it in the dev fifth of ADE-Corpus-V2 (tests/test_train_pretrain.py)


def _norms(texts: list[str]) -> set[str]:
    from pipeline.nlp.language import build_nlp

    nlp = build_nlp(components=())
    return {t.norm_ for text in texts for t in nlp.make_doc(text) if not t.is_space}


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("vectors")
    return root, train_vectors(None, root / "table", root / "work", TINY, texts=[TEXTS])


def test_train_vectors_table_has_one_row_per_norm_of_the_texts(table):
    root, record = table
    lines = [line for line in TEXTS.read_text().splitlines() if line and not line.startswith("# ")]
    vectors = spacy.load(root / "table").vocab.vectors
    assert vectors.shape == (len(_norms(lines)), 16) == (record["rows"], record["width"])
    assert record["lines"] == len(lines)


def test_train_vectors_surface_forms_share_their_norms_row(table):
    root, _ = table
    nlp = spacy.load(root / "table")
    row = {w: nlp.vocab.vectors.find(key=nlp.vocab.strings[w]) if w in nlp.vocab.strings else -1
           for w in ("sorafenib", "Sorafenib", "doxorubicin", "DOXORUBICIN", "Doxorubicin", "nivolumab")}
    assert row["sorafenib"] == row["Sorafenib"] >= 0
    assert row["doxorubicin"] == row["DOXORUBICIN"] == row["Doxorubicin"] >= 0
    assert row["sorafenib"] != row["doxorubicin"]
    assert row["nivolumab"] == -1  # not in the texts


def _digests_in_another_process(settings: str, tmp_path: Path) -> list[str]:
    """The table and token-file digests of `train_vectors` on TEXTS with `VectorSettings(<settings>)`, run in
    another process with another string-hash seed."""
    code = ("import sys; from pathlib import Path; from pipeline.train.vectors import VectorSettings, train_vectors; "
            "r = train_vectors(None, Path(sys.argv[1]), Path(sys.argv[2]), "
            f"VectorSettings({settings}), texts=[Path(sys.argv[3])]); "
            "print(r['table_sha256'], r['tokens_file_sha256'])")
    env = {**os.environ, "PYTHONHASHSEED": "12345", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "table"), str(tmp_path / "work"), str(TEXTS)],
                          capture_output=True, text=True, env=env, check=True)
    return done.stdout.split()


def test_train_vectors_is_reproducible_across_processes(table, tmp_path):
    root, record = table
    # another process with another string-hash seed: the digests of the table and of the tokens must not change
    digests = _digests_in_another_process("dim=16, epochs=2, min_count=1, rows=10000", tmp_path)
    assert digests == [record["table_sha256"], record["tokens_file_sha256"]]
    again = json.loads((tmp_path / "table" / "training.json").read_text())
    assert again["rows"] == record["rows"] and again["keys"] == record["keys"]


def test_train_vectors_another_seed_gives_another_table(table, tmp_path):
    _, record = table
    other = train_vectors(None, tmp_path / "table", tmp_path / "work",
                          VectorSettings(dim=16, epochs=2, min_count=1, rows=10_000, seed=1), texts=[TEXTS])
    assert other["rows"] == record["rows"] and other["table_sha256"] != record["table_sha256"]


def test_train_vectors_prunes_to_rows_and_keeps_every_word_as_a_key(table, tmp_path):
    root, record = table
    record_small = train_vectors(None, tmp_path / "table", tmp_path / "work",
                                 VectorSettings(dim=16, epochs=2, min_count=1, rows=12), texts=[TEXTS])
    nlp = spacy.load(tmp_path / "table")
    assert nlp.vocab.vectors.shape == (12, 16) == (record_small["rows"], record_small["width"])
    assert record_small["keys"] == record["keys"]
    assert nlp.vocab.vectors.find(key=nlp.vocab.strings["hepatocellular"]) >= 0  # a rare word, pointed to a kept row


def test_train_vectors_reads_gold_training_texts_never_dev_and_records_digests(tmp_path):
    corpora = tmp_path / "corpora"
    shutil.copytree(CORPORA, corpora)
    negatives = corpora / "ade_corpus_v2" / "ADE-NEG.txt"
    negatives.write_text(negatives.read_text() + f"{DEV_PMID} NEG Devonlyword appeared with aspirin.\n"
                         "8 NEG Trainonlyword appeared with aspirin.\n")
    (corpora / "unlabeled").mkdir()
    shutil.copy(TEXTS, corpora / "unlabeled" / "texts.txt")
    record = train_vectors(corpora, tmp_path / "table", tmp_path / "work", TINY)
    strings = spacy.load(tmp_path / "table").vocab.strings
    assert "trainonlyword" in strings and "devonlyword" not in strings and "Devonlyword" not in strings
    assert record["sources"]["unlabeled/texts.txt"] == hashlib.sha256(TEXTS.read_bytes()).hexdigest()[:16]
    assert "ade_corpus_v2/DRUG-AE.rel" in record["sources"]
    assert record["gold_texts"]["ade_negative"] >= 1 and record["gold_texts"]["bc5cdr"] >= 1


def test_train_vectors_cli_writes_the_table_and_needs_some_texts(tmp_path, capsys):
    assert main(["train", "vectors"]) == 2
    assert "--corpora DIR" in capsys.readouterr().err
    assert main(["train", "vectors", "--texts", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "t")]) == 2
    assert "no such text file" in capsys.readouterr().err
    code = main(["train", "vectors", "--texts", str(TEXTS), "-o", str(tmp_path / "table"), "--work-dir",
                 str(tmp_path / "work"), "--dim", "8", "--epochs", "1", "--min-count", "2", "--rows", "5"])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["rows"] == 5 and spacy.load(tmp_path / "table").vocab.vectors.shape == (5, 8)
    assert json.loads((tmp_path / "table" / "training.json").read_text())["settings"]["min_count"] == 2


def test_train_vectors_cli_with_corpora_adds_word_classes_or_says_why_not(tmp_path, capsys):
    corpora = tmp_path / "corpora"
    shutil.copytree(CORPORA, corpora)
    (corpora / "unlabeled").mkdir()
    shutil.copy(TEXTS, corpora / "unlabeled" / "texts.txt")
    arguments = ["train", "vectors", "--corpora", str(corpora), "-o", str(tmp_path / "table"), "--work-dir",
                 str(tmp_path / "work"), "--dim", "8", "--epochs", "1", "--min-count", "1"]
    assert main(arguments) == 2  # the tiny text has too few words seen 5 times for 64 classes
    error = capsys.readouterr().err
    assert f"the table is written to {tmp_path / 'table'}, its word classes are not" in error and "too few" in error
    assert spacy.load(tmp_path / "table").vocab.vectors.shape[0] > 0
    words = [f"word{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(80)]  # "wordaa" ... "worddb"
    (corpora / "unlabeled" / "more.txt").write_text("\n".join(" ".join(words) for _ in range(6)) + "\n")
    assert main(arguments) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["word_classes"]["words"] >= 80
    assert (tmp_path / "table" / "word_classes.tsv.gz").is_file() and (tmp_path / "table" / "word_classes.json").is_file()


FLORET = VectorSettings(method="floret", dim=16, epochs=2, min_count=1, bucket=2_000, minn=3, maxn=5)


@pytest.fixture(scope="module")
def floret_table(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("floret")
    return root, train_vectors(None, root / "table", root / "work", FLORET, texts=[TEXTS])


def _norm_vectors(nlp, text: str):
    doc = nlp.make_doc(text)
    vectors = nlp.vocab.vectors
    return vectors.get_batch(doc.to_array(vectors.attr).tolist())


def test_train_vectors_floret_table_is_bucket_rows_looked_up_by_norm(floret_table):
    from spacy.attrs import NORM

    root, record = floret_table
    nlp = spacy.load(root / "table")
    vectors = nlp.vocab.vectors
    assert vectors.mode == "floret" and vectors.attr == NORM
    assert vectors.shape == (2_000, 16) == (record["rows"], record["width"]) and record["keys"] == -1
    assert (vectors.minn, vectors.maxn, vectors.hash_count) == (3, 5, 2)
    assert record["settings"]["method"] == "floret" and record["settings"]["name"] == "trialgraph_floret"
    assert "rows" not in record["settings"] and record["surface_form_keys"] == 0
    lines = [line for line in TEXTS.read_text().splitlines() if line and not line.startswith("# ")]
    assert record["lines"] == len(lines) and 0 < record["vocabulary"] <= len(_norms(lines))
    found = _norm_vectors(nlp, "sorafenib Sorafenib SORAFENIB doxorubicin nivolumab")
    assert (found[0] == found[1]).all() and (found[0] == found[2]).all()  # one NORM, one vector
    assert not (found[0] == found[3]).all()
    assert abs(found[4]).sum() > 0  # a word the texts never show still has its subwords' vector


def test_train_vectors_floret_is_reproducible_across_processes(floret_table, tmp_path):
    _, record = floret_table
    digests = _digests_in_another_process(
        "method='floret', dim=16, epochs=2, min_count=1, bucket=2000, minn=3, maxn=5", tmp_path)
    assert digests == [record["table_sha256"], record["tokens_file_sha256"]]
    with pytest.raises(ValueError, match="fixed seed"):  # floret does not honour another seed
        VectorSettings(method="floret", seed=1)


def test_train_vectors_max_text_tokens_caps_the_texts_not_the_gold_texts(tmp_path):
    corpora = tmp_path / "corpora"
    shutil.copytree(CORPORA, corpora)
    (corpora / "unlabeled").mkdir()
    shutil.copy(TEXTS, corpora / "unlabeled" / "texts.txt")
    full = train_vectors(corpora, tmp_path / "full", tmp_path / "work", TINY)
    texts_only = train_vectors(None, tmp_path / "texts", tmp_path / "work", TINY, texts=[TEXTS])
    capped = train_vectors(corpora, tmp_path / "capped", tmp_path / "work",
                           VectorSettings(dim=16, epochs=2, min_count=1, rows=10_000, max_text_tokens=20))
    gold_tokens = full["tokens"] - texts_only["tokens"]
    assert 20 <= capped["tokens"] - gold_tokens < texts_only["tokens"]
    assert capped["settings"]["max_text_tokens"] == 20


def test_train_vectors_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown vectors method"):
        VectorSettings(method="glove")


def test_train_vectors_cli_floret(tmp_path, capsys):
    code = main(["train", "vectors", "--method", "floret", "--texts", str(TEXTS), "-o", str(tmp_path / "table"),
                 "--work-dir", str(tmp_path / "work"), "--dim", "8", "--epochs", "1", "--min-count", "1",
                 "--bucket", "500", "--minn", "3", "--maxn", "4", "--hash-count", "1"])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    vectors = spacy.load(tmp_path / "table").vocab.vectors
    assert printed["rows"] == 500 and vectors.shape == (500, 8) and vectors.mode == "floret"
    assert (vectors.minn, vectors.maxn, vectors.hash_count) == (3, 4, 1)
