"""`trialgraph train word-classes` on a tiny vectors table and text."""
from __future__ import annotations

import gzip
import json

import numpy
import pytest
import spacy

from pipeline.nlp.word_classes import WordClasses
from pipeline.train.word_classes import WordClassSettings, count_words, train_word_classes


@pytest.fixture
def tiny_corpora(tmp_path):
    """corpora/unlabeled with one text, and a vectors table where the harm words point one way, the verbs another."""
    unlabeled = tmp_path / "corpora" / "unlabeled"
    unlabeled.mkdir(parents=True)
    lines = ["# PMC1 header line, not text", "Hepatitis and pancreatitis developed; rash occurred.",
             "Rash developed. Hepatitis occurred. Pancreatitis developed."]
    with gzip.open(unlabeled / "texts.txt.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    nlp = spacy.blank("en")
    harms, verbs = numpy.array([1.0, 0.1, 0.0], "float32"), numpy.array([0.0, 0.1, 1.0], "float32")
    for word, vector in (("hepatitis", harms), ("pancreatitis", harms * 2), ("rash", harms + 0.05),
                         ("developed", verbs), ("occurred", verbs * 3), ("and", numpy.ones(3, "float32"))):
        nlp.vocab.set_vector(word, vector)
    nlp.to_disk(tmp_path / "vectors")
    return tmp_path


def test_train_word_classes_counts_words_without_header_lines(tiny_corpora):
    counts = count_words([tiny_corpora / "corpora" / "unlabeled" / "texts.txt.gz"])
    assert (counts["hepatitis"], counts["developed"], counts["header"]) == (2, 3, 0)


def test_train_word_classes_groups_words_by_their_vectors(tiny_corpora):
    output = tiny_corpora / "vectors" / "word_classes.tsv.gz"
    settings = WordClassSettings(classes=2, min_count=2)
    record = train_word_classes(tiny_corpora / "corpora", tiny_corpora / "vectors", output, settings)
    classes = WordClasses.load(output).classes
    assert set(classes) == {"hepatitis", "pancreatitis", "rash", "developed", "occurred"}  # "and" is seen once
    assert classes["hepatitis"] == classes["pancreatitis"] == classes["rash"] != classes["developed"]
    assert classes["developed"] == classes["occurred"]
    saved = json.loads((output.parent / "word_classes.json").read_text(encoding="utf-8"))
    assert saved == record and record["table"] == WordClasses(classes).digest()
    again = train_word_classes(tiny_corpora / "corpora", tiny_corpora / "vectors", output, settings)
    assert again["table"] == record["table"]


def test_train_word_classes_too_few_words_is_a_clear_error(tiny_corpora):
    with pytest.raises(ValueError, match="too few for 64 classes"):
        train_word_classes(tiny_corpora / "corpora", tiny_corpora / "vectors",
                           tiny_corpora / "out.tsv.gz", WordClassSettings(classes=64, min_count=2))


def test_train_word_classes_cli_writes_the_table_and_reports_a_missing_folder(tiny_corpora, tmp_path, capsys):
    from pipeline.cli import main

    output = tmp_path / "classes.tsv.gz"
    code = main(["train", "word-classes", "--corpora", str(tiny_corpora / "corpora"), "--vectors",
                 str(tiny_corpora / "vectors"), "-o", str(output), "--classes", "2", "--min-count", "2"])
    assert code == 0 and json.loads(capsys.readouterr().out)["words"] == 5
    assert len(WordClasses.load(output)) == 5
    assert main(["train", "word-classes", "--corpora", str(tmp_path / "none"), "-o", str(output)]) == 2
    assert "no unlabeled texts" in capsys.readouterr().err
