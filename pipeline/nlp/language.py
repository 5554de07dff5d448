"""The TrialGraph annotation pipeline: a blank English spaCy pipeline with scispaCy's tokenizer
and abbreviation detector, followed by TrialGraph's own components: lexicon matches, then the NER model
trained by `trialgraph train` (models/ner) merged with them, doses, context, the trained choice between
adverse event and condition, adverse events widened over the severity words before them, rule relations and
the trained check on free-text adverse-event relations."""
from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable
from functools import lru_cache

from scispacy.custom_tokenizer import combined_rule_tokenizer
from spacy import util
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Config

import pipeline.nlp.extensions  # noqa: F401  (declares the ._ attributes)
import scispacy.abbreviation  # noqa: F401  (registers the abbreviation_detector factory)
from pipeline.document import Document
from pipeline.lexicons.normalize import TABLE_NUMBER
from pipeline.nlp.components import COMPONENTS, PIPELINE_CONFIG, TRAINED_COMPONENTS, version_of
from pipeline.resources import model_path, read_word_list

__all__ = ["COMPONENTS", "TRAINED_COMPONENTS", "MAX_DOCUMENT_CHARS", "build_nlp", "default_nlp", "pipeline_version",
           "make_doc", "annotate_document", "trialgraph_tokenizer"]

MAX_DOCUMENT_CHARS = 5_000_000


