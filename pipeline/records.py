"""The typed records that pass between layers after annotation: mentions and relations of a text, and the
facts read from a document's tables and registry record (their JSON: docs/contract.md).

Records are frozen; lists are tuples. Dicts exist only at the boundaries (the annotate JSONL, `query --json`,
the store's payload): `to_dict` gives exactly the JSON the product writes and `from_dict` reads it back,
raising `RecordError` naming the field that is missing or unknown.

    fact = fact_from_dict(payload)       # an IncidenceFact, a TableReport, ... chosen by its "kind"
    fact.to_dict() == payload            # True
"""
from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self, Union

from pipeline.errors import TrialGraphError

# field metadata: when a field is left out of `to_dict` (what the JSON never carried)
_OMIT_NONE = {"omit": "none"}
_OMIT_EMPTY = {"omit": "empty"}
_ADVERSE_EVENT_ONLY = {"omit": "not_adverse_event"}  # set on adverse-event mentions only, null or not


class RecordError(TrialGraphError, ValueError):
    """A JSON object that is not the record it should be: a required field missing or an unknown one."""


class Record:
    """Base of the records: JSON conversion driven by the dataclass fields and their types."""

    KIND: ClassVar[str | None] = None  # the "kind" a fact record's JSON starts with

    def to_dict(self) -> dict[str, Any]:
        """The record's JSON object, fields in declaration order, optional ones left out when unset."""
        out: dict[str, Any] = {"kind": self.KIND} if self.KIND else {}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if not self._omitted(item, value):
                out[item.name] = _to_json(value)
        return out

    def _omitted(self, item: dataclasses.Field, value: Any) -> bool:
        omit = item.metadata.get("omit")
        return (omit == "none" and value is None) or (omit == "empty" and not value)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The record of a JSON object; RecordError naming the missing or unknown field."""
        what = f"{cls.KIND!r} fact" if cls.KIND else cls.__name__
        if not isinstance(data, Mapping):
            raise RecordError(f"a {what} must be a JSON object, not {type(data).__name__}")
        values = {k: v for k, v in data.items() if k != "kind" or not cls.KIND}
        if cls.KIND and data.get("kind", cls.KIND) != cls.KIND:
            raise RecordError(f"a {what} has kind {cls.KIND!r}, not {data.get('kind')!r}")
        hints = _hints(cls)
        unknown = sorted(set(values) - set(hints))
        if unknown:
            raise RecordError(f"a {what} has no field {', '.join(map(repr, unknown))} "
                              f"(its fields: {', '.join(hints)}); was it written by another TrialGraph version?")
        required = [f.name for f in dataclasses.fields(cls)
                    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        missing = [name for name in required if name not in values]
        if missing:
            raise RecordError(f"a {what} lacks field {', '.join(map(repr, missing))}; "
                              "give it, or re-run the documents with this TrialGraph version")
        return cls(**{name: _from_json(hints[name], value, f"{what} field {name!r}") for name, value in values.items()})

    def with_values(self, values: Mapping[str, Any]) -> Self:
        """A copy with the JSON `values` of its own fields put in (a curator's correction); other names are
        ignored, as a correction of a field a record does not have changes nothing."""
        own = {name: value for name, value in values.items() if name in _hints(type(self))}
        return type(self).from_dict({**self.to_dict(), **own})


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def _to_json(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, tuple):
        return [_to_json(v) for v in value]
    return value


def _from_json(hint: Any, value: Any, where: str) -> Any:
    """`value` (JSON) as the type `hint`: lists become tuples, objects the records they hold."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _from_json(options[0], value, where) if len(options) == 1 else value
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise RecordError(f"{where} must be a list, not {type(value).__name__}")
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_from_json(args[0], v, where) for v in value)
        return tuple(_from_json(arg, v, where) for arg, v in zip(args, value))
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint.from_dict(value)
    return value


