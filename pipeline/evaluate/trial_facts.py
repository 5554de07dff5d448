"""Score the graph a `trialgraph run` built against the hand-checked gold file of trial facts
(tests/gold/trial_facts.json, described in tests/gold/README.md).

Each gold trial is looked up with the query `trialgraph query trial ID --json` runs, and each field of
its answer is scored against the gold. The counts are the same for every field:

- tp: predicted items that match a required gold item; fp: predicted items that match nothing in the gold,
  or a name the gold lists as wrong (`not_adverse_events`); neutral: predicted items that match only an
  optional gold item (drug classes, table categories, entries the documents leave ambiguous), counted
  neither right nor wrong;
- matched / fn: required gold items found by at least one prediction / found by none;
- precision = tp / (tp + fp), recall = matched / (matched + fn); None where the denominator is 0.

Names are compared folded (`fold`: NFKC, lower case, British "ae"/"oe" read as "e", letters and digits
only) against the gold item's name and synonyms (adverse events: and its MedDRA preferred term and CTCAE v5 term). No
lexicon is consulted: the scorer must not depend on the code it measures. Doses are compared on amount and
unit (`fold_unit`), and only on the drug they sit on; adverse-event table rows one to one on event name,
n, total and grade. A trial the graph does not know (no NCT id it can be queried by) scores as all misses.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIELDS = ("interventions", "doses", "conditions", "other_drugs", "other_drug_names", "endpoints",
          "endpoint_kinds", "adverse_events", "adverse_event_rows")
ROLES = frozenset({"prior_therapy", "eligibility", "concomitant", "other_study", "other"})
ARM_KINDS = frozenset({"drug", "placebo", "device", "procedure", "behavioral", "other"})
ENDPOINT_KINDS = frozenset({"primary", "secondary", "other"})
# besides name and synonyms, an adverse event is also found by these names
_EVENT_NAME_KEYS = ("meddra_pt", "ctcae_term")
_TRIAL_FIELDS = ("documents", "interventions", "conditions", "other_drugs", "endpoints", "adverse_events",
                 "adverse_event_rows", "not_adverse_events")


@dataclass(frozen=True)
class FactScoringSettings:
    """How leniently predictions are compared with the gold.

    `amount_tolerance`: largest difference between two dose amounts (or range ends) taken as equal;
    `unknown_grade_is_any`: a predicted row without a grade (null, "unknown") counts as grade "any", the
    grade of a registry count or of an any-grade column."""

    amount_tolerance: float = 1e-6
    unknown_grade_is_any: bool = True


DEFAULT_SETTINGS = FactScoringSettings()


# folding ------------------------------------------------------------------------------------------------

def fold(text: str | None) -> str:
    """Name key: NFKC, lower case, "ae"/"oe" as "e" (diarrhoea = diarrhea), letters and digits only."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).lower()
    folded = folded.replace("æ", "e").replace("œ", "e").replace("ae", "e").replace("oe", "e")
    return "".join(ch for ch in folded if ch.isalnum())


def fold_unit(unit: str | None) -> str:
    """Unit key: "µg/kg/day", "ug per kg" and "mcg/kg" all give "mcg/kg"; "mg/m²" gives "mg/m2"."""
    if not unit:
        return ""
    folded = unicodedata.normalize("NFKC", str(unit)).lower().replace(" ", "").replace("μ", "mc")
    folded = re.sub(r"(^|/)ug", r"\1mcg", folded).replace("per", "/")
    return re.sub(r"/(day|d|dose|week|wk)$", "", folded)


def fold_grade(grade: Any, settings: FactScoringSettings = DEFAULT_SETTINGS) -> str | None:
    """Grade key: "any", "3", ">=3", "3-4"; None stays None unless `unknown_grade_is_any`."""
    if grade is None or str(grade).strip().lower() in ("", "unknown", "none"):
        return "any" if settings.unknown_grade_is_any else None
    folded = unicodedata.normalize("NFKC", str(grade)).lower().replace("≥", ">=").replace("grade", "")
    folded = re.sub(r"\s+", "", folded).replace("–", "-")
    return "any" if folded in ("any", "all", "anygrade", "allgrades") else folded


