"""Mentions in table cells, found by the same pipeline as prose, each with its cell as provenance.

A paper's tables name drugs outside its sentences: a baseline table lists the prior therapies of the patients
("Agents used for prior systemic therapy: Sunitinib, Pazopanib..."), a table of responders their "Prior
therapy(ies)". Every text cell (row labels and cells that are not numbers) of a paper's table is annotated by
the pipeline, and each drug mention becomes a "cell_mention" fact: the cell (`table`, `row`, `column`), the
character offsets inside the cell text, label, identifiers, concept, and the `role` the table gives it:

- "prior_therapy" when the cell's column header, row group, row label or the table caption holds a prior-therapy
  cue of models/rules/context.json ("prior", "previously treated with"...);
- "baseline" for any other drug of a demographics or baseline table;
- None elsewhere (an arm or regimen label of a results table).

A prior-therapy cell that names a drug by its development code alone ("ABT-510", a pattern of
models/rules/tables/drug_codes.txt) is a drug mention too, with the code as its concept.

Registry results tables are left out: their row labels are registered terms, read as facts already.
"""
from __future__ import annotations

import re

from spacy.language import Language

from pipeline.document import Document, Table
from pipeline.nlp.context import ContextRules
from pipeline.records import CellMention
from pipeline.tables.cells import parse_cell, strip_markers
from pipeline.tables.classify import classify
from pipeline.tables.vocabulary import drug_code_patterns

_CELL_MENTION_LABELS = ("DRUG", "DRUG_CLASS")  # adverse-event row labels are read by the normaliser (events.py)
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def table_cell_mentions(nlp: Language, document: Document, rules: ContextRules | None = None) -> list[CellMention]:
    """The "cell_mention" facts of every paper table of `document` (none for registry results tables)."""
    rules = rules or ContextRules.load()
    cells: list[tuple[Table, int, int, str, str | None]] = []
    for table in document.tables:
        if (table.section or "").startswith("results:"):
            continue
        baseline = classify(table) == "demographics"
        headers = _column_headers(table)
        group = ""
        for row_index, row in enumerate(table.rows):
            if _starts_group(table.rows, row_index):
                group = row[0]
            for column, cell in enumerate(row):
                if not _is_text(cell, column):
                    continue
                cues = " ".join([table.caption, headers[column] if column < len(headers) else "", group, row[0]])
                role = "prior_therapy" if rules.prior_therapy.search(cues.lower()) else ("baseline" if baseline else None)
                cells.append((table, row_index, column, cell, role))
    facts: list[CellMention] = []
    for (table, row, column, cell, role), doc in zip(cells, nlp.pipe(cell for *_, cell, _ in cells)):
        drugs = [ent for ent in doc.ents if ent.label_ in _CELL_MENTION_LABELS]
        where = {"table": table.id, "row": row, "column": column, "cell": cell, "role": role}
        if not drugs and role == "prior_therapy" and (code := _drug_code(cell)) is not None:
            facts.append(CellMention(**where, start=code[0], end=code[1], text=code[2], label="DRUG", norm=(),
                                     concept=code[2], negated=False))
        for ent in drugs:
            facts.append(CellMention(**where, start=ent.start_char, end=ent.end_char, text=ent.text, label=ent.label_,
                                     norm=tuple(ent._.norm or ()), concept=ent._.concept, negated=bool(ent._.negated)))
    return facts


def _drug_code(cell: str) -> tuple[int, int, str] | None:
    """The span (start, end, text) of an investigational drug a prior-therapy cell names by its code alone
    ("ABT-510"), which no lexicon holds: the code is its concept, with no identifier."""
    text, _ = strip_markers(cell)
    text = text.strip()
    if not any(pattern.fullmatch(text) for pattern in drug_code_patterns()):
        return None
    start = max(cell.find(text), 0)
    return start, start + len(text), text


def _column_headers(table: Table) -> list[str]:
    """Each column's header rows joined ("Prior therapy(ies)")."""
    width = max((len(row) for row in (*table.header_rows, *table.rows)), default=0)
    return [" ".join(row[i] for row in table.header_rows if i < len(row) and row[i].strip()) for i in range(width)]


def _starts_group(rows: list[list[str]], index: int) -> bool:
    """Whether a row's label heads the rows below it: a label with no values ("Prior therapy, n (%)"), or one
    followed by rows whose first cell is empty ("Agents used for prior systemic therapy | VEGFR-TKIs", then
    " | Sunitinib | 4 (21)")."""
    row = rows[index]
    if not row or not row[0].strip():
        return False
    following_empty = index + 1 < len(rows) and bool(rows[index + 1]) and not rows[index + 1][0].strip()
    return not any(cell.strip() for cell in row[1:]) or following_empty


def _is_text(cell: str, column: int) -> bool:
    """A cell worth annotating: the row label, or a cell with words rather than numbers."""
    if not _LETTER.search(cell):
        return False
    return column == 0 or parse_cell(cell).kind in ("text", "missing")
