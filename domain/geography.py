"""London's 33 local authorities, their sub-regions and approximate coordinates, and distances.

Coordinates are each council's main civic centre, to about 500 m: good enough for
"within N miles" and commute fit, not for routing.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.vocabulary import SubRegion

try:
    # England's clock (GMT or BST): closing days end, and times without a zone are read, on it.
    LONDON_TIME: dt.tzinfo = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # a slim container with no time zone database: UTC rather than fail
    LONDON_TIME = dt.UTC


@dataclass(frozen=True)
class Borough:
    name: str
    slug: str
    sub_region: SubRegion
    latitude: float
    longitude: float
    town: str  # where the children's services offices are, as a job advert would say


LONDON_BOROUGHS: tuple[Borough, ...] = (
    # North
    Borough("Barnet", "barnet", SubRegion.NORTH, 51.6052, -0.2080, "Colindale"),
    Borough("Camden", "camden", SubRegion.NORTH, 51.5290, -0.1255, "King's Cross"),
    Borough("City of London", "city-of-london", SubRegion.NORTH, 51.5155, -0.0922, "Guildhall"),
    Borough("Enfield", "enfield", SubRegion.NORTH, 51.6538, -0.0799, "Enfield Town"),
    Borough("Hackney", "hackney", SubRegion.NORTH, 51.5450, -0.0553, "Hackney Central"),
    Borough("Haringey", "haringey", SubRegion.NORTH, 51.5975, -0.1090, "Wood Green"),
    Borough("Islington", "islington", SubRegion.NORTH, 51.5416, -0.1022, "Highbury"),
    # East
    Borough("Barking and Dagenham", "barking-and-dagenham", SubRegion.EAST, 51.5397, 0.0810, "Barking"),
    Borough("Havering", "havering", SubRegion.EAST, 51.5812, 0.1837, "Romford"),
    Borough("Newham", "newham", SubRegion.EAST, 51.5077, 0.0469, "Stratford"),
    Borough("Redbridge", "redbridge", SubRegion.EAST, 51.5590, 0.0741, "Ilford"),
    Borough("Tower Hamlets", "tower-hamlets", SubRegion.EAST, 51.5194, -0.0612, "Whitechapel"),
    Borough("Waltham Forest", "waltham-forest", SubRegion.EAST, 51.5908, -0.0134, "Walthamstow"),
    # West
    Borough("Brent", "brent", SubRegion.WEST, 51.5588, -0.2817, "Wembley"),
    Borough("Ealing", "ealing", SubRegion.WEST, 51.5130, -0.3089, "Ealing Broadway"),
    Borough("Hammersmith and Fulham", "hammersmith-and-fulham", SubRegion.WEST, 51.4927, -0.2339, "Hammersmith"),
    Borough("Harrow", "harrow", SubRegion.WEST, 51.5806, -0.3420, "Harrow"),
    Borough("Hillingdon", "hillingdon", SubRegion.WEST, 51.5441, -0.4760, "Uxbridge"),
    Borough("Hounslow", "hounslow", SubRegion.WEST, 51.4746, -0.3680, "Hounslow"),
    Borough("Kensington and Chelsea", "kensington-and-chelsea", SubRegion.WEST, 51.5020, -0.1947, "Kensington"),
    Borough("Westminster", "westminster", SubRegion.WEST, 51.4975, -0.1357, "Victoria"),
    # South
    Borough("Bexley", "bexley", SubRegion.SOUTH, 51.4549, 0.1505, "Bexleyheath"),
    Borough("Bromley", "bromley", SubRegion.SOUTH, 51.4039, 0.0198, "Bromley"),
    Borough("Croydon", "croydon", SubRegion.SOUTH, 51.3714, -0.0977, "Croydon"),
    Borough("Greenwich", "greenwich", SubRegion.SOUTH, 51.4892, 0.0648, "Woolwich"),
    Borough("Kingston upon Thames", "kingston-upon-thames", SubRegion.SOUTH, 51.4085, -0.3064, "Kingston"),
    Borough("Lambeth", "lambeth", SubRegion.SOUTH, 51.4607, -0.1163, "Brixton"),
    Borough("Lewisham", "lewisham", SubRegion.SOUTH, 51.4452, -0.0209, "Catford"),
    Borough("Merton", "merton", SubRegion.SOUTH, 51.4014, -0.1958, "Morden"),
    Borough("Richmond upon Thames", "richmond-upon-thames", SubRegion.SOUTH, 51.4479, -0.3260, "Twickenham"),
    Borough("Southwark", "southwark", SubRegion.SOUTH, 51.5035, -0.0804, "Bermondsey"),
    Borough("Sutton", "sutton", SubRegion.SOUTH, 51.3618, -0.1945, "Sutton"),
    Borough("Wandsworth", "wandsworth", SubRegion.SOUTH, 51.4567, -0.1910, "Wandsworth Town"),
)

BOROUGHS_BY_SLUG = {b.slug: b for b in LONDON_BOROUGHS}

EARTH_RADIUS_MILES = 3958.8


def distance_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); London is small enough that this is exact enough."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))
