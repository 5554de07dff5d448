"""The regimen of a table column: drugs named in its header (lexicon), the registry interventions of the arm
it names, or, for a table about one treatment group, the drugs of its caption."""
from __future__ import annotations

import re
from pipeline.document import Document, Intervention
from pipeline.lexicons import Lexicon
from pipeline.lexicons.normalize import fold
from pipeline.records import RegimenDrug

_TOKEN = re.compile(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]")
_DOSE_AFTER = re.compile(r"^\s*\(([^()]*\d[^()]*)\)")
# Column names that are treatment arms even without a drug name in them.
# Intervention types that are drugs (ClinicalTrials.gov's InterventionType, lower case; "" when not given).
DRUG_INTERVENTION_TYPES = frozenset({"drug", "biological", "combination product", "dietary supplement", ""})
# An intervention name that can stand for a drug the lexicon does not know ("GSK123456", "study drug X"),
# unlike an arm description ("Arm B: ZDV+ABC+3TC+NNRTI->ABC+3TC maintenance").
_PLAIN_NAME = re.compile(r"[\w-]+(?: [\w-]+){0,3}")
_PLACEBO = re.compile(r"\b(?:placebos?|vehicle|sham|dummy|mock)\b", re.I)
_ARM_WORDS = re.compile(r"\b(?:placebo|control|vehicle|sham|arm|group|cohort|standard (?:of )?care|usual care|dose level)\b", re.I)


def drugs_in(lexicon: Lexicon, text: str) -> list[RegimenDrug]:
    """Drugs the lexicon finds in `text`, as written, each with its CURIEs, its concept's name and the dose in
    parentheses after it."""
    tokens = list(_TOKEN.finditer(text))
    found: list[RegimenDrug] = []
    for match in lexicon.match([token.group() for token in tokens]):
        if match.concept.label != "DRUG":
            continue
        start, end = tokens[match.start].start(), tokens[match.end - 1].end()
        dose = _DOSE_AFTER.match(text[end:])
        drug = RegimenDrug(name=text[start:end], norm=tuple(match.concept.curies), concept=match.concept.name,
                           dose=dose.group(1).strip() if dose else None)
        if not any(_same(drug, other) for other in found):
            found.append(drug)
    return found


def _same(one: RegimenDrug, other: RegimenDrug) -> bool:
    return fold(one.name) == fold(other.name) or bool(set(one.norm) & set(other.norm))