def _names(entry: dict[str, Any], *keys: str) -> frozenset[str]:
    values = [entry.get(k) for k in keys] + list(entry.get("synonyms") or [])
    return frozenset(f for f in (fold(v) for v in values if v) if f)


def _amount(value: Any) -> tuple[float, float] | None:
    """A dose amount as (low, high): 400 -> (400, 400); [10, 50] -> (10, 50)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return (float(value[0]), float(value[-1])) if value else None
    return (float(value), float(value))


def _predicted_amount(dose: dict[str, Any]) -> tuple[float, float] | None:
    if dose.get("amount") is not None:
        return _amount(dose["amount"])
    if dose.get("amount_low") is not None and dose.get("amount_high") is not None:
        return (float(dose["amount_low"]), float(dose["amount_high"]))
    return None


# counts -------------------------------------------------------------------------------------------------

@dataclass
class Tally:
    """The counts of one field (see the module docstring) and the names behind the errors."""

    tp: int = 0
    fp: int = 0
    neutral: int = 0
    matched: int = 0
    fn: int = 0
    false_positives: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    listed_wrong: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.neutral += other.neutral
        self.matched += other.matched
        self.fn += other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.matched / (self.matched + self.fn) if self.matched + self.fn else None

    def as_dict(self, details: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"precision": _round(self.precision), "recall": _round(self.recall), "tp": self.tp,
                               "fp": self.fp, "fn": self.fn, "matched": self.matched, "neutral": self.neutral}
        if details:
            out.update(false_positives=self.false_positives, misses=self.misses, listed_wrong=self.listed_wrong)
        return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(frozen=True)
class _GoldItem:
    label: str
    names: frozenset[str]
    optional: bool


def _items(entries: Iterable[dict[str, Any]], *keys: str, force_optional: bool = False) -> list[_GoldItem]:
    return [_GoldItem(e.get("name") or e.get("event") or "", _names(e, "name", *keys),
                      force_optional or bool(e.get("optional"))) for e in entries]


def _score_names(predicted: Iterable[str], gold: list[_GoldItem], wrong: Iterable[str] = ()) -> Tally:
    """Set matching of predicted names: right (a required item), neutral (an optional one) or wrong."""
    tally = Tally()
    wrong_names = {fold(name) for name in wrong}
    found: set[int] = set()
    for name in predicted:
        key = fold(name)
        hits = [i for i, item in enumerate(gold) if key and key in item.names]
        required = [i for i in hits if not gold[i].optional]
        if required:
            tally.tp += 1
            found.update(required)
        elif hits:
            tally.neutral += 1
        else:
            tally.fp += 1
            tally.false_positives.append(name)
            if key in wrong_names:
                tally.listed_wrong.append(name)
    required_items = [i for i, item in enumerate(gold) if not item.optional]
    tally.matched = sum(1 for i in required_items if i in found)
    tally.fn = len(required_items) - tally.matched
    tally.misses = [gold[i].label for i in required_items if i not in found]
    return tally


# the fields ---------------------------------------------------------------------------------------------

def _score_doses(predicted: list[dict[str, Any]], gold: dict[str, Any], settings: FactScoringSettings) -> Tally:
    """A predicted dose is right when it sits on a gold drug of the trial and its amount and unit are one of
    that drug's gold doses; doses without an amount (a schedule only) are not scored."""
    drugs = list(gold["interventions"])
    drug_names = [_names(d, "name") for d in drugs]
    wanted: dict[tuple[int, tuple[float, float], str], str] = {}
    for index, drug in enumerate(drugs):
        for dose in drug.get("doses") or ():
            if not drug.get("optional") and not dose.get("optional"):
                wanted[(index, _amount(dose["amount"]), fold_unit(dose["unit"]))] = f"{drug['name']}: {dose['text']}"
    tally = Tally()
    found: set[tuple[int, tuple[float, float], str]] = set()
    for intervention in predicted:
        key = fold(intervention.get("name"))
        on = [i for i, names in enumerate(drug_names) if key and key in names]
        for dose in intervention.get("doses") or ():
            amount = _predicted_amount(dose)
            if amount is None:
                continue
            unit = fold_unit(dose.get("unit"))
            label = f"{intervention.get('name')}: {dose.get('text')}"
            hits = []
            for i in on:
                for gold_dose in drugs[i].get("doses") or ():
                    if fold_unit(gold_dose["unit"]) == unit and _same_amount(_amount(gold_dose["amount"]), amount,
                                                                             settings):
                        hits.append((i, gold_dose))
            required = [(i, d) for i, d in hits if not drugs[i].get("optional") and not d.get("optional")]
            if required:
                tally.tp += 1
                found.update((i, _amount(d["amount"]), fold_unit(d["unit"])) for i, d in required)
            elif hits:
                tally.neutral += 1
            else:
                tally.fp += 1
                tally.false_positives.append(label)
    tally.matched = len(found & set(wanted))
    tally.fn = len(wanted) - tally.matched
    tally.misses = [label for key, label in wanted.items() if key not in found]
    return tally


