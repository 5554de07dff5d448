"""Assemble the drug–event knowledge graph (networkx) from the store.

Nodes are keyed by normalized identity (`Drug:MESH:D000077157`), not by string, so every spelling of a
drug meets in one node. A `Regimen` node is the set of drugs given together (`Regimen:<drug keys joined
by +>`, with `HAS_COMPONENT` edges to each drug); adverse-event incidence read from tables attaches to the
regimen, never to a drug named only as prior therapy or in eligibility criteria.

Every evidence edge carries where it was read (document, section, sentence offsets or table cell), by what
(extractor, pipeline version, confidence) and the numbers (n/N, percent, grade, dose, endpoint value). Node
ids and edge keys are derived from content, so building twice gives the same graph and `add_document`
replaces a document's part of the graph without a rebuild.
"""
from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import networkx as nx

from pipeline.document import REGISTRATION_ID, Document, Table, registration_id
from pipeline.lexicons.concepts import GenericEventWords, canonical_id, condition_keys, display_name, word_bag
from pipeline.lexicons.normalize import fold
from pipeline.records import (
    CellMention,
    IncidenceFact,
    Mention,
    OutcomeFact,
    RegimenDrug,
    RegisteredCondition,
    RegisteredIntervention,
    RegisteredOutcome,
    ResponseFact,
    TableFact,
)
from pipeline.store import StoredDocument
from pipeline.tables.vocabulary import response_names

NODE_TYPES = {
    "DRUG": "Drug",
    "ADVERSE_EVENT": "AdverseEvent",
    "CONDITION": "Condition",
    "ENDPOINT": "Endpoint",
    "DOSE": "Dose",
}
# a drug in these contexts is not what the trial gave: no events, never an intervention
BLOCKING_CONTEXTS = frozenset({"eligibility", "prior_therapy"})
TABLE_EXTRACTOR = "tables"
_REGISTRATION = re.compile(r"(registration|registered|registry|identifier|clinicaltrials\.gov|current controlled trials)"
                           r"[^.\n]{0,80}$", re.I)
_INTERVENTION_SECTIONS = frozenset({"interventions", "arms", "title"})
_CONDITION_SECTIONS = frozenset({"conditions", "title"})
_OTHER_STUDY_SECTIONS = frozenset({"background", "discussion"})
_CITATION = re.compile(r"\bet al\b|\b(?:19|20)\d\d;\s*\d|\bdoi\b|Database Syst Rev", re.I)  # a reference, not prose
_OUTCOME_SECTIONS = {"primary_outcomes": "primary", "secondary_outcomes": "secondary", "other_outcomes": "other",
                     "outcomes": "unspecified"}
_RESULT_KEYS = ("value", "unit", "ci", "n", "total", "text")
# sections where a paper reports its own results (background and discussion cite other studies)
_RESULT_SECTIONS = frozenset({"abstract", "summary", "results", "conclusions", "adverse_events", "outcomes",
                              "primary_outcomes", "secondary_outcomes", "other_outcomes"})


def concept_key(label: str, norm: Iterable[str], name: str) -> str:
    """Identity of the concept a mention of `label` names: its canonical identifier (`canonical_id`), else
    its lowercased name."""
    found = canonical_id(label, list(norm))
    if found is not None:
        return found
    return "name:" + re.sub(r"\s+", " ", name.lower()).strip()


def concept_node_id(label: str, norm: Iterable[str], name: str) -> str:
    """The node of the concept of `label` with identifiers `norm` and name `name` (`Drug:MESH:D000077157`)."""
    return f"{NODE_TYPES[label]}:{concept_key(label, norm, name)}"


def mention_name(entity: Mention) -> str:
    """What a mention calls its concept: the concept's name, else its words."""
    return entity.concept or entity.text


def node_id(entity: Mention, document_id: str, index: int) -> str:
    """The graph node a mention denotes: its concept's node, or a node of its own for a dose."""
    if entity.label == "DOSE":
        return f"Dose:{document_id}:{index}"
    return concept_node_id(entity.label, entity.norm, mention_name(entity))


