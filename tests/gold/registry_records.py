"""Read the ClinicalTrials.gov records in corpus/ctgov straight from their raw JSON/XML (standard library
only; deliberately not the project's readers): one gold row per adverse-event count cell (every reported
term x every event group) and every registered outcome with its kind.

    python tests/gold/registry_records.py             # adverse-event rows of every record, as JSON
    python tests/gold/registry_records.py --terms     # the distinct terms, for the hand-made concept list
    python tests/gold/registry_records.py --outcomes  # registered outcomes (measure, kind), as JSON

The rows were pasted into tests/gold/trial_facts.json and checked by eye against the records;
tests/test_evaluate_trial_facts.py re-runs this reader and checks that the gold still holds exactly these
cells. Conventions: `grade` is "any" unless the term or its description states one ("hyponatremia,
grade 4"); group totals (the "Total, serious/other adverse events" rows of the legacy XML, and the
serious, other and all-cause-mortality totals of the API JSON groups) are kept with `optional: true`
(count cells, but not terms: the scorer neither requires nor penalises them); `percent` is null
(registries give counts).
"""
from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

CTGOV = Path(__file__).resolve().parents[2] / "corpus" / "ctgov"
_GRADE = re.compile(r"\bgrade\s*([1-5])\b", re.I)


def _grade(*texts: str | None) -> str:
    for text in texts:
        found = _GRADE.search(text or "")
        if found:
            return found.group(1)
    return "any"


def _row(term, vocabulary, grade, n, total, arm, serious, document, events=None, optional=False):
    row = {"event": term, "vocabulary": vocabulary or None, "grade": grade, "n": int(n), "total": int(total),
           "percent": None, "arm": arm, "serious": serious, "document": document,
           "table": "Serious adverse events" if serious else "Other adverse events",
           "events": None if events is None else int(events)}
    if optional:
        row["optional"] = True
    return row


def rows_from_xml(path: Path) -> list[dict]:
    root = ET.parse(path).getroot()
    reported = root.find("clinical_results/reported_events")
    if reported is None:
        return []
    document = f"corpus/ctgov/{path.name}"
    groups = {g.get("group_id"): (g.findtext("title") or "").strip() for g in reported.find("group_list")}
    rows = []
    for section, serious in (("serious_events", True), ("other_events", False)):
        block = reported.find(section)
        if block is None:
            continue
        default_vocab = (block.findtext("default_vocab") or "").strip()
        for category in block.iter("category"):
            for event in category.iter("event"):
                term = (event.findtext("sub_title") or "").strip()
                optional = term.lower().startswith("total, ")
                vocabulary = event.find("sub_title").get("vocab") or default_vocab
                grade = _grade(term, event.findtext("description"))
                for counts in event.findall("counts"):
                    if counts.get("subjects_affected") is None:
                        continue
                    rows.append(_row(term, vocabulary, grade, counts.get("subjects_affected"),
                                     counts.get("subjects_at_risk"), groups[counts.get("group_id")], serious,
                                     document, counts.get("events"), optional))
    return rows


def rows_from_api_v2(study: dict, document: str) -> list[dict]:
    module = (study.get("resultsSection") or {}).get("adverseEventsModule")
    if not module:
        return []
    groups = {g["id"]: g["title"] for g in module["eventGroups"]}
    rows = []
    for group in module["eventGroups"]:
        for key, label, serious in (("serious", "Total, serious adverse events", True),
                                    ("other", "Total, other adverse events", False),
                                    ("deaths", "Total, all-cause mortality", True)):
            if group.get(f"{key}NumAffected") is not None:
                rows.append(_row(label, None, "any", group[f"{key}NumAffected"], group[f"{key}NumAtRisk"],
                                 group["title"], serious, document, optional=True))
    for key, serious in (("seriousEvents", True), ("otherEvents", False)):
        for event in module.get(key, []):
            for stats in event["stats"]:
                rows.append(_row(event["term"], event.get("sourceVocabulary"), _grade(event["term"]),
                                 stats["numAffected"], stats["numAtRisk"], groups[stats["groupId"]], serious,
                                 document, stats.get("numEvents")))
    return rows


