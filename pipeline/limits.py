"""What one document may cost a batch run, in one place: `trialgraph run` options set them per run."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentLimits:
    """Per-document limits. A file over `max_file_bytes` is refused unread; a PDF over `max_pdf_pages` is read
    for its first pages and a text over `max_characters` is cut at a paragraph or sentence break, each with a
    warning saying what was cut; a text over `piece_characters` is annotated in pieces of at most that size.

    With the defaults a worker stays under about 700 MB (bench/README.md, "Hostile inputs"): the pipeline takes
    about 280 MB, the PDF reader reads page by page, a text is annotated a piece at a time; a 1,000-page PDF
    takes about two minutes.
    """

    max_file_bytes: int = 100_000_000
    max_pdf_pages: int = 1_000
    max_characters: int = 5_000_000
    piece_characters: int = 100_000

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_pdf_pages", "max_characters", "piece_characters"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.piece_characters < 1000:
            raise ValueError(f"piece_characters must be at least 1,000, not {self.piece_characters}")
