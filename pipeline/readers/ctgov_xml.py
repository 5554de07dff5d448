"""Reader for legacy ClinicalTrials.gov `<clinical_study>` XML records (format "ctgov_xml").

The record, including `<clinical_results>` (`<reported_events>` and `<outcome_list>`), is mapped to a
`StudyRecord`; the text, sections and tables are then built as `ctgov_common` describes. Textblocks are
hard-wrapped and indented in this format; `unwrap_textblock` joins the wrapped lines again. In the adverse-event
lists the "Total" category ("Total, serious adverse events") holds the per-group totals, not an event: it goes to
the table footnotes, like the group totals of the JSON formats.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from pipeline.document import Document, Intervention, Outcome, TrialRecord
from pipeline.readers.ctgov_common import (
    NCT_ID_FORMAT,
    AdverseEvent,
    AdverseEventResults,
    Analyzed,
    ArmGroup,
    EventCount,
    Measurement,
    MeasureRow,
    OutcomeResult,
    Reference,
    ResultGroup,
    StudyRecord,
    build_document,
    normalize_phases,
    one_line,
    parse_enrollment,
    unwrap_textblock,
)
from pipeline.errors import ReaderError
from pipeline.readers.safe_xml import parse_xml

FORMAT = "ctgov_xml"


def read(raw: bytes, path: str) -> Document:
    """Read a legacy `<clinical_study>` XML record into a `Document`."""
    if not raw.strip():
        raise ReaderError(path, "empty file")
    root = parse_xml(raw, path)  # defused: no entity declarations, no external references
    if root.tag != "clinical_study":
        raise ReaderError(
            path, f"XML root element is <{root.tag}>, not <clinical_study>; not a ClinicalTrials.gov record"
        )
    return build_document(_record(root, path), raw, path, FORMAT)


def _text(parent: ET.Element | None, tag: str) -> str:
    """Text of the child `tag` (a path), or of its `<textblock>` when it has one, unwrapped; "" when absent."""
    element = parent.find(tag) if parent is not None else None
    if element is None:
        return ""
    block = element.find("textblock")
    if block is not None:
        return unwrap_textblock(block.text or "")
    return (element.text or "").strip()


def _texts(parent: ET.Element, tag: str) -> list[str]:
    return [text for text in ((e.text or "").strip() for e in parent.findall(tag)) if text]


def _record(root: ET.Element, path: str) -> StudyRecord:
    nct_id = _text(root, "id_info/nct_id")
    if not nct_id:
        raise ReaderError(path, "no NCT id: <id_info><nct_id> is missing")
    if not NCT_ID_FORMAT.fullmatch(nct_id):
        raise ReaderError(path, f"NCT id {nct_id!r} in <id_info><nct_id> is not 'NCT' followed by 8 digits")
    warnings: list[str] = []
    trial = TrialRecord(
        nct_id=nct_id,
        title=_text(root, "brief_title"),
        official_title=_text(root, "official_title"),
        conditions=_texts(root, "condition"),
        interventions=[
            Intervention(
                name=_text(item, "intervention_name"),
                type=_text(item, "intervention_type"),
                description=one_line(_text(item, "description")),
                arm_groups=_texts(item, "arm_group_label"),
                other_names=_texts(item, "other_name"),
            )
            for item in root.findall("intervention")
        ],
        outcomes=[
            Outcome(
                kind=kind,
                measure=one_line(_text(item, "measure")),
                time_frame=one_line(_text(item, "time_frame")),
                description=one_line(_text(item, "description")),
            )
            for kind in ("primary", "secondary", "other")
            for item in root.findall(f"{kind}_outcome")
        ],
        phases=normalize_phases(_texts(root, "phase")),
        study_type=_text(root, "study_type"),
        enrollment=parse_enrollment(_text(root, "enrollment"), warnings),
    )
    results = root.find("clinical_results")
    references = [Reference(_text(ref, "PMID"), "result") for ref in root.findall("results_reference")]
    references += [Reference(_text(ref, "PMID"), "") for ref in root.findall("reference")]
    return StudyRecord(
        trial=trial,
        nct_aliases=[alias for alias in _texts(root, "id_info/nct_alias") if NCT_ID_FORMAT.fullmatch(alias)],
        brief_summary=_text(root, "brief_summary"),
        detailed_description=_text(root, "detailed_description"),
        arm_groups=[
            ArmGroup(_text(arm, "arm_group_label"), _text(arm, "arm_group_type"), _text(arm, "description"))
            for arm in root.findall("arm_group")
        ],
        eligibility_criteria=_text(root, "eligibility/criteria"),
        references=references,
        has_results=results is not None,
        adverse_events=_adverse_events(results.find("reported_events")) if results is not None else None,
        outcome_results=[_outcome(item) for item in results.findall("outcome_list/outcome")]
        if results is not None else [],
        warnings=warnings,
    )


def _groups(parent: ET.Element) -> list[ResultGroup]:
    return [
        ResultGroup(group.get("group_id", ""), _text(group, "title") or group.get("group_id", ""))
        for group in parent.findall("group_list/group")
    ]


def _event_counts(event: ET.Element) -> dict[str, EventCount]:
    return {
        counts.get("group_id", ""): EventCount(counts.get("subjects_affected", ""), counts.get("subjects_at_risk", ""))
        for counts in event.findall("counts")
        if counts.get("subjects_affected")
    }


def _events(events: ET.Element | None) -> tuple[list[AdverseEvent], dict[str, EventCount], str]:
    """(events, per-group totals, default vocabulary) of a `<serious_events>` or `<other_events>` element."""
    if events is None:
        return [], {}, ""
    found: list[AdverseEvent] = []
    totals: dict[str, EventCount] = {}
    default_vocabulary = _text(events, "default_vocab")
    for category in events.findall("category_list/category"):
        organ_system = _text(category, "title")
        for event in category.findall("event_list/event"):
            if organ_system.lower() == "total":
                totals.update(_event_counts(event))
                continue
            term = event.find("sub_title")
            found.append(
                AdverseEvent(
                    term=(term.text or "").strip() if term is not None else "",
                    organ_system=organ_system,
                    counts=_event_counts(event),
                    vocabulary=term.get("vocab", "") if term is not None else "",
                    description=_text(event, "description"),
                )
            )
    return found, totals, default_vocabulary


def _adverse_events(reported: ET.Element | None) -> AdverseEventResults | None:
    if reported is None:
        return None
    serious, serious_totals, serious_vocabulary = _events(reported.find("serious_events"))
    other, other_totals, other_vocabulary = _events(reported.find("other_events"))
    return AdverseEventResults(
        groups=_groups(reported),
        serious=serious,
        other=other,
        serious_totals=serious_totals,
        other_totals=other_totals,
        time_frame=_text(reported, "time_frame"),
        description=_text(reported, "desc"),
        frequency_threshold=_text(reported, "other_events/frequency_threshold"),
        serious_vocabulary=serious_vocabulary,
        other_vocabulary=other_vocabulary,
    )


def _outcome(outcome: ET.Element) -> OutcomeResult:
    measure = outcome.find("measure")
    rows: list[MeasureRow] = []
    analyzed: list[Analyzed] = []
    if measure is not None:
        for klass in measure.findall("class_list/class"):
            for category in klass.findall("category_list/category"):
                values = {
                    m.get("group_id", ""): Measurement(
                        value=m.get("value", ""),
                        spread=m.get("spread", ""),
                        lower=m.get("lower_limit", ""),
                        upper=m.get("upper_limit", ""),
                        comment=(m.text or "").strip(),
                    )
                    for m in category.findall("measurement_list/measurement")
                }
                label = " / ".join(t for t in (_text(klass, "title"), _text(category, "title")) if t)
                rows.append(MeasureRow(label, values))
        analyzed = [
            Analyzed(
                _text(item, "units"),
                {count.get("group_id", ""): count.get("value", "") for count in item.findall("count_list/count")},
            )
            for item in measure.findall("analyzed_list/analyzed")
        ]
    return OutcomeResult(
        title=_text(outcome, "title"),
        groups=_groups(outcome),
        type=_text(outcome, "type"),
        description=_text(outcome, "description"),
        time_frame=_text(outcome, "time_frame"),
        population=_text(outcome, "population"),
        param_type=_text(measure, "param"),
        dispersion_type=_text(measure, "dispersion"),
        unit=_text(measure, "units"),
        analyzed=analyzed,
        rows=rows,
    )
