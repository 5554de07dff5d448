"""Values stated for endpoints: "the objective response rate was 21% [95% CI: 9, 38.9]" sets, on the ENDPOINT
span, `Span._.result = {"value": 21.0, "unit": "%", "ci": [9.0, 38.9], "n": None, "total": None, "text": ...}`.

The value must follow the endpoint within its sentence, after a linking word ("was", "of", ":"), with at most a
few words between ("median PFS in phase 2 was 5.6 months"); the phrasing lives in models/rules/endpoint_results.json.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span

from pipeline.errors import RulesError
from pipeline.nlp.data_files import DataFilesComponent
from pipeline.nlp.sentences import entity_sentences
from pipeline.resources import read_rules_json, word_alternation

DEFAULT_RULES = "rules/endpoint_results.json"
_NUMBER = r"\d+(?:\.\d+)?"


def _check_rules(path: Path, rules: dict[str, Any]) -> None:
    """`RulesError` unless endpoint_results.json has its four keys, each of the right kind."""
    def words(value: Any) -> bool:
        return isinstance(value, list) and bool(value) and all(isinstance(w, str) and w for w in value)

    problems = {
        "units": isinstance(rules.get("units"), dict) and rules["units"]
                 and all(isinstance(k, str) and k and isinstance(v, str) for k, v in rules["units"].items()),
        "linkers": words(rules.get("linkers")),
        "qualifiers": words(rules.get("qualifiers")),
        "max_gap_words": isinstance(rules.get("max_gap_words"), int) and rules["max_gap_words"] >= 0,
    }
    wrong = [key for key, fine in problems.items() if not fine]
    if wrong:
        raise RulesError(path, None, f"{', '.join(wrong)} missing or malformed: units maps unit words to units, "
                                     "linkers and qualifiers are lists of words, max_gap_words a whole number")


class EndpointResultReader(DataFilesComponent):
    """Attach the stated value (with unit, n/N and 95% CI when given) to each ENDPOINT mention."""

    def __init__(self, rules_path: str | Path = DEFAULT_RULES) -> None:
        self.data_files = {"endpoint_results.json": str(rules_path)}

    def load_data(self) -> None:
        path = self.data_path("endpoint_results.json")
        rules = read_rules_json(path)
        _check_rules(path, rules)
        self.units: dict[str, str] = rules["units"]
        gap = rf"(?:[^\s.;%\d()\[\]]+\s+|\d+\s+(?![%\d])){{0,{int(rules['max_gap_words'])}}}?"
        units = word_alternation(list(self.units))
        self.pattern = re.compile(
            rf"^\s*(?:\([A-Za-z0-9-]{{2,12}}\)\s*)?{gap}(?:{word_alternation(rules['linkers'])})\s+"
            rf"(?:(?:{word_alternation(rules['qualifiers'])})\s+)?"
            rf"(?P<value>{_NUMBER})\s*(?P<unit>{units})(?![A-Za-z])"
            rf"(?:\s*\((?P<n>\d+)\s*/\s*(?P<total>\d+)\))?"
            rf"(?:\s*[\[(]\s*95\s*%\s*CI\s*[:,]?\s*(?P<low>{_NUMBER})\s*(?:,|-|–|to)\s*(?P<high>{_NUMBER})\s*[\])])?",
        )

    def __call__(self, doc: Doc) -> Doc:
        self.ensure_loaded()
        endpoints = [(ent, sentence) for ent, sentence in zip(doc.ents, entity_sentences(doc))
                     if ent.label_ == "ENDPOINT"]
        text = doc.text if endpoints else ""  # `doc.text` walks every token: read it once
        for index, (ent, sentence) in enumerate(endpoints):
            sentence_end = sentence.end_char
            # the text up to the next endpoint of the sentence, looking past an abbreviation in brackets
            later = [e for e, _ in endpoints[index + 1 :] if e.start_char < sentence_end
                     and text[ent.end_char : e.start_char].strip() != "("]
            limit = later[0].start_char if later else sentence_end
            ent._.result = self.read(ent, text[ent.end_char : limit])
        return doc

    def read(self, ent: Span, following: str) -> dict[str, Any] | None:
        """The result stated in `following` (the text after the endpoint), or None."""
        match = self.pattern.match(following)
        if match is None:
            return None
        low, high = match["low"], match["high"]
        return {
            "value": float(match["value"]),
            "unit": self.units[match["unit"]],
            "ci": [float(low), float(high)] if low is not None else None,
            "n": int(match["n"]) if match["n"] else None,
            "total": int(match["total"]) if match["total"] else None,
            "text": ent.text + following[: match.end()],
        }