# mentions and relations of a text ------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class Mention(Record):
    """One entity found in a text: its span, label, identifiers (best first) and context. An adverse event's
    `grade`, `serious` and `dlt` are set on adverse events only; `concept_start`/`concept_end` bound the
    concept's name inside a longer reported phrase; `endpoint_kind` is the kind (primary, secondary, other) a
    paper states its endpoint to be; `curation` is a curator's decision on it."""

    label: str
    start: int
    end: int
    text: str
    norm: tuple[str, ...]
    concept: str | None
    negated: bool
    context: str | None = None
    section: str | None = None
    source: str | None = None
    sentence: tuple[int, int] | None = None
    concept_start: int | None = field(default=None, metadata=_OMIT_NONE)
    concept_end: int | None = field(default=None, metadata=_OMIT_NONE)
    grade: str | None = field(default=None, metadata=_ADVERSE_EVENT_ONLY)
    serious: bool | None = field(default=None, metadata=_ADVERSE_EVENT_ONLY)
    dlt: bool | None = field(default=None, metadata=_ADVERSE_EVENT_ONLY)
    result: dict[str, Any] | None = field(default=None, metadata=_OMIT_NONE)
    endpoint_kind: str | None = field(default=None, metadata=_OMIT_NONE)
    dose: dict[str, Any] | None = field(default=None, metadata=_OMIT_NONE)
    curation: str | None = field(default=None, metadata=_OMIT_NONE)

    def _omitted(self, item: dataclasses.Field, value: Any) -> bool:
        if item.metadata.get("omit") == "not_adverse_event":
            return self.label != "ADVERSE_EVENT"
        return super()._omitted(item, value)


@dataclass(frozen=True, kw_only=True)
class Relation(Record):
    """A relation between two mentions of one text, by their indexes, with who found it and how sure."""

    head: int
    tail: int
    label: str
    confidence: float | None
    extractor: str | None
    curation: str | None = field(default=None, metadata=_OMIT_NONE)


# facts of tables ------------------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class RegimenDrug(Record):
    """One drug of an arm's regimen or of a registered intervention; `dose` as its header prints it;
    `ingredients` the identifiers (`canonical_id`) of the drugs a fixed-dose combination joins."""

    name: str
    norm: tuple[str, ...]
    concept: str | None = None
    dose: str | None = field(default=None, metadata=_OMIT_NONE)
    ingredients: tuple[str, ...] = field(default=(), metadata=_OMIT_EMPTY)


@dataclass(frozen=True, kw_only=True)
class TableReport(Record):
    """One table: where it is, how it was classified, how many rows and facts it gave, its arms and warnings."""

    KIND: ClassVar[str] = "table"
    table: str
    caption: str
    classification: str
    rows: int
    facts: int
    arms: tuple[str, ...]
    warnings: tuple[str, ...]
    page: int | None = None
    section: str | None = None


@dataclass(frozen=True, kw_only=True)
class CellFact(Record):
    """A fact read from one table cell: the table's id, the body row and column (0-based) and the cell's text."""

    table: str
    row: int
    column: int
    cell: str


@dataclass(frozen=True, kw_only=True)
class ArmCount(CellFact):
    """A count cell: `n` participants of `total` in an arm, with the printed `percent` (a printed "<1%" is
    `percent_bound` "<1" with `percent` None); the arm's name, its kind ("placebo", "no_drug") and regimen."""

    n: int | None
    total: int | None
    percent: float | None
    percent_bound: str | None = field(default=None, metadata=_OMIT_NONE)
    arm: str | None
    arm_kind: str | None
    regimen: tuple[RegimenDrug, ...]


@dataclass(frozen=True, kw_only=True)
class IncidenceFact(ArmCount):
    """How many participants of an arm had an adverse event, of which grade, at which dose."""

    KIND: ClassVar[str] = "incidence"
    event: str
    norm: tuple[str, ...]
    concept: str | None
    grade: str | None
    dose: str | None
    serious: bool | None
    warnings: tuple[str, ...]
    column_label: str | None
    group: str | None
    section: str | None
    category: str | None
    laboratory: bool
    markers: str = field(default="", metadata=_OMIT_EMPTY)
    curation: str | None = field(default=None, metadata=_OMIT_NONE)