def _same_amount(a: tuple[float, float] | None, b: tuple[float, float] | None, settings: FactScoringSettings) -> bool:
    if a is None or b is None:
        return False
    return abs(a[0] - b[0]) <= settings.amount_tolerance and abs(a[1] - b[1]) <= settings.amount_tolerance


def _score_other_drug_roles(predicted: list[dict[str, Any]], gold: list[dict[str, Any]]) -> Tally:
    """(name, role) pairs: right when a required gold entry has the name and the role."""
    tally = Tally()
    entries = [(_names(e, "name"), e.get("role"), bool(e.get("optional"))) for e in gold]
    found: set[int] = set()
    for drug in predicted:
        key, role = fold(drug.get("name")), drug.get("role")
        hits = [i for i, (names, _, _) in enumerate(entries) if key and key in names]
        right = [i for i in hits if entries[i][1] == role and not entries[i][2]]
        if right:
            tally.tp += 1
            found.update(right)
        elif hits and all(entries[i][2] for i in hits):
            tally.neutral += 1
        else:
            tally.fp += 1
            tally.false_positives.append(f"{drug.get('name')} ({role})")
    required = [i for i, entry in enumerate(entries) if not entry[2]]
    tally.matched = sum(1 for i in required if i in found)
    tally.fn = len(required) - tally.matched
    tally.misses = [f"{gold[i]['name']} ({gold[i]['role']})" for i in required if i not in found]
    return tally


def _score_other_drug_names(predicted: list[dict[str, Any]], gold: list[dict[str, Any]]) -> Tally:
    """Names only: gold entries of one name (several roles) are one item."""
    merged: dict[str, dict[str, Any]] = {}
    for entry in gold:
        item = merged.setdefault(fold(entry["name"]), {"name": entry["name"], "synonyms": [], "optional": True})
        item["synonyms"] += list(entry.get("synonyms") or [])
        item["optional"] = item["optional"] and bool(entry.get("optional"))
    return _score_names((d.get("name") for d in predicted), _items(merged.values()))


