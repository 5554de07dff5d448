"""`trialgraph run PATH... -o outputs/`: read, annotate and store documents; build the graph and its exports."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.cli.common import DEFAULT_OUTPUT, EXIT_ERROR, EXIT_OK, EXIT_SOME_FAILED


def register(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from pipeline.batch.run import DEFAULT_TIME_LIMIT

    run = commands.add_parser("run", help="read, annotate and store documents; build the graph and its exports",
                              description="Process files and folders (text, ClinicalTrials.gov pages/JSON/XML, PDF, "
                              "PubMed/PMC XML) into the store and graph under the output folder, in parallel. "
                              "Unchanged documents are skipped, so an interrupted run is finished by running it again.")
    run.add_argument("paths", nargs="*", metavar="PATH", help="input files or folders; - reads paths from standard input")
    run.add_argument("--from-list", action="append", default=[], metavar="FILE",
                     help="a file listing input paths one per line (may be repeated; - for standard input)")
    run.add_argument("-o", "--output", default=DEFAULT_OUTPUT, help="output folder (default: %(default)s)")
    run.add_argument("--workers", type=int, metavar="N", help="worker processes (default: the cores available)")
    run.add_argument("--dask", metavar="SCHEDULER_ADDRESS",
                     help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786, instead of local workers")
    run.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, metavar="SECONDS",
                     help="per-document time limit; a document over it is recorded as failed "
                     "(default: %(default)g; 0 for none)")
    run.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    run.add_argument("--json", action="store_true", help="print the run report as JSON")
    return run


def execute(args: argparse.Namespace) -> int:
    from pipeline.batch.run import run

    if not args.paths and not args.from_list:
        print("trialgraph run: give input paths, --from-list FILE, or - to read paths from standard input",
              file=sys.stderr)
        return EXIT_ERROR
    missing = [p for p in args.paths + args.from_list if p != "-" and not Path(p).exists()]
    if missing:
        print(f"trialgraph run: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_ERROR
    if args.workers is not None and args.workers < 1:
        print("trialgraph run: --workers must be at least 1", file=sys.stderr)
        return EXIT_ERROR
    try:
        report = run(args.paths, args.output, progress=not args.no_progress, from_lists=args.from_list,
                     workers=args.workers, time_limit=args.time_limit or None, dask=args.dask)
    except RuntimeError as exc:  # no pipeline in the workers, no reachable cluster
        print(f"trialgraph run: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps(report.to_dict(), indent=1))
    else:
        print("\n".join(report.summary_lines()))
    if report.failures:
        return EXIT_SOME_FAILED
    return EXIT_OK
