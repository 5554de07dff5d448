"""Postal addresses in a paper's methods: "(Sigma-Aldrich, St. Louis, MO, USA)", "from Alfa Aesar, Ward Hill, MA".

An address ends with a place of models/rules/places.tsv (a US state's or Canadian province's code or name, a
country) after a comma and a town. Its town and places are no drug or disease ("CA" of "San Diego, CA" is no
calcium, "MS" of "Jackson, MS" no multiple sclerosis); the items before the town name the firm ("Alfa Aesar") or a
brand the lexicon knows ("Plavix, Sanofi, Paris, France"). `AddressFinder.parts` gives both as token indexes;
the trained NER component drops what falls in them (pipeline/nlp/trained_ner.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from pipeline.errors import RulesError
from pipeline.resources import numbered_rules_tsv

PLACES = "rules/places.tsv"
PLACE_KINDS = frozenset({"us_state_code", "us_state", "province_code", "province", "country", "country_code"})
_CODE_KINDS = frozenset({"us_state_code", "province_code"})
# words an item of an address may hold besides capitalized ones ("Mega diagnostics", "R&D Systems", "St. Louis")
_ITEM_JOINERS = frozenset({"&", "-", ".", "'", "of", "and", "de", "du", "la", "di", "del", "am", "upon"})
_MAX_ITEM_WORDS = 6  # a town or firm longer than this is no address item
_MAX_ITEMS_BEFORE = 3  # firm items before the town: "(Plavix, Sanofi-Aventis, Paris, France)"


@dataclass(frozen=True)
class AddressParts:
    """Token indexes of a document's addresses: the town and places, and the items before the town (firm, brand)."""

    places: frozenset[int]
    firms: frozenset[int]


class AddressFinder:
    """Finds addresses in a token sequence from a list of places (name -> kind)."""

    def __init__(self, places: dict[str, str]) -> None:
        self.places = dict(places)
        self._longest = max((len(name.split()) for name in self.places), default=1)
        self._first_words = frozenset(name.split()[0] for name in self.places)

    @classmethod
    def load(cls, path: str | Path = PLACES) -> "AddressFinder":
        places: dict[str, str] = {}
        for line, row in numbered_rules_tsv(path, ("name", "kind")):
            if row["kind"] not in PLACE_KINDS:
                raise RulesError(path, line, f"kind {row['kind']!r} is none of {sorted(PLACE_KINDS)}")
            places.setdefault(row["name"], row["kind"])
        return cls(places)

    def parts(self, words: Sequence[str]) -> AddressParts:
        """The towns and places, and the firm items, of every address in `words` (a document's token texts)."""
        places: set[int] = set()
        firms: set[int] = set()
        i = 0
        while i < len(words):
            end = self._place_at(words, i) if i >= 2 and words[i - 1] == "," else None
            if end is None:
                i += 1
                continue
            town = self._item_before(words, i - 1)
            if town is None or not self._confirmed(words, i, end, town):
                i += 1
                continue
            while end + 1 < len(words) and words[end] == "," and (after := self._place_at(words, end + 1)):
                end = after  # ", MO, USA"
            while end < len(words) and words[end].isdigit():
                end += 1  # a postal code: "USA 90012"
            places.update(range(town[0], end))
            start = town[0]
            if start >= 2 and words[start - 1] == "(" and (firm := self._item_before(words, start - 1)):
                firms.update(range(*firm))  # "Alfa Aesar (Ward Hill, MA)": the firm stands before the bracket
            for _ in range(_MAX_ITEMS_BEFORE):
                if start < 2 or words[start - 1] != ",":
                    break
                item = self._item_before(words, start - 1)
                if item is None:
                    break
                firms.update(range(*item))
                start = item[0]
            i = end
        return AddressParts(frozenset(places), frozenset(firms))

    def _place_at(self, words: Sequence[str], i: int) -> int | None:
        """The end of the longest place name that starts at `i`, or None."""
        if words[i] not in self._first_words:
            return None
        for length in range(min(self._longest, len(words) - i), 0, -1):
            if " ".join(words[i:i + length]) in self.places:
                return i + length
        return None

    def _confirmed(self, words: Sequence[str], start: int, end: int, town: tuple[int, int]) -> bool:
        """Whether the place ends an address: nothing but punctuation, a postal code or another place follows it,
        and the town has a word in Title Case ("Davie", "St. Louis") unless a country follows the place's code
        ("LA, CA, USA")."""
        following = words[end] if end < len(words) else ""
        if following and following not in {")", "]", ",", ";", "."} and not following.isdigit():
            return False
        if any(words[j][:1].isupper() and words[j][1:].islower() and words[j].isalpha() for j in range(*town)):
            return True
        country_after = (following == "," and end + 1 < len(words)
                         and self.places.get(words[end + 1], "").startswith("country"))
        return self.places[" ".join(words[start:end])] in _CODE_KINDS and country_after

    @staticmethod
    def _item_before(words: Sequence[str], comma: int) -> tuple[int, int] | None:
        """The item that ends at the comma (or bracket) at `comma`: words that start with a capital, and joiners within
        ("Mega diagnostics" ends with one lowercase word after a capitalized one), back to a bracket, a comma,
        a semicolon or another word; None if it is empty, too long or starts with no capital."""
        start = comma
        while start > 0 and comma - start < _MAX_ITEM_WORDS:
            word = words[start - 1]
            if word in {"(", "[", ",", ";"}:
                break
            if not (word[:1].isupper() or word[:1].isdigit() or word.lower() in _ITEM_JOINERS
                    or (start == comma and word.isalpha() and start >= 2 and words[start - 2][:1].isupper())):
                break
            start -= 1
        while start < comma and not words[start][:1].isupper():
            start += 1  # "and Alfa Aesar": the item starts at its first capital
        if start == comma:
            return None
        if start > 0 and words[start - 1] not in {"(", "[", ",", ";"} and comma - start >= _MAX_ITEM_WORDS:
            return None
        return (start, comma)
