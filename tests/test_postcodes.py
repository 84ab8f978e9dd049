"""London postcode districts: each centre checked against independent facts written here (where
well-known landmarks are, which way round neighbours lie, which borough a district is in), and
the distance filter that uses them."""
from __future__ import annotations

import re

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


# Independent facts, not read from domain/: where well-known places are (coordinates as published
# on each landmark's Wikipedia page, to 4 decimals) and the postcode district each one is in (its
# published address). A district's centre should be within a mile of a landmark inside it (most
# outer districts are 2-3 miles across), and within 0.4 of a mile for the small central ones.
LANDMARKS = [
    # district, landmark, latitude, longitude, miles
    ("SW1A", "Buckingham Palace (SW1A 1AA)", 51.5014, -0.1419, 0.4),
    ("EC4M", "St Paul's Cathedral (EC4M 8AD)", 51.5138, -0.0984, 0.4),
    ("EC2R", "Bank of England (EC2R 8AH)", 51.5142, -0.0885, 0.4),
    ("EC3N", "Tower of London (EC3N 4AB)", 51.5081, -0.0759, 0.4),
    ("EC2M", "Liverpool Street station (EC2M 7PY)", 51.5178, -0.0823, 0.4),
    ("EC2Y", "Barbican Centre (EC2Y 8DS)", 51.5202, -0.0938, 0.4),
    ("WC1B", "British Museum (WC1B 3DG)", 51.5194, -0.1270, 0.4),
    ("WC2N", "Trafalgar Square (WC2N 5DN)", 51.5080, -0.1281, 0.4),
    ("WC2E", "Covent Garden market (WC2E 8RF)", 51.5117, -0.1240, 0.4),
    ("N1C", "King's Cross station (N1C 4AP)", 51.5308, -0.1238, 0.5),
    ("E20", "London Stadium, Olympic Park (E20 2ST)", 51.5386, -0.0166, 1),
    ("E14", "One Canada Square, Canary Wharf (E14 5AB)", 51.5049, -0.0195, 1),
    ("E16", "ExCeL London (E16 1XL)", 51.5081, 0.0295, 1),
    ("E1", "Royal London Hospital, Whitechapel (E1 1BB)", 51.5186, -0.0590, 1),
    ("E15", "Stratford station (E15 1AZ)", 51.5416, -0.0034, 1),
    ("E17", "Walthamstow Central station (E17 7LP)", 51.5830, -0.0197, 1),
    ("N5", "Emirates Stadium, Highbury (N5 1BU)", 51.5549, -0.1084, 1),
    ("N17", "Tottenham Hotspur Stadium (N17 0BX)", 51.6043, -0.0665, 1),
    ("N22", "Alexandra Palace (N22 7AY)", 51.5942, -0.1310, 1),
    ("NW1", "Camden Town station (NW1 8NH)", 51.5392, -0.1426, 1),
    ("NW8", "Lord's Cricket Ground (NW8 8QN)", 51.5297, -0.1727, 1),
    ("W2", "Paddington station (W2 1HQ)", 51.5154, -0.1755, 1),
    ("W5", "Ealing Broadway station (W5 2NU)", 51.5150, -0.3017, 1),
    ("SW7", "Royal Albert Hall (SW7 2AP)", 51.5010, -0.1774, 1),
    ("SW6", "Stamford Bridge, Fulham (SW6 1HS)", 51.4817, -0.1910, 1),
    ("SW19", "All England Lawn Tennis Club, Wimbledon (SW19 5AE)", 51.4343, -0.2141, 1),
    ("SE10", "Royal Observatory, Greenwich (SE10 8XJ)", 51.4769, -0.0005, 1),
    ("SE11", "The Oval, Kennington (SE11 5SS)", 51.4838, -0.1150, 1),
    ("SE15", "Peckham Rye station (SE15 4RX)", 51.4700, -0.0694, 1),
    ("SE18", "Woolwich Arsenal station (SE18 6HX)", 51.4900, 0.0692, 1),
    ("CR0", "East Croydon station (CR0 1LF)", 51.3755, -0.0925, 1),
    ("HA9", "Wembley Stadium (HA9 0WS)", 51.5560, -0.2796, 1),
    ("HA1", "Harrow-on-the-Hill station (HA1 1BB)", 51.5793, -0.3367, 1),
    ("TW2", "Twickenham Stadium (TW2 7BA)", 51.4560, -0.3415, 1),
    ("TW9", "Kew Gardens (TW9 3AB)", 51.4787, -0.2956, 1),
    ("KT1", "Kingston Guildhall (KT1 1EU)", 51.4085, -0.3064, 1),
    ("RM1", "Romford station (RM1 1JP)", 51.5748, 0.1832, 1),
    ("IG1", "Ilford station (IG1 1DJ)", 51.5591, 0.0686, 1),
    ("SM1", "Sutton station (SM1 1DF)", 51.3596, -0.1913, 1),
    ("EN1", "Enfield Town station (EN1 1YX)", 51.6519, -0.0792, 1),
    ("UB8", "Hillingdon Civic Centre, Uxbridge (UB8 1UW)", 51.5463, -0.4786, 1),
    ("TW6", "Heathrow Airport (TW6 1EW)", 51.4700, -0.4543, 1),
    # A split central district on its own is the middle of its parts: still in the right place.
    ("W1", "Oxford Circus", 51.5152, -0.1418, 0.4),
    ("EC2", "Bank junction", 51.5133, -0.0890, 0.4),
    ("SW1", "Victoria Street", 51.4975, -0.1357, 0.4),
]


