"""Fast dictionary matching of DRUG, DRUG_CLASS, DISEASE and ENDPOINT terms over token sequences."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import srsly

from pipeline.errors import ModelMissingError
from pipeline.lexicons.meddra import SECTION as MEDDRA_SECTION
from pipeline.lexicons.meddra import PreferredTerm
from pipeline.lexicons.normalize import SHORT_KEY_LENGTH, case_form, fold, spelled, spelling_rules, term_key
from pipeline.resources import MODELS_DIR, read_word_list

DEFAULT_DIRECTORY = MODELS_DIR / "lexicons"
LEXICON_FILE = "lexicon.msgpack.gz"
FUNCTION_WORDS_FILE = "curated/function_words.txt"
FORMAT_VERSION = 3  # 3: term keys are spelled (normalize.term_key)
# Tokens without letters or digits that may sit inside a match ("IL - 21", "Crohn ' s", "CDK4 / 6").
JOINERS = frozenset({"-", "‐", "‑", "–", "/", "'", "’"})
_MATH_SIGNS = frozenset("±×=<>≤≥~%:;")  # a short key spelled across one of these is a formula's letters ("M±SD")


@dataclass(frozen=True)
class Concept:
    """A lexicon concept. ``id`` is the best CURIE, or a local id (``LABEL:slug``) when it has none;
    ``curies`` holds only real identifiers, best first (drugs: MESH, DRUGBANK, UNII; diseases: MESH, MONDO,
    DOID, HP, MEDDRA, NCIT, SYMP; a MEDDRA code marks a CTCAE v5.0 term)."""

    id: str
    name: str
    label: str
    curies: tuple[str, ...]
    index: int = field(default=-1, compare=False)  # position in the lexicon; -1 for a concept made elsewhere

    @property
    def meddra(self) -> str | None:
        """The MedDRA code of the CTCAE v5.0 term this concept is, if any."""
        return next((curie for curie in self.curies if curie.startswith("MEDDRA:")), None)


@dataclass(frozen=True)
class Match:
    """Tokens ``start:end`` (end exclusive) name ``concept``; ``alternatives`` are other concepts with the same key."""

    start: int
    end: int
    concept: Concept
    alternatives: tuple[Concept, ...] = ()


_TOKEN_KEY_CACHE = 262_144  # distinct token strings whose keys a lexicon keeps


def _spelled_token_key(token: str, rules: tuple[tuple[str, str], ...]) -> str:
    return spelled(token.lower() if token.isascii() and token.isalnum() else fold(token), rules)


def _case_ok(rule: str | None, form: str) -> bool:
    if rule is None:
        return True
    if rule == "":
        return form == form.lower() or form == form[:1].upper() + form[1:].lower()
    return form == rule


def _spelled_apart(words: Sequence[str], start: int, end: int, key: str) -> bool:
    """Whether the words spell a short key only with its letters set apart: capital letters written as separate words
    ("M SD", a table's "mean, SD", is no MSD; "IL 21", with a digit, still names interleukin-21), small letters and a
    number apart ("ns 2", not significant, is no NS2), or one word with a mathematical sign between them ("M±SD";
    not "Na+")."""
    if len(key) > SHORT_KEY_LENGTH:
        return False
    if end - start > 1 and all(words[i].isalpha() and words[i].isupper() for i in range(start, end)):
        return True
    if end - start > 1 and words[start].isalpha() and words[start].islower() and all(
            words[i].isdigit() for i in range(start + 1, end)):
        return True  # a code in lower case, its number apart: a table's "ns 2" is no NS2
    return any(ch in _MATH_SIGNS for i in range(start, end) for ch in words[i])


def _meet_apart(left: str, right: str) -> bool:
    """Whether two words meet letter to letter in a way no one-word term is written apart: "all I" is no Alli,
    while two words of four letters or more ("still birth", "heart burn") and a capital letter before a word
    ("C max") may be one word written apart."""
    if not (left[-1:].isalpha() and right[:1].isalpha()):
        return False
    return not ((len(left) >= _APART_WORD_LETTERS and len(right) >= _APART_WORD_LETTERS)
                or (len(left) == 1 and left.isupper()))


_APART_WORD_LETTERS = 4


# how a fixed-dose combination's concept name joins its drugs
_COMBINATION_SUFFIX = re.compile(r",?\s+drug combination$", re.I)
_INGREDIENT_JOINS = re.compile(r"\s*/\s*|\s+and\s+|,\s+")


class Lexicon:
    """The built lexicon: ``Lexicon.load()`` then ``match(words, spaces)`` or ``lookup(name)``."""

    def __init__(
        self, concepts: list[list], terms: dict[str, object], prefixes: list[str],
        annotated_names: dict[str, list[list[str]]] | None = None, function_words: frozenset[str] = frozenset(),
        meddra: dict | None = None, prose_short_forms: Iterable[str] = (), anatomy_and_food_names: Iterable[str] = (),
        common_words: Iterable[tuple[str, float]] = (), word_parts: Iterable[str] = (),
        non_drug_short_forms: Iterable[str] = (), disease_head_words: Iterable[str] = (),
        solid_keys: Iterable[str] = (),
    ) -> None:
        self._raw_concepts = concepts
        # the short forms clinical-trial prose defines (sources/corpus_short_forms.tsv.gz), whatever they stand for
        self.prose_short_forms = frozenset(prose_short_forms)
        # those of them the prose defines at least 3 times and never as a drug ("FDR", "PBS"; not "PTU")
        self.non_drug_short_forms = frozenset(non_drug_short_forms)
        # lowercased MeSH names of body parts and foods (sources/mesh_anatomy_and_food.tsv.gz): "cranium", "bread"
        self.anatomy_and_food_names = frozenset(anatomy_and_food_names)
        # lowercase common English words that name no MeSH drug or disease, with their wordfreq Zipf frequency:
        # "curtain" 3.9, "plan" 5.3
        self.common_words: dict[str, float] = {word: zipf for word, zipf in common_words}
        self._function_words = function_words
        # word parts noisy text writes apart ("hyper stimulation"; curated/word_parts.txt)
        self.word_parts = frozenset(word_parts)
        # the lowercased last words of the sources' disease names, MedDRA's terms and the gold training mentions
        # ("pain", "injury"; build.disease_head_words)
        self.disease_head_words = frozenset(disease_head_words)
        self._terms = terms
        self._prefixes = frozenset(prefixes)
        # keys every text of which is one word ("alli", orlistat's brand): never read from two words ("all I")
        self._solid_keys = frozenset(solid_keys)
        self._annotated_names = annotated_names or {}
        self._concepts: dict[int, Concept] = {}
        self._curie_index: dict[str, list[int]] | None = None
        meddra = meddra or {"terms": [], "keys": {}, "concepts": []}
        self._preferred_terms = [PreferredTerm(*row) for row in meddra["terms"]]
        self._preferred_term_keys: dict[str, int] = meddra["keys"]
        self._concept_preferred_terms: list[int] = meddra["concepts"]
        # the spellings the keys were made with (older lexicons: the shipped list); tokens are spelled alike
        self.spelling_rules = (tuple(tuple(rule) for rule in meddra["spelling_rules"]) if "spelling_rules" in meddra
                               else spelling_rules())
        self._token_keys: dict[str, str] = {}  # token -> key, cleared when it holds _TOKEN_KEY_CACHE tokens

    @classmethod
    def load(cls, directory: Path | str = DEFAULT_DIRECTORY) -> "Lexicon":
        """Read ``lexicon.msgpack.gz`` from ``directory`` (built by ``python -m pipeline.lexicons.build``)."""
        path = Path(directory) / LEXICON_FILE
        if not path.exists():
            raise ModelMissingError(f"{path} is missing: run `python -m pipeline.lexicons.build` to create it")
        with gzip.open(path, "rb") as handle:
            data = srsly.msgpack_loads(handle.read(), use_list=True)
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"{path} has format {data.get('version')}, expected {FORMAT_VERSION}: rebuild it")
        function_words = Path(directory) / FUNCTION_WORDS_FILE  # a lexicon built elsewhere may come without it
        return cls(data["concepts"], data["terms"], data["prefixes"], data.get("annotated_names"),
                   read_word_list(function_words) if function_words.exists() else frozenset(), data.get(MEDDRA_SECTION),
                   data.get("prose_short_forms", ()), data.get("anatomy_and_food_names", ()),
                   data.get("common_words", ()), data.get("word_parts", ()), data.get("non_drug_short_forms", ()),
                   data.get("disease_head_words", ()), data.get("solid_keys", ()))

    def __len__(self) -> int:
        return len(self._raw_concepts)

    def _token_key(self, token: str) -> str:
        key = self._token_keys.get(token)
        if key is None:
            if len(self._token_keys) >= _TOKEN_KEY_CACHE:
                self._token_keys.clear()
            key = self._token_keys[token] = _spelled_token_key(token, self.spelling_rules)
        return key

    def concept(self, index: int) -> Concept:
        """The concept stored at ``index``."""
        concept = self._concepts.get(index)
        if concept is None:
            concept_id, label, name, curies = self._raw_concepts[index]
            concept = self._concepts[index] = Concept(concept_id, name, label, tuple(curies), index)
        return concept

    def _resolve(self, value: object, words: Sequence[str], start: int, end: int) -> list[int]:
        if isinstance(value, int):
            return [value]
        form = "".join(case_form(word) for word in words[start:end])
        return self._own_name_first([index for index, rule in value if _case_ok(rule, form)],
                                    "".join(self._token_key(word) for word in words[start:end]))

    def _own_name_first(self, indexes: list[int], key: str) -> list[int]:
        """`indexes` with the concepts whose own name the matched words are first: "stillbirth" is the concept
        named stillbirth before one that lists it as a synonym ("pregnancy disorder with abortive outcome")."""
        return sorted(indexes, key=lambda index: term_key(self._raw_concepts[index][2], self.spelling_rules) != key)

    def match(self, words: Sequence[str], spaces: Sequence[bool] | None = None) -> list[Match]:
        """Longest non-overlapping matches, left to right, on token indices. A match of several tokens neither
        begins nor ends with a function word ("the in" is not the caffeine synonym "thein").

        ``spaces`` (spaCy's ``whitespace_`` flags) is accepted for the token API; keys ignore spacing,
        so "IL-21", "IL 21" and "IL21" match alike.
        """
        terms, prefixes = self._terms, self._prefixes
        keys = [self._token_key(word) for word in words]
        function = [self.is_function_word(word) for word in words]
        matches: list[Match] = []
        count = len(words)
        start = 0
        while start < count:
            if not keys[start]:
                start += 1
                continue
            best_end, best = 0, None
            key = ""
            end = start
            glued = False  # the last piece is a word part the next piece may join ("hyper stimulation")
            while end < count:
                piece = keys[end]
                end += 1
                if not piece:
                    if words[end - 1] in JOINERS:
                        continue
                    break
                key += piece
                value = terms.get(key)
                if value is not None and not ((end - start > 1 and (function[start] or function[end - 1]))
                                              or _spelled_apart(words, start, end, key)
                                              or (end - start > 1 and key in self._solid_keys
                                                  and self._read_apart(words, start, end))):
                    found = self._resolve(value, words, start, end)
                    if found:
                        best_end, best = end, found
                if key in prefixes:
                    glued = False
                elif not glued and end < count and self._may_join_next(words, end):
                    glued = True
                else:
                    break
            if best is None:
                start += 1
                continue
            matches.append(Match(start, best_end, self.concept(best[0]),
                                 tuple(self.concept(index) for index in best[1:])))
            start = best_end
        return matches

    def _read_apart(self, words: Sequence[str], start: int, end: int) -> bool:
        """Whether two of the words `start`..`end` meet letter to letter with no joiner or word part between
        them ("all I"), as no one-word term is written."""
        return any(_meet_apart(words[i - 1], words[i]) and not self._may_join_next(words, i)
                   for i in range(start + 1, end))

    def _may_join_next(self, words: Sequence[str], end: int) -> bool:
        """Whether the word before `end` and the next may be one word of a term written apart: a word part
        such as "hyper" ("ovarian hyper stimulation syndrome") or a hyphen between them ("thrombo-embolism")."""
        return words[end] in JOINERS or words[end - 1].lower() in self.word_parts

    def is_function_word(self, word: str) -> bool:
        """Whether ``word`` is one of ``curated/function_words.txt`` ("the", "in", "and"), in lower case unless capitals."""
        return (word if word.isupper() else word.lower()) in self._function_words

    def lookup(self, name: str) -> list[Concept]:
        """Concepts named by a user's query: a name, synonym, abbreviation or CURIE ("MESH:D000077157")."""
        query = name.strip()
        prefix, colon, local = query.partition(":")
        if colon and prefix.isalpha() and local and " " not in query:
            indexes = self._curies().get(f"{prefix.upper()}:{local}", [])
            if not indexes:
                indexes = self._curies().get(f"{prefix.upper()}:{local.upper()}", [])
            if indexes:
                return [self.concept(index) for index in dict.fromkeys(indexes)]
        key = term_key(query, self.spelling_rules)
        value = self._terms.get(key)
        if value is None:
            return []
        if isinstance(value, int):
            return [self.concept(value)]
        form = case_form(query)
        ordered = sorted(value, key=lambda entry: not _case_ok(entry[1], form))
        indexes = list(dict.fromkeys(index for index, _ in ordered))
        fitting = [index for index, rule in ordered if _case_ok(rule, form)]
        first = self._own_name_first(list(dict.fromkeys(fitting)), key)
        return [self.concept(index) for index in dict.fromkeys([*first, *indexes])]

    def ingredients(self, concept: Concept) -> list[Concept]:
        """The drugs a fixed-dose combination's name joins ("trimethoprim/sulfamethoxazole", "lamivudine and
        zidovudine", MeSH's "Trimethoprim, Sulfamethoxazole Drug Combination"), when each is a DRUG concept of its
        own; the name may be that of another concept with the same identifiers ("co-trimoxazole"). None for any
        other concept."""
        if concept.label != "DRUG":
            return []
        same = [self.concept(i) for curie in concept.curies for i in self._curies().get(curie, [])]
        for named in dict.fromkeys([concept, *same]):
            parts = [part.strip() for part in _INGREDIENT_JOINS.split(_COMBINATION_SUFFIX.sub("", named.name))]
            own = set(concept.curies)
            drugs = [next((c for c in self.lookup(part) if c.label == "DRUG" and not set(c.curies) & own), None)
                     for part in parts] if len(parts) > 1 else []
            if drugs and all(drugs):
                return drugs
        return []

    def preferred_term(self, name: str) -> PreferredTerm | None:
        """The MedDRA preferred term that `name` is, or is a lowest level or CTCAE v5.0 term of (spelling- and
        case-insensitive: "Fever", "pyrexia", "ALT increased"), else None."""
        position = self._preferred_term_keys.get(term_key(name, self.spelling_rules))
        return None if position is None else self._preferred_terms[position]

    def preferred_term_of(self, concept: Concept) -> PreferredTerm | None:
        """The MedDRA preferred term a lexicon DISEASE concept is (models/lexicons/README.md), else None."""
        if not 0 <= concept.index < len(self._concept_preferred_terms):
            return None
        position = self._concept_preferred_terms[concept.index]
        return None if position < 0 else self._preferred_terms[position]

    def annotated_curie(self, name: str, label: str) -> str | None:
        """The MeSH CURIE that gold annotation (BC5CDR training mentions) gives a DRUG or DISEASE name that no
        lexicon term covers; these names are looked up only, never matched in text."""
        return next((curie for entry_label, curie in self._annotated_names.get(fold(name), ()) if entry_label == label),
                    None)

    def _curies(self) -> dict[str, list[int]]:
        if self._curie_index is None:
            index: dict[str, list[int]] = {}
            for position, (_, _, _, curies) in enumerate(self._raw_concepts):
                for curie in curies:
                    index.setdefault(curie, []).append(position)
            for position, (concept_id, *_rest) in enumerate(self._raw_concepts):
                index.setdefault(concept_id, []).append(position)
            self._curie_index = index
        return self._curie_index