def _score_endpoint_kinds(predicted: list[dict[str, Any]], gold: list[dict[str, Any]]) -> Tally:
    """Kinds of the predicted endpoints whose name is a required gold endpoint with a kind."""
    kinds = [(_names(e, "name"), e["kind"]) for e in gold if e.get("kind") and not e.get("optional")]
    tally = Tally()
    found: set[int] = set()
    for endpoint in predicted:
        key = fold(endpoint.get("name"))
        hits = [i for i, (names, _) in enumerate(kinds) if key and key in names]
        if not hits:
            continue
        right = [i for i in hits if kinds[i][1] == endpoint.get("kind")]
        if right:
            tally.tp += 1
            found.update(right)
        else:
            tally.fp += 1
            tally.false_positives.append(f"{endpoint.get('name')} ({endpoint.get('kind')})")
    tally.matched = len(found)
    tally.fn = len(kinds) - tally.matched
    labelled = [e for e in gold if e.get("kind") and not e.get("optional")]
    tally.misses = [f"{labelled[i]['name']} ({labelled[i]['kind']})" for i in range(len(kinds)) if i not in found]
    return tally


@dataclass
class _GoldRow:
    names: frozenset[str]
    n: int
    total: int | None
    grade: str | None
    optional: bool
    label: str
    used: bool = False


def _gold_rows(gold: dict[str, Any], settings: FactScoringSettings) -> list[_GoldRow]:
    """Gold rows, each named by its printed label, its PT and the synonyms of the trial's event it belongs to."""
    concepts = [_names(e, "name", *_EVENT_NAME_KEYS) for e in gold["adverse_events"]]
    rows = []
    for row in gold["adverse_event_rows"]:
        names = set(_names(row, "event", *_EVENT_NAME_KEYS))
        for concept in concepts:
            if concept & names:
                names |= concept
        rows.append(_GoldRow(frozenset(names), int(row["n"]), row.get("total"), fold_grade(row.get("grade"), settings),
                             bool(row.get("optional")), f"{row['event']} {row['n']}/{row.get('total')} "
                             f"grade {row.get('grade')} ({row.get('arm')})"))
    return rows


