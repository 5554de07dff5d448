"""Postal addresses of suppliers and centres: their towns, places and firms (`AddressFinder`)."""
from __future__ import annotations

import pytest
import spacy

from pipeline.errors import RulesError
from pipeline.nlp.addresses import AddressFinder


@pytest.fixture(scope="module")
def finder() -> AddressFinder:
    return AddressFinder.load()


def _parts(finder: AddressFinder, text: str) -> tuple[list[str], list[str]]:
    words = [token.text for token in spacy.blank("en")(text)]
    parts = finder.parts(words)
    return [words[i] for i in sorted(parts.places)], [words[i] for i in sorted(parts.firms)]


def test_addresses_town_state_and_country_are_places_and_the_items_before_firms(finder):
    places, firms = _parts(finder, "It came from Sigma-Aldrich (St. Louis, MO, USA) and Sanofi, Paris, France.")
    assert places == ["St.", "Louis", ",", "MO", ",", "USA", "Paris", ",", "France"]
    assert firms == ["Sigma", "-", "Aldrich", "Sanofi"]


def test_addresses_firm_and_brand_items_inside_the_bracket(finder):
    places, firms = _parts(finder, "Clopidogrel (Plavix, Sanofi-Aventis, Paris, France) and a kit (Mega diagnostics, "
                                   "Austin, TX, USA 73301) were used.")
    assert places == ["Paris", ",", "France", "Austin", ",", "TX", ",", "USA", "73301"]
    assert firms == ["Plavix", "Sanofi", "-", "Aventis", "Mega", "diagnostics"]


def test_addresses_a_code_after_a_list_of_acronyms_or_before_more_words_is_no_place(finder):
    # "MS" after acronyms is multiple sclerosis; "CA" before a word is no address's end
    assert _parts(finder, "Patients with RRMS, SPMS, MS and others; CA, MS or PD in Boston, MA.") == (
        ["Boston", ",", "MA"], [])
    assert _parts(finder, "Seen in Parkinson, PD was rare.") == ([], [])


def test_addresses_a_code_of_a_town_in_capitals_needs_a_country_after_it(finder):
    assert _parts(finder, "(Mega, NYC, NY, USA)") == (["NYC", ",", "NY", ",", "USA"], ["Mega"])
    assert _parts(finder, "(Mega, NYC, NY)") == ([], [])


def test_addresses_bad_place_kind_reports_the_file_and_line(tmp_path):
    places = tmp_path / "places.tsv"
    places.write_text("name\tkind\nUSA\tcountry_code\nMars\tplanet\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"places\.tsv:3: kind 'planet'"):
        AddressFinder.load(places)
