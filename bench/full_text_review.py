"""Full-text trial reports the gold corpora do not hold: sample them, run the pipeline, list the graph's nodes.

The gold corpora are abstracts and single sentences; a journal article adds author lists, citations, methods
jargon, statistics and acronyms of instruments. This draws `--n` CC BY PubMed Central reports from
../shared/corpora/unlabeled/pmc_rct_fulltext_ccby.txt.gz (fixed `--seed`), writes them as text files,
runs `trialgraph run` on them and prints the drug and adverse-event node names for a person to review,
or, with `--compare OLD_OUT`, the names lost and gained against an earlier run's output folder.

    python bench/full_text_review.py --seed 7 --n 20 --work /tmp/review7
    python bench/full_text_review.py --seed 7 --n 20 --work /tmp/review7b --compare /tmp/review7/out
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
from pathlib import Path

REPORTS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "unlabeled" / "pmc_rct_fulltext_ccby.txt.gz"
NODE_TYPES = ("Drug", "AdverseEvent", "Condition")


def read_reports(path: Path) -> list[tuple[str, str]]:
    """(PMCID, text) of every report: each starts after a '# PMC...' line."""
    reports: list[tuple[str, list[str]]] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("# PMC"):
                reports.append((line[2:].strip(), []))
            elif reports:
                reports[-1][1].append(line)
    return [(pmcid, "".join(lines)) for pmcid, lines in reports]


def node_names(out: Path) -> dict[str, set[str]]:
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    return {kind: {n["name"] for n in graph["nodes"] if n["type"] == kind} for kind in NODE_TYPES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--work", type=Path, required=True, help="folder for the sampled texts and the run's output")
    parser.add_argument("--compare", type=Path, help="an earlier run's output folder: print lost and gained names")
    parser.add_argument("--reports", type=Path, default=REPORTS)
    args = parser.parse_args(argv)
    texts = args.work / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    for pmcid, text in random.Random(args.seed).sample(read_reports(args.reports), args.n):
        (texts / f"{pmcid}.txt").write_text(text, encoding="utf-8")
    out = args.work / "out"
    # a report the source left empty fails in the run's report; the batch goes on past it
    subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(texts), "-o", str(out), "--workers", "2"],
                   check=False)
    names = node_names(out)
    if args.compare:
        before = node_names(args.compare)
        for kind in NODE_TYPES:
            print(f"{kind}: lost {sorted(before[kind] - names[kind])}; gained {sorted(names[kind] - before[kind])}")
    else:
        for kind in NODE_TYPES:
            print(f"{kind} ({len(names[kind])}): {', '.join(sorted(names[kind]))}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
