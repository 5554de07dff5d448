"""The API's endpoints: one `Route` per query of `pipeline.graph.specs.QUERY_SPECS`, how a request's query string
becomes the arguments of `KnowledgeGraph.query`, paging, and the OpenAPI description made from the same specs
(so the description cannot drift from what the server accepts)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.graph.specs import DEFAULT_LIMIT, MAX_LIMIT, QUERY_SPECS, BadParameter, Param, QuerySpec

__all__ = ["ROUTES", "BadParameter", "Route", "openapi", "paginate"]

PAGE_PARAMS = (
    Param("offset", "how many items of each long list to skip", integer=True, minimum=0, default=0),
    Param("limit", f"at most this many items of each long list (1 to {MAX_LIMIT})", integer=True, minimum=1,
          maximum=MAX_LIMIT, default=DEFAULT_LIMIT),
)


@dataclass(frozen=True)
class Route:
    """The endpoint `/KIND` of one query spec, with the paging parameters when its answer has long lists."""

    spec: QuerySpec

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def names(self) -> tuple[Param, ...]:
        return self.spec.names

    @property
    def paged(self) -> tuple[str, ...]:
        return self.spec.paged

    @property
    def params(self) -> tuple[Param, ...]:
        return self.spec.names + self.spec.options + (PAGE_PARAMS if self.spec.paged else ())

    def arguments(self, query: Mapping[str, Sequence[str]]) -> tuple[list[str], dict[str, Any], tuple[int, int]]:
        """`(names, options, (offset, limit))` from a request's query string (every value a list of strings)."""
        known = {p.name for p in self.params}
        unknown = sorted(set(query) - known)
        if unknown:
            raise BadParameter(unknown[0], f"unknown parameter {unknown[0]!r} for /{self.kind}; "
                               f"it takes {', '.join(sorted(known))}")
        names: list[str] = []
        for param in self.spec.names:
            value = param.parse(query.get(param.name, []))
            names += value if param.repeat else [value]
        options = {p.name: p.parse(query.get(p.name, [])) for p in self.spec.options}
        offset, limit = (p.parse(query.get(p.name, [])) for p in PAGE_PARAMS)
        return names, {k: v for k, v in options.items() if v is not None}, (offset, limit)


ROUTES: dict[str, Route] = {kind: Route(spec) for kind, spec in QUERY_SPECS.items()}


def paginate(result: dict[str, Any], route: Route, offset: int, limit: int) -> dict[str, Any]:
    """The answer with each of the route's long lists cut to `[offset, offset + limit)` and a `page` field
    giving the window, each list's full length and the offset of the next page (None on the last)."""
    totals = {key: len(result[key]) for key in route.paged}
    paged = {**result, **{key: result[key][offset : offset + limit] for key in route.paged}}
    following = offset + limit if any(total > offset + limit for total in totals.values()) else None
    paged["page"] = {"offset": offset, "limit": limit, "total": totals, "next_offset": following}
    return paged


def openapi(version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 description of every route, built from `ROUTES`."""
    paths: dict[str, Any] = {}
    for route in ROUTES.values():
        parameters = []
        for param in route.params:
            schema: dict[str, Any] = {"type": "integer" if param.integer else "string"}
            for key in ("minimum", "maximum", "default"):
                if getattr(param, key) is not None:
                    schema[key] = getattr(param, key)
            if param.repeat:
                schema = {"type": "array", "items": schema}
            parameters.append({"name": param.name, "in": "query", "required": param.required,
                               "description": param.help, "schema": schema,
                               **({"style": "form", "explode": True} if param.repeat else {})})
        paths[f"/{route.kind}"] = {"get": {
            "operationId": route.kind, "summary": route.spec.summary, "parameters": parameters,
            "description": f"The JSON of `trialgraph query {route.kind} --json` (../shared/CONTRACT.md)"
                           + (f"; `{'`, `'.join(route.paged)}` paged by `offset`/`limit`, with a `page` field."
                              if route.paged else "."),
            "responses": {
                "200": {"description": "the answer", "content": {"application/json": {"schema": {"type": "object"}}}},
                "400": _error("a parameter is missing, unknown or out of range"),
                "404": _error("a name matches nothing in the graph; `candidates` holds similar names"),
                "503": _error("the store has no graph yet (no run has written it)"),
            }}}
    paths["/health"] = {"get": {"operationId": "health",
                                "summary": "the graph being served: its size and when it was loaded",
                                "responses": {"200": {"description": "the graph's size and load time"},
                                              "503": _error("the store has no graph yet (no run has written it)")}}}
    return {"openapi": "3.1.0",
            "info": {"title": "TrialGraph query API", "version": version,
                     "description": "Read-only drug–adverse event graph queries over the store of a "
                                    "`trialgraph run`."},
            "paths": paths,
            "components": {"schemas": {"Error": {"type": "object", "required": ["error"], "properties": {
                "error": {"type": "string"}, "parameter": {"type": "string"}, "name": {"type": "string"},
                "candidates": {"type": "array", "items": {"type": "string"}}}}}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
