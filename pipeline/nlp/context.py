"""Context of each mention: negation, eligibility, prior therapy, history, hypothesis, a possible harm, other
studies; and the role of a disease mention: ADVERSE_EVENT (a harm during treatment) or CONDITION (what the
patients have or the trial targets). Cues are data: models/rules/context.json.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, Span

from pipeline.document import ELIGIBILITY_KINDS, innermost_section
from pipeline.errors import RulesError
from pipeline.grades import Grade
from pipeline.nlp.data_files import DataFilesComponent
from pipeline.nlp.extensions import copy_span
from pipeline.nlp.sentences import EntitySentence, sentences_of_entities
from pipeline.resources import model_path, read_rules_json, read_rules_tsv

_GRADE = re.compile(
    r"\bgrades?\s*(?P<grade>(?:[≥>]=?\s*)?[1-5](?:\s*(?:-|–|/|or|and|to)\s*[1-5])?|iv|iii|ii|i)\s*$", re.I
)
_CONDITION_CUE_REACH = 3  # words: "patients with [metastatic] X", not "a patient with psoriasis developed X"
_LIST_KEYS = (
    "negation_before", "negation_after", "scope_breaks", "prior_therapy", "historical", "hypothetical", "possible",
    "other_study", "concomitant", "eligibility_cues", "adverse_event_cues", "condition_cues", "condition_heads", "condition_sections",
    "adverse_event_sections", "serious_cues", "dlt_cues", "prior_therapy_fillers", "ignored_sections",
    "caused_by_suffixes", "cause_words", "reaction_words", "reaction_word_endings", "reaction_links", "cited_study_heads",
    "onset_verbs",
)
_COPULA = re.compile(r"(?<![\w-])(?:is|are|was|were|has|have|had)(?![\w-])")
_WORD = re.compile(r"[\w+/-]+|[(),]")
DEFAULT_RULES = "rules/context.json"
DEFAULT_HARM_WORDS = "rules/drug_harm_words.tsv"
DRUG_LABELS = ("DRUG", "DRUG_CLASS")  # mentions that can name a cause or a prior therapy


def _cited(heads: list[str]) -> re.Pattern[str]:
    """A study word right before a numbered reference: "trial [22]", "studies [3, 4]"."""
    alternatives = sorted({re.escape(w.lower()) for w in heads}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")\s*\[\s*\d")


def _phrases(words: list[str]) -> re.Pattern[str]:
    alternatives = sorted({re.escape(w.lower()) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")


@dataclass
class ContextRules:
    """Compiled cue lists from models/rules/context.json."""

    window: int
    negation_before: re.Pattern[str]
    negation_after: re.Pattern[str]
    scope_breaks: re.Pattern[str]
    prior_therapy: re.Pattern[str]
    historical: re.Pattern[str]
    hypothetical: re.Pattern[str]
    possible: re.Pattern[str]
    onset_verbs: re.Pattern[str]
    other_study: re.Pattern[str]
    cited_study: re.Pattern[str]  # from the "cited_study_heads" words
    concomitant: re.Pattern[str]
    eligibility_cues: re.Pattern[str]
    adverse_event_cues: re.Pattern[str]
    condition_cues: re.Pattern[str]
    condition_heads: frozenset[str]
    condition_sections: frozenset[str]
    adverse_event_sections: frozenset[str]
    serious_cues: re.Pattern[str]
    dlt_cues: re.Pattern[str]
    prior_therapy_fillers: frozenset[str]
    ignored_sections: frozenset[str]
    caused_by_suffixes: frozenset[str]
    cause_words: frozenset[str]
    reaction_words: frozenset[str]
    reaction_word_endings: frozenset[str]
    reaction_links: frozenset[str]

    @classmethod
    def load(cls, path: str | Path = DEFAULT_RULES) -> ContextRules:
        path = model_path(path)
        data = read_rules_json(path)
        missing = [k for k in ("window", *_LIST_KEYS) if k not in data]
        if missing:
            raise RulesError(path, None, f"missing keys {missing}")
        for key in _LIST_KEYS:
            if not isinstance(data[key], list) or not all(isinstance(w, str) and w for w in data[key]):
                raise RulesError(path, None, f"{key!r} must be a list of non-empty strings")
        sets = {"condition_heads", "condition_sections", "adverse_event_sections", "prior_therapy_fillers",
                "ignored_sections", "caused_by_suffixes", "cause_words", "reaction_words", "reaction_word_endings",
                "reaction_links"}
        return cls(
            window=int(data["window"]),
            **{k: frozenset(w.lower() for w in data[k]) if k in sets else _phrases(data[k]) for k in _LIST_KEYS
               if k != "cited_study_heads"},
            cited_study=_cited(data["cited_study_heads"]),
        )


_CAUSE_REACH = 2  # words between "-induced" and the mention: "diphenhydramine-induced wide complex dysrhythmia"


def _cause_token(ent: Span, rules: ContextRules) -> int | None:
    """The index of the word right before a "-induced"-like suffix that names the mention's cause, across up to
    two plain words between the suffix and the mention; without the hyphen ("fludarabine induced lung toxicity")
    only a drug mention or a cause word."""
    doc, i = ent.doc, ent.start
    for _ in range(_CAUSE_REACH + 1):
        if i >= 3 and doc[i - 1].lower_ in rules.caused_by_suffixes and doc[i - 2].text in ("-", "‐", "‑"):
            return i - 3
        if i >= 2 and doc[i - 1].lower_ in rules.caused_by_suffixes and (
                doc[i - 2].ent_type_ in DRUG_LABELS or doc[i - 2].lower_ in rules.cause_words):
            return i - 2
        if i < 1 or not doc[i - 1].is_alpha or doc[i - 1].is_stop or doc[i - 1].ent_type_:
            return None
        i -= 1
    return None


def caused_by_drug(ent: Span, rules: ContextRules) -> bool:
    """Whether a drug names the mention's cause before it: "heparin-induced thrombocytopenia",
    "drug-induced liver injury", "diphenhydramine-induced wide complex dysrhythmia" (not "age-related macular
    degeneration")."""
    i = _cause_token(ent, rules)
    if i is None:
        return False
    cause = ent.doc[i]
    return cause.ent_type_ in DRUG_LABELS or cause.lower_ in rules.cause_words


def reaction_to_drug(ent: Span, rules: ContextRules) -> bool:
    """Whether the mention is a reaction that names its drug next to it: "hypersensitivity to warfarin",
    "allergic reactions to capecitabine", "CBDCA hypersensitivity", "fludarabine pulmonary toxicity",
    "nephrotoxicity of tobramycin"."""
    return _reaction_drug_token(ent, rules) is not None


def _reaction_drug_token(ent: Span, rules: ContextRules) -> int | None:
    endings = tuple(rules.reaction_word_endings)
    if not any(token.lower_ in rules.reaction_words or token.lower_.endswith(endings) for token in ent):
        return None  # "nephrotoxicity of tobramycin" names its drug as "toxicity of" would
    doc, before, after = ent.doc, ent.start - 1, ent.end
    if before >= 0 and doc[before].ent_type_ in DRUG_LABELS:
        return before
    if after + 1 < len(doc) and doc[after].lower_ in rules.reaction_links and doc[after + 1].ent_type_ in DRUG_LABELS:
        return after + 1
    return None


def named_cause(ent: Span, rules: ContextRules) -> Span | None:
    """The DRUG mention an adverse event names as its cause ("heparin" of "heparin-induced thrombocytopenia",
    "capecitabine" of "allergic reactions to capecitabine"); None when it names none, or only a word
    ("drug-induced")."""
    i = _cause_token(ent, rules)
    if i is None or ent.doc[i].ent_type_ != "DRUG":
        i = _reaction_drug_token(ent, rules)
    if i is None or ent.doc[i].ent_type_ != "DRUG":
        return None
    return next((drug for drug in ent.doc.ents if drug.start <= i < drug.end), None)


class ContextAnnotator(DataFilesComponent):
    """Sets `._.negated`, `._.context`, `._.section`, `._.grade`, `._.serious`, `._.dlt` on every entity,
    turns DISEASE mentions into ADVERSE_EVENT or CONDITION, and drops mentions in ignored sections."""

    def __init__(self, rules_path: str | Path = DEFAULT_RULES, harm_words_path: str | Path = DEFAULT_HARM_WORDS) -> None:
        self.data_files = {"context.json": str(rules_path), "drug_harm_words.tsv": str(harm_words_path)}

    def load_data(self) -> None:
        self.rules = ContextRules.load(self.data_path("context.json"))
        self.harm_words = frozenset(row["word"].lower() for row in read_rules_tsv(
            self.data_path("drug_harm_words.tsv"), ("word", "concept")))

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        sections = doc._.sections or []
        new_ents = []
        for ent, sent in zip(doc.ents, sentences_of_entities(doc)):
            found = innermost_section(sections, ent.start_char) if sections else None
            section = found.kind if found else None
            if section in self.rules.ignored_sections:
                continue
            ent._.section = section
            before, after = self._windows(ent, sent.span)
            ent._.negated = self._reaches(self.rules.negation_before, ent, sent, before) or self._negated_after(
                after, across_clause=ent.label_ not in DRUG_LABELS)
            ent._.context = self._context(ent, sent, section, before)
            if ent.label_ == "DISEASE":
                ent = copy_span(ent, self._disease_role(ent, sent, section, before))
            if ent.label_ in ("ADVERSE_EVENT", "CONDITION"):  # a later component may change the role
                self._adverse_event_attributes(ent, sent, before)
            if ent.label_ == "ADVERSE_EVENT" and (cause := named_cause(ent, self.rules)) is not None:
                ent._.named_cause = (cause.start_char, cause.end_char)
                if cause.end == ent.start and self._names_drug_harm(ent):
                    ent._.phrase_start = cause.start_char  # "lithium toxicity": the drug is part of the phrase
            new_ents.append(ent)
        doc.ents = new_ents
        return doc

    def _names_drug_harm(self, ent: Span) -> bool:
        """Whether the mention is a drug-harm word alone ("toxicity", "intoxication"; models/rules/drug_harm_words.tsv),
        not an organ's toxicity ("cardiotoxicity", which ADE-Corpus-V2 annotates without its drug)."""
        return ent.text.lower() in self.harm_words

    def _windows(self, ent: Span, sent: Span) -> tuple[str, str]:
        """Lowercased sentence text before the mention (within `window` tokens, cut at a scope break)
        and after it (within `window` tokens)."""
        lo = max(sent.start, ent.start - self.rules.window)
        hi = min(sent.end, ent.end + self.rules.window)
        before = ent.doc[lo : ent.start].text.lower() if lo < ent.start else ""
        breaks = list(self.rules.scope_breaks.finditer(before))
        if breaks:
            before = before[breaks[-1].end() :]
        after = ent.doc[ent.end : hi].text.lower() if ent.end < hi else ""
        return before, after

    def _negated_after(self, after: str, across_clause: bool) -> bool:
        """Whether a negation cue after the mention (`after`, `_windows`) reaches back to it: right after it ("was not
        observed") or, `across_clause`, across words of its own clause ("dermatitis related to the cream was not
        observed"), not across a comma, a semicolon, a scope break, a copula or an onset verb
        ("rash occurred in two, fever was not observed"; "neutropenia was frequent and fever was not observed").
        A drug is not what such a cue denies: only a cue right after it reaches it."""
        after = after.lstrip()
        cue = self.rules.negation_after.search(after) if across_clause else self.rules.negation_after.match(after)
        if cue is None:
            return False
        between = after[: cue.start()]
        return not ("," in between or ";" in between or _COPULA.search(between)
                    or self.rules.scope_breaks.search(between) or self.rules.onset_verbs.search(between))

    @staticmethod
    def _last_cue(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
        last = None
        for last in pattern.finditer(text):  # noqa: B007
            pass
        return last

    def _reaches(self, pattern: re.Pattern[str], ent: Span, sent: EntitySentence, before: str) -> bool:
        """Whether the last cue of `pattern` in `before` (the text before `ent`, `_windows`) reaches the mention: not
        when other mentions and then an onset verb stand between them ("no history of asthma developed
        bronchospasm": the cue's list ends at the verb; "no patient developed fever" has no list before it)."""
        cue = self._last_cue(pattern, before)
        if cue is None:
            return False
        verb = self.rules.onset_verbs.search(before, cue.end())
        if verb is None:
            return True
        end = ent.doc[ent.start - 1].idx + len(ent.doc[ent.start - 1]) if ent.start else 0  # where `before` ends
        cue_end, verb_start = end - len(before) + cue.end(), end - len(before) + verb.start()
        return not any(other is not ent and cue_end <= other.start_char and other.end_char <= verb_start
                       for other in sent.ents)

    def _context(self, ent: Span, sent: EntitySentence, section: str | None, before: str) -> str | None:
        if section in ELIGIBILITY_KINDS:
            return "eligibility"
        if ent.label_ in DRUG_LABELS and sent.mentions(self.rules.eligibility_cues):
            return "eligibility"  # a drug anywhere in a criteria sentence; a disease only in the cue's reach
        if ent.label_ not in DRUG_LABELS and self._reaches(self.rules.eligibility_cues, ent, sent, before):
            return "eligibility"
        if ent.label_ in DRUG_LABELS and self._cue_reaches(self.rules.prior_therapy, sent, before):
            return "prior_therapy"
        if ent.label_ in DRUG_LABELS and self._cue_reaches(self.rules.concomitant, sent, before):
            return "concomitant"
        if self._reaches(self.rules.historical, ent, sent, before):
            return "historical"
        if self._reaches(self.rules.hypothetical, ent, sent, before):
            return "hypothetical"
        if ent.label_ not in DRUG_LABELS and self._reaches(self.rules.possible, ent, sent, before):
            return "possible"
        if sent.mentions(self.rules.other_study) or sent.mentions(self.rules.cited_study):
            return "other_study"
        return None

    def _cue_reaches(self, pattern: re.Pattern[str], sent: EntitySentence, before: str) -> bool:
        """A prior-therapy or concomitant cue reaches the drug across filler words and other drug mentions only."""
        cue = self._last_cue(pattern, before)
        if cue is None:
            return False
        drug_words = {
            w for e in sent.ents if e.label_ in DRUG_LABELS for w in _WORD.findall(e.text.lower())
        }
        gap = _WORD.findall(before[cue.end() :])
        return all(w in self.rules.prior_therapy_fillers or w in drug_words for w in gap)

    def _disease_role(self, ent: Span, sentence: EntitySentence, section: str | None, before: str) -> str:
        if section not in ELIGIBILITY_KINDS and section != "conditions" and caused_by_drug(ent, self.rules):
            return "ADVERSE_EVENT"
        if section in self.rules.condition_sections:
            return "CONDITION"
        if section in self.rules.adverse_event_sections:
            return "ADVERSE_EVENT"
        if ent._.context in ("eligibility", "historical"):
            return "CONDITION"
        if reaction_to_drug(ent, self.rules):
            return "ADVERSE_EVENT"
        if self.rules.condition_cues.search(" ".join(before.split()[-_CONDITION_CUE_REACH:])):
            return "CONDITION"
        last_word = ent[-1].lower_
        if last_word in self.rules.condition_heads and not self.rules.adverse_event_cues.search(before):
            return "CONDITION"
        has_drug = any(e.label_ == "DRUG" for e in sentence.ents)
        if has_drug or sentence.mentions(self.rules.adverse_event_cues):
            return "ADVERSE_EVENT"
        return "CONDITION"

    def _adverse_event_attributes(self, ent: Span, sent: EntitySentence, before: str) -> None:
        written = _GRADE.search(before)
        if written and (grade := Grade.from_words(written.group("grade"))) is not None:
            ent._.grade = grade.label
        ent._.serious = bool(self.rules.serious_cues.search(f"{before} {ent.text.lower()}"))  # "fatal hepatitis"
        ent._.dlt = sent.mentions(self.rules.dlt_cues)
