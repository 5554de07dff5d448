"""`trialgraph review [--store DIR] [--host H] [--port N]`: the curation web app over a run's store;
`--export DIR` writes the curated annotations as training data instead."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.cli.common import EXIT_ERROR, EXIT_OK, add_server_arguments

DEFAULT_PORT = 8765


def register(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    review = commands.add_parser(
        "review", help="review extractions in a local web app: accept, reject, correct; export curated data",
        description="Start the curation web app on the store of a run and print its address. Decisions are kept "
        "in the store with who and when, survive re-runs, and rebuild the graph exports that `query` reads.")
    add_server_arguments(review, "the app", DEFAULT_PORT)
    review.add_argument("--curator", default=None, help="name decisions are signed with (default: your login name; "
                        "each curator can change it in the page header)")
    review.add_argument("--add-curator", metavar="NAME", default=None,
                        help="do not serve: add a named curator (or set a new password), read from the terminal or "
                        "from the first line of standard input; once a store has one, the app asks for a login")
    review.add_argument("--export", metavar="DIR", default=None,
                        help="do not serve: write curated.jsonl and curated.spacy (DocBin) training data into DIR")
    return review


def execute(args: argparse.Namespace) -> int:
    from pipeline.batch.run import STORE_NAME

    store_path = Path(args.store) / STORE_NAME
    if not store_path.is_file():
        print(f"trialgraph review: no store at {store_path}; run `trialgraph run PATH -o {args.store}` first",
              file=sys.stderr)
        return EXIT_ERROR
    if args.add_curator:
        return _add_curator(store_path, args.add_curator)
    if args.export:
        from pipeline.review.export import export_training_data
        from pipeline.store import Store

        with Store(store_path) as store:
            written = export_training_data(store, args.export)
        print(f"exported {written['documents']} curated documents ({written['entities']} entities): "
              + ", ".join(str(written[k]) for k in ("jsonl", "docbin", "bioc_xml", "bioc_json", "pubtator")))
        return EXIT_OK
    from pipeline.review.app import allowed_host_names, create_app, serve

    if not 0 <= args.port <= 65535:
        print(f"trialgraph review: --port must be from 0 to 65535, not {args.port}", file=sys.stderr)
        return EXIT_ERROR
    try:
        app = create_app(args.store, curator=args.curator,
                         allowed_hosts=allowed_host_names(args.host, args.allowed_host))
        server = serve(app, args.host, args.port)
    except OSError as exc:
        print(f"trialgraph review: cannot listen on {args.host}:{args.port} ({exc.strerror}); "
              "choose another --port", file=sys.stderr)
        return EXIT_ERROR
    print(f"TrialGraph review: http://{args.host}:{server.port}/  (store {store_path}; Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return EXIT_OK


def _add_curator(store_path: Path, name: str) -> int:
    """`--add-curator NAME`: the password from the terminal (asked twice) or the first line of standard input."""
    import getpass

    from pipeline.store import Store
    from pipeline.store.curators import add_curator

    if sys.stdin.isatty():
        password = getpass.getpass(f"password for {name}: ")
        if getpass.getpass("again: ") != password:
            print("trialgraph review: the two passwords differ; nothing changed", file=sys.stderr)
            return EXIT_ERROR
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        with Store(store_path) as store:
            add_curator(store.connection, name, password)
    except ValueError as exc:
        print(f"trialgraph review: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"curator {' '.join(name.split())} can log in to the review app of {store_path.parent}")
    return EXIT_OK