class Regimens:
    """Regimens of a document's table columns."""

    def __init__(self, document: Document, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.interventions: list[Intervention] = document.trial.interventions if document.trial else []

    def of_arm(self, label: str) -> list[RegimenDrug]:
        """Drugs of the arm a column header names: drugs in the header, then the drugs of the registry
        interventions given in that arm group or named in the header."""
        regimen = drugs_in(self.lexicon, label)
        unidentified = []  # registry names the lexicon does not know; kept only when nothing else is known
        for intervention in self._interventions_of(label):
            for drug in self._intervention_drugs(intervention):
                if not drug.norm:
                    unidentified.append(drug)
                elif not any(_same(drug, other) for other in regimen):
                    regimen.append(drug)
        return regimen or unidentified

    def arm_kind(self, label: str) -> str | None:
        """"placebo" for a placebo arm (its name, or all the registry interventions it gets, are placebo),
        "no_drug" for an arm whose registry interventions are none of them drugs (a device, a procedure,
        behaviour), None otherwise."""
        interventions = self._interventions_of(label)
        if _PLACEBO.search(label) or (interventions and all(is_placebo(i) for i in interventions)):
            return "placebo"
        if interventions and all(i.type.lower() not in DRUG_INTERVENTION_TYPES for i in interventions if not is_placebo(i)):
            return "no_drug"
        return None

    def intervention_drugs(self, intervention: Intervention) -> list[RegimenDrug]:
        """The drugs of a registry intervention (none for a placebo)."""
        return self._intervention_drugs(intervention)

    def names_arm(self, label: str) -> bool:
        """Whether a column name is a treatment arm (a drug, a registry arm, or an arm word like "placebo")."""
        return bool(_ARM_WORDS.search(label) or self._interventions_of(label) or drugs_in(self.lexicon, label))

    def of_caption(self, caption: str) -> list[RegimenDrug]:
        """Drugs named in a caption ("... treated with IL-21 (30 mcg/kg) plus sorafenib"); the registry's
        interventions when the caption names none and the trial has one arm."""
        regimen = drugs_in(self.lexicon, caption)
        if regimen or not self.interventions:
            return regimen
        arms = {group for intervention in self.interventions for group in intervention.arm_groups}
        if len(arms) <= 1:
            return [drug for intervention in self.interventions for drug in self._intervention_drugs(intervention)]
        return []

    def _interventions_of(self, label: str) -> list[Intervention]:
        key = _words(label)
        if not key.strip():
            return []
        found = []
        for intervention in self.interventions:
            groups = [_words(group) for group in intervention.arm_groups if group.strip()]
            names = [_words(name) for name in [intervention.name, *intervention.other_names] if name.strip()]
            in_group = any(group == key or (len(group) > 5 and (group in key or key in group)) for group in groups)
            named = any(name in key for name in names)
            if in_group or named:
                found.append(intervention)
        return found

    def _intervention_drugs(self, intervention: Intervention) -> list[RegimenDrug]:
        """The drugs of a registry intervention: the lexicon drug its name is, else the drugs its name names when
        they are several ("TMC114/RTV": darunavir and ritonavir, though its other name "TMC114" is darunavir
        alone), else the lexicon drug an other name is, else the drugs its name and other names mention ("Arm
        B: ZDV+ABC+3TC" with "ZDV: zidovudine, Retrovir"), else, for a drug-type intervention with a plain
        name, the name itself. A placebo has none."""
        if is_placebo(intervention):
            return []
        own = self._lexicon_drug(intervention.name, shown=intervention.name)
        combination = drugs_in(self.lexicon, intervention.name) if own is None else []
        if len(combination) > 1:
            return combination
        for name in [intervention.name, *intervention.other_names]:
            drug = self._lexicon_drug(name, shown=intervention.name)
            if drug is not None:
                return [drug, *self._joined_in_description(intervention, drug)]
        drugs: list[RegimenDrug] = []
        for name in [intervention.name, *intervention.other_names]:
            drugs += [drug for drug in drugs_in(self.lexicon, name) if not any(_same(drug, d) for d in drugs)]
        if drugs:
            return drugs
        if intervention.type.lower() in DRUG_INTERVENTION_TYPES and _PLAIN_NAME.fullmatch(intervention.name.strip()):
            return [RegimenDrug(name=intervention.name, norm=())]
        return []

    def _lexicon_drug(self, name: str, shown: str) -> RegimenDrug | None:
        """The lexicon drug `name` is as a whole term, named `shown`, else None."""
        concept = next((c for c in self.lexicon.lookup(name) if c.label == "DRUG"), None)
        return RegimenDrug(name=shown, norm=tuple(concept.curies), concept=concept.name) if concept else None

    def _joined_in_description(self, intervention: Intervention, drug: RegimenDrug) -> list[RegimenDrug]:
        """The drugs an intervention's description joins to its name with "/" as one product or boosted regimen:
        "600/100 mg tablets of TMC114/rtv BID" for the intervention TMC114 (darunavir) adds ritonavir. A word
        is a drug when the lexicon has it as a whole term, in any case ("rtv")."""
        found: list[RegimenDrug] = []
        for name in [intervention.name, *intervention.other_names]:
            if not name.strip():
                continue
            named = re.escape(name.strip())
            joined_after = rf"(?<![\w-]){named}\s*/\s*([A-Za-z][\w-]*)"  # "TMC114/rtv"
            joined_before = rf"(?<![\w/-])([A-Za-z][\w-]*)\s*/\s*{named}(?![\w-])"  # "rtv/TMC114"
            for pattern in (joined_after, joined_before):
                for match in re.finditer(pattern, intervention.description, re.I):
                    joined = self._lexicon_drug(match.group(1), shown=match.group(1))
                    if joined and not any(_same(joined, other) for other in [drug, *found]):
                        found.append(joined)
        return found


def is_placebo(intervention: Intervention) -> bool:
    """Whether a registry intervention is a placebo (by its type or name: "Placebo", "Matching placebo", "Vehicle")."""
    return intervention.type.lower() == "placebo" or bool(_PLACEBO.search(intervention.name))


def _words(text: str) -> str:
    """" placebo qw ": lower-case words separated and surrounded by single spaces, for whole-word containment."""
    return " " + " ".join(re.findall(r"\w+", text.lower())) + " "


def arm_name(regimen: list[RegimenDrug]) -> str | None:
    """"IL-21 + sorafenib" for a regimen read from a caption."""
    return " + ".join(drug.name for drug in regimen) or None
