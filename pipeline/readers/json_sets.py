"""ClinicalTrials.gov JSON files that hold one study or many, walked without building the whole file.

Layouts: one API v2 record (`{"protocolSection": ...}`), an API v2 search response
(`{"studies": [record, ...], "nextPageToken": ...}`), a JSON array of v2 records, and the classic v1
`{"FullStudiesResponse": {"FullStudies": [{"Rank": 1, "Study": {...}}, ...]}}`. The top level is read
member by member with `json.JSONDecoder.raw_decode`, so a 10,000-study file costs its text plus one
study at a time, and each study comes out as the slice of text that holds it.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator

from pipeline.errors import ReaderError

RECORD, SET = "record", "set"
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_V1_WRAPPER = ('{"FullStudiesResponse": {"NStudiesReturned": 1, "FullStudies": [', "]}}")


def _skip(text: str, at: int) -> int:
    return _SPACE.match(text, at).end()


def _invalid(path: str, text: str, exc: json.JSONDecodeError) -> ReaderError:
    ending = " (the file ends too early; is it truncated?)" if exc.pos >= len(text.rstrip()) else ""
    return ReaderError(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: "
                         f"{exc.msg.removesuffix(' at')}{ending}")


def _members(text: str, at: int, path: str) -> Iterator[tuple[str, int]]:
    """`(key, value start)` of the object at `at`; the caller must `_value_end` each value it is given."""
    at = _skip(text, at + 1)
    if text.startswith("}", at):
        return
    while True:
        if not text.startswith('"', at):
            raise _invalid(path, text, json.JSONDecodeError("Expecting property name enclosed in double quotes", text, at))
        key, at = _DECODER.raw_decode(text, at)
        at = _skip(text, at)
        if not text.startswith(":", at):
            raise _invalid(path, text, json.JSONDecodeError("Expecting ':' delimiter", text, at))
        at = _skip(text, at + 1)
        end = yield key, at
        at = _skip(text, end)
        if text.startswith("}", at):
            return
        if not text.startswith(",", at):
            raise _invalid(path, text, json.JSONDecodeError("Expecting ',' delimiter", text, at))
        at = _skip(text, at + 1)


def _value_end(text: str, at: int, path: str) -> int:
    try:
        return _DECODER.raw_decode(text, at)[1]
    except json.JSONDecodeError as exc:
        raise _invalid(path, text, exc) from exc
    except RecursionError as exc:
        raise ReaderError(path, f"JSON nested too deeply near character {at}; refused") from exc


def _items(text: str, at: int, path: str) -> Iterator[tuple[int, int]]:
    """`(start, end)` of each item of the array at `at`."""
    at = _skip(text, at + 1)
    if text.startswith("]", at):
        return
    while True:
        end = _value_end(text, at, path)
        yield at, end
        at = _skip(text, end)
        if text.startswith("]", at):
            return
        if not text.startswith(",", at):
            raise _invalid(path, text, json.JSONDecodeError("Expecting ',' delimiter", text, at))
        at = _skip(text, at + 1)


def _find(text: str, at: int, wanted: set[str], path: str) -> tuple[str, int, list[str]]:
    """The first member of the object at `at` whose key is in `wanted`: `(key, value start, keys before)`;
    `("", -1, keys)` when there is none."""
    seen: list[str] = []
    walk = _members(text, at, path)
    try:
        key, start = next(walk)
        while True:
            if key in wanted:
                return key, start, seen
            seen.append(key)
            key, start = walk.send(_value_end(text, start, path))
    except StopIteration:
        return "", -1, seen
    except json.JSONDecodeError as exc:
        raise _invalid(path, text, exc) from exc


def _keys_shown(keys: list[str]) -> str:
    shown = ", ".join(repr(k) for k in keys[:5]) + (", ..." if len(keys) > 5 else "")
    return f" (top-level keys: {shown})" if keys else " (an empty object)"


def layout(text: str, path: str) -> str:
    """`RECORD` for one study, `SET` for a file of several; `ReaderError` saying what the JSON is otherwise."""
    at = _skip(text, 0)
    if text.startswith("["):
        first = next(_items(text, at, path), None)
        if first is None:
            raise ReaderError(path, "an empty JSON array, not a ClinicalTrials.gov study record")
        if not text.startswith("{", first[0]) or _find(text, first[0], {"protocolSection"}, path)[1] < 0:
            raise ReaderError(path, "a JSON array whose first item is not a ClinicalTrials.gov study (no protocolSection)")
        return SET
    if not text.startswith("{", at):
        raise ReaderError(path, "JSON that is not a ClinicalTrials.gov study object")
    key, start, seen = _find(text, at, {"protocolSection", "studies", "FullStudiesResponse"}, path)
    if key == "protocolSection":
        return RECORD
    if key == "studies" and text.startswith("[", start):
        return SET
    if key == "FullStudiesResponse":
        return SET if len(_v1_studies(text, start, path)) > 1 else RECORD
    raise ReaderError(path, "JSON that is not a ClinicalTrials.gov study record (no protocolSection)" + _keys_shown(seen))


def _v1_studies(text: str, at: int, path: str) -> list[tuple[int, int]]:
    if not text.startswith("{", at):
        return []
    key, start, _ = _find(text, at, {"FullStudies"}, path)
    return list(_items(text, start, path)) if key and text.startswith("[", start) else []


def studies(text: str, path: str) -> Iterator[str]:
    """Each study of a `SET` as standalone JSON text (a v1 study keeps its response wrapper)."""
    at = _skip(text, 0)
    if text.startswith("["):
        for start, end in _items(text, at, path):
            yield text[start:end]
        return
    key, start, _ = _find(text, at, {"protocolSection", "studies", "FullStudiesResponse"}, path)
    if key == "studies":
        for item_start, end in _items(text, start, path):
            yield text[item_start:end]
    elif key == "FullStudiesResponse":
        for item_start, end in _v1_studies(text, start, path):
            yield _V1_WRAPPER[0] + text[item_start:end] + _V1_WRAPPER[1]
    else:
        yield text
