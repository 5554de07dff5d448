"""Evidence as a curator reads it: text cut into plain and highlighted segments (entities by label, like
displaCy), and tables with the source cell marked. Templates escape every segment; nothing here builds HTML."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.document import Document


@dataclass(frozen=True)
class Segment:
    """A piece of text: plain (`label` None) or an entity, `focus` when it belongs to the item under review."""

    text: str
    start: int
    label: str | None = None
    focus: bool = False


def segments(text: str, start: int, end: int, entities: list[dict[str, Any]],
             focus: set[tuple[int, int]] = frozenset()) -> list[Segment]:
    """`text[start:end]` cut at the entities inside it; where entities overlap, focused then longer ones win."""
    inside = [e for e in entities if start <= e["start"] and e["end"] <= end]
    inside.sort(key=lambda e: ((e["start"], e["end"]) not in focus, -(e["end"] - e["start"]), e["start"]))
    chosen: list[dict[str, Any]] = []
    for entity in inside:
        if all(entity["end"] <= c["start"] or entity["start"] >= c["end"] for c in chosen):
            chosen.append(entity)
    out, cursor = [], start
    for entity in sorted(chosen, key=lambda e: e["start"]):
        if entity["start"] > cursor:
            out.append(Segment(text[cursor : entity["start"]], cursor))
        out.append(Segment(text[entity["start"] : entity["end"]], entity["start"], entity["label"],
                           (entity["start"], entity["end"]) in focus))
        cursor = entity["end"]
    if cursor < end:
        out.append(Segment(text[cursor:end], cursor))
    return out


def sentence_span(entity: dict[str, Any], text: str) -> tuple[int, int]:
    """The sentence around a mention: the one the pipeline recorded, else the line it is on."""
    if entity.get("sentence"):
        return entity["sentence"][0], entity["sentence"][1]
    start = text.rfind("\n", 0, entity["start"]) + 1
    end = text.find("\n", entity["end"])
    return start, len(text) if end < 0 else end


@dataclass(frozen=True)
class TableView:
    """A table to show, with the cell (row, column) of `rows` that a fact came from."""

    id: str
    caption: str
    header_rows: list[list[str]]
    rows: list[list[str]]
    row: int | None
    column: int | None
    footnotes: list[str]


def table_view(document: Document, table_id: str, row: int | None = None, column: int | None = None) -> TableView | None:
    try:
        table = document.table(table_id)
    except KeyError:
        return None
    return TableView(table.id, table.caption, table.header_rows, table.rows, row, column, table.footnotes)
