"""The adverse-event vocabulary: MedDRA preferred terms (PTs), the terms that name each one, and the PT each
DISEASE concept of the lexicon is.

Built into ``lexicon.msgpack.gz`` (section ``meddra``) by ``python -m pipeline.lexicons.build`` from
``sources/meddra_tac2017.tsv.gz`` (the PTs and lowest level terms of TAC 2017 ADR's MedDRA normalizations) and
``sources/ctcae_v5.csv.gz`` (CTCAE v5.0 terms, each a MedDRA term with its code):

- a PT is named by MedDRA ("Pyrexia", "Diarrhoea", "Alanine aminotransferase increased"); a lowest level term
  ("Fever", "Diarrhea", "ALT increased") and a CTCAE term name it too;
- a CTCAE term whose code is a known lowest level term belongs to that term's PT (CTCAE "Fever", 10016558, is
  PT Pyrexia); one whose code or name is a known PT is that PT; any other is taken to be a PT of its own;
- a curated word form (``curated/meddra_word_forms.tsv``: "died", "fatal") names its PT (Death);
- keys are ``term_key`` (folded, British spellings made American), so "Anaemia" and "anemia" meet;
- a DISEASE concept is the PT its own name names; else the one PT its MedDRA codes give; else the one PT all
  its terms name; else, when the concept is a MeSH heading, the one PT of the concepts that cite that heading
  ("hand-foot syndrome", MESH:D060831, is the PT of "palmar-plantar erythrodysesthesia", which cites
  MESH:D060831). A concept whose MeSH id is only a cross-reference is not mapped through it, and one whose
  terms name several PTs and whose name names none stays unmapped (reported in ``build_report.json`` with
  examples): two different PTs are never merged.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pipeline.lexicons.normalize import spelling_rules, term_key
from pipeline.lexicons.sources import CtcaeTerm, MeddraTerm

SECTION = "meddra"


@dataclass(frozen=True)
class PreferredTerm:
    """A MedDRA preferred term: its code, MedDRA name, CTCAE v5.0 system organ class and term where CTCAE has one."""

    code: str
    name: str
    soc: str = ""
    ctcae: str = ""

    @property
    def curie(self) -> str:
        return f"MEDDRA:{self.code}"


@dataclass
class Vocabulary:
    """The PTs, their term keys and the PT of every code (PT, lowest level term or CTCAE term)."""

    terms: list[PreferredTerm]
    keys: dict[str, int]
    codes: dict[str, int]
    collisions: list[str]


def build_vocabulary(tac: list[MeddraTerm], ctcae: list[CtcaeTerm],
                     word_forms: list[tuple[str, str]] = ()) -> Vocabulary:
    """The PTs of TAC 2017's normalizations and of CTCAE v5.0, in code order; each (word, PT name) of
    `word_forms` (curated/meddra_word_forms.tsv: "died", Death) names that PT too (ValueError for an unknown PT)."""
    pt_names = {term.pt_code: term.pt_name for term in tac}
    llt_pt = {term.code: term.pt_code for term in tac}
    names_by_key = {term_key(term.name): term.pt_code for term in tac}
    ctcae_of: dict[str, CtcaeTerm] = {}
    for term in ctcae:
        if "other, specify" in term.term.lower():
            continue
        pt = llt_pt.get(term.meddra_code) or names_by_key.get(term_key(term.term)) or term.meddra_code
        pt_names.setdefault(pt, term.term)
        ctcae_of.setdefault(pt, term)
    codes_sorted = sorted(pt_names, key=int)
    index = {code: position for position, code in enumerate(codes_sorted)}
    terms = [PreferredTerm(code, pt_names[code], ctcae_of[code].soc if code in ctcae_of else "",
                           ctcae_of[code].term if code in ctcae_of else "") for code in codes_sorted]
    keys: dict[str, int] = {}
    collisions: list[str] = []

    def add(name: str, pt: str) -> None:
        key = term_key(name)
        if key in keys and keys[key] != index[pt]:
            collisions.append(f"{name} ({pt}, kept {terms[keys[key]].code})")
            return
        keys[key] = index[pt]

    for term in terms:  # a PT's own name first: it wins over another PT's lower-level term
        add(term.name, term.code)
    for term in ctcae_of.values():
        add(term.term, llt_pt.get(term.meddra_code) or names_by_key.get(term_key(term.term)) or term.meddra_code)
    for term in tac:
        add(term.name, term.pt_code)
    pt_by_name = {term_key(term.name): term.code for term in terms}
    for word, pt_name in word_forms:
        if term_key(pt_name) not in pt_by_name:
            raise ValueError(f"meddra_word_forms.tsv: {word!r} names {pt_name!r}, which is no preferred term of the "
                             "vocabulary; use a PT name of sources/meddra_tac2017.tsv.gz or CTCAE")
        add(word, pt_by_name[term_key(pt_name)])
    codes = {code: index[pt] for code, pt in llt_pt.items()}
    codes.update({term.code: position for position, term in enumerate(terms)})
    for term in ctcae_of.values():
        codes.setdefault(term.meddra_code, index[llt_pt.get(term.meddra_code) or names_by_key.get(
            term_key(term.term)) or term.meddra_code])
    return Vocabulary(terms, keys, codes, collisions)


def concept_terms(lexicon: dict, vocabulary: Vocabulary) -> tuple[list[int], dict[str, int], dict[str, list[str]]]:
    """The PT index of every concept of the assembled lexicon (-1: none), with counts and examples for the report."""
    keys_of: dict[int, list[str]] = defaultdict(list)
    for key, value in lexicon["terms"].items():
        for concept_index in ([value] if isinstance(value, int) else [entry[0] for entry in value]):
            keys_of[concept_index].append(key)
    mapped = [-1] * len(lexicon["concepts"])
    counts = {"by_name": 0, "by_meddra_code": 0, "by_terms": 0, "by_mesh": 0, "ambiguous": 0, "none": 0}
    examples: dict[str, list[str]] = defaultdict(list)
    without_candidates: list[int] = []
    for position, (_, label, name, curies) in enumerate(lexicon["concepts"]):
        if label != "DISEASE":
            continue
        by_name = vocabulary.keys.get(term_key(name))
        by_code = {vocabulary.codes[c.split(":", 1)[1]] for c in curies
                   if c.startswith("MEDDRA:") and c.split(":", 1)[1] in vocabulary.codes}
        by_terms = {vocabulary.keys[k] for key in keys_of[position] if (k := term_key(key)) in vocabulary.keys}
        if by_name is not None:
            mapped[position], way = by_name, "by_name"
        elif len(by_code) == 1:
            mapped[position], way = next(iter(by_code)), "by_meddra_code"
        elif len(by_terms) == 1:
            mapped[position], way = next(iter(by_terms)), "by_terms"
        elif by_code or by_terms:
            way = "ambiguous"
            if len(examples[way]) < 25:
                names = sorted(vocabulary.terms[i].name for i in by_code | by_terms)
                examples[way].append(f"{name}: {' / '.join(names)}")
        else:
            way = "none"
            without_candidates.append(position)
        counts[way] += 1
    by_mesh: dict[str, set[int]] = defaultdict(set)
    for position, (_, label, _, curies) in enumerate(lexicon["concepts"]):
        if label == "DISEASE" and mapped[position] >= 0:
            for mesh in (curie for curie in curies if curie.startswith("MESH:")):
                by_mesh[mesh].add(mapped[position])
    for position in without_candidates:
        mesh = _own_mesh(lexicon["concepts"][position][3])
        if mesh and len(by_mesh.get(mesh, ())) == 1:
            mapped[position] = next(iter(by_mesh[mesh]))
            counts["by_mesh"] += 1
            counts["none"] -= 1
    return mapped, counts, dict(examples)


def _own_mesh(curies: list[str]) -> str | None:
    """The concept's MeSH id when it is the concept's identity (its first CURIE), not a cross-reference.

    Cross-references from HPO, MONDO or NCIt often name a broader or a neighbouring MeSH heading (HPO's
    "Acute hepatitis" cites "Liver Failure, Acute"), so mapping through them would merge different events.
    """
    return curies[0] if curies and curies[0].startswith("MESH:") else None


def serialize(vocabulary: Vocabulary, concept_pts: list[int]) -> dict:
    """The ``meddra`` section of ``lexicon.msgpack.gz``."""
    return {
        "terms": [[t.code, t.name, t.soc, t.ctcae] for t in vocabulary.terms],
        "keys": dict(sorted(vocabulary.keys.items())),
        "concepts": concept_pts,
        "spelling_rules": [list(rule) for rule in spelling_rules()],  # the keys' spellings, for lookups
    }