def predicted_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The table-cell incidence figures of a `query trial` answer, one per cell, named by their event."""
    return [{"name": event.get("name"), **incidence} for event in result.get("adverse_events") or ()
            for incidence in event.get("incidence") or () if incidence.get("table") is not None]


def _score_rows(result: dict[str, Any], gold: dict[str, Any], settings: FactScoringSettings) -> Tally:
    """One-to-one: each predicted cell takes one unused gold row with its event name, n, total and grade
    (a gold total of null, a cell printed without one, takes any total); required rows are taken first."""
    rows = _gold_rows(gold, settings)
    tally = Tally()
    for cell in predicted_rows(result):
        key, grade = fold(cell.get("name")), fold_grade(cell.get("grade"), settings)
        candidates = [r for r in rows if not r.used and key in r.names and r.n == cell.get("n")
                      and r.grade == grade and (r.total is None or r.total == cell.get("total"))]
        if not candidates:
            tally.fp += 1
            tally.false_positives.append(f"{cell.get('name')} {cell.get('n')}/{cell.get('total')} "
                                         f"grade {cell.get('grade')} ({cell.get('arm')})")
            continue
        best = min(candidates, key=lambda r: (r.optional, r.total is None))
        best.used = True
        if best.optional:
            tally.neutral += 1
        else:
            tally.tp += 1
    required = [r for r in rows if not r.optional]
    tally.matched = sum(1 for r in required if r.used)
    tally.fn = len(required) - tally.matched
    tally.misses = [r.label for r in required if not r.used]
    return tally


def score_trial(result: dict[str, Any] | None, gold: dict[str, Any],
                settings: FactScoringSettings = DEFAULT_SETTINGS) -> dict[str, Tally]:
    """Every field of one trial; `result` is the `query trial` answer, or None when the graph lacks the trial."""
    result = result or {}
    interventions = result.get("interventions") or []
    other_drugs = result.get("other_drugs") or []
    endpoints = result.get("endpoints") or []
    drug_items = _items(gold["interventions"]) + _items(gold.get("other_interventions") or (), force_optional=True)
    return {
        "interventions": _score_names((i.get("name") for i in interventions), drug_items),
        "doses": _score_doses(interventions, gold, settings),
        "conditions": _score_names((c.get("name") for c in result.get("conditions") or ()), _items(gold["conditions"])),
        "other_drugs": _score_other_drug_roles(other_drugs, gold["other_drugs"]),
        "other_drug_names": _score_other_drug_names(other_drugs, gold["other_drugs"]),
        "endpoints": _score_names((e.get("name") for e in endpoints), _items(gold["endpoints"])),
        "endpoint_kinds": _score_endpoint_kinds(endpoints, gold["endpoints"]),
        "adverse_events": _score_names((e.get("name") for e in result.get("adverse_events") or ()),
                                       _items(gold["adverse_events"], *_EVENT_NAME_KEYS), gold["not_adverse_events"]),
        "adverse_event_rows": _score_rows(result, gold, settings),
    }


# duplicates ---------------------------------------------------------------------------------------------

def duplicate_event_nodes(graph: Any) -> dict[str, Any]:
    """AdverseEvent nodes of the whole graph whose names fold alike or that share a MEDDRA: identifier."""
    groups: dict[str, set[str]] = defaultdict(set)
    for node, data in graph.nodes(data=True):
        if data.get("type") != "AdverseEvent":
            continue
        groups[f"name:{fold(data.get('name'))}"].add(node)
        for curie in data.get("norm") or ():
            if str(curie).upper().startswith("MEDDRA:"):
                groups[str(curie).upper()].add(node)
    duplicated = {key: nodes for key, nodes in groups.items() if len(nodes) > 1}
    involved = set().union(*duplicated.values()) if duplicated else set()
    return {
        "count": len(involved),
        "groups": [{"key": key, "nodes": sorted(graph.nodes[n].get("name") or n for n in nodes)}
                   for key, nodes in sorted(duplicated.items())],
    }


# gold file ----------------------------------------------------------------------------------------------

def load_gold(path: str | Path) -> dict[str, Any]:
    """The gold file, checked for the fields the scorer reads; a malformed file raises ValueError naming the place."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"gold file {path}: cannot read it as JSON ({exc})") from exc
    trials = data.get("trials") if isinstance(data, dict) else None
    if not isinstance(trials, dict) or not trials:
        raise ValueError(f"gold file {path}: expected an object with a non-empty 'trials' object")
    for key, trial in trials.items():
        where = f"gold file {path}: trial {key}"
        missing = [f for f in _TRIAL_FIELDS if f not in trial]
        if missing:
            raise ValueError(f"{where}: missing field(s) {', '.join(missing)}")
        for drug in trial["interventions"]:
            for dose in drug.get("doses") or ():
                if _amount(dose.get("amount")) is None or not dose.get("unit"):
                    raise ValueError(f"{where}: dose {dose.get('text')!r} of {drug.get('name')!r} "
                                     "needs an amount and a unit")
        for drug in trial["other_drugs"]:
            if drug.get("role") not in ROLES:
                raise ValueError(f"{where}: other drug {drug.get('name')!r} has role {drug.get('role')!r}; "
                                 f"use one of {', '.join(sorted(ROLES))}")
        for endpoint in trial["endpoints"]:
            if endpoint.get("kind") not in ENDPOINT_KINDS | {None}:
                raise ValueError(f"{where}: endpoint {endpoint.get('name')!r} has kind {endpoint.get('kind')!r}")
        for arm in trial.get("arms") or ():
            if arm.get("kind") not in ARM_KINDS:
                raise ValueError(f"{where}: arm {arm.get('name')!r} has kind {arm.get('kind')!r}")
        for row in trial["adverse_event_rows"]:
            if not isinstance(row.get("n"), int) or not row.get("event"):
                raise ValueError(f"{where}: adverse-event row {row!r} needs an event and an integer n")
    return data


