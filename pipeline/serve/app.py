"""The HTTP JSON API behind `trialgraph serve`: `GET /events?drug=...` and the other queries of `ROUTES`, each
answered by `KnowledgeGraph.query` (the code `trialgraph query` runs) over the store's current graph.

Read-only: only GET (and HEAD) are answered. Errors are JSON `{"error": ...}`: 400 for a missing, unknown or
out-of-range parameter (naming it), 404 for a name the graph does not hold (with `candidates`, similar names
it does hold), 503 while the store has no graph. Only requests whose `Host` header names the address the
server listens on or a loopback name are answered, so a web page elsewhere cannot read the API through DNS
rebinding.
"""
from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from pipeline.graph.query import NotFound
from pipeline.review.app import LOOPBACK_NAMES
from pipeline.serve.live import LiveGraph, NoGraph
from pipeline.serve.routes import ROUTES, BadParameter, Route, openapi, paginate


def _error(status: int, message: str, **fields: Any) -> tuple[Response, int]:
    return jsonify({"error": message, **fields}), status


def _host_name(host_header: str) -> str:
    """The host of a `Host` header, without its port or IPv6 brackets, in lower case."""
    return (urlsplit(f"//{host_header.strip()}").hostname or "").lower()


def create_app(live: LiveGraph, allowed_hosts: Iterable[str] = LOOPBACK_NAMES) -> Flask:
    """The API over a store's graph (`LiveGraph(FOLDER)`), answering requests addressed to `allowed_hosts`."""
    allowed = frozenset(name.lower().strip("[]") for name in allowed_hosts)
    version = importlib.metadata.version("trialgraph")
    description = openapi(version)
    app = Flask(__name__)
    app.json.sort_keys = False  # the contract's field order
    app.json.ensure_ascii = False

    @app.before_request
    def check_request() -> tuple[Response, int] | None:
        name = _host_name(request.headers.get("Host", ""))
        if name not in allowed:
            return _error(400, f"this server answers only requests addressed to {', '.join(sorted(allowed))}, "
                          f"not {name!r}; start it with --allowed-host NAME to add a name")
        if request.method not in ("GET", "HEAD"):
            return _error(405, f"{request.method} is not allowed: the API is read-only (GET only)")
        return None

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response, int]:
        if exc.code == 404:
            return _error(404, f"no endpoint {request.path}; see /openapi.json",
                          endpoints=sorted(f"/{kind}" for kind in ROUTES))
        return _error(exc.code or 500, exc.description or exc.name)

    @app.get("/openapi.json")
    def describe() -> Response:
        return jsonify(description)

    @app.get("/health")
    def health() -> tuple[Response, int] | Response:
        try:
            loaded = live.current()
        except NoGraph as exc:
            return _error(503, str(exc))
        graph = loaded.graph.graph
        return jsonify({"store": str(live.path.parent), "nodes": graph.number_of_nodes(),
                        "edges": graph.number_of_edges(), "loaded_at": loaded.loaded_at})

    def answer(route: Route) -> tuple[Response, int] | Response:
        try:
            names, options, (offset, limit) = route.arguments(request.args.to_dict(flat=False))
        except BadParameter as exc:
            return _error(400, str(exc), parameter=exc.parameter)
        try:
            loaded = live.current()
        except NoGraph as exc:
            return _error(503, str(exc))
        try:
            result = loaded.graph.query(route.kind, *names, **options)
        except NotFound as exc:
            return _error(404, str(exc), name=exc.name, type=exc.node_type,
                          candidates=loaded.graph.similar_names(exc.name, exc.node_type))
        return jsonify(paginate(result, route, offset, limit) if route.paged else result)

    for route in ROUTES.values():
        app.add_url_rule(f"/{route.kind}", route.kind, lambda route=route: answer(route), methods=["GET"])
    return app
