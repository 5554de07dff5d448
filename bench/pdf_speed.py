"""PDF reading speed and memory: TrialGraph's reader next to pdfplumber and pypdfium2 on the same files.

    .venv/bin/python bench/pdf_speed.py [--shared ../shared] [--repeat 3] [--pages 1000]

1. Speed, one process: every PDF of corpus/pdfs (and ../shared/corpora/oa_trial_pdfs with --shared) read by
   `pipeline.readers.pdf.read` (text in reading order, sections and tables), by pdfplumber's `extract_text`
   on every page, and by pypdfium2's text extraction on every page, in the same run; best of --repeat runs
   per file and tool. Pages/s are wall clock; CPU seconds are given too (the machine may be shared).
2. Scale: a --pages-page article (two-column pages with tables, built with fpdf2) read in a fresh process;
   its peak resident memory next to that of a fresh process reading one 10-page corpus article, and the
   time against `trialgraph run`'s default per-document limit.
3. Scanned pages: the scale PDF with every tenth page an image only; the warnings name those pages.

Writes bench/results/pdf_speed.json. Reads ../shared only with --shared (benchmarks may; the product never does).
"""
from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

# peak RSS from /proc (VmHWM): getrusage's ru_maxrss would also count the parent's memory at fork time
_READ_IN_CHILD = """
import json, re, sys, time
from pipeline.readers import pdf
raw = open(sys.argv[1], "rb").read()
start = time.perf_counter()
document = pdf.read(raw, sys.argv[1])
seconds = time.perf_counter() - start
peak_kb = int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_kb / 1024, "characters": len(document.text),
                  "tables": len(document.tables), "warnings": document.warnings}))
"""


def _best(function, repeat: int) -> tuple[float, float]:
    """(best wall seconds, CPU seconds of that run) of `function()` over `repeat` runs."""
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        best = min(best, (wall, cpu))
    return best


def _ours(raw: bytes, path: str) -> None:
    from pipeline.readers import pdf

    pdf.read(raw, path)


def _pdfplumber(raw: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(raw)) as document:
        for page in document.pages:
            page.extract_text()
            page.close()


def _pypdfium2(raw: bytes) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(raw)
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        textpage.get_text_bounded()
        textpage.close()
        page.close()
    document.close()


def speed(paths: list[Path], repeat: int) -> dict:
    import pypdfium2

    rows, totals = [], {"ours": [0.0, 0.0], "pdfplumber": [0.0, 0.0], "pypdfium2": [0.0, 0.0]}
    pages_total = 0
    _ours(paths[0].read_bytes(), str(paths[0]))  # imports and lexicon-free warm-up
    for path in paths:
        raw = path.read_bytes()
        pages = len(pypdfium2.PdfDocument(raw))
        pages_total += pages
        timings = {
            "ours": _best(lambda: _ours(raw, str(path)), repeat),
            "pdfplumber": _best(lambda: _pdfplumber(raw), repeat),
            "pypdfium2": _best(lambda: _pypdfium2(raw), repeat),
        }
        for tool, (wall, cpu) in timings.items():
            totals[tool][0] += wall
            totals[tool][1] += cpu
        rows.append({"file": str(path.relative_to(path.parents[1])), "pages": pages,
                     **{f"{tool}_pages_per_s": round(pages / wall, 1) for tool, (wall, _) in timings.items()}})
    summary = {tool: {"seconds": round(wall, 3), "cpu_seconds": round(cpu, 3), "pages_per_s": round(pages_total / wall, 1)}
               for tool, (wall, cpu) in totals.items()}
    return {"pages": pages_total, "files": rows, "total": summary,
            "ours_vs_pypdfium2": round(totals["ours"][0] / totals["pypdfium2"][0], 1),
            "pdfplumber_vs_ours": round(totals["pdfplumber"][0] / totals["ours"][0], 1)}


def long_article(pages: int, scanned_every: int = 0) -> bytes:
    """An article of `pages` two-column pages: prose with a table in the left column, on every fifth page a
    table across both columns; with `scanned_every`, those pages hold only an image."""
    import dataclasses

    from PIL import Image
    from pdf_articles import ADVERSE_EVENTS, BOTTOM, PROSE, STYLES, Article

    article = Article()
    article.title("A long report: drug A against placebo in chronic widespread pain, all data")
    scan = io.BytesIO()
    Image.new("L", (80, 110), 190).save(scan, format="PNG")
    for number in range(1, pages + 1):
        if number > 1:
            article.new_page()
        if scanned_every and number % scanned_every == 0:
            article.pdf.image(scan, x=60, y=80, w=460)
            continue
        spec = dataclasses.replace(ADVERSE_EVENTS, style=STYLES[number % len(STYLES)],
                                   caption=f"Table {number}: Adverse events by treatment group and grade")
        if number % 5 == 0:
            article.table(spec, None)
        else:
            article.paragraph(PROSE, 0)
            article.table(spec, 0)
        article.fill_column(0, BOTTOM - 10)
        article.fill_column(1, BOTTOM - 10)
    return article.bytes()


def _read_in_child(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _READ_IN_CHILD, str(path)], check=True, capture_output=True, text=True,
                          cwd=ROOT)
    return json.loads(done.stdout)


def scale(pages: int, reference: Path) -> dict:
    from pipeline.batch.run import DEFAULT_TIME_LIMIT

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        long_path = Path(folder) / f"long-{pages}.pdf"
        long_path.write_bytes(long_article(pages))
        scanned_path = Path(folder) / "scanned.pdf"
        scanned_path.write_bytes(long_article(40, scanned_every=10))
        built = time.perf_counter() - started
        long_run = _read_in_child(long_path)
        reference_run = _read_in_child(reference)
        scanned_run = _read_in_child(scanned_path)
    return {
        "pages": pages, "built_in_s": round(built, 1),
        "seconds": round(long_run["seconds"], 2), "pages_per_s": round(pages / long_run["seconds"], 1),
        "peak_rss_mb": round(long_run["peak_rss_mb"], 1), "tables": long_run["tables"],
        "reference_file": reference.name, "reference_peak_rss_mb": round(reference_run["peak_rss_mb"], 1),
        "time_limit_s": DEFAULT_TIME_LIMIT,
        "scanned_pdf_warnings": scanned_run["warnings"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, help="../shared: also time its open-access trial PDFs")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", type=int, default=1000, help="pages of the generated long article")
    args = parser.parse_args()
    paths = sorted((ROOT / "corpus" / "pdfs").glob("*.pdf"))
    if args.shared:
        paths += sorted((args.shared / "corpora" / "oa_trial_pdfs").glob("*.pdf"))
    report = {"speed": speed(paths, args.repeat), "scale": scale(args.pages, paths[0])}
    out = ROOT / "bench" / "results" / "pdf_speed.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
