"""Cost growth of `trialgraph run` with input size: 1k, 5k, 10k abstracts (BC5CDR repeated, each copy
distinct), 2 local workers: time and peak resident memory of the whole process tree.

    nice .venv/bin/python bench/batch_scaling.py [--shared ../shared] [--sizes 1000 5000 10000]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch_inputs import ROOT, PeakMemory, bc5cdr_abstracts, write_pubmed_sets  # noqa: E402

sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "batch_scaling.json"))
    args = parser.parse_args()
    from pipeline.batch.run import run

    abstracts = bc5cdr_abstracts(Path(args.shared))
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as temp:
            inputs = Path(temp) / "inputs"
            write_pubmed_sets(abstracts, inputs, copies=-(-size // len(abstracts)))
            for extra in sorted(inputs.glob("set_*.xml"))[size // 100 :]:
                extra.unlink()  # keep exactly `size` articles (100 per file)
            with PeakMemory() as memory:
                report = run([inputs], Path(temp) / "out", progress=False, workers=args.workers)
            db_mb = (Path(temp) / "out" / "trialgraph.db").stat().st_size / 2**20
            shutil.rmtree(Path(temp) / "out")
        row = {"documents": report.processed, "words": report.words,
               "processing_seconds": round(report.processing_seconds, 1), "total_seconds": round(report.seconds, 1),
               "documents_per_second": round(report.processed / report.processing_seconds, 1),
               "peak_memory_mb": round(memory.peak_mb), "store_mb": round(db_mb, 1)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
