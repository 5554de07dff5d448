"""The API's endpoints as data: one `Route` per query of `pipeline.graph.api.QUERY_KINDS`, the parameters each
takes, how a request's parameters become the arguments of `KnowledgeGraph.query`, and the OpenAPI description
made from the same table (so the description cannot drift from what the server accepts)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_LIMIT = 1_000
DEFAULT_LIMIT = 100


class BadParameter(ValueError):
    """A request parameter that is missing, unknown or out of its range."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class Param:
    """One query-string parameter: a string or an integer in `[minimum, maximum]`; `repeat` takes it several times."""

    name: str
    help: str
    integer: bool = False
    required: bool = False
    repeat: bool = False
    minimum: int | None = None
    maximum: int | None = None
    default: int | None = None

    def parse(self, values: Sequence[str]) -> Any:
        """The parameter's value from the strings a request gave for it (`BadParameter` when they do not fit)."""
        if not values:
            if self.required:
                raise BadParameter(self.name, f"missing parameter {self.name!r}: {self.help}")
            return [] if self.repeat else self.default
        if len(values) > 1 and not self.repeat:
            raise BadParameter(self.name, f"parameter {self.name!r} given {len(values)} times; give it once")
        parsed = [self._one(value) for value in values]
        return parsed if self.repeat else parsed[0]

    def _one(self, value: str) -> Any:
        if not self.integer:
            if not value.strip():
                raise BadParameter(self.name, f"parameter {self.name!r} is empty: {self.help}")
            return value
        try:
            number = int(value)
        except ValueError:
            raise BadParameter(self.name, f"parameter {self.name!r} must be a whole number, not {value!r}") from None
        low = self.minimum if self.minimum is not None else "-"
        high = self.maximum if self.maximum is not None else ""
        if (self.minimum is not None and number < self.minimum) or (self.maximum is not None and number > self.maximum):
            raise BadParameter(self.name, f"parameter {self.name!r} must be in {low}..{high}, not {number}")
        return number


@dataclass(frozen=True)
class Route:
    """One query: its path `/KIND`, the names it takes (in `KnowledgeGraph.query` order), its options, and the
    lists of its answer that `limit`/`offset` page through."""

    kind: str
    summary: str
    names: tuple[Param, ...]
    options: tuple[Param, ...]
    paged: tuple[str, ...]

    @property
    def params(self) -> tuple[Param, ...]:
        return self.names + self.options + (PAGE_PARAMS if self.paged else ())

    def arguments(self, query: Mapping[str, Sequence[str]]) -> tuple[list[str], dict[str, Any], tuple[int, int]]:
        """`(names, options, (offset, limit))` from a request's query string (every value a list of strings)."""
        known = {p.name for p in self.params}
        unknown = sorted(set(query) - known)
        if unknown:
            raise BadParameter(unknown[0], f"unknown parameter {unknown[0]!r} for /{self.kind}; "
                               f"it takes {', '.join(sorted(known))}")
        names: list[str] = []
        for param in self.names:
            value = param.parse(query.get(param.name, []))
            names += value if param.repeat else [value]
        options = {p.name: p.parse(query.get(p.name, [])) for p in self.options}
        offset, limit = (p.parse(query.get(p.name, [])) for p in PAGE_PARAMS)
        return names, {k: v for k, v in options.items() if v is not None}, (offset, limit)


PAGE_PARAMS = (
    Param("offset", "how many items of each long list to skip", integer=True, minimum=0, default=0),
    Param("limit", f"at most this many items of each long list (1 to {MAX_LIMIT})", integer=True, minimum=1,
          maximum=MAX_LIMIT, default=DEFAULT_LIMIT),
)
FILTERS = (
    Param("document", "only evidence from this document (id or file name)"),
    Param("trial", "only evidence from the documents reporting on this trial (registration number)"),
    Param("min_evidence", "only results backed by at least this many pieces of evidence", integer=True,
          minimum=1, maximum=1_000_000),
    Param("min_grade", "only adverse-event evidence of this grade or higher (3: grade 3, 4, 5, >=3, 3-4)",
          integer=True, minimum=0, maximum=5),
)


def _name(name: str, help: str, repeat: bool = False) -> Param:
    return Param(name, help, required=True, repeat=repeat)


ROUTES: dict[str, Route] = {route.kind: route for route in (
    Route("events", "adverse events of a drug, in text and through its regimens",
          (_name("drug", "a drug's name, synonym, abbreviation or identifier"),), FILTERS, ("events",)),
    Route("drugs", "drugs linked to an adverse event",
          (_name("event", "an adverse event's name, synonym or identifier"),), FILTERS, ("drugs",)),
    Route("trial", "everything known about one trial, merged across its registry record and papers",
          (_name("id", "a registration number such as NCT00389285"),), (), ("adverse_events",)),
    Route("compare", "several drugs side by side on one adverse event",
          (_name("event", "the adverse event"), _name("drug", "a drug to compare (repeat: drug=a&drug=b)", True)),
          FILTERS, ()),
    Route("evidence", "the sentences and table cells linking a drug to an adverse event",
          (_name("drug", "the drug"), _name("event", "the adverse event")), FILTERS, ("evidence",)),
    Route("neighbours", "the nodes and edges around a drug, event, condition, endpoint or trial",
          (_name("name", "a node's name, identifier or id"),),
          FILTERS + (Param("depth", "how many edges away (1 to 4)", integer=True, minimum=1, maximum=4, default=1),),
          ("nodes", "edges")),
)}


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
            "operationId": route.kind, "summary": route.summary, "parameters": parameters,
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
