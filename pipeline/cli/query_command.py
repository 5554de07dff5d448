"""`trialgraph query events|drugs|trial NAME [--json]`: queries over the graph a run built."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.cli.common import DEFAULT_OUTPUT, EXIT_ERROR, EXIT_OK


def register(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    query = commands.add_parser("query", help="query the drug–event graph built by `trialgraph run`")
    query.add_argument("--store", default=None, help=f"output folder of a run (default: {DEFAULT_OUTPUT})")
    kinds = query.add_subparsers(dest="kind", required=True, metavar="QUERY")
    for name, arg, text in (("events", "DRUG", "adverse events of a drug"),
                            ("drugs", "EVENT", "drugs linked to an adverse event"),
                            ("trial", "TRIAL_ID", "everything known about one trial (NCT id)")):
        sub = kinds.add_parser(name, help=text, description=text)
        sub.add_argument("name", metavar=arg)
        sub.add_argument("--json", action="store_true", help="print JSON instead of a table")
        sub.add_argument("--store", default=argparse.SUPPRESS, help="output folder of a run")
    return query


def execute(args: argparse.Namespace) -> int:
    from pipeline.graph import query as queries
    from pipeline.graph.export import read_graph_json

    folder = Path(args.store or DEFAULT_OUTPUT)
    graph_path = folder / "graph.json"
    if not graph_path.is_file():
        print(f"trialgraph query: no graph at {graph_path}; run `trialgraph run PATH -o {folder}` first",
              file=sys.stderr)
        return EXIT_ERROR
    graph = read_graph_json(graph_path)
    try:
        if args.kind == "trial":
            result = queries.trial(graph, args.name)
        else:
            finder = queries.events_for_drug if args.kind == "events" else queries.drugs_for_event
            try:
                result = finder(graph, args.name)
            except queries.NotFound:  # not a name in the graph: try the lexicon's synonyms
                from pipeline.lexicons import load_lexicon

                result = finder(graph, args.name, load_lexicon())
    except queries.NotFound as exc:
        print(f"trialgraph query: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        from pipeline.cli.tables import render

        print(render(args.kind, result))
    return EXIT_OK
