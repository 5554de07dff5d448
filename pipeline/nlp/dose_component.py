"""DOSE mentions in a Doc, from the dose grammar in `pipeline.nlp.doses`."""
from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Span

from pipeline.nlp.data_files import DataFilesComponent
from pipeline.nlp.doses import RULE_FILES, RULES_DIR, Dose, find_doses, rules_of
from pipeline.nlp.relations import combination_drugs

SOURCE = "rule"


class DoseRecognizer(DataFilesComponent):
    """Adds DOSE entities with `._.dose` set; a dose never replaces a DRUG mention, other overlaps give way.

    The amounts of a fixed-dose combination ("400/100 mg") are one dose each when the drugs they belong to stand
    in the same order right before or after them ("lopinavir/ritonavir"); otherwise ("Kaletra 400/100 mg") they
    are one dose with no amount of its own (`Dose.amounts` holds them), since no single amount is the drug's."""

    def __init__(self, rules_dir: str = RULES_DIR) -> None:
        self.data_files = {f"rules/{name}": f"{rules_dir}/{name}" for name in RULE_FILES}

    def load_data(self) -> None:
        self.rules = rules_of(self.data_path(f"rules/{next(iter(RULE_FILES))}").parent)

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        ents = list(doc.ents)
        for dose in _combinations_placed(doc, find_doses(doc.text, self.rules)):
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


def _combinations_placed(doc: Doc, doses: list[Dose]) -> list[Dose]:
    """`doses` with each fixed-dose combination kept as its parts where `combination_drugs` finds the drugs they
    belong to, else joined into one dose without an amount."""
    drugs = [e for e in doc.ents if e.label_ == "DRUG"]
    placed: list[Dose] = []
    index = 0
    while index < len(doses):
        dose = doses[index]
        index += 1
        if dose.ingredient != 0:
            placed.append(dose)
            continue
        parts = [dose]
        while index < len(doses) and doses[index].ingredient == len(parts):
            parts.append(doses[index])
            index += 1
        spans = [doc.char_span(part.start, part.end) for part in parts]
        if len(parts) > 1 and None not in spans and combination_drugs(drugs, spans):
            placed += parts
        else:
            last = parts[-1]
            placed.append(replace(last, start=dose.start, text=doc.text[dose.start : last.end], amount=None,
                                  ingredient=None, amounts=tuple(part.amount for part in parts)))
    return placed
