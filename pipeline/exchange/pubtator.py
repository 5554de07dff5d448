"""Annotated texts as PubTator text: `ID|t|TITLE`, `ID|a|ABSTRACT`, a tab-separated line per mention
(`ID, start, end, text, type, identifiers`) and one per relation between identified concepts
(`ID, type, head identifier, tail identifier`, MeSH where there is one, as BC5CDR's `CID` lines), a blank
line after each document.

The title is the text's first line and the abstract the rest; PubTator lines hold no line breaks or tabs, so
those become spaces, which keeps every offset exact (the offsets count title and abstract joined by one
character, as the format does). A relation is written only when both its ends have an identifier.
"""
from __future__ import annotations

import re
from typing import IO

from pipeline.exchange.annotated import Annotated
from pipeline.exchange.labels import identifier_field

_BREAKS = re.compile(r"[\t\n\r]")


def check_id(doc_id: str) -> None:
    """`ValueError` for an id PubTator lines cannot hold."""
    if not doc_id or re.search(r"[\s|]", doc_id):
        raise ValueError(f"id {doc_id!r} cannot be a PubTator document id: give ids without spaces, tabs or '|'")


def _concept(norm: tuple[str, ...]) -> str:
    """The identifier a relation line names a concept by: its MeSH id (PubTator's vocabulary), else its best."""
    return next((curie for curie in norm if curie.startswith("MESH:")), norm[0])


def write(item: Annotated, out: IO[str]) -> None:
    """One document in PubTator text."""
    check_id(item.id)
    title, _, abstract = item.text.partition("\n")
    out.write(f"{item.id}|t|{_BREAKS.sub(' ', title)}\n{item.id}|a|{_BREAKS.sub(' ', abstract)}\n")
    by_id = {a.id: a for a in item.annotations}
    for a in item.annotations:
        out.write(f"{item.id}\t{a.start}\t{a.end}\t{_BREAKS.sub(' ', a.text)}\t{a.type}\t{identifier_field(a.norm)}\n")
    written = set()
    for relation in item.relations:
        ends = [_concept(by_id[ref].norm) for _, ref in relation.arguments if ref in by_id and by_id[ref].norm]
        line = (relation.type, *ends)
        if len(ends) == len(relation.arguments) == 2 and line not in written:
            written.add(line)
            out.write("\t".join((item.id, *line)) + "\n")
    out.write("\n")
