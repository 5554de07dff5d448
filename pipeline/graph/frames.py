"""Query results as pandas DataFrames, one row per figure, so they sort, filter and plot like any table."""
from __future__ import annotations

from typing import Any

import pandas as pd

_INCIDENCE = ("percent", "n", "total", "grade", "regimen", "arm", "dose", "document")


def _incidence_rows(base: dict[str, Any], incidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per incidence figure (one row without numbers when there is none)."""
    if not incidence:
        return [{**base, **{k: None for k in _INCIDENCE}}]
    return [{**base, **{k: inc.get(k) for k in _INCIDENCE},
             "regimen": " + ".join(inc.get("regimen") or []) or None} for inc in incidence]


def _item_rows(subject: str, items: list[dict[str, Any]], role: str) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        base = {"subject": subject, role: item["name"], "norm": (item.get("norm") or [None])[0],
                "documents": len(item.get("documents", [])), "evidence": len(item.get("evidence", [])),
                "highest_grade": item.get("highest_grade")}
        rows += _incidence_rows(base, item.get("incidence", []))
    return rows


def to_frame(kind: str, result: dict[str, Any]) -> pd.DataFrame:
    """A DataFrame for a query result.

    events/drugs/compare: one row per linked item and incidence figure; trial: its adverse events, one row per
    incidence figure; evidence: one row per sentence or table cell; neighbours: one row per node."""
    if kind == "events":
        rows = _item_rows(result["drug"]["name"], result["events"], "event")
    elif kind in ("drugs", "compare"):
        rows = _item_rows(result["event"]["name"], result["drugs"], "drug")
    elif kind == "trial":
        rows = _item_rows(result["id"], result["adverse_events"], "event")
    elif kind == "evidence":
        rows = [{"drug": result["drug"]["name"], "event": result["event"]["name"], **record,
                 "regimen": " + ".join(record.get("regimen") or []) or None} for record in result["evidence"]]
    elif kind == "neighbours":
        rows = [{**node, "norm": (node.get("norm") or [None])[0]} for node in result["nodes"]]
    else:
        raise ValueError(f"no table form for query {kind!r}")
    return pd.DataFrame(rows)
