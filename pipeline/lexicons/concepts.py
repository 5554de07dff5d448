"""The one normaliser of mentions: a surface form (a text span, a table row label, a registry term) to one
concept with a canonical identifier and name and its cross-references.

- Adverse events are keyed and named by their MedDRA preferred term (`Lexicon.preferred_term`): "rash",
  "Rash", "skin rash" and the lexicon concept "exanthem" are all `MEDDRA:10037844` "Rash"; the identifiers of
  the lexicon concept (MeSH, HPO, DOID...) follow as cross-references.
- Registry adverse-event terms are MedDRA preferred terms already: one is the PT of that name, or a concept
  of its own named as registered, never a synonym of another vocabulary or another PT ("Lobar pneumonia"
  stays "Lobar pneumonia").
- Conditions are keyed by MeSH, then MONDO: the lexicon concept's identifiers with those first.
- `is_generic_event` tells words that name no specific event ("toxicities", "serious adverse events").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from pipeline.lexicons.matcher import Concept, Lexicon
from pipeline.lexicons.meddra import PreferredTerm
from pipeline.lexicons.normalize import fold, term_key
from pipeline.errors import RulesError
from pipeline.resources import model_path, numbered_rules_tsv

GENERIC_EVENT_WORDS = "lexicons/curated/generic_event_words.tsv"
CONDITION_QUALIFIERS = "lexicons/curated/condition_qualifiers.tsv"
# the identifier that keys a concept, by label: the first of these prefixes a mention's identifiers hold
CANONICAL_PREFIXES = {
    "ADVERSE_EVENT": ("MEDDRA",),
    "CONDITION": ("MESH", "MONDO"),
    "DRUG": ("MESH", "DRUGBANK", "UNII"),
}
_WORD = re.compile(r"[^\W\d_][\w'-]*|\d+", re.UNICODE)


@dataclass(frozen=True)
class GenericEventWords:
    """The words of models/lexicons/curated/generic_event_words.tsv (lower case)."""

    heads: frozenset[str]
    qualifiers: frozenset[str]

    @classmethod
    @lru_cache(maxsize=4)
    def load(cls, path: str | Path = GENERIC_EVENT_WORDS) -> "GenericEventWords":
        words = {"head": set(), "qualifier": set()}
        for line, row in numbered_rules_tsv(path, ("word", "kind")):
            if row["kind"] not in words:
                raise RulesError(model_path(path), line,
                                 f"kind {row['kind']!r} of {row['word']!r} is neither head nor qualifier")
            words[row["kind"]].add(row["word"].lower())
        return cls(frozenset(words["head"]), frozenset(words["qualifier"]))

    def __contains__(self, text: str) -> bool:
        words = [word.lower() for word in _WORD.findall(text)]
        if not words or words[-1] not in self.heads:
            return False
        return all(word in self.heads or word in self.qualifiers or word.isdigit() for word in words)


def canonical_id(label: str, curies: Sequence[str]) -> str | None:
    """The identifier that keys a concept of `label` with these identifiers: an adverse event's MedDRA
    preferred term (first, as `event_concept` puts it), a condition's first MeSH, else MONDO, identifier, a
    drug's first MeSH, else DrugBank, else UNII one; else the first of them; None when there is none. So
    "zidovudine" (DRUGBANK:DB00495, UNII:..., MESH:D015215) and "ZDV" (MESH:D015215) are one drug."""
    for prefix in CANONICAL_PREFIXES.get(label, ()):
        found = next((curie for curie in curies if curie.startswith(prefix + ":")), None)
        if found is not None:
            return found
    return curies[0] if curies else None


def event_concept(term: PreferredTerm, crossrefs: Sequence[str] = ()) -> Concept:
    """The adverse-event concept of a MedDRA preferred term, with other identifiers after its own."""
    curies = (term.curie, *(curie for curie in dict.fromkeys(crossrefs) if curie != term.curie))
    return Concept(term.curie, term.name, "ADVERSE_EVENT", curies)


def display_name(name: str) -> str:
    """An event name as MedDRA writes one: first letter upper case; a registry's all-capitals term
    ("PYREXIA") in sentence case."""
    name = " ".join(name.split())
    if len(name) > 4 and name.isupper():
        name = name.lower()
    return name[:1].upper() + name[1:]


def singular(name: str) -> str | None:
    """`name` with its last word made singular ("Mazzotti reactions", "myalgias"), or None when it is not plural."""
    words = name.rstrip().rsplit(" ", 1)
    last = words[-1]
    lower = last.lower()
    if len(last) <= 4 or not lower.endswith("s") or lower.endswith(("ss", "us", "is")):
        return None
    words[-1] = last[:-2] if lower.endswith(("ches", "shes", "xes", "zes", "ses")) else last[:-1]
    return " ".join(words)


def word_bag(name: str) -> str:
    """A name's folded words in alphabetical order: MedDRA's "Dermatitis atopic" is "atopic dermatitis"."""
    return " ".join(sorted(key for word in name.split() if (key := fold(word))))


@dataclass(frozen=True)
class ConditionQualifiers:
    """The stage, extent and course words a condition's name may open with
    (models/lexicons/curated/condition_qualifiers.tsv, or a saved pipeline's copy): `stage` words are never part
    of another disease's name ("metastatic", "relapsed or refractory"); `any` adds those that also open names of
    diseases of their own ("primary biliary cirrhosis", "progressive supranuclear palsy")."""

    stage: frozenset[str]
    any: frozenset[str]

    @classmethod
    @lru_cache(maxsize=4)
    def load(cls, path: str | Path = CONDITION_QUALIFIERS) -> "ConditionQualifiers":
        words: dict[str, set[str]] = {"stage": set(), "name_part": set()}
        for line, row in numbered_rules_tsv(path, ("word", "kind")):
            if row["kind"] not in words:
                raise RulesError(model_path(path), line,
                                 f"kind {row['kind']!r} of {row['word']!r} is neither stage nor name_part")
            words[row["kind"]].add(row["word"].lower())
        return cls(frozenset(words["stage"]), frozenset(words["stage"] | words["name_part"]))


def qualifier_count(words: Sequence[str], qualifiers: frozenset[str]) -> int:
    """How many of a condition name's `words` open it as `qualifiers` (a set of `ConditionQualifiers`), with the
    commas between them, leaving one word at least: 1 of "metastatic renal cell carcinoma", 3 of "relapsed or
    refractory myeloma"."""
    count = 0
    while count < len(words) - 1 and (words[count].lower().strip(",") in qualifiers or words[count] == ","):
        count += 1
    while count and words[count - 1] in (",", "or", "and"):  # "relapsed or" alone qualifies nothing
        count -= 1
    return count


def condition_keys(name: str) -> set[str]:
    """The word bags a condition under study is known by: its name's, and that of its name without the stage,
    extent and course words it starts with (`ConditionQualifiers.any`): "metastatic renal cell carcinoma" is also
    "renal cell carcinoma", so a trial of it does not report that as a harm."""
    words = name.split()
    rest = words[qualifier_count(words, ConditionQualifiers.load().any):]
    return {key for key in (word_bag(name), word_bag(" ".join(rest))) if key}


def unstaged_condition(lexicon: Lexicon, words: Sequence[str], curies: Sequence[str],
                       stage_words: frozenset[str]) -> tuple[int, Concept] | None:
    """The condition a name (its `words`, with identifiers `curies`) is once the stage words it opens with are off
    (`qualifier_count` over `stage_words`): how many words are off and the lexicon disease the rest names, the
    staged name's identifiers after its own, when the staged name has no MeSH identifier ("metastatic renal cell
    carcinoma" is NCIt's pre-coordinated C150595 only, so it is MeSH's renal cell carcinoma D002292, one graph
    node with every other mention of it). None when it opens with no stage word, has a MeSH identifier
    ("refractory anemia", D000753, is a disease of its own) or the rest names no disease."""
    count = qualifier_count(words, stage_words)
    if not count or any(curie.startswith("MESH:") for curie in curies):
        return None
    found = next((found for found in lexicon.lookup(" ".join(words[count:])) if found.label == "DISEASE"), None)
    if found is None:
        return None
    return count, Concept(found.id, found.name, found.label,
                          (*found.curies, *(c for c in curies if c not in found.curies)))


class ConceptNormalizer:
    """Canonical concepts for mentions, over one lexicon (`ConceptNormalizer(load_lexicon())`)."""

    def __init__(self, lexicon: Lexicon, generic: GenericEventWords | None = None) -> None:
        self.lexicon = lexicon
        self.generic = generic or GenericEventWords.load()

    def preferred_term(self, name: str) -> PreferredTerm | None:
        """The MedDRA preferred term `name` names, as written or with its last word singular."""
        found = self.lexicon.preferred_term(name)
        if found is None and (one := singular(name)) is not None:
            found = self.lexicon.preferred_term(one)
        return found

    def adverse_event(self, names: Sequence[str], concept: Concept | None = None,
                      norm: Sequence[str] = ()) -> Concept | None:
        """The canonical concept of an adverse-event mention: the MedDRA preferred term one of `names` (best
        first: the mention, its concept's name) is, else the one the lexicon `concept` is, else `concept` with
        the label ADVERSE_EVENT; None when nothing is known. The identifiers the mention had (`norm`, else the
        concept's) follow as cross-references, but for the MedDRA codes of a concept that is another preferred
        term ("platelet count decreased" matched as the lexicon's thrombocytopenia keeps its MeSH id, which
        BC5CDR-style disease normalisation uses, not PT Thrombocytopenia)."""
        concept_term = self.lexicon.preferred_term_of(concept) if concept is not None else None
        for name in names:
            if name and (term := self.preferred_term(name)) is not None:
                crossrefs = list(norm or (concept.curies if concept else ()))
                if concept_term not in (None, term):  # the lexicon concept is another PT: keep only its other ids
                    crossrefs = [curie for curie in crossrefs if not curie.startswith("MEDDRA:")]
                return event_concept(term, crossrefs)
        if concept is None:
            return None
        if concept_term is not None:
            return event_concept(concept_term, concept.curies)
        return Concept(concept.id, display_name(concept.name), "ADVERSE_EVENT", concept.curies, concept.index)

    def registry_event(self, term: str) -> Concept:
        """A registry results term as a concept of its own: the MedDRA preferred term of that exact name, else the
        lexicon disease whose own name it is in any spelling ("Leukaemia" is "leukemia", MESH:D007938, as in
        text), else the registered name (`MEDDRA_TERM:<folded name>`, no cross-reference). Never the concept it is
        only a synonym of ("Lobar pneumonia" is no "pneumonia")."""
        preferred = self.lexicon.preferred_term(term)
        if preferred is not None and fold(term) in (fold(preferred.name), fold(preferred.ctcae)):
            return event_concept(preferred)
        key = term_key(term, self.lexicon.spelling_rules)
        named = next((concept for concept in self.lexicon.lookup(term) if concept.label == "DISEASE"
                      and term_key(concept.name, self.lexicon.spelling_rules) == key), None)
        if named is not None:
            return Concept(named.id, display_name(named.name), "ADVERSE_EVENT", named.curies, named.index)
        name = display_name(term)
        return Concept(f"MEDDRA_TERM:{fold(name)}", name, "ADVERSE_EVENT", ())


    def concept_of(self, name: str, norm: Sequence[str]) -> Concept | None:
        """The lexicon concept a mention was given (its concept name and identifiers), if it came from one."""
        if not norm:
            return None
        for concept in self.lexicon.lookup(name):
            if tuple(concept.curies) == tuple(norm):
                return concept
        return None

    def named_concept(self, label: str, curies: Sequence[str]) -> Concept | None:
        """The lexicon concept of `label` whose own identifier is the canonical identifier of `curies`, or the
        one concept that holds it; None when several hold it and none is keyed by it (MESH:D000431, ethanol, is
        also a cross-reference of "benzyl alcohol")."""
        key = canonical_id(label, curies)
        lexicon_label = "DISEASE" if label in ("ADVERSE_EVENT", "CONDITION") else label
        found = [concept for concept in self.lexicon.lookup(key) if concept.label == lexicon_label] if key else []
        keyed = [concept for concept in found if canonical_id(label, concept.curies) == key]
        if len(keyed) == 1 or len(found) == 1:
            return (keyed or found)[0]
        return None

    def is_generic_event(self, text: str) -> bool:
        """Whether an event mention names no specific event ("toxicities", "grade 3 or higher AEs")."""
        return text in self.generic
