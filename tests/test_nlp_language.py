"""The TrialGraph tokenizer: scispaCy's rules plus TrialGraph's splits around drugs."""
from __future__ import annotations

import pytest

from pipeline.nlp.language import build_nlp


@pytest.fixture(scope="module")
def tokenizer_nlp():
    return build_nlp(components=())


@pytest.mark.parametrize("text, tokens", [
    ("(5-FU)-induced", ["(", "5-FU", ")", "-", "induced"]),
    ("abacavir (ABC)+lamivudine", ["abacavir", "(", "ABC", ")", "+", "lamivudine"]),
    ("the (+)-enantiomer", ["the", "(+)-", "enantiomer"]),
    # a bracket inside a word is no prefix (BC5CDR's "15-F(2t)-IsoP" was cut into single letters), nor its
    # closing bracket a suffix: the name is one token, as BC5CDR's "PGE(2)" and "poly(ADP-ribose)" are mentions
    ("15-F(2t)-IsoP levels", ["15-F(2t)-IsoP", "levels"]),
    ("of PGE(2), and (poly(ADP-ribose))", ["of", "PGE(2)", ",", "and", "(", "poly(ADP-ribose)", ")"]),
])
def test_nlp_language_tokenizer_splits_brackets_of_regimens_only_at_a_word_start(tokenizer_nlp, text, tokens):
    assert [t.text for t in tokenizer_nlp.make_doc(text)] == tokens


def test_nlp_language_tokenizer_splits_the_amounts_of_a_combination(tokenizer_nlp):
    assert [t.text for t in tokenizer_nlp.make_doc("lopinavir/ritonavir 400/100mg")] == [
        "lopinavir", "/", "ritonavir", "400", "/", "100", "mg"]


def test_nlp_language_tokenizer_splits_a_reference_number_glued_by_a_comma(tokenizer_nlp):
    # PMC (CC BY): "areas of scar,7 fibrosis,8 or adipose tissue": "scar,7" was SCAR7, an ataxia
    assert [t.text for t in tokenizer_nlp.make_doc("scar,7 fibrosis,8-10 and 2,4-dinitrophenol, N,N-dimethyl")] == [
        "scar", ",", "7", "fibrosis", ",", "8", "-", "10", "and", "2,4-dinitrophenol", ",", "N", ",", "N", "-",
        "dimethyl"]


def test_nlp_language_tokenizer_splits_a_captions_number_from_its_first_word(tokenizer_nlp):
    # PMC (CC BY): "Table 1Fatty acid profiles" gave the drug "1Fatty acid"; a gene's "IL-2Ralpha" stays whole
    assert [t.text for t in tokenizer_nlp.make_doc("Table 1Fatty acid; Figure 12Box; IL-2Ralpha, 2Fe-2S, 5HT3")] == [
        "Table", "1", "Fatty", "acid", ";", "Figure", "12", "Box", ";", "IL-2Ralpha", ",", "2Fe-2S", ",", "5HT3"]


def test_nlp_language_tokenizer_splits_a_tables_numbers_from_the_word_before(tokenizer_nlp):
    # PMC (CC BY): a table's cells run together, "History of depression5431.32−0.67", "Min, max−12.50"
    assert [t.text for t in tokenizer_nlp.make_doc("depression5431.32−0.67 max−12.50 tca0.91 hba1c beta2 covid19")] == [
        "depression", "5431.32−0.67", "max", "−12.50", "tca", "0.91", "hba1c", "beta2", "covid19"]
    # and a row's bullet, and a reference number glued after a sentence's period ("insulin resistance.1")
    assert [t.text for t in tokenizer_nlp.make_doc("•Nocturia2.06 ◦Urgency resistance.1 Pathophysiology")] == [
        "•", "Nocturia", "2.06", "◦", "Urgency", "resistance", ".1", "Pathophysiology"]


def test_nlp_language_tokenizer_reads_no_emoticons_in_brackets(tokenizer_nlp):
    # full-text trial report PMC4486927: "risk difference (RD): 10.9%", where "):" was one token (an emoticon)
    assert [t.text for t in tokenizer_nlp.make_doc("risk difference (RD): 10.9%")] == [
        "risk", "difference", "(", "RD", ")", ":", "10.9", "%"]
    assert [t.text for t in tokenizer_nlp.make_doc("(n = 3;)")] == ["(", "n", "=", "3", ";", ")"]
