"""What the ClinicalTrials.gov readers share: a format-neutral study record and the `Document` built from it.

`ctgov_json` (API v2 and the retired classic API v1) and `ctgov_xml` (legacy `<clinical_study>`) each fill a
`StudyRecord`; `build_document` turns it into the `Document` every reader returns.

Text, section by section (kinds from `SECTION_KINDS`): brief title (`title`), official title (`title`),
"Brief Summary:" (`summary`), "Detailed Description:" (`description`), "Conditions:" (`conditions`, one per line),
"Arms:" (`arms`, one line per arm: "Experimental: Placebo qw: <description>"), "Interventions:"
(`interventions`, one line per intervention: "Drug: Dupilumab: <description>"), "Primary/Secondary/Other
Outcome Measures:" (numbered lines "1. <measure> [Time Frame: <time frame>]" with the description on the next
line), then the eligibility criteria: each part that starts with an "Inclusion Criteria" / "Exclusion Criteria"
heading line becomes an `inclusion_criteria` / `exclusion_criteria` section (as written, heading included); text
before the first heading, or all of it when there is no such heading, becomes one `eligibility` section headed
"Eligibility Criteria:".

Results become tables only; no prose is generated from them. Baseline characteristics, participant flow and
statistical analyses are not read.

Adverse-event tables (kind "adverse_events", section "results: adverse events"): one for serious and one for
other (non-serious) events. Header row: "Adverse event", "Organ system", then one column per event group holding
the group title exactly as registered. Each row is one event term (with ", grade N" when the record notes the grade); a group cell is "affected/at risk" (e.g.
"3/97"), just "affected" when the number at risk is not given, and "" when the group has no count for that event.
Numbers of events (as opposed to participants) are not kept. Footnotes give the time frame, the assessment
description, the frequency threshold, the source vocabulary, the group totals ("Total, serious adverse events:
Placebo qw 0/97; ...") and, on the serious table, all-cause deaths where registered.

Outcome-measure tables (kind "outcome_measures", section "results: outcome measures"): one per measure that has
reported data (measures registered without data, e.g. "not collected", give no table), caption
= measure title. Header row: "<param type> (<dispersion>)" (e.g. "Mean (Standard Deviation)") then one column per
group title. First rows: "<units> analyzed" (e.g. "Participants analyzed") with the number analyzed per group; then
one row per class/category (label "class / category", or the unit of measure when the measure has neither). A cell
is the value, followed by "(spread)" or "(lower to upper)" when given, e.g. "44.6 (16.4)" or "1.2 (0.8 to 1.9)".
Footnotes give the outcome type, unit of measure, time frame, description, analysis population and any
per-value comments.

The text of these tables is for people. Beside it each table carries the registered numbers of its cells
(`Table.numbers`: counts and their totals, values with their spread or interval) and an outcome-measure table its
unit and outcome kind (`Table.unit`, `Table.outcome_kind`); the tables layer reads those, never the text back.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from pipeline.document import CellNumbers, Document, Table, TextBuilder, TrialRecord, content_id, find_nct_ids

NCT_ID_FORMAT = re.compile(r"NCT\d{8}")
_PHASE = re.compile(r"(early[\s_]*)?phase[\s_]*(\d)", re.I)
# An eligibility heading line starts with "(Key) Inclusion Criteria" or ends with "... Exclusion criteria(:)".
_HEADING_START = re.compile(
    r"[*#_]*\s*(?:(?:key|main|major)\s+)?(non-inclusion|inclusion|exclusion)\s+criteria\b(?!\s*\d)", re.I
)
_HEADING_END = re.compile(r"(?<![\w-])(non-inclusion|inclusion|exclusion)\s+criteria\s*(:?)[*_]*$", re.I)
_BULLET = re.compile(r"^(?:[-*•·o]\s|\d{1,2}[.)]\s|[a-z][.)]\s)")
_PMID_PRIORITY = {"result": 0, "derived": 1}
_OUTCOME_TYPE = re.compile(r"(primary|secondary|other|post-hoc)\b", re.I)
_GRADE_NOTE = re.compile(r"(?i)grades?\s*[1-5](?:\s*(?:-|–|/|or|and|to)\s*[1-5])?")


@dataclass
class ArmGroup:
    """An arm (or observational group) as registered."""

    label: str
    type: str = ""
    description: str = ""


@dataclass
class Reference:
    """A literature reference with a PMID; `kind` is "result", "derived", "background" or ""."""

    pmid: str
    kind: str = ""


@dataclass
class ResultGroup:
    """A group (arm) column of a results table."""

    id: str
    title: str


@dataclass
class EventCount:
    """Participants affected by an event (or in total) out of those at risk, as registered strings."""

    affected: str
    at_risk: str = ""

    def cell(self) -> str:
        return f"{self.affected}/{self.at_risk}" if self.at_risk else self.affected

    def numbers(self) -> CellNumbers | None:
        """The count as numbers (None when the number affected is not a whole number)."""
        affected = whole_number(self.affected)
        return CellNumbers(n=affected, total=whole_number(self.at_risk)) if affected is not None else None


@dataclass
class AdverseEvent:
    """One adverse-event term with its counts by group id."""

    term: str
    organ_system: str = ""
    counts: dict[str, EventCount] = field(default_factory=dict)
    vocabulary: str = ""
    description: str = ""  # the record's note on the term ("grade 3")

    def label(self) -> str:
        """The term as a table row label: with the grade its description states ("platelet count decreased,
        grade 3"), which the table reader takes as the row's grade."""
        return f"{self.term}, {self.description.strip()}" if _GRADE_NOTE.fullmatch(self.description.strip()) else self.term


@dataclass
class AdverseEventResults:
    """The adverse-events module of a results section."""

    groups: list[ResultGroup]
    serious: list[AdverseEvent] = field(default_factory=list)
    other: list[AdverseEvent] = field(default_factory=list)
    serious_totals: dict[str, EventCount] = field(default_factory=dict)
    other_totals: dict[str, EventCount] = field(default_factory=dict)
    deaths: dict[str, EventCount] = field(default_factory=dict)
    time_frame: str = ""
    description: str = ""
    frequency_threshold: str = ""
    serious_vocabulary: str = ""
    other_vocabulary: str = ""


@dataclass
class Measurement:
    """One reported value of an outcome measure for one group."""

    value: str
    spread: str = ""
    lower: str = ""
    upper: str = ""
    comment: str = ""

    def cell(self) -> str:
        if self.spread:
            return f"{self.value} ({self.spread})"
        if self.lower or self.upper:
            return f"{self.value} ({self.lower or 'NA'} to {self.upper or 'NA'})"
        return self.value

    def numbers(self) -> CellNumbers | None:
        """The value with its spread or interval as numbers (None when the value is not a number, as "NA"); a
        whole value without either is also a count `n`."""
        value = real_number(self.value)
        if value is None:
            return None
        if self.spread:
            return CellNumbers(value=value, spread=real_number(self.spread))
        if self.lower or self.upper:
            return CellNumbers(value=value, interval=(real_number(self.lower), real_number(self.upper)))
        return CellNumbers(n=whole_number(self.value), value=value)


@dataclass
class MeasureRow:
    """One class/category of an outcome measure with its values by group id."""

    label: str
    values: dict[str, Measurement] = field(default_factory=dict)


@dataclass
class Analyzed:
    """Numbers analyzed by group id, in `units` (usually "Participants")."""

    units: str
    counts: dict[str, str] = field(default_factory=dict)


@dataclass
class OutcomeResult:
    """One outcome measure of a results section."""

    title: str
    groups: list[ResultGroup]
    type: str = ""
    description: str = ""
    time_frame: str = ""
    population: str = ""
    param_type: str = ""
    dispersion_type: str = ""
    unit: str = ""
    analyzed: list[Analyzed] = field(default_factory=list)
    rows: list[MeasureRow] = field(default_factory=list)


@dataclass
class StudyRecord:
    """Everything the readers take from a registry record, independent of its file format."""

    trial: TrialRecord
    nct_aliases: list[str] = field(default_factory=list)
    brief_summary: str = ""
    detailed_description: str = ""
    arm_groups: list[ArmGroup] = field(default_factory=list)
    eligibility_criteria: str = ""
    references: list[Reference] = field(default_factory=list)
    has_results: bool = False
    adverse_events: AdverseEventResults | None = None
    outcome_results: list[OutcomeResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def whole_number(text: str) -> int | None:
    """A registered count ("97") as a number; None when it is none ("", "NA")."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def real_number(text: str) -> float | None:
    """A registered value ("44.6", "-2", "1.5E-3") as a number; None when it is none ("", "NA", "NaN")."""
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def one_line(text: str) -> str:
    """Collapse all whitespace runs (newlines included) to single spaces."""
    return " ".join(text.split())


def unwrap_textblock(text: str) -> str:
    """Undo the hard line wrapping and indentation of legacy XML textblocks.

    Paragraphs (separated by blank lines) stay apart; inside a paragraph a line that starts with a bullet or a
    number starts a new line and any other line continues the previous one.
    """
    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")):
        lines: list[str] = []
        for raw_line in block.split("\n"):
            line = raw_line.strip()
            if not line:
                continue
            if lines and not _BULLET.match(line):
                lines[-1] += " " + line
            else:
                lines.append(line)
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def normalize_phases(values: list[str]) -> list[str]:
    """Phase values ("PHASE2", "Phase 1/Phase 2", "EARLY_PHASE1") as "Phase 2", "Early Phase 1"; N/A is dropped."""
    phases: list[str] = []
    for value in values:
        for early, number in _PHASE.findall(value):
            phase = f"{'Early ' if early else ''}Phase {number}"
            if phase not in phases:
                phases.append(phase)
    return phases


def parse_enrollment(value: str, warnings: list[str]) -> int | None:
    """Enrollment count as an int; a warning (not an error) when it is not a whole number."""
    value = value.strip()
    if not value:
        return None
    try:
        return int(float(value))
    except ValueError:
        warnings.append(f"enrollment {value!r} is not a number; left empty")
        return None


def split_eligibility(criteria: str) -> list[tuple[str, str]]:
    """(kind, text) parts of an eligibility criteria text, split at Inclusion/Exclusion Criteria heading lines."""
    parts: list[tuple[str, int]] = [("eligibility", 0)]
    offset = 0
    for line in criteria.splitlines(keepends=True):
        kind = _heading_kind(line)
        if kind:
            parts.append((kind, offset))
        offset += len(line)
    bounds = [start for _, start in parts[1:]] + [len(criteria)]
    texts = [(kind, criteria[start:end].strip()) for (kind, start), end in zip(parts, bounds)]
    return [(kind, text) for kind, text in texts if text]


def _heading_kind(line: str) -> str | None:
    """"inclusion_criteria" or "exclusion_criteria" when `line` is such a heading (a non-inclusion one excludes)."""
    line = line.strip()
    match = _HEADING_START.match(line)
    if not match:
        match = _HEADING_END.search(line)
        # "- Meets all inclusion criteria" is a criterion; "- INCLUSION CRITERIA:" is a heading.
        if not match or (_BULLET.match(line) and not match.group(2)):
            return None
    return "inclusion_criteria" if match.group(1).lower() == "inclusion" else "exclusion_criteria"


def build_document(record: StudyRecord, raw: bytes, path: str, fmt: str) -> Document:
    """The `Document` for a study record read from `raw` (the bytes of `path`) in format `fmt`."""
    trial = record.trial
    warnings = list(record.warnings)
    if not trial.title:
        warnings.append("record has no brief title; using the official title or NCT id as the title")
    if not trial.study_type:
        warnings.append("record has no study type")
    builder = TextBuilder()
    title = trial.title or trial.official_title or trial.nct_id
    builder.add(title, "title", "title")
    if trial.official_title and trial.official_title != title:
        builder.add(trial.official_title, "official title", "title")
    _add_headed(builder, "Brief Summary", record.brief_summary, "brief summary", "summary", warnings)
    if record.detailed_description:
        _add_headed(builder, "Detailed Description", record.detailed_description, "detailed description", "description")
    _add_headed(builder, "Conditions", "\n".join(trial.conditions), "conditions", "conditions", warnings)
    _add_arms_and_interventions(builder, record, warnings)
    _add_outcomes(builder, trial, warnings)
    _add_eligibility(builder, record.eligibility_criteria, warnings)
    tables = _adverse_event_tables(record.adverse_events, warnings)
    tables += [_outcome_table(result) for result in record.outcome_results if result.rows or result.analyzed]
    for number, table in enumerate(tables, start=1):
        table.id = f"T{number}"
    if record.has_results and record.adverse_events is None:
        warnings.append("results section has no adverse events module")
    text = builder.text
    return Document(
        id=content_id(raw),
        source_path=path,
        format=fmt,
        title=title,
        text=text,
        sections=builder.sections,
        tables=tables,
        nct_ids=list(dict.fromkeys([trial.nct_id, *record.nct_aliases, *find_nct_ids(text)])),
        publication_ids=_publication_ids(record.references),
        trial=trial,
        warnings=warnings,
    )


def _add_headed(
    builder: TextBuilder, heading: str, body: str, name: str, kind: str, warnings: list[str] | None = None
) -> None:
    """Add "Heading:\\nbody" as one section; note a warning when the body is empty and `warnings` is given."""
    if body.strip():
        builder.add(f"{heading}:\n{body.strip()}", name, kind)
    elif warnings is not None:
        warnings.append(f"record has no {name}")


def _add_arms_and_interventions(builder: TextBuilder, record: StudyRecord, warnings: list[str]) -> None:
    arm_lines = [_labelled_line(arm.type, arm.label, arm.description) for arm in record.arm_groups]
    _add_headed(builder, "Arms", "\n".join(arm_lines), "arms", "arms")
    lines = [_labelled_line(item.type, item.name, item.description) for item in record.trial.interventions]
    interventional = record.trial.study_type.lower() in ("", "interventional")
    _add_headed(
        builder, "Interventions", "\n".join(lines), "interventions", "interventions",
        warnings if interventional else None,
    )


def _labelled_line(kind: str, name: str, description: str) -> str:
    """"Drug: sorafenib: 400 mg orally twice daily", leaving out the parts that are empty."""
    return ": ".join(part for part in (kind, name, one_line(description)) if part)


def _add_outcomes(builder: TextBuilder, trial: TrialRecord, warnings: list[str]) -> None:
    unspecified_only = all(outcome.kind == "unspecified" for outcome in trial.outcomes) and trial.outcomes
    for kind, heading, section_kind in (
        ("primary", "Primary ", "primary_outcomes"),
        ("secondary", "Secondary ", "secondary_outcomes"),
        ("other", "Other ", "other_outcomes"),
        ("unspecified", "", "outcomes"),  # a page that lists outcomes without saying which are primary
    ):
        lines = []
        outcomes = [outcome for outcome in trial.outcomes if outcome.kind == kind]
        for number, outcome in enumerate(outcomes, start=1):
            time_frame = f" [Time Frame: {outcome.time_frame}]" if outcome.time_frame else ""
            lines.append(f"{number}. {outcome.measure}{time_frame}")
            if outcome.description:
                lines.append(f"   {outcome.description}")
        _add_headed(
            builder, f"{heading}Outcome Measures", "\n".join(lines), f"{heading.lower()}outcome measures",
            section_kind, warnings if kind == "primary" and not unspecified_only else None,
        )


def _add_eligibility(builder: TextBuilder, criteria: str, warnings: list[str]) -> None:
    if not criteria.strip():
        warnings.append("record has no eligibility criteria")
        return
    seen: dict[str, int] = {}
    for kind, text in split_eligibility(criteria):
        if kind == "eligibility":
            builder.add(f"Eligibility Criteria:\n{text}", "eligibility criteria", kind)
            continue
        seen[kind] = seen.get(kind, 0) + 1
        name = kind.replace("_", " ") + (f" ({seen[kind]})" if seen[kind] > 1 else "")
        builder.add(text, name, kind)


def _publication_ids(references: list[Reference]) -> dict[str, str]:
    """{"pmid": first PMID, "pmids": all PMIDs comma-separated (only when several)}; results references first."""
    ordered = sorted(references, key=lambda ref: _PMID_PRIORITY.get(ref.kind, 2))
    pmids = list(dict.fromkeys(ref.pmid for ref in ordered if ref.pmid))
    if not pmids:
        return {}
    ids = {"pmid": pmids[0]}
    if len(pmids) > 1:
        ids["pmids"] = ",".join(pmids)
    return ids


def _group_summary(label: str, groups: list[ResultGroup], counts: dict[str, EventCount]) -> str | None:
    """"Label: Group A 3/97; Group B 5/96" for the groups with a count, or None when there is none."""
    parts = [f"{group.title} {counts[group.id].cell()}" for group in groups if group.id in counts]
    return f"{label}: " + "; ".join(parts) if parts else None


def _adverse_event_tables(results: AdverseEventResults | None, warnings: list[str]) -> list[Table]:
    if results is None:
        return []
    known = {group.id for group in results.groups}
    header = ["Adverse event", "Organ system", *(group.title for group in results.groups)]
    tables = []
    for events, caption, totals, vocabulary, total_label in (
        (results.serious, "Serious adverse events", results.serious_totals, results.serious_vocabulary,
         "Total, serious adverse events"),
        (results.other, "Other (non-serious) adverse events", results.other_totals, results.other_vocabulary,
         "Total, other adverse events"),
    ):
        rows, numbers = [], []
        for event in events:
            unknown = sorted(set(event.counts) - known)
            if unknown:
                warnings.append(f"adverse event {event.term!r} has counts for unknown group(s) {', '.join(unknown)}")
            counts = [event.counts.get(group.id) for group in results.groups]
            rows.append([event.label(), event.organ_system, *(count.cell() if count else "" for count in counts)])
            numbers.append([None, None, *(count.numbers() if count else None for count in counts)])
        vocabularies = list(dict.fromkeys(event.vocabulary for event in events if event.vocabulary)) or (
            [vocabulary] if vocabulary else []
        )
        footnotes = [
            f"Time frame: {results.time_frame}" if results.time_frame else None,
            f"Description: {results.description}" if results.description else None,
            f"Frequency threshold: {results.frequency_threshold}%"
            if results.frequency_threshold and caption.startswith("Other") else None,
            f"Source vocabulary: {', '.join(vocabularies)}" if vocabularies else None,
            _group_summary(total_label, results.groups, totals),
            _group_summary("Deaths, all causes", results.groups, results.deaths)
            if caption.startswith("Serious") else None,
        ]
        if not rows and not any(footnotes[4:]):
            continue
        tables.append(
            Table(
                id="",
                caption=caption,
                header_rows=[header],
                rows=rows,
                section="results: adverse events",
                footnotes=[note for note in footnotes if note],
                kind="adverse_events",
                numbers=numbers,
            )
        )
    return tables


def _outcome_table(result: OutcomeResult) -> Table:
    measure_type = result.param_type + (f" ({result.dispersion_type})" if result.dispersion_type else "")
    rows: list[list[str]] = []
    numbers: list[list[CellNumbers | None]] = []
    for analyzed in result.analyzed:
        counts = [analyzed.counts.get(group.id, "") for group in result.groups]
        rows.append([f"{analyzed.units or 'Participants'} analyzed", *counts])
        numbers.append([None, *(CellNumbers(n=n) if (n := whole_number(count)) is not None else None
                                for count in counts)])
    titles = {group.id: group.title for group in result.groups}
    comments = []
    for row in result.rows:
        values = [row.values.get(group.id) for group in result.groups]
        rows.append([row.label or result.unit, *(value.cell() if value else "" for value in values)])
        numbers.append([None, *(value.numbers() if value else None for value in values)])
        comments += [
            f"{row.label + ', ' if row.label else ''}{titles.get(group_id, group_id)}: {value.comment}"
            for group_id, value in row.values.items()
            if value.comment
        ]
    footnotes = [
        f"{result.type} outcome measure" if result.type else None,
        f"Unit of measure: {result.unit}" if result.unit else None,
        f"Time frame: {result.time_frame}" if result.time_frame else None,
        f"Description: {result.description}" if result.description else None,
        f"Analysis population: {result.population}" if result.population else None,
        *comments,
    ]
    return Table(
        id="",
        caption=result.title,
        header_rows=[[measure_type, *(group.title for group in result.groups)]],
        rows=rows,
        section="results: outcome measures",
        footnotes=[note for note in footnotes if note],
        kind="outcome_measures",
        numbers=numbers,
        unit=result.unit or None,
        outcome_kind=_outcome_kind(result.type),
    )


def _outcome_kind(registered: str) -> str | None:
    """primary, secondary or other for a registered outcome type ("Primary", "Post-Hoc" is other), else None."""
    found = _OUTCOME_TYPE.match(registered.strip())
    if found is None:
        return None
    return "other" if found.group(1).lower() == "post-hoc" else found.group(1).lower()
