"""One annotated text on its way out to an exchange format: our entities and relations as `PreAnnotation`s
and `PreRelation`s (the same types the readers fill from such files), with the file types already mapped."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.document import PreAnnotation, PreRelation
from pipeline.exchange.labels import WRITTEN_RELATIONS, written_type


@dataclass(frozen=True)
class Annotated:
    """A text with its annotations; `error` says why it could not be annotated (then it has none)."""

    id: str
    text: str
    annotations: tuple[PreAnnotation, ...] = ()
    relations: tuple[PreRelation, ...] = ()
    error: str | None = None


def from_contract(doc_id: str, text: str, result: dict[str, Any]) -> Annotated:
    """An `annotate` contract result (`{"entities", "relations"[, "error"]}`) for `text` as an `Annotated`;
    entity `i` gets the id `T{i+1}`, and relations refer to those ids (`head`, `tail`)."""
    entities = result.get("entities") or []
    annotations = tuple(
        PreAnnotation(e["start"], e["end"], e["text"], written_type(e["label"]), e["label"], tuple(e.get("norm") or ()),
                      f"T{i + 1}") for i, e in enumerate(entities))
    relations = tuple(
        PreRelation(WRITTEN_RELATIONS.get(r["label"], r["label"]), r["label"],
                    (("head", f"T{r['head'] + 1}"), ("tail", f"T{r['tail'] + 1}")))
        for r in result.get("relations") or [])
    return Annotated(doc_id, text, annotations, relations, result.get("error"))
