"""`trialgraph annotate IN.jsonl -o OUT.jsonl`: the contract's text-in, mentions-and-relations-out command."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.cli.common import EXIT_ERROR, EXIT_OK, EXIT_SOME_FAILED
from pipeline.exchange import OUTPUT_FORMATS


def register(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    annotate = commands.add_parser("annotate", help="annotate JSONL texts: {id, text} lines in, entities and relations out",
                                   description="Each input line {\"id\", \"text\"} gives one output line with "
                                   "entities and relations (see CONTRACT.md), in the same order.")
    annotate.add_argument("input", help="input JSONL file ('-' for standard input)")
    annotate.add_argument("-o", "--output", required=True, help="output file ('-' for standard output)")
    annotate.add_argument("--format", choices=OUTPUT_FORMATS, default="jsonl",
                          help="output format: the contract's JSONL (default), PubTator text, BioC XML or BioC JSON "
                          "(labels and identifiers mapped, offsets exact)")
    annotate.add_argument("--batch-size", type=int, default=64, help="texts per batch (default: %(default)s)")
    return annotate


def execute(args: argparse.Namespace) -> int:
    from pipeline.annotate import annotate_jsonl

    if args.input != "-" and not Path(args.input).is_file():
        print(f"trialgraph annotate: no such file: {args.input}", file=sys.stderr)
        return EXIT_ERROR
    try:
        failed = annotate_jsonl(args.input, args.output, batch_size=args.batch_size, fmt=args.format)
    except ValueError as exc:
        print(f"trialgraph annotate: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if failed:
        print(f"trialgraph annotate: {failed} line(s) could not be processed (see their 'error' field)", file=sys.stderr)
        return EXIT_SOME_FAILED
    return EXIT_OK