def trialgraph_tokenizer(nlp: Language) -> Tokenizer:
    """scispaCy's tokenizer, also splitting hyphens between words ("trimethoprim-sulfamethoxazole"),
    "-induced", "-related"... off any word before them (models/rules/hyphen_suffixes.txt), so
    "doxorubicin-induced" and "5-FU-induced" yield the drug as a token, and "(ABC)+lamivudine" into
    "(", "ABC", ")", "+", "lamivudine"."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # regex warnings about scispaCy's tokenizer rules
        tokenizer = combined_rule_tokenizer(nlp)
        _add_trialgraph_rules(tokenizer)
    return tokenizer


def _add_trialgraph_rules(tokenizer: Tokenizer) -> None:
    """Adds TrialGraph's infix, prefix and suffix rules in front of scispaCy's, and drops the emoticons of spaCy's
    special cases: in trial prose "):" and ";)" are a bracket and a colon or semicolon ("risk difference (RD): 10.9%",
    where "):" kept the short form's definition from being read)."""
    tokenizer.rules = {text: tokens for text, tokens in tokenizer.rules.items() if not _emoticon(text)}
    # a bracket inside a chemical's name stays in its token: "PGE(2)", "Ca(2+)", "poly(ADP-ribose)",
    # "N(G)-nitro-L-arginine" (the closing bracket was a suffix, so the mention ended at "PGE(2")
    tokenizer.token_match = re.compile(r"[^\W_][\w.,'+-]*\([^\s()]+\)(?:-[^\W_][\w-]*)?").fullmatch
    words = "|".join(sorted(re.escape(w) for w in read_word_list("rules/hyphen_suffixes.txt")))
    split_suffix = rf"(?<=[^\W_])-(?=(?i:{words})\b)"
    # "trimethoprim-sulfamethoxazole", "anti-cocaine", "arthralgia-myalgia", "(PTU)-induced": a hyphen
    # between letters, or after a bracket, separates words that each may name a mention (the lexicon
    # matches across the hyphen token, so "non-small cell lung cancer" is still one term)
    split_word_hyphen = r"(?<=[^\W\d_])-(?=[^\W\d_])|(?<=\w\))-(?=[^\W\d_])"
    # "abacavir (ABC)+lamivudine (3TC)+NNRTI": the bracket and the plus of a regimen are tokens of their own
    # and so are those of "(5-FU)-induced"
    split_regimen_plus = r"(?<=\w\w)\)(?=\+\w)|(?<=\w\))\+(?=\w)|(?<=\w)\)(?=-[^\W\d_])"
    # "lopinavir/ritonavir", "urticaria/angioedema": each word names its own mention
    # and "400/100 mg", "300mg/100mg": each amount of a fixed-dose combination is its drug's own dose
    split_slash = r"(?<=[^\W_])/(?=[^\W\d_])|(?<=[^\W_])/(?=\d)"
    # "scar,7 fibrosis,8": a reference number glued to a word by its comma is no part of the word (SCAR7 is an
    # ataxia); a chemical's locants keep theirs ("2,4-dinitrophenol", "N,N-dimethyl")
    split_citation_comma = r"(?<=[^\W\d_]{2}),(?=\d)"
    # "Table 1Fatty acid profiles", "Figure 4Box and whisker plots": a caption's number glued to its first word
    split_caption_number = r"(?<=^\d)(?=[A-Z][a-z]{2})|(?<=^\d\d)(?=[A-Z][a-z]{2})"
    # a table's cells run together in extracted text: "History of depression5431.32−0.67", "Min, max−12.50"; a
    # number of one or two digits stays in its word ("beta2", "Healon5", "covid19")
    split_table_number = rf"(?<=[a-z]{{3}})(?={TABLE_NUMBER}$)"
    tokenizer.infix_finditer = re.compile(
        f"{split_suffix}|{split_word_hyphen}|{split_regimen_plus}|{split_slash}|{split_citation_comma}|"
        f"{split_caption_number}|{split_table_number}|"
        f"{tokenizer.infix_finditer.__self__.pattern}"
    ).finditer
    # (a prefix is found by `search`: each rule is anchored at the start, as spaCy's own are)
    # and a list's bullet is no part of the item's first word ("•Nocturia" of a table's rows)
    tokenizer.prefix_search = re.compile(
        rf"^\((?=[^()\s]{{2,12}}\)[+-][^\W\d_])|^\((?:[+-]|\+/-|±)\)-(?=[^\W\d_])|^[•◦▪‣]|"
        rf"{tokenizer.prefix_search.__self__.pattern}"
    ).search
    # "digitalis- and ouabain-induced": the hyphen of a shared suffix leaves the word
    tokenizer.suffix_search = re.compile(
        rf"(?<=[^\W\d_]{{3}})-$|{tokenizer.suffix_search.__self__.pattern}"
    ).search


def _emoticon(text: str) -> bool:
    """A special case of punctuation alone with a bracket in it: ":)", "):", "(^_^)"."""
    return len(text) > 1 and any(c in "()[]" for c in text) and not any(c.isalnum() for c in text)


@registry.tokenizers("trialgraph.Tokenizer.v1")
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """The tokenizer of TrialGraph's pipelines (`trialgraph_tokenizer`), named in models/pipeline.cfg."""

    def make(nlp: Language) -> Tokenizer:
        # scispaCy's tokenizer starts from the language's own (its token_match), not yet made at this point
        nlp.tokenizer = registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        return trialgraph_tokenizer(nlp)

    return make


def pipeline_config(components: Iterable[str] = COMPONENTS) -> Config:
    """models/pipeline.cfg with only the given components, in the given order."""
    path = model_path(PIPELINE_CONFIG)
    config = util.load_config(path)
    components = list(components)
    unknown = [name for name in components if name not in config["components"]]
    if unknown:
        raise ValueError(f"{', '.join(unknown)}: not components of {path}; choose from {', '.join(COMPONENTS)}")
    config["nlp"]["pipeline"] = components
    config["components"] = {name: config["components"][name] for name in components}
    return config


def build_nlp(components: Iterable[str] = COMPONENTS) -> Language:
    """A new pipeline with the given components of models/pipeline.cfg, in the given order."""
    nlp = util.load_model_from_config(pipeline_config(components), auto_fill=True, validate=True)
    nlp.max_length = MAX_DOCUMENT_CHARS
    for _, component in nlp.pipeline:  # read every data file now, not in the first document
        if hasattr(component, "ensure_loaded"):
            component.ensure_loaded()
    return nlp


@lru_cache(maxsize=1)
def default_nlp() -> Language:
    """The full pipeline, built once per process (batch workers then freeze it out of the garbage
    collector's reach: `pipeline.process.freeze_long_lived_objects`)."""
    return build_nlp()


def pipeline_version(nlp: Language | None = None) -> str:
    """Identifies the extraction code and data; stored with results so changed pipelines re-process."""
    return version_of((nlp or default_nlp()).pipe_names)


def make_doc(nlp: Language, document: Document) -> Doc:
    """Tokenize a document's text and attach its sections, ready for the pipeline components."""
    doc = nlp.make_doc(document.text)
    doc._.sections = document.sections
    return doc


def annotate_document(nlp: Language, document: Document) -> Doc:
    """Run the pipeline over one document, section-aware."""
    return nlp(make_doc(nlp, document))
