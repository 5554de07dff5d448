"""Word classes: the table's file format, its digest, and the features it names."""
from __future__ import annotations

import gzip

import pytest
import spacy

from pipeline.errors import ModelMissingError, RulesError
from pipeline.nlp.word_classes import WordClasses


def test_word_classes_save_and_load_give_the_same_table_and_bytes_under_any_name(tmp_path):
    classes = WordClasses({"developed": 3, "experienced": 3, "hepatitis": 11})
    classes.save(tmp_path / "a.tsv.gz")
    classes.save(tmp_path / "other_name.tsv.gz")
    assert (tmp_path / "a.tsv.gz").read_bytes() == (tmp_path / "other_name.tsv.gz").read_bytes()
    loaded = WordClasses.load(tmp_path / "a.tsv.gz")
    assert loaded.classes == classes.classes
    assert loaded.digest() == classes.digest() != WordClasses({"developed": 4}).digest()


def test_word_classes_one_file_version_is_read_once(tmp_path):
    path = tmp_path / "classes.tsv.gz"
    WordClasses({"developed": 3}).save(path)
    first = WordClasses.load(path)
    assert WordClasses.load(path) is first  # the role and relation components share one table
    WordClasses({"developed": 4, "hepatitis": 11}).save(path)  # a new version of the file is read anew
    assert WordClasses.load(path).classes == {"developed": 4, "hepatitis": 11}


def test_word_classes_bad_row_names_its_line(tmp_path):
    path = tmp_path / "classes.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("word\tclass\ndeveloped\t3\nhepatitis\tmany\n")
    with pytest.raises(RulesError, match=r"classes.tsv.gz:3: expected a word, a tab and a class number"):
        WordClasses.load(path)


def test_word_classes_missing_table_says_how_to_build_it(tmp_path):
    with pytest.raises(ModelMissingError, match="trialgraph train word-classes"):
        WordClasses.load(tmp_path / "none.tsv.gz")


def test_word_classes_features_skip_words_without_a_class():
    doc = spacy.blank("en")("Hepatitis developed in one patient")
    classes = WordClasses({"hepatitis": 11, "developed": 3})
    assert classes.features("class", doc) == ["class=11", "class=3"]


def test_word_classes_shipped_table_classes_common_trial_words():
    classes = WordClasses.load()
    assert len(classes) > 10_000
    doc = spacy.blank("en")("developed hepatitis")
    assert None not in (classes.of(doc[0]), classes.of(doc[1]))
