"""Entity types and identifiers between TrialGraph and PubTator / BioC files.

Written: `DRUG` is PubTator's `Chemical`, `ADVERSE_EVENT` and `CONDITION` are both its `Disease` (PubTator
has one disease type; BioC output keeps our label in a `trialgraph_label` infon), `DOSE` and `ENDPOINT` are
`Dose` and `Endpoint`. Read: the types of BC5CDR, NCBI Disease, PubTator3, TAC 2017 and n2c2 files map to our
labels; `DISEASE` is a disease the file does not call an adverse event or a condition (BC5CDR's `Disease`),
scored against `ADVERSE_EVENT` and `CONDITION` together.

Identifiers are CURIEs on our side; bare MeSH ids (`D008750`, `C000657`, as BC5CDR writes them) are read
as `MESH:` CURIEs, and several identifiers of one mention are written joined by `|`.
"""
from __future__ import annotations

import re

DISEASE = "DISEASE"
WRITTEN_TYPES = {"DRUG": "Chemical", "ADVERSE_EVENT": "Disease", "CONDITION": "Disease", "DOSE": "Dose",
                 "ENDPOINT": "Endpoint"}
# relation labels as PubTator/BioC relation types (BC5CDR's chemical-induced disease is our HAS_ADVERSE_EVENT)
WRITTEN_RELATIONS = {"HAS_ADVERSE_EVENT": "CID", "TREATS": "Treatment", "HAS_DOSE": "Dose", "HAS_ENDPOINT": "Endpoint"}
_READ_TYPES = {
    "chemical": "DRUG", "chemicalentity": "DRUG", "drug": "DRUG", "drugname": "DRUG", "drugclass": "DRUG",
    "disease": DISEASE, "diseaseorphenotypicfeature": DISEASE, "specificdisease": DISEASE,
    "diseaseclass": DISEASE, "modifier": DISEASE, "compositemention": DISEASE,
    "adversereaction": "ADVERSE_EVENT", "adverseevent": "ADVERSE_EVENT", "ade": "ADVERSE_EVENT",
    "adverseeffect": "ADVERSE_EVENT", "condition": "CONDITION", "dose": "DOSE", "dosage": "DOSE",
    "strength": "DOSE", "endpoint": "ENDPOINT", "outcome": "ENDPOINT",
}
_READ_RELATIONS = {"cid": "HAS_ADVERSE_EVENT", "adverseeffect": "HAS_ADVERSE_EVENT",
                   "treatment": "TREATS", "treats": "TREATS", "dose": "HAS_DOSE", "dosedrug": "HAS_DOSE",
                   "endpoint": "HAS_ENDPOINT"}
_BARE_MESH = re.compile(r"^[CD]\d{6,9}$")
_NO_IDENTIFIER = {"", "-", "-1", "none", "null"}


def label_of(file_type: str) -> str | None:
    """Our label for an entity type a file gives (None when it maps to none of ours)."""
    key = re.sub(r"[^a-z]", "", file_type.lower())
    if key.upper() in WRITTEN_TYPES or key.upper() == DISEASE:
        return key.upper()
    return _READ_TYPES.get(key)


def relation_label_of(file_type: str) -> str | None:
    """Our relation label for a relation type a file gives (None when it maps to none of ours)."""
    key = re.sub(r"[^a-z_]", "", file_type.lower())
    if key.upper() in WRITTEN_RELATIONS:
        return key.upper()
    return _READ_RELATIONS.get(key.replace("_", ""))


def written_type(label: str) -> str:
    """The PubTator/BioC type for one of our labels (a label they have no type for is written as itself)."""
    return WRITTEN_TYPES.get(label, label)


def curies(identifiers: str) -> tuple[str, ...]:
    """The CURIEs of a file's identifier field (`D008750|MESH:D007674;C000657`; `-1` is none)."""
    found = []
    for part in re.split(r"[|;,]", identifiers):
        part = part.strip()
        if part.lower() in _NO_IDENTIFIER:
            continue
        found.append(f"MESH:{part}" if _BARE_MESH.match(part) else part)
    return tuple(dict.fromkeys(found))


def identifier_field(norm: tuple[str, ...] | list[str]) -> str:
    """The identifier field for our CURIEs, best first (`-` when there is none, as PubTator writes it)."""
    return "|".join(norm) or "-"


def same_label(gold: str, predicted: str) -> bool:
    """Whether a predicted label counts for a gold one: equal, or either disease label for `DISEASE`."""
    return gold == predicted or (gold == DISEASE and predicted in ("ADVERSE_EVENT", "CONDITION", DISEASE))
