"""Lexicon-based recognition: DRUG, DRUG_CLASS, DISEASE and ENDPOINT mentions with identifiers.

Abbreviations defined in the document ("metastatic renal cell carcinoma (mRCC)", found by scispaCy's
abbreviation detector, or a match followed by a parenthesized acronym) take the concept of their long
form wherever the short form appears; one whose long form names no drug or disease ("mean arterial
pressure (MAP)") matches nothing in that document. A match that is part of a lab-analyte phrase ("alanine" in
"alanine aminotransferase") is dropped: analytes are neither drugs nor diseases. So is a drug match
that only modifies the word it is hyphenated to ("insulin-like", "calcium-activated"), unless that
word is a suffix of models/rules/hyphen_suffixes.txt ("doxorubicin-induced") or a match itself
("trimethoprim-sulfamethoxazole").
"""
from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from pipeline.errors import RulesError
from pipeline.lexicons import (GENERIC_EVENT_WORDS, LEXICON_ENTRY, Concept, GenericEventWords, Lexicon, lexicon_files,
                               load_lexicon)
from pipeline.lexicons.normalize import DISEASE_ADJECTIVE, fold
from pipeline.lexicons.sources import STOP_TERMS, StopTerms
from pipeline.nlp.abbreviations import definitions, foreign_short_forms, parenthesized_short_form, spells_start
from pipeline.nlp.analytes import ANALYTE_LIST, AnalytePhrases
from pipeline.nlp.data_files import DataFilesComponent
from pipeline.nlp.sentences import words_and_spaces
from pipeline.resources import numbered_rules_tsv, read_word_list

SOURCE = "lexicon"
_INFECTIOUS_AGENTS = frozenset({"virus", "viruses"})  # a long form ending so names an infection
PATTERN_CONCEPT = Concept(id="", name="", label="DISEASE", curies=())
EVENT_PATTERNS = "rules/adverse_event_patterns.json"
HYPHEN_SUFFIXES = "rules/hyphen_suffixes.txt"
MEASURE_WORDS = "rules/measure_words.txt"
INTERVENTION_WORDS = "rules/intervention_words.txt"
DRUG_HARM_WORDS = "rules/drug_harm_words.tsv"
PROTEIN_HEADS = "rules/protein_heads.tsv"
ORGANIZATION_HEADS = "rules/organization_heads.txt"
INSTRUMENT_WORDS = "rules/instrument_words.txt"
SALT_CATIONS = "rules/salt_cations.txt"
CONTEXT_CHEMICALS = "rules/context_chemicals.tsv"
SALT_WORDS = "lexicons/curated/salt_words.txt"
_ANION = re.compile(r"[a-z]{2,}(?:ate|ite|ide)s?|salts?")  # after a cation: "stearate", "chloride", "nitrite", "salts"
_NAME_LINKS = frozenset({"of", "for", "and", "in", "on", "the", "&", ","})  # lowercase inside a Title Case name
_NAME_JOINERS = frozenset({"'s", "’s", "-"})  # inside a Title Case name: "Parkinson's Disease Rating Scale"
_ACRONYM_MAX = 5  # letters of the longest acronym a heading's word in capitals is told apart from
_HEADING_WORD_ZIPF = 5.0  # "plan" 5.3, "all" 6.5; "hiv" 4.2, "ms" 4.7, "aids" 4.3 are acronyms
_SENTENCE_WORD_ZIPF = 4.0  # "corn" 4.2, "mass" 4.9
_NAME_REACH = 10  # words back from a disease name to the head that opens its organization's name
_HEAD_REACH = 4  # words on from a disease name to the head that ends its name: "Depression Rating Scale"
_LONG_FORM_WORDS = 6  # words before an undefined bracketed acronym read as its possible long form
# a drug acronym the document matches ("TMC114/RTV") names that drug written in lower case too ("TMC114/rtv"), in a
# word of at least `_LOWER_ACRONYM_LETTERS` letters rarer than `_LOWER_ACRONYM_ZIPF` in English ("rtv" 2.2; "amp" 3.8)
_LOWER_ACRONYM_LETTERS = 3
_LOWER_ACRONYM_ZIPF = 2.5
_SHORT_FORM_OF_WORDS_LETTERS = 6  # "Ang II" 5; "Group PR" 7


def _short_form_of_words(short: str) -> bool:
    """Whether a short form is written as words, each with a capital letter or a digit, that fold to a short key:
    "Ang II", not "Group PR", "formerly rapamycin" or "during 5-FU infusion"."""
    words = short.split()
    return (len(words) > 1 and len(fold(short)) <= _SHORT_FORM_OF_WORDS_LETTERS
            and all(any(ch.isupper() or ch.isdigit() for ch in word) for word in words))


