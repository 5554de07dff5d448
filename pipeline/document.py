"""The one document model every reader produces and everything downstream points into.

A `Document` holds a single `text`; sections are character ranges of it, tables are
cell grids that keep the page or section they came from. Mentions found later refer
back by character offsets (text) or by `(table_id, row, column)` (tables).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

NCT_ID = re.compile(r"\bNCT\d{8}\b")
# Registration numbers of the other primary registries of the WHO ICTRP network that papers cite: ISRCTN,
# ANZCTR (ACTRN), EU CTR (EudraCT), ChiCTR, CTRI, DRKS, the Netherlands (NTR), PACTR, Japan (UMIN, JPRN), Korea (KCT), Iran (IRCT)
REGISTRATION_ID = re.compile(
    r"\b(?:ISRCTN ?\d{8}|ACTRN ?\d{14}|EudraCT(?: number| No\.?)?:? ?\d{4}-\d{6}-\d{2}|ChiCTR-?[A-Z]{0,4}-?\d{8,}|"
    r"CTRI/\d{4}/\d{2,3}/\d{6}|DRKS\d{8}|NTR\d{3,5}|PACTR\d{15}|UMIN\d{9}|JPRN-[A-Za-z]+\d+|KCT\d{7}|IRCT\d{8,}N\d+)\b")

# Section kinds shared by all readers; downstream context rules key on these.
SECTION_KINDS = (
    "title",
    "abstract",
    "summary",
    "description",
    "conditions",
    "interventions",
    "arms",
    "primary_outcomes",
    "secondary_outcomes",
    "other_outcomes",
    "outcomes",
    "eligibility",
    "inclusion_criteria",
    "exclusion_criteria",
    "background",
    "methods",
    "results",
    "discussion",
    "conclusions",
    "adverse_events",
    "references",
    "metadata",
    "other",
)
ELIGIBILITY_KINDS = frozenset({"eligibility", "inclusion_criteria", "exclusion_criteria"})


@dataclass(frozen=True)
class HeadingRule:
    """Article headings (a regex matched on the whole heading, case-insensitive, numbering and trailing colon
    removed) and the section kind they open. `place` is `part` for the parts of an article (abstract to
    references), `back` for back matter (funding, competing interests...), `inside` for a heading that names
    a section within a part ("Safety" under Results)."""

    pattern: re.Pattern[str]
    kind: str
    place: str


# The one heading taxonomy of every article reader (plain text, PubMed/PMC XML, PDF).
ARTICLE_HEADINGS: tuple[HeadingRule, ...] = tuple(HeadingRule(re.compile(pattern, re.I), kind, place) for pattern, kind, place in (
    (r"abstract|summary", "abstract", "part"),
    (r"background|introduction|background and aims?", "background", "part"),
    (r"(?:materials?|patients|subjects) and methods|methods?|methodology|study design and methods|methods?/design",
     "methods", "part"),
    (r"results?|findings", "results", "part"),
    (r"discussion|results and discussion|comment", "discussion", "part"),
    (r"conclusions?|interpretation|conclusions and implications", "conclusions", "part"),
    (r"references|bibliography|literature cited", "references", "part"),
    (r"keywords|abbreviations|acknowledge?ments?|funding|role of the funding source|competing interests?(?: statement)?"
     r"|conflicts? of interests?(?: statement)?|declarations?|declaration of interests?|disclosures?|contributors"
     r"|authors?['’]? contributions?|author details|additional files?|(?:supplementary|supporting) (?:material|information)"
     r"|pre-publication history"
     r"|data availability|data sharing.*|ethic(?:s|al).*|consent.*|copyright|trial registration|transparency.*",
     "metadata", "back"),
    (r"adverse events|safety|safety and tolerability|adverse effects", "adverse_events", "inside"),
    (r"eligibility|eligibility criteria|inclusion and exclusion criteria", "eligibility", "inside"),
))
ARTICLE_PART_KINDS = frozenset(rule.kind for rule in ARTICLE_HEADINGS if rule.place == "part")


def article_heading(name: str, places: tuple[str, ...] = ("part", "back", "inside")) -> HeadingRule | None:
    """The rule a heading (numbering and trailing colon removed) matches among those of `places`, or None."""
    for rule in ARTICLE_HEADINGS:
        if rule.place in places and rule.pattern.fullmatch(name.strip()):
            return rule
    return None


# "Keywords: ...", "Funding: ...": a short label, a colon, then the text on the same line.
_RUN_IN_LABEL = re.compile(r"^([A-Z][A-Za-z'’ -]{1,40}?)\s*:\s+\S")


def run_in_back_matter(line: str) -> str | None:
    """The label of a line that opens with a back-matter label of `ARTICLE_HEADINGS` set in its text
    ("Keywords: ...", "Trial registration: ..."), or None."""
    labelled = _RUN_IN_LABEL.match(line.strip())
    if labelled and article_heading(labelled.group(1), ("back",)):
        return labelled.group(1)
    return None


@dataclass
class Section:
    """A named character range of `Document.text`; `text` is that slice, kept for readers of JSON."""

    name: str
    kind: str
    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if self.kind not in SECTION_KINDS:
            raise ValueError(f"unknown section kind {self.kind!r}; use one of {SECTION_KINDS}")


@dataclass(frozen=True)
class CellNumbers:
    """The numbers of a body cell as its source gives them, for readers that know them (registry results):
    `n` participants of `total` (an adverse-event count; a number analyzed, or a whole registered value, has
    no total), or an outcome `value` with its `spread` or its `interval` (either bound None when not given)."""

    n: int | None = None
    total: int | None = None
    value: float | None = None
    spread: float | None = None
    interval: tuple[float | None, float | None] | None = None


@dataclass
class Table:
    """A table as a grid of strings: `header_rows` above `rows`; cells are addressed `(row, column)` in `rows`.

    A registry results table also carries what its text shows as typed values: `numbers`, one `CellNumbers`
    (or None for a label or an empty cell) per cell of `rows`, and an outcome measure's `unit` and
    `outcome_kind` (primary, secondary, other); the tables layer reads those, never the text back.
    """

    id: str
    caption: str
    header_rows: list[list[str]]
    rows: list[list[str]]
    page: int | None = None
    section: str | None = None
    footnotes: list[str] = field(default_factory=list)
    kind: str | None = None  # filled by readers that know it, e.g. "adverse_events" for registry results
    numbers: list[list[CellNumbers | None]] | None = None
    unit: str | None = None
    outcome_kind: str | None = None


@dataclass
class Intervention:
    """An intervention as a trial registry lists it."""

    name: str
    type: str = ""
    description: str = ""
    arm_groups: list[str] = field(default_factory=list)
    other_names: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    """A registered outcome measure (`kind` is primary, secondary, other, or unspecified when the source does not say)."""

    kind: str
    measure: str
    time_frame: str = ""
    description: str = ""


@dataclass
class TrialRecord:
    """Structured registry fields, filled by the ClinicalTrials.gov readers."""

    nct_id: str
    title: str = ""
    official_title: str = ""
    conditions: list[str] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)
    study_type: str = ""
    enrollment: int | None = None


@dataclass(frozen=True)
class PreAnnotation:
    """A mention the input file already carries (BioC, PubTator): offsets into `Document.text`, the type the
    file gives it, the label it maps to (`pipeline.exchange.labels`; None when it maps to none), identifiers as
    CURIEs, and the file's id for it (what the file's relations refer to)."""

    start: int
    end: int
    text: str
    type: str
    label: str | None = None
    norm: tuple[str, ...] = ()
    id: str = ""


@dataclass(frozen=True)
class PreRelation:
    """A relation the input file already carries: its type, the label it maps to, and its arguments as
    `(role, reference)` pairs; a reference is a `PreAnnotation.id` (BioC) or, where the file relates
    concepts rather than mentions (PubTator's `CID` lines), an identifier."""

    type: str
    label: str | None = None
    arguments: tuple[tuple[str, str], ...] = ()


@dataclass
class Document:
    """One input document, whatever its format."""

    id: str
    source_path: str
    format: str
    title: str
    text: str
    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    nct_ids: list[str] = field(default_factory=list)
    publication_ids: dict[str, str] = field(default_factory=dict)
    trial: TrialRecord | None = None
    warnings: list[str] = field(default_factory=list)
    pre_annotations: list[PreAnnotation] = field(default_factory=list)
    pre_relations: list[PreRelation] = field(default_factory=list)

    def section_at(self, offset: int) -> Section | None:
        """The innermost section containing character `offset`, if any."""
        return innermost_section(self.sections, offset)

    def table(self, table_id: str) -> Table:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise KeyError(f"document {self.id} has no table {table_id!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        data = dict(data)
        data["sections"] = [Section(**s) for s in data.get("sections", [])]
        data["tables"] = [_table_from_dict(t) for t in data.get("tables", [])]
        data["pre_annotations"] = [PreAnnotation(**{**a, "norm": tuple(a.get("norm", ()))})
                                   for a in data.get("pre_annotations", [])]
        data["pre_relations"] = [PreRelation(**{**r, "arguments": tuple(tuple(x) for x in r.get("arguments", ()))})
                                 for r in data.get("pre_relations", [])]
        trial = data.get("trial")
        if trial:
            trial = dict(trial)
            trial["interventions"] = [Intervention(**i) for i in trial.get("interventions", [])]
            trial["outcomes"] = [Outcome(**o) for o in trial.get("outcomes", [])]
            data["trial"] = TrialRecord(**trial)
        return cls(**data)


def _table_from_dict(data: dict[str, Any]) -> Table:
    numbers = data.get("numbers")
    if numbers is not None:
        numbers = [[None if cell is None else CellNumbers(**{**cell, "interval": tuple(cell["interval"])
                                                             if cell.get("interval") is not None else None})
                    for cell in row] for row in numbers]
    return Table(**{**data, "numbers": numbers})


def innermost_section(sections: list[Section], offset: int) -> Section | None:
    """The smallest of `sections` containing character `offset`, if any (sections may nest)."""
    containing = [s for s in sections if s.start <= offset < s.end]
    return min(containing, key=lambda s: s.end - s.start, default=None)


def content_id(raw: bytes) -> str:
    """Stable document id from the bytes of the input file."""
    return "doc-" + hashlib.sha256(raw).hexdigest()[:16]


def registration_id(text: str) -> str:
    """A registration number as an id: spaces and the "number" wording dropped ("ISRCTN 99820519" ->
    "ISRCTN99820519", "EudraCT number: 2004-000407-22" -> "EUDRACT2004-000407-22")."""
    return re.sub(r"(?i)\s|number|no\.|:", "", text).upper()


def find_nct_ids(text: str) -> list[str]:
    """NCT ids in order of first appearance, without duplicates."""
    return list(dict.fromkeys(NCT_ID.findall(text)))


class TextBuilder:
    """Builds a document text section by section so that offsets are right by construction."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.sections: list[Section] = []

    def add(self, text: str, name: str | None = None, kind: str = "other") -> tuple[int, int]:
        """Append `text` as a paragraph (blank line before it); record it as a section when named."""
        text = text.strip()
        if not text:
            return (self._length, self._length)
        if self._parts:
            self._parts.append("\n\n")
            self._length += 2
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        if name is not None:
            self.sections.append(Section(name=name, kind=kind, start=start, end=self._length, text=text))
        return (start, self._length)

    @property
    def text(self) -> str:
        return "".join(self._parts)
