"""Queries over the knowledge graph, returning the JSON shapes of ../shared/CONTRACT.md.

Names are resolved through node names, identifiers and the lexicon's synonyms, so `IL-21`,
`interleukin-21`, `Nexavar` and `MESH:D000077157` all find their drug. A drug's adverse events are
those reported for it in text and those of every regimen it is a component of (table incidence).
Every query takes `Filters` (document, trial, minimum evidence, minimum grade).
"""
from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import networkx as nx

from pipeline.grades import grade_floor
from pipeline.lexicons.concepts import condition_keys, word_bag

# node types a name may denote, in the order `neighbourhood` tries them
_NAMED_TYPES = ("Drug", "AdverseEvent", "Condition", "Endpoint", "Regimen", "Trial")
# evidence holders, not concepts: a neighbourhood does not walk through them
_NOT_TRAVERSED = frozenset({"Document"})


class NotFound(LookupError):
    """A name that matches no node of the wanted type (`node_type`; None when any named type would do)."""

    def __init__(self, message: str, name: str = "", node_type: str | None = None) -> None:
        super().__init__(message)
        self.name = name
        self.node_type = node_type


@dataclass(frozen=True)
class Filters:
    """Which evidence a query counts.

    `document`: a document id or file name; `trial`: an NCT id (evidence from the documents reporting on it);
    `min_evidence`: drop results backed by fewer evidence edges; `min_grade`: keep only adverse-event evidence
    of at least this grade (3 keeps grade 3, 4, 5, ">=3" and "3-4")."""

    document: str | None = None
    trial: str | None = None
    min_evidence: int = 1
    min_grade: int | None = None

    def allowed_documents(self, graph: nx.MultiDiGraph) -> set[str] | None:
        """Document ids evidence may come from, or None for all."""
        allowed: set[str] | None = None
        if self.document:
            allowed = set(_documents_named(graph, self.document))
        if self.trial:
            node = f"Trial:{self.trial.upper()}"
            reporting = {d["document"] for _, _, d in graph.out_edges(node, data=True)
                         if d.get("label") == "REPORTED_IN"} if node in graph else set()
            allowed = reporting if allowed is None else allowed & reporting
        return allowed

    def keeps(self, edge: dict[str, Any], documents: set[str] | None) -> bool:
        if documents is not None and edge.get("document") not in documents:
            return False
        if self.min_grade is not None and edge.get("label") == "HAS_ADVERSE_EVENT":
            floor = reported_grade(edge)
            return floor is not None and floor >= self.min_grade
        return True


NO_FILTERS = Filters()


def reported_grade(edge: dict[str, Any]) -> int | None:
    """The grade floor an edge reports, or None when it has none or counts no patient at that grade
    (a table cell of 0 or "—" in the grade 4 column says grade 4 did not occur)."""
    if edge.get("n") == 0 or edge.get("percent") == 0:
        return None
    return grade_floor(edge.get("grade"))


def _documents_named(graph: nx.MultiDiGraph, name: str) -> list[str]:
    found = []
    for node, data in graph.nodes(data=True):
        if data.get("type") != "Document":
            continue
        doc_id, path = node.split(":", 1)[1], data.get("path") or ""
        if name in (doc_id, path, PurePath(path).name):
            found.append(doc_id)
    if not found:
        raise NotFound(f"no document {name!r} in the graph; give a document id (doc-...) or a file name",
                       name, "Document")
    return found


# name resolution ----------------------------------------------------------------------------------------

