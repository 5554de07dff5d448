"""Every graph query described once: `QUERY_SPECS`, from which `KnowledgeGraph.query` checks its arguments,
`trialgraph query` makes its subcommands, `trialgraph serve` its routes and OpenAPI description, and the
table and DataFrame views pick their layout. Adding a query is adding a function to `pipeline.graph.query` and
a `QuerySpec` here (with a `view` the text and DataFrame renderers know).

Importable without networkx or spaCy, so `trialgraph query --help` stays fast.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MAX_LIMIT = 1_000
DEFAULT_LIMIT = 100


class BadParameter(ValueError):
    """A query parameter that is missing, unknown or out of its range."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class Param:
    """One parameter of a query: a string or an integer in `[minimum, maximum]`; `repeat` takes it several times."""

    name: str
    help: str
    integer: bool = False
    required: bool = False
    repeat: bool = False
    minimum: int | None = None
    maximum: int | None = None
    default: int | None = None

    def parse(self, values: Sequence[str]) -> Any:
        """The parameter's value from the strings given for it (`BadParameter` when they do not fit)."""
        if not values:
            if self.required:
                raise BadParameter(self.name, f"missing parameter {self.name!r}: {self.help}")
            return [] if self.repeat else self.default
        if len(values) > 1 and not self.repeat:
            raise BadParameter(self.name, f"parameter {self.name!r} given {len(values)} times; give it once")
        parsed = [self.parse_one(value) for value in values]
        return parsed if self.repeat else parsed[0]

    def parse_one(self, value: str) -> Any:
        """One value: a non-empty string, or a whole number within the bounds."""
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
class QuerySpec:
    """One query: `function` (a name in `pipeline.graph.query`), the names it takes in order, the options it
    takes, the lists of its answer that a page cuts, and `view`, the layout of its text table and DataFrame
    (`linked`, `trial`, `evidence`, `neighbours`)."""

    kind: str
    summary: str
    function: str
    names: tuple[Param, ...]
    options: tuple[Param, ...]
    paged: tuple[str, ...]
    view: str

    @property
    def filtered(self) -> bool:
        """Whether the query takes the evidence filters (document, trial, minimum evidence and grade)."""
        return bool(self.options)


FILTERS = (
    Param("document", "only evidence from this document (id or file name)"),
    Param("trial", "only evidence from the documents reporting on this trial (registration number)"),
    Param("min_evidence", "only results backed by at least this many pieces of evidence", integer=True,
          minimum=1, maximum=1_000_000),
    Param("min_grade", "only adverse-event evidence of this grade or higher (3: grade 3, 4, 5, >=3, 3-4)",
          integer=True, minimum=0, maximum=5),
)
DEPTH = Param("depth", "how many edges away (1 to 4)", integer=True, minimum=1, maximum=4, default=1)


def _name(name: str, help: str, repeat: bool = False) -> Param:
    return Param(name, help, required=True, repeat=repeat)


QUERY_SPECS: dict[str, QuerySpec] = {spec.kind: spec for spec in (
    QuerySpec("events", "adverse events of a drug, in text and through its regimens", "events_for_drug",
              (_name("drug", "a drug's name, synonym, abbreviation or identifier"),), FILTERS, ("events",), "linked"),
    QuerySpec("drugs", "drugs linked to an adverse event", "drugs_for_event",
              (_name("event", "an adverse event's name, synonym or identifier"),), FILTERS, ("drugs",), "linked"),
    QuerySpec("trial", "everything known about one trial, merged across its registry record and papers", "trial",
              (_name("id", "a registration number such as NCT00389285"),), (), ("adverse_events",), "trial"),
    QuerySpec("compare", "several drugs side by side on one adverse event", "compare_drugs",
              (_name("event", "the adverse event"), _name("drug", "a drug to compare (repeat: drug=a&drug=b)", True)),
              FILTERS, (), "linked"),
    QuerySpec("evidence", "the sentences and table cells linking a drug to an adverse event", "edge_evidence",
              (_name("drug", "the drug"), _name("event", "the adverse event")), FILTERS, ("evidence",), "evidence"),
    QuerySpec("neighbours", "the nodes and edges around a drug, event, condition, endpoint or trial", "neighbourhood",
              (_name("name", "a node's name, identifier or id"),), FILTERS + (DEPTH,), ("nodes", "edges"),
              "neighbours"),
)}


def query_spec(kind: str) -> QuerySpec:
    """The spec of query `kind` (`ValueError` naming the known ones otherwise)."""
    if kind not in QUERY_SPECS:
        raise ValueError(f"unknown query {kind!r}; use one of {', '.join(QUERY_SPECS)}")
    return QUERY_SPECS[kind]