def rows_from_api_v1(study: dict, document: str) -> list[dict]:
    module = (study.get("ResultsSection") or {}).get("AdverseEventsModule")
    if not module:
        return []
    groups = {g["EventGroupId"]: g["EventGroupTitle"] for g in module["EventGroupList"]["EventGroup"]}
    rows = []
    for group in module["EventGroupList"]["EventGroup"]:
        for key, label, serious in (("Serious", "Total, serious adverse events", True),
                                    ("Other", "Total, other adverse events", False),
                                    ("Deaths", "Total, all-cause mortality", True)):
            if group.get(f"EventGroup{key}NumAffected") is not None:
                rows.append(_row(label, None, "any", group[f"EventGroup{key}NumAffected"],
                                 group[f"EventGroup{key}NumAtRisk"], group["EventGroupTitle"], serious, document,
                                 optional=True))
    for prefix, serious in (("Serious", True), ("Other", False)):
        events = (module.get(f"{prefix}EventList") or {}).get(f"{prefix}Event", [])
        for event in events:
            term = event[f"{prefix}EventTerm"]
            for stats in event[f"{prefix}EventStatsList"][f"{prefix}EventStats"]:
                rows.append(_row(term, event.get(f"{prefix}EventSourceVocabulary"), _grade(term),
                                 stats[f"{prefix}EventStatsNumAffected"], stats[f"{prefix}EventStatsNumAtRisk"],
                                 groups[stats[f"{prefix}EventStatsGroupId"]], serious, document,
                                 stats.get(f"{prefix}EventStatsNumEvents")))
    return rows


def registry_rows(path: Path) -> list[dict]:
    """Every adverse-event count cell of one record."""
    document = f"corpus/ctgov/{path.name}"
    if path.suffix == ".xml":
        return rows_from_xml(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    if "FullStudiesResponse" in data:
        return rows_from_api_v1(data["FullStudiesResponse"]["FullStudies"][0]["Study"], document)
    return rows_from_api_v2(data, document)


def registered_outcomes(path: Path) -> list[dict]:
    """The record's registered outcomes in order: {"name": measure title, "kind": primary|secondary|other}."""
    found: list[dict] = []
    if path.suffix == ".xml":
        root = ET.parse(path).getroot()
        for tag, kind in (("primary_outcome", "primary"), ("secondary_outcome", "secondary"),
                          ("other_outcome", "other")):
            found += [{"name": (e.findtext("measure") or "").strip(), "kind": kind} for e in root.findall(tag)]
        return found
    data = json.loads(path.read_text(encoding="utf-8"))
    if "FullStudiesResponse" in data:
        module = data["FullStudiesResponse"]["FullStudies"][0]["Study"]["ProtocolSection"].get("OutcomesModule", {})
        for prefix, kind in (("Primary", "primary"), ("Secondary", "secondary"), ("Other", "other")):
            for outcome in (module.get(f"{prefix}OutcomeList") or {}).get(f"{prefix}Outcome", []):
                found.append({"name": outcome[f"{prefix}OutcomeMeasure"].strip(), "kind": kind})
        return found
    module = data["protocolSection"].get("outcomesModule", {})
    for prefix, kind in (("primary", "primary"), ("secondary", "secondary"), ("other", "other")):
        found += [{"name": o["measure"].strip(), "kind": kind} for o in module.get(f"{prefix}Outcomes", [])]
    return found


def all_rows(folder: Path = CTGOV) -> dict[str, list[dict]]:
    return {path.name: registry_rows(path) for path in sorted(folder.iterdir()) if path.suffix in (".json", ".xml")}


def main(argv: list[str]) -> int:
    if "--outcomes" in argv:
        outcomes = {p.name: registered_outcomes(p) for p in sorted(CTGOV.iterdir()) if p.suffix in (".json", ".xml")}
        print(json.dumps(outcomes, indent=1, ensure_ascii=False))
        return 0
    rows = all_rows()
    if "--terms" in argv:
        for name, found in rows.items():
            terms = {}
            for row in found:
                terms.setdefault((row["event"], row["vocabulary"], row["serious"]), 0)
                terms[(row["event"], row["vocabulary"], row["serious"])] += 1
            print(f"## {name}: {len(found)} rows, {len({t[0] for t in terms})} terms")
            for (term, vocabulary, serious), cells in terms.items():
                print(f"  {'SAE' if serious else 'AE '} {term!r} [{vocabulary}] x{cells}")
        return 0
    print(json.dumps(rows, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