def joined_by(doc: Doc, i: int, mark: str = "-") -> bool:
    """Whether token `i` is `mark` written between two tokens without a space: the hyphens of "SARS-CoV-2" and
    "I-CVI", the slash of "mmol/L"."""
    return 0 < i < len(doc) - 1 and doc[i].text == mark and not doc[i - 1].whitespace_ and not doc[i].whitespace_


def _part_of_a_longer_short_form(doc: Doc, start: int, end: int) -> bool:
    """Whether a one-word match is the end of a short form that a capital letter and a hyphen open, with no space
    between them, and that the lexicon does not know whole: "CVI" of "I-CVI" (item-level content validity index) is
    no cortical visual impairment. "T-ALL" and "B-CLL" are terms, matched whole before this is asked."""
    if end - start != 1 or not joined_by(doc, start - 1):
        return False
    letter = doc[start - 2]
    return (acronym(doc[start].text) and len(letter.text) == 1 and letter.text.isupper()
            and (start < 3 or doc[start - 3].whitespace_ or not doc[start - 3].is_alpha))


class LexiconRecognizer(DataFilesComponent):
    """Adds lexicon matches to `doc.ents` (existing entities win over overlapping matches)."""

    def __init__(self, lexicon_dir: str | None = None) -> None:
        self.data_files = {**lexicon_files(lexicon_dir), "analytes_and_proteins.txt": ANALYTE_LIST,
                           "hyphen_suffixes.txt": HYPHEN_SUFFIXES, "stop_terms.txt": STOP_TERMS,
                           "measure_words.txt": MEASURE_WORDS, "intervention_words.txt": INTERVENTION_WORDS,
                           "drug_harm_words.tsv": DRUG_HARM_WORDS,
                           "protein_heads.tsv": PROTEIN_HEADS, "organization_heads.txt": ORGANIZATION_HEADS,
                           "instrument_words.txt": INSTRUMENT_WORDS, "salt_cations.txt": SALT_CATIONS,
                           "salt_words.txt": SALT_WORDS,
                           "context_chemicals.tsv": CONTEXT_CHEMICALS,
                           "adverse_event_patterns.json": EVENT_PATTERNS,
                           "generic_event_words.tsv": GENERIC_EVENT_WORDS}

    def load_data(self) -> None:
        self.lexicon = load_lexicon(self.data_path(LEXICON_ENTRY).parent)
        self.analytes = AnalytePhrases.load(self.data_path("analytes_and_proteins.txt"))
        self.suffixes = read_word_list(self.data_path("hyphen_suffixes.txt"))  # the tokenizer splits these off too
        self.stop_terms = StopTerms.load(self.data_path("stop_terms.txt"))
        self.measure_or_intervention_words = (read_word_list(self.data_path("measure_words.txt"))
                                              | read_word_list(self.data_path("intervention_words.txt")))
        self.harm_words = drug_harm_concepts(self.lexicon, self.data_path("drug_harm_words.tsv"))
        self.protein_heads = protein_heads(self.data_path("protein_heads.tsv"))
        self.name_heads = (read_word_list(self.data_path("organization_heads.txt"))
                           | read_word_list(self.data_path("instrument_words.txt")))
        self.salt_cations = read_word_list(self.data_path("salt_cations.txt"))
        self.salt_words = read_word_list(self.data_path("salt_words.txt"))
        self.context_chemicals = context_chemicals(self.data_path("context_chemicals.tsv"))
        self.event_heads = GenericEventWords.load(self.data_path("generic_event_words.tsv")).heads
        self.patterns: EventPatterns | None = None  # built on the first Doc, when the vocab is known

    def _common_word_in_capitals(self, words: Sequence[str], start: int, end: int, concept: Concept) -> bool:
        """Whether the one-word match `start`..`end` of a drug or disease named otherwise is a very common English
        word (Zipf >= `_HEADING_WORD_ZIPF`) written in capitals within two words of a longer word in capitals, a
        heading's words: "ANALGESIA PLAN" (PLAN is PLA2G6-associated neurodegeneration written so), "ALL PATIENTS" (ALL is
        the leukaemia), "PLAN FOR STATISTICAL ANALYSIS" (the longer word within two words). "HIV RNA", "MS PATIENTS"
        and "FEVER" stay."""
        word = words[start]
        if (end - start != 1 or concept.label not in ("DRUG", "DISEASE") or not acronym(word)
                or self.lexicon.common_words.get(word.lower(), 0.0) < _HEADING_WORD_ZIPF
                or fold(concept.name) == fold(word)):
            return False
        near = _capitals_words(words, start - 1, -1) + _capitals_words(words, end, 1)
        return any(len(other) > _ACRONYM_MAX for other in near)

    def _common_word_opening_a_sentence(self, doc: Doc, start: int, end: int) -> bool:
        """Whether a one-word match that the lexicon knows in capitals only (MedDRA's "Corn", "Mass") is a common
        English word (Zipf >= `_SENTENCE_WORD_ZIPF`) capitalized because it opens a sentence of prose, a lower-case
        word after it: "Corn is considered a staple". A table's row ("Mass 2 (3%)") keeps it."""
        token = doc[start]
        if (end - start != 1 or not token.is_sent_start or not token.is_title or end >= len(doc)
                or not doc[end].is_lower or not doc[end].is_alpha):
            return False
        return (self.lexicon.common_words.get(token.lower_, 0.0) >= _SENTENCE_WORD_ZIPF
                and not self.lexicon.match([token.lower_]))

    def _event_patterns(self, doc: Doc) -> EventPatterns:
        if self.patterns is None:
            data = json.loads(self.data_path("adverse_event_patterns.json").read_text(encoding="utf-8"))
            self.patterns = EventPatterns(doc.vocab, data["patterns"])
        return self.patterns

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        words, spaces = words_and_spaces(doc)
        found: dict[tuple[int, int], Concept] = {
            (m.start, m.end): m.concept
            for m in self.lexicon.match(words, spaces)
            if not self.analytes.around(words, m.start, m.end, mention_alone=False)
            and not names_a_protein(words, m.end, m.concept.label, self.protein_heads)
            and not self._common_word_in_capitals(words, m.start, m.end, m.concept)
            and not (m.concept.label == "DISEASE" and in_proper_name(words, m.start, m.end, self.name_heads))
            and not self._common_word_opening_a_sentence(doc, m.start, m.end)
            and not _part_of_a_longer_short_form(doc, m.start, m.end)
        }
        found.update(self._salts(words))
        for span, concept in self._salt_forms(words, found).items():
            found.setdefault(span, concept)
        found.update(self._chemicals_in_context(words, found))
        found.update(self._drug_harms(words, found))
        found, widened = self._with_event_heads(words, found)
        short_forms, other_things = self._abbreviations(doc, words, found)
        found.update(short_forms)
        found.update(_drug_acronyms_in_lower_case(words, found))
        defined = self.lexicon.prose_short_forms
        found = {span: c for span, c in found.items()
                 if not (c.label == "DISEASE" and listed_with_unknown_acronyms(words, *span, found, defined))}
        found = self._without_compound_modifiers(doc, found)
        foreign = foreign_short_forms(doc, found)
        not_diseases = foreign | other_things
        if not_diseases:
            found = {(start, end): c for (start, end), c in found.items()
                     if doc[start:end].text not in (not_diseases if c.label == "DISEASE" else foreign)}
        for start, end in self._event_patterns(doc).matches(doc, words):
            found.setdefault((start, end), PATTERN_CONCEPT)
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        spans = list(doc.ents)
        for (start, end), concept in sorted(found.items(), key=lambda item: (item[0][0] - item[0][1], item[0][0])):
            if any(i in taken for i in range(start, end)):
                continue  # longest first: a shorter overlapping match gives way
            span = Span(doc, start, end, label=concept.label)
            span._.norm = list(concept.curies) if concept is not PATTERN_CONCEPT else self._annotated_ids(span.text)
            span._.concept = concept.name or span.text.lower()
            span._.source = SOURCE
            if (start, end) in widened:  # "psychiatric events": the concept is named by "psychiatric"
                span._.concept_span = (doc[start].idx, doc[start].idx + len(doc[start]))
            spans.append(span)
            taken.update(range(start, end))
        doc.ents = sorted(spans, key=lambda s: s.start)
        return doc

    def _drug_harms(self, words: list[str], found: dict[tuple[int, int], Concept]) -> dict[tuple[int, int], Concept]:
        """A drug-harm word right after a DRUG match that no match covers ("colchicine intoxication"): a disease
        mention of its concept (models/rules/drug_harm_words.tsv)."""
        covered = {i for start, end in found for i in range(start, end)}
        harms = {}
        for (start, end), concept in found.items():
            concept_of_word = self.harm_words.get(words[end].lower()) if end < len(words) else None
            if concept.label == "DRUG" and concept_of_word is not None and end not in covered:
                harms[(end, end + 1)] = concept_of_word
        return harms

    def _with_event_heads(self, words: list[str], found: dict[tuple[int, int], Concept]
                          ) -> tuple[dict[tuple[int, int], Concept], set[tuple[int, int]]]:
        """A disease named by one adjective before a generic event word ("psychiatric events", "thromboembolic
        complications"; the heads of curated/generic_event_words.tsv) is one mention with that word, of the
        adjective's concept; also returns the widened mentions, whose concept span is the adjective."""
        kept, widened = {}, set()
        for (start, end), concept in found.items():
            if (concept.label == "DISEASE" and adjective_before_event_head(words, start, end, self.event_heads)
                    and (start, end + 1) not in found):
                end += 1
                widened.add((start, end))
            kept[(start, end)] = concept
        return kept, widened

    def _chemicals_in_context(self, words: list[str], found: dict[tuple[int, int], Concept]
                              ) -> dict[tuple[int, int], Concept]:
        """A word that names a chemical only in context ("lead" in "blood lead level", "lead-induced"; models/rules/
        context_chemicals.tsv), where that context stands and no match covers the word."""
        covered = {i for start, end in found for i in range(start, end)}
        chemicals = {}
        for i, word in enumerate(words):
            entry = self.context_chemicals.get(word.lower())
            if entry is None or i in covered:
                continue
            before = words[i - 1].lower() if i else ""
            after = words[i + 1].lower() if i + 1 < len(words) else ""
            if after == "-" and i + 2 < len(words):
                after = "-" + words[i + 2].lower()
            if before in entry.before or after in entry.after:
                chemicals[(i, i + 1)] = entry.concept
        return chemicals

    def _salts(self, words: list[str]) -> dict[tuple[int, int], Concept]:
        """A cation and an anion word ("calcium stearate", "chromic phosphate", "calcium salts";
        models/rules/salt_cations.txt): one DRUG mention of the salt, the lexicon's concept when it knows the name,
        else a concept of its own, never the metal's or the anion's."""
        salts = {}
        for i in range(len(words) - 1):
            anion = words[i + 1]
            if words[i].lower() in self.salt_cations and len(anion) >= 5 and _ANION.fullmatch(anion):
                text = f"{words[i]} {anion}"
                known = next((c for c in self.lexicon.lookup(text) if c.label == "DRUG"), None)
                salts[(i, i + 2)] = known or Concept(id="", name=text.lower(), label="DRUG",
                                                     curies=tuple(filter(None, [self._annotated_drug_id(text)])))
        return salts

    def _salt_forms(self, words: list[str], found: dict[tuple[int, int], Concept]) -> dict[tuple[int, int], Concept]:
        """A drug match and the salt words right after it ("doxorubicin HCl", "warfarin sodium";
        models/lexicons/curated/salt_words.txt): one DRUG mention of the drug's concept. "HCl" after a drug is its
        salt, not hairy cell leukemia."""
        widened = {}
        for (start, end), concept in found.items():
            stop = end
            while concept.label == "DRUG" and stop < len(words) and words[stop].lower() in self.salt_words:
                stop += 1
            if stop > end:
                widened[(start, stop)] = concept
        return widened

    def _annotated_drug_id(self, text: str) -> str | None:
        return self.lexicon.annotated_curie(text, "DRUG")

    def _annotated_ids(self, text: str) -> list[str]:
        """A pattern match's identifiers: the MeSH id gold annotation gives its name ("nephrotoxicity"), if any."""
        curie = self.lexicon.annotated_curie(text, "DISEASE")
        return [curie] if curie else []

    def _without_compound_modifiers(self, doc: Doc, found: dict[tuple[int, int], Concept]) -> dict[tuple[int, int], Concept]:
        """Drops DRUG matches glued by a hyphen to a following word that is neither a listed suffix nor a match,
        disease acronyms glued so to a word with a capital letter: "SARS" of "SARS-CoV-2" (the virus) is no severe
        acute respiratory syndrome ("HIV-1" and "HIV-positive" stay), and disease matches ending in the first word of
        a compound of a word, a function word and a word ("short face" of "short face-to-face consultations")."""
        starts = {start for start, _ in found}
        kept = {}
        for (start, end), concept in found.items():
            glued = joined_by(doc, end)
            after = doc[end + 1] if glued else None
            if concept.label == "DRUG" and glued and end + 1 not in starts and after.lower_ not in self.suffixes:
                continue
            if (concept.label == "DISEASE" and glued and end + 1 not in starts and end - start == 1
                    and acronym(doc[start].text) and after.text[:1].isalpha()
                    and any(ch.isupper() for ch in after.text)):
                continue
            if (concept.label == "DISEASE" and glued and end + 2 < len(doc) and not after.whitespace_
                    and doc[end + 2].text == "-" and self.lexicon.is_function_word(after.text)):
                continue
            kept[(start, end)] = concept
        return kept

    def _abbreviations(
        self, doc: Doc, words: list[str], found: dict[tuple[int, int], Concept]
    ) -> tuple[dict[tuple[int, int], Concept], frozenset[str]]:
        """The occurrences of the short forms that name a match, and the short forms defined as a measure or
        another thing than the match their long form ends with.

        Short forms defined in the document take the concept of the match that ends their long form, everywhere
        they occur but before a word that makes them a gene's or protein's name ("the DMD gene"):
        "levodopa-induced dyskinesias (LID)" are dyskinesias, "retinopathy of prematurity (ROP)" is one. Not when the long form is a measure of the match ("duration of catatonia
        (DOC)": a word of models/rules/measure_words.txt outside the matches), or an intervention for it
        ("Community Occupational Therapy in Dementia (COTiD)": intervention_words.txt), nor, for a short form that is a
        stop term ("RECIST", "PD"), when the match covers less than half of it:
        "Parkinson's disease (PD)" is a disease, "Response Evaluation Criteria in Solid Tumors (RECIST)" no
        tumour. A match that holds more than the long form counts if it is a drug ("sodium 2-mercaptoethane
        sulphonate (MESNA)"), starts with the short form's letter ("syndrome of inappropriate secretion of
        antidiuretic hormone (SIADH)") or holds a lexicon name as the long form ("aneurysmal subarachnoid
        hemorrhage (SAH)"), but not "elevated intraocular pressure (IOP)". An acronym in brackets after a match
        that scispaCy left undefined takes the match's concept ("abacavir (ABC)", "ammonium acetate (NH4Ac)"), and so
        does one before a dose in its brackets ("diethylnitrosamine (DEN: 10 mg/kg/day)").
        A long form that no match ends defines another thing too ("reactive oxygen species (ROS)", "fear-potentiated
        startle (FPS)"), unless it names a virus, whose short form names its infection ("human immunodeficiency
        virus (HIV)"). A short form defined as a measure or another thing is no disease anywhere in the document, even one the
        lexicon lists as a disease ("duration of catatonia (DOC)", "intraocular pressure (IOP)"); a drug's long
        form is a chemical name that the lexicon often matches in part only ("sodium 2-mercaptoethane sulphonate
        (MESNA)"), so a short form the lexicon lists as a drug stays one. A disease acronym in brackets after words that
        no match ends, and that scispaCy left undefined, is the document's own short form for another thing, unless those
        words end with a disease or a virus: "patients who accepted phase II (IIP)" never names idiopathic interstitial
        pneumonia, "community (CHC)" no hepatitis, but "antihuman immunodeficiency virus (HIV)" names HIV."""
        by_end = {end: (start, concept) for (start, end), concept in found.items()}
        defined: dict[str, Concept] = {}
        detected: set[str] = set()
        other_things: set[str] = set()
        matched = {i for start, end in found for i in range(start, end)}
        for short, long_form in definitions(doc):
            detected.add(short.text)
            if any(i not in matched and doc[i].lower_ in self.measure_or_intervention_words
                   for i in range(long_form.start, long_form.end)):
                other_things.add(short.text)  # "duration of catatonia (DOC)", "direct antiglobulin test (DAT)"
                continue
            match = by_end.get(long_form.end)
            if match is None:
                if not self._ends_with_disease(words[long_form.start:long_form.end]):
                    other_things.add(short.text)  # "reactive oxygen species (ROS)", "fear-potentiated startle (FPS)"
                continue
            if match[0] >= long_form.start:
                names = short.text not in self.stop_terms or 2 * (long_form.end - match[0]) >= len(long_form)
            else:  # the match holds more than the long form
                names = (match[1].label == "DRUG" or spells_start(short.text, words[match[0]:match[0] + 1])
                         or self._is_name(words[long_form.start:long_form.end]))
                if not names:
                    other_things.add(short.text)  # "elevated intraocular pressure (IOP)"
            if names:
                defined[short.text] = match[1]
        for (start, end), concept in found.items():
            short = parenthesized_short_form(words, end, start)
            if short is not None and short not in detected and short not in self.stop_terms:
                defined[short] = concept
        match_ends = {end for _, end in found}
        for (start, end), concept in found.items():
            if (concept.label == "DISEASE" and end == start + 1 and 0 < start and end < len(words)
                    and words[start - 1] == "(" and words[end].startswith(")") and start - 1 not in match_ends
                    and acronym(words[start]) and words[start] not in detected
                    and not self._ends_with_disease(words[max(0, start - 1 - _LONG_FORM_WORDS):start - 1])):
                other_things.add(words[start])  # "phase II (IIP)", "community (CHC)": the document's own short form
        # a short form of two words is found as written and written together, in any case: "Ang II", "AngII" and
        # "ANGII" of "angiotensin II (Ang II)"; not what scispaCy reads as one from longer words ("formerly rapamycin")
        apart = {short: concept for short, concept in defined.items() if _short_form_of_words(short)}
        by_key = {fold(short): concept for short, concept in apart.items()}
        occurrences = {}
        for i, word in enumerate(words if defined else ()):
            concept = defined.get(word)
            if concept is None and word[-1:] == "s" and word[:-1] in defined and acronym(word[:-1]):
                concept = defined[word[:-1]]  # "UTIs" of "urinary tract infection (UTI)"
            if concept is None and by_key and any(ch.isupper() for ch in word):
                concept = by_key.get(fold(word))
            if concept is not None and not names_a_protein(words, i + 1, concept.label, self.protein_heads):
                occurrences[(i, i + 1)] = concept
        for short in getattr(doc._, "abbreviations", None) or []:  # "Ang II", two words, where scispaCy found it
            concept = apart.get(short.text)
            if concept is not None and len(short) > 1 and not names_a_protein(words, short.end, concept.label,
                                                                             self.protein_heads):
                occurrences[(short.start, short.end)] = concept
        return occurrences, frozenset(other_things - defined.keys())

    def _ends_with_disease(self, words: list[str]) -> bool:
        """Whether the words, read alone, end with a disease name ("retinopathy of prematurity" inside the longer
        "proliferative retinopathy" match) or with a virus, which names its infection ("human immunodeficiency virus")."""
        if words and words[-1].lower() in _INFECTIOUS_AGENTS:
            return True
        return any(m.end == len(words) and m.concept.label == "DISEASE" for m in self.lexicon.match(words))

    def _is_name(self, words: list[str]) -> bool:
        """Whether the words are one lexicon name, whole."""
        matches = self.lexicon.match(words)
        return len(matches) == 1 and (matches[0].start, matches[0].end) == (0, len(words))


