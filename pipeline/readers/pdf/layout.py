"""Page geometry from pypdfium2: positioned words, rules, frames and shaded boxes, one page at a time.

Coordinates are PDF points from the top-left corner of the crop box, `top` growing downwards (as in
pdfplumber). A word's box is its glyphs' advance widths across and its font size high, resting on the
font's descent line, so lines of one size have boxes of one height whatever the glyphs.
"""
from __future__ import annotations

import ctypes
import re
import statistics
import threading
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.errors import ReaderError
from pipeline.readers.pdf.settings import PdfSettings

BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|medium|\.B$", re.I)
HYPHENS = ("-", "\u2010", "\u00ad")
LIGATURE_LETTERS = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st"}
# pdfium marks a hyphen it takes for a line-end break with U+FFFE (or the control code 2); it is a hyphen
_PDFIUM_HYPHEN_MARKS = {0xFFFE: "-", 0x02: "-"}
_SKIPPED_CODES = frozenset({0x0D, 0x0A, 0x00, 0xFFFF})
_WHITESPACE = frozenset({0x20, 0x09, 0xA0, 0x2002, 0x2003, 0x2009, 0x200A, 0x202F, 0x3000})
_BREAKS = _SKIPPED_CODES | _WHITESPACE


def _by_address(function: object, restype: object, *argtypes: object) -> object:
    """The same pdfium function called with plain addresses (ints): no argument conversion per glyph."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


# called once or twice per glyph: the text object's address (compared glyph by glyph) and the glyph's box
_TEXT_OBJECT_ADDRESS = _by_address(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_LOOSE_CHAR_BOX = _by_address(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
_IS_GENERATED = _by_address(pdfium_c.FPDFText_IsGenerated, ctypes.c_int, ctypes.c_void_p, ctypes.c_int)

_SUPERSCRIPT_SOURCE = "0123456789+-−=()abcdefin"
_SUPERSCRIPTS = str.maketrans(_SUPERSCRIPT_SOURCE, "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠⁱⁿ")
# pdfium keeps per-document state that is not safe across threads; readers in one process take turns
_PDFIUM_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True, eq=False)
class Word:
    """A run of glyphs on one line in one font and size, with no gap wider than a word space."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    bold: bool
    spaced: bool = True  # a space or a word gap follows (False where only the font or size changes)

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle on a page."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def contains(self, word: Word, margin: float = 1.0) -> bool:
        """Whether the middle of `word` lies inside this box (grown by `margin`)."""
        return (
            self.x0 - margin <= word.center <= self.x1 + margin
            and self.top - margin <= word.middle <= self.bottom + margin
        )

    def encloses(self, other: Box, margin: float = 1.0) -> bool:
        return (
            other.x0 >= self.x0 - margin
            and other.top >= self.top - margin
            and other.x1 <= self.x1 + margin
            and other.bottom <= self.bottom + margin
        )


@dataclass(slots=True)
class PageLayout:
    """What one page holds: words, horizontal and vertical rules, stroked frames, filled shades."""

    number: int
    width: float
    height: float
    words: list[Word]
    rules: list[Box] = field(default_factory=list)  # horizontal
    vertical_rules: list[Box] = field(default_factory=list)
    frames: list[Box] = field(default_factory=list)
    shades: list[Box] = field(default_factory=list)
    images: int = 0  # image objects, to tell a scanned page from a blank one
    rotated_glyphs: int = 0  # glyphs not set upright (skipped)


class Line:
    """Words on one line, left to right; built once, its extent and text are worked out when first asked for."""

    __slots__ = ("words", "x0", "x1", "top", "bottom", "_size", "_font", "_text")

    def __init__(self, words: list[Word]) -> None:
        self.words = words
        self.x0 = min(w.x0 for w in words)
        self.x1 = max(w.x1 for w in words)
        self.top = min(w.top for w in words)
        self.bottom = max(w.bottom for w in words)
        self._size: float | None = None
        self._font: str | None = None
        self._text: str | None = None

    @property
    def size(self) -> float:
        if self._size is None:
            self._size = statistics.median(w.size for w in self.words)
        return self._size

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words if any(c.isalpha() for c in w.text))

    @property
    def font(self) -> str:
        """The font most of the line's characters are set in."""
        if self._font is None:
            counts: Counter[str] = Counter()
            for word in self.words:
                counts[word.font] += len(word.text)
            self._font = counts.most_common(1)[0][0]
        return self._font

    def text_with(self, settings: PdfSettings) -> str:
        if self._text is None:
            self._text = join_words(self.words, settings)
        return self._text

    def __repr__(self) -> str:
        return f"Line({' '.join(w.text for w in self.words)!r})"


