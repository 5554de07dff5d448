"""Key folding shared by the lexicon build and the matcher.

A term and a token sequence match when their folded keys are equal: Unicode is
NFKC-normalised, Greek letters are spelled out, case is lowered and every
character that is not a letter or digit is dropped, so ``IL-21``, ``IL 21``,
``IL21`` and ``il-21`` share the key ``il21``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline.resources import read_rules_tsv

GREEK_NAMES = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ω": "omega", "τ": "tau", "θ": "theta", "ζ": "zeta",
}
_GREEK_TABLE = str.maketrans(GREEK_NAMES)
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
# Pieces a tokenizer might cut a term into: letter runs, digit runs, single symbols.
_PIECES = re.compile(r"[^\W\d_]+|\d+|[^\w\s]|_", re.UNICODE)

SPELLING_VARIANTS = "lexicons/curated/spelling_variants.tsv"
# Keys of at most this many characters are short: acronyms among them match in exact case.
SHORT_KEY_LENGTH = 4

DISEASE_ADJECTIVE = re.compile(r"[a-z]{4,}(?:ic|ian|ive|al|ous|oid|ed)")  # lower case: "hypertensive", "epileptic"
# an adjective that opens a concept's longer name as its one-word synonym ("pandemic", "differentiating"); not a noun
# in "-oid" ("typhoid" of typhoid fever): pipeline/lexicons/build.py
NAME_OPENING_ADJECTIVE = re.compile(r"[a-z]{4,}(?:ic|ive|al|ous|ing)")
# an adjective that ends a model span before its noun ("loss of peritubular", "decrease in anti-fibrotic"):
# pipeline/nlp/trained_ner.py
ADJECTIVE_BEFORE_ITS_NOUN = re.compile(r"[a-z-]{3,}(?:ic|al|ar|ous|ive)")
# a table's cells run together in extracted text ("depression5431.32−0.67", "infection86312.70"): a number of three
# digits or more, or with a decimal point, and the numbers and signs after it. The tokenizer parts it from the word
# before (pipeline/nlp/language.py); the trained NER drops it from a span's end (pipeline/nlp/trained_ner.py)
TABLE_NUMBER = r"[−+]?(?:\d{3,}|\d*[.,]\d)[\d.,−+-]*"

def surface(text: str) -> str:
    """Text with Unicode compatibility forms folded and Greek letters spelled out (case kept)."""
    return unicodedata.normalize("NFKC", text).translate(_GREEK_TABLE)


def case_form(text: str) -> str:
    """The letters and digits of ``text`` in their original case (for exact-case checks)."""
    return _NON_ALNUM.sub("", surface(text))


def fold(text: str) -> str:
    """The matching key of ``text``: lower-cased letters and digits only."""
    return _NON_ALNUM.sub("", surface(text).lower())


def prefix_keys(text: str) -> list[str]:
    """Keys of every proper prefix of ``text`` that ends where a tokenizer could cut it."""
    prefixes: list[str] = []
    key = ""
    for piece in _PIECES.findall(surface(text).lower()):
        key += fold(piece)
        if key and (not prefixes or prefixes[-1] != key):
            prefixes.append(key)
    return prefixes[:-1] if prefixes and prefixes[-1] == fold(text) else prefixes


def is_acronym(text: str) -> bool:
    """Whether ``text`` is written with an upper-case letter and folds to a short key."""
    form = case_form(text)
    return len(form) <= SHORT_KEY_LENGTH and any(ch.isupper() for ch in form)


@lru_cache(maxsize=1)
def spelling_rules() -> tuple[tuple[str, str], ...]:
    """The (british, american) folded spellings of models/lexicons/curated/spelling_variants.tsv, longest first.
    A built lexicon carries the rules it was built with (`Lexicon.spelling_rules`)."""
    rows = read_rules_tsv(SPELLING_VARIANTS, ("british", "american"))
    return tuple(sorted(((row["british"], row["american"]) for row in rows), key=lambda rule: -len(rule[0])))


def spelled(key: str, rules: tuple[tuple[str, str], ...] | None = None) -> str:
    """A folded ``key`` with British spellings made American (`rules`, default `spelling_rules()`)."""
    for british, american in spelling_rules() if rules is None else rules:
        if british in key:
            key = key.replace(british, american)
    return key


def term_key(text: str, rules: tuple[tuple[str, str], ...] | None = None) -> str:
    """``fold(text)`` with British spellings made American: the key every lexicon term and every MedDRA term is
    stored and looked up by, so "Diarrhoea" and "diarrhea", "leucocytosis" and "leukocytosis" meet."""
    return spelled(fold(text), rules)


NAME_WORD = re.compile(r"[\w'-]+")  # a word of a name, as a disease's head word is read ("non-hodgkin", "crohn's")


def last_name_word(name: str) -> str | None:
    """The lowercased last word of a name ("Suppression of bone turnover" -> "turnover"), None if it has none."""
    words = NAME_WORD.findall(name.lower())
    return words[-1] if words else None
