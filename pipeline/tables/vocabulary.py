"""The word lists and patterns of `models/rules/tables/`, read once per process."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pipeline.resources import MODELS_DIR

RULES_DIRECTORY = MODELS_DIR / "rules" / "tables"


def _rows(name: str) -> list[list[str]]:
    """Tab-separated rows of a rules file, without comments and without its header line."""
    path = RULES_DIRECTORY / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: restore models/rules/tables from the repository")
    lines = [line.rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    return rows[1:] if name.endswith(".tsv") else rows


@dataclass(frozen=True)
class KindCue:
    kind: str
    place: str
    pattern: re.Pattern[str]
    weight: int


@lru_cache(maxsize=1)
def grade_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(whole-text pattern, grade template) pairs, first match wins."""
    return tuple((re.compile(pattern, re.I), grade) for pattern, grade in _rows("grades.tsv"))


@lru_cache(maxsize=1)
def response_codes() -> dict[str, str]:
    """Response category (lower case) -> code (CR, PR, SD, PD, ORR, DCR, NE)."""
    return {term.lower(): code for term, code in _rows("response_categories.tsv")}


@lru_cache(maxsize=1)
def response_names() -> dict[str, str]:
    """Code (CR, PR, SD, PD, ORR, DCR, NE) -> the name of its endpoint: the code's first term in the file."""
    names: dict[str, str] = {}
    for term, code in _rows("response_categories.tsv"):
        names.setdefault(code, term)
    return names


@lru_cache(maxsize=1)
def event_name_variants() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(whole-word pattern, replacement) rewrites of adverse-event row labels."""
    return tuple((re.compile(rf"(?<![\w-]){re.escape(source)}(?![\w-])", re.I), target)
                 for source, target in _rows("event_name_variants.tsv"))


@lru_cache(maxsize=1)
def count_row_labels() -> frozenset[str]:
    """Row labels that give each column's number of participants."""
    return frozenset(row[0].strip().lower() for row in _rows("count_rows.txt"))


@lru_cache(maxsize=1)
def kind_cues() -> tuple[KindCue, ...]:
    """The cue patterns that classify tables."""
    return tuple(KindCue(kind, place, re.compile(cue, re.I), int(weight)) for kind, place, cue, weight in _rows("table_kinds.tsv"))


@lru_cache(maxsize=1)
def drug_code_patterns() -> tuple[re.Pattern[str], ...]:
    """Patterns of investigational drug code names ("ABT-510"), each matched against a whole cell."""
    return tuple(re.compile(row[0]) for row in _rows("drug_codes.txt"))
