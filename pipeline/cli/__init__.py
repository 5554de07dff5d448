"""The `trialgraph` command.

Exit codes: 0 success; 1 some inputs failed (the rest was processed and written);
2 usage error or nothing could be done (missing store, unknown name, unreadable input file).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_OK, EXIT_SOME_FAILED, EXIT_ERROR = 0, 1, 2
DEFAULT_OUTPUT = "outputs"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trialgraph",
        description="Mine clinical-trial documents for drugs, doses, adverse events, conditions and endpoints, "
        "and query the resulting knowledge graph.",
        epilog="Exit codes: 0 success, 1 some inputs failed, 2 usage error or nothing could be done.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="read, annotate and store documents; build the graph and its exports",
                              description="Process files and folders (text, ClinicalTrials.gov pages/JSON/XML, PDF) "
                              "into the store and graph under the output folder. Unchanged documents are skipped.")
    run.add_argument("paths", nargs="+", metavar="PATH", help="input files or folders")
    run.add_argument("-o", "--output", default=DEFAULT_OUTPUT, help="output folder (default: %(default)s)")
    run.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    run.add_argument("--json", action="store_true", help="print the run report as JSON")

    annotate = commands.add_parser("annotate", help="annotate JSONL texts: {id, text} lines in, entities and relations out",
                                   description="Each input line {\"id\", \"text\"} gives one output line with "
                                   "entities and relations (see CONTRACT.md), in the same order.")
    annotate.add_argument("input", help="input JSONL file ('-' for standard input)")
    annotate.add_argument("-o", "--output", required=True, help="output JSONL file ('-' for standard output)")
    annotate.add_argument("--batch-size", type=int, default=64, help="texts per batch (default: %(default)s)")

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

    lexicons = commands.add_parser("lexicons", help="build the lexicons in models/lexicons from their open sources")
    lexicon_commands = lexicons.add_subparsers(dest="action", required=True, metavar="ACTION")
    lexicon_commands.add_parser("build", help="rebuild models/lexicons (deterministic)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "annotate":
            return _annotate(args)
        if args.command == "query":
            return _query(args)
        if args.command == "lexicons":
            from pipeline.lexicons.build import main as build_lexicons

            build_lexicons()
            return EXIT_OK
    except KeyboardInterrupt:
        print("trialgraph: interrupted; finished documents are kept in the store", file=sys.stderr)
        return 130
    return EXIT_ERROR


def _run(args: argparse.Namespace) -> int:
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


def _annotate(args: argparse.Namespace) -> int:
    from pipeline.annotate import annotate_jsonl

    source = sys.stdin if args.input == "-" else None
    if source is None and not Path(args.input).is_file():
        print(f"trialgraph annotate: no such file: {args.input}", file=sys.stderr)
        return EXIT_ERROR
    failed = annotate_jsonl(args.input, args.output, batch_size=args.batch_size)
    if failed:
        print(f"trialgraph annotate: {failed} line(s) could not be processed (see their 'error' field)", file=sys.stderr)
        return EXIT_SOME_FAILED
    return EXIT_OK


def _query(args: argparse.Namespace) -> int:
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


if __name__ == "__main__":
    sys.exit(main())
