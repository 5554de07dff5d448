"""Agreement between curators who decided the same items: Cohen's kappa per pair of curators and item label.

A curator's judgement of an item is the state after their latest change to it, unless they undid that change
later. Two judgements agree when both accept, both reject, or both correct to the same values. Kappa is
(observed - expected) / (1 - expected), the expected agreement coming from each curator's own share of each
judgement; it is None when expected agreement is 1 (both curators gave one judgement to every item).
"""
from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class Agreement:
    """Two curators on the items of one group (`mention DRUG`, `relation HAS_ADVERSE_EVENT`, `fact`)."""

    first: str
    second: str
    group: str
    items: int
    observed: float
    kappa: float | None


def _judgement(state: dict) -> str:
    if state["status"] == "corrected":
        return "corrected " + json.dumps(state.get("correction"), sort_keys=True)
    return state["status"]


def judgements(connection: sqlite3.Connection) -> dict[tuple[str, str], dict[str, str]]:
    """(source path, item) -> curator -> judgement, from the audit trail."""
    latest: dict[tuple[str, str, str], dict | None] = {}  # a curator's last change to an item; None: undone
    for source_path, item, action, after, curator in connection.execute(
            "SELECT source_path, item, action, after, curator FROM decision_log ORDER BY id"):
        latest[source_path, item, curator] = None if action == "undo" else json.loads(after)
    found: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for (source_path, item, curator), state in latest.items():
        if state is not None and state["status"] != "pending":
            found[source_path, item][curator] = _judgement(state)
    return dict(found)


def _groups(connection: sqlite3.Connection) -> dict[tuple[str, str], str]:
    groups = {}
    for source_path, item, kind, original in connection.execute(
            "SELECT source_path, item, kind, original FROM decisions"):
        label = json.loads(original).get("label") if kind != "fact" else None
        groups[source_path, item] = f"{kind} {label}" if label else kind
    return groups


def cohen_kappa(pairs: list[tuple[str, str]]) -> tuple[float, float | None]:
    """(observed agreement, kappa) of two raters' judgements of the same items."""
    observed = sum(a == b for a, b in pairs) / len(pairs)
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first) / len(pairs) ** 2
    return observed, None if expected == 1 else (observed - expected) / (1 - expected)


def agreement(connection: sqlite3.Connection) -> list[Agreement]:
    """Kappa for every pair of curators and item group with at least one item both judged, then overall."""
    groups = _groups(connection)
    shared: dict[tuple[str, str, str], list[tuple[str, str]]] = defaultdict(list)
    for key, by_curator in judgements(connection).items():
        for first, second in combinations(sorted(by_curator), 2):
            pair = (by_curator[first], by_curator[second])
            shared[first, second, groups.get(key, "item")].append(pair)
            shared[first, second, "all items"].append(pair)
    results = []
    # each pair of curators together, its groups by name, "all items" last
    for first, second, group in sorted(shared, key=lambda key: (key[0], key[1], key[2] == "all items", key[2])):
        pairs = shared[first, second, group]
        observed, kappa = cohen_kappa(pairs)
        results.append(Agreement(first, second, group, len(pairs), round(observed, 3),
                                 None if kappa is None else round(kappa, 3)))
    return results
