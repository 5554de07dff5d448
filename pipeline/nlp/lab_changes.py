"""Adverse events stated as a change in a laboratory value: "grade 3 elevations in creatinine and hepatic
transaminases", "elevated ALT", "a rise in serum lipase", "neutrophil count decreases".

Each becomes a DISEASE mention over the reported phrase (the context component then gives it its role,
negation and grade), named by the MedDRA preferred term of its analyte and direction ("Blood creatinine
increased", "Transaminases increased"); the words that state a change are in models/rules/lab_changes.tsv. A
change MedDRA has no term for ("elevated mood", "increased appetite" is a term, and found) names no event.
A second analyte joined by "and"/"or" shares the first one's change word ("creatinine and hepatic
transaminases"). Tokens already in a mention are left to it, but for a mention inside the phrase that is a
drug (an analyte is measured, not given: "decreased potassium") or a model span no concept was found for.
A change mention, found here or by the trained model, that opens with a change word takes in the `measure` word
right after it, which the reported phrase ends with: "elevated serum ammonia levels", "an elevated serum CK
concentration" (ADE-Corpus-V2 annotates the phrase so); its concept stays that of the words before.
An analyte may be a short form the document defines ("an increase in TG" after "triglycerides (TG)": Blood
triglycerides increased). A model disease span that names an analyte and no change ("blood triglycerides", "serum
lipase levels") is dropped: what is measured is no event.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from spacy.tokens import Doc, Span

from pipeline.errors import RulesError
from pipeline.lexicons import LEXICON_ENTRY, lexicon_files, load_normalizer
from pipeline.lexicons.concepts import GENERIC_EVENT_WORDS
from pipeline.nlp.abbreviations import definitions
from pipeline.nlp.data_files import DataFilesComponent
from pipeline.nlp.extensions import copy_span
from pipeline.resources import numbered_rules_tsv

DEFAULT_WORDS = "rules/lab_changes.tsv"
PLACES = ("before", "of", "after", "specimen", "measure")
_WORD_PLACES = ("specimen", "measure")  # words with no direction of their own
SOURCE = "rule"
_ANALYTE_WORDS = 3  # longest analyte name tried ("alanine aminotransferase level")
_LINKS = frozenset({"in", "of"})
_JOINS = frozenset({"and", "or", ","})


def _gives_way(ent: Span) -> bool:
    """Whether a mention inside a lab change's phrase gives way to it: a drug (the analyte), a model span
    with no identifier ("decreased potassium"), or a disease with no MedDRA code ("elevated serum creatinine" is
    HP's "Elevated circulating creatinine concentration"; the change names MedDRA's Blood creatinine increased, so
    that "increased creatinine" and it are one concept)."""
    return (ent.label_ == "DRUG" or (ent._.source == "model" and not ent._.norm)
            or (ent.label_ == "DISEASE" and not any(curie.startswith("MEDDRA:") for curie in ent._.norm)))


@dataclass(frozen=True)
class LabChange:
    """One found change: tokens `start`..`end` of the reported phrase, the preferred term and its code."""

    start: int
    end: int
    name: str
    curie: str
    measured: bool = False  # the phrase ends with a measure word ("elevated ALT levels")
    other_ids: tuple[str, ...] = ()  # those of the disease mentions it replaces (MeSH, HP), after the MedDRA code


class LabChanges(DataFilesComponent):
    """Adds a DISEASE mention for each change in a laboratory value that names a MedDRA preferred term."""

    def __init__(self, words_path: str | Path = DEFAULT_WORDS, lexicon_dir: str | None = None) -> None:
        self.data_files = {"lab_changes.tsv": str(words_path), **lexicon_files(lexicon_dir),
                           "generic_event_words.tsv": GENERIC_EVENT_WORDS}

    def load_data(self) -> None:
        path = self.data_path("lab_changes.tsv")
        self.words: dict[str, dict[str, str]] = {place: {} for place in PLACES}
        for line, row in numbered_rules_tsv(path, ("word", "direction", "place")):
            if row["place"] not in PLACES:
                raise RulesError(path, line, f"place {row['place']!r} is none of {', '.join(PLACES)}")
            if (row["direction"] == "-") != (row["place"] in _WORD_PLACES):
                raise RulesError(path, line, "a specimen or measure word has the direction '-', a change word a "
                                             "direction")
            self.words[row["place"]][row["word"].lower()] = row["direction"].lower()
        self.normalizer = load_normalizer(self.data_path(LEXICON_ENTRY).parent,
                                          self.data_path("generic_event_words.tsv"))

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        owner = {i: ent for ent in doc.ents for i in range(ent.start, ent.end)}
        found: list[LabChange] = []
        taken: set[int] = set()
        for token in doc:
            for change in [self._with_measure(doc, change) for change in self._changes_at(doc, token.i)]:
                span = range(change.start, change.end)
                inside = {owner[i] for i in span if i in owner}
                if taken.intersection(span) or any(
                        not _gives_way(ent) or ent.start < change.start or ent.end > change.end for ent in inside):
                    continue
                replaced = tuple(curie for ent in sorted(inside, key=lambda e: e.start) if ent.label_ == "DISEASE"
                                 for curie in ent._.norm)
                found.append(replace(change, other_ids=replaced) if replaced else change)
                taken.update(span)
        kept = [ent for ent in doc.ents
                if not taken.intersection(range(ent.start, ent.end)) and not self._names_an_analyte(doc, ent)]
        mentions = sorted([*kept, *map(lambda change: self._mention(doc, change), found)], key=lambda s: s.start)
        widened = [self._with_measure_word(doc, mention, mentions[i + 1] if i + 1 < len(mentions) else None)
                   for i, mention in enumerate(mentions)]
        if found or len(kept) < len(doc.ents) or any(new is not old for new, old in zip(widened, mentions)):
            doc.ents = widened
        return doc

    def _names_an_analyte(self, doc: Doc, ent: Span) -> bool:
        """Whether `ent` is a model disease span with no identifier that names an analyte and no change in it,
        measure words after it aside: "blood triglycerides", "serum lipase levels" (MedDRA has "Blood triglycerides
        increased", "Lipase increased"), or that ends with a measure word and holds no change word ("ALT and
        gamma-glutamyl transferase levels"); "elevated ALT" and "increase in serum creatinine level" are changes
        and stay."""
        if ent.label_ != "DISEASE" or ent._.source != "model" or ent._.norm:
            return False
        end = ent.end
        while end > ent.start + 1 and doc[end - 1].lower_ in self.words["measure"]:
            end -= 1
        if end < ent.end and not any(doc[i].lower_ in self.words[place] for i in range(ent.start, end)
                                     for place in ("before", "of", "after")):
            return True  # "ALT and gamma-glutamyl transferase levels": measured, with no change
        return any((change := self._analyte_after(doc, ent.start, direction)) is not None and change.end == end
                   for direction in ("increased", "decreased"))

    def _measure_after(self, doc: Doc, start: int, end: int) -> bool:
        """Whether tokens `start`..`end` open with a change word and a measure word follows ("elevated ALT" +
        "levels")."""
        return (end < len(doc) and doc[end].lower_ in self.words["measure"]
                and (doc[start].lower_ in self.words["before"] or doc[start].lower_ in self.words["of"]))

    def _with_measure(self, doc: Doc, change: LabChange) -> LabChange:
        """`change` with the measure word after it in its phrase ("elevated ALT levels"), else `change`."""
        if not self._measure_after(doc, change.start, change.end):
            return change
        return replace(change, end=change.end + 1, measured=True)

    def _with_measure_word(self, doc: Doc, mention: Span, following: Span | None) -> Span:
        """A model mention taking in the measure word after it when it is a change that opens with a change word
        ("elevated serum ammonia" + "levels"), else `mention` itself."""
        end = mention.end
        if (mention.label_ != "DISEASE" or not self._measure_after(doc, mention.start, end)
                or (following is not None and following.start <= end)):
            return mention
        widened = copy_span(mention, end=end + 1)
        widened._.concept_span = mention._.concept_span or (mention.start_char, mention.end_char)
        return widened

    def _changes_at(self, doc: Doc, i: int) -> list[LabChange]:
        """The changes whose change word is token `i` (two when a second analyte shares it)."""
        word = doc[i].lower_
        if word in self.words["of"] and i + 1 < len(doc) and doc[i + 1].lower_ in _LINKS:
            direction = self.words["of"][word]
            first = self._analyte_after(doc, i + 2, direction, i, article=True)
        elif word in self.words["before"]:
            direction = self.words["before"][word]
            first = self._analyte_after(doc, i + 1, direction, i)
        elif word in self.words["after"]:
            first = self._analyte_before(doc, i, self.words["after"][word])
            return [first] if first else []
        else:
            return []
        if first is None:
            return []
        changes = [first]
        if first.end + 1 < len(doc) and doc[first.end].lower_ in _JOINS:
            second = self._analyte_after(doc, first.end + 1, direction)
            if second is not None:
                changes.append(second)
        return changes

    def _analyte_after(self, doc: Doc, start: int, direction: str, phrase_start: int | None = None,
                       article: bool = False) -> LabChange | None:
        """The longest analyte name from token `start` on (after "the" with `article`: "a rise in the"), a specimen
        word taken into the phrase but not the term ("serum lipase": Lipase increased)."""
        if article and start < len(doc) and doc[start].lower_ == "the":
            start += 1
        for end in range(min(len(doc), start + _ANALYTE_WORDS), start, -1):
            term = self._term(doc[start:end], direction)
            if term is None and doc[start].lower_ in self.words["specimen"] and end > start + 1:
                term = self._term(doc[start + 1:end], direction)
            if term is not None:
                return LabChange(start if phrase_start is None else phrase_start, end, *term)
        return None

    def _analyte_before(self, doc: Doc, i: int, direction: str) -> LabChange | None:
        """The longest analyte name ending right before the change word `i` ("neutrophil count decreases")."""
        for first in range(max(0, i - _ANALYTE_WORDS), i):
            term = self._term(doc[first:i], direction)
            if term is not None:
                return LabChange(first, i + 1, *term)
        return None

    def _term(self, analyte: Span, direction: str) -> tuple[str, str] | None:
        if not analyte or analyte[0].text == "-" or not all(
                (token.is_alpha and not token.is_stop) or token.text == "-" for token in analyte):
            return None
        term = self._preferred_term(analyte.text, direction)
        if term is None and len(analyte) == 1:  # a short form the document defines: "triglycerides (TG)"
            long_form = next((long.text for short, long in definitions(analyte.doc)
                              if short.text == analyte.text and len(long) <= _ANALYTE_WORDS), None)
            term = self._preferred_term(long_form, direction) if long_form is not None else None
        return term

    def _preferred_term(self, name: str, direction: str) -> tuple[str, str] | None:
        """The MedDRA term of `name` and `direction`, as written or with "Blood", MedDRA's wording for a blood
        analyte ("Blood triglycerides increased")."""
        for wording in (f"{name} {direction}", f"blood {name} {direction}"):
            term = self.normalizer.preferred_term(wording)
            if term is not None:
                return term.name, term.curie
        return None

    @staticmethod
    def _mention(doc: Doc, change: LabChange) -> Span:
        span = Span(doc, change.start, change.end, label="DISEASE")
        span._.norm = list(dict.fromkeys((change.curie, *change.other_ids)))
        span._.concept, span._.source = change.name, SOURCE
        if change.measured:  # the concept is named by the words before the measure word
            span._.concept_span = (span.start_char, doc[change.end - 2].idx + len(doc[change.end - 2]))
        return span
