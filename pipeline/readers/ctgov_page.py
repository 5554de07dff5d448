"""Reader for ClinicalTrials.gov record web pages saved as plain text.

Three page layouts are understood: the current site (fields as `|`-separated pseudo-tables, lists with
"- "), the classic site ("•" lists, "Intervention Details:", numbered outcome measures) and the older
"Try our beta test site" layout (one cell per line in the condition table, an "Arms Assigned
Interventions" table). The page is read into a `StudyRecord` and turned into a `Document` by the
shared `build_document`, so the text holds the record's fields (title, summary, conditions, arms,
interventions, outcome measures, eligibility) and none of the page chrome (disclaimers, navigation,
locations, contacts, MeSH lists).

What the page does not say is not guessed: outcome measures listed without a Primary/Secondary
heading get kind "unspecified" and a warning. Eligibility criteria whose Inclusion/Exclusion headings were
lost in the saving are split into the two only when the page shows exactly two blocks and the second
does not read like PDQ "No ..." characteristics; the document then carries a warning.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.document import Document, Intervention, Outcome, TrialRecord, find_nct_ids
from pipeline.readers.ctgov_common import ArmGroup, StudyRecord, build_document, normalize_phases, parse_enrollment
from pipeline.errors import ReaderError
from pipeline.readers.sniff import decode_text
from pipeline.readers.text import clip_title

FORMAT = "ctgov_page"

_INTERVENTION_TYPES = (
    r"Drug|Biological|Device|Procedure(?:/Surgery)?|Radiation|Behavioral|Genetic|Dietary Supplement"
    r"|Combination Product|Diagnostic Test|Other"
)
_INTERVENTION_LABEL = re.compile(rf"\b({_INTERVENTION_TYPES})\s*:\s*")
_INTERVENTION_LINE = re.compile(rf"^({_INTERVENTION_TYPES})\s*:\s*(.+)$")
_ARM_LINE = re.compile(
    r"^(Experimental|Active Comparator|Placebo Comparator|Sham Comparator|No Intervention|Other)\s*:\s*(.+)$"
)
_OTHER_NAME = re.compile(r"^Other Names?\s*:\s*(.+)$", re.I)
_BULLET = re.compile(r"^(?:[-•*·]|\d{1,2}[.)])\s+")
_TIME_FRAME = re.compile(r"^(?P<measure>.*?)\s*\[\s*Time\s*Frame\s*:\s*(?P<time_frame>.*?)\s*\]\s*$")
_PHASE_TEXT = re.compile(r"(?:(?:Early\s+)?Phase\s*\d(?:\s*/\s*(?:Phase\s*)?\d)?\s*)+$|\s*(?:Not Applicable|N/A)\s*$", re.I)
_IDENTIFIER = re.compile(r"identifier\s*(?:\(NCT number\))?\s*:?\s*\|?\s*(NCT\d{8})", re.I)

# Line labels that open a part of the record (matched on the whole line without "|" cells).
_ANCHORS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.I)
    for name, pattern in {
        "summary": r"Brief Summary\s*:?",
        "description": r"Detailed Description\s*:?",
        "conditions": r"Conditions?(?: or disease)?\s*\|?\s*Interventions?(?:/treatment)?(?:\s*\|?\s*Phases?)?\s*\|?",
        "intervention_details": r"Intervention Details\s*:?",
        "arms": r"Arms?\s*\|?\s*Assigned Interventions?\s*\|?",
        "primary": r"Primary Outcome Measures?\s*:?",
        "secondary": r"Secondary Outcome Measures?\s*:?",
        "other": r"Other (?:Pre-specified )?Outcome Measures?\s*:?",
        "eligibility": r"(?:(?:Ages|Sexes|Genders) Eligible for Study|Accepts Healthy Volunteers)\s*:.*|(?:Eligibility )?Criteria\s*:?",
    }.items()
}
# Lines that end a free-text part: record fields and the page's own chrome.
_BOUNDARY = re.compile(
    r"^(?:Study Type|Study Design|(?:Actual |Estimated |Anticipated )?Enrollment|Official Title|Allocation"
    r"|Resource links provided by|Information from the National Library|MedlinePlus|Choosing to participate"
    r"|To learn more about this study|Please refer to this study|Contacts and Locations|Sponsors and Collaborators"
    r"|More Information|Publications|Responsible Party|Further study details|Layout table|Study Start Date"
    r"|Keywords provided by|Additional relevant MeSH terms|Show detailed description|Hide detailed description)\b",
    re.I,
)
_CRITERIA_HEADING = re.compile(r"^(?:key |main )?(?:inclusion|exclusion) criteria\b.{0,40}$", re.I)
_PDQ_LABEL = re.compile(r"^[A-Z][A-Z ,/&()-]{3,60}:$")  # "DISEASE CHARACTERISTICS:" in NCI PDQ records
# Status and date lines at the head of a page; the old layout puts the brief summary right after them.
_HEADER_LINE = re.compile(
    r"^(?:First (?:received|posted|submitted)|Last (?:updated|verified|update posted)|Verified\b|Recruitment Status"
    r"|This study (?:is|has)|Information provided by|Identifier)|Identifier:\s*$",
    re.I,
)
_CHROME_LINE = re.compile(
    r"^(?:Try our beta test site|IMPORTANT:|!\[|The safety and scientific validity|Read our disclaimer|\|+$)", re.I
)
_NEGATED_CRITERION = re.compile(r"^(?:no|not|none|must not|without)\b", re.I)


def _clean(line: str) -> str:
    """A page line without its indentation and without pseudo-table bars at the ends."""
    return line.strip().strip("|").strip()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _field(lines: list[str], label: str) -> str:
    """The value of the first `label : | value |` line, or ""."""
    pattern = re.compile(rf"^(?:{label})\s*:\s*\|?\s*(.*?)\s*\|?\s*$", re.I)
    for line in lines:
        match = pattern.match(line.strip())
        if match and match.group(1):
            return match.group(1)
    return ""


@dataclass
class _Item:
    """A listed thing (intervention, outcome, criterion) with the lines of description under it."""

    text: str
    description: list[str] = field(default_factory=list)


class _Page:
    """The lines of one saved record page and the parts read from them."""

    def __init__(self, text: str) -> None:
        self.lines = [line.rstrip() for line in text.split("\n")]
        self.used: set[int] = set()
        self.warnings: list[str] = []

    # --- locating parts -----------------------------------------------------------------------------------

    def anchor(self, name: str) -> int | None:
        """Index of the first line that opens part `name`, if the page has one."""
        pattern = _ANCHORS[name]
        return next((i for i, line in enumerate(self.lines) if pattern.fullmatch(_clean(line))), None)

    def is_boundary(self, line: str) -> bool:
        cleaned = _clean(line)
        return bool(_BOUNDARY.match(cleaned)) or any(p.fullmatch(cleaned) for p in _ANCHORS.values())

    def free_text(self, name: str) -> str:
        """The paragraphs after the anchor line of part `name` up to the next field or chrome line."""
        start = self.anchor(name)
        if start is None:
            return ""
        paragraphs: list[str] = []
        current: list[str] = []
        for index in range(start + 1, len(self.lines)):
            line = self.lines[index]
            if self.is_boundary(line):
                break
            self.used.add(index)
            if line.strip():
                current.append(line.strip())
            elif current:
                paragraphs.append("\n".join(current))
                current = []
        if current:
            paragraphs.append("\n".join(current))
        return "\n\n".join(paragraphs)

    def header_summary(self) -> str:
        """The old layout's brief summary: prose between the status/date lines and the condition table."""
        end = self.anchor("conditions")
        if end is None:
            return ""
        found: list[str] = []
        for index in range(end - 1, -1, -1):
            line = self.lines[index].strip()
            if not line:
                continue
            if _HEADER_LINE.search(line) or _CHROME_LINE.match(line) or _BULLET.match(line) or "|" in line:
                break
            found.insert(0, line)
        summary = "\n".join(found)
        return summary if len(summary.split()) >= 8 else ""

    # --- lists ----------------------------------------------------------------------------------------------

    def items(self, start: int, is_item: re.Pattern[str]) -> list[_Item]:
        """Items from line `start` on: lines whose cleaned text matches `is_item`, each with its description.

        A description is made of the lines right under an item that are neither items nor bullets, and of
        lines indented deeper than the item (across single blank lines). The list ends at a field or chrome
        line, at a bullet that is not an item, or at an unindented line after a blank line.
        """
        found: list[_Item] = []
        item_indent = 0
        after_blank = False
        for index in range(start, len(self.lines)):
            line = self.lines[index]
            cleaned = _clean(line)
            if not cleaned:
                after_blank = True
                continue
            if index in self.used or self.is_boundary(line):
                break
            if is_item.match(_BULLET.sub("", cleaned)) and (not found or _indent(line) <= item_indent):
                found.append(_Item(_BULLET.sub("", cleaned)))
                item_indent = _indent(line)
            elif found and (_indent(line) > item_indent or (not after_blank and not _BULLET.match(cleaned))):
                found[-1].description.append(cleaned)
            else:
                break
            self.used.add(index)
            after_blank = False
        return found

    # --- record fields --------------------------------------------------------------------------------------

    def title(self) -> str:
        for line in self.lines:
            cleaned = _clean(line)
            if cleaned and not _CHROME_LINE.match(cleaned) and len(cleaned.split()) >= 2:
                return clip_title(cleaned)
        return ""

    def nct_id(self, path: str) -> str:
        text = "\n".join(self.lines)
        match = _IDENTIFIER.search(text)
        ids = [match.group(1)] if match else find_nct_ids(text)
        if not ids:
            raise ReaderError(path, "ClinicalTrials.gov page without an NCT number; save the whole record page")
        return ids[0]

    def condition_table(self) -> tuple[list[str], list[Intervention], list[str]]:
        """Conditions, interventions and phases from the "Condition | Intervention | Phase" table."""
        start = self.anchor("conditions")
        if start is None:
            return [], [], []
        pieces: list[str] = []
        for index in range(start + 1, len(self.lines)):
            line = self.lines[index]
            if not line.strip() or self.is_boundary(line):
                break
            self.used.add(index)
            if re.fullmatch(r"[-|\s]+", line):
                continue
            pieces += [cell.strip() for cell in line.strip().strip("|").split("|")] if "|" in line else [line.strip()]
        conditions: list[str] = []
        interventions: list[Intervention] = []
        phases: list[str] = []
        for piece in pieces:
            phase = _PHASE_TEXT.search(piece)
            if phase and phase.group(0).strip():
                phases.append(phase.group(0).strip())
                piece = piece[: phase.start()].strip()
            labels = list(_INTERVENTION_LABEL.finditer(piece))
            head = piece[: labels[0].start()].strip() if labels else piece
            if head:
                conditions.append(head)
            for label, following in zip(labels, [*labels[1:], None]):
                name = piece[label.end() : following.start() if following else len(piece)].strip()
                if name:
                    interventions.append(Intervention(name=name, type=label.group(1)))
        return conditions, interventions, normalize_phases(phases)

    def intervention_list(self) -> list[Intervention]:
        """Interventions with descriptions: "Intervention Details:" or a "- Drug: name" list with no heading."""
        start = self.anchor("intervention_details")
        candidates = [start + 1] if start is not None else []
        candidates += [
            i
            for i, line in enumerate(self.lines)
            if _BULLET.match(line.strip()) and _INTERVENTION_LINE.match(_BULLET.sub("", line.strip()))
        ]
        interventions: list[Intervention] = []
        for index in candidates:
            if index in self.used:
                continue
            for item in self.items(index, _INTERVENTION_LINE):
                match = _INTERVENTION_LINE.match(item.text)
                if match:
                    interventions.append(
                        Intervention(name=match.group(2).strip(), type=match.group(1), description="\n".join(item.description))
                    )
        return interventions

    def arms(self) -> tuple[list[ArmGroup], list[Intervention]]:
        """Arms and their interventions from the old layout's "Arms Assigned Interventions" table."""
        start = self.anchor("arms")
        if start is None:
            return [], []
        arms: list[ArmGroup] = []
        interventions: list[Intervention] = []
        for index in range(start + 1, len(self.lines)):
            line = _clean(self.lines[index])
            if not line or self.is_boundary(self.lines[index]):
                break
            self.used.add(index)
            arm = _ARM_LINE.match(line)
            intervention = _INTERVENTION_LINE.match(line)
            other_name = _OTHER_NAME.match(line)
            if arm and not (intervention and arms and arm.group(1) == "Other"):
                arms.append(ArmGroup(label=arm.group(2).strip(), type=arm.group(1)))
            elif intervention:
                groups = [arms[-1].label] if arms else []
                interventions.append(Intervention(name=intervention.group(2).strip(), type=intervention.group(1), arm_groups=groups))
            elif other_name and interventions:
                interventions[-1].other_names.append(other_name.group(1).strip())
            elif interventions and (not arms or interventions[-1].arm_groups == [arms[-1].label]):
                interventions[-1].description = "\n".join(filter(None, [interventions[-1].description, line]))
            elif arms:
                arms[-1].description = "\n".join(filter(None, [arms[-1].description, line]))
        return arms, interventions

    def outcomes(self) -> list[Outcome]:
        """Outcome measures under their Primary/Secondary/Other headings, then any listed without one."""
        outcomes: list[Outcome] = []
        any_line = re.compile(r".")
        for kind in ("primary", "secondary", "other"):
            start = self.anchor(kind)
            if start is not None:
                self.used.add(start)
                outcomes += [_outcome(kind, item) for item in self.items(start + 1, any_line)]
        unheaded = [
            i for i, line in enumerate(self.lines) if i not in self.used and _TIME_FRAME.match(_clean(line))
        ]
        for index in unheaded:
            if index not in self.used:
                outcomes += [_outcome("unspecified", item) for item in self.items(index, _TIME_FRAME)]
        if unheaded:
            self.warnings.append(
                f"{len(unheaded)} outcome measure(s) are listed without a Primary/Secondary heading on the page; "
                "recorded with kind 'unspecified'"
            )
        return outcomes

    def eligibility(self) -> str:
        """Age/sex lines and the criteria, with Inclusion/Exclusion headings restored where the layout shows them."""
        start = self.anchor("eligibility")
        if start is None:
            return ""
        facts: list[str] = []
        criteria: list[str] = []
        blank_run = 0
        for index in range(start, len(self.lines)):
            line = self.lines[index]
            cleaned = _clean(line)
            if not cleaned:
                blank_run += 1
                continue
            if _ANCHORS["eligibility"].fullmatch(cleaned) and not criteria:
                if ":" in cleaned and not cleaned.endswith(":"):
                    facts.append(" ".join(cleaned.replace("|", " ").split()).replace(" :", ":"))
            elif _BOUNDARY.match(cleaned) or (blank_run and not _indent(line) and not _BULLET.match(cleaned)
                                             and not _CRITERIA_HEADING.match(cleaned) and not _PDQ_LABEL.match(cleaned)):
                break
            else:
                if blank_run >= 2 and criteria:
                    criteria.append("")
                criteria.append(" " * _indent(line) + cleaned)
            blank_run = 0
        return "\n".join(facts + self._with_criteria_headings(criteria))

    def _with_criteria_headings(self, criteria: list[str]) -> list[str]:
        """Criteria lines (blocks split by "" lines), indentation made relative, headings restored if evident."""
        shown = [line for line in criteria if line]
        base = min((_indent(line) for line in shown), default=0)
        lines = [("  " if _indent(line) > base else "") + line.strip() if line else "" for line in criteria]
        if any(_CRITERIA_HEADING.match(line) for line in lines):
            return lines
        blocks = "\n".join(lines).split("\n\n")
        if len(blocks) == 2:
            second = [_BULLET.sub("", line.strip()) for line in blocks[1].split("\n")]
            if sum(1 for line in second if _NEGATED_CRITERION.match(line)) * 5 < len(second):
                self.warnings.append(
                    "inclusion/exclusion headings are missing on the page; the two criteria blocks were read as "
                    "inclusion then exclusion"
                )
                return ["Inclusion Criteria:", blocks[0], "Exclusion Criteria:", blocks[1]]
        if len(blocks) > 1:
            self.warnings.append("eligibility criteria have no inclusion/exclusion headings; kept as one part")
        return lines


