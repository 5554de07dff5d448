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
from pipeline.errors import ReaderError
from pipeline.readers.pdf.identifiers import article_doi
from pipeline.readers.pdf.layout import BodyStyle, OpenedPdf, PageLayout, body_style, join_words
from pipeline.readers.pdf.paragraphs import TextLine, Vocabulary, assemble, paragraphs, text_lines
from pipeline.readers.pdf.reading_order import page_blocks, panels, title_lines
from pipeline.readers.pdf.running import drop_running_lines, running_keys
from pipeline.readers.pdf.settings import DEFAULT_SETTINGS, PdfSettings
from pipeline.readers.pdf.tables import TableAssembler, page_regions, reaches_foot

__all__ = ["PdfSettings", "read"]


def read(raw: bytes, path: str, settings: PdfSettings = DEFAULT_SETTINGS) -> Document:
    """Read a PDF article: text in reading order, sections, tables, NCT ids and DOI.

    Pages stream through: running heads and the body style are learnt from the first
    `settings.running_sample_pages` pages, then each page is read and only its text lines are kept.
    """
    with OpenedPdf(raw, path) as pdf:
        pages = pdf.pages(settings)
        sample = [layout for _, layout in zip(range(settings.running_sample_pages), pages)]
        keys = running_keys(sample, settings)
        front_text = join_words(sample[0].words, settings)
        running = [text for layout in sample for text in drop_running_lines(layout, keys, settings)]
        reader = _PageReader(body_style(sample, settings), keys, settings)
        while sample:
            reader.add(sample.pop(0))
        for layout in pages:
            running += drop_running_lines(layout, keys, settings)
            reader.add(layout)
    if not reader.any_text:
        raise ReaderError(path, "no extractable text (scanned image?); run OCR first")
    running_text = "\n".join(running)
    tables = reader.tables.finish()
    title = reader.vocabulary.join_lines(reader.title)
    text, sections = assemble(title, paragraphs(reader.flow, settings), reader.notes, reader.figure_captions,
                              reader.vocabulary)
    references = "\n".join(s.text for s in sections if s.kind == "references")
    doi = article_doi(running_text, front_text, references, text)
    return Document(
        id=content_id(raw),
        source_path=path,
        format="pdf",
        title=title,
        text=text,
        sections=sections,
        tables=tables,
        nct_ids=find_nct_ids(text + "\n" + running_text),
        publication_ids={"doi": doi} if doi else {},
        warnings=reader.warnings,
    )


class _PageReader:
    """Reads pages one by one into tables, text lines in reading order, notes and figure captions."""

    def __init__(self, style: BodyStyle, running: set[str], settings: PdfSettings) -> None:
        self.style = style
        self.running = running
        self.settings = settings
        self.warnings: list[str] = []
        self.tables = TableAssembler(settings, self.warnings)
        self.vocabulary = Vocabulary(settings)
        self.title: list[TextLine] = []
        self.flow: list[list[TextLine]] = []
        self.notes: list[list[TextLine]] = []
        self.figure_captions: list[str] = []
        self.any_text = False
        self._open_table = False

    def add(self, layout: PageLayout) -> None:
        settings, style = self.settings, self.style
        if not layout.words:
            self.warnings.append(_empty_page_warning(layout))
            self._open_table = False
            return
        self.any_text = True
        if layout.rotated_glyphs > settings.rotated_warning_glyphs:
            self.warnings.append(f"page {layout.number}: {layout.rotated_glyphs} characters set sideways were not read "
                                 "(a table or figure turned on the page?)")
        regions = page_regions(layout, style, settings, self._open_table, self.warnings)
        self.tables.add(regions, layout)
        tables_here = [r for r in regions if r.kind == "table"]
        self._open_table = bool(tables_here) and reaches_foot(layout, tables_here[-1], settings)
        skip = {word_id for region in regions for word_id in region.word_ids}
        title_top = 0.0
        if layout.number == 1:
            title = title_lines(layout, skip, self.running, settings)
            skip |= {id(word) for line in title for word in line.words}
            title_top = min((line.top for line in title), default=0.0)
            self.vocabulary.add([title])
            self.title = text_lines(title, style, settings)
        self.figure_captions += [r.caption_text for r in regions if r.kind == "figure" and r.caption_text]
        blocks = page_blocks(layout, skip, panels(layout, [r.box for r in regions], settings), style.size, settings)
        flow, notes = blocks.flow, blocks.notes
        if layout.number == 1:  # mastheads above the title (journal name, article type) are not its text
            notes = [b for b in flow if b[-1].bottom <= title_top] + notes
            flow = [b for b in flow if b[-1].bottom > title_top]
        self.vocabulary.add(flow + notes)
        self.flow += [text_lines(block, style, settings) for block in flow]
        self.notes += [text_lines(block, style, settings) for block in notes]


def _empty_page_warning(layout: PageLayout) -> str:
    if layout.images:
        return f"page {layout.number} has no extractable text, only images (scanned?); run OCR for its text"
    return f"page {layout.number} has no text (blank page)"
