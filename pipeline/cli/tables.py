"""Query results as plain-text tables and paragraphs for people."""
from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from pipeline.graph.specs import query_spec

_MAX_CELL = 60


def _table(headers: list[str], rows: list[list[str]]) -> str:
    rows = [[c if len(c) <= _MAX_CELL else c[: _MAX_CELL - 1] + "…" for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    out = [line.rstrip(), "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(out)


def _numbers(inc: dict[str, Any]) -> str:
    numbers = f"{inc['n']}/{inc['total']}" if inc.get("n") is not None and inc.get("total") else (
        str(inc["n"]) if inc.get("n") is not None else "")
    if inc.get("percent") is not None:
        numbers += f" ({inc['percent']:g}%)" if numbers else f"{inc['percent']:g}%"
    grade = f"grade {inc['grade']}" if inc.get("grade") else ""
    return " ".join(p for p in (numbers, grade) if p)


def _incidence(items: list[dict[str, Any]]) -> str:
    return "; ".join(p for p in map(_numbers, items) if p)


def _regimens(items: list[dict[str, Any]]) -> str:
    return "; ".join(dict.fromkeys(" + ".join(i["regimen"]) for i in items if len(i.get("regimen") or []) > 1))


def _grade(value: int | None) -> str:
    return str(value) if value else "-"


def _linked(kind: str, result: dict[str, Any]) -> str:
    subject = result["drug" if kind == "events" else "event"]
    items = result["events" if kind == "events" else "drugs"]
    noun = {"events": "adverse events", "drugs": "drugs", "compare": "drugs compared"}[kind]
    title = f"{subject['name']} [{', '.join(subject['norm'][:2]) or 'no identifier'}]: {len(items)} {noun}"
    rows = [[i["name"] or "", ", ".join(i["norm"][:2]), str(len(i["documents"])), str(len(i["evidence"])),
             _grade(i.get("highest_grade")), _incidence(i["incidence"]), _regimens(i["incidence"])]
            for i in items]
    return title + "\n" + _table(["name", "identifiers", "documents", "evidence", "max grade", "incidence",
                                  "regimen"], rows)


def _evidence(kind: str, result: dict[str, Any]) -> str:
    records = result["evidence"]
    lines = [f"{result['drug']['name']} -> {result['event']['name']}: {len(records)} pieces of evidence"]
    for number, r in enumerate(records, 1):
        where = r.get("path") or r["document"]
        if r["source"] == "table_cell":
            lines.append(f"[{number}] {where}, table {r['table']} row {r['row']} column {r['column']}"
                         + (f" ({r['arm']})" if r.get("arm") else ""))
            lines += textwrap.wrap(r.get("caption") or "", 100, initial_indent="    ", subsequent_indent="    ")
            figures = _numbers(r)
            lines.append(f"    cell {r['cell']!r}" + (f" = {figures}" if figures else ""))
        else:
            lines.append(f"[{number}] {where}, section {r.get('section') or '-'}, characters "
                         f"{r.get('sentence_start')}-{r.get('sentence_end')}")
            lines += textwrap.wrap(f"\"{r.get('sentence')}\"", 100, initial_indent="    ", subsequent_indent="    ")
            lines.append(f"    mentions {r.get('head_text')!r} -> {r.get('tail_text')!r}"
                         + (f", grade {r['grade']}" if r.get("grade") else ""))
        regimen = " + ".join(r.get("regimen") or [])
        lines.append(f"    {r.get('extractor')} (confidence {r.get('confidence')})"
                     + (f", regimen {regimen}" if regimen else "") + (f", via {r['via']}" if r.get("via") else ""))
        for warning in r.get("warnings") or []:
            lines.append(f"    warning: {warning}")
    return "\n".join(lines)


def _neighbours(kind: str, result: dict[str, Any]) -> str:
    center = result["center"]
    lines = [f"{center['name']} ({center['type']}): {len(result['nodes']) - 1} nodes within {result['depth']} "
             f"edge(s)" + (" (truncated)" if result["truncated"] else "")]
    names = {n["id"]: n["name"] or n["id"] for n in result["nodes"]}
    lines.append(_table(["type", "name", "distance"],
                        [[n["type"] or "", n["name"] or n["id"], str(n["distance"])] for n in result["nodes"][1:]]))
    lines.append("edges:")
    lines.append(_table(["from", "relation", "to", "evidence", "documents"],
                        [[names.get(e["source"], e["source"]), e["label"], names.get(e["target"], e["target"]),
                          str(e["evidence"]), str(len(e["documents"]))] for e in result["edges"]]))
    return "\n".join(lines)


def _number(value: float | None) -> str:
    """A bound of an interval as printed ("NA" where the registry gives none)."""
    return "NA" if value is None else f"{value:g}"


def _trial(kind: str, result: dict[str, Any]) -> str:
    lines = [f"{result['id']}: {result['title']}", f"documents: {', '.join(result['documents'])}"]
    lines.append("conditions: " + (", ".join(c["name"] for c in result["conditions"]) or "-"))
    lines.append("interventions:")
    for drug in result["interventions"]:
        doses = "; ".join(d["text"] for d in drug["doses"]) or "-"
        lines.append(f"  {drug['name']} [{', '.join(drug['norm'][:2])}]  doses: {doses}")
    lines.append("endpoints:")
    for endpoint in result["endpoints"]:
        results = "; ".join(
            f"{r['value']:g}{'' if r.get('unit') in (None, '%') else ' '}{r.get('unit') or ''}"
            + (f" [95% CI {_number(r['ci'][0])}-{_number(r['ci'][1])}]" if r.get("ci") else "")
            + (f" ({r['arm']})" if r.get("arm") else "")
            for r in endpoint["results"] if r.get("value") is not None)
        lines.append(f"  {endpoint['name']} ({endpoint['kind'] or 'reported'})" + (f": {results}" if results else ""))
    lines.append("adverse events:")
    rows = [[e["name"] or "", str(len(e["documents"])), _incidence(e["incidence"])] for e in result["adverse_events"]]
    lines.append(_table(["event", "documents", "incidence"], rows))
    lines.append("other drugs (not interventions): "
                 + (", ".join(f"{d['name']} ({d['role']})" for d in result["other_drugs"]) or "-"))
    return "\n".join(lines)


# a query spec's `view` -> its text layout
VIEWS: dict[str, Callable[[str, dict[str, Any]], str]] = {
    "linked": _linked, "evidence": _evidence, "neighbours": _neighbours, "trial": _trial}


def render(kind: str, result: dict[str, Any]) -> str:
    """The result of `trialgraph query KIND` as text, in the layout its spec names."""
    return VIEWS[query_spec(kind).view](kind, result)
