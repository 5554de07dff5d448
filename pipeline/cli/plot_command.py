"""`trialgraph plot DRUG [-o FILE_STEM]`: a picture of a drug's adverse events as PNG and interactive HTML."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from pipeline.cli.common import DEFAULT_OUTPUT, EXIT_ERROR, EXIT_OK


def register(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    plot = commands.add_parser(
        "plot", help="draw a drug's adverse events (PNG and interactive HTML)",
        description="Draw a drug and its adverse events: circles sized by the evidence linking them, coloured by "
        "the highest grade reported. Writes FILE_STEM.png and FILE_STEM.html (a standalone page).")
    plot.add_argument("drug", metavar="DRUG", help="drug name, synonym or identifier")
    plot.add_argument("-o", "--output", metavar="FILE_STEM", default=None,
                      help="where to write (default: STORE/plots/<drug>)")
    plot.add_argument("--store", default=DEFAULT_OUTPUT, help="output folder of a run (default: %(default)s)")
    plot.add_argument("--limit", type=int, default=30, help="most events to draw (default: %(default)s)")
    plot.add_argument("--document", help="only evidence from this document (id or file name)")
    plot.add_argument("--trial", metavar="NCT_ID", help="only evidence from the documents reporting on this trial")
    plot.add_argument("--min-grade", type=int, default=None, metavar="G", help="only evidence of grade G or higher")
    return plot


def execute(args: argparse.Namespace) -> int:
    from pipeline.graph.api import KnowledgeGraph
    from pipeline.graph.plot import plot_drug
    from pipeline.graph.query import Filters, NotFound

    try:
        knowledge = KnowledgeGraph.load(args.store)
    except FileNotFoundError as exc:
        print(f"trialgraph plot: {exc}", file=sys.stderr)
        return EXIT_ERROR
    slug = re.sub(r"[^0-9A-Za-z]+", "_", args.drug).strip("_").lower() or "drug"
    stem = Path(args.output) if args.output else Path(args.store) / "plots" / slug
    filters = Filters(document=args.document, trial=args.trial, min_grade=args.min_grade)
    try:
        try:
            paths = plot_drug(knowledge.graph, args.drug, stem, filters=filters, limit=args.limit)
        except NotFound:  # not a name in the graph: try the lexicon's synonyms
            paths = plot_drug(knowledge.graph, args.drug, stem, knowledge.lexicon(), filters, args.limit)
    except NotFound as exc:
        print(f"trialgraph plot: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print("\n".join(str(p) for p in paths.values()))
    return EXIT_OK
