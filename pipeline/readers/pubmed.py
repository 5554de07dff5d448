"""Reader for PubMed XML (`<PubmedArticle>`, as E-utilities and the baseline files give them) and
PubMed Central JATS XML (`<article>`), one article per file or many in a set.

A set (`<PubmedArticleSet>`, `<pmc-articleset>`) holds several documents: `split` yields each article
as its own standalone XML with a source path `FILE#PMID` (or `#PMC...`), and `read` reads one article.
A file holding a single article keeps its own path. The document id is the content id of the article's
XML, so an unchanged article keeps its id when other articles of its file change.
"""
from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from pipeline.document import Document, Table, TextBuilder, content_id
from pipeline.readers.encodings import xml_as_utf8
from pipeline.errors import ReaderError
from pipeline.readers.parts import Source, UniqueKeys
from pipeline.readers.safe_xml import MAX_XML_DEPTH, parse_xml, xml_failure
from pipeline.readers.safe_xml import local_name as _local
from pipeline.readers.text import add_parent_section, clip_title, heading_kind, ordered_nct_ids

FORMAT = "pubmed"
_ARTICLE_TAGS = ("PubmedArticle", "article")
_SET_TAGS = ("PubmedArticleSet", "pmc-articleset")
_SAFETY_HEADING = re.compile(r"\b(safety|adverse|toxicit|tolerability|side effects?)", re.I)
_ADVERSE_EVENT_CAPTION = re.compile(r"adverse (events?|reactions?|effects?)|toxicit|side effects", re.I)
# JATS elements whose text is not prose of the section they sit in.
_NOT_PROSE = {"title", "label", "table-wrap", "fig", "sec", "ref-list", "supplementary-material"}


def split(raw: bytes, path: str) -> Iterator[Source]:
    """Each article of the file as a `Source` (`FILE#PMID`, standalone XML); a single-article file is passed
    through. An article nested too deeply or repeating an earlier article's PMID comes with its error, and
    the rest of the set is still read.

    Articles are parsed one at a time and dropped once yielded, so a large set is never held as a tree.
    """
    events = iterparse(io.BytesIO(xml_as_utf8(raw)), events=("start", "end"))
    held: Source | None = None
    keys = UniqueKeys(path, "article")
    count = depth = 0
    too_deep = False
    try:
        _, root = next(events)
        if _local(root.tag) in _ARTICLE_TAGS:
            yield Source(path, raw)
            return
        if _local(root.tag) not in _SET_TAGS:
            raise ReaderError(path, f"XML root <{_local(root.tag)}> is not a PubMed or PMC article set")
        depth = 1
        for event, element in events:
            depth += 1 if event == "start" else -1
            if depth > MAX_XML_DEPTH:
                too_deep = True
            if event == "start" or depth != 1 or _local(element.tag) not in _ARTICLE_TAGS:
                continue
            count += 1
            if held is not None:
                yield held
            if too_deep:
                held = Source(f"{path}#article-{count}", error=f"article {count}: nested more than {MAX_XML_DEPTH} "
                              "elements deep; refused (the other articles of the set are read)")
            else:
                held = keys.source(_article_key(element, count), count, ET.tostring(element, encoding="utf-8"))
            too_deep = False
            root.clear()
    except (ET.ParseError, DefusedXmlException) as exc:
        if held is not None:
            yield held
        after = f" (after article {count} of the set, which {'were' if count > 1 else 'was'} read)" if count else ""
        raise ReaderError(path, xml_failure(exc) + after) from exc
    if held is None:
        raise ReaderError(path, "an article set with no <PubmedArticle> or <article> in it")
    yield Source(path, held.raw, held.error) if count == 1 else held


