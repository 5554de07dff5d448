"""Reading one table cell: counts `31 (94)`, `1/188`, `1/188 (0.5%)`, percentages, dashes, values with a spread
or a confidence interval, and the footnote markers that trail labels and numbers; a registry results table's
cells are its numbers as registered (`Table.numbers`), never read back from their text."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.document import CellNumbers, Table

# Footnote markers: symbols, bracketed symbols or letters ("[†]", "[a]"), and runs of asterisks.
_MARKER_CHARS = "*†‡§¶‖#"
_TRAILING_MARKERS = re.compile(rf"(?:\s*(?:\[[^\]\s]{{1,3}}\]|[{_MARKER_CHARS}]+|[¹²³⁴⁵⁶⁷⁸⁹⁰ᵃᵇᶜᵈᵉ]+))+$")
_DASHES = frozenset({"-", "–", "—", "−", "‒", "--", "——"})
_NOT_REPORTED = frozenset({"na", "n/a", "nr", "..", "…", "nd", "not reported", "not applicable"})
_NUMBER = r"[-−]?\d+(?:[.,·]\d+)?"
_COUNT_PERCENT = re.compile(rf"^(\d+)\s*\(\s*(<|≤|>)?\s*({_NUMBER})\s*%?\s*\)$")
_COUNT_OF_TOTAL = re.compile(rf"^(\d+)\s*/\s*(\d+)(?:\s*\(\s*(<|≤|>)?\s*({_NUMBER})\s*%?\s*\))?$")
_PERCENT = re.compile(rf"^(<|≤|>)?\s*({_NUMBER})\s*%$")
_PLAIN_NUMBER = re.compile(rf"^({_NUMBER})$")
_VALUE_INTERVAL = re.compile(rf"^({_NUMBER})\s*\(\s*({_NUMBER}|NA)\s*(?:to|,|–|—|-)\s*({_NUMBER}|NA)\s*\)$")
_VALUE_SPREAD = re.compile(rf"^({_NUMBER})\s*\(\s*±?\s*({_NUMBER})\s*\)$")
_ROW_TOTAL = re.compile(r"\s*[(\[]\s*[nN]\s*=\s*(\d+)\s*[)\]]")
_HEADER_TOTAL = re.compile(r"\b[nN]\s*=\s*(\d[\d,]*)")


@dataclass(frozen=True)
class CellValue:
    """What a cell says. `kind` is "count" (n, maybe with total and percent), "percent", "value" (a number,
    maybe with a spread or interval), "zero" (a dash), "missing" (empty or not reported) or "text"."""

    kind: str
    n: int | None = None
    total: int | None = None
    percent: float | None = None
    percent_bound: str | None = None  # "<1" for "1 (<1%)": `percent` is then None
    value: float | None = None
    spread: float | None = None
    interval: tuple[float | None, float | None] | None = None
    markers: str = ""

    @property
    def is_number(self) -> bool:
        return self.kind in ("count", "percent", "value", "zero")


def strip_markers(text: str) -> tuple[str, str]:
    """`text` without its trailing footnote markers, and the markers ("Rash [†]" -> ("Rash", "[†]"))."""
    text = " ".join(text.split())
    match = _TRAILING_MARKERS.search(text)
    if not match or match.start() == 0:
        return text, ""
    return text[: match.start()].rstrip(), match.group().strip()


def to_float(text: str) -> float | None:
    """A number as printed ("41·5", "−2.1", "1,2" as a decimal comma) or None for NA."""
    if text.upper() == "NA":
        return None
    return float(text.replace("·", ".").replace("−", "-").replace(",", "."))


def row_values(table: Table, index: int) -> list[CellValue]:
    """What each cell of body row `index` says: the numbers the reader gave (`Table.numbers`), else its text read."""
    cells = table.rows[index]
    if table.numbers is None:
        return [parse_cell(cell) for cell in cells]
    numbers = table.numbers[index] if index < len(table.numbers) else []
    return [registered_value(numbers[i] if i < len(numbers) else None, cell) for i, cell in enumerate(cells)]


def registered_value(numbers: CellNumbers | None, text: str) -> CellValue:
    """A cell of a registry results table from its numbers: a count (maybe of a total), or a value with its
    spread or interval; a cell without numbers is text, or missing when empty."""
    if numbers is None:
        return CellValue("text" if text.strip() else "missing")
    if numbers.n is not None:
        return CellValue("count", n=numbers.n, total=numbers.total, value=numbers.value)
    return CellValue("value", value=numbers.value, spread=numbers.spread, interval=numbers.interval)


def parse_cell(text: str) -> CellValue:
    """Read one cell of a results table."""
    cleaned, markers = strip_markers(text)
    lowered = cleaned.lower()
    if not cleaned or lowered in _NOT_REPORTED:
        return CellValue("missing", markers=markers)
    if cleaned in _DASHES:
        return CellValue("zero", n=0, markers=markers)
    match = _COUNT_PERCENT.match(cleaned)
    if match:
        return CellValue("count", n=int(match.group(1)), **_percent(match.group(2), match.group(3)), markers=markers)
    match = _COUNT_OF_TOTAL.match(cleaned)
    if match:
        return CellValue("count", n=int(match.group(1)), total=int(match.group(2)),
                         **_percent(match.group(3), match.group(4)), markers=markers)
    match = _PERCENT.match(cleaned)
    if match:
        return CellValue("percent", **_percent(match.group(1), match.group(2)), markers=markers)
    match = _PLAIN_NUMBER.match(cleaned)
    if match:
        number = to_float(match.group(1))
        if re.fullmatch(r"\d+", match.group(1)):
            return CellValue("count", n=int(match.group(1)), value=number, markers=markers)
        return CellValue("value", value=number, markers=markers)
    match = _VALUE_INTERVAL.match(cleaned)
    if match:
        return CellValue("value", value=to_float(match.group(1)),
                         interval=(to_float(match.group(2)), to_float(match.group(3))), markers=markers)
    match = _VALUE_SPREAD.match(cleaned)
    if match:
        return CellValue("value", value=to_float(match.group(1)), spread=to_float(match.group(2)), markers=markers)
    return CellValue("text", markers=markers)


def _percent(bound: str | None, number: str | None) -> dict[str, float | str | None]:
    """`percent` and `percent_bound` fields: "<1%" is a bound, not a percent."""
    if number is None:
        return {"percent": None, "percent_bound": None}
    if bound:
        return {"percent": None, "percent_bound": f"{bound}{number}"}
    return {"percent": to_float(number), "percent_bound": None}


def row_total(label: str) -> tuple[str, int | None]:
    """A row label without its "(n = 31)" part, and that N ("Lipase high (n = 31)" -> ("Lipase high", 31))."""
    match = _ROW_TOTAL.search(label)
    if not match:
        return label, None
    return (label[: match.start()] + label[match.end() :]).strip(), int(match.group(1))


def header_total(text: str) -> int | None:
    """The N a header states ("Phase 2 (30 mcg/kg; N = 33)" -> 33, "(n=1,088)" -> 1088)."""
    match = _HEADER_TOTAL.search(text)
    return int(match.group(1).replace(",", "")) if match else None


def percent_mismatch(n: int, total: int, percent: float | None, bound: str | None = None) -> str | None:
    """A warning when a printed percent ("94") or bound ("<1") does not match n/N (rounding allowed), else None."""
    if total <= 0:
        return f"N is {total}"
    exact = 100 * n / total
    if bound:
        limit = to_float(bound.lstrip("<>≤"))
        below = bound[0] in "<≤"
        if limit is None or (exact <= limit if below else exact >= limit):
            return None
        return f"percent {bound} does not match {n}/{total} ({exact:.1f})"
    if percent is None or abs(exact - percent) < 1.0:
        return None
    return f"percent {percent:g} does not match {n}/{total} ({exact:.1f})"
