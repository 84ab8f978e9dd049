"""Each council's main office for the demo: the street address and postcode a job advert names
(JobPosting's streetAddress and postalCode). Taken from the councils' published civic centre
addresses; a vacancy based elsewhere names its own office."""
from __future__ import annotations

# slug: (street address, postcode)
COUNCIL_OFFICES: dict[str, tuple[str, str]] = {
    "barnet": ("2 Bristol Avenue, Colindale", "NW9 4EW"),
    "camden": ("5 Pancras Square", "N1C 4AG"),
    "city-of-london": ("Guildhall, Gresham Street", "EC2V 7HH"),
    "enfield": ("Civic Centre, Silver Street", "EN1 3XA"),
    "hackney": ("Hackney Service Centre, 1 Hillman Street", "E8 1DY"),
    "haringey": ("George Meehan House, 294 High Road", "N22 8JZ"),
    "islington": ("222 Upper Street", "N1 1XR"),
    "barking-and-dagenham": ("Barking Town Hall, 1 Town Square", "IG11 7LU"),
    "havering": ("Town Hall, Main Road, Romford", "RM1 3BB"),
    "newham": ("Newham Dockside, 1000 Dockside Road", "E16 2QU"),
    "redbridge": ("Town Hall, 128-142 High Road, Ilford", "IG1 1DD"),
    "tower-hamlets": ("Town Hall, 160 Whitechapel Road", "E1 1BJ"),
    "waltham-forest": ("Waltham Forest Town Hall, Forest Road", "E17 4JF"),
    "brent": ("Brent Civic Centre, 32 Engineers Way, Wembley", "HA9 0FJ"),
    "ealing": ("Perceval House, 14-16 Uxbridge Road", "W5 2HL"),
    "hammersmith-and-fulham": ("Hammersmith Town Hall, King Street", "W6 9JU"),
    "harrow": ("Civic Centre, Station Road", "HA1 2XY"),
    "hillingdon": ("Civic Centre, High Street, Uxbridge", "UB8 1UW"),
    "hounslow": ("Hounslow House, 7 Bath Road", "TW3 3EB"),
    "kensington-and-chelsea": ("The Town Hall, Hornton Street", "W8 7NX"),
    "westminster": ("Westminster City Hall, 64 Victoria Street", "SW1E 6QP"),
    "bexley": ("Civic Offices, 2 Watling Street, Bexleyheath", "DA6 7AT"),
    "bromley": ("Civic Centre, Churchill Court, 2 Westmoreland Road", "BR1 1AS"),
    "croydon": ("Bernard Weatherill House, 8 Mint Walk", "CR0 1EA"),
    "greenwich": ("The Woolwich Centre, 35 Wellington Street", "SE18 6HQ"),
    "kingston-upon-thames": ("Guildhall, High Street, Kingston upon Thames", "KT1 1EU"),
    "lambeth": ("Lambeth Town Hall, Brixton Hill", "SW2 1RW"),
    "lewisham": ("Laurence House, 1 Catford Road", "SE6 4RU"),
    "merton": ("Civic Centre, London Road, Morden", "SM4 5DX"),
    "richmond-upon-thames": ("Civic Centre, 44 York Street, Twickenham", "TW1 3BZ"),
    "southwark": ("160 Tooley Street", "SE1 2QH"),
    "sutton": ("Civic Offices, St Nicholas Way", "SM1 1EA"),
    "wandsworth": ("Town Hall, Wandsworth High Street", "SW18 2PU"),
}
