"""`trialgraph serve`: the graph queries as a read-only HTTP JSON API, with an OpenAPI description.

    from pipeline.serve import LiveGraph, create_app
    app = create_app(LiveGraph("outputs/"))  # a Flask app
    # `pipeline.review.app.serve(app, host, port).serve_forever()` runs it on Werkzeug's threaded server

Every endpoint answers what `trialgraph query KIND ... --json` prints (../shared/CONTRACT.md), with long
lists paged by `offset`/`limit`; the graph is reloaded when a run replaces it.
"""
from pipeline.serve.app import create_app
from pipeline.serve.live import LiveGraph
from pipeline.serve.routes import ROUTES, openapi

__all__ = ["create_app", "LiveGraph", "ROUTES", "openapi"]