def _query_trial(knowledge_graph: Any, key: str, trial: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
    """The `query trial` answer for the gold key or one of its registrations, or (None, None)."""
    from pipeline.graph.query import NotFound

    for name in [key, *(trial.get("registrations") or ())]:
        try:
            return name, knowledge_graph.query("trial", name)
        except NotFound:
            continue
    return None, None


def score_trial_facts(store_dir: str | Path, gold_path: str | Path,
                      settings: FactScoringSettings = DEFAULT_SETTINGS) -> dict[str, Any]:
    """Precision and recall per field, per trial and over all trials, of the graph in `store_dir`
    (the output folder of `trialgraph run`) against the gold file; and the graph's duplicate event nodes."""
    from pipeline.graph.api import KnowledgeGraph

    gold = load_gold(gold_path)
    knowledge_graph = KnowledgeGraph.load(store_dir)
    overall = {name: Tally() for name in FIELDS}
    trials: dict[str, Any] = {}
    for key, trial in gold["trials"].items():
        queried, result = _query_trial(knowledge_graph, key, trial)
        tallies = score_trial(result, trial, settings)
        for name, tally in tallies.items():
            overall[name].add(tally)
        trials[key] = {"found": result is not None, "queried_as": queried,
                       "fields": {name: tally.as_dict() for name, tally in tallies.items()}}
    return {
        "store": str(store_dir),
        "gold": str(gold_path),
        "trials": trials,
        "overall": {name: tally.as_dict(details=False) for name, tally in overall.items()},
        "duplicate_event_nodes": duplicate_event_nodes(knowledge_graph.graph),
    }


# the table ----------------------------------------------------------------------------------------------

def _figure(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def format_scores(scores: dict[str, Any], details: bool = False) -> str:
    """The scores as text: overall per field, then precision/recall per trial; `details` adds the errors."""
    lines = [f"Trial facts: graph {scores['store']} against {scores['gold']}", "",
             f"{'field':<20} {'P':>6} {'R':>6} {'tp':>6} {'fp':>6} {'fn':>6} {'neutral':>8}"]
    for name, tally in scores["overall"].items():
        lines.append(f"{name:<20} {_figure(tally['precision']):>6} {_figure(tally['recall']):>6} {tally['tp']:>6} "
                     f"{tally['fp']:>6} {tally['fn']:>6} {tally['neutral']:>8}")
    duplicates = scores["duplicate_event_nodes"]
    lines += ["", f"duplicate event nodes: {duplicates['count']} (in {len(duplicates['groups'])} groups)"]
    short = {"interventions": "interv", "doses": "doses", "conditions": "cond", "other_drugs": "other",
             "other_drug_names": "oth.name", "endpoints": "endp", "endpoint_kinds": "kinds",
             "adverse_events": "events", "adverse_event_rows": "rows"}
    lines += ["", "per trial, precision/recall:",
              f"{'trial':<26} {'found':<6}" + "".join(f"{short[n]:>12}" for n in FIELDS)]
    for key, trial in scores["trials"].items():
        cells = "".join(f"{_pair(trial['fields'][n]):>12}" for n in FIELDS)
        lines.append(f"{key[:26]:<26} {'yes' if trial['found'] else 'NO':<6}{cells}")
    if details:
        for key, trial in scores["trials"].items():
            for name, tally in trial["fields"].items():
                for label, items in (("false positives", tally["false_positives"]), ("misses", tally["misses"])):
                    if items:
                        lines.append(f"{key} {name} {label} ({len(items)}): " + "; ".join(map(str, items)))
        for group in duplicates["groups"]:
            lines.append(f"duplicate {group['key']}: " + "; ".join(group["nodes"]))
    return "\n".join(lines)


def _pair(tally: dict[str, Any]) -> str:
    precision, recall = tally["precision"], tally["recall"]
    shown = ["-" if v is None else f"{v:.2f}" for v in (precision, recall)]
    return "/".join(shown)