def read(raw: bytes, path: str) -> Document:
    """Read one PubMed or PMC article (a set holding exactly one article is read as that article)."""
    parts = []
    for part in split(raw, path):
        parts.append(part)
        if len(parts) > 1:
            raise ReaderError(path, "holds several articles; read it with pipeline.readers.read_documents")
    if parts[0].error:
        raise ReaderError(path, parts[0].error)
    source_path, article_xml = parts[0].path, parts[0].raw
    article = parse_xml(article_xml, path)
    if _local(article.tag) == "PubmedArticle":
        return _read_pubmed(article, article_xml, source_path)
    return _read_jats(article, article_xml, source_path)


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _article_key(article: ET.Element, number: int) -> str:
    """PMID, else PMCID, else the article's position in its set."""
    ids = _pubmed_ids(article) if _local(article.tag) == "PubmedArticle" else _jats_ids(article)
    return ids.get("pmid") or ids.get("pmcid") or f"article-{number}"


def _pubmed_ids(article: ET.Element) -> dict[str, str]:
    ids = {"pmid": _text(article.find("MedlineCitation/PMID"))}
    for item in article.iterfind("PubmedData/ArticleIdList/ArticleId"):
        kind = {"pmc": "pmcid", "doi": "doi", "pubmed": "pmid"}.get(item.get("IdType", ""))
        if kind and _text(item):
            ids.setdefault(kind, _text(item))
    return {k: v for k, v in ids.items() if v}


def _jats_ids(article: ET.Element) -> dict[str, str]:
    ids: dict[str, str] = {}
    for item in article.iterfind("front/article-meta/article-id"):
        kind = {"pmid": "pmid", "pmc": "pmcid", "pmcid": "pmcid", "doi": "doi"}.get(item.get("pub-id-type", ""))
        value = _text(item)
        if kind and value:
            ids.setdefault(kind, value if kind != "pmcid" or value.startswith("PMC") else f"PMC{value}")
    return ids


def _document(raw: bytes, path: str, title: str, builder: TextBuilder, tables: list[Table],
              ids: dict[str, str], registered: list[str]) -> Document:
    text = builder.text
    if not text.strip():
        raise ReaderError(path, "an article with neither title nor text")
    return Document(
        id=content_id(raw),
        source_path=path,
        format=FORMAT,
        title=clip_title(title),
        text=text,
        sections=builder.sections,
        tables=tables,
        nct_ids=list(dict.fromkeys(registered + ordered_nct_ids(text))),
        publication_ids=ids,
    )


def _read_pubmed(article: ET.Element, raw: bytes, path: str) -> Document:
    """Title and abstract (labelled parts become sections); trial numbers from the DataBank list."""
    citation = article.find("MedlineCitation/Article")
    if citation is None:
        raise ReaderError(path, "a <PubmedArticle> without MedlineCitation/Article")
    title = _text(citation.find("ArticleTitle")) or _text(citation.find("VernacularTitle"))
    builder = TextBuilder()
    builder.add(title, name="Title", kind="title")
    parts = [(part.get("Label", "").title(), _text(part)) for part in citation.iterfind("Abstract/AbstractText")]
    if any(label for label, _ in parts):
        start = len(builder.text)
        for label, text in parts:
            builder.add(label)
            builder.add(text, name=label or "Abstract", kind=_kind(label, "abstract"))
        add_parent_section(builder, "Abstract", "abstract", start)
    else:
        builder.add("\n\n".join(text for _, text in parts), name="Abstract", kind="abstract")
    registered = [
        _text(number)
        for bank in citation.iterfind("DataBankList/DataBank")
        if "clinicaltrials" in _text(bank.find("DataBankName")).lower()
        for number in bank.iterfind("AccessionNumberList/AccessionNumber")
    ]
    return _document(raw, path, title, builder, [], _pubmed_ids(article), registered)


def _kind(heading: str, default: str) -> str:
    kind = heading_kind(heading) or default
    if kind == "results" and _SAFETY_HEADING.search(heading):
        return "adverse_events"
    return kind


