"""Words of a page into blocks in reading order, with the blocks that are not part of the article's running
text (boxed panels, margin notes, affiliations, licence and correspondence notes) set aside.

Blocks come from recursive whitespace cuts: a vertical gutter that no word crosses splits columns, otherwise
blank horizontal bands split blocks, so full-width blocks (title, abstract) come before the columns under them.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from pipeline.readers.pdf.layout import Box, Line, PageLayout, Word, group_lines
from pipeline.readers.pdf.settings import PdfSettings

# Blocks that are front or back matter wherever they stand: correspondence, licence, dates, affiliations
_FRONT_MATTER = re.compile(
    r"^(?:[*†‡§¶]\s*)?(?:correspondence|corresponding author|correspondence to|e-?mail|"
    r"©|\(c\)|copyright|this (?:is an )?open[- ]access|open access|this article is|this is an article|"
    r"licensee|received:?\s|accepted:?\s|published(?: online)?:?\s|revised:?\s|citation:|cite this|"
    r"full list of author information|\d?\s*(?:department|division|school|faculty|institute) of\b)",
    re.I,
)
# Mastheads: short lines a journal prints above the title
_MASTHEAD = re.compile(
    r"^(?:research(?: article)?|original (?:article|research|investigation)|articles?|open access|"
    r"clinical (?:trial|study)|randomi[sz]ed (?:controlled )?trial|study protocol|brief report|review|"
    r"letter|correspondence|editorial)(?:\s+open access)?$",
    re.I,
)
_JOURNAL = re.compile(r"\b(?:journal|lancet|bmj|bmc|jama|nejm|plos|trials|annals|reports)\b", re.I)


@dataclass
class PageBlocks:
    """A page's running-text blocks in reading order and its out-of-flow blocks."""

    flow: list[list[Line]]
    notes: list[list[Line]]


def page_blocks(
    layout: PageLayout, skip: set[int], panels: list[Box], body_size: float, settings: PdfSettings
) -> PageBlocks:
    """Blocks of a page's words that are not in `skip` (ids of table, figure and title words)."""
    words = [w for w in layout.words if id(w) not in skip]
    boxed = [[w for w in words if panel.contains(w)] for panel in panels]
    in_box = {id(w) for box in boxed for w in box}
    flow_words = [w for w in words if id(w) not in in_box]
    min_gutter = max(settings.gutter_min, settings.gutter_ratio * body_size)
    flow: list[list[Line]] = []
    notes: list[list[Line]] = [group_lines(box, settings) for box in boxed if box]
    front_page = layout.number <= settings.front_matter_pages
    for block in reading_order(flow_words, min_gutter, settings.band_gap_ratio * body_size, settings):
        lines = group_lines(block, settings)
        width = max(line.x1 for line in lines) - min(line.x0 for line in lines)
        small = statistics.median(w.size for w in block) < body_size - settings.small_print_delta
        first = lines[0].text_with(settings)
        if small and (width < settings.note_column_width_share * layout.width or front_page):
            notes.append(lines)
        elif _FRONT_MATTER.match(first) and (small or len(lines) <= settings.front_matter_max_lines):
            notes.append(lines)
        else:
            flow.append(lines)
    return PageBlocks(flow, notes)


def panels(layout: PageLayout, regions: list[Box], settings: PdfSettings) -> list[Box]:
    """Framed or shaded boxes that are not tables or figures: panels ("Research in context", "Key messages")."""
    found: list[Box] = []
    candidates = layout.frames + [
        s for s in layout.shades if s.width >= settings.frame_min_width and s.height >= settings.frame_min_height
    ]
    for box in candidates:
        if box.height >= settings.box_max_height_share * layout.height:
            continue
        if any(region.encloses(box) or box.encloses(region) for region in regions):
            continue
        if any(other.encloses(box) for other in found):
            continue
        found = [other for other in found if not box.encloses(other)] + [box]
    return found


def reading_order(words: list[Word], min_gutter: float, min_gap: float, settings: PdfSettings) -> list[list[Word]]:
    """Blocks of words in reading order by recursive cuts at gutters, then at blank bands."""
    if not words:
        return []
    gutter = _find_gutter(words, min_gutter, settings)
    if gutter is not None:
        left = [w for w in words if w.center < gutter]
        right = [w for w in words if w.center >= gutter]
        return reading_order(left, min_gutter, min_gap, settings) + reading_order(right, min_gutter, min_gap, settings)
    bands = _horizontal_bands(words, min_gap)
    if len(bands) == 1:
        return [words]
    merged = [bands[0]]
    for band in bands[1:]:
        if _find_gutter(merged[-1] + band, min_gutter, settings) is not None:
            merged[-1] = merged[-1] + band
        else:
            merged.append(band)
    return [block for band in merged for block in reading_order(band, min_gutter, min_gap, settings)]


def _find_gutter(words: list[Word], min_gutter: float, settings: PdfSettings) -> float | None:
    """The x of the widest vertical gap no word crosses, with at least two lines of text on each side."""
    spans = sorted((w.x0, w.x1) for w in words)
    gaps: list[tuple[float, float]] = []
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= min_gutter:
            gaps.append((x0 - reach, (x0 + reach) / 2))
        reach = max(reach, x1)
    left_edge, right_edge = spans[0][0], reach
    side = settings.gutter_side_min
    for _, x in sorted(gaps, reverse=True):
        if x - left_edge < side or right_edge - x < side:
            continue
        needed = settings.gutter_min_lines
        if _line_count(w for w in words if w.center < x) >= needed and _line_count(w for w in words if w.center >= x) >= needed:
            return x
    return None


def _line_count(words: object) -> int:
    return len({round(w.top / 2) for w in words})  # type: ignore[attr-defined]


def _horizontal_bands(words: list[Word], min_gap: float) -> list[list[Word]]:
    """Split words at horizontal blank bands at least `min_gap` high."""
    ordered = sorted(words, key=lambda w: w.top)
    bands = [[ordered[0]]]
    reach = ordered[0].bottom
    for word in ordered[1:]:
        if word.top - reach >= min_gap:
            bands.append([word])
        else:
            bands[-1].append(word)
        reach = max(reach, word.bottom)
    return bands


def title_lines(layout: PageLayout, skip: set[int], running: set[str], settings: PdfSettings) -> list[Line]:
    """The title: the largest-font lines in the upper part of page 1 that are not a masthead (the journal's
    name, "Articles", "RESEARCH ARTICLE") nor text the running heads repeat."""
    candidates = [w for w in layout.words if w.top < settings.title_zone_share * layout.height and id(w) not in skip]
    while candidates:
        largest = max(w.size for w in candidates)
        lines = group_lines((w for w in candidates if w.size >= largest - settings.title_size_slack), settings)
        title = lines[:1]
        for line in lines[1:]:
            if line.top - title[-1].bottom > settings.title_line_gap_ratio * largest:
                break
            title.append(line)
        text = " ".join(line.text_with(settings) for line in title)
        if _is_title(text, running, settings):
            return title
        dropped = {id(w) for line in title for w in line.words}
        candidates = [w for w in candidates if id(w) not in dropped]
    return []


def _is_title(text: str, running: set[str], settings: PdfSettings) -> bool:
    """Not a masthead: long enough, and when short, neither a masthead phrase, a journal's name nor running text."""
    if sum(c.isalpha() for c in text) < settings.title_min_letters:
        return False
    words = text.split()
    if len(words) > settings.masthead_max_words:
        return True
    key = " ".join(text.lower().split())
    return not (_MASTHEAD.match(key) or _JOURNAL.search(key) or any(key in line for line in running))
