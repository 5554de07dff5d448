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


def drop_running_lines(layouts: list[PageLayout], settings: PdfSettings) -> str:
    """Remove running heads/feet and page numbers from each page; return their text (for DOIs and ids).

    A page whose every line would go (a page that repeats the same short text as the others) keeps its
    lines: it is text, not furniture.
    """
    candidates: list[tuple[PageLayout, Line, str]] = []
    for layout in layouts:
        for line in group_lines(layout.words, settings):
            if line.bottom < settings.running_top_share * layout.height or line.top > settings.running_bottom_share * layout.height:
                for segment in segments(line, settings.running_segment_ratio * line.size):
                    candidates.append((layout, segment, normalized(segment.text_with(settings))))
    pages_with = Counter(key for _, key in {(layout.number, key) for layout, _, key in candidates})
    threshold = max(settings.running_min_pages, round(settings.running_page_share * len(layouts)))
    dropped: dict[int, list[Line]] = {}
    for layout, segment, key in candidates:
        if pages_with[key] >= threshold or _PAGE_NUMBER.fullmatch(key):
            dropped.setdefault(layout.number, []).append(segment)
    running: list[str] = []
    for layout in layouts:
        page_segments = dropped.get(layout.number, [])
        remove = {id(word) for segment in page_segments for word in segment.words}
        kept = [w for w in layout.words if id(w) not in remove]
        if kept or not layout.words:
            layout.words = kept
            running += [segment.text_with(settings) for segment in page_segments]
    return "\n".join(running)
