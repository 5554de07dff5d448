"""Endpoints a paper states as its own: "The primary outcome was 6 month sustained, biochemically verified
abstinence", "Secondary endpoints included PFS, ORR and safety", "Primary end point: overall survival".

Each measure such a statement names becomes an ENDPOINT mention with `Span._.endpoint_kind` (primary, secondary
or other); the graph makes it a measure of the paper's trial. A statement that reports on its endpoint instead of
naming it ("the primary outcome was met", "was similar in both groups", "was analysed using", a sentence with a p
value or confidence interval) marks nothing, nor does "primary and secondary outcomes were ...", which names no
one kind.

A measure's name ends at a bracket, a definition or a method ("..., defined as", "measured by", "according to").
A plural noun's list is parted at commas, semicolons and "and", but for "and" after an adjective or a preposition
("systolic and diastolic blood pressure", "the occurrence of and deaths from breast cancer") and numbers that
belong to the part before ("at months 1, 6, and 18"). A mention inside
the name gives way to it: a lexicon endpoint ("overall survival" in "overall survival at 2 years") lends it its
concept; a disease ("neutropenia" in "the rate of grade 3 neutropenia") is what is measured, not a harm seen. A name
with a drug or dose in it, or across a mention's edge, is left as it is. The phrasing lives in
models/rules/endpoint_statements.json.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span

from pipeline.errors import RulesError
from pipeline.nlp.context import DRUG_LABELS
from pipeline.nlp.data_files import DataFilesComponent
from pipeline.nlp.extensions import ENDPOINT_KINDS
from pipeline.nlp.sentences import sentence_spans
from pipeline.resources import read_rules_json, read_rules_tsv, read_word_list, word_alternation

DEFAULT_RULES = "rules/endpoint_statements.json"
DEFAULT_FUNCTION_WORDS = "lexicons/curated/function_words.txt"
DEFAULT_NUMBER_WORDS = "rules/number_words.tsv"
SOURCE = "rule"
_LISTS = ("nouns", "qualifiers", "linkers", "cuts", "not_measures", "nouns_in_al", "time_words", "frame_words",
          "shared_heads", "method_words")
# a sentence that reports a result: a p value, a confidence interval, a ratio or a comparison with a number
_STATISTICS = re.compile(r"\b[Pp]\s*[<=>≤≥]|\b95\s*%|\bCIs?\b|\b(?:a?OR|a?HR|RR)\b\s*[=:,]?\s*\d"
                         r"|\b(?:vs\.?|versus)\s*\d")
_ADJECTIVE_ENDINGS = ("ic", "ous", "ive", "al")
# a colon, a list's number ("1)", "(ii)") and articles before a measure's name
_LEADING_WORDS = re.compile(r"^(?:[:\-–]\s*)?(?:\(?(?:\d{1,2}|[ivx]{1,4}|[a-h])\)\s*)?"
                            r"(?:(?:and|along with|as well as|the|a|an|both|either|each|all|any|of)\s+)*", re.I)
_TRAILING = re.compile(r"(?:[\s,;:.\-–]+|\s+(?:and|or|etc|as|of|in|at|for|by|with|to|from|on))+$", re.I)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_BRACKETS = {"(": ")", "[": "]"}
_RESPECTIVELY = re.compile(r",?\s+respectively\b", re.I)
_GLUED_SENTENCE = re.compile(r"[.!?](?=[A-Z][a-z])")
_CODE_IN_BRACKETS = re.compile(r"[(\[][\w-]{1,6}[)\]]\s+\w")
_CITATION_NUMBER = re.compile(r",\d{1,3}(?:[,–-]\d{1,3})*\s*$")  # "the Chalder Fatigue Scale,19"
# the kinds of a statement that names two ("primary and secondary outcomes were")
_BOTH_KINDS = r"(?:{kinds})\s*(?:and|or|/|,)\s*$"


def _check_rules(path: Path, rules: dict[str, Any]) -> None:
    """`RulesError` unless every key of endpoint_statements.json is there and of the right kind."""
    def words(value: Any) -> bool:
        return isinstance(value, list) and bool(value) and all(isinstance(w, str) and w.strip() for w in value)

    kinds = rules.get("kinds")
    problems = [key for key in _LISTS if not words(rules.get(key))]
    if not (isinstance(kinds, dict) and kinds and set(kinds) <= set(ENDPOINT_KINDS)
            and all(words(v) for v in kinds.values())):
        problems.append(f"kinds (a map of {', '.join(ENDPOINT_KINDS)} to words)")
    not_after = rules.get("nouns_not_after")
    if not (isinstance(not_after, dict) and all(words(v) for v in not_after.values())):
        problems.append("nouns_not_after (a map of nouns to kind words)")
    if not (isinstance(rules.get("max_words"), int) and rules["max_words"] > 0):
        problems.append("max_words (a whole number above 0)")
    if problems:
        raise RulesError(path, None, f"missing or malformed: {'; '.join(problems)}")


def _subject_start(text: str, sentence_start: int, end: int) -> int | None:
    """Where the subject before a statement starts: after the sentence's last clause break outside brackets
    ("At 12 months, SmfD was the primary outcome"); None when the statement closes a bracket it is inside of."""
    depth = 0
    for i in range(end - 1, sentence_start - 1, -1):
        char = text[i]
        if char in _BRACKETS.values():
            depth += 1
        elif char in _BRACKETS:
            if depth == 0:
                return None
            depth -= 1
        elif depth == 0 and char in ",;" and text[i + 1 : i + 2].isspace():
            return i + 2
    return None if depth else sentence_start


@dataclass(frozen=True)
class Measure:
    """One measure a statement names: its characters `start`..`end` and its kind."""

    start: int
    end: int
    kind: str


class EndpointStatementReader(DataFilesComponent):
    """Mark the measures a paper names as its primary, secondary or other endpoints."""

    def __init__(self, rules_path: str | Path = DEFAULT_RULES, function_words_path: str | Path = DEFAULT_FUNCTION_WORDS,
                 number_words_path: str | Path = DEFAULT_NUMBER_WORDS) -> None:
        self.data_files = {"endpoint_statements.json": str(rules_path), "function_words.txt": str(function_words_path),
                           "number_words.tsv": str(number_words_path)}

    def load_data(self) -> None:
        path = self.data_path("endpoint_statements.json")
        rules = read_rules_json(path)
        _check_rules(path, rules)
        self.kind_of = {word.lower(): kind for kind, words in rules["kinds"].items() for word in words}
        kinds = word_alternation(list(self.kind_of))
        qualifiers, nouns = word_alternation(rules["qualifiers"]), word_alternation(rules["nouns"])
        linkers = word_alternation([w for w in rules["linkers"] if w != ":"])
        of_study = r"(?:\s+(?:of|for|in)\s+(?:the|this|our)\s+(?:present\s+|current\s+)?(?:study|trial|analysis))?"
        # "The primary (efficacy) outcome (of the study) was|included|:" and the measures after
        self.statement = re.compile(
            rf"\b(?P<kind>{kinds})\s+(?:(?:{qualifiers})\s+)?(?P<noun>{nouns})(?:\s*\([^()]{{1,40}}\))?{of_study}"
            rf"(?:\s*:|\s+(?:{linkers})\b)", re.I)
        # the measure named first: "Infection with intestinal helminths at month 1 was an exploratory outcome."
        self.statement_after = re.compile(
            rf"\s(?P<linker>was|were|is|are|will be|served as)\s+(?:the|an|a|our|one of the)\s+"
            rf"(?:(?:only|key|sole)\s+)?"
            rf"(?P<kind>{kinds})\s+(?:(?:{qualifiers})\s+)?(?P<noun>{nouns})\b{of_study}(?=\s*(?:[.;,]|and\b|$))", re.I)
        self.both_kinds = re.compile(_BOTH_KINDS.format(kinds=kinds), re.I)
        self.function_words = read_word_list(self.data_path("function_words.txt"))
        self.number_words = frozenset(row["word"].lower() for row in read_rules_tsv(
            self.data_path("number_words.tsv"), ("word", "value")))
        self.not_measures = frozenset(w.lower() for w in rules["not_measures"])
        self.nouns_in_al = frozenset(w.lower() for w in rules["nouns_in_al"])
        self.time_words = frozenset(w.lower() for w in rules["time_words"])
        self.frame_words = frozenset(w.lower() for w in rules["frame_words"])
        self.shared_heads = frozenset(w.lower() for w in rules["shared_heads"])
        self.max_words = rules["max_words"]
        self.nouns_not_after = {noun.lower(): frozenset(w.lower() for w in kinds)
                                for noun, kinds in rules["nouns_not_after"].items()}
        cuts = word_alternation(rules["cuts"])
        # a cut word, or a method's participle before a function, frame or cut word ("measured at", "compared
        # between"; not "the distance covered during the test")
        method_words = word_alternation(rules["method_words"])
        followers = word_alternation(sorted(self.function_words | self.frame_words))
        self.cut = re.compile(rf"[,\s]+(?:{cuts})\b(?!['’])"
                              rf"|\s+(?:{method_words})\s+(?:{followers}|{cuts})\b(?!['’])"
                              r"|\s{2,}", re.I)  # two spaces: the cells of a table row read as text

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        text = doc.text
        matches = list(self.statement.finditer(text))
        matches_after = list(self.statement_after.finditer(text))
        if not matches and not matches_after:
            return doc
        sentences = sentence_spans(doc)
        starts = [s.start_char for s in sentences]

        def sentence_of(match: re.Match[str]) -> Span:
            return sentences[bisect.bisect_right(starts, match.start()) - 1]

        measures: list[Measure] = []
        stated_in: set[int] = set()  # sentences with a statement that names its measures after it
        for i, match in enumerate(matches):
            sentence = sentence_of(match)
            stated_in.add(sentence.start)
            limit = sentence.end_char
            if i + 1 < len(matches) and matches[i + 1].start() < limit:
                limit = matches[i + 1].start()
            if (self.both_kinds.search(text[sentence.start_char : match.start()]) or _STATISTICS.search(sentence.text)
                    or self._not_an_endpoint(match)):
                continue
            plural = match["noun"].lower().endswith("s")
            measures.extend(Measure(s, e, self.kind_of[match["kind"].lower()])
                            for s, e in self.measures(text, match.end(), limit, plural))
        for match in matches_after:
            sentence = sentence_of(match)
            if sentence.start in stated_in or _STATISTICS.search(sentence.text) or self._not_an_endpoint(match):
                continue
            subject = _subject_start(text, sentence.start_char, match.start())
            if subject is None:
                continue
            plural = match["linker"].lower() in ("were", "are") or match["noun"].lower().endswith("s")
            measures.extend(Measure(s, e, self.kind_of[match["kind"].lower()])
                            for s, e in self.measures(text, subject, match.start(), plural))
        if measures:
            doc.ents = self._marked(doc, measures)
        return doc

    def _not_an_endpoint(self, match: re.Match[str]) -> bool:
        """Whether the statement's noun names no endpoint after its kind word ("the main measures" taken)."""
        return match["kind"].lower() in self.nouns_not_after.get(match["noun"].lower(), ())

    def measures(self, text: str, start: int, end: int, plural: bool) -> list[tuple[int, int]]:
        """The (start, end) characters of the measures named in `text[start:end]`, the words after a statement."""
        # "... were A or B, respectively, post hoc analysis"; "... website).We also assessed": a sentence unsplit
        stop = _RESPECTIVELY.search(text, start, end) or _GLUED_SENTENCE.search(text, start, end)
        parts = self._parts(text, start, stop.start() if stop else end, plural)
        found: list[tuple[int, int]] = []
        named = False  # whether a part with words came before
        for s, e in parts:
            had_words = bool(_WORD.search(text, s, e))
            s, e = self._trimmed(text, s, e)
            words = _WORD.findall(text[s:e])
            if not words:
                if had_words and not named:
                    return []  # "were analysed using GEE": cut away, the words reported on the endpoint
                continue
            if self._reports(text[s:e], words):
                if not named:
                    return []  # "the primary outcome was similar in both groups": no measure is named
            elif len(text[s:e].split()) <= self.max_words:
                found.append((s, e))
            named = True
        return found

    def _parts(self, text: str, start: int, end: int, plural: bool) -> list[tuple[int, int]]:
        """The words after a statement parted into one piece per measure: at brackets' top level, a list of a
        plural noun at ",", ";" and "and"; one measure up to ";" for a singular noun."""
        cuts: list[tuple[int, int]] = []  # (end of a part, start of the next)
        depth, i = 0, start
        while i < end:
            char = text[i]
            if char in _BRACKETS:
                depth += 1
            elif char in _BRACKETS.values():
                depth = max(0, depth - 1)
            elif depth == 0 and char == ";":
                if not plural:
                    end = i
                    break
                cuts.append((i, i + 1))
            elif depth == 0 and plural and char == ",":
                after = re.match(r",\s*(?:and\s+)?", text[i:end])
                cuts.append((i, i + after.end()))
                i += after.end()
                continue
            elif depth == 0 and plural and text.startswith("and", i) and text[i - 1].isspace() \
                    and (i + 3 >= end or text[i + 3].isspace()) and not self._shares_what_follows(text, start, i):
                cuts.append((i, i + 4))
            i += 1
        parts, part_start = [], start
        for cut_start, cut_end in cuts:
            parts.append((part_start, cut_start))
            part_start = cut_end
        parts.append((part_start, end))
        merged: list[tuple[int, int]] = []
        for s, e in parts:
            if merged and self._belongs_before(text[s:e], text[merged[-1][0] : merged[-1][1]]):
                merged[-1] = (merged[-1][0], e)
            else:
                merged.append((s, e))
        return merged

    def _shares_what_follows(self, text: str, start: int, at: int) -> bool:
        """Whether the word before "and" at `at` shares the words after it: an adjective ("systolic and
        diastolic blood pressure"), a preposition ("the occurrence of and deaths from breast cancer") or a measure's
        head word alone ("frequency and severity of hypoglycaemia"), not the end of a measure ("overall survival and
        PFS")."""
        part = text[max(start, text.rfind(",", start, at) + 1, text.rfind(";", start, at) + 1) : at]
        words = [w for w in part.split() if _WORD.search(w)]  # without a list's numbers ("2) frequency")
        if not words:
            return False
        word = words[-1].lower().strip(",").rsplit("-", 1)[-1]  # "3-year-survival"
        if len(words) == 1 and word in self.shared_heads:  # "frequency and severity of hypoglycaemia"
            return True
        return (word.endswith(_ADJECTIVE_ENDINGS) and word not in self.nouns_in_al) or word in self.function_words

    def _belongs_before(self, part: str, before: str) -> bool:
        """Whether a part of a list ends the measure before it, as a time frame: numbers and time words only
        ("at months 1, 6, and 18", "6, 12 months"), numbers after a number ("at months 2, 4 and 7 after
        enrolment"), or a time after a time ("at six months and one year of treatment"); not a measure of its
        own ("at 6 months, 7 day point prevalence")."""
        words = [w.lower().strip(".,") for w in part.split()]
        previous = [w.lower().strip(".,") for w in before.split()]
        if not words or not previous:
            return False
        if all(w.isdigit() or w in self.time_words or w in ("and", "or") for w in words):
            return True
        if words[0].isdigit() and previous[-1].isdigit():
            return True
        return (previous[-1] in self.time_words and (words[0].isdigit() or words[0] in self.number_words)
                and len(words) > 1 and words[1] in self.time_words
                and (len(words) == 2 or words[2] in self.function_words | self.frame_words))

    def _trimmed(self, text: str, start: int, end: int) -> tuple[int, int]:
        """The measure's name in `text[start:end]`: up to a bracket or a cut, without leading articles and
        trailing punctuation."""
        piece = text[start:end]
        bracket = re.search(r"[(\[]", piece)
        one_word_code = bracket and len(piece[: bracket.start()].split()) == 1 and _CODE_IN_BRACKETS.match(
            piece, bracket.start())  # a word's code: "curative (R0) resection rates" goes on
        if bracket and not one_word_code:
            piece = piece[: bracket.start()]
        piece = _CITATION_NUMBER.sub("", piece)
        cut = self.cut.search(piece)
        if cut:
            piece = piece[: cut.start()]
        stripped = piece.lstrip()
        start += len(piece) - len(stripped)
        lead = _LEADING_WORDS.match(stripped)
        if lead:
            start += lead.end()
            stripped = stripped[lead.end() :]
        stripped = stripped.split(": ", 1)[0]  # "health care costs: inpatient costs will be assessed"
        tail = _TRAILING.search(stripped)
        if tail:
            stripped = stripped[: tail.start()]
        return start, start + len(stripped)

    def _reports(self, name: str, words: list[str]) -> bool:
        """Whether the words after the statement report on the endpoint ("met", "similar", "assessed at 6
        months", "planned") instead of naming it."""
        first = words[0].lower()
        if first in self.not_measures:
            return True
        if first.endswith("ed") and name.lstrip().lower().startswith(first):
            rest = name.lstrip()[len(first) :].split()  # "planned", "compared descriptively", "predicted by"
            return not rest or rest[0].lower() in self.function_words or rest[0].lower().endswith("ly")
        return False

    def _names_concept(self, inner: Span, measure: Span) -> bool:
        """Whether the endpoint `inner` is what the measure around it measures: at most two words before it and
        nothing, or a time frame or population, after it ("overall survival at 2 years", "heart
        failure-related quality of life"; not "AUC for plasma HIV RNA", "the difference in change of HbA1c")."""
        before = measure.doc[measure.start : inner.start].text.split()
        after = measure.doc[inner.end : measure.end].text.split()
        return len(before) <= 2 and (not after or after[0].lower().strip(",") in self.frame_words)

    def _marked(self, doc: Doc, measures: list[Measure]) -> tuple[Span, ...]:
        """`doc.ents` with an ENDPOINT span over each measure that crosses no mention and holds no drug or dose."""
        ents = list(doc.ents)
        for measure in measures:
            span = doc.char_span(measure.start, measure.end, alignment_mode="contract")
            if span is None or not len(span):
                continue
            overlapping = [e for e in ents if e.start < span.end and e.end > span.start]
            if any(e.start < span.start or e.end > span.end or e.label_ in (*DRUG_LABELS, "DOSE")
                   for e in overlapping):
                continue
            same = [e for e in overlapping if (e.start, e.end) == (span.start, span.end) and e.label_ == "ENDPOINT"]
            if same:
                same[0]._.endpoint_kind = measure.kind
                continue
            endpoint = Span(doc, span.start, span.end, label="ENDPOINT")
            endpoint._.source = SOURCE
            endpoint._.endpoint_kind = measure.kind
            inner = [e for e in overlapping if e.label_ == "ENDPOINT"]
            if len(inner) == 1 and self._names_concept(inner[0], endpoint):
                endpoint._.norm = list(inner[0]._.norm or [])
                endpoint._.concept = inner[0]._.concept
                endpoint._.concept_span = (inner[0].start_char, inner[0].end_char)
            ents = [e for e in ents if e not in overlapping]
            ents.append(endpoint)
        return tuple(sorted(ents, key=lambda e: e.start))
