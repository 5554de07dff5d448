"""Facts of one table (their fields: docs/contract.md, "Fact records"): a "table" report plus "incidence", "response" or
"outcome_result" records, each pointing at the cell it was read from."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.document import Document, Table
from pipeline.lexicons import ConceptNormalizer
from pipeline.records import IncidenceFact, OutcomeFact, RegimenDrug, ResponseFact, TableFact, TableReport
from pipeline.tables.cells import CellValue, percent_mismatch, row_total, row_values, strip_markers
from pipeline.tables.classify import classify
from pipeline.tables.events import normalize_event
from pipeline.tables.regimen import Regimens, arm_name
from pipeline.tables.structure import Column, Layout, grade_of, is_count_row, read_layout, regraded
from pipeline.tables.vocabulary import response_codes

MAX_TABLE_WARNINGS = 20
_LABEL_GRADE = re.compile(r"[,;]\s*((?:grades?|gr\.?)\s*[^,;]+)$", re.I)
_CODE_IN_LABEL = re.compile(r"\(([A-Za-z]{2,3})\)\s*$")
_SERIOUS = re.compile(r"\bserious\b", re.I)
_NON_SERIOUS = re.compile(r"non-?\s?serious|\bother\b.*adverse", re.I)


@dataclass(frozen=True)
class ColumnGroup:
    """Who a count column is about: arm label, its regimen, the other header names (population, assessment)."""

    arm: str | None
    regimen: tuple[RegimenDrug, ...]
    column_label: str | None
    arm_kind: str | None = None  # "placebo" or "no_drug" for an arm that gets no drug (Regimens.arm_kind)


@dataclass
class _Row:
    """One body row read for its facts, with what each of its cells says (`values`)."""

    index: int
    values: list[CellValue]
    event: str
    grade: str | None
    total: int | None
    markers: str
    group: str | None
    section: str | None
    warnings: list[str]


def table_facts_of(document: Document, table: Table, normalizer: ConceptNormalizer,
                   regimens: Regimens) -> list[TableReport | TableFact]:
    """The "table" report of `table` followed by the facts read from its cells."""
    classification = classify(table)
    layout = read_layout(table)
    groups = _column_groups(document, table, layout, regimens)
    facts: list[TableFact] = []
    if classification in ("adverse_events", "laboratory"):
        facts = _incidence_facts(table, layout, groups, normalizer, classification, is_registry_results(document, table))
    elif classification == "response":
        facts = _response_facts(table, layout, groups)
    if table.kind == "outcome_measures" and not facts:
        facts = _outcome_facts(table, layout, groups)
        classification = "other" if classification == "response" else classification
    warnings = list(layout.warnings)
    if classification in ("adverse_events", "laboratory", "response") and table.rows and not facts:
        warnings.append(f"classified {classification} but no count cells were read")
    by_row: dict[tuple[int, str], list[int]] = {}
    for fact in facts:
        for warning in fact.warnings:
            by_row.setdefault((fact.row, warning), []).append(fact.column)
    cell_warnings = [
        f"row {row}: {warning} (column{'s' if len(cols) > 1 else ''} {', '.join(map(str, cols))})"
        for (row, warning), cols in by_row.items()
    ]
    warnings += cell_warnings[:MAX_TABLE_WARNINGS]
    if len(cell_warnings) > MAX_TABLE_WARNINGS:
        warnings.append(f"... and {len(cell_warnings) - MAX_TABLE_WARNINGS} more cell warnings")
    arms = list(dict.fromkeys(fact.arm for fact in facts if fact.arm))
    if not arms:
        arms = list(dict.fromkeys(group.arm for group in groups.values() if group.arm))
    report = TableReport(table=table.id, caption=table.caption, classification=classification, rows=len(table.rows),
                         facts=len(facts), arms=tuple(arms), warnings=tuple(warnings), page=table.page,
                         section=table.section)
    return [report, *facts]


def is_registry_results(document: Document, table: Table) -> bool:
    """Whether `table` is a registry record's results table (its columns are the registered groups)."""
    return document.trial is not None and (table.section or "").startswith("results:")


