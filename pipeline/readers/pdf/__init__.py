"""Read journal-article PDFs into a `Document`.

    from pipeline.readers import pdf
    document = pdf.read(raw, "article.pdf")

The reader works on positioned words, page by page (`layout`: characters, rules, frames and shades from
pypdfium2, one page in memory at a time):

1. Running heads and feet (lines near the top or bottom edge that repeat on many pages, page numbers) are
   dropped (`running`).
2. Tables and figures are found from their captions and kept out of the running text (`captions`,
   `tables`); their cells come from ruled grids or from the alignment of words (`grid`), and parts of a
   table continued in the next column or page are merged.
3. The remaining words are put in reading order by recursive whitespace cuts; boxed panels, margin notes,
   affiliations and licence blocks go to the end of the text (`reading_order`).
4. Lines are joined into paragraphs, headings open sections, words broken at line ends are repaired
   (`paragraphs`).

Every threshold is a field of `PdfSettings` (`settings`).
"""
from __future__ import annotations

from pipeline.document import Document, content_id, find_nct_ids
from pipeline.readers.errors import ReaderError
from pipeline.readers.pdf.identifiers import article_doi
from pipeline.readers.pdf.layout import OpenedPdf, PageLayout, body_style, join_words
from pipeline.readers.pdf.paragraphs import Vocabulary, assemble, paragraphs
from pipeline.readers.pdf.reading_order import page_blocks, panels, title_lines
from pipeline.readers.pdf.running import drop_running_lines, normalized
from pipeline.readers.pdf.settings import DEFAULT_SETTINGS, PdfSettings
from pipeline.readers.pdf.tables import Region, build_tables, page_regions, reaches_foot

__all__ = ["PdfSettings", "read"]


def read(raw: bytes, path: str, settings: PdfSettings = DEFAULT_SETTINGS) -> Document:
    """Read a PDF article: text in reading order, sections, tables, NCT ids and DOI."""
    with OpenedPdf(raw, path) as pdf:
        layouts = list(pdf.pages(settings))
    if not any(layout.words for layout in layouts):
        raise ReaderError(path, "no extractable text (scanned image?); run OCR first")
    warnings = [_empty_page_warning(layout) for layout in layouts if not layout.words]
    front_text = join_words(layouts[0].words, settings)
    running_text = drop_running_lines(layouts, settings)
    style = body_style(layouts, settings)

    regions: list[list[Region]] = []
    open_table = False
    for layout in layouts:
        page = page_regions(layout, style, settings, open_table, warnings)
        regions.append(page)
        tables_here = [r for r in page if r.kind == "table"]
        open_table = bool(tables_here) and reaches_foot(layout, tables_here[-1], settings)
    tables = build_tables(regions, {layout.number: layout for layout in layouts}, settings, warnings)

    out_of_text = [{word_id for region in page for word_id in region.word_ids} for page in regions]
    running_keys = {normalized(line) for line in running_text.splitlines()}
    title = title_lines(layouts[0], out_of_text[0], running_keys, settings)
    out_of_text[0] |= {id(word) for line in title for word in line.words}
    title_top = min((line.top for line in title), default=0.0)
    flow, notes, figure_captions = [], [], []
    for layout, page, skip in zip(layouts, regions, out_of_text):
        figure_captions += [r.caption_text for r in page if r.kind == "figure" and r.caption_text]
        blocks = page_blocks(layout, skip, panels(layout, [r.box for r in page], settings), style.size, settings)
        if layout.number == 1:  # mastheads above the title (journal name, article type) are not its text
            notes += [b for b in blocks.flow if b[-1].bottom <= title_top]
            blocks.flow = [b for b in blocks.flow if b[-1].bottom > title_top]
        flow += blocks.flow
        notes += blocks.notes

    vocabulary = Vocabulary(flow + notes + [title], settings)
    title_text = vocabulary.join_lines(title)
    text, sections = assemble(
        title_text, paragraphs(flow, style, settings), [vocabulary.join_lines(lines) for lines in notes],
        figure_captions, vocabulary,
    )
    references = "\n".join(s.text for s in sections if s.kind == "references")
    doi = article_doi(running_text, front_text, references, text)
    return Document(
        id=content_id(raw),
        source_path=path,
        format="pdf",
        title=title_text,
        text=text,
        sections=sections,
        tables=tables,
        nct_ids=find_nct_ids(text + "\n" + running_text),
        publication_ids={"doi": doi} if doi else {},
        warnings=warnings,
    )


def _empty_page_warning(layout: PageLayout) -> str:
    if layout.images:
        return f"page {layout.number} has no extractable text, only images (scanned?); run OCR for its text"
    return f"page {layout.number} has no text (blank page)"