def _drug_acronyms_in_lower_case(words: Sequence[str], found: dict[tuple[int, int], Concept]
                                 ) -> dict[tuple[int, int], Concept]:
    """The words that write a drug acronym matched in the document in lower case ("rtv" where "RTV" is ritonavir),
    outside the matches and not an English word (wordfreq, `_LOWER_ACRONYM_ZIPF`)."""
    acronyms = {words[start]: concept for (start, end), concept in found.items()
                if end - start == 1 and concept.label == "DRUG" and acronym(words[start]) and words[start].isalpha()
                and len(words[start]) >= _LOWER_ACRONYM_LETTERS}
    if not acronyms:
        return {}
    taken = {i for start, end in found for i in range(start, end)}
    candidates = [i for i, word in enumerate(words)
                  if i not in taken and word.islower() and word.upper() in acronyms]
    if not candidates:
        return {}
    from wordfreq import zipf_frequency  # read only when a document writes one of its drug acronyms in lower case

    return {(i, i + 1): acronyms[words[i].upper()] for i in candidates
            if zipf_frequency(words[i], "en") < _LOWER_ACRONYM_ZIPF}


def protein_heads(path: str | Path) -> dict[str, frozenset[str]]:
    """models/rules/protein_heads.tsv as word -> the labels of the names it makes part of a protein's name; a label
    other than DRUG or DISEASE is an error naming its line."""
    heads = {}
    for number, row in numbered_rules_tsv(path, ("word", "labels")):
        labels = frozenset(row["labels"].split())
        if not labels or labels - {"DRUG", "DISEASE"}:
            raise RulesError(path, number, f"labels {row['labels']!r}: give DRUG, DISEASE or both, space-separated")
        heads[row["word"].lower()] = labels
    return heads


