"""`trialgraph query events|drugs|trial|compare|evidence|neighbours ... [--json]`: queries over the graph a run built."""
from __future__ import annotations

import argparse
import json
import sys

from pipeline.cli.common import DEFAULT_OUTPUT, EXIT_ERROR, EXIT_OK
from pipeline.graph.specs import QUERY_SPECS, BadParameter, Param

def _typed(param: Param):
    """An argparse type that checks a value as the HTTP API does (`Param.parse_one`)."""
    def parse(value: str):
        try:
            return param.parse_one(value)
        except BadParameter as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return parse


def register(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    query = commands.add_parser("query", help="query the drug–event graph built by `trialgraph run`")
    query.add_argument("--store", default=None, help=f"output folder of a run (default: {DEFAULT_OUTPUT})")
    kinds = query.add_subparsers(dest="kind", required=True, metavar="QUERY")
    for spec in QUERY_SPECS.values():  # one subcommand per query, as the HTTP API has one route per query
        sub = kinds.add_parser(spec.kind, help=spec.summary, description=spec.summary)
        for param in spec.names:
            sub.add_argument(param.name, metavar=param.name.upper(), nargs="+" if param.repeat else None,
                             help=param.help)
        sub.add_argument("--json", action="store_true", help="print JSON instead of a table")
        sub.add_argument("--store", default=argparse.SUPPRESS, help="output folder of a run")
        for param in spec.options:
            sub.add_argument(f"--{param.name.replace('_', '-')}", dest=param.name, default=param.default,
                             type=_typed(param), metavar="N" if param.integer else "NAME", help=param.help)
    return query


def _names(args: argparse.Namespace) -> list[str]:
    names = []
    for param in QUERY_SPECS[args.kind].names:
        value = getattr(args, param.name)
        names += value if isinstance(value, list) else [value]
    return names


def execute(args: argparse.Namespace) -> int:
    from pipeline.graph.api import KnowledgeGraph
    from pipeline.graph.query import NotFound

    folder = args.store or DEFAULT_OUTPUT
    try:
        graph = KnowledgeGraph.load(folder)
    except FileNotFoundError as exc:
        print(f"trialgraph query: {exc}", file=sys.stderr)
        return EXIT_ERROR
    options = {param.name: value for param in QUERY_SPECS[args.kind].options
               if (value := getattr(args, param.name)) is not None}
    try:
        result = graph.query(args.kind, *_names(args), **options)
    except NotFound as exc:
        near = graph.similar_names(exc.name, exc.node_type) if exc.name else []
        print(f"trialgraph query: {exc}" + (f" (did you mean: {'; '.join(near)}?)" if near else ""), file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        from pipeline.cli.tables import render

        print(render(args.kind, result))
    return EXIT_OK
