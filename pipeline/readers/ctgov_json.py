"""Reader for ClinicalTrials.gov JSON study records (format "ctgov_json").

Two layouts are read:
- API v2 (current): an object with `protocolSection` and, for trials with posted results, `resultsSection`.
  Its free text is Markdown-escaped ("\\>10 mg"); the escapes are removed.
- The retired classic API v1 `FullStudiesResponse` (`FullStudies[0].Study.ProtocolSection` / `ResultsSection`,
  PascalCase keys, lists wrapped as `XList: {X: [...]}`). A response with several studies is read for its first.

Both are mapped to a `StudyRecord`; the text, sections and tables are then built as `ctgov_common` describes.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import islice
from typing import Any

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
)
from pipeline.readers import json_sets
from pipeline.errors import ReaderError
from pipeline.readers.parts import Source, UniqueKeys
from pipeline.readers.sniff import decode_text

FORMAT = "ctgov_json"
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>&|~^=])")
_SMALL_WORDS = frozenset({"of", "to", "and", "or", "with", "for"})
# API v2 enum values whose display form is not just their words in title case.
_V2_ENUM_LABELS = {
    "INTER_QUARTILE_RANGE": "Inter-Quartile Range",
    "GEOMETRIC_COEFFICIENT": "Geometric Coefficient of Variation",
    "OTHER_PRE_SPECIFIED": "Other Pre-specified",
    "POST_HOC": "Post-Hoc",
}


_NCT_KEY = re.compile(r'"(?:nctId|NCTId)"\s*:\s*"(NCT\d{8})"')


def split(raw: bytes, path: str) -> Iterator[Source]:
    """Each study of the file as a `Source` (`FILE#NCT...`); a file holding one study keeps its own path."""
    text = decode_text(raw, path)
    if json_sets.layout(text, path) == json_sets.RECORD:
        yield Source(path, raw)
        return
    keys = UniqueKeys(path, "study")
    held: Source | None = None
    count = 0
    for count, study in enumerate(json_sets.studies(text, path), start=1):
        if held is not None:
            yield held
        found = _NCT_KEY.search(study)
        held = keys.source(found.group(1) if found else f"study-{count}", count, study.encode("utf-8"))
    if held is None:
        raise ReaderError(path, "a list of ClinicalTrials.gov studies with no study in it")
    yield Source(path, held.raw, held.error) if count == 1 else held


def read(raw: bytes, path: str) -> Document:
    """Read a ClinicalTrials.gov API v2 or classic v1 JSON record into a `Document` (a file listing one study
    is read as that study)."""
    parts = list(islice(split(raw, path), 2))
    if len(parts) > 1:
        raise ReaderError(path, "holds several studies; read it with pipeline.readers.read_documents")
    if parts[0].error:
        raise ReaderError(path, parts[0].error)
    text = decode_text(parts[0].raw, path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        ending = " (the file ends too early; is it truncated?)" if exc.pos >= len(text.rstrip()) else ""
        raise ReaderError(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: "
                         f"{exc.msg.removesuffix(' at')}{ending}") from exc
    except RecursionError as exc:
        raise ReaderError(path, "JSON nested too deeply to read; refused") from exc
    if not isinstance(data, dict):
        raise ReaderError(path, f"JSON top level is a {type(data).__name__}, not a ClinicalTrials.gov study object")
    if "protocolSection" in data:
        record = _record_from_v2(data, path)
    elif "FullStudiesResponse" in data:
        record = _record_from_v1(data["FullStudiesResponse"], path)
    else:
        raise ReaderError(
            path, "JSON has neither protocolSection (API v2) nor FullStudiesResponse (classic API v1); "
            "not a ClinicalTrials.gov study record",
        )
    return build_document(record, raw, path, FORMAT)


# --- tolerant access to nested JSON: wrong types read as missing -------------------------------------------------


def _get(parent: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(parent, dict):
            return None
        parent = parent.get(key)
    return parent


def _obj(parent: Any, *keys: str) -> dict[str, Any]:
    value = _get(parent, *keys)
    return value if isinstance(value, dict) else {}


def _items(parent: Any, *keys: str) -> list[dict[str, Any]]:
    value = _get(parent, *keys)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _str(parent: Any, *keys: str) -> str:
    value = _get(parent, *keys)
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return ""
    return _MARKDOWN_ESCAPE.sub(r"\1", str(value)).strip()


def _strs(parent: Any, *keys: str) -> list[str]:
    value = _get(parent, *keys)
    if not isinstance(value, list):
        return []
    return [text for text in (_MARKDOWN_ESCAPE.sub(r"\1", str(v)).strip() for v in value if v is not None) if text]


def _nct_id(value: str, where: str, path: str) -> str:
    if not value:
        raise ReaderError(path, f"no NCT id: {where} is missing")
    if not NCT_ID_FORMAT.fullmatch(value):
        raise ReaderError(path, f"NCT id {value!r} in {where} is not 'NCT' followed by 8 digits")
    return value


def _label(value: str) -> str:
    """API v2 enum values as the registry displays them: "DIETARY_SUPPLEMENT" -> "Dietary Supplement"."""
    if value in _V2_ENUM_LABELS:
        return _V2_ENUM_LABELS[value]
    if not re.fullmatch(r"[A-Z0-9_]+", value):
        return value
    ci = re.fullmatch(r"CONFIDENCE_INTERVAL_(\d+)", value)
    if ci:
        digits = ci.group(1)
        return f"{digits[:2]}{'.' + digits[2:] if len(digits) > 2 else ''}% Confidence Interval"
    words = value.lower().split("_")
    return " ".join(w if i and w in _SMALL_WORDS else w.capitalize() for i, w in enumerate(words))


# --- API v2 ----------------------------------------------------------------------------------------------------


def _record_from_v2(data: dict[str, Any], path: str) -> StudyRecord:
    protocol = data.get("protocolSection")
    if not isinstance(protocol, dict):
        raise ReaderError(path, "protocolSection is not a JSON object")
    ident = _obj(protocol, "identificationModule")
    nct_id = _nct_id(_str(ident, "nctId"), "protocolSection.identificationModule.nctId", path)
    warnings: list[str] = []
    design = _obj(protocol, "designModule")
    arms = _obj(protocol, "armsInterventionsModule")
    outcomes_module = _obj(protocol, "outcomesModule")
    trial = TrialRecord(
        nct_id=nct_id,
        title=_str(ident, "briefTitle"),
        official_title=_str(ident, "officialTitle"),
        conditions=_strs(protocol, "conditionsModule", "conditions"),
        interventions=[
            Intervention(
                name=_str(item, "name"),
                type=_label(_str(item, "type")),
                description=one_line(_str(item, "description")),
                arm_groups=_strs(item, "armGroupLabels"),
                other_names=_strs(item, "otherNames"),
            )
            for item in _items(arms, "interventions")
        ],
        outcomes=[
            Outcome(
                kind=kind,
                measure=one_line(_str(item, "measure")),
                time_frame=one_line(_str(item, "timeFrame")),
                description=one_line(_str(item, "description")),
            )
            for kind in ("primary", "secondary", "other")
            for item in _items(outcomes_module, f"{kind}Outcomes")
        ],
        phases=normalize_phases(_strs(design, "phases")),
        study_type=_label(_str(design, "studyType")),
        enrollment=parse_enrollment(_str(design, "enrollmentInfo", "count"), warnings),
    )
    results = _get(data, "resultsSection")
    return StudyRecord(
        trial=trial,
        nct_aliases=[alias for alias in _strs(ident, "nctIdAliases") if NCT_ID_FORMAT.fullmatch(alias)],
        brief_summary=_str(protocol, "descriptionModule", "briefSummary"),
        detailed_description=_str(protocol, "descriptionModule", "detailedDescription"),
        arm_groups=[
            ArmGroup(label=_str(arm, "label"), type=_label(_str(arm, "type")), description=_str(arm, "description"))
            for arm in _items(arms, "armGroups")
        ],
        eligibility_criteria=_str(protocol, "eligibilityModule", "eligibilityCriteria"),
        references=[
            Reference(pmid=_str(ref, "pmid"), kind=_str(ref, "type").lower())
            for ref in _items(protocol, "referencesModule", "references")
        ],
        has_results=isinstance(results, dict),
        adverse_events=_v2_adverse_events(_get(results, "adverseEventsModule")),
        outcome_results=[_v2_outcome(item) for item in _items(results, "outcomeMeasuresModule", "outcomeMeasures")],
        warnings=warnings,
    )


def _v2_count(item: dict[str, Any], affected: str, at_risk: str) -> EventCount | None:
    count = EventCount(_str(item, affected), _str(item, at_risk))
    return count if count.affected else None


def _v2_totals(groups: list[dict[str, Any]], prefix: str) -> dict[str, EventCount]:
    totals = {_str(g, "id"): _v2_count(g, f"{prefix}NumAffected", f"{prefix}NumAtRisk") for g in groups}
    return {group_id: count for group_id, count in totals.items() if count}


def _v2_events(items: list[dict[str, Any]]) -> list[AdverseEvent]:
    events = []
    for item in items:
        counts = {_str(s, "groupId"): _v2_count(s, "numAffected", "numAtRisk") for s in _items(item, "stats")}
        events.append(
            AdverseEvent(
                term=_str(item, "term"),
                organ_system=_str(item, "organSystem"),
                counts={group_id: count for group_id, count in counts.items() if count},
                vocabulary=_str(item, "sourceVocabulary"),
            )
        )
    return events


def _v2_adverse_events(module: Any) -> AdverseEventResults | None:
    if not isinstance(module, dict):
        return None
    groups = _items(module, "eventGroups")
    return AdverseEventResults(
        groups=[ResultGroup(_str(g, "id"), _str(g, "title") or _str(g, "id")) for g in groups],
        serious=_v2_events(_items(module, "seriousEvents")),
        other=_v2_events(_items(module, "otherEvents")),
        serious_totals=_v2_totals(groups, "serious"),
        other_totals=_v2_totals(groups, "other"),
        deaths=_v2_totals(groups, "deaths"),
        time_frame=_str(module, "timeFrame"),
        description=_str(module, "description"),
        frequency_threshold=_str(module, "frequencyThreshold"),
    )


def _v2_outcome(item: dict[str, Any]) -> OutcomeResult:
    rows = []
    for klass in _items(item, "classes"):
        for category in _items(klass, "categories"):
            values = {
                _str(m, "groupId"): Measurement(
                    value=_str(m, "value"),
                    spread=_str(m, "spread"),
                    lower=_str(m, "lowerLimit"),
                    upper=_str(m, "upperLimit"),
                    comment=_str(m, "comment"),
                )
                for m in _items(category, "measurements")
            }
            label = " / ".join(t for t in (_str(klass, "title"), _str(category, "title")) if t)
            rows.append(MeasureRow(label, values))
    return OutcomeResult(
        title=_str(item, "title"),
        groups=[ResultGroup(_str(g, "id"), _str(g, "title") or _str(g, "id")) for g in _items(item, "groups")],
        type=_label(_str(item, "type")),
        description=_str(item, "description"),
        time_frame=_str(item, "timeFrame"),
        population=_str(item, "populationDescription"),
        param_type=_label(_str(item, "paramType")),
        dispersion_type=_label(_str(item, "dispersionType")),
        unit=_str(item, "unitOfMeasure"),
        analyzed=[
            Analyzed(_str(denom, "units"), {_str(c, "groupId"): _str(c, "value") for c in _items(denom, "counts")})
            for denom in _items(item, "denoms")
        ],
        rows=rows,
    )


# --- classic API v1 (FullStudiesResponse) ------------------------------------------------------------------------


def _record_from_v1(response: Any, path: str) -> StudyRecord:
    studies = _items(response, "FullStudies")
    if not studies:
        raise ReaderError(path, "FullStudiesResponse holds no study (FullStudies is empty or missing)")
    study = _obj(studies[0], "Study")
    protocol = _obj(study, "ProtocolSection")
    if not protocol:
        raise ReaderError(path, "FullStudies[0].Study has no ProtocolSection")
    ident = _obj(protocol, "IdentificationModule")
    nct_id = _nct_id(_str(ident, "NCTId"), "ProtocolSection.IdentificationModule.NCTId", path)
    warnings: list[str] = []
    if len(studies) > 1:
        warnings.append(f"FullStudiesResponse holds {len(studies)} studies; only the first ({nct_id}) was read")
    design = _obj(protocol, "DesignModule")
    arms = _obj(protocol, "ArmsInterventionsModule")
    outcomes_module = _obj(protocol, "OutcomesModule")
    trial = TrialRecord(
        nct_id=nct_id,
        title=_str(ident, "BriefTitle"),
        official_title=_str(ident, "OfficialTitle"),
        conditions=_strs(protocol, "ConditionsModule", "ConditionList", "Condition"),
        interventions=[
            Intervention(
                name=_str(item, "InterventionName"),
                type=_str(item, "InterventionType"),
                description=one_line(_str(item, "InterventionDescription")),
                arm_groups=_strs(item, "InterventionArmGroupLabelList", "InterventionArmGroupLabel"),
                other_names=_strs(item, "InterventionOtherNameList", "InterventionOtherName"),
            )
            for item in _items(arms, "InterventionList", "Intervention")
        ],
        outcomes=[
            Outcome(
                kind=kind.lower(),
                measure=one_line(_str(item, f"{kind}OutcomeMeasure")),
                time_frame=one_line(_str(item, f"{kind}OutcomeTimeFrame")),
                description=one_line(_str(item, f"{kind}OutcomeDescription")),
            )
            for kind in ("Primary", "Secondary", "Other")
            for item in _items(outcomes_module, f"{kind}OutcomeList", f"{kind}Outcome")
        ],
        phases=normalize_phases(_strs(design, "PhaseList", "Phase")),
        study_type=_str(design, "StudyType"),
        enrollment=parse_enrollment(_str(design, "EnrollmentInfo", "EnrollmentCount"), warnings),
    )
    results = study.get("ResultsSection")
    return StudyRecord(
        trial=trial,
        nct_aliases=[a for a in _strs(ident, "NCTIdAliasList", "NCTIdAlias") if NCT_ID_FORMAT.fullmatch(a)],
        brief_summary=_str(protocol, "DescriptionModule", "BriefSummary"),
        detailed_description=_str(protocol, "DescriptionModule", "DetailedDescription"),
        arm_groups=[
            ArmGroup(_str(arm, "ArmGroupLabel"), _str(arm, "ArmGroupType"), _str(arm, "ArmGroupDescription"))
            for arm in _items(arms, "ArmGroupList", "ArmGroup")
        ],
        eligibility_criteria=_str(protocol, "EligibilityModule", "EligibilityCriteria"),
        references=[
            Reference(pmid=_str(ref, "ReferencePMID"), kind=_str(ref, "ReferenceType").lower())
            for ref in _items(protocol, "ReferencesModule", "ReferenceList", "Reference")
        ],
        has_results=isinstance(results, dict),
        adverse_events=_v1_adverse_events(_get(results, "AdverseEventsModule")),
        outcome_results=[
            _v1_outcome(item)
            for item in _items(results, "OutcomeMeasuresModule", "OutcomeMeasureList", "OutcomeMeasure")
        ],
        warnings=warnings,
    )


def _v1_count(item: dict[str, Any], prefix: str) -> EventCount | None:
    count = EventCount(_str(item, f"{prefix}NumAffected"), _str(item, f"{prefix}NumAtRisk"))
    return count if count.affected else None


def _v1_totals(groups: list[dict[str, Any]], prefix: str) -> dict[str, EventCount]:
    totals = {_str(g, "EventGroupId"): _v1_count(g, f"EventGroup{prefix}") for g in groups}
    return {group_id: count for group_id, count in totals.items() if count}


def _v1_events(module: dict[str, Any], kind: str) -> list[AdverseEvent]:
    events = []
    for item in _items(module, f"{kind}EventList", f"{kind}Event"):
        stats = _items(item, f"{kind}EventStatsList", f"{kind}EventStats")
        counts = {_str(s, f"{kind}EventStatsGroupId"): _v1_count(s, f"{kind}EventStats") for s in stats}
        events.append(
            AdverseEvent(
                term=_str(item, f"{kind}EventTerm"),
                organ_system=_str(item, f"{kind}EventOrganSystem"),
                counts={group_id: count for group_id, count in counts.items() if count},
                vocabulary=_str(item, f"{kind}EventSourceVocabulary"),
            )
        )
    return events


def _v1_adverse_events(module: Any) -> AdverseEventResults | None:
    if not isinstance(module, dict):
        return None
    groups = _items(module, "EventGroupList", "EventGroup")
    return AdverseEventResults(
        groups=[
            ResultGroup(_str(g, "EventGroupId"), _str(g, "EventGroupTitle") or _str(g, "EventGroupId")) for g in groups
        ],
        serious=_v1_events(module, "Serious"),
        other=_v1_events(module, "Other"),
        serious_totals=_v1_totals(groups, "Serious"),
        other_totals=_v1_totals(groups, "Other"),
        deaths=_v1_totals(groups, "Deaths"),
        time_frame=_str(module, "EventsTimeFrame"),
        description=_str(module, "EventsDescription"),
        frequency_threshold=_str(module, "EventsFrequencyThreshold"),
    )


def _v1_outcome(item: dict[str, Any]) -> OutcomeResult:
    rows = []
    for klass in _items(item, "OutcomeClassList", "OutcomeClass"):
        for category in _items(klass, "OutcomeCategoryList", "OutcomeCategory"):
            values = {
                _str(m, "OutcomeMeasurementGroupId"): Measurement(
                    value=_str(m, "OutcomeMeasurementValue"),
                    spread=_str(m, "OutcomeMeasurementSpread"),
                    lower=_str(m, "OutcomeMeasurementLowerLimit"),
                    upper=_str(m, "OutcomeMeasurementUpperLimit"),
                    comment=_str(m, "OutcomeMeasurementComment"),
                )
                for m in _items(category, "OutcomeMeasurementList", "OutcomeMeasurement")
            }
            titles = (_str(klass, "OutcomeClassTitle"), _str(category, "OutcomeCategoryTitle"))
            rows.append(MeasureRow(" / ".join(t for t in titles if t), values))
    return OutcomeResult(
        title=_str(item, "OutcomeMeasureTitle"),
        groups=[
            ResultGroup(_str(g, "OutcomeGroupId"), _str(g, "OutcomeGroupTitle") or _str(g, "OutcomeGroupId"))
            for g in _items(item, "OutcomeGroupList", "OutcomeGroup")
        ],
        type=_str(item, "OutcomeMeasureType"),
        description=_str(item, "OutcomeMeasureDescription"),
        time_frame=_str(item, "OutcomeMeasureTimeFrame"),
        population=_str(item, "OutcomeMeasurePopulationDescription"),
        param_type=_str(item, "OutcomeMeasureParamType"),
        dispersion_type=_str(item, "OutcomeMeasureDispersionType"),
        unit=_str(item, "OutcomeMeasureUnitOfMeasure"),
        analyzed=[
            Analyzed(
                _str(denom, "OutcomeDenomUnits"),
                {
                    _str(c, "OutcomeDenomCountGroupId"): _str(c, "OutcomeDenomCountValue")
                    for c in _items(denom, "OutcomeDenomCountList", "OutcomeDenomCount")
                },
            )
            for denom in _items(item, "OutcomeDenomList", "OutcomeDenom")
        ],
        rows=rows,
    )
