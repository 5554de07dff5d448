"""Adverse-event and condition mentions take their canonical concept (pipeline/lexicons/concepts.py), the
same one table row labels and registry terms take: an adverse event its MedDRA preferred term ("skin rash",
"exanthem" -> MEDDRA:10037844 "Rash"); a condition that is a MedDRA term too gets that term as a
cross-reference; a drug known only by an identifier ("ZDV") takes the name of the lexicon drug that has
it ("zidovudine"). An adverse event reported as a longer phrase is also looked up by the name inside it
(`Span._.concept_span`: "severe neutropenia" by "neutropenia"). Runs last, once adverse event and condition
are told apart; the identifiers the mention had before stay as cross-references. A condition named with its
stage ("metastatic renal cell carcinoma") that has no MeSH heading of its own is the condition without it,
its concept span that name (`unstaged_condition`), and a short form it defines ("mRCC") is that condition too."""
from __future__ import annotations

from spacy.tokens import Doc, Span

from pipeline.lexicons import LEXICON_ENTRY, lexicon_files, load_normalizer
from pipeline.lexicons.concepts import CONDITION_QUALIFIERS, GENERIC_EVENT_WORDS, ConditionQualifiers, unstaged_condition
from pipeline.lexicons.matcher import Concept
from pipeline.nlp.abbreviations import defined_short_forms
from pipeline.nlp.data_files import DataFilesComponent


class ConceptLinker(DataFilesComponent):
    """Sets `Span._.norm` and `Span._.concept` of ADVERSE_EVENT and CONDITION mentions to their canonical concept,
    by the normaliser over the lexicon in `lexicon_dir` (default models/lexicons) and the generic event words."""

    def __init__(self, lexicon_dir: str | None = None) -> None:
        self.data_files = {**lexicon_files(lexicon_dir), "generic_event_words.tsv": GENERIC_EVENT_WORDS,
                           "condition_qualifiers.tsv": CONDITION_QUALIFIERS}

    def load_data(self) -> None:
        self.normalizer = load_normalizer(self.data_path(LEXICON_ENTRY).parent,
                                          self.data_path("generic_event_words.tsv"))
        self.stage_words = ConditionQualifiers.load(self.data_path("condition_qualifiers.tsv")).stage

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        for ent in doc.ents:
            if ent.label_ not in ("ADVERSE_EVENT", "CONDITION", "DRUG"):
                continue
            norm = list(ent._.norm or [])
            concept = self.normalizer.concept_of(ent._.concept or "", norm)
            if ent.label_ == "DRUG":
                if concept is None and norm and (named := self.normalizer.named_concept("DRUG", norm)) is not None:
                    ent._.concept = named.name  # "ZDV" (MESH:D015215, from gold annotation) is zidovudine
            elif ent.label_ == "ADVERSE_EVENT":
                name = doc.text[slice(*ent._.concept_span)] if ent._.concept_span else ""
                found = self.normalizer.adverse_event([ent.text, name, ent._.concept or ""], concept, norm)
                if found is not None:
                    ent._.norm, ent._.concept = list(found.curies), found.name
            else:
                concept = self._unstage(ent) or concept
                if concept is not None and (term := self.normalizer.lexicon.preferred_term_of(concept)) is not None:
                    # a condition that is also a MedDRA term ("Dermatitis atopic") carries it as a cross-reference,
                    # so an adverse event of that term is known to be the condition
                    norm = list(ent._.norm or [])
                    ent._.norm = [*norm, term.curie] if term.curie not in norm else norm
        _short_forms_follow_long_forms(doc)
        return doc

    def _unstage(self, ent: Span) -> Concept | None:
        """A condition named with its stage ("metastatic renal cell carcinoma") as the condition without it
        (`unstaged_condition`): sets the mention's concept span, identifiers and concept name to that condition's."""
        doc = ent.doc
        named = (doc.char_span(*ent._.concept_span) if ent._.concept_span else None) or ent
        unstaged = unstaged_condition(self.normalizer.lexicon, [token.text for token in named], ent._.norm or (),
                                      self.stage_words)
        if unstaged is None:
            return None
        count, found = unstaged
        ent._.concept_span = (doc[named.start + count].idx, named.end_char)
        ent._.norm, ent._.concept = list(found.curies), found.name
        return found


def _short_forms_follow_long_forms(doc: Doc) -> None:
    """Each adverse event or condition that is a short form the document defines takes the identifiers and concept
    its long form's mention ended with: "metastatic renal cell carcinoma (mRCC)" is renal cell carcinoma once
    unstaged, and so is every "mRCC" after it, one concept and one graph node."""
    by_end = {ent.end: ent for ent in doc.ents if ent.label_ in ("ADVERSE_EVENT", "CONDITION")}
    if not by_end:
        return
    long_forms = defined_short_forms(doc, by_end)
    for ent in doc.ents:
        found = long_forms.get(ent.text)
        if found is not None and found is not ent and found.label_ == ent.label_ and found._.norm:
            ent._.norm, ent._.concept = list(found._.norm), found._.concept
