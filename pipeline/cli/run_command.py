"""`trialgraph run PATH... -o outputs/`: read, annotate and store documents; build the graph and its exports."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.cli.common import DEFAULT_OUTPUT, EXIT_ERROR, EXIT_OK, EXIT_SOME_FAILED


def register(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from pipeline.batch.run import DEFAULT_TIME_LIMIT
    from pipeline.limits import DocumentLimits

    limits = DocumentLimits()

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
                     help="run on a Dask cluster, e.g. tls://10.0.0.5:8786 with the --dask-tls-* files, instead of "
                     "local workers")
    run.add_argument("--dask-tls-ca-file", metavar="PEM", help="CA certificate that signed the cluster's certificates")
    run.add_argument("--dask-tls-cert", metavar="PEM", help="this client's TLS certificate")
    run.add_argument("--dask-tls-key", metavar="PEM", help="this client's TLS private key (if not in --dask-tls-cert)")
    run.add_argument("--dask-insecure", action="store_true",
                     help="allow a tcp:// scheduler on another machine: no encryption, no authentication, and "
                     "results are unpickled, so anyone who reaches the scheduler can run code here")
    run.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, metavar="SECONDS",
                     help="per-document time limit; a document over it is recorded as failed "
                     "(default: %(default)g; 0 for none)")
    run.add_argument("--max-file-bytes", type=int, default=limits.max_file_bytes, metavar="N",
                     help="a bigger file is skipped unread and reported (default: %(default)s)")
    run.add_argument("--max-pdf-pages", type=int, default=limits.max_pdf_pages, metavar="N",
                     help="a longer PDF is read for its first N pages, with a warning (default: %(default)s)")
    run.add_argument("--max-characters", type=int, default=limits.max_characters, metavar="N",
                     help="a longer document text is cut at a paragraph break, with a warning (default: %(default)s)")
    run.add_argument("--piece-characters", type=int, default=limits.piece_characters, metavar="N",
                     help="a longer text is annotated in pieces of at most N characters, so memory stays "
                     "bounded (default: %(default)s; at least 1000)")
    run.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    run.add_argument("--json", action="store_true", help="print the run report as JSON")
    return run


def execute(args: argparse.Namespace) -> int:
    from pipeline.batch.cluster import DaskSecurity, is_loopback
    from pipeline.batch.run import run
    from pipeline.limits import DocumentLimits

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
        limits = DocumentLimits(max_file_bytes=args.max_file_bytes, max_pdf_pages=args.max_pdf_pages,
                                max_characters=args.max_characters, piece_characters=args.piece_characters)
    except ValueError as exc:
        print(f"trialgraph run: {exc}", file=sys.stderr)
        return EXIT_ERROR
    security = None
    if args.dask_tls_ca_file or args.dask_tls_cert or args.dask_tls_key:
        if not (args.dask and args.dask_tls_ca_file and args.dask_tls_cert):
            print("trialgraph run: TLS needs --dask tls://HOST:PORT with --dask-tls-ca-file and --dask-tls-cert "
                  "(and --dask-tls-key unless the key is in the certificate file)", file=sys.stderr)
            return EXIT_ERROR
        security = DaskSecurity(args.dask_tls_ca_file, args.dask_tls_cert, args.dask_tls_key)
        if security.problems():
            print(f"trialgraph run: {'; '.join(security.problems())}", file=sys.stderr)
            return EXIT_ERROR
    if args.dask and security is None and not is_loopback(args.dask) and not args.dask_insecure:
        print(f"trialgraph run: {args.dask} is not on this machine and has no TLS: Dask results are unpickled, so "
              "anyone who reaches that scheduler could run code here. Use tls:// with --dask-tls-ca-file, "
              "--dask-tls-cert and --dask-tls-key (README, 'On several machines'), or --dask-insecure on a "
              "network you trust", file=sys.stderr)
        return EXIT_ERROR
    report = run(args.paths, args.output, progress=not args.no_progress, from_lists=args.from_list,
                 workers=args.workers, time_limit=args.time_limit or None, dask=args.dask,
                 dask_security=security, limits=limits)  # RunError: no pipeline in the workers, no cluster...
    if args.json:
        print(json.dumps(report.to_dict(), indent=1))
    else:
        print("\n".join(report.summary_lines()))
    if report.failures:
        return EXIT_SOME_FAILED
    return EXIT_OK