def _read_jats(article: ET.Element, raw: bytes, path: str) -> Document:
    """Title, abstract and body sections of a JATS article, its tables as `Table`s; references left out."""
    meta = article.find("front/article-meta")
    if meta is None:
        raise ReaderError(path, "an <article> without front/article-meta")
    title = _text(meta.find("title-group/article-title"))
    builder = TextBuilder()
    builder.add(title, name="Title", kind="title")
    tables: list[Table] = []
    abstract = next((a for a in meta.iterfind("abstract") if not a.get("abstract-type")), meta.find("abstract"))
    if abstract is not None:
        _add_jats_section(builder, abstract, "Abstract", "abstract", tables)
    body = article.find("body")
    if body is not None:
        builder.add("\n\n".join(_prose(body)), name="Text", kind="other")
        for section in body.iterfind("sec"):
            name = _text(section.find("title")) or "Section"
            _add_jats_section(builder, section, name, _kind(name, "other"), tables)
    for wrap in _own(body, "table-wrap") + _own(article.find("floats-group"), "table-wrap"):
        tables.append(_table(wrap, None, len(tables)))
    return _document(raw, path, title, builder, tables, _jats_ids(article), [])


def _own(element: ET.Element | None, tag: str) -> list[ET.Element]:
    """Descendants named `tag` that are not inside a sub-section of `element`."""
    found: list[ET.Element] = []
    for child in element if element is not None else ():
        if _local(child.tag) == tag:
            found.append(child)
        elif _local(child.tag) != "sec":
            found += _own(child, tag)
    return found


def _prose(element: ET.Element) -> list[str]:
    """Paragraph texts directly inside `element` (not in sub-sections, figures or tables)."""
    return [_text(p) for p in element if _local(p.tag) not in _NOT_PROSE and _text(p)]


def _add_jats_section(builder: TextBuilder, section: ET.Element, name: str, kind: str, tables: list[Table]) -> None:
    """The heading line (when the XML has one), the section's prose, then its sub-sections nested inside it."""
    if section.find("title") is not None:
        builder.add(name)
    tables += [_table(wrap, name, len(tables) + i) for i, wrap in enumerate(_own(section, "table-wrap"))]
    children = list(section.iterfind("sec"))
    paragraphs = "\n\n".join(_prose(section))
    if not children:
        builder.add(paragraphs, name=name, kind=kind)
        return
    start = len(builder.text)
    builder.add(paragraphs)
    for child in children:
        child_name = _text(child.find("title")) or name
        _add_jats_section(builder, child, child_name, _kind(child_name, kind), tables)
    add_parent_section(builder, name, kind, start)


def _table(wrap: ET.Element, section: str | None, index: int) -> Table:
    """A `<table-wrap>` as a cell grid; a cell spanning columns is followed by empty cells."""
    label = _text(wrap.find("label"))
    caption = " ".join(part for part in (label, _text(wrap.find("caption"))) if part)

    def grid(rows: list[ET.Element]) -> list[list[str]]:
        out = []
        for row in rows:
            cells: list[str] = []
            for cell in row:
                cells.append(_text(cell))
                cells += [""] * (int(cell.get("colspan", "1") or 1) - 1)
            out.append(cells)
        return out

    head_rows = wrap.findall(".//thead/tr")
    header = grid(head_rows)
    body = grid([row for row in wrap.iter("tr") if row not in head_rows])
    width = max((len(row) for row in header + body), default=0)
    header, body = ([row + [""] * (width - len(row)) for row in rows] for rows in (header, body))
    number = re.search(r"\d+[A-Za-z]?", label)
    return Table(
        id=f"table-{number.group(0)}" if number else wrap.get("id") or f"table-{index + 1}",
        caption=caption,
        header_rows=header,
        rows=body,
        section=section,
        footnotes=[_text(note) for note in wrap.iterfind("table-wrap-foot/*") if _text(note)],
        kind="adverse_events" if _ADVERSE_EVENT_CAPTION.search(caption) else None,
    )