@pytest.mark.parametrize("code, landmark, latitude, longitude, miles", LANDMARKS, ids=[row[0] for row in LANDMARKS])
def test_a_district_is_centred_near_a_landmark_known_to_be_in_it(code, landmark, latitude, longitude, miles):
    place = resolve_place(code)
    assert place is not None, code
    away = distance_miles(latitude, longitude, place.latitude, place.longitude)
    assert away < miles, f"{code} is {away:.2f} miles from {landmark}"


def _point(code: str) -> tuple[float, float]:
    latitude, longitude, _ = district_point(code)
    return latitude, longitude


# Neighbours whose compass order everyone in London knows: (first, relation, second).
@pytest.mark.parametrize("first, relation, second", [
    ("E1", "east of", "EC1"), ("W1", "west of", "WC1"), ("N1", "north of", "SE1"), ("WC2", "west of", "EC4"),
    ("E14", "east of", "E1W"), ("W6", "west of", "W14"), ("SE9", "east of", "SE6"), ("N20", "north of", "N12"),
    # Across the Thames: the south-bank district is south of the one facing it on the north bank.
    ("SE1", "south of", "EC4"), ("SE16", "south of", "E1W"), ("SE10", "south of", "E14"),
    ("SE18", "south of", "E16"), ("SE28", "south of", "E6"), ("SW11", "south of", "SW3"),
    ("SW8", "south of", "SW1V"), ("SW15", "south of", "SW6"), ("SW13", "south of", "W6"),
])
def test_neighbouring_districts_lie_the_right_way_round(first, relation, second):
    (lat1, lon1), (lat2, lon2) = _point(first), _point(second)
    holds = {"east of": lon1 > lon2, "west of": lon1 < lon2, "north of": lat1 > lat2, "south of": lat1 < lat2}
    assert holds[relation], f"{first} should be {relation} {second}"


