"""The name of the concept inside a reported adverse-event or condition phrase (`Span._.concept_span`).

A mention keeps the phrase a report uses ("severe acute hepatitis", "thrombotic events", what a curator
reads); its concept span is the name the phrase reports ("acute hepatitis", "thrombotic"), the BC5CDR/NCBI
convention. The span drops the severity, course and certainty words before the name and the generic head
after it (models/rules/concept_span_words.tsv), and the words the event-modifier component widened the
mention over. A lexicon match is a concept's name as it stands: only what was added to it is dropped.
"""
from __future__ import annotations

from pathlib import Path

from spacy.tokens import Doc, Span

from pipeline.errors import RulesError
from pipeline.nlp.data_files import DataFilesComponent
from pipeline.resources import numbered_rules_tsv

DEFAULT_WORDS = "rules/concept_span_words.tsv"
SIDES = ("before", "after", "link")
PHRASE_LABELS = ("ADVERSE_EVENT", "CONDITION")


class ConceptSpans(DataFilesComponent):
    """Sets `Span._.concept_span` of each ADVERSE_EVENT and CONDITION mention whose phrase is longer than
    the concept's name."""

    def __init__(self, words_path: str | Path = DEFAULT_WORDS) -> None:
        self.data_files = {"concept_span_words.tsv": str(words_path)}

    def load_data(self) -> None:
        path = self.data_path("concept_span_words.tsv")
        words: dict[str, set[tuple[str, ...]]] = {side: set() for side in SIDES}
        for line, row in numbered_rules_tsv(path, ("word", "side")):
            if row["side"] not in SIDES:
                raise RulesError(path, line, f"side {row['side']!r} is none of {', '.join(SIDES)}")
            words[row["side"]].add(tuple(row["word"].lower().split()))
        self.before = {word for (word, *_) in words["before"]}
        self.heads = sorted(words["after"], key=len, reverse=True)  # "adverse events" before "events"
        self.links = {word for (word, *_) in words["link"]}

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        for ent in doc.ents:
            if ent.label_ in PHRASE_LABELS:
                name = self.name_of(ent)
                if (name.start, name.end) != (ent.start, ent.end):
                    ent._.concept_span = (name.start_char, name.end_char)
        return doc

    def name_of(self, ent: Span) -> Span:
        """The tokens of `ent` that name its concept."""
        doc = ent.doc
        name = doc.char_span(*ent._.concept_span) if ent._.concept_span else None
        start, end = (name.start, name.end) if name is not None else (ent.start, ent.end)
        if ent._.source != "lexicon":
            while end - start > 1 and doc[start].lower_ in self.before:
                start += 1
        lowered = [token.lower_ for token in doc[start:end]]
        for head in self.heads:
            if tuple(lowered[-len(head):]) != head:
                continue
            if len(lowered) > len(head):  # a phrase that is only a head ("adverse events") names no concept
                end -= len(head)
                if end - start > 2 and doc[end - 1].lower_ in self.links and doc[end - 2].text == "-":
                    end -= 2  # "EPS-related adverse events": EPS
            break
        return doc[start:end]
