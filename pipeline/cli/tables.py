"""Query results as plain-text tables for people."""
from __future__ import annotations

from typing import Any


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join(out)


def _incidence(items: list[dict[str, Any]]) -> str:
    parts = []
    for inc in items:
        numbers = f"{inc['n']}/{inc['total']}" if inc.get("n") is not None and inc.get("total") else (
            str(inc["n"]) if inc.get("n") is not None else "")
        if inc.get("percent") is not None:
            numbers += f" ({inc['percent']:g}%)" if numbers else f"{inc['percent']:g}%"
        grade = f"grade {inc['grade']}" if inc.get("grade") else ""
        parts.append(" ".join(p for p in (numbers, grade) if p))
    return "; ".join(p for p in parts if p)


def render(kind: str, result: dict[str, Any]) -> str:
    """The result of `trialgraph query KIND` as text."""
    if kind in ("events", "drugs"):
        subject = result["drug" if kind == "events" else "event"]
        items = result["events" if kind == "events" else "drugs"]
        title = f"{subject['name']} [{', '.join(subject['norm']) or 'no identifier'}]: {len(items)} " + (
            "adverse events" if kind == "events" else "drugs")
        rows = [[i["name"] or "", ", ".join(i["norm"][:2]), str(len(i["documents"])), _incidence(i["incidence"])]
                for i in items]
        return title + "\n" + _table(["name", "identifiers", "documents", "incidence"], rows)
    lines = [f"{result['id']}: {result['title']}", f"documents: {', '.join(result['documents'])}"]
    lines.append("conditions: " + (", ".join(c["name"] for c in result["conditions"]) or "-"))
    lines.append("interventions:")
    for drug in result["interventions"]:
        doses = "; ".join(d["text"] for d in drug["doses"]) or "-"
        lines.append(f"  {drug['name']} [{', '.join(drug['norm'][:2])}]  doses: {doses}")
    lines.append("endpoints: " + (", ".join(f"{e['name']} ({e['kind'] or 'reported'})" for e in result["endpoints"]) or "-"))
    lines.append("adverse events:")
    rows = [[e["name"] or "", str(len(e["documents"])), _incidence(e["incidence"])] for e in result["adverse_events"]]
    lines.append(_table(["event", "documents", "incidence"], rows))
    lines.append("other drugs (not interventions): "
                 + (", ".join(f"{d['name']} ({d['role']})" for d in result["other_drugs"]) or "-"))
    return "\n".join(lines)