@dataclass(frozen=True)
class BodyStyle:
    """The size and font that most of the document's text is set in."""

    size: float
    font: str
    size_change: float = 0.8

    def emphasised(self, line: Line) -> bool:
        """Set apart from body text: bold, larger, or mostly in another font."""
        if line.bold or line.size >= self.size + self.size_change:
            return True
        body = sum(len(w.text) for w in line.words if w.font == self.font)
        return 2 * body < sum(len(w.text) for w in line.words)


def body_style(layouts: Iterable[PageLayout], settings: PdfSettings) -> BodyStyle:
    """The font size and font that most characters are set in (10-point "body" when there are no words)."""
    sizes: Counter[float] = Counter()
    fonts: Counter[str] = Counter()
    for layout in layouts:
        for word in layout.words:
            sizes[round(word.size, 1)] += len(word.text)
            fonts[word.font] += len(word.text)
    if not sizes:
        return BodyStyle(10.0, "", settings.size_change)
    return BodyStyle(sizes.most_common(1)[0][0], fonts.most_common(1)[0][0], settings.size_change)


def join_words(words: Iterable[Word], settings: PdfSettings) -> str:
    """Words of one line in x order; no space after a word that only a change of font or size ended
    (superscripts, markers, a bold label and its colon)."""
    parts: list[str] = []
    previous: Word | None = None
    for word in words:
        text = word.text
        if previous is not None:
            same_line = abs(word.top - previous.top) < max(word.size, previous.size)
            attached = not previous.spaced and same_line
            parts.append("" if attached else (" " if same_line else "\n"))
            if attached and _superscript(word, previous, settings):
                text = text.translate(_SUPERSCRIPTS)
        parts.append(text)
        previous = word
    return "".join(parts)


def _superscript(word: Word, previous: Word, settings: PdfSettings) -> bool:
    """A smaller word set above the baseline of the word it is attached to, in characters that have
    superscript forms ("m" "2" -> "m²", a note marker "MVPA" "1" -> "MVPA¹")."""
    return (
        word.size <= settings.superscript_size_share * previous.size
        and word.bottom < previous.bottom - settings.superscript_rise_ratio * previous.size
        and all(c in _SUPERSCRIPT_SOURCE for c in word.text)
    )


def group_lines(words: Iterable[Word], settings: PdfSettings) -> list[Line]:
    """Group words into lines (top to bottom, words left to right); superscripts stay on their line."""
    above, below = settings.line_reach_above_ratio, settings.line_reach_below_ratio
    groups: list[list[Word]] = []
    extents: list[list[float]] = []  # [top, bottom] of each group so far
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        middle = (word.top + word.bottom) / 2
        reach_up, reach_down = above * word.size, below * word.size
        for index in range(len(groups) - 1, max(len(groups) - 4, -1), -1):
            extent = extents[index]
            if extent[0] - reach_up <= middle <= extent[1] + reach_down:
                groups[index].append(word)
                if word.top < extent[0]:
                    extent[0] = word.top
                if word.bottom > extent[1]:
                    extent[1] = word.bottom
                break
        else:
            groups.append([word])
            extents.append([word.top, word.bottom])
    lines = [Line(sorted(group, key=lambda w: w.x0)) for group in groups]
    lines.sort(key=lambda line: line.top)
    return lines


def segments(line: Line, gap: float) -> list[Line]:
    """Split a line where the space between two words is wider than `gap`."""
    words = line.words
    parts: list[list[Word]] = [[words[0]]]
    for previous, word in zip(words, words[1:]):
        if word.x0 - previous.x1 > gap:
            parts.append([word])
        else:
            parts[-1].append(word)
    if len(parts) == 1:
        return [line]
    return [Line(part) for part in parts]


