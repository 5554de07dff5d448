"""Every threshold of the PDF reader, named in one frozen settings record.

Lengths are in PDF points (1/72 inch) unless the name says otherwise: `*_ratio` fields are multiples of
the font size of the text concerned, `*_share` fields are fractions of a page, column or region.

    from pipeline.readers.pdf import read
    from pipeline.readers.pdf.settings import PdfSettings
    document = read(raw, path, PdfSettings(cell_gap_ratio=1.0))
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PdfSettings:
    """Thresholds of the PDF reader; the defaults suit typeset journal articles."""

    # --- characters and words (layout) ---
    word_gap_ratio: float = 0.2  # a gap wider than this between two glyphs ends a word
    inferred_space_overlap_ratio: float = 0.1  # where pdfium infers a space, glyphs overlapping less than this are two words
    word_baseline_tolerance: float = 2.0  # glyphs whose bottoms differ by more are on different lines
    ligature_space_slack_ratio: float = 0.05  # a space glyph ending inside a ligature's box (with this slack) is no space
    descent_ratio: float = 0.22  # word boxes reach this far below the baseline and one font size above that
    rotated_text_tolerance: float = 0.01  # glyphs whose baseline turns more than this (rise over run) are rotated

    # --- graphics (layout) ---
    rule_max_thickness: float = 2.0  # a line or box thinner than this is a rule
    rule_min_length: float = 20.0  # shorter rules are tick marks or glyph decorations
    frame_min_width: float = 100.0  # a stroked rectangle at least this big frames a table, figure or panel
    frame_min_height: float = 40.0
    shade_min_width: float = 20.0  # a filled rectangle at least this big shades a row or a panel
    shade_min_height: float = 3.0
    white_level: float = 0.96  # fills at least this light (0..1 on every channel) are page background
    max_path_segments: int = 400  # paths with more segments are drawings (charts), not rules or frames

    # --- running heads and feet ---
    running_top_share: float = 0.1  # lines ending above this share of the page height may be running heads
    running_bottom_share: float = 0.92  # lines starting below this share may be running feet
    running_segment_ratio: float = 4.0  # a running line is split into parts at gaps this wide
    running_page_share: float = 0.4  # text in the head/foot zone of at least this share of pages is running
    running_min_pages: int = 2
    running_sample_pages: int = 40  # running heads and the body style are learnt from this many first pages

    # --- lines and reading order ---
    line_reach_above_ratio: float = 0.2  # a word joins a line whose box reaches its middle, with this slack
    line_reach_below_ratio: float = 0.1
    gutter_min: float = 5.0  # narrowest vertical gap between columns
    gutter_ratio: float = 0.6  # ... or this many body font sizes, whichever is larger
    gutter_side_min: float = 40.0  # each side of a gutter must be at least this wide
    band_gap_ratio: float = 0.55  # blank bands at least this high (body sizes) split blocks
    box_max_height_share: float = 0.4  # framed or shaded boxes up to this share of the page are panels
    note_column_width_share: float = 0.25  # small-print blocks narrower than this share of the page are margin notes
    small_print_delta: float = 0.6  # text this much smaller than the body is small print
    front_matter_pages: int = 1  # affiliations, licence and correspondence blocks are looked for on these pages

    # --- title ---
    title_zone_share: float = 0.6  # the title lies in the upper part of page 1
    title_size_slack: float = 0.6  # title lines are within this of the largest size found there
    title_line_gap_ratio: float = 1.5  # title lines follow each other closely
    title_min_letters: int = 12  # shorter candidates (mastheads such as "Articles") are not titles
    masthead_max_words: int = 5  # longer candidates are titles even when they name a journal

    # --- paragraphs and headings ---
    paragraph_gap_ratio: float = 0.65  # a vertical gap above a line this high starts a paragraph
    size_change: float = 0.8  # a size step this large starts a paragraph and marks emphasis
    indent_ratio: float = 0.8  # first-line indent of a paragraph
    flush_ratio: float = 0.5  # ... while the previous line starts within this of the block edge
    short_line_ratio: float = 2.5  # a sentence-final line ending this short of the block edge ends a paragraph
    heading_max_lines: int = 2
    heading_max_words: int = 12

    # --- tables: captions ---
    caption_segment_ratio: float = 0.8  # a caption ends at a gap this wide on its line (a column beside it)
    caption_line_gap_ratio: float = 0.8  # caption lines follow each other within this gap
    caption_indent: float = 3.0  # caption continuation lines start within this of its first line
    caption_search_ratio: float = 3.0  # a caption belongs to a table body starting within this many sizes below it

    # --- tables: cells and rows ---
    cell_gap_ratio: float = 0.75  # a gap between words at least this wide separates cells
    column_step: float = 0.5  # resolution of the column-coverage profile
    column_floor_share: float = 0.12  # x ranges covered by fewer of the table's multi-cell lines are not columns
    row_gap_ratio: float = 2.2  # a vertical gap this high (sizes) between lines ends a table
    wrap_gap_ratio: float = 0.45  # header lines closer than this are one wrapped header cell
    min_table_rows: int = 2  # a table body has at least this many lines with two or more cells
    min_aligned_share: float = 0.6  # share of a body's multi-cell lines whose cells fall in the columns
    prose_min_words: int = 6  # a line of running words, not cells...
    prose_alpha_share: float = 0.6  # ... mostly words ...
    prose_width_share: float = 0.45  # ... across most of the region
    prose_column_width_share: float = 0.6  # a body-size line this wide in a text column is running text...
    prose_gap_spread_ratio: float = 0.35  # ... when its word gaps differ by less than this (evenly spaced)
    header_rule_share: float = 0.8  # the rule under a header runs across this share of the table
    ruled_rows_share: float = 0.5  # where rules separate more than this share of rows, none marks the header
    rule_align: float = 12.0  # rules of one table start and end within this of each other
    shade_row_gap_ratio: float = 3.0  # zebra shades of one table are at most this many sizes apart
    lattice_snap: float = 3.0  # ruled grids: edges this close are one edge
    lattice_min_area_share: float = 0.5  # a ruled grid covers at least this share of its region
    note_size_delta: float = 0.3  # table notes are set at least this much smaller than its rows (or marked)
    footnote_gap_ratio: float = 1.2  # table notes below a region follow each other within this gap
    footnote_opening_gap_ratio: float = 0.3  # notes inside a region start after a gap at least this high

    @property
    def cell_gap(self) -> float:
        """Cell gap at a 10-point size, for readers of the settings."""
        return 10 * self.cell_gap_ratio


DEFAULT_SETTINGS = PdfSettings()
