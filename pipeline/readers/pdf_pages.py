"""The first pages of a long PDF as a PDF of its own (pypdf), so the PDF reader's memory and time stay
bounded; the batch says what was cut."""
from __future__ import annotations

import io


def first_pages(raw: bytes, max_pages: int) -> tuple[bytes, int] | None:
    """`(a PDF of the first max_pages pages, the page count)` when `raw` has more pages, else None (also
    when pypdf cannot read it: the PDF reader then says what is wrong)."""
    from pypdf import PdfReader, PdfWriter

    try:
        reader = PdfReader(io.BytesIO(raw))
        total = len(reader.pages)
        if total <= max_pages:
            return None
        writer = PdfWriter()
        for page in reader.pages[:max_pages]:
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
    except Exception:  # noqa: BLE001 - pypdf raises many types on damaged files; the reader reports them
        return None
    return out.getvalue(), total
