"""Where "within N miles of ..." measures from: a borough now, a postcode district later.

Callers pass what the person chose (a borough slug today); this turns it into a point. When
postcode districts arrive they are resolved here too and nothing else changes.
"""
from __future__ import annotations

from dataclasses import dataclass

from domain.geography import BOROUGHS_BY_SLUG, LONDON_BOROUGHS
from webapp.search.query import Near

# The radius choices offered on the search page, in miles.
DISTANCE_CHOICES = (1, 2, 3, 5, 10, 15)
DEFAULT_MILES = 5


@dataclass(frozen=True)
class Place:
    key: str  # what goes in the URL: a borough slug (later also a postcode district)
    label: str
    latitude: float
    longitude: float


def place_choices() -> list[tuple[str, str]]:
    return [(b.slug, b.name) for b in sorted(LONDON_BOROUGHS, key=lambda b: b.name)]


def resolve_place(key: str | None) -> Place | None:
    """The place a search measures distance from, or None if the key is not one we know."""
    if not key:
        return None
    borough = BOROUGHS_BY_SLUG.get(key.strip().lower())
    if borough is not None:
        return Place(borough.slug, borough.name, borough.latitude, borough.longitude)
    return None


def near(key: str | None, miles: float | None) -> Near | None:
    place = resolve_place(key)
    if place is None:
        return None
    return Near(place.latitude, place.longitude, float(miles or DEFAULT_MILES), label=place.label)
