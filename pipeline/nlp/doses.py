"""DOSE mentions in plain text, parsed into amount, unit, route, frequency, schedule and dose level.

Pure logic over character offsets (the spaCy component in `dose_component.py` turns them into spans). The word
lists live in models/rules/ (dose_units.tsv, routes.tsv, frequencies.tsv, dose_levels.tsv, number_words.tsv,
dose_unit_codes.tsv); this module adds the small grammar that combines them.

What becomes a Dose, and its span:
- an amount with a dose unit: "400 mg", "10–50 mcg/kg", "up to 400 mg", "2 x 10(6) IU", "ten mcg kg". The span
  also takes a frequency that directly follows, with a route adverb between them ("400 mg orally twice daily"),
  and a total period or volume ("2300 mg in 3 days", "1.25 mg in 0.1 ml"). A list sharing one unit gives one
  Dose per number ("10, 30, 40 and 50 mcg/kg": "10", "30", "40", "50 mcg/kg").
- a dose level or qualitative dose from dose_levels.tsv: "maximum tolerated dose (MTD)", "dose level 3",
  "reduced dose", "high-dose", "overdose". An amount tied to it by "of", a parenthesis or a copula ("the MTD ...
  was determined to be 30 mcg/kg/day") also carries it in `level`.
- a regimen without an amount: "Day 1-5 and 15-19 of each 6-week treatment course" (a schedule naming days or
  weeks of a cycle or course), and a counted frequency on its own ("4 times per day").
Route, frequency and schedule words in the same clause fill the attributes even outside the span ("oral sorafenib
400 mg twice daily": span "400 mg twice daily", route oral).

Not doses: numbers without a dose unit ("52 patients", "grade 3", "7-week", "95% CI", "31 (94)", "63 (48–77)"),
concentrations, densities and flows: a unit with a volume, mass or area denominator ("creatinine 1.5 mg/dL",
"0.112 ng/mL", "9.0 g/dl", "20 micro g/g", "653 g/cm(2)") or a volume per time ("60 mL/min"); and body or animal
weights ("rats weighing 150-200 g"). Percentages are never doses.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from pipeline.resources import model_path, read_rules_tsv, read_word_list

RULES_DIR = "rules"
# the files of a rules folder the dose grammar reads, and their columns
RULE_FILES = {
    "number_words.tsv": ("word", "value"),
    "dose_units.tsv": ("surface", "canonical", "role", "case"),
    "dose_unit_codes.tsv": ("canonical", "cdisc_value", "nci_code", "nci_preferred_term"),
    "routes.tsv": ("surface", "route", "cdisc_value", "nci_code", "case", "inline"),
    "frequencies.tsv": ("surface", "frequency", "cdisc_value", "nci_code", "case"),
    "dose_levels.tsv": ("surface", "level", "case"),
}
# How far (characters) attributes are looked for before and after an amount, within its clause.
LEFT_WINDOW = 80
RIGHT_WINDOW = 160
# Longest list of numbers read as one amount or schedule ("10, 30, 40 and 50 mcg/kg"); bounds the scan cost.
MAX_LIST = 12
# A level phrase names the level of an amount at most this far away in the same sentence.
LEVEL_REACH = 160


@dataclass
class Dose:
    """One DOSE mention: character offsets into the text and the parsed attributes (None where not stated)."""

    start: int
    end: int
    text: str
    amount: float | None = None
    amount_low: float | None = None
    amount_high: float | None = None
    upper_bound: bool = False
    unit: str | None = None
    unit_code: str | None = None
    route: str | None = None
    route_code: str | None = None
    route_text: str | None = None
    frequency: str | None = None
    frequency_code: str | None = None
    frequency_text: str | None = None
    schedule: str | None = None
    level: str | None = None
    # the amount's place among those of a fixed-dose combination ("400/100 mg": 0 for 400, 1 for 100), whose
    # drugs are named in the same order ("lopinavir/ritonavir"); None for an amount of its own
    ingredient: int | None = None
    # the amounts of a fixed-dose combination kept as one dose, its drugs not parted ("Kaletra 400/100 mg")
    amounts: tuple[float | None, ...] | None = None


class _Term(NamedTuple):
    """A normalized value of a lexicon entry: name and NCIt code."""

    name: str
    code: str | None


# ----------------------------------------------------------------------------- data files


def _read_tsv(directory: Path, name: str) -> list[dict[str, str]]:
    """Rows of one of the `RULE_FILES`, checked against its columns (`RulesError` with the file and line)."""
    return read_rules_tsv(directory / name, RULE_FILES[name])


def _key(surface: str) -> str:
    """Lookup key of a surface form: lowercase, runs of space or hyphen as one space."""
    return re.sub(r"[\s\-]+", " ", surface.strip().lower())


def _unit_key(surface: str) -> str:
    """Lookup key of a unit atom: spaces dropped too, since unit patterns let them vary ("sq m", "sqm")."""
    return _key(surface).replace(" ", "")


def _level_key(surface: str) -> str:
    """Lookup key of a dose-level surface: as `_key`, with doses/dosage written "dose"."""
    return re.sub(r"\bdos(?:es|ages?)\b", "dose", _key(surface))


def _phrase(surface: str, case: str, gap: str = r"[\s\-]+", dose_word: bool = False) -> str:
    """Regex for a surface form: words joined by `gap`; exact case when `case` is 's'."""
    words = []
    for word in surface.split():
        if dose_word and word == "dose":
            words.append(r"dos(?:es?|ages?)")
        elif word == "#":
            words.append(r"(?P<level_number>\d+)")
        else:
            words.append(re.escape(word))
    body = gap.join(words)
    return body if case == "i" else f"(?-i:{body})"


def _first_characters(surfaces: Iterable[str]) -> str:
    """A character class of the first characters of `surfaces` ("[eft]"; "#", a number's place, is a digit).
    As a lookahead before their alternation it turns most word starts away at one character instead of
    trying every alternative there."""
    firsts = sorted({r"\d" if s[0] == "#" else re.escape(s[0]) for s in surfaces})
    return "[" + "".join(firsts) + "]"


def _alternation(patterns: list[tuple[str, str]]) -> str:
    """Alternation of (surface, regex) pairs, longest surface first so the longest form wins."""
    ordered = sorted(set(patterns), key=lambda p: (-len(p[0]), p[0]))
    return "|".join(regex for _, regex in ordered)


class DoseRules:
    """Compiled patterns and lookup tables built from the dose rule files (`RULE_FILES`) of one folder."""

    def __init__(self, directory: str | Path = RULES_DIR) -> None:
        self.directory = model_path(directory)
        self._load_numbers()
        self._load_units()
        self._load_routes()
        self._load_frequencies()
        self._load_levels()
        self._build_schedule()
        self._build_master()

    # -- numbers
    def _load_numbers(self) -> None:
        self.number_words = {row["word"]: int(row["value"]) for row in _read_tsv(self.directory, "number_words.tsv")}
        tens = sorted((w for w, v in self.number_words.items() if v % 10 == 0 and 20 <= v < 100), key=len, reverse=True)
        ones = sorted((w for w, v in self.number_words.items() if v < 10), key=len, reverse=True)
        singles = sorted(self.number_words, key=len, reverse=True)
        compound = rf"(?:{'|'.join(tens)})[\s\-](?:{'|'.join(ones)})"
        word = rf"(?={_first_characters(singles)})(?:{compound}|{'|'.join(singles)})(?![\w])"
        self.number_word = word
        digits = r"(?:\d{1,3}(?:,\d{3})+(?![\d])|\d+)(?:\.\d+)?|\.\d+"
        self.number = rf"(?:{digits}|{word})"
        exponent = r"\s*[x×]\s*10\s*(?:\(\s*\d+\s*\)|\^\s*\d+|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
        spread = rf"\s*(?:±|\+/-|\+/−|\+-)\s*{self.number}"
        self.number_item = rf"{self.number}(?:{spread})?(?:{exponent})?"
        self.number_item_re = re.compile(self.number_item, re.I)

    # -- units
    def _load_units(self) -> None:
        self.unit_atoms: dict[tuple[str, str], tuple[str, str]] = {}  # (key, kind) -> (canonical, role)
        bases, denominators, spaced = [], [], []
        for row in _read_tsv(self.directory, "dose_units.tsv"):
            surface, role, case = row["surface"], row["role"], row["case"]
            kind = "denominator" if role.startswith("per_") else "base"
            self.unit_atoms[(_unit_key(surface), kind)] = (row["canonical"], role)
            pattern = (surface, _phrase(surface, case, gap=r"\s?"))
            (denominators if kind == "denominator" else bases).append(pattern)
            if surface in ("kg", "m2", "day"):
                spaced.append(pattern)
        self.unit_codes = {row["canonical"]: row["nci_code"] for row in _read_tsv(self.directory, "dose_unit_codes.tsv")}
        base = rf"(?:{_alternation(bases)})(?![\w\-])(?!\.[A-Za-z])"
        inverse = r"\s?(?:-1|−1|⁻¹|\((?:-|−)1\))"
        denominator = rf"(?:{_alternation(denominators)})(?:{inverse})?(?![\w\-])"
        # A space for the slash: "mg kg-1 day-1", and in noisy text "mcg kg" for kg, m2 and day, never before a
        # number ("day 1").
        spaced_denominator = (
            rf"(?:{_alternation(denominators)}){inverse}(?![\w\-])|(?:{_alternation(spaced)})(?![\w\-])(?!\s*\d)"
        )
        per = rf"(?:\.?\s*/\s*|\s+per\s+|\s*[·⋅]\s*)(?P<den{{n}}>{denominator})|\s+(?P<sden{{n}}>{spaced_denominator})"
        self.unit = rf"(?P<base>{base})(?:{per.format(n=1)})?(?:{per.format(n=2)})?"
        self.denominator_groups = ("den1", "sden1", "den2", "sden2")

    # -- routes
    def _load_routes(self) -> None:
        self.routes: dict[str, _Term] = {}
        every, inline = [], []
        for row in _read_tsv(self.directory, "routes.tsv"):
            self.routes[_key(row["surface"]) if row["case"] == "i" else row["surface"]] = _Term(row["route"], row["nci_code"])
            pattern = (row["surface"], _phrase(row["surface"], row["case"]))
            every.append(pattern)
            if row["inline"] == "yes":
                inline.append(pattern)
        bracketed = r"(?:\s*\((?-i:IV|i\.v\.|PO|p\.o\.|SC|s\.c\.|IM|i\.m\.)\))?"
        form = r"(?:[\s\-]+(?:injection|infusion|bolus|push|administration|route))?"
        self.route_re = re.compile(
            rf"(?<![\w.])(?:(?:rapid|slow|fast|continuous)\s+)?(?P<route>{_alternation(every)}){bracketed}{form}(?![\w])",
            re.I,
        )
        self.inline_route = rf"(?<![\w.])(?:{_alternation(inline)})(?![\w])"
        self.roman_context = re.compile(
            r"(?:stage|grade|phase|class|type|table|figure|fig\.|part|level|category|nyha|cycle|arm|group|cohort"
            r"|day|week|factor|collagen|section|step|[ivx]+)\s*(?:,|or|and|to|-|–|/)?\s*$",
            re.I,
        )

    # -- frequencies
    def _load_frequencies(self) -> None:
        self.frequencies: dict[str, _Term] = {}
        self.frequency_codes: dict[str, str] = {}
        literal = []
        for row in _read_tsv(self.directory, "frequencies.tsv"):
            surface = row["surface"]
            self.frequencies[_key(surface) if row["case"] == "i" else surface] = _Term(row["frequency"], row["nci_code"])
            self.frequency_codes[row["frequency"]] = row["nci_code"]
            literal.append((surface, _phrase(surface, row["case"])))
        count = rf"(?P<count>{self.number}|once|twice|thrice)"
        every = (
            rf"(?:once\s+)?every\s+(?P<every_n>{self.number}|other)\s*-?\s*"
            r"(?P<every_unit>hours?|hrs?|days?|weeks?|wks?|months?)"
        )
        q_form = r"q\.?\s?(?P<q_n>\d+)\s?(?P<q_unit>hours|hrs?|h|days?|d|weeks?|wks?|w|months?|m)"
        ly_form = rf"(?P<ly_n>{self.number})[\s\-](?P<ly_unit>hourly|daily|weekly|monthly)"
        times = rf"{count}\s+times?\s*(?:a|per|each|every|/)?\s*(?P<times_unit>day|daily|everyday|week|weekly|month|monthly)"
        repeat = rf"\s*[x×]\s*{self.number}(?:\s*(?:days?|doses?))?"
        self.repeat_re = re.compile(rf"{repeat}$", re.I)
        self.frequency = rf"(?<![\w.])(?:{times}|{every}|{q_form}|{ly_form}|{_alternation(literal)})(?![\w])(?:{repeat})?"
        self.frequency_re = re.compile(self.frequency, re.I)
        # Counted frequencies that are a Dose on their own: "4 times per day", "twice daily".
        self.standalone_frequency = (
            rf"(?:(?:(?<![\d.])\d{{1,2}}(?![.,]\d)|{self.number_word})\s+times?|once|twice|thrice)\s*(?:a|per|each|every|/)?\s*"
            r"(?:day|daily|everyday|week|weekly)(?![\w])"
        )

    # -- levels
    def _load_levels(self) -> None:
        self.levels: dict[str, str] = {}
        patterns = []
        for row in _read_tsv(self.directory, "dose_levels.tsv"):
            surface = row["surface"]
            self.levels[_level_key(surface) if row["case"] == "i" else surface] = row["level"]
            patterns.append((surface, _phrase(surface, row["case"], dose_word=True)))
        # The "#" group may occur only once in a pattern: number the copies.
        alternation = _alternation(patterns)
        copies = iter(range(100))
        alternation = re.sub(r"\(\?P<level_number>", lambda _: f"(?P<level_number{next(copies)}>", alternation)
        first = _first_characters(surface for surface, _ in patterns)
        self.level = rf"(?<![\w'])(?={first})(?:{alternation})(?![\w])(?:\s*\((?-i:[A-Z][A-Za-z0-9]{{1,6}})\))?"
        self.level_surface_re = re.compile(rf"(?:{alternation})", re.I)

    # -- schedules
    def _build_schedule(self) -> None:
        n = rf"(?:\d+|{self.number_word})"
        note = r"(?:\s*\((?:week|wk|day|cycle)s?\s*\d+\))?"
        item = rf"{n}(?:\s*(?:-|–|—|to|through)\s*{n})?{note}"
        strict_list = rf"{item}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*){item}){{0,{MAX_LIST - 1}}}"
        # Noisy text drops the dash of a range: "days one five and 15 19".
        loose_list = rf"{item}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s+){item}){{0,{MAX_LIST - 1}}}"
        period = rf"(?:{n}[\s\-]*(?:week|wk|day|month)s?(?:[\s\-]+long)?\s+)?"
        cycle = (
            rf"of\s+(?:each|every|a|an|the|this)\s+{period}"
            r"(?:(?:treatment|therapy|dosing|chemotherapy)\s+)?(?:course|cycle|period|program|regimen)"
        )
        days = r"(?:days?|d)"
        # A regimen on its own must name its cycle or weeks: "Day 1-5 and 15-19 of each 6-week treatment course".
        standalone = (
            rf"\b{days}\s+{loose_list}(?:\s+of\s+weeks?\s+{loose_list}(?:\s+{cycle})?|\s+{cycle})"
            rf"|\bweeks?\s+{loose_list}\s+{cycle}"
        )
        # Next to an amount, a bare day or week list needs "on": "on days 1 and 8", not "on hospital day 2".
        attached = (
            rf"\bon\s+{days}\s+{strict_list}(?:\s+of\s+weeks?\s+{strict_list})?(?:\s+{cycle})?"
            rf"|\b(?:on|during)\s+weeks?\s+{strict_list}(?:\s+{cycle})?"
            rf"|\bfor\s+(?:the\s+)?(?:first\s+)?{n}\s+(?:consecutive\s+)?(?:days|weeks|months|cycles|courses|years)\b"
            rf"|\b(?:starting|beginning)\s+on\s+day\s+{n}\b"
        )
        self.standalone_schedule = standalone
        self.schedule_re = re.compile(rf"(?:{standalone}|{attached})(?![\w])", re.I)

    # -- master scanner
    def _build_master(self) -> None:
        prefix = r"(?P<prefix>\b(?:up\s+to|between)\s+)"
        # (after a unit's "/", an amount may be the next ingredient of a combination: "300 mg/100 mg")
        start = r"(?:(?<![\w.,/])|(?<=[^\W\d_]/))(?<!\w-)"
        separator = r"(?:\s*(?:-|–|—|/)\s*|\s+(?:to|and|or)\s+|\s*,\s+(?:and\s+|or\s+)?)"
        amount = (
            rf"(?:{prefix}|{start})(?P<numbers>{self.number_item}(?:{separator}{self.number_item}){{0,{MAX_LIST - 1}}})"
            rf"\s*-?\s*{self.unit}"
        )
        total = rf"\s+(?:in|over)\s+{self.number}\s*(?:days?|weeks?|months?|m[lL])(?![\w])"
        connector = r"(?:(?:taken|given|administered|infused|injected)\s+)?"
        self.chain_re = re.compile(
            rf"(?:(?:\s*,?\s*{connector}(?P<chain_route>{self.inline_route}))?\s*,?\s*(?P<chain_freq>{self.frequency}))?"
            rf"(?P<chain_total>{total})?",
            re.I,
        )
        # Every branch starts after a non-word character; saying so first makes the scan skip the
        # inside of words at once (a third faster, same matches).
        self.master_re = re.compile(
            rf"(?<!\w)(?:(?P<amount>{amount})|(?P<level>{self.level})"
            rf"|(?P<schedule>(?:{self.standalone_schedule})(?![\w]))"
            rf"|(?P<frequency>(?<![\w]){self.standalone_frequency}))",
            re.I,
        )
        # Grams that weigh an animal or a person, not a drug: "rats weighing 150-200 g", "Wistar rats (180 g)",
        # "neonates with a birthweight <750g", "infants less than 750 grams birthweight".
        self.weight_cue_re = re.compile(
            r"\b(?:weigh\w*|(?:body\s+|birth\s*)?weight(?:\s+of)?|BW|rats?|mice|mouse|rabbits?|dogs?|pigs?|animals?|males?"
            r"|females?|born|neonates?|infants?|newborns?)\s*(?:of|:|=|\()?\s*"
            r"(?:[<>≤≥]=?|(?:less|more|lighter|heavier) than|under|over|below|above)?\s*(?:about\s+|approximately\s+)?$",
            re.I,
        )
        self.birth_weight_re = re.compile(r"\s*(?:at\s+)?birth\s*weight|\s*birthweight", re.I)
        self.counted_noun_re = re.compile(
            r"\b(?:grades?|phases?|days?|weeks?|cycles?|courses?|stages?|levels?|arms?|cohorts?|groups?|tables?"
            r"|figures?|versions?|n\s*=)\s*$",
            re.I,
        )
        # Clause and sentence ends; the period of an abbreviation ("i.v.", "b.i.d.") ends neither.
        self.sentence_re = re.compile(r"\n|;|(?<!\.[A-Za-z])\.(?=\s+[A-Z(\[]|\s*$)")
        self.break_re = re.compile(self.sentence_re.pattern + r"|\s(?i:plus|\+|versus|vs\.?|followed by)\s")
        self.copula_re = re.compile(
            r"\b(?:was|were|is|are)\s+(?:(?:determined|identified|established|defined|found|confirmed|set|selected|"
            r"chosen)\s+(?:to\s+be|as|at)\s+)?(?:the\s+)?$",
            re.I,
        )
        self.copula_after_re = re.compile(
            r"^\s*(?:was|were|is|are)\s+(?:(?:determined|identified|established|defined|found|confirmed|selected|"
            r"chosen)\s+(?:to\s+be|as)\s+)?(?:the\s+)?$",
            re.I,
        )
        self.starting_at_re = re.compile(r"\b(?:starting|beginning)\s+(?:at|with|from)\s+(?:the\s+|a\s+)?$", re.I)
        self.level_gap_re = re.compile(
            r"^\s*(?:\([^()]{0,12}\)\s*)?(?:of|at|:|=|was|is|were|,)?\s*$"
            r"|^\s*(?:of\s+)?[\w\-]+(?:\s+[\w\-]+)?\s*\(\s*(?:usually|mean|median|starting\s+at|i\.e\.,?)?\s*$",
            re.I,
        )


def rules_of(directory: str | Path = RULES_DIR) -> DoseRules:
    """The dose rules of `directory` (default models/rules), compiled once per process and folder."""
    return _compiled_rules(model_path(directory).resolve())


@lru_cache(maxsize=4)
def _compiled_rules(directory: Path) -> DoseRules:
    return DoseRules(directory)


# the files of a rules folder that name what qualifies a drug's name: route adjectives, dose levels, dosage forms
DRUG_QUALIFIER_FILES = ("routes.tsv", "dose_levels.tsv", "dosage_forms.txt")


@dataclass(frozen=True)
class DrugQualifiers:
    """Words written with a drug's name that are not part of it: route adjectives ("oral", "subconjunctival"),
    dose levels ("low-dose") and dosage forms ("spray", "eye drops"). A drug mention leaves them to the dose, so
    "low-dose aspirin" and "aspirin" name one drug."""

    phrases: frozenset[str]  # `_key`s
    longest: int  # words in the longest phrase

    @classmethod
    def load(cls, directory: str | Path = RULES_DIR) -> DrugQualifiers:
        """The qualifiers of the rules folder `directory` (default models/rules): every route surface, every dose
        level without a number, every line of dosage_forms.txt."""
        directory = model_path(directory)
        phrases = {_key(row["surface"]) for row in _read_tsv(directory, "routes.tsv")}
        phrases |= {_level_key(row["surface"]).strip("'") for row in _read_tsv(directory, "dose_levels.tsv")
                    if "#" not in row["surface"]}
        phrases |= {_key(line) for line in read_word_list(directory / "dosage_forms.txt")}
        phrases = {phrase.replace("'", "") for phrase in phrases}
        return cls(frozenset(phrases), max(len(phrase.split()) for phrase in phrases))

    def cover(self, text: str) -> bool:
        """Whether `text` is nothing but qualifiers ("", "low-dose", "intravenous", "low-dose oral")."""
        words = _level_key(text).split()
        ends = {0}  # word positions a run of whole qualifiers reaches
        for start in range(len(words)):
            if start in ends:
                ends.update(start + size for size in range(1, self.longest + 1)
                            if " ".join(words[start:start + size]) in self.phrases)
        return len(words) in ends


# ----------------------------------------------------------------------------- parsing helpers


def _number_value(rules: DoseRules, text: str) -> float | None:
    """Value of one number as written: "1,500", "0.5", "ten", "twenty-five"; None if unreadable."""
    words = rules.number_words
    text = text.strip().lower()
    if text and (text[0].isdigit() or text[0] == "."):
        return float(text.replace(",", ""))
    parts = re.split(r"[\s\-]+", text)
    if all(part in words for part in parts):
        return float(sum(words[part] for part in parts))
    return None


def _item_value(rules: DoseRules, text: str) -> float | None:
    """Value of a number item, with "2 x 10(6)" read as 2e6 and "21.9 +/- 10.9" as its mean."""
    head = re.match(rules.number, text, re.I)
    if head is None:
        return None
    value = _number_value(rules, head.group(0))
    power = re.search(r"[x×]\s*10\s*(?:\(\s*(\d+)\s*\)|\^\s*(\d+)|([⁰¹²³⁴⁵⁶⁷⁸⁹]+))\s*$", text)
    if value is not None and power:
        superscript = power.group(3) or ""
        digits = power.group(1) or power.group(2) or superscript.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
        value *= 10 ** int(digits)
    return value


class _Amount(NamedTuple):
    """One number (or range) of an amount expression, with its offsets."""

    start: int
    end: int
    amount: float | None
    low: float | None
    high: float | None


def _split_amounts(rules: DoseRules, match: re.Match[str]) -> list[_Amount]:
    """The numbers of an amount match: one per list member, a range kept whole, one per ingredient of a
    combination ("400/100 mg"). Where "/" joins some of the numbers and not all, those up to the last "/" are
    not the unit's ("grade 3/4 and 10 mg" gives 10 mg; "5-10/20 mg" nothing)."""
    offset = match.start("numbers")
    numbers = match.group("numbers")
    items = list(rules.number_item_re.finditer(numbers))
    items = [m for m in items if m.group(0).strip()]
    slashes = [numbers[a.end() : b.start()].strip() == "/" for a, b in zip(items, items[1:])]
    if all(slashes) and slashes:
        return [_Amount(offset + m.start(), offset + m.end(), _item_value(rules, m.group(0)), None, None) for m in items]
    if any(slashes):
        items = items[len(slashes) - slashes[::-1].index(True) + 1 :]
        if not items:
            return []
    between = (match.group("prefix") or "").lower().startswith("between")
    groups: list[list[re.Match[str]]] = [[items[0]]]
    for previous, item in zip(items, items[1:]):
        separator = numbers[previous.end() : item.start()].strip().lower()
        joins_range = separator in ("-", "–", "—", "to") or (between and separator == "and" and len(items) == 2)
        if joins_range and len(groups[-1]) == 1:
            groups[-1].append(item)
        else:
            groups.append([item])
    amounts = []
    for group in groups:
        start, end = offset + group[0].start(), offset + group[-1].end()
        if len(group) == 2:
            amounts.append(_Amount(start, end, None, _item_value(rules, group[0].group(0)), _item_value(rules, group[1].group(0))))
        else:
            amounts.append(_Amount(start, end, _item_value(rules, group[0].group(0)), None, None))
    return amounts


def _unit(rules: DoseRules, match: re.Match[str]) -> tuple[str, str | None] | None:
    """Canonical unit and its NCIt code, or None when the unit is a concentration, flow or bare cell count."""
    base_canonical, base_role = rules.unit_atoms[(_unit_key(match.group("base")), "base")]
    parts, roles = [base_canonical], []
    for group in rules.denominator_groups:
        surface = match.group(group)
        if surface:
            surface = re.sub(r"\s?(?:-1|−1|⁻¹|\((?:-|−)1\))$", "", surface)
            canonical, role = rules.unit_atoms[(_unit_key(surface), "denominator")]
            parts.append(canonical)
            roles.append(role)
    if "per_sample" in roles or (base_role == "volume" and "per_time" in roles):
        return None
    if base_role == "cells" and "per_body" not in roles and not re.search(r"[x×]\s*10", match.group("numbers")):
        return None
    unit = "/".join(parts)
    return unit, rules.unit_codes.get(unit)


def _frequency(rules: DoseRules, match: re.Match[str]) -> _Term:
    """Normalized frequency and NCIt code of a frequency match."""
    core = rules.repeat_re.sub("", match.group(0))
    known = rules.frequencies.get(core) or rules.frequencies.get(_key(core))
    if known:
        return known
    name = _grammar_frequency(rules, match) or _key(core)
    return _Term(name, rules.frequency_codes.get(name))


def _grammar_frequency(rules: DoseRules, match: re.Match[str]) -> str | None:
    """Normalized name of a frequency with a count: "every 3 weeks", "three times daily", "every 12 hours"."""
    groups = match.groupdict()
    if not (groups.get("count") or groups.get("every_n") or groups.get("q_n") or groups.get("ly_n")):
        return None
    if groups.get("count"):
        count_word = groups["count"].lower()
        count = {"once": 1, "twice": 2, "thrice": 3}.get(count_word) or _number_value(rules, count_word) or 0
        period = "weekly" if groups["times_unit"].lower().startswith("week") else (
            "monthly" if groups["times_unit"].lower().startswith("month") else "daily"
        )
        words = {1: "", 2: "twice ", 3: "three times ", 4: "four times "}
        return f"{words.get(int(count), f'{int(count)} times ')}{period}"
    if groups.get("every_n"):
        raw, unit = groups["every_n"].lower(), groups["every_unit"].lower()
        count = 2 if raw == "other" else int(_number_value(rules, raw) or 0)
    elif groups.get("ly_n"):
        count, unit = int(_number_value(rules, groups["ly_n"]) or 0), groups["ly_unit"].lower()[:-2].replace("dai", "day")
    else:
        count, unit = int(groups["q_n"]), groups["q_unit"].lower()
    unit = unit.rstrip("s")
    unit = {"h": "hour", "hr": "hour", "d": "day", "w": "week", "wk": "week", "m": "month"}.get(unit, unit)
    if count == 1:
        return {"hour": "every hour", "day": "daily", "week": "weekly", "month": "monthly"}[unit]
    if count == 2 and unit == "day":
        return "every other day"
    if unit == "hour" and count == 24:
        return "daily"
    return f"every {count} {unit}s"


def _route(rules: DoseRules, match: re.Match[str]) -> _Term:
    """Normalized route and NCIt code of a route match ("IV push" -> intravenous bolus)."""
    surface = match.group("route")
    whole = _key(match.group(0))
    if re.search(r"\b(?:push|bolus)$", whole) and rules.routes.get(_key(surface), _Term("", None)).name == "intravenous":
        return rules.routes["intravenous bolus"]
    return rules.routes.get(surface) or rules.routes[_key(surface)]


def _is_route(rules: DoseRules, text: str, match: re.Match[str]) -> bool:
    """False for roman numerals that look like a route: "stage IV", "grade III or IV", "(iv)"."""
    surface = match.group("route")
    if surface.upper() not in ("IV", "IM", "SC"):
        return True
    if surface == "iv" and text[match.start() - 1 : match.start()] == "(":
        return False
    before = text[max(0, match.start() - 30) : match.start()]
    return not rules.roman_context.search(before)


# ----------------------------------------------------------------------------- finding doses


class _Finder:
    """One pass over a text: anchors from the master pattern, then attributes from their clauses."""

    def __init__(self, text: str, rules: DoseRules) -> None:
        self.text = text
        self.rules = rules
        breaks = list(self.rules.break_re.finditer(text))
        self.breaks = [m.start() for m in breaks]
        self.break_ends = [m.end() for m in breaks]
        self.sentences = [m.end() for m in self.rules.sentence_re.finditer(text)]
        self.consumed: list[tuple[int, int]] = []

    def run(self) -> list[Dose]:
        amounts, levels, schedules, frequencies = [], [], [], []
        for match in self.rules.master_re.finditer(self.text):
            if match.group("amount") is not None:
                amounts.append(match)
            elif match.group("level") is not None:
                levels.append(match)
            elif match.group("schedule") is not None:
                schedules.append(match)
            else:
                frequencies.append(match)
        level_doses = [self._level_dose(m) for m in levels]
        amount_groups: list[list[Dose]] = []
        for match in amounts:
            if amount_groups and match.start() < amount_groups[-1][-1].end:
                continue  # inside the previous amount's span: "1.25 mg in 0.1 ml"
            group = self._amount_doses(match)
            if group and amount_groups and self._after_slash(amount_groups[-1], group):
                if _joins_as_ingredient(amount_groups[-1], group):
                    amount_groups[-1] = _as_ingredients(amount_groups[-1] + group)
            elif group:
                amount_groups.append(group)
        self.blockers = sorted([(d.start, d.end) for d in level_doses] + [(g[0].start, g[-1].end) for g in amount_groups])
        self.blocker_starts = [b[0] for b in self.blockers]
        for group in amount_groups:
            self._attributes(group)
            self._link_level(group, level_doses)
        doses = level_doses + [dose for group in amount_groups for dose in group]
        doses += [self._regimen_dose(m) for m in schedules if not self._covered(m.start(), m.end(), doses)]
        doses += [self._frequency_dose(m) for m in frequencies if not self._covered(m.start(), m.end(), doses)]
        return _non_overlapping(doses)

    def _after_slash(self, before: list[Dose], group: list[Dose]) -> bool:
        """Whether "/" alone parts `group` from the amounts `before` it: "300 mg/100 mg", "10 mg/2 mL"."""
        return self.text[before[-1].end : group[0].start].strip() == "/"

    # -- anchors
    def _level_dose(self, match: re.Match[str]) -> Dose:
        surface_match = self.rules.level_surface_re.match(self.text, match.start())
        surface = surface_match.group(0) if surface_match else match.group(0)
        level = self.rules.levels.get(surface) or self.rules.levels.get(_level_key(surface))
        if level is None:
            number = re.search(r"\d+", surface)
            template = re.sub(r"\d+", "#", _level_key(surface))
            level = self.rules.levels.get(template, template).replace("#", number.group(0) if number else "#")
        return Dose(match.start(), match.end(), match.group(0), level=level)

    def _amount_doses(self, match: re.Match[str]) -> list[Dose]:
        unit = _unit(self.rules, match)
        if unit is None or (unit[0] in ("g", "kg") and self._weighs(match.start(), match.end())):
            return []
        unit_name, unit_code = unit
        amounts = _split_amounts(self.rules, match)
        if not amounts:
            return []
        if len(amounts) > 1 and self.rules.counted_noun_re.search(self.text, max(0, match.start() - 20), match.start()):
            amounts = amounts[-1:]  # "grade 3 and 10 mg": the first number counts something else
        combination = len(amounts) > 1 and "/" in match.group("numbers")
        chain = self.rules.chain_re.match(self.text, match.end())
        end = chain.end() if chain and chain.end() > match.end() else match.end()
        upper = (match.group("prefix") or "").lower().startswith("up")
        doses = []
        for index, part in enumerate(amounts):
            last = index == len(amounts) - 1
            start = match.start() if index == 0 and match.group("prefix") else part.start
            stop = end if last else part.end
            doses.append(
                Dose(start, stop, self.text[start:stop], amount=part.amount, amount_low=part.low,
                     amount_high=part.high, upper_bound=upper, unit=unit_name, unit_code=unit_code,
                     ingredient=index if combination else None)
            )
        if chain and chain.group("chain_route"):
            route_match = self.rules.route_re.match(self.text, chain.start("chain_route"))
            if route_match:
                self._set_route(doses, route_match)
        if chain and chain.group("chain_freq"):
            frequency_match = self.rules.frequency_re.match(self.text, chain.start("chain_freq"))
            self._set_frequency(doses, frequency_match)
        return doses

    def _weighs(self, start: int, end: int) -> bool:
        """True when the grams of `start:end` weigh an animal or a person: "rats weighing 150-200 g", a bound
        ("neonates < 750 g", "infants less than 750 grams") or a birth weight ("750 g birth weight")."""
        return bool(self.rules.weight_cue_re.search(self.text, max(0, start - 40), start)
                    or self.rules.birth_weight_re.match(self.text, end))

    def _regimen_dose(self, match: re.Match[str]) -> Dose:
        text = re.sub(r"^on\s+", "", match.group(0), flags=re.I)
        start = match.end() - len(text)
        dose = Dose(start, match.end(), text, schedule=text)
        left = self._left_window(start)
        self._fill_from(left, [dose], last=True, frequency=True)
        return dose

    def _frequency_dose(self, match: re.Match[str]) -> Dose:
        dose = Dose(match.start(), match.end(), match.group(0))
        self._set_frequency([dose], self.rules.frequency_re.match(self.text, match.start()))
        self._fill_from(self._left_window(match.start()), [dose], last=True, frequency=False)
        return dose

    # -- attributes
    def _left_window(self, start: int) -> tuple[int, int]:
        lower = max(0, start - LEFT_WINDOW)
        index = bisect_right(self.break_ends, start) - 1
        if index >= 0:
            lower = max(lower, self.break_ends[index])
        blocker = bisect_left(self.blocker_starts, start) - 1
        if blocker >= 0:
            lower = max(lower, min(self.blockers[blocker][1], start))
        return lower, start

    def _right_window(self, end: int) -> tuple[int, int]:
        upper = min(len(self.text), end + RIGHT_WINDOW)
        index = bisect_left(self.breaks, end)
        if index < len(self.breaks):
            upper = min(upper, self.breaks[index])
        blocker = bisect_left(self.blocker_starts, end)
        if blocker < len(self.blockers):
            upper = min(upper, self.blockers[blocker][0])
        return end, max(end, upper)

    def _attributes(self, doses: list[Dose]) -> None:
        """Route, frequency and schedule from the clause around an amount (the span already holds some)."""
        self._fill_from(self._left_window(doses[0].start), doses, last=True, frequency=False)
        right = self._right_window(doses[-1].end)
        self._fill_from(right, doses, last=False, frequency=True)
        schedule = self.rules.schedule_re.search(self.text, right[0], right[1])
        if schedule:
            text = re.sub(r"^on\s+", "", schedule.group(0), flags=re.I)
            for dose in doses:
                dose.schedule = text
            self.consumed.append((schedule.start(), schedule.end()))

    def _fill_from(self, window: tuple[int, int], doses: list[Dose], last: bool, frequency: bool) -> None:
        """Set route (and frequency) not yet known from the first (or last) mention inside the window."""
        low, high = window
        if high <= low:
            return
        if doses[0].route is None:
            routes = [m for m in self.rules.route_re.finditer(self.text, low, high) if _is_route(self.rules, self.text, m)]
            if routes:
                self._set_route(doses, routes[-1] if last else routes[0])
        if frequency and doses[0].frequency is None:
            found = list(self.rules.frequency_re.finditer(self.text, low, high))
            if found:
                chosen = found[-1] if last else found[0]
                self._set_frequency(doses, chosen)
                self.consumed.append((chosen.start(), chosen.end()))

    def _set_route(self, doses: list[Dose], match: re.Match[str]) -> None:
        term = _route(self.rules, match)
        for dose in doses:
            dose.route, dose.route_code, dose.route_text = term.name, term.code, match.group(0)

    def _set_frequency(self, doses: list[Dose], match: re.Match[str] | None) -> None:
        if match is None:
            return
        term = _frequency(self.rules, match)
        for dose in doses:
            dose.frequency, dose.frequency_code, dose.frequency_text = term.name, term.code, match.group(0)

    def _link_level(self, doses: list[Dose], levels: list[Dose]) -> None:
        """Give an amount the level it is tied to: "MTD ... was determined to be 30 mcg/kg", "high-dose X (5 g/m2)"."""
        start, end = doses[0].start, doses[-1].end
        index = bisect_right(self.sentences, start) - 1
        sentence_start = self.sentences[index] if index >= 0 else 0
        index = bisect_left(self.sentences, end)
        sentence_end = self.sentences[index] if index < len(self.sentences) else len(self.text)
        before = [lv for lv in levels if sentence_start <= lv.start and lv.end <= start and start - lv.end <= LEVEL_REACH]
        after = [lv for lv in levels if end <= lv.start < sentence_end]
        level = None
        if before and self.rules.copula_re.search(self.text, before[-1].end, start):
            level = before[0].level
        elif before and self.rules.level_gap_re.match(self.text[before[-1].end : start]):
            level = before[-1].level
        elif after and self.rules.copula_after_re.match(self.text[end : after[0].start]):
            level = after[0].level
        elif self.rules.starting_at_re.search(self.text, max(0, start - 30), start):
            level = self.rules.levels["starting dose"]
        if level:
            for dose in doses:
                dose.level = level

    def _covered(self, start: int, end: int, doses: list[Dose]) -> bool:
        spans = self.consumed + [(d.start, d.end) for d in doses]
        return any(s < end and start < e for s, e in spans)


def _joins_as_ingredient(before: list[Dose], group: list[Dose]) -> bool:
    """Whether the amount `group` written after "/" is the next ingredient of the combination `before` ends with
    ("300 mg/100 mg"): one amount in the same unit. Otherwise ("10 mg/2 mL") it is the volume that holds it, no dose."""
    last = before[-1]
    if len(group) != 1 or group[0].amount is None or last.amount is None or group[0].unit != last.unit:
        return False
    return len(before) == 1 or last.ingredient is not None  # after a list ("10, 20 mg/5 mg") no combination


def _as_ingredients(doses: list[Dose]) -> list[Dose]:
    """`doses` numbered as the ingredients of one combination, the route and frequency the last one states
    ("800 mg/160 mg twice daily") given to those that state none."""
    last = doses[-1]
    for index, dose in enumerate(doses):
        dose.ingredient = index
        if dose.route is None:
            dose.route, dose.route_code, dose.route_text = last.route, last.route_code, last.route_text
        if dose.frequency is None:
            dose.frequency, dose.frequency_code, dose.frequency_text = last.frequency, last.frequency_code, last.frequency_text
    return doses


def _non_overlapping(doses: list[Dose]) -> list[Dose]:
    """Doses sorted by offset; of two that overlap, the earlier (then longer) one stays."""
    kept: list[Dose] = []
    for dose in sorted(doses, key=lambda d: (d.start, -(d.end - d.start))):
        if kept and dose.start < kept[-1].end:
            continue
        kept.append(dose)
    return kept


def find_doses(text: str, rules: DoseRules | None = None) -> list[Dose]:
    """All DOSE mentions of `text`, sorted and non-overlapping, with character offsets into `text` (by
    `rules`, default those of models/rules)."""
    if not text:
        return []
    return _Finder(text, rules or rules_of()).run()


def parse_dose(text: str, rules: DoseRules | None = None) -> Dose | None:
    """The first Dose of a short dose string ("400 mg orally twice daily"), or None when it holds none."""
    doses = find_doses(text, rules)
    return doses[0] if doses else None
