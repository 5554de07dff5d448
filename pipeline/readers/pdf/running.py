"""Running heads and feet: lines in a page's head or foot zone that repeat across pages, and page numbers."""
from __future__ import annotations

import re
from collections import Counter

from pipeline.readers.pdf.layout import Line, PageLayout, group_lines, segments
from pipeline.readers.pdf.settings import PdfSettings

_PAGE_NUMBER = re.compile(r"(page )?#( of #)?")


def normalized(text: str) -> str:
    """Lower case, digits as "#", spaces collapsed: page-independent text of a running line."""
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.lower())).strip()


def _zone_segments(layout: PageLayout, settings: PdfSettings) -> list[tuple[Line, str]]:
    """Parts of the lines in a page's head and foot zones, with their page-independent text."""
    found = []
    for line in group_lines(layout.words, settings):
        if line.bottom < settings.running_top_share * layout.height or line.top > settings.running_bottom_share * layout.height:
            for segment in segments(line, settings.running_segment_ratio * line.size):
                found.append((segment, normalized(segment.text_with(settings))))
    return found


def running_keys(layouts: list[PageLayout], settings: PdfSettings) -> set[str]:
    """The texts (as `normalized`) of running heads and feet: in the head or foot zone of enough pages."""
    pages_with = Counter(key for layout in layouts for key in {key for _, key in _zone_segments(layout, settings)})
    threshold = max(settings.running_min_pages, round(settings.running_page_share * len(layouts)))
    return {key for key, count in pages_with.items() if count >= threshold}


def drop_running_lines(layout: PageLayout, keys: set[str], settings: PdfSettings) -> list[str]:
    """Remove a page's running heads/feet and page number; return their text (for DOIs and trial ids).

    A page whose every line would go (a page that repeats the same short text as the others) keeps its
    lines: it is text, not furniture; unless the page holds images (a scanned page with a running head
    stamped on it has no text of its own).
    """
    dropped = [(segment, key) for segment, key in _zone_segments(layout, settings)
               if key in keys or _PAGE_NUMBER.fullmatch(key)]
    remove = {id(word) for segment, _ in dropped for word in segment.words}
    kept = [w for w in layout.words if id(w) not in remove]
    if not kept and not layout.images:
        return []
    layout.words = kept
    return [segment.text_with(settings) for segment, _ in dropped]
