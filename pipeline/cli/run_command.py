"""`trialgraph run PATH... -o outputs/`: read, annotate and store documents; build the graph and its exports."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.cli.common import DEFAULT_OUTPUT, EXIT_ERROR, EXIT_OK, EXIT_SOME_FAILED


def register(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    run = commands.add_parser("run", help="read, annotate and store documents; build the graph and its exports",
                              description="Process files and folders (text, ClinicalTrials.gov pages/JSON/XML, PDF) "
                              "into the store and graph under the output folder. Unchanged documents are skipped.")
    run.add_argument("paths", nargs="+", metavar="PATH", help="input files or folders")
    run.add_argument("-o", "--output", default=DEFAULT_OUTPUT, help="output folder (default: %(default)s)")
    run.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    run.add_argument("--json", action="store_true", help="print the run report as JSON")
    return run


def execute(args: argparse.Namespace) -> int:
    from pipeline.batch.run import run

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"trialgraph run: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_ERROR
    report = run(args.paths, args.output, progress=not args.no_progress)
    if args.json:
        print(json.dumps(report.to_dict(), indent=1))
    else:
        print("\n".join(report.summary_lines()))
    if report.failures:
        return EXIT_SOME_FAILED
    return EXIT_OK
