"""`trialgraph query events|drugs|trial|compare|evidence|neighbours ... [--json]`: queries over the graph a run built."""
from __future__ import annotations

import argparse
import json
import sys

from pipeline.cli.common import DEFAULT_OUTPUT, EXIT_ERROR, EXIT_OK

# name, positional arguments (metavar, nargs), help
_QUERIES = (
    ("events", (("DRUG", None),), "adverse events of a drug (through its regimens too)"),
    ("drugs", (("EVENT", None),), "drugs linked to an adverse event"),
    ("trial", (("TRIAL_ID", None),), "everything known about one trial (NCT id)"),
    ("compare", (("EVENT", None), ("DRUG", "+")), "several drugs side by side on one adverse event"),
    ("evidence", (("DRUG", None), ("EVENT", None)), "the sentences and table cells linking a drug to an event"),
    ("neighbours", (("NAME", None),), "the nodes around a drug, event, condition, endpoint or trial"),
)


def register(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    query = commands.add_parser("query", help="query the drug–event graph built by `trialgraph run`")
    query.add_argument("--store", default=None, help=f"output folder of a run (default: {DEFAULT_OUTPUT})")
    kinds = query.add_subparsers(dest="kind", required=True, metavar="QUERY")
    for name, positionals, text in _QUERIES:
        sub = kinds.add_parser(name, help=text, description=text)
        for metavar, nargs in positionals:
            sub.add_argument(metavar.lower(), metavar=metavar, nargs=nargs)
        sub.add_argument("--json", action="store_true", help="print JSON instead of a table")
        sub.add_argument("--store", default=argparse.SUPPRESS, help="output folder of a run")
        if name == "trial":
            continue
        sub.add_argument("--document", help="only evidence from this document (id or file name)")
        sub.add_argument("--trial", dest="in_trial", metavar="NCT_ID",
                         help="only evidence from the documents reporting on this trial")
        sub.add_argument("--min-evidence", type=int, default=1, metavar="N",
                         help="only results backed by at least N pieces of evidence (default: 1)")
        sub.add_argument("--min-grade", type=int, default=None, metavar="G",
                         help="only evidence of grade G or higher (3: grade 3, 4, 5, >=3, 3-4)")
        if name == "neighbours":
            sub.add_argument("--depth", type=int, default=1, help="how many edges away (default: 1)")
    return query


def _names(args: argparse.Namespace) -> list[str]:
    names = []
    for metavar, _ in next(p for n, p, _ in _QUERIES if n == args.kind):
        value = getattr(args, metavar.lower())
        names += value if isinstance(value, list) else [value]
    return names


def execute(args: argparse.Namespace) -> int:
    from pipeline.graph.api import KnowledgeGraph
    from pipeline.graph.query import NotFound, similar_names

    folder = args.store or DEFAULT_OUTPUT
    try:
        graph = KnowledgeGraph.load(folder)
    except FileNotFoundError as exc:
        print(f"trialgraph query: {exc}", file=sys.stderr)
        return EXIT_ERROR
    options = {} if args.kind == "trial" else {
        "document": args.document, "trial": args.in_trial, "min_evidence": args.min_evidence,
        "min_grade": args.min_grade, **({"depth": args.depth} if args.kind == "neighbours" else {})}
    try:
        result = graph.query(args.kind, *_names(args), **options)
    except NotFound as exc:
        near = similar_names(graph.graph, exc.name, exc.node_type) if exc.name else []
        print(f"trialgraph query: {exc}" + (f" (did you mean: {'; '.join(near)}?)" if near else ""), file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        from pipeline.cli.tables import render

        print(render(args.kind, result))
    return EXIT_OK
