"""Evidence as a curator reads it: text cut into plain and highlighted segments (entities by label, like
displaCy), and tables with the source cell marked. Templates escape every segment; nothing here builds HTML."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pipeline.document import Document
from pipeline.records import Mention
from pipeline.store import StoredDocument


@dataclass(frozen=True)
class Segment:
    """A piece of text: plain (`label` None) or an entity, `focus` when it belongs to the item under review."""

    text: str
    start: int
    label: str | None = None
    focus: bool = False
    curated: bool = False


@dataclass(frozen=True)
class Mark:
    """A span to highlight with its label; `curated` when a curator corrected the mention it shows."""

    start: int
    end: int
    label: str | None
    curated: bool = False


def marks_of(entities: Iterable[Mention]) -> list[Mark]:
    """The highlights of mentions."""
    return [Mark(e.start, e.end, e.label, e.curation == "corrected") for e in entities]


def segments(text: str, start: int, end: int, marks: list[Mark],
             focus: set[tuple[int, int]] = frozenset()) -> list[Segment]:
    """`text[start:end]` cut at the marks inside it; where marks overlap, focused then longer ones win."""
    inside = [m for m in marks if start <= m.start and m.end <= end]
    inside.sort(key=lambda m: ((m.start, m.end) not in focus, -(m.end - m.start), m.start))
    chosen: list[Mark] = []
    for mark in inside:
        if all(mark.end <= c.start or mark.start >= c.end for c in chosen):
            chosen.append(mark)
    out, cursor = [], start
    for mark in sorted(chosen, key=lambda m: m.start):
        if mark.start > cursor:
            out.append(Segment(text[cursor : mark.start], cursor))
        out.append(Segment(text[mark.start : mark.end], mark.start, mark.label, (mark.start, mark.end) in focus,
                           mark.curated))
        cursor = mark.end
    if cursor < end:
        out.append(Segment(text[cursor:end], cursor))
    return out


def sentence_span(sentence: tuple[int, int] | None, start: int, end: int, text: str) -> tuple[int, int]:
    """The sentence around the span `start`-`end`: the one the pipeline recorded, else the line it is on."""
    if sentence:
        return sentence[0], sentence[1]
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end < 0 else line_end


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


SNIPPET_REACH = 70  # characters of context either side of an item in the queue


@dataclass(frozen=True)
class Evidence:
    """What shows an item: `segments` of the text from `start` to `end` (a sentence, or windows of it in
    the queue, `cut_before`/`cut_after` when cut), `plain` that text unmarked, or a `table`."""

    start: int = 0
    end: int = 0
    segments: tuple[Segment, ...] = ()
    plain: str = ""
    table: TableView | None = None
    cut_before: bool = False
    cut_after: bool = False


def item_spans(stored: StoredDocument, kind: str, values: dict[str, Any]) -> tuple[int, int, set[tuple[int, int]]]:
    """The text range to show for a mention or relation (`values`: its fields), and the spans to emphasise."""
    text = stored.document.text
    if kind == "mention":
        spans = {(values["start"], values["end"])}
    else:
        spans = {tuple(values["head"]), tuple(values["tail"])}
    ranges = []
    for start, end in spans:
        entity = next((e for e in stored.entities if (e.start, e.end) == (start, end)), None)
        if entity is None:  # a corrected span: the sentence of the extracted mention it overlaps, else its line
            entity = next((e for e in stored.entities if e.start < end and start < e.end and e.sentence), None)
        sentence = sentence_span(entity.sentence if entity else None, start, end, text)
        ranges.append((min(sentence[0], start), max(sentence[1], end)))
    return min(r[0] for r in ranges), max(r[1] for r in ranges), spans


def evidence(stored: StoredDocument, kind: str, values: dict[str, Any]) -> Evidence:
    """The sentence with every entity of `stored` highlighted and the item's own emphasised, or the table with
    a fact's cell marked."""
    if kind == "fact":
        return Evidence(table=table_view(stored.document, values["table"], values["row"], values["column"]))
    start, end, spans = item_spans(stored, kind, values)
    text = stored.document.text
    return Evidence(start, end, tuple(segments(text, start, end, marks_of(stored.entities), spans)), text[start:end])


def snippet(stored: StoredDocument, kind: str, values: dict[str, Any]) -> Evidence:
    """The queue's short evidence: the item's own spans highlighted, with some words around each; a fact's
    table caption and the column header of its cell."""
    if kind == "fact":
        table = table_view(stored.document, values["table"])
        if table is None:
            return Evidence(plain=values["table"])
        header = column_header(table, values["column"])
        return Evidence(plain=" · ".join(filter(None, [f"{table.id} {table.caption}".strip(), header])))
    sentence_start, sentence_end, spans = item_spans(stored, kind, values)
    text = stored.document.text
    marks = marks_of(e for e in stored.entities if (e.start, e.end) in spans)
    marks += [Mark(s, e, values.get("label") if kind == "mention" else "ITEM")
              for s, e in spans if not any((m.start, m.end) == (s, e) for m in marks)]
    first, last = min(spans), max(spans)
    if last[0] - first[1] > 2 * SNIPPET_REACH:  # ends far apart: a window around each, joined by an ellipsis
        windows = [_window(text, first, sentence_start, sentence_end), _window(text, last, sentence_start, sentence_end)]
    else:
        windows = [_window(text, (first[0], last[1]), sentence_start, sentence_end)]
    pieces: list[Segment] = []
    for start, end in windows:
        if pieces:
            pieces.append(Segment(" … ", start))
        pieces += segments(text, start, end, marks, spans)
    return Evidence(windows[0][0], windows[-1][1], tuple(pieces), "".join(p.text for p in pieces),
                    cut_before=windows[0][0] > sentence_start, cut_after=windows[-1][1] < sentence_end)


def column_header(table: TableView, column: int) -> str:
    """The header words above one column (every header row), or ''."""
    words = [row[column] for row in table.header_rows if column < len(row) and row[column].strip()]
    return " / ".join(dict.fromkeys(words))


def _window(text: str, span: tuple[int, int], lowest: int, highest: int) -> tuple[int, int]:
    """`span` widened by about `SNIPPET_REACH` characters each side, cut at spaces, within [lowest, highest]."""
    start, end = lowest, highest
    if span[0] - lowest > SNIPPET_REACH:
        start = min(span[0], max(lowest, text.find(" ", span[0] - SNIPPET_REACH) + 1))
    if highest - span[1] > SNIPPET_REACH:
        end = max(span[1], text.rfind(" ", 0, span[1] + SNIPPET_REACH))
    return start, end


_BROWSERS = {  # where a curator can read about an identifier (MedDRA has no open browser)
    "MESH": "https://meshb.nlm.nih.gov/record/ui?ui={}",
    "HP": "https://hpo.jax.org/browse/term/HP:{}",
    "MONDO": "https://monarchinitiative.org/MONDO:{}",
    "DOID": "https://disease-ontology.org/?id=DOID:{}",
    "DRUGBANK": "https://go.drugbank.com/drugs/{}",
    "NCIT": "https://ncit.nci.nih.gov/ncitbrowser/ConceptReport.jsp?dictionary=NCI_Thesaurus&code={}",
    "UNII": "https://precision.fda.gov/uniisearch/srs/unii/{}",
}


def curie_url(curie: str) -> str | None:
    """A public page about an identifier, when its vocabulary has one."""
    prefix, _, local = curie.partition(":")
    template = _BROWSERS.get(prefix.upper())
    return template.format(local) if template and local else None
