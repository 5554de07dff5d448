"""Statistical DRUG and DISEASE mentions from the NER pipeline trained by `trialgraph train`, combined
with the lexicon matches already in `doc.ents`.

The model runs on the Doc itself (a copy would cost a fifth of its time): for that while, the lexicon
matches are set aside and each token's TAG holds its place in them (`lexicon_tags`: "B-DRUG", "I-DISEASE",
"O"), one of the features the model's embedding reads, as in training, and the Docs' vocabulary lends the
model's static vectors table (spaCy's vectors layer reads the table of the Docs' vocabulary). A model trained
with vectors and packaged without them (models/ner/model) reads them from models/vectors when it loads. Then the two sources are merged:
- a model span equal to a lexicon match keeps the lexicon's label and identifiers;
- a model span overlapping DRUG or DISEASE matches replaces them (the model learned the gold span
  boundaries), unless their label is in `lexicon_wins`; one overlapping any other label (DRUG_CLASS,
  ENDPOINT) gives way;
- a model span is normalized through the lexicon: the whole span's name, else the match inside it
  (the head of "worsening of her psoriasis");
- a DRUG or DISEASE match the model does not overlap is kept if its label is in `keep_lexicon`;
  other lexicon labels are kept;
- a short form the document defines for a model span's long form is that mention wherever it occurs;
- a model span loses the function words at its ends ("acute and" -> "acute"), a bracket opening at its end and the
  letter of a unit at its start ("L uric acid" of "mmol/L uric acid");
- a model DRUG span without identifiers that is one acronym joined by hyphens to others is the whole code
  ("CXDT-HFG"), where no lexicon match or other model span holds the other parts, and no drug where a short form
  defined as something else is one ("SP" of "MPOC-SP");
- a model DISEASE span that is one disease adjective takes in a generic event word after it ("teratogenic
  effects"), its concept span the adjective;
- a model span inside a lab-analyte phrase ("aspartate transaminase") is dropped, as the lexicon does,
  and so are a stop term of the lexicon build ("RECIST", "sleep"), a short form the document defines
  as something else ("mean arterial pressure (MAP)"; its plural "ASHAs" too), as an analyte ("blood
  triglycerides (TG)") or as a term of another label (BP, a drug to the model, of "high blood pressure (BP)"), an
  undefined DRUG acronym that clinical-trial prose defines, never as a drug ("FDR": `Lexicon.non_drug_short_forms`),
  a DRUG span without identifiers that is a numbered label of a series the document numbers ("P03" of P01-P04), a
  DISEASE span that is a gene symbol ("BRCA1") the lexicon does not list as a disease, and one without identifiers
  whose head word ends no disease name and ends unlike them ("downward trend": `Lexicon.disease_head_words`), a
  longer DISEASE span that holds a short form defined as an analyte or an instrument ("changes in TG"), a span without
  identifiers that is a word of capitals a study word follows somewhere in the document ("the NUTRAOLEUM study"), a species
  after its genus ("C. coccoides"), a DISEASE acronym joined by a hyphen to another ("RD" of "RD-ITT") and a
  DISEASE span without identifiers that ends with an instrument word ("Arrowhead agility test").
The context component then turns DISEASE into ADVERSE_EVENT or CONDITION, for both sources alike.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy
import spacy
from spacy.attrs import TAG
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch
from spacy.vectors import Vectors
from spacy.vocab import Vocab
from thinc.api import NumpyOps

from pipeline.document import NCT_ID, REGISTRATION_ID
from pipeline.errors import ModelMissingError, RulesError
from pipeline.lexicons import (GENERIC_EVENT_WORDS, LEXICON_ENTRY, Concept, GenericEventWords, Lexicon, lexicon_files,
                               load_lexicon)
from pipeline.lexicons.normalize import ADJECTIVE_BEFORE_ITS_NOUN, TABLE_NUMBER, fold, last_name_word
from pipeline.lexicons.sources import STOP_TERMS, StopTerms
from pipeline.nlp.abbreviations import (TERM_LABELS, analyte_short_forms, defined_short_forms, definitions,
                                        instrument_short_forms, long_form_labels)
from pipeline.nlp.addresses import PLACES, AddressFinder
from pipeline.nlp.analytes import ANALYTE_LIST, AnalytePhrases
from pipeline.nlp.data_files import DataFilesComponent
from pipeline.nlp.doses import DRUG_QUALIFIER_FILES, RULES_DIR, DrugQualifiers
from pipeline.nlp.extensions import copy_span
from pipeline.nlp.lexicon_ner import (INSTRUMENT_WORDS, INTERVENTION_WORDS, ORGANIZATION_HEADS, PROTEIN_HEADS, acronym,
                                      adjective_before_event_head, in_proper_name, joined_by, names_a_protein,
                                      protein_heads)
from pipeline.nlp.vector_rows import CachedVectorRows
from pipeline.resources import model_path, numbered_rules_tsv, read_word_list

SOURCE = "model"
DEFAULT_MODEL_DIR = "ner/model"
MICROBE_GENERA = "lexicons/curated/microbe_genera.txt"
STUDY_WORDS = "rules/study_words.txt"
PERSON_TITLES = "rules/person_titles.txt"
CONTRIBUTION_VERBS = "rules/contribution_verbs.txt"
DEFAULT_VECTORS_DIR = "vectors"  # the table of `trialgraph train vectors` (a spaCy pipeline folder)
VECTOR_FILES = ("vectors", "key2row", "vectors.cfg")  # a spaCy vocabulary's vectors table, in its vocab/ folder
# model label -> lexicon labels it may replace or take identifiers from
_COMPATIBLE = {"DRUG": ("DRUG", "DRUG_CLASS"), "DISEASE": ("DISEASE",)}
_NAME_LABELS = frozenset(label for labels in _COMPATIBLE.values() for label in labels)
# one word of capitals and digits with a digit in it, after at most one small letter: "BRCA1", "TP53", "p53"
GENE_SYMBOL = re.compile(r"[A-Za-z][A-Z]*\d+[A-Z0-9]*")
_OPENING_BRACKETS = frozenset("([{")
_CLOSING_BRACKETS = frozenset(")]}")
_ANALYTE_LIST_JOINS = frozenset({"and", "or", ",", "/", "and/or"})
_NAME_LIST_JOINS = frozenset({",", "and", "&"})
_ACRONYM_MAX_LETTERS = 5  # a word in capitals this long or shorter may be an acronym ("ALL", "FEVER"; not "BOVINES")
_COMMON_DISEASE_SPAN_ZIPF = 4.5  # "increase" 5.1, "feeling" 5.1, "balance" 4.8; TAC annotates "fatal" 4.1
COMPARISON = re.compile(r"[<>=≤≥]")  # a threshold ("CD4%<20"), never part of a drug's or disease's name
SOFTWARE_VERSION = re.compile(r"[vV]\d+(?:\.\d+)+")  # "Sequencer v4.8"
LONG_NUMBER = re.compile(r"\d{8,}")  # an approval's or a registry's number ("CT20100055"), no drug code's ("LY2811376")
# a numbered label: capitals and a number ("P03", "G2"); a document that numbers at least
# `_SERIES_LENGTH` of one kind ("P01" ... "P04": participants) names no drug by them
NUMBERED_LABEL = re.compile(r"([A-Z]{1,2})(\d{1,3})")
_SERIES_LENGTH = 3
# a model disease span without identifiers names a disease only if its head word (the last, or the one before a
# preposition: "suppression of bone turnover") ends a disease name of the sources (`Lexicon.disease_head_words`)
# or ends as at least `_HEAD_SUFFIX_WORDS` of them do in its last `_HEAD_SUFFIX_LENGTH` letters ("-osis", "-ness";
# so a misspelt "rhabdomyolisis" stays): "downward trend", "increased joint loads" and "falling trend in
# caregiver burden" name none
_HEAD_SUFFIX_LENGTH = 4
_HEAD_SUFFIX_WORDS = 5
_HEAD_PREPOSITIONS = frozenset({"of", "in", "to", "on", "at", "with", "from", "during", "after"})
EFFECT_VERBS = "rules/effect_verbs.tsv"
EFFECT_VERB_FORMS = ("verb", "participle", "determiner")


@dataclass(frozen=True)
class EffectVerbs:
    """The words of models/rules/effect_verbs.tsv that make a phrase a statement of an effect ("reduces DLPFC")."""

    verbs: frozenset[str] = frozenset()
    participles: frozenset[str] = frozenset()
    determiners: frozenset[str] = frozenset()

    @classmethod
    def load(cls, path: str | Path = EFFECT_VERBS) -> "EffectVerbs":
        forms: dict[str, set[str]] = {form: set() for form in EFFECT_VERB_FORMS}
        for line, row in numbered_rules_tsv(path, ("word", "form")):
            if row["form"] not in forms:
                raise RulesError(path, line, f"form {row['form']!r} is none of {list(EFFECT_VERB_FORMS)}")
            forms[row["form"]].add(row["word"].lower())
        return cls(*(frozenset(forms[form]) for form in EFFECT_VERB_FORMS))

    def opens_a_statement(self, words: list[str]) -> bool:
        """Whether lowercased words state an effect: one such word alone ("decreases"), one before a determiner
        ("decreased the stress"), or a verb before anything but a preposition ("inhibit fungal growth")."""
        first = words[0]
        if first not in self.verbs and first not in self.participles:
            return False
        if len(words) == 1 or words[1] in self.determiners:
            return True
        return first in self.verbs and words[1] not in _HEAD_PREPOSITIONS and words[1] not in {"for", "by"}


_AUTHOR_YEAR = re.compile(r"(?:19|20)\d\d[a-z]?")
_TABLE_NUMBER = re.compile(TABLE_NUMBER)  # a table's cells run together: "infection86312.70"
_NUCLEOTIDES = re.compile(r"[ACGTU]{12,}|[acgtu]{12,}")  # a primer's sequence: "AAGCGGCAACCAAATCTATG"
_DATED_WORD = re.compile(r"(?:19|20)\d\d[–-][A-Z][a-z]+|[A-Z][a-z]+[–-](?:19|20)\d\d")  # "2008–March", "May-2010"


def _numbered_series(doc: Doc) -> frozenset[str]:
    """The capitals that at least `_SERIES_LENGTH` different numbers follow in `doc`'s tokens ("P" of "P01",
    "P02", "P03")."""
    numbers: dict[str, set[int]] = {}
    for token in doc:
        if (label := NUMBERED_LABEL.fullmatch(token.text)) is not None:
            numbers.setdefault(label.group(1), set()).add(int(label.group(2)))
    return frozenset(prefix for prefix, seen in numbers.items() if len(seen) >= _SERIES_LENGTH)


def _named_studies(doc: Doc, study_words: frozenset[str]) -> frozenset[str]:
    """The words of two capitals or more that end before a study word somewhere in `doc`, and those of the same kind
    right before them: "NUTRAOLEUM" of "The NUTRAOLEUM study", "SCarlet" and "RoAD" of "the SCarlet RoAD trial"."""
    names: set[str] = set()
    for token in doc[1:]:
        if token.lower_ not in study_words:
            continue
        i = token.i - 1
        while i >= 0 and doc[i].is_alpha and sum(c.isupper() for c in doc[i].text) >= 2:
            names.add(doc[i].text)
            i -= 1
    return frozenset(names)


def _ends_a_unit(doc: Doc, i: int) -> bool:
    """Whether token `i` is one letter glued after a slash that follows a word: the "L" of "mmol/L", "U/L"."""
    return len(doc[i].text) == 1 and doc[i].is_alpha and joined_by(doc, i - 1, "/") and doc[i - 2].is_alpha


def _joins_acronyms(doc: Doc, hyphen: int) -> bool:
    """Whether token `hyphen` is a hyphen between two acronyms of at most `_ACRONYM_MAX_LETTERS` characters, without
    spaces ("RD-ITT", "CXDT-HFG"; not the heading's "POST-PRANDIAL")."""
    return joined_by(doc, hyphen) and all(acronym(word) and len(word) <= _ACRONYM_MAX_LETTERS
                                          for word in (doc[hyphen - 1].text, doc[hyphen + 1].text))


def _glued_to_an_acronym(doc: Doc, i: int) -> bool:
    """Whether token `i`, an acronym, and another acronym are one code joined by a hyphen: "RD" of "RD-ITT"
    (regression discontinuity intention-to-treat), "PD" of "PD-L1"."""
    return _joins_acronyms(doc, i + 1) or _joins_acronyms(doc, i - 1)


def _whole_code(span: Span) -> Span:
    """A DRUG span of one acronym widened to the acronyms that hyphens join it to: "HFG" of the herbal medicine
    "CXDT-HFG", "HAM" of "HAM-RS2" (high-amylose maize resistant starch type 2). Other spans as they are; `_merge`
    widens only a model drug without identifiers that it keeps, into parts that no lexicon match or other model span
    holds ("DXR-CM": doxorubicin cardiomyopathy), and drops one joined to a foreign short form ("MPOC-SP")."""
    if span.label_ != "DRUG" or len(span) != 1 or not _glued_to_an_acronym(span.doc, span.start):
        return span
    start, end = span.start, span.end
    while _joins_acronyms(span.doc, start - 1):
        start -= 2
    while _joins_acronyms(span.doc, end):
        end += 2
    return Span(span.doc, start, end, label=span.label)


_AUTHORS_GROUP = frozenset({"colleagues", "coworkers", "co-workers", "collaborators", "associates"})


def _cited_author(span: Span) -> bool:
    """Whether a capitalized span is an author cited: "et al" or "and colleagues" after it, across the rest of a
    hyphenated or two-word surname ("Garcia-Alonso et al."), ", 2017)" of an author-year citation ("(Zhang, 2017)"),
    or, one word in Title Case inside a sentence, a reference bracket ("the reviews of Li et al. [7] and Cochrane
    [8]")."""
    if not span.text[:1].isupper():
        return False
    words = [t.text for t in span.doc[span.end : span.end + 4]]
    if words[:1] == [","] and len(words) > 2 and _AUTHOR_YEAR.fullmatch(words[1]) and words[2] in (")", ";"):
        return True
    if (len(span) == 1 and span.text.istitle() and not span[0].is_sent_start
            and len(words) >= 3 and words[0] == "[" and words[1].isdigit() and words[2] == "]"):
        return True
    i = 0
    while i < len(words) and i < 2 and (words[i] == "-" or words[i].istitle()):
        i += 1
    if words[i : i + 1] == ["and"] and i + 1 < len(words) and words[i + 1].lower() in _AUTHORS_GROUP:
        return True  # "a study by Garg and colleagues [20]"
    return words[i : i + 1] == ["et"] and i + 1 < len(words) and words[i + 1].lower().startswith("al")


def lexicon_tags(doc: Doc) -> list[str]:
    """Each token's place in the entities of `doc` ("B-DRUG", "I-DISEASE", "O"): the lexicon feature of the
    NER model, computed the same way on training texts (pipeline/train/docbins.py) and here."""
    tags = ["O"] * len(doc)
    for ent in doc.ents:
        tags[ent.start] = f"B-{ent.label_}"
        for i in range(ent.start + 1, ent.end):
            tags[i] = f"I-{ent.label_}"
    return tags


def load_model(model_dir: str | Path | None = None, vectors_dir: str | Path | None = None) -> Language:
    """The trained tok2vec + NER pipeline (default models/ner/model) with its static vectors (`attach_vectors`,
    from `vectors_dir`, default models/vectors), its matrix products on numpy's BLAS (`blas_ops`)."""
    path = model_path(model_dir or DEFAULT_MODEL_DIR)
    if not (path / "config.cfg").exists():
        raise ModelMissingError(
            f"no trained NER pipeline in {path}: run `trialgraph train --corpora DIR` to build it, "
            "or leave 'trialgraph_trained_ner' out of the pipeline"
        )
    model = spacy.load(path)
    attach_vectors(model, path, vectors_dir or DEFAULT_VECTORS_DIR)
    ops = blas_ops()
    for _, component in model.pipeline:
        for layer in component.model.walk():
            layer.ops = ops
    return model


def attach_vectors(model: Language, model_dir: Path, vectors_dir: str | Path = DEFAULT_VECTORS_DIR) -> None:
    """Gives `model`, loaded from `model_dir`, the vectors table it was trained with when the folder does not carry
    it (its meta.json names the table; the table is read from `vectors_dir`, default models/vectors). A model that
    uses no vectors, or that carries its own, is left as it is."""
    meta = Path(model_dir) / "meta.json"
    expected = (json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}).get("vectors") or {}
    if not expected.get("vectors") or model.vocab.vectors.shape[0]:
        return
    folder = model_path(vectors_dir)
    if not all((folder / "vocab" / name).exists() for name in VECTOR_FILES):
        raise ModelMissingError(
            f"the NER model needs the vectors table {expected.get('name')!r}, not found in {folder}: run "
            "`trialgraph train vectors --corpora DIR` then `trialgraph train --corpora DIR`, or restore models/vectors"
        )
    vectors = Vectors(strings=model.vocab.strings).from_disk(folder / "vocab", exclude=("strings",))
    vectors.name = json.loads((folder / "meta.json").read_text(encoding="utf-8"))["vectors"]["name"]
    found = {"name": vectors.name, "vectors": vectors.shape[0], "width": vectors.shape[1], "keys": vectors.n_keys}
    if any(found[key] != expected.get(key) for key in found):
        raise ModelMissingError(
            f"the vectors table in {folder} ({found}) is not the one the NER model was trained with "
            f"({ {key: expected.get(key) for key in found} }): retrain the NER with `trialgraph train --corpora DIR`"
        )
    model.vocab.vectors = vectors


