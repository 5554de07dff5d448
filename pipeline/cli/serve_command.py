"""`trialgraph serve [--store DIR] [--host H] [--port N]`: the graph queries as a read-only HTTP JSON API."""
from __future__ import annotations

import argparse
import sys

from pipeline.cli.common import EXIT_ERROR, EXIT_OK, add_server_arguments

DEFAULT_PORT = 8000


def register(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    serve = commands.add_parser(
        "serve", help="answer the graph queries over HTTP as JSON (OpenAPI description at /openapi.json)",
        description="Serve `trialgraph query` as a read-only HTTP JSON API over the store of a run: "
        "GET /events?drug=..., /drugs?event=..., /trial?id=..., /compare?event=...&drug=...&drug=..., "
        "/evidence?drug=...&event=..., /neighbours?name=...; the graph is reloaded when a run replaces it.")
    add_server_arguments(serve, "the API", DEFAULT_PORT)
    return serve


def execute(args: argparse.Namespace) -> int:
    from pipeline.lexicons import load_lexicon
    from pipeline.process import freeze_long_lived_objects
    from pipeline.review.app import allowed_host_names, serve
    from pipeline.serve import LiveGraph, create_app
    from pipeline.serve.live import NoGraph

    if not 0 <= args.port <= 65535:
        print(f"trialgraph serve: --port must be from 0 to 65535, not {args.port}", file=sys.stderr)
        return EXIT_ERROR
    live = LiveGraph(args.store)
    try:
        loaded = live.current()
    except NoGraph as exc:
        print(f"trialgraph serve: {exc}", file=sys.stderr)
        return EXIT_ERROR
    load_lexicon()  # synonyms are looked up there: loaded now, not by the first request that needs it
    freeze_long_lived_objects()  # the graph and lexicon live as long as the server: out of the collector's walks
    try:
        server = serve(create_app(live, allowed_hosts=allowed_host_names(args.host, args.allowed_host)),
                       args.host, args.port)
    except OSError as exc:
        print(f"trialgraph serve: cannot listen on {args.host}:{args.port} ({exc.strerror}); choose another --port",
              file=sys.stderr)
        return EXIT_ERROR
    graph = loaded.graph.graph
    print(f"TrialGraph API: http://{args.host}:{server.port}/openapi.json  (store {args.store}: "
          f"{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges; Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return EXIT_OK