def _outcome(kind: str, item: _Item) -> Outcome:
    match = _TIME_FRAME.match(item.text)
    measure, time_frame = (match.group("measure"), match.group("time_frame")) if match else (item.text, "")
    return Outcome(kind=kind, measure=measure.strip(), time_frame=time_frame, description="\n".join(item.description))


def _merge_interventions(*groups: list[Intervention]) -> list[Intervention]:
    """One intervention per (type, name), in first-seen order, keeping every description, arm and other name."""
    merged: dict[tuple[str, str], Intervention] = {}
    for group in groups:
        for item in group:
            key = (item.type.lower(), item.name.lower())
            if key not in merged:
                merged[key] = Intervention(name=item.name, type=item.type)
            kept = merged[key]
            kept.description = kept.description or item.description
            kept.arm_groups += [arm for arm in item.arm_groups if arm not in kept.arm_groups]
            kept.other_names += [name for name in item.other_names if name not in kept.other_names]
    return list(merged.values())


def _study_type(value: str) -> str:
    """ "Interventional (Clinical Trial)" -> "Interventional". """
    return re.sub(r"\s*\(.*\)\s*$", "", value).strip()


def read(raw: bytes, path: str) -> Document:
    """Read a saved ClinicalTrials.gov record page into a `Document` with a filled `TrialRecord`."""
    page = _Page(decode_text(raw, path).replace("\xa0", " "))
    nct_id = page.nct_id(path)
    conditions, table_interventions, phases = page.condition_table()
    arms, arm_interventions = page.arms()
    listed_interventions = page.intervention_list()
    summary = page.free_text("summary") or page.header_summary()
    description = page.free_text("description")
    outcomes = page.outcomes()
    eligibility = page.eligibility()
    warnings = page.warnings
    trial = TrialRecord(
        nct_id=nct_id,
        title=page.title(),
        official_title=_field(page.lines, "Official Title"),
        conditions=conditions,
        interventions=_merge_interventions(table_interventions, listed_interventions, arm_interventions),
        outcomes=outcomes,
        phases=phases or normalize_phases([_field(page.lines, "Phases?")]),
        study_type=_study_type(_field(page.lines, "Study Type")),
        enrollment=parse_enrollment(
            re.sub(r"\D.*$", "", _field(page.lines, r"(?:Actual |Estimated |Anticipated )?Enrollment")), warnings
        ),
    )
    record = StudyRecord(
        trial=trial,
        nct_aliases=[nct for nct in find_nct_ids("\n".join(page.lines)) if nct != nct_id],
        brief_summary=summary,
        detailed_description=description,
        arm_groups=arms,
        eligibility_criteria=eligibility,
        warnings=warnings,
    )
    return build_document(record, raw, path, FORMAT)
