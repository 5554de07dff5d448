"""Score the graph of `trialgraph run corpus/` against the hand-checked gold file of trial facts
(tests/gold/trial_facts.json): precision and recall per field, per trial and overall (issue 24).

    .venv/bin/python bench/trial_facts.py                  # runs the pipeline on corpus/ into a temporary folder
    .venv/bin/python bench/trial_facts.py --store outputs  # scores an existing run folder instead
    .venv/bin/python bench/trial_facts.py --details --json scores.json   # also the errors, and the JSON
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.evaluate.trial_facts import format_scores, score_trial_facts

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "trial_facts.json"


def run_pipeline(folder: Path) -> float:
    """`trialgraph run corpus/ -o folder`; returns its wall-clock seconds."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(ROOT / "corpus"), "-o", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"trialgraph run failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="output folder of an earlier `trialgraph run` (default: run now)")
    parser.add_argument("--gold", type=Path, default=GOLD, help=f"gold file (default: {GOLD.relative_to(ROOT)})")
    parser.add_argument("--details", action="store_true", help="list every false positive and miss")
    parser.add_argument("--json", type=Path, help="also write the scores as JSON to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="trial-facts-") as scratch:
        store = args.store
        if store is None:
            store = Path(scratch) / "run"
            seconds = run_pipeline(store)
            print(f"trialgraph run corpus/ -o {store}: {seconds:.1f} s")
        scores = score_trial_facts(store, args.gold)
        print(format_scores(scores, details=args.details))
        if args.json:
            args.json.write_text(json.dumps(scores, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
