"""Peak memory of `trialgraph run --workers 2` on big hostile inputs, and the cost of an unchanged re-run.

    nice .venv/bin/python bench/hostile_scale.py [--shared ../shared] [--records 10000] [--only pdf,json,line,rerun]
        [--out bench/results/hostile_scale.json]

Cases, each built here (seeded) and run by the `trialgraph` command in a fresh output folder with the default
document limits: a 1,000-page PDF, a ClinicalTrials.gov JSON list of 10,000 studies, a 10 MB text on one line.
The peak is the largest sum of resident memory over the command's whole process tree (main process and
workers), sampled every 0.1 s; the main process's and the largest worker's own peaks come with it. The re-run ratio is the wall time of `trialgraph run` over unchanged inputs
(300 BC5CDR abstracts as PubMed XML when ../shared is there, else 300 generated abstracts) over that of the
first, full run; both include starting Python.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
WORDS = ("sorafenib was given at 400 mg twice daily and grade 3 fatigue was reported in 12 patients with renal cell "
         "carcinoma while nausea rash and hypertension were less common after cisplatin or placebo").split()


class TreePeak:
    """The largest resident memory of a process and its descendants, sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        import psutil

        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak_mb = 0.0
        self.main_mb = 0.0  # the process that writes the store and builds the graph
        self.worker_mb = 0.0  # the largest of its children
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        import psutil

        while not self.stop.is_set():
            sizes = []
            try:
                for process in [self.root, *self.root.children(recursive=True)]:
                    try:
                        sizes.append(process.memory_info().rss / 2**20)
                    except psutil.Error:
                        sizes.append(0.0)
            except psutil.Error:
                return
            self.peak_mb = max(self.peak_mb, sum(sizes))
            self.main_mb = max(self.main_mb, sizes[0])
            self.worker_mb = max([self.worker_mb, *sizes[1:]])
            time.sleep(self.interval)

    def close(self) -> None:
        self.stop.set()
        self.thread.join()


def trialgraph_run(inputs: Path, out: Path, *options: str) -> dict:
    """Run the command; its report, exit code, wall time and peak memory."""
    command = [sys.executable, "-m", "pipeline.cli", "run", str(inputs), "-o", str(out), "--workers", "2",
               "--no-progress", "--json", *options]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = TreePeak(process.pid)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    peak.close()
    report = json.loads(stdout) if stdout.strip().startswith(b"{") else {}
    return {"exit": process.returncode, "wall_seconds": round(seconds, 1), "peak_mb": round(peak.peak_mb),
            "main_mb": round(peak.main_mb), "worker_mb": round(peak.worker_mb), "report": report,
            "traceback": b"Traceback" in stderr}


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "."


def make_pdf(path: Path, pages: int, rng: random.Random) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for number in range(pages):
        pdf.add_page()
        for line in range(30):
            pdf.multi_cell(0, 5, f"{sentence(rng)} Page {number}, line {line}.", new_x="LMARGIN", new_y="NEXT")
    path.write_bytes(bytes(pdf.output()))


def make_study_list(path: Path, records: int, rng: random.Random) -> None:
    from hostile_inputs import abstract

    drugs = ("sorafenib", "cisplatin", "sunitinib", "imatinib", "gemcitabine", "docetaxel", "erlotinib")
    studies = []
    for number in range(records):
        drug = rng.choice(drugs)
        studies.append({"protocolSection": {
            "identificationModule": {"nctId": f"NCT{10_000_000 + number:08d}", "briefTitle": f"{drug} study {number}"},
            "descriptionModule": {"briefSummary": abstract(drug, rng, 1)},
            "conditionsModule": {"conditions": ["Renal Cell Carcinoma"]},
            "armsInterventionsModule": {"interventions": [{"type": "DRUG", "name": drug}]}}})
    path.write_text(json.dumps({"studies": studies}), encoding="utf-8")


def make_long_line(path: Path, size: int, rng: random.Random) -> None:
    parts, total = [], 0
    while total < size:
        parts.append(sentence(rng) + " ")
        total += len(parts[-1])
    path.write_text("".join(parts), encoding="utf-8")


def rerun_inputs(folder: Path, shared: Path, rng: random.Random) -> str:
    if (shared / "corpora" / "bc5cdr").is_dir():
        from batch_inputs import bc5cdr_abstracts, write_pubmed_sets

        write_pubmed_sets(bc5cdr_abstracts(shared)[:300], folder)
        return "300 BC5CDR abstracts as 3 PubMed XML sets"
    from hostile_inputs import abstract

    folder.mkdir(parents=True)
    for number in range(300):
        (folder / f"abstract_{number:03d}.txt").write_text(abstract(rng.choice(("sorafenib", "cisplatin")), rng, 6))
    return "300 generated abstracts (../shared not found)"


def summary(case: str, result: dict) -> dict:
    report = result["report"]
    row = {key: result[key] for key in ("exit", "wall_seconds", "peak_mb", "main_mb", "worker_mb", "traceback")}
    row.update({key: report.get(key) for key in ("processed", "unchanged", "failed", "exports_rewritten", "workers")})
    row["warnings"] = [w["warning"] for w in report.get("warnings", [])][:3]
    print(f"{case:<22} exit {row['exit']}  {row['wall_seconds']:>7.1f} s  peak {row['peak_mb']:>5} MB "
          f"(main {row['main_mb']}, largest worker {row['worker_mb']})  processed {row['processed']}  "
          f"{row['warnings'][:1]}",
          flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--only", default="pdf,json,line,rerun")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "hostile_scale.json"))
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    rng = random.Random(27)
    work = Path(tempfile.mkdtemp(prefix="hostile_scale_"))
    results: dict[str, object] = {}
    try:
        if "pdf" in wanted:
            (work / "pdf").mkdir()
            make_pdf(work / "pdf" / "thousand_pages.pdf", 1000, rng)
            results["pdf_1000_pages"] = summary("1,000-page PDF", trialgraph_run(work / "pdf", work / "out_pdf"))
        if "json" in wanted:
            (work / "json").mkdir()
            make_study_list(work / "json" / "studies.json", args.records, rng)
            results[f"json_{args.records}_records"] = summary(f"{args.records:,}-study JSON",
                                                             trialgraph_run(work / "json", work / "out_json"))
        if "line" in wanted:
            (work / "line").mkdir()
            make_long_line(work / "line" / "one_line.txt", 10_000_000, rng)
            results["line_10mb"] = summary("10 MB on one line", trialgraph_run(work / "line", work / "out_line"))
        if "rerun" in wanted:
            described = rerun_inputs(work / "abstracts", Path(args.shared), rng)
            full = summary("full run", trialgraph_run(work / "abstracts", work / "out_abstracts"))
            again = summary("unchanged re-run", trialgraph_run(work / "abstracts", work / "out_abstracts"))
            ratio = again["wall_seconds"] / full["wall_seconds"]
            print(f"unchanged re-run / full run = {again['wall_seconds']} s / {full['wall_seconds']} s = {ratio:.1%}")
            results["rerun"] = {"inputs": described, "full": full, "unchanged": again, "ratio": round(ratio, 3)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