def regimen_id(drug_nodes: Iterable[str]) -> str:
    """`Regimen:<sorted drug keys joined by +>` for the drug node ids given together."""
    return "Regimen:" + "+".join(sorted({node.split(":", 1)[1] for node in drug_nodes}))


def own_trial_id(document: Document) -> str | None:
    """The trial a document reports on: a registry record's own id, or the registration a paper gives as its
    own ("Trial registration: ClinicalTrials.gov Identifier: NCT00389285"; "registered as an International
    Standard Randomised Controlled Trial, number ISRCTN99820519"), an NCT id first."""
    if document.trial is not None:
        return document.trial.nct_id
    for nct in document.nct_ids:
        for match in re.finditer(nct, document.text):
            if _REGISTRATION.search(document.text[max(0, match.start() - 100) : match.start()]):
                return nct
    for match in REGISTRATION_ID.finditer(document.text):
        if _REGISTRATION.search(document.text[max(0, match.start() - 100) : match.start()]):
            return registration_id(match.group())
    return None


# words that say a text reports a trial's design: "a phase 1/2, open-label, multicenter study"
_TRIAL_DESIGN = re.compile(r"\b(?:randomi[sz]ed|open[- ]label|double[- ]blind|single[- ]arm|dose[- ]escalation"
                           r"|phase\s+(?:[1-4]|iv|i{1,3}|one|two|three)\b)", re.I)
_STUDY_WORD = re.compile(r"\b(?:study|trial|design)\b", re.I)
# dose levels (models/rules/dose_levels.tsv) that a phase 1 trial sets out to find: endpoints of the trial
_ENDPOINT_DOSE_LEVELS = frozenset({"maximum tolerated dose", "recommended phase 2 dose"})
_AIM_BEFORE = re.compile(r"\b(?:estimate|determine|establish|define|defines|identify|find)\s+(?:the\s+)?$", re.I)
_DESIGN_SECTIONS = frozenset({"title", "abstract", "methods", "other"})  # where a paper describes its own trial


def describes_trial_design(text: str) -> bool:
    """Whether a text names a study with its design: "a phase 1/2, open-label study", "a randomised trial", "a 3 + 3
    dose-escalation design"."""
    return _TRIAL_DESIGN.search(text) is not None and _STUDY_WORD.search(text) is not None


def unregistered_trial_id(document: Document) -> str | None:
    """The trial of a paper that gives no registration number but describes a trial design of its own (in its
    title, abstract or methods, or anywhere in a text without headings): keyed by the document's id in
    capitals ("DOC-EEBD34D4A383B72A"), so `query trial` finds it by that id or by the document's file name.
    None for a registry record and for a text that describes no trial (a case report, a review's discussion)."""
    if document.trial is not None:
        return None
    parts = [document.text[s.start : s.end] for s in document.sections if s.kind in _DESIGN_SECTIONS]
    if not document.sections:
        parts = [document.text]
    return document.id.upper() if any(describes_trial_design(part) for part in parts) else None


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small dicts are made (none of them cyclic
    garbage): without it, loading or building a graph of a million edges spends most of its time in GC."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_graph(stored_documents: Iterable[StoredDocument]) -> nx.MultiDiGraph:
    """The whole graph from stored documents (`Store.documents()`)."""
    graph = nx.MultiDiGraph()
    with paused_gc():
        for stored in stored_documents:
            add_document(graph, stored)
    return graph


def remove_document(graph: nx.MultiDiGraph, document_id: str) -> None:
    """Take one document's edges out of the graph, and the nodes only it supported."""
    doc_node = f"Document:{document_id}"
    if doc_node not in graph:
        return
    doomed = [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if d.get("document") == document_id]
    touched = {n for u, v, _ in doomed for n in (u, v)}
    graph.remove_edges_from(doomed)
    graph.remove_node(doc_node)
    graph.remove_nodes_from([n for n in touched if n in graph and graph.degree(n) == 0])


