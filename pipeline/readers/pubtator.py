"""Reader for the PubTator text format (BC5CDR, NCBI Disease, PubTator downloads): per document a title line
`ID|t|TITLE`, an abstract line `ID|a|ABSTRACT`, then tab-separated lines, mentions
`ID<TAB>START<TAB>END<TAB>TEXT<TAB>TYPE[<TAB>IDENTIFIERS]` and relations `ID<TAB>TYPE<TAB>ARG1<TAB>ARG2`;
documents are separated by blank lines.

Offsets count title and abstract joined by one character, so the document text is the title, a line break and
the abstract, and every mention keeps its offsets. Mentions and relations become the document's
`pre_annotations` and `pre_relations`; a mention whose text is not the text at its offsets is kept, with a
warning. A file of several documents is split into `FILE#ID` sources.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.document import Document, PreAnnotation, PreRelation, Section, content_id
from pipeline.exchange.labels import curies, label_of, relation_label_of
from pipeline.errors import ReaderError
from pipeline.readers.parts import Source, UniqueKeys
from pipeline.readers.sniff import decode_text
from pipeline.readers.text import clip_title, ordered_nct_ids

FORMAT = "pubtator"
_TITLE = re.compile(r"^([^\s|]+)\|t\|(.*)$")
_ABSTRACT = re.compile(r"^([^\s|]+)\|a\|(.*)$")


def _blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of each blank-line separated document."""
    lines: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            first = first or number
            lines.append(line)
        elif lines:
            yield first, lines
            lines, first = [], 0
    if lines:
        yield first, lines


def split(raw: bytes, path: str) -> Iterator[Source]:
    """Each document of the file as a `Source` (`FILE#ID`); a file holding one document is passed through."""
    blocks = list(_blocks(decode_text(raw, path)))
    if len(blocks) == 1:
        yield Source(path, raw)
        return
    keys = UniqueKeys(path, "document")
    for number, (line, lines) in enumerate(blocks, 1):
        title = _TITLE.match(lines[0])
        if title is None:
            yield Source(f"{path}#document-{number}", error=f"line {line}: a PubTator document starts with "
                         f"'ID|t|TITLE', not {lines[0][:40]!r}")
            continue
        yield keys.source(title.group(1), number, ("\n".join(lines) + "\n").encode("utf-8"))


def read(raw: bytes, path: str) -> Document:
    """One PubTator document (the first, when the file holds several: `split` gives each its own)."""
    text = decode_text(raw, path)
    first, lines = next(_blocks(text), (0, []))
    title_line = _TITLE.match(lines[0]) if lines else None
    if title_line is None:
        raise ReaderError(path, "not PubTator: the first line is not 'ID|t|TITLE'")
    pmid, title = title_line.groups()
    abstract, rest = "", lines[1:]
    if rest and (found := _ABSTRACT.match(rest[0])):
        abstract, rest = found.group(2), rest[1:]
    body = f"{title}\n{abstract}" if abstract else title
    if not body.strip():
        raise ReaderError(path, f"PubTator document {pmid} has neither title nor abstract")
    sections = [Section("Title", "title", 0, len(title), title)] if title else []
    if abstract:
        sections.append(Section("Abstract", "abstract", len(title) + 1, len(body), abstract))
    mentions, relations, warnings = [], [], []
    for number, line in enumerate(rest, first + len(lines) - len(rest)):
        fields = line.split("\t")
        if len(fields) >= 5 and fields[1].isdigit() and fields[2].isdigit():
            start, end = int(fields[1]), int(fields[2])
            if not 0 <= start < end <= len(body):
                raise ReaderError(path, f"line {number}: offsets {start}-{end} outside the text "
                                  f"({len(body)} characters of title and abstract)")
            if body[start:end] != fields[3]:
                warnings.append(f"line {number}: mention {fields[3]!r} at {start}-{end} is {body[start:end]!r} "
                                "in the text")
            mentions.append(PreAnnotation(start, end, fields[3], fields[4], label_of(fields[4]),
                                          curies(fields[5]) if len(fields) > 5 else (), f"{start}-{end}"))
        elif len(fields) >= 4:
            relations.append(PreRelation(fields[1], relation_label_of(fields[1]),
                                         tuple((f"arg{i}", curie) for i, value in enumerate(fields[2:], 1)
                                               for curie in curies(value)[:1])))
        else:
            raise ReaderError(path, f"line {number}: neither a mention (ID, start, end, text, type[, identifiers]) "
                              f"nor a relation (ID, type, argument, argument): {line[:60]!r}")
    return Document(
        id=content_id(raw), source_path=path, format=FORMAT, title=clip_title(title), text=body, sections=sections,
        nct_ids=ordered_nct_ids(body), publication_ids={"pmid": pmid} if pmid.isdigit() else {},
        warnings=warnings, pre_annotations=mentions, pre_relations=relations)
