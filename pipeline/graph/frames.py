"""Query results as pandas DataFrames, one row per figure, so they sort, filter and plot like any table."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from pipeline.graph.specs import query_spec

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


def _linked_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    if "events" in result:
        return _item_rows(result["drug"]["name"], result["events"], "event")
    return _item_rows(result["event"]["name"], result["drugs"], "drug")


def _trial_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    return _item_rows(result["id"], result["adverse_events"], "event")


def _evidence_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"drug": result["drug"]["name"], "event": result["event"]["name"], **record,
             "regimen": " + ".join(record.get("regimen") or []) or None} for record in result["evidence"]]


def _neighbour_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**node, "norm": (node.get("norm") or [None])[0]} for node in result["nodes"]]


# a query spec's `view` -> its rows
VIEWS: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]] = {
    "linked": _linked_rows, "trial": _trial_rows, "evidence": _evidence_rows, "neighbours": _neighbour_rows}


def to_frame(kind: str, result: dict[str, Any]) -> pd.DataFrame:
    """A DataFrame for a query result, in the layout its spec names.

    events/drugs/compare: one row per linked item and incidence figure; trial: its adverse events, one row per
    incidence figure; evidence: one row per sentence or table cell; neighbours: one row per node."""
    return pd.DataFrame(VIEWS[query_spec(kind).view](result))