def add_document(graph: nx.MultiDiGraph, stored: StoredDocument) -> None:
    """Add one document's nodes and edges; a document already in the graph is replaced, so this is idempotent."""
    document = stored.document
    remove_document(graph, document.id)
    builder = _DocumentBuilder(graph, stored)
    builder.add_mentions()
    builder.add_relations()
    builder.add_facts()


class _DocumentBuilder:
    """Adds one stored document to the graph."""

    def __init__(self, graph: nx.MultiDiGraph, stored: StoredDocument) -> None:
        self.graph = graph
        self.stored = stored
        self.document = stored.document
        self.doc_node = f"Document:{self.document.id}"
        self.trial = own_trial_id(self.document) or unregistered_trial_id(self.document)
        self.trial_node = f"Trial:{self.trial}" if self.trial else None
        self.blocked_drugs = self._blocked_drugs()
        self.generic_events = GenericEventWords.load()
        self.studied_curies, self.studied_names = self._studied_conditions()
        graph.add_node(self.doc_node, type="Document", name=self.document.title, path=self.document.source_path,
                       format=self.document.format)
        if self.trial_node:
            title = self.document.trial.title if self.document.trial else ""
            if self.trial_node not in graph or (title and not graph.nodes[self.trial_node].get("registry_title")):
                graph.add_node(self.trial_node, type="Trial", name=self.trial, registry_title=title or "")
            graph.add_edge(self.trial_node, self.doc_node, key=self.document.id, label="REPORTED_IN",
                           document=self.document.id)

    def _provenance(self, extractor: str, confidence: float) -> dict[str, Any]:
        return {"document": self.document.id, "extractor": extractor, "version": self.stored.pipeline_version,
                "confidence": confidence}

    def _concept_node(self, label: str, norm: Iterable[str], name: str) -> str:
        """The node of the concept of `label` with identifiers `norm` and name `name`, made on first sight."""
        node = concept_node_id(label, norm, name)
        if node not in self.graph:
            shown = display_name(name) if label == "ADVERSE_EVENT" else name
            self.graph.add_node(node, type=NODE_TYPES[label], name=shown, norm=list(norm))
        return node

    def _mention_node(self, entity: Mention) -> str:
        return self._concept_node(entity.label, entity.norm, mention_name(entity))

    def _drug_node(self, drug: RegimenDrug) -> str:
        return self._concept_node("DRUG", drug.norm, drug.concept or drug.name)

    def _studied_conditions(self) -> tuple[set[str], set[str]]:
        """Identifiers and name keys (`condition_keys`) of the conditions the document's trial studies: its registered
        conditions and the conditions named in its title."""
        curies: set[str] = set()
        names: set[str] = set()
        for entity in self.stored.entities:
            if (entity.label == "CONDITION" and entity.section in _CONDITION_SECTIONS
                    and not entity.negated and entity.context is None):
                curies.update(entity.norm)
                names.update(n for n in (entity.text, entity.concept or "") if n)
        for fact in self.stored.facts:
            if isinstance(fact, RegisteredCondition):
                curies.update(fact.norm)
                names.add(fact.name)
        return curies, {key for name in names for key in condition_keys(name)}

    def is_event(self, norm: Iterable[str], *names: str | None, registry_results: bool = False) -> bool:
        """Whether a mention or table row is a specific adverse event: not a word that names no event
        ("toxicities", "serious adverse events") and not a condition the trial studies. A registry's results
        term is kept as registered even when it names the condition ("Candidiasis" in a trial of candidiasis
        prophylaxis): the registry reports it as an adverse event."""
        if any(name and name in self.generic_events for name in names):
            return False
        if registry_results:
            return True
        if self.studied_curies.intersection(norm):
            return False
        return not any(name and word_bag(name) in self.studied_names for name in names)

    # mentions -------------------------------------------------------------------------------------------

    def add_mentions(self) -> None:
        """A node per concept mentioned, a `MENTIONS` edge per document and concept, and the trial's links."""
        mentioned: dict[str, dict[str, Any]] = {}
        for index, entity in enumerate(self.stored.entities):
            if entity.label not in NODE_TYPES or not self._kept(entity):
                continue
            if entity.label == "DOSE":
                node = node_id(entity, self.document.id, index)
                self.graph.add_node(node, type="Dose", name=entity.text, norm=[], **_dose_attributes(entity))
            else:
                node = self._mention_node(entity)
            seen = mentioned.setdefault(node, {"label": "MENTIONS", "document": self.document.id, "count": 0,
                                               "start": entity.start, "end": entity.end, "contexts": [],
                                               "wordings": [], "norm": []})
            seen["count"] += 1
            context = entity.context or "none"
            if context not in seen["contexts"]:
                seen["contexts"].append(context)
            if entity.label != "DOSE":  # how this document names the concept: what finds its node (query)
                for wording in dict.fromkeys(" ".join(w.lower().split()) for w in (entity.text, entity.concept) if w):
                    if wording not in seen["wordings"]:
                        seen["wordings"].append(wording)
                seen["norm"].extend(curie for curie in entity.norm if curie not in seen["norm"])
            # "No concurrent corticosteroids (e.g., prednisone)" still names prednisone in the criteria
            if self.trial_node and (not entity.negated or (entity.label == "DRUG" and entity.context)):
                self._link_trial(node, entity, index)
            if (entity.label == "ENDPOINT" and entity.result and entity.context is None
                    and entity.section in _RESULT_SECTIONS):
                self._add_text_result(node, entity, index)
        for node, attributes in mentioned.items():
            self.graph.add_edge(self.doc_node, node, key=self.document.id, **attributes)

    def _kept(self, entity: Mention) -> bool:
        """Whether a mention becomes part of the graph: every one but an adverse event that is none (`is_event`)."""
        return entity.label != "ADVERSE_EVENT" or self.is_event(entity.norm, entity.text, entity.concept)

    def _link_trial(self, node: str, entity: Mention, index: int) -> None:
        section, context = entity.section, entity.context
        where = {"document": self.document.id, "start": entity.start, "end": entity.end}
        key = f"{self.document.id}:{index}"
        if entity.label == "DRUG" and context is not None:
            self.graph.add_edge(self.trial_node, node, key=key, label="MENTIONS_DRUG", role=context, **where)
        elif (entity.label == "DRUG" and self.document.trial is None and section in _OTHER_STUDY_SECTIONS
              and entity.norm and not _CITATION.search(self._sentence(entity))):
            # a paper's background and discussion name the drugs of other studies; the trial's own drugs are
            # its interventions, which `query.trial` never lists among its other drugs
            self.graph.add_edge(self.trial_node, node, key=key, label="MENTIONS_DRUG", role="other_study", **where)
        elif entity.label == "ENDPOINT" and entity.endpoint_kind and self._states_own_endpoint(entity):
            self.graph.add_edge(self.trial_node, node, key=key, label="MEASURES", kind=entity.endpoint_kind, **where)
        elif context is not None or self.document.trial is not None:
            return  # a registry record's interventions, conditions and outcomes are its registered ones (add_facts)
        elif entity.label == "DRUG" and (section in _INTERVENTION_SECTIONS or self._describes_design(entity)):
            self.graph.add_edge(self.trial_node, node, key=key, label="HAS_INTERVENTION", **where)
        elif entity.label == "CONDITION" and (section in _CONDITION_SECTIONS or self._describes_design(entity)):
            self.graph.add_edge(self.trial_node, node, key=key, label="STUDIES", **where)
        elif entity.label == "ENDPOINT" and section in _OUTCOME_SECTIONS:
            self.graph.add_edge(self.trial_node, node, key=key, label="MEASURES", kind=_OUTCOME_SECTIONS[section],
                                **where)
        elif entity.label == "DOSE" and self._aims_at_dose_level(entity):
            endpoint = self._concept_node("ENDPOINT", [], entity.dose["level"])
            self.graph.add_edge(self.trial_node, endpoint, key=key, label="MEASURES", kind=None, **where)

    def _states_own_endpoint(self, entity: Mention) -> bool:
        """Whether a paper states the endpoint as its trial's ("The primary outcome was ..."): not in a registry
        record (whose outcomes are the registered ones), nor where a paper cites other studies."""
        return (self.document.trial is None and entity.context in (None, "hypothetical")
                and entity.section not in _OTHER_STUDY_SECTIONS and not _CITATION.search(self._sentence(entity)))

    def _aims_at_dose_level(self, entity: Mention) -> bool:
        """Whether a dose level that is an endpoint ("maximum tolerated dose") is what the trial sets out to find: its
        sentence describes the design, or an aim verb stands right before it ("to estimate the MTD", "this trial
        defines the MTD"); not a level stated as a dose ("the MTD was 30 mcg/kg" of another trial)."""
        dose = entity.dose or {}
        if dose.get("level") not in _ENDPOINT_DOSE_LEVELS or dose.get("amount") is not None:
            return False
        start = entity.sentence[0] if entity.sentence else entity.start
        return bool(_AIM_BEFORE.search(self.document.text[start : entity.start])) or self._describes_design(entity)

    def _describes_design(self, entity: Mention) -> bool:
        """Whether the mention stands in the sentence of a paper's abstract or methods (or of a text without
        headings) that describes the trial's design, whose drugs are its interventions and whose disease is what
        it studies: "This was a phase 1/2, open-label study of IL-21 given with sorafenib to patients with mRCC"."""
        in_design_part = entity.section in _DESIGN_SECTIONS or (entity.section is None and not self.document.sections)
        generic = any(name and name in self.generic_events for name in (entity.text, entity.concept))
        return in_design_part and not generic and describes_trial_design(self._sentence(entity))

    def _add_text_result(self, node: str, entity: Mention, index: int) -> None:
        result = entity.result
        self.graph.add_edge(
            self.doc_node, node, key=f"{self.document.id}:{index}", label="HAS_RESULT",
            **{k: result.get(k) for k in _RESULT_KEYS}, **self._sentence_evidence(entity),
            **self._provenance("endpoint_results", 0.8), regimen=[],
        )

    # relations ------------------------------------------------------------------------------------------

    def add_relations(self) -> None:
        """One evidence edge per extracted relation; events of a prior-therapy or eligibility drug are dropped."""
        entities = self.stored.entities
        drugs_by_event = self._drugs_by_event()
        for relation in self.stored.relations:
            head, tail = entities[relation.head], entities[relation.tail]
            if head.label not in NODE_TYPES or tail.label not in NODE_TYPES or not self._kept(tail):
                continue
            if relation.label == "HAS_ADVERSE_EVENT" and (
                    head.context in BLOCKING_CONTEXTS or tail.section in _OUTCOME_SECTIONS):
                continue  # an outcome's description says what is measured ("until death"), not a harm seen
            evidence = {
                "label": relation.label,
                **self._sentence_evidence(tail),
                "head_text": head.text, "head_start": head.start, "head_end": head.end,
                "tail_text": tail.text, "tail_start": tail.start, "tail_end": tail.end,
                **self._provenance(relation.extractor, relation.confidence),
            }
            if tail.grade:
                evidence["grade"] = tail.grade
            curation = [item.curation for item in (relation, head, tail)]
            if "corrected" in curation or "accepted" in curation:  # a curator's word (pipeline/store/curation.py)
                evidence["curation"] = "corrected" if "corrected" in curation else "accepted"
            if relation.label == "HAS_ADVERSE_EVENT":
                evidence["regimen"] = drugs_by_event.get(relation.tail, [])
                if tail.context == "possible":
                    evidence["possible"] = True  # "methylphenidate may cause cataract": said possible, not seen
                if tail.serious is not None:
                    evidence["serious"] = tail.serious
            if relation.label == "HAS_DOSE" and tail.dose:
                evidence["dose"] = tail.text
            self.graph.add_edge(
                node_id(head, self.document.id, relation.head),
                node_id(tail, self.document.id, relation.tail),
                key=f"{self.document.id}:{relation.head}:{relation.tail}:{relation.label}",
                **evidence,
            )

    def _drugs_by_event(self) -> dict[int, list[str]]:
        """For each event mention, the drugs (names) reported with it: the regimen of a text relation."""
        names: dict[int, set[str]] = {}
        for relation in self.stored.relations:
            head = self.stored.entities[relation.head]
            if relation.label == "HAS_ADVERSE_EVENT" and head.context not in BLOCKING_CONTEXTS:
                names.setdefault(relation.tail, set()).add(head.concept or head.text)
        return {index: sorted(found) for index, found in names.items()}

    def _sentence(self, entity: Mention) -> str:
        start, end = entity.sentence or (entity.start, entity.end)
        return self.document.text[start:end]

    def _sentence_evidence(self, entity: Mention) -> dict[str, Any]:
        sentence = entity.sentence or (entity.start, entity.end)
        return {
            "section": entity.section or "",
            "sentence_start": sentence[0],
            "sentence_end": sentence[1],
            "sentence": self.document.text[sentence[0] : sentence[1]].strip(),
        }

    # table facts ----------------------------------------------------------------------------------------

    def add_facts(self) -> None:
        """Incidence facts attach to their regimen; response and outcome results to the document's endpoints;
        a registry record's interventions, conditions and outcomes link its trial."""
        for fact in self.stored.facts:
            if isinstance(fact, (RegisteredIntervention, RegisteredCondition, RegisteredOutcome)):
                self._add_registered(fact)
            elif isinstance(fact, CellMention):
                self._add_cell_mention(fact)
            elif isinstance(fact, IncidenceFact):
                self._add_incidence(fact)
            elif isinstance(fact, (ResponseFact, OutcomeFact)):
                self._add_table_result(fact)

    def _add_cell_mention(self, fact: CellMention) -> None:
        """A drug a table cell names: mentioned by the document, and, in a prior-therapy or baseline cell, one
        of the trial's other drugs with that role (never an intervention)."""
        if fact.label != "DRUG":
            return
        node = self._concept_node("DRUG", fact.norm, fact.concept or fact.text)
        cell = {"document": self.document.id, "table": fact.table, "row": fact.row, "column": fact.column}
        key = f"{self.document.id}:{fact.table}:{fact.row}:{fact.column}:{fact.start}"
        self.graph.add_edge(self.doc_node, node, key=key, label="MENTIONS", count=1, contexts=[fact.role or "none"],
                            wordings=[fact.text.lower()], norm=list(fact.norm), **cell)
        if self.trial_node and fact.role and not fact.negated:
            self.graph.add_edge(self.trial_node, node, key=key, label="MENTIONS_DRUG", role=fact.role, **cell)

    def _add_registered(self, fact: RegisteredIntervention | RegisteredCondition | RegisteredOutcome) -> None:
        """A registered intervention (each of its drugs, or the intervention itself when it is no drug),
        condition or outcome of the record's trial."""
        if self.trial_node is None:
            return
        where = {"document": self.document.id, "registered": fact.name}
        key = f"{self.document.id}:registered:{fact.KIND}:{fact.name}"
        if isinstance(fact, RegisteredIntervention):
            if fact.role == "drug":
                for drug in fact.drugs:
                    node = self._drug_node(drug)
                    if drug.ingredients:  # a fixed-dose combination: the drugs whose doses are its own
                        known = self.graph.nodes[node].get("ingredients", [])
                        ingredients = {concept_node_id("DRUG", [curie], curie) for curie in drug.ingredients}
                        self.graph.nodes[node]["ingredients"] = sorted(ingredients.union(known))
                    self.graph.add_edge(self.trial_node, node, key=f"{key}:{drug.name}",
                                        label="HAS_INTERVENTION", type=fact.type, **where)
            elif fact.role == "non_drug":
                node = f"Intervention:{fold(fact.name)}"
                if node not in self.graph:
                    self.graph.add_node(node, type="Intervention", name=fact.name, norm=[], kind=fact.type)
                self.graph.add_edge(self.trial_node, node, key=key, label="HAS_INTERVENTION", type=fact.type, **where)
        elif isinstance(fact, RegisteredCondition):
            node = self._concept_node("CONDITION", fact.norm, fact.name)
            self.graph.nodes[node]["name"] = fact.name  # named as registered ("HIV Infection"), whoever made it
            self.graph.add_edge(self.trial_node, node, key=key, label="STUDIES", **where)
        else:
            node = self._endpoint_named(fact.name)
            self.graph.add_edge(self.trial_node, node, key=key, label="MEASURES", kind=fact.outcome_kind, **where)

    def _cell_evidence(self, fact: TableFact) -> dict[str, Any]:
        table = self._table(fact.table)
        return {
            "section": (table.section if table else None) or "",
            "table": fact.table, "row": fact.row, "column": fact.column,
            "cell": fact.cell, "caption": table.caption if table else "",
            "arm": fact.arm, "warnings": list(fact.warnings),
            **self._provenance(TABLE_EXTRACTOR, 0.7 if fact.warnings else 0.9),
            **({"curation": fact.curation} if fact.curation else {}),
        }

    def _table(self, table_id: str | None) -> Table | None:
        try:
            return self.document.table(table_id) if table_id else None
        except KeyError:
            return None

    def _regimen(self, fact: TableFact) -> str | None:
        """The regimen node of a fact's arm (created with its components), or None when neither a drug nor an
        arm is known.

        Drugs the document names only as prior therapy or in eligibility criteria are left out; a paper's arm
        without a stated regimen is taken to be the document's interventions, and where the document has no
        intervention drug, the arm itself."""
        drugs = sorted({self._drug_node(d) for d in fact.regimen} - self.blocked_drugs)
        arm = fact.arm or ""
        if not drugs and not (arm and (fact.arm_kind or self.document.trial is not None)):
            drugs = self._intervention_drugs()
        if drugs:
            regimen = regimen_id(drugs)
        elif arm:  # a placebo arm, or a trial of no drug (physical activity, a device): the arm is the regimen
            regimen = self._arm_regimen(arm, fact.arm_kind)
        else:
            return None
        if regimen not in self.graph:
            names = sorted(self.graph.nodes[d].get("name") or d for d in drugs)
            self.graph.add_node(regimen, type="Regimen", name=" + ".join(names) or arm, norm=[], components=drugs)
        for drug in drugs:
            self.graph.add_edge(regimen, drug, key=self.document.id, label="HAS_COMPONENT",
                                document=self.document.id)
        self.graph.add_edge(self.doc_node, regimen, key=f"{self.document.id}:{arm}", label="USES_REGIMEN",
                            document=self.document.id, arm=arm,
                            dose=fact.dose if isinstance(fact, IncidenceFact) else None)
        return regimen

    def _arm_regimen(self, arm: str, kind: str | None) -> str:
        """The regimen of an arm that gets no drug: "Regimen:placebo" for a placebo arm, else one of the trial's
        own named by the arm ("Regimen:NCT01174550:anatomic diagnostic test"); its counts reach no drug."""
        if kind == "placebo":
            if "Regimen:placebo" not in self.graph:
                self.graph.add_node("Regimen:placebo", type="Regimen", name="placebo", norm=[], components=[])
            return "Regimen:placebo"
        owner = self.trial or self.document.id
        return f"Regimen:{owner}:{' '.join(arm.lower().split())}"

    def _blocked_drugs(self) -> set[str]:
        """Drug nodes this document names only as prior therapy or in eligibility criteria."""
        contexts: dict[str, set[str | None]] = {}
        for index, entity in enumerate(self.stored.entities):
            if entity.label == "DRUG":
                contexts.setdefault(node_id(entity, self.document.id, index), set()).add(entity.context)
        for fact in self.stored.facts:
            if isinstance(fact, CellMention) and fact.label == "DRUG" and fact.role:
                node = concept_node_id("DRUG", fact.norm, fact.concept or fact.text)
                contexts.setdefault(node, set()).add("prior_therapy")
        return {node for node, found in contexts.items() if found <= BLOCKING_CONTEXTS}

    def _intervention_drugs(self) -> list[str]:
        """Drugs the document gives as its interventions (registry interventions, or the title of a paper)."""
        if self.document.trial is not None:
            return sorted({self._drug_node(drug) for fact in self.stored.facts
                           if isinstance(fact, RegisteredIntervention) for drug in fact.drugs})
        return sorted({
            node_id(e, self.document.id, i) for i, e in enumerate(self.stored.entities)
            if e.label == "DRUG" and e.context is None and not e.negated
            and e.section in _INTERVENTION_SECTIONS
        })

    def _regimen_names(self, regimen: str | None) -> list[str]:
        """The drug names of a regimen; an arm that gets no drug is named as itself ("placebo")."""
        if regimen is None:
            return []
        data = self.graph.nodes[regimen]
        return sorted(self.graph.nodes[d].get("name") or d for d in data["components"]) or [data["name"]]

    def _add_incidence(self, fact: IncidenceFact) -> None:
        if any(warning.startswith("duplicate row") for warning in fact.warnings):
            return  # the same row printed twice in one table counts once
        table = self._table(fact.table)
        if not self.is_event(list(fact.norm), fact.event, fact.concept,
                             registry_results=bool(table and (table.section or "").startswith("results:"))):
            return
        regimen = self._regimen(fact)
        if regimen is None:
            return
        event = self._concept_node("ADVERSE_EVENT", fact.norm, fact.concept or fact.event)
        self.graph.add_edge(
            regimen, event, key=f"{self.document.id}:{fact.table}:{fact.row}:{fact.column}",
            label="HAS_ADVERSE_EVENT", **self._cell_evidence(fact),
            event_text=fact.event, grade=fact.grade, n=fact.n, total=fact.total,
            percent=fact.percent, dose=fact.dose, serious=fact.serious,
            regimen=self._regimen_names(regimen),
        )

    def _add_table_result(self, fact: ResponseFact | OutcomeFact) -> None:
        if isinstance(fact, ResponseFact) and fact.code == "NE":
            return  # "Unavailable", "Not evaluable": patients without an assessment, no endpoint of the trial
        regimen = self._regimen(fact)
        if isinstance(fact, ResponseFact):
            name, value, unit, ci, n, total, code = (response_names().get(fact.code, fact.category), fact.percent, "%",
                                                     None, fact.n, fact.total, fact.code)
        else:
            name, value, unit, n, total, code = fact.endpoint, fact.value, fact.unit, None, None, None
            ci = list(fact.ci) if fact.ci is not None else None
        endpoint = self._endpoint_named(name)
        if self.trial_node and isinstance(fact, OutcomeFact) and fact.outcome_kind:
            # a results table reports a measure of its kind
            self.graph.add_edge(self.trial_node, endpoint, key=f"{self.document.id}:reported:{name}", label="MEASURES",
                                kind=fact.outcome_kind, document=self.document.id, registered=name)
        self.graph.add_edge(
            self.doc_node, endpoint, key=f"{self.document.id}:{fact.table}:{fact.row}:{fact.column}",
            label="HAS_RESULT", **self._cell_evidence(fact), value=value, unit=unit, ci=ci, n=n,
            total=total, text=fact.cell, code=code, regimen=self._regimen_names(regimen),
        )

    def _endpoint_named(self, name: str) -> str:
        """The endpoint node of a mention of `name` in this document, else a node for the name itself."""
        wanted = _squash(name)
        for entity in self.stored.entities:
            if entity.label == "ENDPOINT" and wanted in (_squash(entity.text), _squash(entity.concept or "")):
                return self._mention_node(entity)
        return self._concept_node("ENDPOINT", (), name)


def _squash(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", name.lower())


def _dose_attributes(entity: Mention) -> dict[str, Any]:
    return {"text": entity.text, **{k: v for k, v in (entity.dose or {}).items() if v is not None}}
