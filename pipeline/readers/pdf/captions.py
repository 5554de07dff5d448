"""Table and figure captions as journals set them: "Table 2: ...", "TABLE II.", "table 1 | ...", "Table 3 Adverse
events" in roman or bold, "Table 2 (continued)", "Figure 1", "Fig. 3"."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.readers.pdf.layout import Box, Line, PageLayout, segments
from pipeline.readers.pdf.settings import PdfSettings

_START = re.compile(r"^(Table|TABLE|table|Tab\.|Figure|FIGURE|figure|Fig\.?|FIG\.?)$")
_NUMBER = re.compile(r"^((?:S|A|e)?\d+[A-Za-z]?|[IVX]+)([:.|]|\s*[–—-])?$")
_DELIMITER_WORD = re.compile(r"^[|:.–—-]$")
CONTINUED = re.compile(r"^\(?\s*(?:cont(?:inued|'d|\.|d)?)\b", re.I)
CONTINUATION_NOTE = re.compile(r"^\(?(?:table \d+ )?(?:continues|continued)\b.*\)?$", re.I)


@dataclass
class Caption:
    """A caption's lines; `strong` when set off as one (bold label, or a delimiter after the number),
    `continued` when it says the table goes on from an earlier part."""

    kind: str  # "table" or "figure"
    number: str
    lines: list[Line]
    text: str
    strong: bool
    continued: bool

    @property
    def box(self) -> Box:
        return Box(min(l.x0 for l in self.lines), self.lines[0].top, max(l.x1 for l in self.lines), self.lines[-1].bottom)

    @property
    def word_ids(self) -> set[int]:
        return {id(w) for line in self.lines for w in line.words}


def caption_start(line: Line, settings: PdfSettings) -> tuple[str, str, bool, bool] | None:
    """(kind, number, strong, continued) when `line` opens a caption, else None."""
    words = line.words
    if len(words) < 2 or not _START.match(words[0].text):
        return None
    number = _NUMBER.match(words[1].text)
    if not number:
        return None
    kind = "table" if words[0].text.lower().startswith("tab") else "figure"
    rest = [w.text for w in words[2:4]]
    continued = bool(rest and CONTINUED.match(" ".join(rest)))
    delimited = bool(number.group(2)) or bool(rest and _DELIMITER_WORD.match(rest[0]))
    return kind, number.group(1), words[0].bold or delimited or continued, continued


def find_captions(layout: PageLayout, lines: list[Line], settings: PdfSettings, right_edges: list[float]) -> list[Caption]:
    """Every caption of a page with its continuation lines. `right_edges` are where lines may end (text
    columns, frames, rules): a caption line wraps onto the next only when it runs to (near) one of them."""
    parts = sorted(
        (part for line in lines for part in segments(line, settings.caption_segment_ratio * line.size)),
        key=lambda line: (line.top, line.x0),
    )
    captions: list[Caption] = []
    taken: set[int] = set()
    for index, line in enumerate(parts):
        if id(line) in taken:
            continue
        start = caption_start(line, settings)
        if start is None:
            continue
        kind, number, strong, continued = start
        caption = [line]
        style = line.words[-1].font
        for follower in parts[index + 1 :]:
            last = caption[-1]
            if follower.top - last.bottom > settings.caption_line_gap_ratio * last.size:
                if follower.top > last.bottom:
                    break
                continue  # another part of the same line (a column beside the caption)
            if follower.top <= last.bottom - 0.5 * last.size or follower.x0 > last.x1 or follower.x1 < line.x0:
                continue  # the rest of the caption's line, or a column beside the caption
            if _rule_between(layout, last, follower, settings):
                break
            wraps = _wraps(last, follower, right_edges, settings)
            if (
                abs(follower.x0 - line.x0) <= settings.caption_indent
                and follower.words[0].font == style
                and abs(follower.size - last.size) <= settings.caption_size_tolerance
                and wraps
                and caption_start(follower, settings) is None
            ):
                caption.append(follower)
                taken.add(id(follower))
            else:
                break
        text = " ".join(l.text_with(settings) for l in caption)
        captions.append(Caption(kind, number, caption, text, strong, continued))
    return captions


def _wraps(line: Line, follower: Line, right_edges: list[float], settings: PdfSettings) -> bool:
    """Whether `line` ends where the first word of `follower` (after a word space) would not have fitted
    before a right edge."""
    edges = [edge for edge in right_edges if edge >= line.x1 - settings.scope_slack]
    if not edges:
        return False
    first = follower.words[0]
    space = settings.word_gap_ratio * line.size
    return line.x1 + space + (first.x1 - first.x0) >= min(edges) - settings.edge_slack


def _rule_between(layout: PageLayout, upper: Line, lower: Line, settings: PdfSettings) -> bool:
    """Whether a horizontal rule under `upper` separates it from `lower`."""
    slack = settings.edge_slack
    return any(
        upper.bottom - slack <= rule.top <= lower.top + slack and rule.x0 < upper.x1 and rule.x1 > upper.x0
        for rule in layout.rules
    )
