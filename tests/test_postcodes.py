"""London postcode districts: every one resolves, sits in London, and near the borough it belongs to."""
from __future__ import annotations

import pytest

from domain.geography import LONDON_BOROUGHS, distance_miles
from domain.postcodes import POSTCODE_DISTRICTS, district_point, outcode_of
from webapp.search.places import near, resolve_place


@pytest.mark.parametrize("text, outcode", [
    ("SE15 3AB", "SE15"), ("se153ab", "SE15"), (" sw1a 1aa ", "SW1A"), ("W1", "W1"), ("n1c", "N1C"),
    ("E1W 1AA", "E1W"), ("Hackney", None), ("", None), ("12345", None), ("SE15 3", None),
])
def test_postcodes_and_districts_are_read_into_an_outcode(text, outcode):
    assert outcode_of(text) == outcode


def test_every_district_lies_inside_greater_london_and_within_a_few_miles_of_a_borough_centre():
    for code, (latitude, longitude, name) in POSTCODE_DISTRICTS.items():
        assert 51.28 < latitude < 51.70 and -0.52 < longitude < 0.34, code
        nearest = min(distance_miles(latitude, longitude, b.latitude, b.longitude) for b in LONDON_BOROUGHS)
        assert nearest < 4.5, (code, name, nearest)
        assert name


def test_known_districts_are_near_the_borough_they_are_in():
    def miles(code: str, slug: str) -> float:
        place, borough = resolve_place(code), resolve_place(slug)
        return distance_miles(place.latitude, place.longitude, borough.latitude, borough.longitude)

    assert miles("SE15", "southwark") < 2.5
    assert miles("E17", "waltham-forest") < 1.5
    assert miles("CR0", "croydon") < 1.5
    assert miles("HA1", "harrow") < 1
    assert miles("TW1", "richmond-upon-thames") < 1  # the council sits in Twickenham
    assert miles("RM1", "havering") < 1.5
    assert miles("SE15", "harrow") > 10


def test_a_split_central_district_resolves_to_the_middle_of_its_parts():
    latitude, longitude, name = district_point("W1")
    parts = [v for k, v in POSTCODE_DISTRICTS.items() if k.startswith("W1") and k[-1].isalpha()]
    assert len(parts) == 12 and name == "the West End"
    assert abs(latitude - sum(p[0] for p in parts) / 12) < 1e-3
    assert district_point("ZZ9") is None and district_point("W2")[2] == "Paddington"


def test_near_accepts_boroughs_by_slug_or_name_and_districts_and_refuses_the_rest():
    assert resolve_place("Hammersmith & Fulham").key == "hammersmith-and-fulham"
    assert resolve_place("kingston upon thames").key == "kingston-upon-thames"
    assert resolve_place("se15 3ab").label == "SE15 (Peckham)"
    assert near("SE15", 3).miles == 3.0 and near("mars", 3) is None
    assert resolve_place("x" * 200) is None
