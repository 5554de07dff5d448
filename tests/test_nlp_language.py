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


def test_nlp_language_tokenizer_reads_no_emoticons_in_brackets(tokenizer_nlp):
    # full-text trial report PMC4486927: "risk difference (RD): 10.9%", where "):" was one token (an emoticon)
    assert [t.text for t in tokenizer_nlp.make_doc("risk difference (RD): 10.9%")] == [
        "risk", "difference", "(", "RD", ")", ":", "10.9", "%"]
    assert [t.text for t in tokenizer_nlp.make_doc("(n = 3;)")] == ["(", "n", "=", "3", ";", ")"]
