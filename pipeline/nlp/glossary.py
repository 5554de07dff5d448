"""Short forms a document defines in a glossary, not in brackets: a table's footnote ("CP: crude protein; NDF:
neutral detergent fibre") or an abbreviations list ("Abbreviations: AE, adverse event; BMI, body mass index").

scispaCy's abbreviation detector reads "long form (SHORT)" only. This component adds each glossary entry to its
output, `doc._.abbreviations`, as the detector does: every occurrence of the short form in the document, with
`Span._.long_form` the glossary's long form; so the components after it treat "CP" as crude protein everywhere
(no drug), as they would after "crude protein (CP)". An entry is a short form with at least two capitals or a
capital and a digit, a colon, comma or equals sign, and a long form whose first letter is the short form's; a
glossary is at least `min_entries` entries in a row, joined by semicolons. A definition in apposition inside
brackets ("(resistant starches, RS)") is one entry on its own, when the initials of the words before the comma spell
the short form. A short form the detector defined already keeps the detector's definitions.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc, Span

# one entry ("CP: crude protein", "AE, adverse event", "HR = hazard ratio"): a whole piece between semicolons,
# the end of a glossary's first piece ("... of diet. CP: crude protein") or the start of its last
_SHORT_AND_LONG = r"(?P<short>[A-Za-z0-9][\w/-]{0,9})\s*[:,=]\s+(?P<long>[^;:=\n()\[\]]{3,80}?)"
_WHOLE_ENTRY = re.compile(rf"\s*{_SHORT_AND_LONG}\.?\s*")
_LAST_ENTRY = re.compile(rf"\s*{_SHORT_AND_LONG}\s*(?=\.\s|\.$|$)")
_FIRST_ENTRY = re.compile(rf"(?:^|(?<=[.:]\s)|(?<=\s))(?=\S){_SHORT_AND_LONG}\s*$")
# "(resistant starches, RS)": the words of the bracket before ", SHORT)", whose last ones the short form abbreviates
_APPOSITION = re.compile(r"\((?P<words>[^()\[\];,\n]{3,80}), (?P<short>[A-Z][A-Z0-9]{1,7})\)")
_APPOSITION_WORD = re.compile(r"[^\W\d_][\w'-]*")
_PIECES = re.compile(r"[^;\n]+")
_LINES = re.compile(r"[^\n]+")


def _is_short_form(text: str) -> bool:
    capitals = sum(c.isupper() for c in text)
    return capitals >= 2 or (capitals == 1 and any(c.isdigit() for c in text))


class GlossaryReader:
    """Add the short forms of a document's glossaries to `doc._.abbreviations`."""

    def __init__(self, min_entries: int = 2) -> None:
        self.min_entries = min_entries

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text  # `doc.text` walks every token: read it once
        if not Doc.has_extension("abbreviations") or (";" not in text and "(" not in text):
            return doc
        abbreviations = list(doc._.abbreviations or [])
        defined = {short.text for short in abbreviations}
        glossary: dict[str, Span] = {}
        for short, long_form in (*self.entries(doc, text), *appositions(doc, text)):
            if short not in defined:
                glossary.setdefault(short, long_form)
        if not glossary:
            return doc
        for token in doc:
            long_form = glossary.get(token.text)
            if long_form is not None:
                occurrence = doc[token.i : token.i + 1]
                occurrence._.long_form = long_form
                abbreviations.append(occurrence)
        doc._.abbreviations = abbreviations
        return doc

    def entries(self, doc: Doc, text: str | None = None) -> Iterator[tuple[str, Span]]:
        """(short form, long form span) of every entry of a run of at least `min_entries` entries: the pieces of
        a line between semicolons, a run opening at the end of a piece and closing at the start of one. `text` is
        `doc.text`, when the caller has read it."""
        text = doc.text if text is None else text
        if ";" not in text:
            return
        for line in _LINES.finditer(text):
            if ";" not in line.group():
                continue
            run: list[re.Match[str]] = []
            for piece in _PIECES.finditer(text, line.start(), line.end()):
                whole = _WHOLE_ENTRY.fullmatch(text, piece.start(), piece.end())
                if whole is not None and self._entry(whole):
                    run.append(whole)
                    continue
                last = _LAST_ENTRY.match(text, piece.start(), piece.end())
                if last is not None and self._entry(last):
                    run.append(last)  # "ADF: acid detergent fibre. The mean ..."
                if len(run) >= self.min_entries:
                    yield from self._spans(doc, run)
                first = _FIRST_ENTRY.search(text, last.end() if last else piece.start(), piece.end())
                run = [first] if first is not None and self._entry(first) else []
            if len(run) >= self.min_entries:
                yield from self._spans(doc, run)

    @staticmethod
    def _entry(match: re.Match[str]) -> bool:
        short, long_form = match["short"], match["long"]
        return (_is_short_form(short) and long_form[:1].lower() == short[:1].lower()
                and len(long_form.split()) <= 8)

    @staticmethod
    def _spans(doc: Doc, run: list[re.Match[str]]) -> Iterator[tuple[str, Span]]:
        for match in run:
            long_form = doc.char_span(match.start("long"), match.end("long"), alignment_mode="contract")
            if long_form is not None and len(long_form):
                yield match["short"], long_form


def appositions(doc: Doc, text: str) -> Iterator[tuple[str, Span]]:
    """(short form, long form span) of each definition in apposition inside brackets: "(resistant starches, RS)",
    "(e.g. body mass index, BMI)"; the long form is the last words before the comma, one per letter of the short
    form, their initials spelling it."""
    for match in _APPOSITION.finditer(text):
        short = match["short"]
        letters = [c.lower() for c in short if c.isalpha()]
        words = list(_APPOSITION_WORD.finditer(text, match.start("words"), match.end("words")))
        if len(letters) < 2 or len(words) < len(letters):
            continue
        long_words = words[-len(letters):]
        if [word.group()[0].lower() for word in long_words] != letters:
            continue
        long_form = doc.char_span(long_words[0].start(), long_words[-1].end(), alignment_mode="contract")
        if long_form is not None and len(long_form):
            yield short, long_form