@dataclass(frozen=True, kw_only=True)
class ResponseFact(ArmCount):
    """One tumour-response category count of an arm; `code` is its RECIST code (CR, PR, SD, PD, ORR, DCR, NE)."""

    KIND: ClassVar[str] = "response"
    category: str
    code: str | None
    warnings: tuple[str, ...]
    column_label: str | None
    curation: str | None = field(default=None, metadata=_OMIT_NONE)


@dataclass(frozen=True, kw_only=True)
class OutcomeFact(CellFact):
    """One value of a registry outcome-measure results table for one arm; `ci` is `(low, high)`, either
    bound may be None."""

    KIND: ClassVar[str] = "outcome_result"
    endpoint: str
    outcome_kind: str | None
    value: float
    unit: str | None
    ci: tuple[float | None, float | None] | None
    arm: str | None
    arm_kind: str | None
    regimen: tuple[RegimenDrug, ...]
    warnings: tuple[str, ...]
    measure: str | None
    category: str | None
    spread: float | None = field(default=None, metadata=_OMIT_NONE)
    curation: str | None = field(default=None, metadata=_OMIT_NONE)


@dataclass(frozen=True, kw_only=True)
class CellMention(CellFact):
    """A drug named in a text cell: offsets into `cell`, and the role the table gives it (`prior_therapy`,
    `baseline` or None)."""

    KIND: ClassVar[str] = "cell_mention"
    start: int
    end: int
    text: str
    label: str
    norm: tuple[str, ...]
    concept: str | None
    negated: bool
    role: str | None
    curation: str | None = field(default=None, metadata=_OMIT_NONE)


# facts of a registry record -------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class RegisteredIntervention(Record):
    """A registered intervention: its type (Drug, Biological, Device...), its arm groups, other names and drugs
    (one per drug of a combination). `role` is "drug", "placebo" or "non_drug" (a device, a procedure, behaviour:
    an intervention of the trial that gives no drug)."""

    KIND: ClassVar[str] = "intervention"
    name: str
    type: str
    role: str
    arms: tuple[str, ...]
    other_names: tuple[str, ...] = ()
    drugs: tuple[RegimenDrug, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RegisteredCondition(Record):
    """A registered condition, named as registered, with the identifiers of the lexicon concept whose whole name
    it is (none for a name that only contains one: "Squamous cell lung cancer" is not "lung cancer")."""

    KIND: ClassVar[str] = "condition"
    name: str
    norm: tuple[str, ...]
    concept: str | None


@dataclass(frozen=True, kw_only=True)
class RegisteredOutcome(Record):
    """A registered outcome measure (`name`, its title) with its time frame, and its kind as registered: primary,
    secondary or other; unspecified where the record does not say."""

    KIND: ClassVar[str] = "outcome"
    name: str
    outcome_kind: str
    time_frame: str


Fact = Union[TableReport, IncidenceFact, ResponseFact, OutcomeFact, CellMention, RegisteredIntervention,
             RegisteredCondition, RegisteredOutcome]
TableFact = Union[IncidenceFact, ResponseFact, OutcomeFact]  # the count and value facts of a table
FACT_TYPES: dict[str, type] = {cls.KIND: cls for cls in typing.get_args(Fact)}


def fact_from_dict(data: Mapping[str, Any]) -> Fact:
    """The fact record of a stored fact's JSON, by its `kind`; RecordError when the kind is unknown."""
    kind = data.get("kind") if isinstance(data, Mapping) else None
    if kind not in FACT_TYPES:
        raise RecordError(f"a fact's kind must be one of {', '.join(FACT_TYPES)}, not {kind!r}")
    return FACT_TYPES[kind].from_dict(data)