def adjective_before_event_head(words: Sequence[str] | Doc, start: int, end: int, heads: frozenset[str]) -> bool:
    """Whether the words `start`..`end` (token texts, or a Doc) are one disease adjective and a generic event word
    (`heads`, of curated/generic_event_words.tsv) follows it: "psychiatric events", "teratogenic effects"."""
    return (end == start + 1 and end < len(words) and DISEASE_ADJECTIVE.fullmatch(str(words[start]).lower()) is not None
            and str(words[end]).lower() in heads)


def names_a_protein(words: Sequence[str] | Doc, end: int, label: str, heads: dict[str, frozenset[str]]) -> bool:
    """Whether the word after a `label` mention ending at `end` (of token texts, or a Doc) makes it part of a
    protein's, gene's or pathway's name ("serotonin transporter", "MAP kinase"; models/rules/protein_heads.tsv)."""
    return end < len(words) and label in heads.get(str(words[end]).lower(), ())


_LIST_JOINS = frozenset({",", ";", "/", "and", "or"})


def _capitals_words(words: Sequence[str], i: int, step: int, count: int = 2) -> list[str]:
    """Up to `count` words in capitals from `i` on in the direction of `step` (+1 or -1), past tokens of punctuation or
    space, until a word not in capitals: "PLAN FOR STATISTICAL ANALYSIS" gives FOR and STATISTICAL after PLAN."""
    found: list[str] = []
    while 0 <= i < len(words) and len(found) < count:
        word = str(words[i])
        if word.isalpha() and word.isupper():
            found.append(word)
        elif any(ch.isalnum() for ch in word):
            break
        i += step
    return found