def _column_groups(document: Document, table: Table, layout: Layout, regimens: Regimens) -> dict[int, ColumnGroup]:
    """Arm and regimen of each count or value column."""
    columns = [column for column in layout.columns if column.role in ("count", "value")]
    if is_registry_results(document, table):  # registry results: every group column is an arm (group title as registered)
        return {c.index: ColumnGroup(c.header or None, tuple(regimens.of_arm(c.header)), None,
                                     regimens.arm_kind(c.header))
                for c in columns}
    arm_layers = {c.index: next((layer for layer in reversed(c.layers) if regimens.names_arm(layer)), None) for c in columns}
    any_arm = any(arm_layers.values())
    caption_regimen = tuple(regimens.of_caption(table.caption))
    groups = {}
    for column in columns:
        arm = arm_layers[column.index] or (column.layers[-1] if any_arm and column.layers else None)
        others = " / ".join(layer for layer in column.layers if layer != arm) or None
        if arm:
            groups[column.index] = ColumnGroup(arm, tuple(regimens.of_arm(arm)), others, regimens.arm_kind(arm))
        else:
            groups[column.index] = ColumnGroup(arm_name(list(caption_regimen)), caption_regimen, others)
    return groups


def _walk(table: Table, layout: Layout, grades_in_rows: bool):
    """(row, columns in force) for each body row that carries values; group, section and N rows update the state."""
    columns = layout.columns
    group: str | None = None
    section: str | None = None
    totals: dict[int, int] = {}
    seen: dict[tuple, int] = {}
    for index, cells in enumerate(table.rows):
        if not cells:
            continue
        label, markers = strip_markers(cells[0])
        values = row_values(table, index)
        new_columns = regraded(columns, cells, values)
        if new_columns is not None:
            columns, section, group = new_columns, label, None
            continue
        if not any(cell.strip() for cell in cells[1:]):
            group = label or group
            continue
        if is_count_row(label):
            totals = {i: v.n for i, v in enumerate(values) if i > 0 and v.n}
            continue
        label, override = row_total(label)
        label, inner_markers = strip_markers(label)
        markers = inner_markers + markers
        label_grade = None
        suffix = _LABEL_GRADE.search(label)
        if suffix and grade_of(suffix.group(1)):
            label_grade, label = grade_of(suffix.group(1)), label[: suffix.start()].strip()
        row_grade = grade_of(label, bare_numbers=grades_in_rows and group is not None)
        event = group if row_grade and group else label
        row = _Row(index, values, event, row_grade or label_grade, override, markers, group if event != group else None,
                   section, [])
        key = (event, row.grade, group, tuple(cell.strip() for cell in cells[1:]))
        if key in seen:
            row.warnings.append(f"duplicate row (same as row {seen[key]})")
        else:
            seen[key] = index
        yield row, columns, totals


def _total(value: CellValue, row: _Row, column: Column, layout: Layout, totals: dict[int, int]) -> tuple[int | None, list[str]]:
    """N of one cell: its own n/N, else the row's "(n = 31)", else the column's; warnings where they disagree."""
    base = totals.get(column.index) or column.total or layout.default_total
    warnings = []
    if row.total is not None and base is not None and row.total != base:
        warnings.append(f"row N {row.total} overrides {base}")
    expected = row.total if row.total is not None else base
    if value.total is not None and expected is not None and value.total != expected:
        warnings.append(f"cell N {value.total} differs from {expected}")
    return (value.total if value.total is not None else expected), warnings


def _count_fields(value: CellValue, total: int | None) -> tuple[dict[str, int | float | str | None], list[str]]:
    warnings = []
    n = value.n
    if n is not None and total is not None and n > total:
        warnings.append(f"n {n} exceeds N {total}")
    if n is not None and total and (value.percent is not None or value.percent_bound):
        mismatch = percent_mismatch(n, total, value.percent, value.percent_bound)
        if mismatch:
            warnings.append(mismatch)
    return {"n": n, "total": total, "percent": value.percent, "percent_bound": value.percent_bound or None}, warnings


def _serious(*texts: str | None) -> bool | None:
    for text in texts:
        if text and _NON_SERIOUS.search(text):
            return False
        if text and _SERIOUS.search(text):
            return True
    return None


