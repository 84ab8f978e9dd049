"""Where "within N miles of ..." measures from: a London borough or a postcode district.

Callers pass what the person typed or chose (a borough slug or name, a postcode district like
SE15, or a whole postcode, of which only the district is used); this turns it into a point.
"""
from __future__ import annotations

from dataclasses import dataclass

from domain.geography import BOROUGHS_BY_SLUG, LONDON_BOROUGHS
from domain.postcodes import district_point, outcode_of
from webapp.search.query import Near

# The radius choices offered on the search page, in miles.
DISTANCE_CHOICES = (1, 2, 3, 5, 10, 15)
DEFAULT_MILES = 5


@dataclass(frozen=True)
class Place:
    key: str  # what goes in the URL: a borough slug or a postcode district
    label: str
    latitude: float
    longitude: float


def resolve_place(key: str | None) -> Place | None:
    """The place a search measures distance from, or None if the key is not one we know."""
    if not key or len(key) > 60:
        return None
    wanted = key.strip().lower()
    borough = BOROUGHS_BY_SLUG.get(wanted) or _BOROUGHS_BY_NAME.get(_name_key(wanted))
    if borough is not None:
        return Place(borough.slug, borough.name, borough.latitude, borough.longitude)
    outcode = outcode_of(key)
    point = district_point(outcode) if outcode else None
    if point is not None:
        latitude, longitude, name = point
        return Place(outcode, f"{outcode} ({name})", latitude, longitude)
    return None


def _name_key(text: str) -> str:
    """'Kingston upon Thames', 'kingston-upon-thames' and 'Hammersmith & Fulham' all match their borough."""
    return " ".join(text.lower().replace("&", "and").replace("-", " ").replace("london borough of", "").split())


_BOROUGHS_BY_NAME = {_name_key(b.name): b for b in LONDON_BOROUGHS}


def near(key: str | None, miles: float | None) -> Near | None:
    place = resolve_place(key)
    if place is None:
        return None
    return Near(place.latitude, place.longitude, float(miles or DEFAULT_MILES), label=place.label)
