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

    # --- positions ---
    edge_slack: float = 1.0  # a word or rule this close to an edge counts as on it
    scope_slack: float = 2.0  # words whose middle is this close outside a column or region still belong to it
    column_align: float = 8.0  # lines starting (or ending) within this of each other share a column edge
    column_min_words: int = 5  # lines of running text that mark a text column have this many words...
    column_min_width_ratio: float = 15.0  # ... run at least this many font sizes wide ...
    column_min_lines: int = 3  # ... and there are at least this many of them

    # --- characters and words (layout) ---
    word_gap_ratio: float = 0.2  # a gap wider than this between two glyphs ends a word
    inferred_space_overlap_ratio: float = 0.1  # where pdfium infers a space, glyphs overlapping less than this are two words
    word_baseline_tolerance: float = 2.0  # glyphs whose bottoms differ by more are on different lines
    backwards_ratio: float = 0.5  # a glyph set this far left of the one before starts another line or column
    size_tolerance: float = 0.05  # glyph sizes closer than this are one size (one word)
    superscript_size_share: float = 0.85  # a word this much smaller than the one it touches ...
    superscript_rise_ratio: float = 0.15  # ... and raised this far is a superscript (¹, ², ³)
    ligature_space_slack_ratio: float = 0.05  # a space glyph ending inside a ligature's box (with this slack) is no space
    descent_ratio: float = 0.22  # word boxes reach this far below the baseline and one font size above that
    ligature_box_match: float = 0.01  # glyphs whose boxes start this close are letters of one ligature
    letter_spacing_max_piece: int = 3  # letter-spaced capitals come in pieces of at most this many letters...
    letter_spacing_min_letters: int = 4  # ... adding up to at least this many ...
    letter_spacing_evenness: float = 0.3  # ... set this evenly (gaps and baselines, in points)
    rotated_text_tolerance: float = 0.01  # glyphs whose baseline turns more than this (rise over run) are rotated
    rotated_warning_glyphs: int = 300  # a page with more glyphs set sideways is warned about (a rotated table)

    # --- graphics (layout) ---
    rule_max_thickness: float = 2.0  # a line or box thinner than this is a rule
    rule_min_length: float = 20.0  # shorter rules are tick marks or glyph decorations
    frame_min_width: float = 100.0  # a stroked rectangle at least this big frames a table, figure or panel
    frame_min_height: float = 40.0
    shade_min_width: float = 20.0  # a filled rectangle at least this big shades a row or a panel
    shade_min_height: float = 3.0
    white_level: float = 0.96  # fills at least this light (0..1 on every channel) are page background
    max_path_segments: int = 400  # paths with more segments are drawings (charts), not rules or frames
    max_form_depth: int = 8  # form XObjects nested deeper are not searched for rules
    bold_weight: int = 600  # fonts this heavy (or named bold, black, heavy, semibold, demi) are bold

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
    front_matter_pages: int = 1  # small-print blocks on these pages are front matter (affiliations, licence)
    front_matter_max_lines: int = 3  # elsewhere, blocks opening like front matter ("Correspondence to") this short
    gutter_min_lines: int = 2  # each side of a gutter holds at least this many lines

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
    heading_min_letters: int = 3
    hyphen_head_min: int = 2  # a line-end hyphen stays between two words the document uses, this long ...
    hyphen_tail_min: int = 3  # ... and this long

    # --- tables: captions ---
    caption_segment_ratio: float = 0.8  # a caption ends at a gap this wide on its line (a column beside it)
    caption_line_gap_ratio: float = 0.8  # caption lines follow each other within this gap
    caption_indent: float = 3.0  # caption continuation lines start within this of its first line
    caption_search_ratio: float = 3.0  # a caption belongs to a table body starting within this many sizes below it
    caption_size_tolerance: float = 0.3  # caption continuation lines are in the caption's size within this
    caption_rule_reach_ratio: float = 2.0  # a table's rules may start this many sizes above its caption

    # --- tables: cells and rows ---
    cell_gap_ratio: float = 0.75  # a gap between words at least this wide separates cells
    column_step: float = 0.5  # resolution of the column-coverage profile
    column_floor_share: float = 0.12  # x ranges covered by fewer of the table's multi-cell lines are not columns
    row_gap_ratio: float = 2.2  # a vertical gap this high (sizes) between lines ends a table
    min_row_size: float = 4.0  # gaps are measured in sizes of at least this many points
    wrap_gap_ratio: float = 0.45  # header lines closer than this are one wrapped header cell
    min_table_rows: int = 2  # a table body has at least this many lines with two or more cells
    prose_min_words: int = 6  # a line of running words, not cells...
    prose_alpha_share: float = 0.6  # ... mostly words ...
    prose_width_share: float = 0.45  # ... across most of the region
    prose_column_width_share: float = 0.6  # a body-size line this wide in a text column is running text...
    prose_gap_spread_ratio: float = 0.35  # ... when its word gaps differ by less than this (evenly spaced)
    header_rule_share: float = 0.8  # the rule under a header runs across this share of the table
    rule_min_share: float = 0.3  # rules shorter than this share of a table's width are not its rules
    ruled_rows_share: float = 0.5  # where rules separate more than this share of rows, none marks the header
    rule_align: float = 12.0  # rules of one table start and end within this of each other
    label_gap_share: float = 0.5  # row labels end this far into the gap before the first value column
    grid_note_min_words: int = 8  # a last row of one cell with this many words is a note inside a ruled grid
    lattice_snap: float = 3.0  # ruled grids: edges this close are one edge
    lattice_min_area_share: float = 0.5  # a ruled grid covers at least this share of its region
    note_size_delta: float = 0.3  # table notes are set at least this much smaller than its rows (or marked)
    note_min_words: int = 4  # a note inside a frame opens with a line of at least this many words
    beside_row_share: float = 0.5  # rows run on into the next column when this share of them have cells there
    column_start_slack: float = 1.5  # a header word starting this close to a value column's start opens a cell
    footnote_gap_ratio: float = 1.2  # table notes below a region follow each other within this gap
    footnote_opening_gap_ratio: float = 0.3  # notes inside a region start after a gap at least this high


DEFAULT_SETTINGS = PdfSettings()
