"""Reader for HTML pages: the text of the body (scripts, styles and the head left out; block elements as
paragraphs, table cells tab-separated so tables are understood as in text files), then read as a saved
ClinicalTrials.gov record page or as article text. A page whose body has no text is refused.

The standard library's `html.parser` is used: it resolves only HTML's own named character references, never
an entity the document declares, and fetches nothing.
"""
from __future__ import annotations

from html.parser import HTMLParser

from pipeline.document import Document, content_id
from pipeline.readers import ctgov_page, text
from pipeline.errors import ReaderError
from pipeline.readers.sniff import decode_text, text_format

FORMAT = "html"
_SKIPPED = frozenset({"script", "style", "head", "title", "noscript", "template", "svg"})
_PARAGRAPHS = frozenset({"p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "h1", "h2", "h3",
                         "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "pre", "figure", "figcaption", "form"})
_LINES = frozenset({"br", "li", "tr", "dt", "dd", "caption", "hr"})
_CELLS = frozenset({"td", "th"})


class _BodyText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _PARAGRAPHS:
            self.parts.append("\n\n")
        elif tag in _LINES:
            self.parts.append("\n")
        elif tag in _CELLS:
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _PARAGRAPHS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(" ".join(data.split()) if data.strip() else (" " if data else ""))


def body_text(page: str) -> str:
    """The visible text of an HTML page, paragraphs separated by blank lines."""
    parser = _BodyText()
    parser.feed(page)
    parser.close()
    lines = ("\t".join(cell.strip() for cell in line.split("\t")).strip("\t ").strip()
             for line in "".join(parser.parts).split("\n"))
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def read(raw: bytes, path: str) -> Document:
    """Read an HTML page's body text as a record page or an article; its id is that of the page's bytes."""
    shown = body_text(decode_text(raw, path))
    if not shown:
        raise ReaderError(path, "no text: an HTML page with an empty body")
    reader = ctgov_page.read if text_format(shown) == "ctgov_page" else text.read
    document = reader(shown.encode("utf-8"), path)
    document.id = content_id(raw)
    return document