def test_districts_along_a_line_across_london_come_in_the_order_they_are_met():
    # West to east along the A40 / Central line and the District line out to Upminster.
    west_to_east = ["UB8", "UB1", "W7", "W5", "W3", "W12", "W11", "W2", "W1", "WC1", "EC1", "E1", "E3", "E15",
                    "E6", "IG11", "RM9", "RM11", "RM14"]
    longitudes = [_point(code)[1] for code in west_to_east]
    assert longitudes == sorted(longitudes), list(zip(west_to_east, longitudes))
    # North to south down the A10 to the City, then the A23/A215 through Camberwell to Coulsdon.
    north_to_south = ["EN1", "N9", "N18", "N17", "N15", "N16", "N1", "EC2", "SE1", "SE5", "SE24", "SE27", "SE19",
                      "CR7", "CR0", "CR2", "CR8", "CR5"]
    latitudes = [_point(code)[0] for code in north_to_south]
    assert latitudes == sorted(latitudes, reverse=True), list(zip(north_to_south, latitudes))


# One well-known district in each of the 33 boroughs, and the borough it is in (independent
# knowledge): of all the councils' offices, that borough's is the nearest to the district's centre.
DISTRICT_IN_BOROUGH = {
    "N3": "barnet", "WC1H": "camden", "EC2V": "city-of-london", "EN1": "enfield", "E8": "hackney",
    "N22": "haringey", "N1": "islington", "IG11": "barking-and-dagenham", "RM1": "havering", "E16": "newham",
    "IG1": "redbridge", "E1": "tower-hamlets", "E17": "waltham-forest", "HA9": "brent", "W5": "ealing",
    "W6": "hammersmith-and-fulham", "HA1": "harrow", "UB8": "hillingdon", "TW3": "hounslow",
    "W8": "kensington-and-chelsea", "SW1E": "westminster", "DA6": "bexley", "BR1": "bromley", "CR0": "croydon",
    "SE18": "greenwich", "KT1": "kingston-upon-thames", "SW2": "lambeth", "SE6": "lewisham", "SM4": "merton",
    "TW1": "richmond-upon-thames", "SE1": "southwark", "SM1": "sutton", "SW18": "wandsworth",
}


def test_a_known_district_in_each_borough_is_nearest_that_boroughs_council():
    assert sorted(DISTRICT_IN_BOROUGH.values()) == sorted(b.slug for b in LONDON_BOROUGHS)
    wrong = {}
    for code, slug in DISTRICT_IN_BOROUGH.items():
        latitude, longitude = _point(code)
        nearest = min(LONDON_BOROUGHS, key=lambda b: distance_miles(latitude, longitude, b.latitude, b.longitude))
        if nearest.slug != slug:
            wrong[code] = (slug, nearest.slug)
    assert wrong == {}


def test_every_district_lies_inside_greater_london_and_has_a_point_of_its_own():
    for code, (latitude, longitude, name) in POSTCODE_DISTRICTS.items():
        assert 51.28 < latitude < 51.70 and -0.52 < longitude < 0.34, code
        assert name, code
    points = [(latitude, longitude) for latitude, longitude, _ in POSTCODE_DISTRICTS.values()]
    assert len(set(points)) == len(points)  # no district copied from another
    # Whole districts are miles across: any two centres less than half a mile apart is a copying slip.
    whole = {code: (lat, lon) for code, (lat, lon, _) in POSTCODE_DISTRICTS.items() if not code[-1].isalpha()}
    close = [(a, b) for a in whole for b in whole
             if a < b and distance_miles(*whole[a], *whole[b]) < 0.5]
    assert close == []


def test_a_split_central_district_is_made_of_its_known_parts():
    # Royal Mail's lettered parts of W1 (W1A, the BBC's, is not a place) and of SW1.
    w1 = sorted(k for k in POSTCODE_DISTRICTS if re.fullmatch(r"W1[A-Z]", k))
    assert w1 == ["W1B", "W1C", "W1D", "W1F", "W1G", "W1H", "W1J", "W1K", "W1S", "W1T", "W1U", "W1W"]
    sw1 = sorted(k for k in POSTCODE_DISTRICTS if re.fullmatch(r"SW1[A-Z]", k))
    assert sw1 == ["SW1A", "SW1E", "SW1H", "SW1P", "SW1V", "SW1W", "SW1X", "SW1Y"]
    assert district_point("W1")[2] == "the West End" and district_point("EC2")[2] == "the City"
    assert district_point("ZZ9") is None and district_point("W2")[2] == "Paddington"
    # W1 on its own is a point inside the West End, not one of its parts and not W10-W14.
    assert _point("W1") not in {_point(k) for k in w1}
    assert distance_miles(*_point("W1"), *_point("W10")) > 1.5


