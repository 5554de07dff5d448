"""Rule-based sentence boundaries for biomedical prose, registry records and extracted PDFs.

A new sentence starts after a line break, and after `.`, `!` or `?` when the next word starts
with a capital letter, a digit or a bullet, unless the period closes an abbreviation listed in
models/rules/sentence_abbreviations.txt ("et al.", "e.g.", "vs.").
"""
from __future__ import annotations

from pathlib import Path

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span

from pipeline.resources import read_word_list

_END_PUNCT = frozenset({".", "!", "?"})
_CLOSERS = frozenset({")", "]", '"', "'", "”", "’"})
_BULLETS = frozenset({"•", "-", "–", "*", "·", "▪"})


class SentenceSplitter:
    """Sets `Token.is_sent_start` on every token."""

    def __init__(self, abbreviations_path: Path | None = None) -> None:
        self.abbreviations = read_word_list(abbreviations_path or "rules/sentence_abbreviations.txt")

    def __call__(self, doc: Doc) -> Doc:
        starts_next = True
        for i, token in enumerate(doc):
            token.is_sent_start = starts_next
            starts_next = False
            if "\n" in token.text or "\n" in token.whitespace_:
                starts_next = True
            elif token.text in _END_PUNCT or (token.text.endswith(".") and len(token.text) > 1):
                starts_next = self._ends_sentence(doc, i)
            elif token.text in _CLOSERS and i > 0 and doc[i - 1].text in _END_PUNCT:
                starts_next = self._next_starts_sentence(doc, i)
        return doc

    def _ends_sentence(self, doc: Doc, i: int) -> bool:
        token = doc[i]
        word = token.text[:-1] if token.text != "." else (doc[i - 1].text if i > 0 else "")
        if token.text.endswith(".") and word.lower().rstrip(".") in self.abbreviations:
            return False
        if token.text not in _END_PUNCT and not token.text[:-1].replace(".", "").isalpha():
            return False
        return self._next_starts_sentence(doc, i)

    @staticmethod
    def _next_starts_sentence(doc: Doc, i: int) -> bool:
        if i + 1 >= len(doc):
            return False
        nxt = doc[i + 1].text
        if doc[i + 1].is_space:
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


def words_and_spaces(doc: Doc) -> tuple[list[str], list[bool]]:
    """The token texts and whether each is followed by a space, in one walk over the tokens."""
    words, spaces = [], []
    for token in doc:
        words.append(token.text)
        spaces.append(bool(token.whitespace_))
    return words, spaces
