"""DOSE mentions in a Doc, from the dose grammar in `pipeline.nlp.doses`."""
from __future__ import annotations

from spacy.tokens import Doc

from pipeline.nlp.data_files import DataFilesComponent
from pipeline.nlp.doses import RULE_FILES, RULES_DIR, find_doses, rules_of

SOURCE = "rule"


class DoseRecognizer(DataFilesComponent):
    """Adds DOSE entities with `._.dose` set; a dose never replaces a DRUG mention, other overlaps give way."""

    def __init__(self, rules_dir: str = RULES_DIR) -> None:
        self.data_files = {f"rules/{name}": f"{rules_dir}/{name}" for name in RULE_FILES}

    def load_data(self) -> None:
        self.rules = rules_of(self.data_path(f"rules/{next(iter(RULE_FILES))}").parent)

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        ents = list(doc.ents)
        for dose in find_doses(doc.text, self.rules):
            span = doc.char_span(dose.start, dose.end, label="DOSE", alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            overlapping = [e for e in ents if e.start < span.end and span.start < e.end]
            if any(e.label_ == "DRUG" for e in overlapping):
                continue
            ents = [e for e in ents if e not in overlapping]
            span._.dose = dose
            span._.source = SOURCE
            ents.append(span)
        doc.ents = sorted(ents, key=lambda s: s.start)
        return doc