# Every district of the 33 boroughs that people live or work in (Royal Mail's list, without
# PO-box-only districts such as N1P, E98, SW95, W1A), outside the central lettered ones.
OUTER_DISTRICTS_IN_LONDON_BOROUGHS = (
    [f"E{n}" for n in range(1, 19)] + ["E20", "E1W"] + [f"N{n}" for n in range(1, 23)] + ["N1C"]
    + [f"NW{n}" for n in range(1, 12)] + [f"SE{n}" for n in range(1, 29)] + [f"SW{n}" for n in range(2, 21)]
    + [f"W{n}" for n in range(2, 15)]
    + [f"BR{n}" for n in range(1, 8)] + ["CR0", "CR2", "CR4", "CR5", "CR7", "CR8"]
    + ["DA5", "DA6", "DA7", "DA8", "DA14", "DA15", "DA16", "DA17", "DA18"] + [f"EN{n}" for n in range(1, 6)]
    + [f"HA{n}" for n in range(0, 10)] + ["IG1", "IG2", "IG3", "IG4", "IG5", "IG6", "IG8", "IG11"]
    + ["KT1", "KT2", "KT3", "KT4", "KT5", "KT6", "KT9"] + ["RM1", "RM2", "RM3"] + [f"RM{n}" for n in range(5, 15)]
    + [f"SM{n}" for n in range(1, 7)] + [f"TW{n}" for n in range(1, 15)] + [f"UB{n}" for n in range(1, 12)]
)


def test_every_district_of_the_london_boroughs_resolves():
    missing = [code for code in OUTER_DISTRICTS_IN_LONDON_BOROUGHS if district_point(code) is None]
    assert missing == []


def test_the_distance_filter_finds_a_job_in_a_near_district_and_not_one_ten_miles_away(client):
    from tests.factories import OrganisationFactory, VacancyFactory
    from tests.pages import page, texts
    from webapp.extensions import db

    council = OrganisationFactory(name="Southwark", slug="southwark")
    # Placed at the landmarks above, not at the districts' own points: Peckham Rye and Harrow-on-the-Hill.
    VacancyFactory(organisation=council, title="Peckham post", latitude=51.4700, longitude=-0.0694)
    VacancyFactory(organisation=council, title="Harrow post", latitude=51.5793, longitude=-0.3367)
    db.session.commit()
    assert distance_miles(51.4700, -0.0694, 51.5793, -0.3367) > 10

    def titles(query: str) -> list[str]:
        response = client.get(f"/jobs?{query}")
        assert response.status_code == 200, query
        return texts(page(response), ".app-vacancy-list__item h2 a")

    assert titles("near=SE15&miles=1") == ["Peckham post"]
    assert titles("near=SE22&miles=2") == ["Peckham post"]  # East Dulwich, the next district south
    assert titles("near=HA1&miles=1") == ["Harrow post"]
    assert titles("near=SE15&miles=10") == ["Peckham post"]  # still over ten miles from Harrow
    assert set(titles("near=SE15&miles=15")) == {"Peckham post", "Harrow post"}


def test_near_accepts_boroughs_by_slug_or_name_and_districts_and_refuses_the_rest():
    assert resolve_place("Hammersmith & Fulham").key == "hammersmith-and-fulham"
    assert resolve_place("kingston upon thames").key == "kingston-upon-thames"
    assert resolve_place("se15 3ab").label == "SE15 (Peckham)"
    assert near("SE15", 3).miles == 3.0 and near("mars", 3) is None
    assert resolve_place("x" * 200) is None
