"""Adverse-event spans take in the course and severity words right before them ("severe hepatitis",
"acute renal failure"); the words are listed in models/rules/event_modifiers.txt. The words before the
widening name the concept (`Span._.concept_span`)."""
from __future__ import annotations

from pathlib import Path

from spacy.tokens import Doc

from pipeline.nlp.data_files import DataFilesComponent
from pipeline.nlp.extensions import copy_span
from pipeline.resources import read_word_list

DEFAULT_WORDS = "rules/event_modifiers.txt"


class EventModifiers(DataFilesComponent):
    """Widens each ADVERSE_EVENT mention over the listed words that directly precede it in its sentence
    and belong to no other mention; the mention keeps its concept, identifiers and context."""

    def __init__(self, words_path: str | Path = DEFAULT_WORDS) -> None:
        self.data_files = {"event_modifiers.txt": str(words_path)}

    def load_data(self) -> None:
        self.words = read_word_list(self.data_path("event_modifiers.txt"))

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        ents = list(doc.ents)
        changed = False
        previous_end = 0
        for index, ent in enumerate(ents):
            start = ent.start
            if ent.label_ == "ADVERSE_EVENT":
                while start > previous_end and not doc[start].is_sent_start and doc[start - 1].lower_ in self.words:
                    start -= 1
            if start != ent.start:
                ents[index], changed = copy_span(ent, start=start), True
                ents[index]._.concept_span = ent._.concept_span or (ent.start_char, ent.end_char)
            previous_end = ent.end
        if changed:
            doc.ents = ents
        return doc