def _squash(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", name.lower())


class NameIndex:
    """Node ids by type, by identifier and by squashed name: a node's own, and those its documents name it
    by (the `wordings` and `norm` of their MENTIONS edges, the row label of a table's incidence edge), so
    "skin rash" and "exanthem" find the node "Rash" wherever a document wrote them. `KnowledgeGraph.index`
    keeps one per loaded graph and drops it when the graph changes; a query given none builds its own."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        by_norm: dict[tuple[str, str], set[str]] = defaultdict(set)
        by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
        for node, data in graph.nodes(data=True):
            node_type = data.get("type")
            for curie in data.get("norm") or ():
                by_norm[node_type, curie.upper()].add(node)
            by_name[node_type, _squash(data.get("name") or "")].add(node)
        for _, node, data in graph.edges(data=True):
            label = data.get("label")
            if label not in ("MENTIONS", "HAS_ADVERSE_EVENT"):
                continue
            node_type = graph.nodes[node].get("type")
            for wording in data.get("wordings") or ([data["event_text"]] if data.get("event_text") else []):
                by_name[node_type, _squash(wording)].add(node)
            for curie in data.get("norm") or () if label == "MENTIONS" else ():
                by_norm[node_type, curie.upper()].add(node)
        self.by_norm = {key: sorted(nodes) for key, nodes in by_norm.items()}
        self.by_name = {key: sorted(nodes) for key, nodes in by_name.items()}


def resolve(graph: nx.MultiDiGraph, name: str, node_type: str, lexicon: Any = None,
            index: NameIndex | None = None) -> list[str]:
    """Node ids of `node_type` that `name` denotes (node id, identifier, name, or lexicon synonym)."""
    index = index or NameIndex(graph)
    found = {n for n in (name, f"{node_type}:{name}") if graph.nodes.get(n, {}).get("type") == node_type}
    found.update(index.by_norm.get((node_type, name.upper()), ()))
    if not found:
        found.update(index.by_name.get((node_type, _squash(name)), ()))
    if not found and lexicon is not None:
        curies = [curie for concept in lexicon.lookup(name) for curie in concept.curies]
        if node_type == "AdverseEvent":  # "fever", "ALT increased": the MedDRA preferred term they name
            terms = [lexicon.preferred_term(name)] + [lexicon.preferred_term_of(c) for c in lexicon.lookup(name)]
            curies = [term.curie for term in terms if term is not None] + curies
        for curie in curies:
            found.update(index.by_norm.get((node_type, curie.upper()), ()))
    if not found:
        raise NotFound(f"no {node_type} named {name!r} in the graph; try another name, a synonym or an identifier",
                       name, node_type)
    return sorted(found)


def similar_names(graph: nx.MultiDiGraph, name: str, node_type: str | None = None, limit: int = 5,
                  index: NameIndex | None = None) -> list[str]:
    """Names in the graph close to `name` (the "did you mean" of a `NotFound`): those of nodes of `node_type`
    (any named type when None), by the spelling of their own names and of the wordings documents use."""
    if node_type == "Document":
        names = {PurePath(data.get("path") or "").name: None for _, data in graph.nodes(data=True)
                 if data.get("type") == "Document"}
        return difflib.get_close_matches(name, [n for n in names if n], n=limit)
    types = (node_type,) if node_type else _NAMED_TYPES
    by_key: dict[str, set[str]] = defaultdict(set)
    for (kind, key), nodes in (index or NameIndex(graph)).by_name.items():
        if kind in types and key:
            by_key[key].update(nodes)
    found: list[str] = []
    for key in difflib.get_close_matches(_squash(name), list(by_key), n=limit * 2):
        for node in sorted(by_key[key]):
            shown = graph.nodes[node].get("name") or node
            if shown not in found:
                found.append(shown)
    return found[:limit]


def _summary(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    data = graph.nodes[node]
    return {"name": data.get("name"), "norm": list(data.get("norm", []))}


# evidence -----------------------------------------------------------------------------------------------

def _incidence(edge: dict[str, Any]) -> dict[str, Any] | None:
    if not any(edge.get(k) is not None for k in ("percent", "n", "grade")):
        return None
    incidence = {
        "percent": edge.get("percent"),
        "n": edge.get("n"),
        "total": edge.get("total"),
        "grade": edge.get("grade"),
        "regimen": list(edge.get("regimen") or []),
        "document": edge["document"],
    }
    for key in ("arm", "dose", "table", "row", "column", "cell", "curation"):
        if edge.get(key) is not None:
            incidence[key] = edge[key]
    return incidence


def evidence_record(graph: nx.MultiDiGraph, source: str, edge: dict[str, Any]) -> dict[str, Any]:
    """One edge's evidence as a flat record: where (document, sentence or table cell), by what, and the numbers."""
    document = graph.nodes.get(f"Document:{edge['document']}", {})
    record: dict[str, Any] = {
        "document": edge["document"],
        "path": document.get("path"),
        "source": "table_cell" if edge.get("table") is not None else "sentence",
        "section": edge.get("section"),
        "via": graph.nodes[source].get("name") if graph.nodes[source].get("type") == "Regimen" else None,
    }
    keys = ("table", "row", "column", "cell", "caption", "arm") if record["source"] == "table_cell" else (
        "sentence", "sentence_start", "sentence_end", "head_text", "head_start", "head_end", "tail_text",
        "tail_start", "tail_end")
    record.update({k: edge.get(k) for k in keys})
    record.update({k: edge.get(k) for k in ("grade", "n", "total", "percent", "dose", "regimen", "extractor",
                                            "version", "confidence", "warnings", "curation")})
    record["possible"] = bool(edge.get("possible"))  # the sentence says the drug may cause the event
    return record


def _grouped(graph: nx.MultiDiGraph, edges: list[tuple[str, str, dict]], group_by_tail: bool,
             filters: Filters = NO_FILTERS) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    grades: dict[str, list[int]] = defaultdict(list)
    for u, v, data in edges:
        other = v if group_by_tail else u
        entry = groups.setdefault(other, {**_summary(graph, other), "id": other, "documents": [], "incidence": [],
                                          "evidence": []})
        if data["document"] not in entry["documents"]:
            entry["documents"].append(data["document"])
        incidence = _incidence(data)
        if incidence and incidence not in entry["incidence"]:
            entry["incidence"].append(incidence)
        floor = reported_grade(data)
        if floor:
            grades[other].append(floor)
        if data.get("curation") and entry.get("curation") != "corrected":  # a curator's word on some evidence
            entry["curation"] = data["curation"]
        entry["evidence"].append({"document": data["document"], "section": data.get("section"),
                                  "sentence": data.get("sentence"), "table": data.get("table"),
                                  "cell": data.get("cell"), "confidence": data.get("confidence"),
                                  "possible": bool(data.get("possible"))})
    for node, entry in groups.items():
        entry["highest_grade"] = max(grades[node], default=None)
    kept = [e for e in groups.values() if len(e["evidence"]) >= filters.min_evidence]
    return sorted(kept, key=lambda e: (-len(e["documents"]), -len(e["evidence"]), e["name"] or ""))


def regimens_of(graph: nx.MultiDiGraph, drugs: Iterable[str]) -> list[str]:
    """Regimen nodes the drugs are components of."""
    return sorted({u for drug in drugs for u, _, d in graph.in_edges(drug, data=True)
                   if d.get("label") == "HAS_COMPONENT"})


def _event_edges_of_drugs(graph: nx.MultiDiGraph, drugs: list[str], filters: Filters) -> list[tuple[str, str, dict]]:
    """Adverse-event edges of the drugs themselves (text) and of every regimen they belong to (tables)."""
    documents = filters.allowed_documents(graph)
    sources = list(drugs) + regimens_of(graph, drugs)
    return [(u, v, d) for source in sources for u, v, d in graph.out_edges(source, data=True)
            if d.get("label") == "HAS_ADVERSE_EVENT" and filters.keeps(d, documents)]


def _drug_edges_of_events(graph: nx.MultiDiGraph, events: list[str], filters: Filters) -> list[tuple[str, str, dict]]:
    """(drug, event, evidence) for the events: text edges as they are, a regimen's edges once per component."""
    documents = filters.allowed_documents(graph)
    out = []
    for event in events:
        for u, v, d in graph.in_edges(event, data=True):
            if d.get("label") != "HAS_ADVERSE_EVENT" or not filters.keeps(d, documents):
                continue
            if graph.nodes[u].get("type") == "Regimen":
                out += [(drug, v, d) for drug in graph.nodes[u].get("components", ()) if drug in graph]
            else:
                out.append((u, v, d))
    return out


# the queries --------------------------------------------------------------------------------------------

def top_drug_event_pairs(graph: nx.MultiDiGraph, limit: int = 10) -> list[dict[str, Any]]:
    """Drug–adverse event pairs reported by the most documents (through regimens too), then by the most
    pieces of evidence (sentences and table cells), so a pair stated in text and in a table ranks above
    one table row."""
    documents: dict[tuple[str, str], set[str]] = {}
    evidence: Counter[tuple[str, str]] = Counter()
    events = [n for n, d in graph.nodes(data=True) if d.get("type") == "AdverseEvent"]
    for drug, event, data in _drug_edges_of_events(graph, events, NO_FILTERS):
        pair = (graph.nodes[drug]["name"], graph.nodes[event]["name"])
        documents.setdefault(pair, set()).add(data["document"])
        evidence[pair] += 1
    ranked = sorted(documents, key=lambda pair: (-len(documents[pair]), -evidence[pair], pair))[:limit]
    return [{"drug": drug, "event": event, "documents": len(documents[(drug, event)]),
             "evidence": evidence[(drug, event)]} for drug, event in ranked]


def events_for_drug(graph: nx.MultiDiGraph, drug: str, lexicon: Any = None,
                    filters: Filters = NO_FILTERS, index: NameIndex | None = None) -> dict[str, Any]:
    """Adverse events linked to a drug, in text or through a regimen it belongs to."""
    nodes = resolve(graph, drug, "Drug", lexicon, index)
    edges = _event_edges_of_drugs(graph, nodes, filters)
    return {"drug": _summary(graph, nodes[0]), "events": _grouped(graph, edges, True, filters)}


def drugs_for_event(graph: nx.MultiDiGraph, event: str, lexicon: Any = None,
                    filters: Filters = NO_FILTERS, index: NameIndex | None = None) -> dict[str, Any]:
    """Drugs linked to an adverse event."""
    nodes = resolve(graph, event, "AdverseEvent", lexicon, index)
    edges = _drug_edges_of_events(graph, nodes, filters)
    return {"event": _summary(graph, nodes[0]), "drugs": _grouped(graph, edges, False, filters)}


def compare_drugs(graph: nx.MultiDiGraph, event: str, drugs: list[str], lexicon: Any = None,
                  filters: Filters = NO_FILTERS, index: NameIndex | None = None) -> dict[str, Any]:
    """Several drugs side by side on one adverse event; a drug without evidence for it gets an empty row."""
    index = index or NameIndex(graph)
    events = resolve(graph, event, "AdverseEvent", lexicon, index)
    rows = []
    for name in drugs:
        nodes = resolve(graph, name, "Drug", lexicon, index)
        edges = [e for e in _event_edges_of_drugs(graph, nodes, filters) if e[1] in events]
        found = _grouped(graph, [(nodes[0], v, d) for _, v, d in edges], False, NO_FILTERS)
        row = found[0] if found else {**_summary(graph, nodes[0]), "id": nodes[0], "documents": [], "incidence": [],
                                      "evidence": [], "highest_grade": None}
        rows.append({**row, "query": name})
    return {"event": _summary(graph, events[0]), "drugs": rows}


def edge_evidence(graph: nx.MultiDiGraph, drug: str, event: str, lexicon: Any = None,
                  filters: Filters = NO_FILTERS, index: NameIndex | None = None) -> dict[str, Any]:
    """Every piece of evidence that links a drug to an adverse event: sentences and table cells."""
    index = index or NameIndex(graph)
    drugs = resolve(graph, drug, "Drug", lexicon, index)
    events = set(resolve(graph, event, "AdverseEvent", lexicon, index))
    records = [evidence_record(graph, u, d) for u, v, d in _event_edges_of_drugs(graph, drugs, filters) if v in events]
    records.sort(key=lambda r: (r["document"], r["source"], r.get("table") or "", r.get("row") or 0,
                                r.get("column") or 0, r.get("sentence_start") or 0))
    return {"drug": _summary(graph, drugs[0]), "event": _summary(graph, sorted(events)[0]), "evidence": records}


def resolve_any(graph: nx.MultiDiGraph, name: str, lexicon: Any = None, index: NameIndex | None = None) -> str:
    """The node `name` denotes, trying a node id first, then drugs, events, conditions, endpoints, regimens, trials."""
    if name in graph:
        return name
    if f"Trial:{name.upper()}" in graph:
        return f"Trial:{name.upper()}"
    index = index or NameIndex(graph)
    for node_type in _NAMED_TYPES:
        try:
            return resolve(graph, name, node_type, lexicon, index)[0]
        except NotFound:
            continue
    raise NotFound(f"nothing named {name!r} in the graph; try a drug, event, condition, endpoint or trial registration number",
                   name)


def neighbourhood(graph: nx.MultiDiGraph, name: str, depth: int = 1, lexicon: Any = None,
                  filters: Filters = NO_FILTERS, limit: int = 200, index: NameIndex | None = None) -> dict[str, Any]:
    """Nodes within `depth` edges of a node (documents are evidence, not walked through), at most `limit`."""
    center = resolve_any(graph, name, lexicon, index)
    documents = filters.allowed_documents(graph)
    distance = {center: 0}
    links: dict[tuple[str, str, str], dict[str, Any]] = {}
    queue, truncated = deque([center]), False
    while queue:
        node = queue.popleft()
        if distance[node] >= depth:
            continue
        incident = [(u, v, d) for u, v, d in graph.out_edges(node, data=True)]
        incident += [(u, v, d) for u, v, d in graph.in_edges(node, data=True)]
        for u, v, d in incident:
            other = v if u == node else u
            if graph.nodes[other].get("type") in _NOT_TRAVERSED or not filters.keeps(d, documents):
                continue
            if other not in distance:
                if len(distance) >= limit:
                    truncated = True
                    continue
                distance[other] = distance[node] + 1
                queue.append(other)
            link = links.setdefault((u, v, d["label"]), {"source": u, "target": v, "label": d["label"],
                                                         "evidence": 0, "documents": []})
            link["evidence"] += 1
            if d.get("document") and d["document"] not in link["documents"]:
                link["documents"].append(d["document"])
    edges = [e for e in links.values() if e["evidence"] >= filters.min_evidence]
    nodes = [{"id": n, "type": graph.nodes[n].get("type"), **_summary(graph, n), "distance": k}
             for n, k in sorted(distance.items(), key=lambda kv: (kv[1], kv[0]))]
    return {"center": {"id": center, "type": graph.nodes[center].get("type"), **_summary(graph, center)},
            "depth": depth, "truncated": truncated, "nodes": nodes,
            "edges": sorted(edges, key=lambda e: (e["source"], e["target"], e["label"]))}


def _edges_from(graph: nx.MultiDiGraph, nodes: Iterable[str], label: str, documents: set[str]) -> list[tuple[str, str, dict]]:
    """Out-edges with `label` of any of `nodes`, from the given documents only."""
    return [(u, v, d) for node in nodes for u, v, d in graph.out_edges(node, data=True)
            if d.get("label") == label and d.get("document") in documents]


def _trial_of_document(graph: nx.MultiDiGraph, name: str) -> str | None:
    """The trial node of the document with this id or file name (its registered trial, or the unregistered trial
    it reports), or None."""
    try:
        documents = _documents_named(graph, name)
    except NotFound:
        return None
    return next((u for doc in documents for u, _, d in graph.in_edges(f"Document:{doc}", data=True)
                 if d.get("label") == "REPORTED_IN"), None)


def trial(graph: nx.MultiDiGraph, trial_id: str) -> dict[str, Any]:
    """Everything known about one trial, merged across the documents that report on it."""
    node = f"Trial:{trial_id.upper()}"
    if node not in graph:
        node = _trial_of_document(graph, trial_id)
    if node is None:
        raise NotFound(f"no trial {trial_id!r} in the graph; trial ids are registration numbers such as NCT00389285 or "
                       "ISRCTN99820519, or the id or file name of a paper that gives none", trial_id, "Trial")
    trial_id = node.split(":", 1)[1]
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
        # a combination's doses may be stated for the drugs it joins ("200 mg of trimethoprim + 40 mg
        # sulfamethoxazole" for cotrimoxazole), unless those are interventions of their own
        ingredients = [i for i in graph.nodes[drug].get("ingredients", []) if i in graph and i not in interventions]
        for _, dose_node, _ in _edges_from(graph, [drug, *ingredients], "HAS_DOSE", in_trial):
            dose = graph.nodes[dose_node]
            if all(dose.get(k) is None for k in ("amount", "amount_low", "amount_high", "unit", "schedule")):
                continue  # "standard dose", "dose reductions": a dose level, not a dose ("400/100 mg" has a unit)
            _add_dose(doses, {k: dose.get(k) for k in _DOSE_FIELDS})
        entry = {**_summary(graph, drug), "doses": doses}
        if graph.nodes[drug].get("type") == "Intervention":  # a device, procedure or behaviour, no drug
            entry["type"] = graph.nodes[drug].get("kind")
        result["interventions"].append(entry)
    result["endpoints"] = _trial_endpoints(graph, by_label["MEASURES"], interventions, in_trial)
    doc_nodes = [f"Document:{d}" for d in documents]
    regimens = sorted({v for _, v, _ in _edges_from(graph, doc_nodes, "USES_REGIMEN", in_trial)})
    ae_edges = _edges_from(graph, interventions + regimens, "HAS_ADVERSE_EVENT", in_trial)
    studied = _studied(graph, [v for v, _ in by_label["STUDIES"]])
    result["adverse_events"] = [
        {k: e[k] for k in ("name", "norm", "incidence", "documents", "curation") if k in e}
        for e in _grouped(graph, ae_edges, True)
        if not _is_studied(e, studied) or any((x.get("section") or "").startswith("results:") for x in e["evidence"])
    ]
    seen: set[tuple[str, str | None]] = set()
    for v, d in by_label["MENTIONS_DRUG"]:  # a drug with two roles (prior therapy, another study's) is listed twice
        if v not in interventions and (v, d.get("role")) not in seen:
            seen.add((v, d.get("role")))
            result["other_drugs"].append({"name": graph.nodes[v].get("name"), "role": d.get("role")})
    return result


_DOSE_FIELDS = ("text", "amount", "amount_low", "amount_high", "upper_bound", "unit", "route", "frequency", "schedule")
_DOSE_AMOUNT = ("amount", "amount_low", "amount_high", "upper_bound", "unit")  # "up to 400 mg" is not "400 mg"
_DOSE_DETAILS = ("route", "frequency", "schedule")


def _add_dose(doses: list[dict[str, Any]], dose: dict[str, Any]) -> None:
    """Adds a dose to a drug's list, merged into one already there that states the same amount and unit and
    nothing that contradicts it ("400 mg twice daily" and "400 mg orally twice daily" are one dose, taken
    orally); the wording that states the most is kept as its text."""
    for kept in doses:
        if all(kept[k] == dose[k] for k in _DOSE_AMOUNT) and all(
                kept[k] is None or dose[k] is None or kept[k] == dose[k] for k in _DOSE_DETAILS):
            stated = sum(dose[k] is not None for k in _DOSE_DETAILS) > sum(kept[k] is not None for k in _DOSE_DETAILS)
            for key in _DOSE_DETAILS:
                kept[key] = kept[key] if kept[key] is not None else dose[key]
            if stated:
                kept["text"] = dose["text"]
            return
    doses.append(dose)


def _studied(graph: nx.MultiDiGraph, conditions: list[str]) -> tuple[set[str], set[str]]:
    """Identifiers and name keys of a trial's conditions under study."""
    curies = {curie for node in conditions for curie in graph.nodes[node].get("norm") or ()}
    names = {key for node in conditions for key in condition_keys(graph.nodes[node].get("name") or "")}
    return curies, names


def _is_studied(event: dict[str, Any], studied: tuple[set[str], set[str]]) -> bool:
    """Whether an event of a trial is one of its conditions under study, whichever document reported it
    (a registry results term is kept all the same: `trial` checks its evidence)."""
    curies, names = studied
    return bool(curies.intersection(event["norm"])) or word_bag(event["name"] or "") in names


def _trial_endpoints(graph: nx.MultiDiGraph, measures: list[tuple[str, dict]], interventions: list[str],
                     in_trial: set[str]) -> list[dict[str, Any]]:
    """Registered endpoints, endpoints the trial's drugs are reported with, and every endpoint with a result."""
    endpoints: dict[str, dict[str, Any]] = {}
    for v, d in measures:
        entry = endpoints.setdefault(v, {**_summary(graph, v), "kind": d.get("kind"), "results": []})
        if entry["kind"] in (None, "unspecified") and d.get("kind") not in (None, "unspecified"):
            # a kind stated by another document ("The primary outcome was ...") wins
            entry["kind"] = d.get("kind")
    for _, v, _ in _edges_from(graph, interventions, "HAS_ENDPOINT", in_trial):
        endpoints.setdefault(v, {**_summary(graph, v), "kind": None, "results": []})
    for _, v, d in _edges_from(graph, [f"Document:{doc}" for doc in sorted(in_trial)], "HAS_RESULT", in_trial):
        entry = endpoints.setdefault(v, {**_summary(graph, v), "kind": None, "results": []})
        result = {"value": d.get("value"), "unit": d.get("unit"), "ci": d.get("ci"), "text": d.get("text"),
                  "document": d["document"]}
        for key in ("n", "total", "arm", "regimen", "table", "cell"):
            if d.get(key) not in (None, []):
                result[key] = d[key]
        if result not in entry["results"]:
            entry["results"].append(result)
    return sorted(endpoints.values(), key=lambda e: e["name"] or "")
