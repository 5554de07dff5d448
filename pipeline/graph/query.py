"""Queries over the knowledge graph, returning the JSON shapes of ../shared/CONTRACT.md.

Names are resolved through node names, identifiers and the lexicon's synonyms, so `IL-21`,
`interleukin-21`, `Nexavar` and `MESH:D000077157` all find their drug.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import networkx as nx

_BLOCKING_ROLES = ("eligibility", "prior_therapy")


class NotFound(LookupError):
    """A name that matches no node of the wanted type."""


def _squash(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", name.lower())


def resolve(graph: nx.MultiDiGraph, name: str, node_type: str, lexicon: Any = None) -> list[str]:
    """Node ids of `node_type` that `name` denotes (identifier, name, or lexicon synonym)."""
    candidates = [n for n, d in graph.nodes(data=True) if d.get("type") == node_type]
    wanted = {name, f"{node_type}:{name}"}
    found = [n for n in candidates if n in wanted or name.upper() in (c.upper() for c in graph.nodes[n].get("norm", []))]
    if not found:
        key = _squash(name)
        found = [n for n in candidates if _squash(graph.nodes[n].get("name", "")) == key]
    if not found and lexicon is not None:
        curies = {c.upper() for concept in lexicon.lookup(name) for c in concept.curies}
        found = [n for n in candidates if curies & {c.upper() for c in graph.nodes[n].get("norm", [])}]
    if not found:
        raise NotFound(f"no {node_type} named {name!r} in the graph; try another name, a synonym or an identifier")
    return sorted(found)


def _summary(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    data = graph.nodes[node]
    return {"name": data.get("name"), "norm": list(data.get("norm", []))}


def _incidence(edge: dict[str, Any], regimen: list[str]) -> dict[str, Any] | None:
    if not any(edge.get(k) is not None for k in ("percent", "n", "grade")):
        return None
    return {
        "percent": edge.get("percent"),
        "n": edge.get("n"),
        "total": edge.get("total"),
        "grade": edge.get("grade"),
        "regimen": regimen,
        "document": edge["document"],
    }


def _regimen(graph: nx.MultiDiGraph, edge: dict[str, Any]) -> list[str]:
    """Drugs named with the event in the same sentence: the regimen the event is reported under."""
    names = set()
    for u, _, data in graph.in_edges(edge.get("_tail"), data=True):
        if (data.get("label") == "HAS_ADVERSE_EVENT" and data.get("document") == edge["document"]
                and data.get("sentence_start") == edge.get("sentence_start")):
            names.add(graph.nodes[u].get("name"))
    return sorted(n for n in names if n)


def _grouped(graph: nx.MultiDiGraph, edges: list[tuple[str, str, dict]], group_by_tail: bool) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for u, v, data in edges:
        other = v if group_by_tail else u
        entry = groups.setdefault(other, {**_summary(graph, other), "documents": [], "incidence": [], "evidence": []})
        if data["document"] not in entry["documents"]:
            entry["documents"].append(data["document"])
        incidence = _incidence(data, _regimen(graph, {**data, "_tail": v}))
        if incidence and incidence not in entry["incidence"]:
            entry["incidence"].append(incidence)
        entry["evidence"].append({"document": data["document"], "section": data.get("section"),
                                  "sentence": data.get("sentence"), "confidence": data.get("confidence")})
    return sorted(groups.values(), key=lambda e: (-len(e["documents"]), -len(e["evidence"]), e["name"] or ""))


def top_drug_event_pairs(graph: nx.MultiDiGraph, limit: int = 10) -> list[dict[str, Any]]:
    """Drug–adverse event pairs reported by the most documents."""
    pairs: dict[tuple[str, str], set[str]] = {}
    for u, v, data in graph.edges(data=True):
        if data.get("label") == "HAS_ADVERSE_EVENT":
            pairs.setdefault((graph.nodes[u]["name"], graph.nodes[v]["name"]), set()).add(data["document"])
    ranked = sorted(pairs.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]
    return [{"drug": drug, "event": event, "documents": len(docs)} for (drug, event), docs in ranked]


def _edges_from(graph: nx.MultiDiGraph, nodes: list[str], label: str, documents: set[str]) -> list[tuple[str, str, dict]]:
    """Out-edges with `label` of any of `nodes`, from the given documents only."""
    return [(u, v, d) for node in nodes for u, v, d in graph.out_edges(node, data=True)
            if d.get("label") == label and d.get("document") in documents]


def events_for_drug(graph: nx.MultiDiGraph, drug: str, lexicon: Any = None) -> dict[str, Any]:
    """Adverse events linked to a drug."""
    nodes = resolve(graph, drug, "Drug", lexicon)
    edges = [(u, v, d) for n in nodes for u, v, d in graph.out_edges(n, data=True) if d.get("label") == "HAS_ADVERSE_EVENT"]
    return {"drug": _summary(graph, nodes[0]), "events": _grouped(graph, edges, group_by_tail=True)}


def drugs_for_event(graph: nx.MultiDiGraph, event: str, lexicon: Any = None) -> dict[str, Any]:
    """Drugs linked to an adverse event."""
    nodes = resolve(graph, event, "AdverseEvent", lexicon)
    edges = [(u, v, d) for n in nodes for u, v, d in graph.in_edges(n, data=True) if d.get("label") == "HAS_ADVERSE_EVENT"]
    return {"event": _summary(graph, nodes[0]), "drugs": _grouped(graph, edges, group_by_tail=False)}


def trial(graph: nx.MultiDiGraph, trial_id: str) -> dict[str, Any]:
    """Everything known about one trial, merged across the documents that report on it."""
    node = f"Trial:{trial_id.upper()}"
    if node not in graph:
        raise NotFound(f"no trial {trial_id!r} in the graph; trial ids are NCT numbers such as NCT00389285")
    out_edges = list(graph.out_edges(node, data=True))
    documents = sorted(v.split(":", 1)[1] for _, v, d in out_edges if d["label"] == "REPORTED_IN")
    by_label: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for _, v, d in out_edges:
        by_label[d["label"]].append((v, d))
    interventions = sorted({v for v, _ in by_label["HAS_INTERVENTION"]})
    in_trial = set(documents)
    result: dict[str, Any] = {
        "id": trial_id.upper(),
        "title": graph.nodes[node].get("registry_title") or "",
        "conditions": [_summary(graph, v) for v in sorted({v for v, _ in by_label["STUDIES"]})],
        "interventions": [],
        "endpoints": [],
        "adverse_events": [],
        "other_drugs": [],
        "documents": documents,
    }
    if not result["title"]:
        titles = [graph.nodes[f"Document:{d}"].get("name") for d in documents]
        result["title"] = next((t for t in titles if t), "")
    for drug in interventions:
        doses = []
        for _, dose_node, _ in _edges_from(graph, [drug], "HAS_DOSE", in_trial):
            dose = graph.nodes[dose_node]
            if all(dose.get(k) is None for k in ("amount", "amount_low", "amount_high", "schedule")):
                continue  # "standard dose", "dose reductions": a dose level, not a dose
            entry = {k: dose.get(k) for k in ("text", "amount", "unit", "route", "frequency", "schedule")}
            if entry not in doses:
                doses.append(entry)
        result["interventions"].append({**_summary(graph, drug), "doses": doses})
    endpoints: dict[str, dict[str, Any]] = {}
    for v, d in by_label["MEASURES"]:
        endpoints.setdefault(v, {**_summary(graph, v), "kind": d.get("kind"), "results": []})
    ae_edges = _edges_from(graph, interventions, "HAS_ADVERSE_EVENT", in_trial)
    for _, v, _ in _edges_from(graph, interventions, "HAS_ENDPOINT", in_trial):
        endpoints.setdefault(v, {**_summary(graph, v), "kind": None, "results": []})
    result["endpoints"] = sorted(endpoints.values(), key=lambda e: e["name"] or "")
    result["adverse_events"] = [
        {k: e[k] for k in ("name", "norm", "incidence", "documents")} for e in _grouped(graph, ae_edges, True)
    ]
    seen = set(interventions)
    for v, d in by_label["MENTIONS_DRUG"]:
        if v not in seen:
            seen.add(v)
            result["other_drugs"].append({"name": graph.nodes[v].get("name"), "role": d.get("role")})
    return result