def _incidence_facts(
    table: Table, layout: Layout, groups: dict[int, ColumnGroup], normalizer: ConceptNormalizer, classification: str,
    registry: bool,
) -> list[IncidenceFact]:
    grades_in_rows = bool(re.search(r"\bgrades?\b|\bseverity\b", table.caption, re.I)) or any(
        grade_of(row[0]) for row in table.rows if row
    )
    text_columns = [c.index for c in layout.columns if c.role == "text"]
    facts = []
    for row, columns, totals in _walk(table, layout, grades_in_rows):
        concept = normalize_event(normalizer, row.event, registry=registry)
        cells = table.rows[row.index]
        category = next((cells[i] for i in text_columns if i < len(cells) and cells[i]), None)
        for column in columns[1:]:
            if column.index not in groups or column.index >= len(cells):
                continue
            value = row.values[column.index]
            if value.kind in ("missing", "text") or (value.kind == "value" and value.n is None):
                continue
            total, warnings = _total(value, row, column, layout, totals)
            counts, count_warnings = _count_fields(value, total)
            group = groups[column.index]
            facts.append(IncidenceFact(
                table=table.id, row=row.index, column=column.index, cell=cells[column.index], event=row.event,
                norm=tuple(concept.curies) if concept else (), concept=concept.name if concept else None,
                grade=row.grade or column.grade, **counts,
                arm=group.arm, arm_kind=group.arm_kind, regimen=group.regimen, dose=column.dose,
                serious=_serious(row.group, row.section, row.event, table.caption),
                warnings=tuple(row.warnings + warnings + count_warnings),
                column_label=group.column_label, group=row.group, section=row.section,
                category=category, laboratory=classification == "laboratory" or _is_laboratory(row.section),
                markers=row.markers + value.markers,
            ))
    return facts


def _is_laboratory(section: str | None) -> bool:
    return bool(section and re.search(r"laborator|\blab\b", section, re.I))


def response_code(category: str) -> str | None:
    """CR, PR, SD, PD, ORR, DCR or NE for a response row label ("Partial response" -> "PR")."""
    codes = response_codes()
    key = " ".join(category.lower().split())
    if key in codes:
        return codes[key]
    match = _CODE_IN_LABEL.search(category)
    if match and match.group(1).lower() in codes:
        return codes[match.group(1).lower()]
    stripped = _CODE_IN_LABEL.sub("", key).strip()
    return codes.get(stripped)


def _response_facts(table: Table, layout: Layout, groups: dict[int, ColumnGroup]) -> list[ResponseFact]:
    facts = []
    for row, columns, totals in _walk(table, layout, grades_in_rows=False):
        code = response_code(row.event)
        cells = table.rows[row.index]
        for column in columns[1:]:
            if column.index not in groups or column.index >= len(cells):
                continue
            value = row.values[column.index]
            if code is None or value.kind not in ("count", "percent", "zero"):
                continue
            total, warnings = _total(value, row, column, layout, totals)
            counts, count_warnings = _count_fields(value, total)
            group = groups[column.index]
            facts.append(ResponseFact(
                table=table.id, row=row.index, column=column.index, cell=cells[column.index], category=row.event,
                code=code, **counts, arm=group.arm, arm_kind=group.arm_kind, regimen=group.regimen,
                warnings=tuple(row.warnings + warnings + count_warnings), column_label=group.column_label,
            ))
    return facts


def _outcome_facts(table: Table, layout: Layout, groups: dict[int, ColumnGroup]) -> list[OutcomeFact]:
    unit, outcome_kind = table.unit, table.outcome_kind
    measure = layout.columns[0].header if layout.columns else ""
    is_ci = bool(re.search(r"confidence interval", measure, re.I))
    facts = []
    for row, columns, _totals in _walk(table, layout, grades_in_rows=False):
        cells = table.rows[row.index]
        for column in columns[1:]:
            if column.index not in groups or column.index >= len(cells):
                continue
            value = row.values[column.index]
            number = value.value if value.value is not None else value.percent
            if number is None and value.n is not None:
                number = float(value.n)
            if number is None:
                continue
            group = groups[column.index]
            facts.append(OutcomeFact(
                table=table.id, row=row.index, column=column.index, cell=cells[column.index], endpoint=table.caption,
                outcome_kind=outcome_kind, value=number, unit=unit,
                ci=tuple(value.interval) if is_ci and value.interval else None,
                arm=group.arm, arm_kind=group.arm_kind, regimen=group.regimen, warnings=tuple(row.warnings),
                measure=measure or None, category=row.event if row.event and row.event != unit else None,
                spread=value.spread,
            ))
    return facts
