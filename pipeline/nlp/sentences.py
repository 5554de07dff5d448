"""Rule-based sentence boundaries for biomedical prose, registry records and extracted PDFs.

A new sentence starts after a line break, and after `.`, `!` or `?` when the next word starts
with a capital letter, a digit or a bullet, unless the period closes an abbreviation listed in
models/rules/sentence_abbreviations.txt ("et al.", "e.g.", "vs."). A sentence's closing period that the
tokenizer left on a short word ("hepatitis C.", which it keeps whole like the initial of "C. difficile")
becomes a token of its own, so no mention ends in it.
"""
from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span

from pipeline.nlp.data_files import DataFilesComponent
from pipeline.resources import read_word_list

if TYPE_CHECKING:
    from pipeline.nlp.linear import LinearModel

DEFAULT_ABBREVIATIONS = "rules/sentence_abbreviations.txt"
_END_PUNCT = frozenset({".", "!", "?"})
_CLOSERS = frozenset({")", "]", '"', "'", "”", "’"})
_BULLETS = frozenset({"•", "-", "–", "*", "·", "▪"})
_PERIOD_KEPT = re.compile(r"[^\W_]{1,3}\.")  # "C.", "IV.": the tokenizer leaves the period on such a word


class SentenceSplitter(DataFilesComponent):
    """Sets `Token.is_sent_start` on every token."""

    def __init__(self, abbreviations_path: str | Path = DEFAULT_ABBREVIATIONS) -> None:
        self.data_files = {"sentence_abbreviations.txt": str(abbreviations_path)}

    def load_data(self) -> None:
        self.abbreviations = read_word_list(self.data_path("sentence_abbreviations.txt"))

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        self._split_closing_periods(doc)
        words = [token.text for token in doc]  # a token's trailing whitespace is " " or nothing: breaks are tokens
        starts = numpy.full(len(doc), -1, dtype="int32")  # spaCy's SENT_START values: 1 starts, -1 does not
        starts_next = True
        for i, word in enumerate(words):
            if starts_next:
                starts[i] = 1
            starts_next = False
            if "\n" in word:
                starts_next = True
            elif word in _END_PUNCT or (word.endswith(".") and len(word) > 1):
                starts_next = self._ends_sentence(words, i)
            elif word in _CLOSERS and i > 0 and words[i - 1] in _END_PUNCT:
                starts_next = self._next_starts_sentence(words, i)
        if len(doc):
            doc.from_array([SENT_START], starts.astype("uint64").reshape(-1, 1))
        return doc

    def _split_closing_periods(self, doc: Doc) -> None:
        """Splits the period off a short word after a lower-case one that ends a sentence ("hepatitis C. They") or
        the text; initials ("J. C. Smith", "C. difficile") keep theirs."""
        words = [token.text for token in doc]
        closing = [i for i, word in enumerate(words)
                   if _PERIOD_KEPT.fullmatch(word) and i > 0 and words[i - 1].islower()
                   and word[:-1].lower() not in self.abbreviations
                   and (i == len(words) - 1 or self._ends_sentence(words, i))]
        if closing:
            with doc.retokenize() as retokenizer:
                for i in closing:
                    token = doc[i]
                    retokenizer.split(token, [token.text[:-1], "."], heads=[(token, 0), (token, 0)])

    def _ends_sentence(self, words: list[str], i: int) -> bool:
        text = words[i]
        word = text[:-1] if text != "." else (words[i - 1] if i > 0 else "")
        if text.endswith(".") and word.lower().rstrip(".") in self.abbreviations:
            return False
        if text not in _END_PUNCT and not text[:-1].replace(".", "").isalpha():
            return False
        return self._next_starts_sentence(words, i)

    @staticmethod
    def _next_starts_sentence(words: list[str], i: int) -> bool:
        if i + 1 >= len(words):
            return False
        nxt = words[i + 1]
        if nxt.isspace():
            return True
        first = nxt[0]
        return first.isupper() or first.isdigit() or nxt in _BULLETS or first in "([“\""


def sentence_spans(doc: Doc) -> list[Span]:
    """`list(doc.sents)`, read from the SENT_START array instead of one Token object per token (several
    components ask for it; a document without boundaries is one sentence)."""
    if not len(doc):
        return []
    starts = numpy.flatnonzero(doc.to_array(SENT_START) == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return [doc[start:end] for start, end in zip(starts, [*starts[1:], len(doc)])]


def entity_sentences(doc: Doc) -> list[Span]:
    """The sentence of each of `doc.ents`, in order.

    Components call this once per doc instead of `Span.sent`, which checks the whole doc for sentence
    boundaries on every call (quadratic on long documents).
    """
    ents, sentences = doc.ents, []
    for sentence in sentence_spans(doc):
        while len(sentences) < len(ents) and ents[len(sentences)].start < sentence.end:
            sentences.append(sentence)
    return sentences


class EntitySentence:
    """A sentence as the entity components read it, built once and shared by the entities that start in
    it: its span, those entities, and (computed on first use) its lowercased text and words, and whether
    a cue pattern occurs in that text."""

    def __init__(self, span: Span, ents: list[Span]) -> None:
        self.span = span
        self.ents = ents
        self._mentions: dict[re.Pattern[str], bool] = {}
        self._word_weights: dict[LinearModel, float] = {}

    def mentions(self, pattern: re.Pattern[str]) -> bool:
        """Whether `pattern` occurs in the lowercased text, searched once per sentence and pattern."""
        found = self._mentions.get(pattern)
        if found is None:
            found = self._mentions[pattern] = pattern.search(self.lower) is not None
        return found

    @cached_property
    def lower(self) -> str:
        return self.span.text.lower()

    @cached_property
    def words(self) -> list[str]:
        """Its lowercased alphabetic words of three letters or more, in order."""
        return [t.lower_ for t in self.span if t.is_alpha and len(t) > 2]

    @cached_property
    def word_features(self) -> list[str]:
        """Its `words` as features of the learned checks ("sentence=rash"), which add them to those of each
        mention or pair in the sentence."""
        return [f"sentence={w}" for w in self.words]

    def word_weight(self, model: LinearModel) -> float:
        """`model.weight` of its `word_features`, summed once per sentence and model."""
        weight = self._word_weights.get(model)
        if weight is None:
            weight = self._word_weights[model] = model.weight(self.word_features)
        return weight


def sentences_of_entities(doc: Doc) -> list[EntitySentence]:
    """`entity_sentences` as `EntitySentence`s: one per entity, the same object for entities of one sentence."""
    ents, spans = list(doc.ents), entity_sentences(doc)
    built: dict[int, EntitySentence] = {}
    for ent, span in zip(ents, spans):
        if span.start not in built:
            built[span.start] = EntitySentence(span, [])
        built[span.start].ents.append(ent)
    return [built[span.start] for span in spans]


def words_and_spaces(doc: Doc) -> tuple[list[str], list[bool]]:
    """The token texts and whether each is followed by a space, in one walk over the tokens."""
    words, spaces = [], []
    for token in doc:
        words.append(token.text)
        spaces.append(bool(token.whitespace_))
    return words, spaces