def listed_with_unknown_acronyms(words: Sequence[str] | Doc, start: int, end: int,
                                 known: Collection[tuple[int, int]], prose_short_forms: frozenset[str]) -> bool:
    """Whether the words `start`..`end` (token texts, or a Doc) are one acronym in a list of acronyms most of
    which, and at least two, are unknown: no `known` match covers them and clinical-trial prose never defines
    them (`prose_short_forms`: `Lexicon.prose_short_forms`). Such a list names other things: "ISI Web of
    Science (SCI, SSCI, AHCI)" lists databases, not spinal cord injury; "HIV, HBV or HCV" keeps HIV."""
    if end != start + 1 or not acronym(str(words[start])):
        return False
    members = [start]
    for step in (-2, 2):
        i = start + step
        while 0 <= i < len(words) and str(words[i - step // 2]) in _LIST_JOINS and acronym(str(words[i])):
            members.append(i)
            i += step
    if len(members) < 2:
        return False  # no list: the matches are not walked for each lone acronym
    covered = {i for first, last in known for i in range(first, last)}
    unknown = sum(i not in covered and str(words[i]) not in prose_short_forms for i in members)
    return unknown >= 2 and 2 * unknown > len(members)


def acronym(word: str) -> bool:
    """Whether `word` is written as an acronym: two or more letters and digits, the letters capitals ("DSMC")."""
    return len(word) >= 2 and word.isalnum() and word.isupper()


def in_proper_name(words: Sequence[str] | Doc, start: int, end: int, heads: frozenset[str]) -> bool:
    """Whether the words `start`..`end` (token texts, or a Doc), written in Title Case, are part of the proper name of
    an organization or a rating instrument: a capitalized head word (models/rules/organization_heads.txt,
    instrument_words.txt) ends the Title Case name they open or stand in ("Cystic Fibrosis Foundation", "Beck
    Depression Inventory", "Hospital Anxiety and Depression Scale", "Unified Parkinson's Disease Rating Scale"), or
    opens the Title Case name they end ("Department of Infectious Diseases", "Special Programme for Research and
    Training in Tropical Diseases"). One acronym opens such a name too ("IBM Company", "MTM Chemical Co."), but an
    all-capitals heading ("WARNING: NEPHROGENIC SYSTEMIC FIBROSIS") is none."""
    name = [str(w) for w in words[start:end] if str(w)[:1].isalpha()]
    if (not name or not all(w[0].isupper() for w in name)
            or (all(w.isupper() for w in name) and not (len(name) == 1 and acronym(name[0])))):
        return False
    for i in range(end, min(len(words), end + _HEAD_REACH)):
        word = str(words[i])
        if _capitalized_head(word, heads):
            return True
        if not (word[:1].isupper() or word.lower() in _NAME_LINKS or word in _NAME_JOINERS):
            break
    i, stop = start - 1, max(-1, start - 1 - _NAME_REACH)
    while i > stop:
        word = str(words[i])
        if i >= 2 and str(words[i - 1]) == "-" and word[:1].islower() and str(words[i - 2])[:1].isupper():
            word, i = str(words[i - 2]) + word, i - 2  # "Pro-gramme": a word a PDF line end broke
        if _capitalized_head(word, heads):
            return True
        if not (word[:1].isupper() or word.lower() in _NAME_LINKS):
            return False
        i -= 1
    return False


def _capitalized_head(word: str, heads: frozenset[str]) -> bool:
    return word[:1].isupper() and not word.isupper() and word.lower() in heads


@dataclass(frozen=True)
class ContextChemical:
    """A row of models/rules/context_chemicals.tsv: the chemical's concept and the words that make it one."""

    concept: Concept
    before: frozenset[str]
    after: frozenset[str]


def context_chemicals(path: str | Path) -> dict[str, ContextChemical]:
    """models/rules/context_chemicals.tsv as word -> its `ContextChemical`; a curie other than a MeSH id is an error
    naming its line."""
    chemicals = {}
    for number, row in numbered_rules_tsv(path, ("word", "curie", "before", "after")):
        if not re.fullmatch(r"MESH:[CD]\d{6,9}", row["curie"]):
            raise RulesError(path, number, f"curie {row['curie']!r}: give the chemical's MeSH id, as MESH:D007854")
        word = row["word"].lower()
        chemicals[word] = ContextChemical(Concept(id=row["curie"], name=word, label="DRUG", curies=(row["curie"],)),
                                          frozenset(row["before"].lower().split()), frozenset(row["after"].lower().split()))
    return chemicals


def drug_harm_concepts(lexicon: Lexicon, path: str | Path) -> dict[str, Concept]:
    """models/rules/drug_harm_words.tsv as word -> the lexicon DISEASE concept its `concept` names; a row whose
    concept the lexicon lacks is an error naming its line."""
    concepts = {}
    for number, row in numbered_rules_tsv(path, ("word", "concept")):
        concept = next((c for c in lexicon.lookup(row["concept"]) if c.label == "DISEASE"), None)
        if concept is None:
            raise RulesError(path, number, f"no lexicon disease named {row['concept']!r}: name one `lexicon.lookup` finds")
        concepts[row["word"].lower()] = concept
    return concepts


class EventPatterns:
    """The adverse-event token patterns of models/rules/adverse_event_patterns.json on a spaCy Matcher, run
    only around their anchors. A pattern's anchor is its required token with the fewest allowed LOWER
    values (a list, a string or a regex); a match holds its anchor, so the Matcher reads the few tokens
    within a pattern's length of an anchor word, not the whole Doc, and finds the same matches."""

    def __init__(self, vocab, patterns: list[list[dict]]) -> None:
        self.matcher = Matcher(vocab, validate=True)
        self.matcher.add("DISEASE", patterns)
        self.reach = max(len(pattern) for pattern in patterns) - 1
        self.anchor_words: set[str] = set()
        regexes = []
        for number, pattern in enumerate(patterns, 1):
            anchor = _anchor(pattern)
            if anchor is None:
                raise ValueError(
                    f"{EVENT_PATTERNS}: pattern {number} has no required token with a LOWER value, list or regex "
                    "to look for; give one of its tokens such a value and no 'OP'"
                )
            if isinstance(anchor, str):
                regexes.append(anchor)
            else:
                self.anchor_words.update(anchor)
        self.anchor_regex = re.compile("|".join(f"(?:{r})" for r in regexes)) if regexes else None

    def matches(self, doc: Doc, words: list[str]) -> list[tuple[int, int]]:
        """(start, end) token offsets of every pattern match in `doc`, whose token texts are `words`."""
        windows: list[list[int]] = []
        for i, word in enumerate(words):
            lower = word.lower()
            if lower in self.anchor_words or (self.anchor_regex is not None and self.anchor_regex.search(lower)):
                lo, hi = max(0, i - self.reach), min(len(words), i + self.reach + 1)
                if windows and lo <= windows[-1][1]:
                    windows[-1][1] = hi
                else:
                    windows.append([lo, hi])
        return [(lo + start, lo + end) for lo, hi in windows for _, start, end in self.matcher(doc[lo:hi])]


def _anchor(pattern: list[dict]) -> frozenset[str] | str | None:
    """The allowed lowercased values of the pattern's most selective required token: a set of words, or a
    regex (used when no token lists its words); None when no required token constrains LOWER."""
    words, regex = [], None
    for token in pattern:
        if "OP" in token or set(token) != {"LOWER"}:
            continue
        value = token["LOWER"]
        if isinstance(value, str):
            words.append(frozenset([value]))
        elif set(value) == {"IN"}:
            words.append(frozenset(value["IN"]))
        elif set(value) == {"REGEX"}:
            regex = value["REGEX"]
    return min(words, key=len) if words else regex
