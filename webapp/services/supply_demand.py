"""Supply and demand: live vacancies against the social workers looking for that kind of role.

A cell is one combination of two dimensions (role level, service area, and council or
sub-region), within the filters chosen for the others. In a cell:

- vacancies: live vacancies there (their count, and their FTE: a half-time post is half a post);
- candidates: registered social workers whose profile says they are looking for it: their
  role level is the cell's, one of their specialisms is the cell's service area (no
  specialisms ticked means any), one of their preferred councils is the cell's (none ticked
  means any council), and their availability is not "not looking at the moment".
  A person open to several cells counts once in each, and once in any total;
- candidates per vacancy: candidates / vacancy FTE, never rounded before dividing;
- a shortage when there is less than one candidate for each vacancy FTE.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
import sqlalchemy as sa

from domain.vocabulary import Availability, RoleLevel, ServiceArea, SubRegion, UserRole, VacancyStatus
from webapp.extensions import db
from webapp.models import CandidateProfile, Organisation, User, Vacancy
from webapp.services.spreadsheets import write_csv

# Below this many candidates per vacancy FTE a cell is a shortage.
SHORTAGE_BELOW = Decimal(1)


@dataclass(frozen=True)
class Band:
    slug: str
    label: str
    shortage: bool


# The heat map's colour bands, lowest first: (band, upper bound of candidates per vacancy FTE).
NO_VACANCIES = Band("none", "No live vacancies", False)
BANDS: tuple[tuple[Band, Decimal | None], ...] = (
    (Band("severe", "Severe shortage: under 0.5 candidates per vacancy", True), Decimal("0.5")),
    (Band("shortage", "Shortage: 0.5 to under 1 candidate per vacancy", True), SHORTAGE_BELOW),
    (Band("balanced", "Balanced: 1 to under 2 candidates per vacancy", False), Decimal(2)),
    (Band("surplus", "2 or more candidates per vacancy", False), None),
)
LEGEND: tuple[Band, ...] = tuple(b for b, _ in BANDS) + (NO_VACANCIES,)


def band_for(ratio: Decimal | None) -> Band:
    if ratio is None:
        return NO_VACANCIES
    for band, below in BANDS:
        if below is None or ratio < below:
            return band
    raise AssertionError("unreachable")


# Dimensions a heat map can be drawn over. Council and sub-region are both geography: one at a time.
DIMENSIONS: dict[str, str] = {
    "role_level": "Role level",
    "service_area": "Service area",
    "council": "Council",
    "sub_region": "Sub-region",
}
_FAMILY = {"role_level": "role", "service_area": "area", "council": "place", "sub_region": "place"}

# Short column headings for a heat map that has to fit a screen; the full label is in <abbr title>.
SHORT_SERVICE_AREA = {
    ServiceArea.MASH: "MASH", ServiceArea.ASSESSMENT: "Assessment", ServiceArea.CHILD_PROTECTION: "CP",
    ServiceArea.CHILDREN_IN_NEED: "CIN", ServiceArea.CHILDREN_LOOKED_AFTER: "CLA",
    ServiceArea.CARE_LEAVERS: "Care leavers", ServiceArea.FOSTERING: "Fostering", ServiceArea.ADOPTION: "Adoption",
    ServiceArea.DISABLED_CHILDREN: "Disabled children", ServiceArea.YOUTH_JUSTICE: "Youth justice",
    ServiceArea.EXPLOITATION: "Exploitation", ServiceArea.EDGE_OF_CARE: "Edge of care",
}
SHORT_ROLE_LEVEL = {
    RoleLevel.STUDENT: "Student", RoleLevel.NQSW: "NQSW", RoleLevel.SOCIAL_WORKER: "SW",
    RoleLevel.SENIOR_PRACTITIONER: "SP", RoleLevel.ADVANCED_PRACTITIONER: "AP",
    RoleLevel.ASSISTANT_TEAM_MANAGER: "ATM", RoleLevel.TEAM_MANAGER: "TM", RoleLevel.SERVICE_MANAGER: "Service mgr",
    RoleLevel.IRO_CP_CHAIR: "IRO", RoleLevel.PRINCIPAL_SOCIAL_WORKER: "PSW",
}


class FiltersInvalid(ValueError):
    """A filter that is not one of the choices offered; the message is for the user."""


@dataclass(frozen=True)
class Filters:
    rows: str = "role_level"
    columns: str = "service_area"
    role_level: RoleLevel | None = None
    service_area: ServiceArea | None = None
    sub_region: SubRegion | None = None
    organisation_id: int | None = None  # one council; always set for a council's own staff

    def check(self) -> "Filters":
        if self.rows not in DIMENSIONS or self.columns not in DIMENSIONS:
            raise FiltersInvalid("Choose rows and columns from the lists.")
        if _FAMILY[self.rows] == _FAMILY[self.columns]:
            raise FiltersInvalid("Choose different things for rows and columns (council and sub-region are both places).")
        return self


@dataclass(frozen=True)
class Heading:
    key: str
    label: str
    short: str


@dataclass
class Cell:
    row: Heading
    column: Heading
    vacancies: int = 0
    fte: Decimal = Decimal(0)
    candidates: int = 0

    @property
    def ratio(self) -> Decimal | None:
        """Candidates per vacancy FTE, or None where there is no live vacancy."""
        if self.fte <= 0:
            return None
        return Decimal(self.candidates) / self.fte

    @property
    def band(self) -> Band:
        return band_for(self.ratio)

    @property
    def shortage(self) -> bool:
        return self.band.shortage


@dataclass
class SupplyDemand:
    filters: Filters
    as_of: dt.date
    rows: list[Heading]
    columns: list[Heading]
    cells: dict[tuple[str, str], Cell]
    row_totals: dict[str, Cell] = field(default_factory=dict)
    column_totals: dict[str, Cell] = field(default_factory=dict)
    total: Cell | None = None

    def cell(self, row: Heading, column: Heading) -> Cell:
        return self.cells[(row.key, column.key)]

    def table(self) -> list[Cell]:
        """Every cell with a vacancy or a candidate, shortages first (fewest candidates per vacancy)."""
        cells = [c for c in self.cells.values() if c.vacancies or c.candidates]
        return sorted(cells, key=lambda c: (c.ratio is None, c.ratio if c.ratio is not None else 0, -c.fte,
                                            c.row.label, c.column.label))

    def shortages(self, limit: int | None = None) -> list[Cell]:
        found = [c for c in self.table() if c.shortage]
        return found[:limit] if limit else found


def live_vacancy_condition(day: dt.date) -> sa.ColumnElement[bool]:
    """Vacancies live at the end of ``day``: published by then, not closed during or before it, closing date not passed.

    For today this is simply "live and not past its closing date"; for an earlier day (a past
    month's bulletin) it reconstructs the picture from the publishing and closing times.
    """
    next_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    return sa.and_(
        Vacancy.status != VacancyStatus.DRAFT,
        Vacancy.published_at.is_not(None),
        Vacancy.published_at < next_day,
        Vacancy.closing_date >= day,
        sa.or_(Vacancy.status == VacancyStatus.LIVE, Vacancy.closed_at.is_(None), Vacancy.closed_at >= next_day),
    )


def _headings(dimension: str, organisations: list[Organisation], filters: Filters) -> list[Heading]:
    if dimension == "role_level":
        levels = [filters.role_level] if filters.role_level else list(RoleLevel)
        return [Heading(level.value, level.label, SHORT_ROLE_LEVEL[level]) for level in levels]
    if dimension == "service_area":
        areas = [filters.service_area] if filters.service_area else list(ServiceArea)
        return [Heading(area.value, area.label, SHORT_SERVICE_AREA[area]) for area in areas]
    if dimension == "sub_region":
        present = {o.sub_region for o in organisations}
        return [Heading(r.value, r.label, r.label.replace(" London", "")) for r in SubRegion if r in present]
    return [Heading(o.slug, o.name, o.name) for o in organisations]


def _key(dimension: str, role_level: str, service_area: str, organisation: Organisation) -> str:
    if dimension == "role_level":
        return role_level
    if dimension == "service_area":
        return service_area
    if dimension == "sub_region":
        return organisation.sub_region.value
    return organisation.slug


def _keys(dimension: str, level: str, areas: frozenset[str], places: frozenset[str],
          by_slug: dict[str, Organisation]) -> set[str]:
    """The headings a person's wish falls under on one dimension (dimensions are independent)."""
    if dimension == "role_level":
        return {level}
    if dimension == "service_area":
        return set(areas)
    if dimension == "sub_region":
        return {by_slug[s].sub_region.value for s in places}
    return set(places)


Wish = tuple[RoleLevel, tuple[str, ...], tuple[str, ...], int]  # role level, specialisms, preferred councils, people


def people_looking(role_level: RoleLevel | None = None) -> list[Wish]:
    """What the active social workers who are looking want, from their profiles: each distinct
    wish once, with how many people have it.

    The rows are read as they are and counted in Python (a GROUP BY on the JSON text made the
    database sort every profile by two long strings), and each distinct JSON list is decoded once:
    20,000 profiles hold far fewer distinct lists of specialisms or councils than that."""
    specialisms = sa.cast(CandidateProfile.specialisms, sa.Text)
    boroughs = sa.cast(CandidateProfile.preferred_boroughs, sa.Text)
    query = (
        # The level as plain text, turned into a RoleLevel once per distinct wish (the Enum type's own
        # conversion, row by row, cost more than the rest of the read).
        sa.select(sa.cast(CandidateProfile.role_level, sa.String), specialisms, boroughs)
        .join(User, User.id == CandidateProfile.user_id)
        .where(User.active.is_(True), User.role == UserRole.CANDIDATE, CandidateProfile.role_level.is_not(None),
               CandidateProfile.availability != Availability.NOT_LOOKING)
    )
    if role_level is not None:
        query = query.where(CandidateProfile.role_level == role_level)
    counts = Counter(db.session.execute(query).tuples())
    decoded: dict[str | None, tuple[str, ...]] = {}

    def decode(text: str | None) -> tuple[str, ...]:
        if text not in decoded:
            decoded[text] = tuple(json.loads(text or "null") or ())
        return decoded[text]

    levels = {level.value: level for level in RoleLevel}
    return [(levels[level], decode(areas), decode(places), people)
            for (level, areas, places), people in counts.items()]


def supply_and_demand(filters: Filters, as_of: dt.date | None = None, looking: list[Wish] | None = None
                      ) -> SupplyDemand:
    """The heat map's cells, with row, column and overall totals, for vacancies live on ``as_of``.

    ``looking`` (from people_looking()) lets a caller drawing many maps at once (the bulletin)
    read the profiles once."""
    filters.check()
    as_of = as_of or dt.date.today()
    org_query = sa.select(Organisation).order_by(Organisation.name)
    if filters.organisation_id is not None:
        org_query = org_query.where(Organisation.id == filters.organisation_id)
    if filters.sub_region is not None:
        org_query = org_query.where(Organisation.sub_region == filters.sub_region)
    organisations = list(db.session.scalars(org_query))
    by_id = {o.id: o for o in organisations}
    by_slug = {o.slug: o for o in organisations}

    rows = _headings(filters.rows, organisations, filters)
    columns = _headings(filters.columns, organisations, filters)
    cells = {(r.key, c.key): Cell(r, c) for r in rows for c in columns}
    row_totals = {r.key: Cell(r, Heading("total", "Total", "Total")) for r in rows}
    column_totals = {c.key: Cell(Heading("total", "Total", "Total"), c) for c in columns}
    total = Cell(Heading("total", "Total", "Total"), Heading("total", "Total", "Total"))

    # Counted in the database: a few thousand groups at most, however many vacancies. FTE is summed
    # in hundredths as whole numbers, so no float creeps in on SQLite.
    vacancy_query = (
        # Level and area as plain text: they are only keys here (the Enum type's conversion row by row was slow).
        sa.select(Vacancy.organisation_id, sa.cast(Vacancy.role_level, sa.String),
                  sa.cast(Vacancy.service_area, sa.String), sa.func.count(Vacancy.id),
                  sa.func.sum(sa.func.round(Vacancy.fte * 100)))
        .where(live_vacancy_condition(as_of), Vacancy.organisation_id.in_(list(by_id) or [0]))
        .group_by(Vacancy.organisation_id, Vacancy.role_level, Vacancy.service_area)
    )
    if filters.role_level is not None:
        vacancy_query = vacancy_query.where(Vacancy.role_level == filters.role_level)
    if filters.service_area is not None:
        vacancy_query = vacancy_query.where(Vacancy.service_area == filters.service_area)
    for organisation_id, level, area, count, hundredths in db.session.execute(vacancy_query):
        org = by_id[organisation_id]
        r = _key(filters.rows, level, area, org)
        c = _key(filters.columns, level, area, org)
        fte = Decimal(int(round(float(hundredths or 0)))) / 100
        for target in (cells[(r, c)], row_totals[r], column_totals[c], total):
            target.vacancies += count
            target.fte += fte

    all_areas = [a.value for a in ServiceArea]
    wanted_areas = frozenset({filters.service_area.value} if filters.service_area else all_areas)
    every_place = frozenset(by_slug)
    if looking is None:
        looking = people_looking(filters.role_level)
    # Many people want the same thing (any council, say): count each distinct wish once, with its weight.
    # A dimension the map does not draw only decides whether someone is inside the filters at all, so it
    # is left out of the wish once checked: far fewer distinct wishes to spread over the cells.
    draws = {filters.rows, filters.columns}
    keep_areas = "service_area" in draws
    keep_places = bool(draws & {"council", "sub_region"})
    nothing: frozenset[str] = frozenset()
    areas_of: dict[tuple[str, ...], frozenset[str]] = {}
    places_of: dict[tuple[str, ...], frozenset[str]] = {}
    wishes: Counter[tuple[str, frozenset[str], frozenset[str]]] = Counter()
    for level, specialisms, boroughs, people in looking:
        if filters.role_level is not None and level != filters.role_level:
            continue
        areas = areas_of.get(specialisms)
        if areas is None:
            areas = areas_of[specialisms] = frozenset(specialisms or all_areas) & wanted_areas
        places = places_of.get(boroughs)
        if places is None:
            places = places_of[boroughs] = frozenset(s for s in boroughs if s in by_slug) if boroughs else every_place
        if areas and places:  # otherwise looking, but not for anything inside these filters
            wishes[(level.value, areas if keep_areas else nothing, places if keep_places else nothing)] += people
    for (level, areas, places), people in wishes.items():
        row_keys = _keys(filters.rows, level, areas, places, by_slug)
        column_keys = _keys(filters.columns, level, areas, places, by_slug)
        for r in row_keys:
            row_totals[r].candidates += people
            for c in column_keys:
                cells[(r, c)].candidates += people
        for c in column_keys:
            column_totals[c].candidates += people
        total.candidates += people
    return SupplyDemand(filters, as_of, rows, columns, cells, row_totals, column_totals, total)


def format_ratio(ratio: Decimal | None) -> str:
    """One decimal place for people; the unrounded value is what was compared with the thresholds."""
    if ratio is None:
        return "–"
    return f"{ratio.quantize(Decimal('0.1'))}"


def format_fte(fte: Decimal) -> str:
    text = f"{fte.quantize(Decimal('0.01'))}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- CSV ---------------------------------------------------------------------------------------------

def as_csv(result: SupplyDemand) -> str:
    f = result.filters
    header = [DIMENSIONS[f.rows], DIMENSIONS[f.columns], "Live vacancies", "Vacancy FTE", "Candidates looking",
              "Candidates per vacancy FTE", "Shortage", "As of"]
    lines: list[list[object]] = [header]
    for row in result.rows:
        for column in result.columns:
            cell = result.cell(row, column)
            ratio = cell.ratio
            lines.append([row.label, column.label, cell.vacancies, format_fte(cell.fte), cell.candidates,
                          "" if ratio is None else f"{ratio.quantize(Decimal('0.01'))}",
                          "yes" if cell.shortage else "no", result.as_of.isoformat()])
    return write_csv(lines)
