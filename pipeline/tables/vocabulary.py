"""The word lists and patterns of `models/rules/tables/`, read once per process."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.errors import RulesError
from pipeline.resources import compile_rule, model_path, numbered_rules_tsv

RULES_DIRECTORY = "rules/tables"  # under models/


def _tsv(name: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The numbered rows of a rules table, checked against its columns (`RulesError` with the file and line)."""
    return numbered_rules_tsv(f"{RULES_DIRECTORY}/{name}", columns)


def _lines(name: str) -> list[tuple[int, str]]:
    """The numbered entries of a one-per-line rules file, without comments and blank lines."""
    path = model_path(f"{RULES_DIRECTORY}/{name}")
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: restore models/rules/tables from the repository")
    return [(number, line.rstrip("\n")) for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class KindCue:
    kind: str
    place: str
    pattern: re.Pattern[str]
    weight: int


@lru_cache(maxsize=1)
def grade_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(whole-text pattern, grade template) pairs, first match wins."""
    return tuple((compile_rule(f"{RULES_DIRECTORY}/grades.tsv", line, row["pattern"], re.I), row["grade"])
                 for line, row in _tsv("grades.tsv", ("pattern", "grade")))


@lru_cache(maxsize=1)
def response_codes() -> dict[str, str]:
    """Response category (lower case) -> code (CR, PR, SD, PD, ORR, DCR, NE)."""
    return {row["term"].lower(): row["code"] for _, row in _tsv("response_categories.tsv", ("term", "code"))}


@lru_cache(maxsize=1)
def response_names() -> dict[str, str]:
    """Code (CR, PR, SD, PD, ORR, DCR, NE) -> the name of its endpoint: the code's first term in the file."""
    names: dict[str, str] = {}
    for _, row in _tsv("response_categories.tsv", ("term", "code")):
        names.setdefault(row["code"], row["term"])
    return names


@lru_cache(maxsize=1)
def event_name_variants() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(whole-word pattern, replacement) rewrites of adverse-event row labels."""
    return tuple((re.compile(rf"(?<![\w-]){re.escape(row['from'])}(?![\w-])", re.I), row["to"])
                 for _, row in _tsv("event_name_variants.tsv", ("from", "to")))


@lru_cache(maxsize=1)
def count_row_labels() -> frozenset[str]:
    """Row labels that give each column's number of participants."""
    return frozenset(line.split("\t")[0].strip().lower() for _, line in _lines("count_rows.txt"))


@lru_cache(maxsize=1)
def kind_cues() -> tuple[KindCue, ...]:
    """The cue patterns that classify tables."""
    path = f"{RULES_DIRECTORY}/table_kinds.tsv"
    cues = []
    for line, row in _tsv("table_kinds.tsv", ("kind", "place", "cue", "weight")):
        if not row["weight"].lstrip("-").isdigit():
            raise RulesError(model_path(path), line, f"weight {row['weight']!r} is not a whole number")
        cues.append(KindCue(row["kind"], row["place"], compile_rule(path, line, row["cue"], re.I), int(row["weight"])))
    return tuple(cues)


@lru_cache(maxsize=1)
def drug_code_patterns() -> tuple[re.Pattern[str], ...]:
    """Patterns of investigational drug code names ("ABT-510"), each matched against a whole cell."""
    return tuple(compile_rule(f"{RULES_DIRECTORY}/drug_codes.txt", number, line.split("\t")[0])
                 for number, line in _lines("drug_codes.txt"))
