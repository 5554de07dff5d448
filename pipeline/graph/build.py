"""Assemble the drug–event knowledge graph (networkx) from the store.

Nodes are keyed by normalized identity (`Drug:MESH:D000077157`), not by string, so every spelling
of a drug meets in one node. Relation edges carry their evidence: document, section, sentence and
mention offsets, extractor, confidence and the numbers the mention holds (grade, dose).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import networkx as nx

from pipeline.document import Document
from pipeline.store import StoredDocument

NODE_TYPES = {
    "DRUG": "Drug",
    "ADVERSE_EVENT": "AdverseEvent",
    "CONDITION": "Condition",
    "ENDPOINT": "Endpoint",
    "DOSE": "Dose",
}
_REGISTRATION = re.compile(r"(registration|registered|identifier|clinicaltrials\.gov)[^.\n]{0,60}$", re.I)
_INTERVENTION_SECTIONS = frozenset({"interventions", "arms", "title"})
_CONDITION_SECTIONS = frozenset({"conditions", "title"})
_OUTCOME_SECTIONS = {"primary_outcomes": "primary", "secondary_outcomes": "secondary", "other_outcomes": "other",
                     "outcomes": "unspecified"}


def concept_key(entity: dict[str, Any]) -> str:
    """Identity of the concept a mention names: its best identifier, else its lowercased name."""
    if entity["norm"]:
        return entity["norm"][0]
    name = entity.get("concept") or entity["text"]
    return "name:" + re.sub(r"\s+", " ", name.lower()).strip()


def node_id(entity: dict[str, Any], document_id: str, index: int) -> str:
    node_type = NODE_TYPES[entity["label"]]
    if entity["label"] == "DOSE":
        return f"Dose:{document_id}:{index}"
    return f"{node_type}:{concept_key(entity)}"


def own_trial_id(document: Document) -> str | None:
    """The trial a document reports on: a registry record's own id, or the NCT id a paper gives as its
    registration ("Trial registration: ClinicalTrials.gov Identifier: NCT00389285")."""
    if document.trial is not None:
        return document.trial.nct_id
    for nct in document.nct_ids:
        for match in re.finditer(nct, document.text):
            if _REGISTRATION.search(document.text[max(0, match.start() - 80) : match.start()]):
                return nct
    return None


def build_graph(stored_documents: Iterable[StoredDocument]) -> nx.MultiDiGraph:
    """The whole graph from stored documents (`Store.documents()`)."""
    graph = nx.MultiDiGraph()
    for stored in stored_documents:
        add_document(graph, stored)
    return graph


def add_document(graph: nx.MultiDiGraph, stored: StoredDocument) -> None:
    """Add one document's nodes and edges (idempotent: keys are stable)."""
    document = stored.document
    doc_node = f"Document:{document.id}"
    graph.add_node(doc_node, type="Document", name=document.title, path=document.source_path, format=document.format)
    trial = own_trial_id(document)
    if trial:
        trial_node = f"Trial:{trial}"
        title = document.trial.title if document.trial else ""
        if trial_node not in graph or (title and not graph.nodes[trial_node].get("registry_title")):
            graph.add_node(trial_node, type="Trial", name=trial, registry_title=title or "")
        graph.add_edge(trial_node, doc_node, key=document.id, label="REPORTED_IN")
    for index, entity in enumerate(stored.entities):
        if entity["label"] not in NODE_TYPES:
            continue
        node = node_id(entity, document.id, index)
        if node not in graph:
            graph.add_node(node, type=NODE_TYPES[entity["label"]], name=entity.get("concept") or entity["text"],
                           norm=list(entity["norm"]))
        if entity["label"] == "DOSE":
            graph.nodes[node].update(_dose_attributes(entity))
        if trial and not entity["negated"]:
            _link_trial(graph, f"Trial:{trial}", node, entity, document.id, index)
    for relation in stored.relations:
        head, tail = stored.entities[relation["head"]], stored.entities[relation["tail"]]
        if head["label"] not in NODE_TYPES or tail["label"] not in NODE_TYPES:
            continue
        graph.add_edge(
            node_id(head, document.id, relation["head"]),
            node_id(tail, document.id, relation["tail"]),
            key=f"{document.id}:{relation['head']}:{relation['tail']}:{relation['label']}",
            **_evidence(relation, head, tail, document),
        )


def _link_trial(graph: nx.MultiDiGraph, trial_node: str, node: str, entity: dict, document_id: str, index: int) -> None:
    section, context = entity.get("section"), entity.get("context")
    if entity["label"] == "DRUG" and context in ("eligibility", "prior_therapy"):
        graph.add_edge(trial_node, node, key=f"{document_id}:{index}", label="MENTIONS_DRUG",
                       role=context, document=document_id)
    elif context is not None:
        return
    elif entity["label"] == "DRUG" and section in _INTERVENTION_SECTIONS:
        graph.add_edge(trial_node, node, key=f"{document_id}:{index}", label="HAS_INTERVENTION",
                       document=document_id, start=entity["start"], end=entity["end"])
    elif entity["label"] == "CONDITION" and section in _CONDITION_SECTIONS:
        graph.add_edge(trial_node, node, key=f"{document_id}:{index}", label="STUDIES",
                       document=document_id, start=entity["start"], end=entity["end"])
    elif entity["label"] == "ENDPOINT" and section in _OUTCOME_SECTIONS:
        graph.add_edge(trial_node, node, key=f"{document_id}:{index}", label="MEASURES",
                       document=document_id, kind=_OUTCOME_SECTIONS[section], start=entity["start"], end=entity["end"])


def _dose_attributes(entity: dict[str, Any]) -> dict[str, Any]:
    dose = entity.get("dose") or {}
    return {"text": entity["text"], **{k: v for k, v in dose.items() if v is not None}}


def _evidence(relation: dict, head: dict, tail: dict, document: Document) -> dict[str, Any]:
    sentence = tail.get("sentence") or [tail["start"], tail["end"]]
    evidence = {
        "label": relation["label"],
        "document": document.id,
        "section": tail.get("section") or "",
        "sentence_start": sentence[0],
        "sentence_end": sentence[1],
        "sentence": document.text[sentence[0] : sentence[1]].strip(),
        "head_text": head["text"],
        "tail_text": tail["text"],
        "tail_start": tail["start"],
        "tail_end": tail["end"],
        "extractor": relation["extractor"],
        "confidence": relation["confidence"],
    }
    if tail.get("grade"):
        evidence["grade"] = tail["grade"]
    return evidence