def blas_ops() -> NumpyOps:
    """CPU ops whose matrix products go to numpy's BLAS (OpenBLAS in numpy's wheels) instead of thinc's
    default blis: the model's tok2vec ran twice as fast on the CPU measured (bench/README.md); training
    uses them too (pipeline/train/ner.py), so training and prediction compute alike."""
    return NumpyOps(use_blis=False)


class TrainedRecognizer(DataFilesComponent):
    """Merges the trained model's DRUG/DISEASE spans into `doc.ents` (see the module docstring).

    Without a `model` and `lexicon`, it reads the model in `model_dir` (default models/ner/model, with the vectors
    table of `vectors_dir`, default models/vectors, when it was trained with one and does not carry it), the lexicon in
    `lexicon_dir` (default models/lexicons) and the analyte and stop-term lists when it first runs; `to_disk`
    writes the model and copies the files. Tests and training code hand it a model and a lexicon instead."""

    def __init__(
        self,
        model: Language | None = None,
        lexicon: Lexicon | None = None,
        keep_lexicon: Iterable[str] = ("DRUG", "DISEASE"),
        lexicon_wins: Iterable[str] = (),
        analytes: AnalytePhrases | None = None,
        stop_terms: StopTerms | None = None,
        drug_qualifiers: DrugQualifiers | None = None,
        event_heads: Iterable[str] = (),
        person_titles: Iterable[str] = (),
        instrument_words: Iterable[str] = (),
        contribution_verbs: Iterable[str] = (),
        intervention_words: Iterable[str] = (),
        addresses: AddressFinder | None = None,
        effect_verbs: EffectVerbs | None = None,
        organization_heads: Iterable[str] = (),
        microbe_genera: Iterable[str] = (),
        study_words: Iterable[str] = (),
        *,
        model_dir: str | Path | None = None,
        lexicon_dir: str | None = None,
        vectors_dir: str | Path | None = None,
    ) -> None:
        self.keep_lexicon = frozenset(keep_lexicon)
        self.lexicon_wins = frozenset(lexicon_wins)
        self.model_dir = model_dir or DEFAULT_MODEL_DIR
        self.vectors_dir = vectors_dir or DEFAULT_VECTORS_DIR
        self.model: Language | None = None
        self.labels: list[str] = []
        self._vectors: Vectors | CachedVectorRows | None = None
        self._head_suffixes: frozenset[str] | None = None
        if model is not None and lexicon is not None:
            self._use_model(model)
            self.lexicon = lexicon
            self.analytes = analytes or AnalytePhrases(())
            self.stop_terms = stop_terms or StopTerms(frozenset(), frozenset())
            self.protein_heads: dict[str, frozenset[str]] = {}
            self.drug_qualifiers = drug_qualifiers or DrugQualifiers(frozenset(), 0)
            self.event_heads = frozenset(event_heads)
            self.person_titles, self.instrument_words = frozenset(person_titles), frozenset(instrument_words)
            self.name_heads = frozenset(organization_heads) | self.instrument_words
            self.microbe_genera = frozenset(microbe_genera)
            self.study_words = frozenset(study_words)
            self.contribution_verbs = frozenset(contribution_verbs)
            self.intervention_words = frozenset(intervention_words)
            self.addresses = addresses or AddressFinder({})
            self.effect_verbs = effect_verbs or EffectVerbs()
            self.data_files: dict[str, str] = {}
            self._loaded = True
        else:
            self.data_files = {**lexicon_files(lexicon_dir), "analytes_and_proteins.txt": ANALYTE_LIST,
                               "stop_terms.txt": STOP_TERMS, "protein_heads.tsv": PROTEIN_HEADS,
                               "organization_heads.txt": ORGANIZATION_HEADS,
                               "generic_event_words.tsv": GENERIC_EVENT_WORDS,
                               "person_titles.txt": PERSON_TITLES, "instrument_words.txt": INSTRUMENT_WORDS,
                               "contribution_verbs.txt": CONTRIBUTION_VERBS,
                               "intervention_words.txt": INTERVENTION_WORDS, "places.tsv": PLACES,
                               "microbe_genera.txt": MICROBE_GENERA, "study_words.txt": STUDY_WORDS,
                               "effect_verbs.tsv": EFFECT_VERBS,
                               **{f"rules/{name}": f"{RULES_DIR}/{name}" for name in DRUG_QUALIFIER_FILES}}

    def load_data(self) -> None:
        if self.model is None:
            self._use_model(load_model(self.model_dir, self.vectors_dir))
        self.lexicon = load_lexicon(self.data_path(LEXICON_ENTRY).parent)
        self.analytes = AnalytePhrases.load(self.data_path("analytes_and_proteins.txt"))
        self.stop_terms = StopTerms.load(self.data_path("stop_terms.txt"))
        self.protein_heads = protein_heads(self.data_path("protein_heads.tsv"))
        self.drug_qualifiers = DrugQualifiers.load(self.data_path(f"rules/{DRUG_QUALIFIER_FILES[0]}").parent)
        self.event_heads = GenericEventWords.load(self.data_path("generic_event_words.tsv")).heads
        self.person_titles = read_word_list(self.data_path("person_titles.txt"))
        self.instrument_words = read_word_list(self.data_path("instrument_words.txt"))
        self.name_heads = read_word_list(self.data_path("organization_heads.txt")) | self.instrument_words
        self.contribution_verbs = read_word_list(self.data_path("contribution_verbs.txt"))
        self.intervention_words = read_word_list(self.data_path("intervention_words.txt"))
        self.addresses = AddressFinder.load(self.data_path("places.tsv"))
        self.effect_verbs = EffectVerbs.load(self.data_path("effect_verbs.tsv"))
        self.microbe_genera = read_word_list(self.data_path("microbe_genera.txt"))
        self.study_words = read_word_list(self.data_path("study_words.txt"))

    def _use_model(self, model: Language) -> None:
        self.model = model
        table = model.vocab.vectors
        self._vectors = None if not table.shape[0] else CachedVectorRows(table) if table.mode == "floret" else table
        self.labels = [label for _, component in model.pipeline for label in getattr(component, "labels", ())]

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        self.ensure_loaded()
        super().to_disk(path, exclude=exclude)
        self.model.to_disk(Path(path) / "model")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> TrainedRecognizer:
        self._use_model(load_model(Path(path) / "model"))
        return super().from_disk(path, exclude=exclude)

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        self.ensure_loaded()
        for batch in minibatch(docs, size=batch_size):
            for doc, found in zip(batch, self._predict(batch)):
                yield self._merge(doc, found)

    def _predict(self, docs: list[Doc]) -> list[list[Span]]:
        """The model's spans on each Doc, found on the Doc itself. Its entities are set aside meanwhile (the
        model would take them as fixed) and restored, and the TAGs and tensor it leaves are cleared."""
        lexicon_ents = [doc.ents for doc in docs]
        for label in self.labels:  # the model's labels, known to the Docs' string store
            docs[0].vocab.strings.add(label)
        for doc in docs:
            tags = [doc.vocab.strings.add(tag) for tag in lexicon_tags(doc)]
            doc.from_array([TAG], numpy.array(tags, dtype="uint64").reshape(-1, 1))
            doc.set_ents([], default="missing")
        with self._vectors_lent_to(docs[0].vocab):
            for _, component in self.model.pipeline:
                docs = list(component.pipe(docs, batch_size=len(docs)))
        found = [list(doc.ents) for doc in docs]
        for doc, ents in zip(docs, lexicon_ents):
            doc.ents = ents
            doc.from_array([TAG], numpy.zeros((len(doc), 1), dtype="uint64"))
            doc.tensor = numpy.zeros((0,), dtype="float32")
        return found

    @contextmanager
    def _vectors_lent_to(self, vocab: Vocab) -> Iterator[None]:
        """The model's vectors table (a floret table through its row cache, `CachedVectorRows`) as `vocab`'s for the
        block (the Docs' vocabulary is the pipeline's, not the model's), reading `vocab`'s string store: a floret
        table looks its keys up as strings (Vectors.get_batch), and the Docs' NORMs are in their own store. Both
        are given back after the block."""
        if self._vectors is None:
            yield
            return
        table = self._vectors.table if isinstance(self._vectors, CachedVectorRows) else self._vectors
        own_vectors, table_strings = vocab._vectors, table.strings
        vocab._vectors, table.strings = self._vectors, vocab.strings
        try:
            yield
        finally:
            vocab._vectors, table.strings = own_vectors, table_strings

    def _merge(self, doc: Doc, predicted: list[Span]) -> Doc:
        existing = list(doc.ents)
        owner = {i: ent for ent in existing for i in range(ent.start, ent.end)}
        kept: list[Span] = []
        agreed: set[tuple[int, int]] = set()
        taken: set[int] = set()
        defined_as = long_form_labels(doc, [*existing, *predicted])
        ended_by = long_form_labels(doc, [*existing, *predicted], ending=True)
        defined_here = {short.text for short, _ in definitions(doc)}
        # a short form no long form of which ends with a drug or disease names something else ("mean arterial
        # pressure", "stroke work (SW)")
        foreign = frozenset(short for short in defined_here if not ended_by.get(short, frozenset()) & TERM_LABELS)
        measures = instrument_short_forms(doc, self.instrument_words) | analyte_short_forms(doc, self.analytes.around)
        foreign |= measures
        foreign |= {f"{short}s" for short in foreign if acronym(short)}  # "ASHAs" of "Health Activist (ASHA)"
        foreign |= {short[:-1] for short in foreign if short.endswith("s") and acronym(short[:-1])}  # "TAC" of "(TACs)"
        series = _numbered_series(doc)
        studies = _named_studies(doc, self.study_words)
        address = self.addresses.parts([token.text for token in doc])
        trimmed = filter(None, map(self._without_edge_function_words, predicted))
        spans = [self._with_event_head(span) for span in trimmed]
        widened = {(span.start, span.end) for span, with_head in spans if with_head}
        for found, _ in spans:
            text = found.text
            if (text in self.stop_terms or text in foreign or COMPARISON.search(text)
                    or (found.label_ == "DISEASE" and len(found) > 1  # "changes in TG" of "triglycerides (TG)"
                        and any(token.text in measures for token in found))
                    or self.analytes.around(doc, found.start, found.end) or self._lists_analytes(found)
                    or self._names_something_else(doc, found)
                    or (text in defined_as and not defined_as[text] & set(_COMPATIBLE[found.label_]))
                    or names_a_protein(doc, found.end, found.label_, self.protein_heads)
                    or (found.label_ == "DISEASE"
                        and in_proper_name(doc, found.start, found.end, self.name_heads))):
                continue
            overlapped = {(e.start, e.end): e for i in range(found.start, found.end) if (e := owner.get(i)) is not None}
            if address.places.intersection(range(found.start, found.end)) or (
                    not overlapped and address.firms.issuperset(range(found.start, found.end))):
                continue  # "CA" of "San Diego, CA"; "Alfa Aesar" of "(Alfa Aesar, Ward Hill, MA)"
            if found.label_ == "DISEASE" and (found.start, found.end) not in overlapped and GENE_SYMBOL.fullmatch(text):
                continue  # "BRCA1", "TP53": a gene symbol, unless the lexicon knows it as a disease ("T2DM")
            if (found.start, found.end) in overlapped:
                agreed.add((found.start, found.end))  # the lexicon agrees: its label and identifiers stay
            elif any(e.start <= found.start and found.end <= e.end for e in overlapped.values()):
                continue  # inside a longer match: the lexicon's full name stands ("IL 21", not "IL")
            elif (named := self._qualified_drug(found, list(overlapped.values()))) is not None:
                agreed.add((named.start, named.end))  # "low-dose aspirin": the drug is aspirin, the rest its dose's
            elif all(e.label_ in _COMPATIBLE and e.label_ not in self.lexicon_wins for e in overlapped.values()):
                span = self._model_span(doc, found.start, found.end, found.label_, list(overlapped.values()))
                if found.label_ == "DRUG" and not span._.norm and len(span) == 1 and self._common_word(text):
                    continue  # "curtain", "engine", "canine": a common English word that names no drug
                if found.label_ == "DRUG" and not span._.norm and in_proper_name(doc, found.start, found.end,
                                                                                  self.name_heads):
                    continue  # "Yichang" of "Yichang Humanwell Pharmaceutical Co., Ltd.": a firm's name
                if (found.label_ == "DRUG" and not span._.norm and acronym(text) and text not in defined_here
                        and text in self.lexicon.non_drug_short_forms):
                    continue  # "FDR", "TX": an acronym trial prose defines as no drug, left undefined here
                if (found.label_ == "DRUG" and not span._.norm and len(span) == 1
                        and (label := NUMBERED_LABEL.fullmatch(text)) and label.group(1) in series):
                    continue  # "P03" of participants "P01" ... "P04"
                if not span._.norm and len(span) == 1 and (text in studies or (
                        found.label_ == "DISEASE" and _glued_to_an_acronym(doc, found.start))):
                    continue  # "NUTRAOLEUM" of "the NUTRAOLEUM study"; the disease "RD" of "RD-ITT"
                if found.label_ == "DISEASE" and not span._.norm and len(span) == 1 and self._common_non_disease(span):
                    continue  # "increase", "feeling"; "Palo Alto, California"
                if (found.label_ == "DISEASE" and not span._.norm and found.end < len(doc)
                        and doc[found.end].lower_ in self.intervention_words):
                    continue  # "cognitive behavioural therapy", "occupational therapy": an intervention's name
                if not span._.norm and len(span) == 1 and self._species_epithet(doc, found.start):
                    continue  # "aeruginosa" of "Pseudomonas aeruginosa", "coccoides" of "C. coccoides": a species
                if (found.label_ == "DISEASE" and not span._.norm and len(span) > 1
                        and span[-1].lower_ in self.instrument_words):
                    continue  # "Arrowhead agility test", "fatigue severity score": a measure's name
                if found.label_ == "DISEASE" and not span._.norm and self._cut_before_its_noun(span):
                    continue  # "loss of peritubular" (capillaries), "decrease in anti-fibrotic" (factors)
                if found.label_ == "DISEASE" and not span._.norm and not self._ends_like_a_disease(span):
                    continue  # "downward trend", "increased joint loads", "napkin"
                if (found.label_ == "DISEASE" and not span._.norm
                        and self.effect_verbs.opens_a_statement([token.lower_ for token in span])
                        and not self._names_a_lab_value(span[1:])):
                    continue  # "increases the level of pain", "reduces DLPFC": an effect stated, no disease
                if (found.start, found.end) in widened and span._.concept_span is None:
                    span._.concept_span = (found.start_char, found[0].idx + len(found[0]))  # "teratogenic"
                if found.label_ == "DRUG" and not span._.norm and (code := _whole_code(span)) is not span:
                    parts = [i for i in range(code.start, code.end) if i != found.start]
                    if any(doc[i].text in foreign for i in parts):
                        continue  # "SP" of "MPOC-SP", after "Measure of Processes of Care (MPOC)"
                    others = [other for other, _ in spans if other is not found]
                    if not any(owner.get(i) or any(other.start <= i < other.end for other in others) for i in parts):
                        span = self._model_span(doc, code.start, code.end, found.label_, [])  # "CXDT-HFG"
                kept.append(span)
                taken.update(range(span.start, span.end))
        for ent in existing:
            if taken.intersection(range(ent.start, ent.end)) or (
                    ent.label_ in _NAME_LABELS and address.places.intersection(range(ent.start, ent.end))):
                continue
            if (ent.start, ent.end) in agreed or ent.label_ not in _COMPATIBLE or ent.label_ in self.keep_lexicon:
                kept.append(ent)
        doc.ents = sorted(self._with_short_forms(doc, kept, foreign), key=lambda s: s.start)
        return doc

    def _names_something_else(self, doc: Doc, span: Span) -> bool:
        """Whether a model span, by its characters or the words around it, names no drug or disease: it has no
        letter ("14–16 h"), a degree sign ("stored at −80°C"), a primer's nucleotides ("AAGCGGCAACCAAATCTATG"), a
        trial registration number ("NCT01117285") or another long number ("CT20100055"), a year among its words ("2008–March"), a software version ("v4.8"), an
        ampersand ("Johnson & Johnson", a company) or a bracket without its partner, or it ends inside a hyphenated word
        ("spread of post-"); a person's title is before it ("Dr. Joan Lappe"); it is a cited author
        ("Garcia-Alonso et al.", "(Zhang, 2017)", "the reviews of Li et al. [7] and Cochrane [8]") or part of
        "et al" itself; "standard" follows it ("the gold standard"); or it is one acronym that an instrument word
        follows ("REEDA scale", "the RM group"), or that is a person's initials (`_initials_of_authors`); or MeSH
        names it as a body part or a food ("cranium", "myometrium", "bread": `Lexicon.anatomy_and_food_names`). A
        drug span that is one common English word with no identifier (`Lexicon.common_words`: "curtain", "engine")
        is dropped in `_merge`, once its identifiers are looked up."""
        text = span.text
        if text.lower() in self.lexicon.anatomy_and_food_names:
            return True
        if (not any(c.isalpha() for c in text) or "°" in text or REGISTRATION_ID.search(text) or NCT_ID.search(text)
                or _NUCLEOTIDES.search(text)
                or SOFTWARE_VERSION.fullmatch(text) or LONG_NUMBER.search(text) or "&" in text):
            return True
        if text.endswith("-"):
            return True  # cut inside a compound: "spread of post-" (post-treatment)
        if any(_DATED_WORD.fullmatch(token.text) for token in span) or (
                len(span) > 1 and any(_AUTHOR_YEAR.fullmatch(token.text) for token in span)):
            return True  # a date: "2008–March" of "December 2007 to 2008–March"
        if any(text.count(opening) != text.count(closing) for opening, closing in ("()", "[]")):
            return True  # cut across brackets: "dibenz[a,h]anthracene" read from "h]anthracene", "virus (HBV"
        before = doc[span.start - 1].lower_.rstrip(".") if span.start > 0 else ""
        if (text[:1].isupper() and before in self.person_titles) or (before == "et" and span[0].lower_.startswith("al")):
            return True
        if _cited_author(span):
            return True
        after = [t.text for t in doc[span.end : span.end + 2]]
        if after[:1] == ["standard"]:
            return True
        if len(span) != 1 or not acronym(text) or not after:
            return False
        return after[0].lower() in self.instrument_words or self._initials_of_authors(doc, span.start)

    def _common_word(self, text: str) -> bool:
        """Whether `text`, in lower case, capitalized ("Fatal") or in capitals longer than an acronym
        ("QUESTIONNAIRES"), is one of `Lexicon.common_words` or the plural of one ("bovines")."""
        if not (text.islower() or text[1:].islower() or (text.isupper() and len(text) > _ACRONYM_MAX_LETTERS)):
            return False
        word = text.lower()
        return word in self.lexicon.common_words or (word.endswith("s") and word[:-1] in self.lexicon.common_words)

    def _common_non_disease(self, token_span: Span) -> bool:
        """Whether a one-token disease span names no disease by being a very common English word (Zipf >=
        `_COMMON_DISEASE_SPAN_ZIPF`: "increase", "feeling"; TAC annotates the rarer "fatal") or a common one
        capitalized inside a sentence, a place's or a name's ("Palo Alto, California"); not a MedDRA term or word
        form ("died")."""
        text = token_span.text
        if self.lexicon.preferred_term(text) is not None:
            return False  # a MedDRA term or word form: "died" names Death
        zipf = self.lexicon.common_words.get(text.lower(), 0.0) if self._common_word(text) else 0.0
        if zipf >= _COMMON_DISEASE_SPAN_ZIPF:
            return True
        return zipf > 0.0 and text[0].isupper() and not token_span[0].is_sent_start

    def _ends_like_a_disease(self, span: Span) -> bool:
        """Whether the head word of a model disease span (its last, or the one before its first preposition) may end
        a disease's name: it ends one in the sources or ends as they often do (`_HEAD_SUFFIX_WORDS`), or it is an
        acronym ("GI AEs", "eGFR"), holds a digit ("CIN2"), or the span is a MedDRA word form ("died")."""
        if not self.lexicon.disease_head_words:
            return True  # a lexicon built without head words judges nothing
        head = next((span[i - 1] for i in range(1, len(span)) if span[i].lower_ in _HEAD_PREPOSITIONS), span[-1])
        last = last_name_word(head.text)
        if last is None:
            return True
        if (last in self.lexicon.disease_head_words or any(c.isdigit() for c in last) or acronym(head.text.rstrip("s"))
                or (len(head.text) <= 6 and sum(c.isupper() for c in head.text) >= 2)):  # mixed case: "eGFR"
            return True
        if self._head_suffixes is None:
            counts = Counter(w[-_HEAD_SUFFIX_LENGTH:] for w in self.lexicon.disease_head_words
                             if len(w) > _HEAD_SUFFIX_LENGTH + 1)
            self._head_suffixes = frozenset(suffix for suffix, n in counts.items() if n >= _HEAD_SUFFIX_WORDS)
        if len(last) > _HEAD_SUFFIX_LENGTH + 1 and last[-_HEAD_SUFFIX_LENGTH:] in self._head_suffixes:
            return True
        return self.lexicon.preferred_term(span.text) is not None

    def _species_epithet(self, doc: Doc, i: int) -> bool:
        """Whether token `i`, in lower case, follows a genus: one of `microbe_genera` capitalized ("Pseudomonas
        aeruginosa") or a capital letter and a period ("C. coccoides", "F. prausnitzii")."""
        before = i - 1
        while before >= 0 and doc[before].is_space:  # "C.\ncoccoides": a line end between them
            before -= 1
        if before < 0 or not doc[i].is_lower:
            return False
        genus = doc[before].text
        if genus == "." and before > 0 and not doc[before - 1].whitespace_:
            genus = doc[before - 1].text + "."  # the sentence splitter parts a period that may end a sentence
        return ((genus.istitle() and genus.lower() in self.microbe_genera)
                or (len(genus) == 2 and genus[0].isupper() and genus[1] == "."))

    def _cut_before_its_noun(self, span: Span) -> bool:
        """Whether a span whose head has a preposition after it ends with an adjective whose noun, a lower-case
        word that is no function word, follows it outside the span: "loss of peritubular" of "loss of peritubular
        capillaries" ("reported feeling nauseous while" is whole)."""
        doc = span.doc
        last = span[-1].lower_
        return (any(token.lower_ in _HEAD_PREPOSITIONS for token in span[1:-1])
                and span.end < len(doc) and ADJECTIVE_BEFORE_ITS_NOUN.fullmatch(last) is not None
                and doc[span.end].is_lower and doc[span.end].is_alpha
                and not self.lexicon.is_function_word(doc[span.end].text))

    def _names_a_lab_value(self, span: Span) -> bool:
        """Whether the words are a laboratory value or vital sign whose change MedDRA names ("serum creatinine":
        Blood creatinine increased; "bicarbonate": Blood bicarbonate decreased; "lymphocyte counts", "heart rate")
        or a listed analyte ("eGFR"): "increases serum creatinine" states a harm, as a drug label does."""
        if not len(span):
            return False
        words = [token.text for token in span]
        phrases = (" ".join(words), " ".join(words[1:]))
        names = {name for phrase in phrases for name in (phrase, phrase.removesuffix("s"))}
        names |= {f"blood {name}" for name in names if name}  # MedDRA's name of a blood analyte: "Blood bicarbonate"
        if any(self.lexicon.preferred_term(f"{name} {change}") is not None
               for name in names if name for change in ("increased", "decreased")):
            return True
        return fold(span.text) in self.analytes.keys

    def _initials_of_authors(self, doc: Doc, index: int) -> bool:
        """Whether the acronym at `index` is in the run of acronyms ("GR, KB, TL and SF") that opens its sentence
        and a contribution verb follows ("conducted"): an authors' contributions statement."""
        sentence = doc[index].sent if doc.has_annotation("SENT_START") else doc[:]  # a pipeline without sentences
        i = sentence.start
        while i < sentence.end and (acronym(doc[i].text) or (i > sentence.start and doc[i].lower_ in _NAME_LIST_JOINS)):
            i += 1
        return index < i < sentence.end and doc[i].lower_ in self.contribution_verbs

    def _lists_analytes(self, span: Span) -> bool:
        """Whether `span` is a list of analytes and nothing else: "AST and ALT" (of "liver failure (AST and ALT >
        250 U/L)")."""
        members = [token.i for token in span if token.lower_ not in _ANALYTE_LIST_JOINS]
        return len(members) > 1 and all(self.analytes.around(span.doc, i, i + 1) for i in members)

    def _without_edge_function_words(self, span: Span) -> Span | None:
        """`span` without the function words at its ends ("acute and", "relapse of the"), without a bracket that
        opens at its end or closes at its start ("decrease in prostate-specific antigen ("), without the letter of a
        unit at its start ("L uric acid" of "250 mmol/L uric acid") or a table's number glued to its end
        ("infection86312.70"), and, for a disease, without
        a change's participle after what is no laboratory value ("UTIs decreased"; "Bicarbonate decreased" stays); None
        if nothing is left."""
        start, end = span.start, span.end
        while start < end and (self.lexicon.is_function_word(span.doc[start].text)
                               or span.doc[start].text in _CLOSING_BRACKETS or _ends_a_unit(span.doc, start)):
            start += 1
        while end > start and (self.lexicon.is_function_word(span.doc[end - 1].text)
                               or span.doc[end - 1].text in _OPENING_BRACKETS
                               or (end - 1 > start and _TABLE_NUMBER.fullmatch(span.doc[end - 1].text)
                                   and not span.doc[end - 2].whitespace_)):
            end -= 1
        if (span.label_ == "DISEASE" and end - start > 1 and span.doc[end - 1].lower_ in self.effect_verbs.participles
                and self.lexicon.preferred_term(span.doc[start:end].text) is None
                and not self._names_a_lab_value(span.doc[start:end - 1])):
            end -= 1  # "UTIs decreased with increasing dose": the event is the UTIs; "Heart rate decreased" stays
        if start == end:
            return None
        return span if (start, end) == (span.start, span.end) else Span(span.doc, start, end, label=span.label)

    def _with_event_head(self, span: Span) -> tuple[Span, bool]:
        """A DISEASE span that is one disease adjective before a generic event word ("teratogenic effects",
        "hepatotoxic reactions"; the heads of curated/generic_event_words.tsv) takes that word in, as lexicon
        matches do; the flag says so, and the adjective is then the concept span."""
        if span.label_ == "DISEASE" and adjective_before_event_head(span.doc, span.start, span.end, self.event_heads):
            return Span(span.doc, span.start, span.end + 1, label=span.label), True
        return span, False

    def _with_short_forms(self, doc: Doc, ents: list[Span], foreign: frozenset[str] = frozenset()) -> list[Span]:
        """`ents` plus the short forms defined for a model span ("pregnenolone sulfate (PREGS)"), which take its
        label, identifiers and concept wherever they stand as one token outside a mention of that label, as
        the lexicon's own short forms do; not the `foreign` ones, defined as something else ("blood triglycerides
        (TG)", TG an analyte's short form). A one-token mention of another label there gives way."""
        model_by_end = {e.end: e for e in ents if e._.source == SOURCE}
        defined = {short: long_form for short, long_form in
                   defined_short_forms(doc, model_by_end, whole_mention=True, excluded=self.stop_terms).items()
                   if short not in foreign}
        if not defined:
            return ents
        owner = {i: e for e in ents for i in range(e.start, e.end)}
        replaced: set[tuple[int, int]] = set()
        added = []
        for token in doc:
            long_form = defined.get(token.text)
            if long_form is None or names_a_protein(doc, token.i + 1, long_form.label_, self.protein_heads):
                continue  # "the DMD gene": the short form names the gene there
            current = owner.get(token.i)
            if current is not None:
                if current.label_ == long_form.label_ or len(current) > 1:
                    continue
                replaced.add((current.start, current.end))
            added.append(copy_span(long_form, start=token.i, end=token.i + 1))
        return [e for e in ents if (e.start, e.end) not in replaced] + added

    def _qualified_drug(self, found: Span, overlapped: list[Span]) -> Span | None:
        """The one lexicon drug with identifiers inside the model DRUG span `found` when the rest of `found` is
        route, dose level or dosage form ("subconjunctival 5-fluorouracil", "budesonide spray"), else None."""
        if found.label_ != "DRUG" or len(overlapped) != 1:
            return None
        match = overlapped[0]
        text = found.doc.text
        if (match.label_ == "DRUG" and match._.norm and found.start <= match.start and match.end <= found.end
                and self.drug_qualifiers.cover(text[found.start_char:match.start_char])
                and self.drug_qualifiers.cover(text[match.end_char:found.end_char])):
            return match
        return None

    def _model_span(self, doc: Doc, start: int, end: int, label: str, inside: list[Span]) -> Span:
        """A model span with identifiers from the lexicon: its own name first, else the MeSH id that gold
        annotation gives the name ("nephrotoxicity"), else the last match inside it, which is then the span's
        concept span ("epithelial hyperplasia" is named by "hyperplasia")."""
        span = Span(doc, start, end, label=label)
        concept = self._concept(span.text, label)
        if concept is not None:
            span = Span(doc, start, end, label=concept.label)
            span._.norm, span._.concept = list(concept.curies), concept.name or span.text.lower()
        elif (annotated := self.lexicon.annotated_curie(span.text, label)) is not None:
            span._.norm, span._.concept = [annotated], span.text.lower()
        else:
            heads = [e for e in inside if e.label_ in _COMPATIBLE[label] and e._.norm]
            head = heads[-1] if heads else None
            if head is None:
                span._.norm, span._.concept = [], span.text.lower()
            else:
                span._.norm, span._.concept = list(head._.norm), head._.concept
                span._.concept_span = (head.start_char, head.end_char)
        span._.source = SOURCE
        return span

    def _concept(self, text: str, label: str) -> Concept | None:
        return next((c for c in self.lexicon.lookup(text) if c.label in _COMPATIBLE[label]), None)
