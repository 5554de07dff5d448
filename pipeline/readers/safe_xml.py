"""Every parse of untrusted XML goes through here: defusedxml refuses entity declarations (billion laughs,
quadratic blow-up) and external references (XXE), and nesting deeper than `MAX_XML_DEPTH` is refused, so
what an input can cost does not depend on the installed expat's defaults.

A DOCTYPE itself is allowed (PubMed and ClinicalTrials.gov files carry one); entities declared in it are not.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

import defusedxml.ElementTree as safe_tree
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from pipeline.readers.encodings import xml_as_utf8
from pipeline.errors import ReaderError

__all__ = ["Element", "MAX_XML_DEPTH", "parse_xml", "iterparse_xml", "xml_root_name", "local_name", "xml_failure"]

MAX_XML_DEPTH = 200  # PubMed and JATS articles nest about 20 deep, registry records about 10
_TRUNCATION_ERRORS = {expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS],
                      expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN]}


class TooDeep(Exception):
    """An element nested more than `MAX_XML_DEPTH` deep."""

    def __init__(self, line: int | None = None) -> None:
        super().__init__(line)
        self.line = line


def local_name(tag: str) -> str:
    """A tag without its `{namespace}`."""
    return tag.rsplit("}", 1)[-1]


def xml_failure(exc: BaseException) -> str:
    """One line saying why an XML parse was refused or failed."""
    if isinstance(exc, EntitiesForbidden):
        return (f"XML declares the entity {exc.name!r}; entity declarations are refused "
                "(entity expansion and external entities are a known attack)")
    if isinstance(exc, ExternalReferenceForbidden):
        return "XML refers to an external resource; external references are refused (XXE)"
    if isinstance(exc, DTDForbidden):
        return "XML document type declarations are refused here"
    if isinstance(exc, TooDeep):
        where = f" at line {exc.line}" if exc.line else ""
        return f"XML nested more than {MAX_XML_DEPTH} elements deep{where}; refused"
    if isinstance(exc, ParseError):
        line, column = exc.position
        ending = " (the file ends too early; is it truncated?)" if exc.code in _TRUNCATION_ERRORS else ""
        return f"malformed XML at line {line} column {column}: {str(exc).split(':')[0]}{ending}"
    return f"unreadable XML: {type(exc).__name__}: {exc}"


def iterparse_xml(raw: bytes, path: str, events: tuple[str, ...] = ("start", "end")) -> Iterator[tuple[str, Element]]:
    """`(event, element)` pairs of `raw`, defused and depth-checked; failures become `ReaderError`s."""
    depth = 0
    parsed = safe_tree.iterparse(io.BytesIO(xml_as_utf8(raw)), events=tuple(dict.fromkeys(events + ("start", "end"))))
    try:
        for event, element in parsed:
            depth += 1 if event == "start" else -1
            if depth > MAX_XML_DEPTH:
                raise TooDeep()
            if event in events:
                yield event, element
    except (ParseError, DefusedXmlException, TooDeep) as exc:
        raise ReaderError(path, xml_failure(exc)) from exc


def parse_xml(raw: bytes, path: str) -> Element:
    """The root element of `raw`, defused and depth-checked; failures become `ReaderError`s."""
    root = None
    for event, element in iterparse_xml(raw, path, events=("start",)):
        root = element if root is None else root
    if root is None:
        raise ReaderError(path, "XML with no element in it")
    return root


def xml_root_name(raw: bytes, path: str) -> str | None:
    """The local name of the root element, read from the first start tag only (whatever comes before it:
    declarations, comments, a long DOCTYPE); None when `raw` is not well-formed XML up to there.
    Raises `ReaderError` when the XML is refused (entity declarations, external references)."""
    try:
        for _, element in safe_tree.iterparse(io.BytesIO(xml_as_utf8(raw)), events=("start",)):
            return local_name(element.tag)
    except ParseError:
        return None
    except DefusedXmlException as exc:
        raise ReaderError(path, xml_failure(exc)) from exc
    return None
