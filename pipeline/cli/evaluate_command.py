"""`trialgraph evaluate GOLD [--format pubtator|bioc|ade|tac] [--json]`: the pipeline scored on a user's gold."""
from __future__ import annotations

import argparse
import json
import sys

from pipeline.cli.common import EXIT_ERROR, EXIT_OK
from pipeline.evaluate.annotations import FORMATS


def register(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    evaluate = commands.add_parser(
        "evaluate", help="score the pipeline on your own gold: P/R/F1 per label, strict and overlap, relation pairs",
        description="Annotate the texts of a gold file or folder and score the mentions (strict and overlap) and "
        "relation pairs against its annotations, per label.")
    evaluate.add_argument("gold", metavar="GOLD", help="a PubTator or BioC (XML or JSON) file, or the ADE-Corpus-V2 "
                          "or TAC 2017 folder")
    evaluate.add_argument("--format", choices=FORMATS, default=None, help="the gold's format (default: detected)")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON instead of a table")
    evaluate.add_argument("--batch-size", type=int, default=64, help="texts per batch (default: %(default)s)")
    return evaluate


def execute(args: argparse.Namespace) -> int:
    from pipeline.evaluate.annotations import evaluate, render
    from pipeline.readers import ReaderError

    try:
        report = evaluate(args.gold, args.format, batch_size=args.batch_size)
    except (ValueError, ReaderError, FileNotFoundError) as exc:
        print(f"trialgraph evaluate: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(json.dumps(report.to_dict(), indent=1) if args.json else render(report))
    return EXIT_OK