class OpenedPdf:
    """A PDF opened with pdfium from bytes; errors become `ReaderError`s naming the file and the cause."""

    def __init__(self, raw: bytes, path: str) -> None:
        self._raw = raw
        self._path = path
        self._document: pdfium.PdfDocument | None = None
        self._locked = False

    def __enter__(self) -> OpenedPdf:
        if b"%PDF-" not in self._raw[:1024]:
            raise ReaderError(self._path, "damaged PDF: no %PDF- header")
        _PDFIUM_LOCK.acquire()
        self._locked = True
        try:
            self._document = pdfium.PdfDocument(self._raw)
            pages = len(self._document)
        except pdfium.PdfiumError as exc:
            self.__exit__()
            raise ReaderError(self._path, self._cause(exc)) from exc
        if not pages:
            self.__exit__()
            raise ReaderError(self._path, f"damaged PDF: no pages found{self._ending()}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._document is not None:
            self._document.close()
            self._document = None
        if self._locked:
            self._locked = False
            _PDFIUM_LOCK.release()

    def __len__(self) -> int:
        assert self._document is not None
        return len(self._document)

    def _ending(self) -> str:
        return "" if b"%%EOF" in self._raw[-2048:] else "; the file ends without %%EOF, so it is probably truncated"

    def _cause(self, exc: pdfium.PdfiumError) -> str:
        code = getattr(exc, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            return "encrypted PDF: needs a password"
        detail = str(exc).removeprefix("Failed to load document ").strip(" .()").removeprefix("PDFium: ")
        return f"damaged PDF: {detail or 'unreadable'}{self._ending()}; re-download or repair the file (e.g. qpdf, mutool clean)"

    def pages(self, settings: PdfSettings) -> Iterator[PageLayout]:
        """Each page's layout in order; a page pdfium cannot parse raises `ReaderError`."""
        assert self._document is not None
        for index in range(len(self._document)):
            try:
                page = self._document[index]
            except pdfium.PdfiumError as exc:
                raise ReaderError(self._path, f"page {index + 1}: damaged PDF: {exc}") from exc
            try:
                yield _PageReader(page, index + 1, settings).layout()
            finally:
                page.close()


class _PageReader:
    """Reads one pdfium page into a `PageLayout`."""

    def __init__(self, page: pdfium.PdfPage, number: int, settings: PdfSettings) -> None:
        self.page = page
        self.number = number
        self.settings = settings
        bounds = pdfium_c.FS_RECTF()  # the visible page (crop box within media box, inherited boxes resolved)
        if pdfium_c.FPDF_GetPageBoundingBox(page.raw, bounds):
            left, bottom, right, top = bounds.left, bounds.bottom, bounds.right, bounds.top
        else:
            left, bottom, right, top = 0.0, 0.0, page.get_width(), page.get_height()
        self.left, self.top_edge = left, top
        self.width, self.height = right - left, top - bottom

    def layout(self) -> PageLayout:
        words, rotated = self._words()
        layout = PageLayout(self.number, self.width, self.height, words, rotated_glyphs=rotated)
        self._graphics(layout)
        return layout

    # --- text ---

    def _words(self) -> tuple[list[Word], int]:
        settings = self.settings
        textpage = pdfium_c.FPDFText_LoadPage(self.page.raw)
        if not textpage:
            return [], 0
        try:
            count = pdfium_c.FPDFText_CountChars(textpage)
            if count <= 0:
                return [], 0
            buffer = ctypes.create_string_buffer((count + 1) * 2)
            pdfium_c.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
            codes = array("H", buffer.raw[: count * 2])
            return _WordBuilder(textpage, self, settings).build(codes)
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)

    # --- graphics ---

    def _graphics(self, layout: PageLayout) -> None:
        page = self.page.raw
        for index in range(pdfium_c.FPDFPage_CountObjects(page)):
            self._graphic(pdfium_c.FPDFPage_GetObject(page, index), None, layout, 0)
        layout.rules = _unique(layout.rules)
        layout.vertical_rules = _unique(layout.vertical_rules)
        layout.frames = _unique(layout.frames)
        layout.shades = _unique(layout.shades)

    def _graphic(self, obj: object, form_matrix: tuple[float, ...] | None, layout: PageLayout, depth: int) -> None:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            self._path(obj, form_matrix, layout)
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            layout.images += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < self.settings.max_form_depth:
            matrix = _compose(_object_matrix(obj), form_matrix)
            for index in range(pdfium_c.FPDFFormObj_CountObjects(obj)):
                self._graphic(pdfium_c.FPDFFormObj_GetObject(obj, index), matrix, layout, depth + 1)

    def _path(self, obj: object, form_matrix: tuple[float, ...] | None, layout: PageLayout) -> None:
        settings = self.settings
        left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            return
        width, height = right.value - left.value, top.value - bottom.value
        if max(width, height) < min(settings.rule_min_length, settings.shade_min_width):
            return  # dots, markers and glyph-like shapes
        fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDFPath_GetDrawMode(obj, fill_mode, stroke)
        filled = fill_mode.value != 0 and not self._white(obj)
        stroked = bool(stroke.value)
        if not (filled or stroked):
            return
        count = pdfium_c.FPDFPath_CountSegments(obj)
        if count <= 0 or count > settings.max_path_segments:
            return
        matrix = _compose(_object_matrix(obj), form_matrix)
        for points, closed in _subpaths(obj, count):
            points = [self._to_page(_apply(matrix, x, y)) for x, y in points]
            self._add_shape(points, closed, filled, stroked, layout)

    def _white(self, obj: object) -> bool:
        r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
        if not pdfium_c.FPDFPageObj_GetFillColor(obj, r, g, b, a):
            return False
        level = self.settings.white_level * 255
        return a.value == 0 or min(r.value, g.value, b.value) >= level

    def _to_page(self, point: tuple[float, float]) -> tuple[float, float]:
        return point[0] - self.left, self.top_edge - point[1]

    def _add_shape(
        self, points: list[tuple[float, float]], closed: bool, filled: bool, stroked: bool, layout: PageLayout
    ) -> None:
        settings = self.settings
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        box = Box(min(xs), min(ys), max(xs), max(ys))
        rectangle = len(points) >= 4 and _axis_aligned(points)
        thin = settings.rule_max_thickness
        if filled and rectangle:
            if box.height <= thin and box.width >= settings.rule_min_length:
                layout.rules.append(box)
                return
            if box.width <= thin and box.height >= settings.rule_min_length:
                layout.vertical_rules.append(box)
                return
            if box.width >= settings.shade_min_width and box.height >= settings.shade_min_height:
                layout.shades.append(box)
        if not stroked:
            return
        if rectangle and (closed or points[0] == points[-1]):
            if box.width >= settings.frame_min_width and box.height >= settings.frame_min_height:
                layout.frames.append(box)
        ring = points + ([points[0]] if closed else [])
        for (ax, ay), (bx, by) in zip(ring, ring[1:]):
            if abs(ay - by) <= thin and abs(ax - bx) >= settings.rule_min_length:
                layout.rules.append(Box(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
            elif abs(ax - bx) <= thin and abs(ay - by) >= settings.rule_min_length:
                layout.vertical_rules.append(Box(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))


class _WordBuilder:
    """Glyphs of one text page into words: a new word at spaces, line changes, gaps and font changes.

    pdfium's own inferred spaces are ignored (the gap rule decides); its line-end hyphen marks end the word
    they follow. A glyph's baseline is found once per text object (the distance from the glyph's loose box
    bottom to its origin is the font's descent there), so glyphs of fonts with other metrics, such as small
    capitals, stay on their line.
    """

    def __init__(self, textpage: object, page: _PageReader, settings: PdfSettings) -> None:
        self.textpage = textpage
        self.page = page
        self.settings = settings
        self.fonts: dict[int, tuple[str, bool]] = {}
        self.words: list[Word] = []
        self.rotated = 0

    def build(self, codes: array) -> tuple[list[Word], int]:
        textpage = ctypes.cast(self.textpage, ctypes.c_void_p).value
        settings = self.settings
        box = pdfium_c.FS_RECTF()
        box_address = ctypes.addressof(box)
        matrix = pdfium_c.FS_MATRIX()
        origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
        loose_box = _LOOSE_CHAR_BOX
        object_address = _TEXT_OBJECT_ADDRESS
        is_generated = _IS_GENERATED
        ligatures = LIGATURE_LETTERS
        breaks = _BREAKS
        left, top_edge = self.page.left, self.page.top_edge
        gap_ratio, baseline_tolerance = settings.word_gap_ratio, settings.word_baseline_tolerance
        space_slack = settings.ligature_space_slack_ratio
        overlap_ratio = settings.inferred_space_overlap_ratio
        backwards, size_tolerance = settings.backwards_ratio, settings.size_tolerance
        same_box = settings.ligature_box_match
        current_object = None
        font, bold, size, upright, descent = "", False, 0.0, True, 0.0
        chars: list[str] = []
        x0 = x1 = baseline = last_x0 = 0.0
        box_top = box_bottom = 0.0  # of the glyph before: the text object is looked up again when they change
        word: tuple[float, str, bool] = (0.0, "", False)  # size, font, bold of the word being built
        in_ligature = inferred_space = False

        for index, code in enumerate(codes):
            if code in breaks:
                if code == 0x20 and is_generated(textpage, index):
                    inferred_space = True  # pdfium saw a word space: glyphs that do not overlap are two words
                    continue
                if code == 0x20 and in_ligature:
                    loose_box(textpage, index, box_address)  # a space drawn inside a ligature's box is no word break
                    if box.right - left <= x1 + space_slack * word[0]:
                        continue
                if chars:
                    self._emit(chars, x0, x1, baseline, word, True)
                    chars = []
                in_ligature = False
                continue
            hyphen_mark = _PDFIUM_HYPHEN_MARKS.get(code)
            if hyphen_mark is not None:  # its box is not a glyph's: it only ends the word before it
                if chars:
                    chars.append(hyphen_mark)
                    loose_box(textpage, index, box_address)
                    x1 = max(x1, box.right - left)
                continue
            loose_box(textpage, index, box_address)
            char_x0 = box.left - left
            spaced = bool(chars) and (
                (char_x0 - x1 > -overlap_ratio * size if inferred_space else char_x0 - x1 > gap_ratio * size)
                or char_x0 < last_x0 - backwards * size  # drawn back to the left: another line or column
            )
            if not chars or spaced or box.top != box_top or box.bottom != box_bottom:
                box_top, box_bottom = box.top, box.bottom
                handle = object_address(textpage, index)
                if handle != current_object:
                    current_object = handle
                    font, bold, size, upright = self._object_style(index, matrix)
                    pdfium_c.FPDFText_GetCharOrigin(self.textpage, index, origin_x, origin_y)
                    descent = origin_y.value - box.bottom
            if not upright or size <= 0:
                self.rotated += 1
                continue
            char_baseline = top_edge - (box.bottom + descent)
            if chars:
                if (
                    spaced
                    or abs(char_baseline - baseline) > baseline_tolerance  # a superscript, or another line
                    or font != word[1]
                    or abs(size - word[0]) > size_tolerance
                ):
                    self._emit(chars, x0, x1, baseline, word, spaced)
                    chars = []
            if chars:
                in_ligature = abs(char_x0 - last_x0) < same_box  # pdfium gives each letter of a ligature its box
                char_x1 = box.right - left
                if char_x1 > x1:
                    x1 = char_x1
            else:
                x0, x1, baseline, word, in_ligature = char_x0, box.right - left, char_baseline, (size, font, bold), False
            letters = ligatures.get(code)
            if letters is None:
                chars.append(chr(code))
            else:
                chars.append(letters)
                in_ligature = True
            last_x0 = char_x0
            inferred_space = False
        if chars:
            self._emit(chars, x0, x1, baseline, word, True)
        return _join_letter_spacing(self.words, settings), self.rotated

    def _emit(
        self, chars: list[str], x0: float, x1: float, baseline: float, style: tuple[float, str, bool], spaced: bool
    ) -> None:
        text = "".join(chars)
        if text.strip():
            size, font, bold = style
            bottom = baseline + self.settings.descent_ratio * size
            self.words.append(Word(text, x0, x1, bottom - size, bottom, size, font, bold, spaced))

    def _object_style(self, index: int, matrix: object) -> tuple[str, bool, float, bool]:
        """(font name, bold, size in points, upright) of the text object holding glyph `index`."""
        textpage = self.textpage
        pdfium_c.FPDFText_GetMatrix(textpage, index, matrix)
        # a baseline turned away from the x axis is rotated text; a shear alone (slanted italics) is upright
        upright = abs(matrix.b) <= self.settings.rotated_text_tolerance * max(abs(matrix.a), 1e-9)
        upright = upright and matrix.a > 0 and matrix.d > 0
        size = pdfium_c.FPDFText_GetFontSize(textpage, index) * abs(matrix.d)
        font_handle = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(textpage, index))
        key = ctypes.cast(font_handle, ctypes.c_void_p).value or 0
        style = self.fonts.get(key)
        if style is None:
            style = self.fonts[key] = _font_style(font_handle, self.settings)
        return style[0], style[1], round(size, 2), upright


def _join_letter_spacing(words: list[Word], settings: PdfSettings) -> list[Word]:
    """Rejoin letter-spaced capitals ("RES EAR CH", where pdfium inferred spaces between tracked letters):
    runs of short all-capital words in one font on one baseline, evenly spaced closer than a word space."""
    joined: list[Word] = []
    run: list[Word] = []

    def flush() -> None:
        if len(run) >= 2 and sum(len(w.text) for w in run) >= settings.letter_spacing_min_letters:
            first, last = run[0], run[-1]
            joined.append(Word("".join(w.text for w in run), first.x0, last.x1, first.top, first.bottom,
                               first.size, first.font, first.bold, last.spaced))
        else:
            joined.extend(run)
        run.clear()

    for word in words:
        capitals = len(word.text) <= settings.letter_spacing_max_piece and word.text.isalpha() and word.text.isupper()
        if capitals and run:
            last = run[-1]
            gap = word.x0 - last.x1
            even = len(run) < 2 or abs(gap - (run[1].x0 - run[0].x1)) < settings.letter_spacing_evenness
            if not (word.font == last.font and abs(word.bottom - last.bottom) < settings.letter_spacing_evenness
                    and 0 <= gap < settings.word_gap_ratio * word.size and even):
                flush()
        if capitals:
            run.append(word)
        else:
            flush()
            joined.append(word)
    flush()
    return joined


def _font_style(font_handle: object, settings: PdfSettings) -> tuple[str, bool]:
    """(name, bold) of a pdfium font: the base font name without its subset tag; bold by name or weight."""
    if not font_handle:
        return "", False
    buffer = ctypes.create_string_buffer(256)
    length = pdfium_c.FPDFFont_GetBaseFontName(font_handle, buffer, 256)
    name = buffer.raw[: max(length - 1, 0)].decode("latin-1", errors="replace")
    name = re.sub(r"^[A-Z]{6}\+", "", name)
    weight = pdfium_c.FPDFFont_GetWeight(font_handle)
    return name, bool(BOLD_FONT.search(name)) or weight >= settings.bold_weight


def _object_matrix(obj: object) -> tuple[float, ...]:
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _compose(inner: tuple[float, ...], outer: tuple[float, ...] | None) -> tuple[float, ...]:
    """The matrix applying `inner`, then `outer` (PDF row-vector convention)."""
    if outer is None:
        return inner
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(matrix: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return (a * x + c * y + e, b * x + d * y + f)


def _subpaths(obj: object, count: int) -> Iterator[tuple[list[tuple[float, float]], bool]]:
    """(points, closed) of each straight-edged subpath of a path object; curves end a subpath."""
    x, y = ctypes.c_float(), ctypes.c_float()
    points: list[tuple[float, float]] = []
    closed = False
    for index in range(count):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if len(points) >= 2:
                yield points, closed
            points, closed = [(x.value, y.value)], False
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            points.append((x.value, y.value))
        else:  # a curve: what was straight so far still counts
            if len(points) >= 2:
                yield points, False
            points, closed = [(x.value, y.value)], False
            continue
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            closed = True
    if len(points) >= 2:
        yield points, closed


def _axis_aligned(points: list[tuple[float, float]]) -> bool:
    """Whether the points are the corners of an axis-aligned rectangle (in any order, possibly repeated)."""
    xs = sorted({round(p[0], 1) for p in points})
    ys = sorted({round(p[1], 1) for p in points})
    return len(points) <= 6 and len(xs) <= 2 and len(ys) <= 2


def _unique(boxes: list[Box]) -> list[Box]:
    seen: dict[tuple[int, ...], Box] = {}
    for box in boxes:
        seen.setdefault((round(box.x0), round(box.top), round(box.x1), round(box.bottom)), box)
    return sorted(seen.values(), key=lambda b: (b.top, b.x0))
