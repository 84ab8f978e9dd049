"""The agency register: placements, their cost against the day-rate cap, and conversions to permanent posts."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from domain import workforce as wf
from domain.vocabulary import RoleLevel
from domain.workforce import ConversionSource
from webapp.extensions import db
from webapp.models import AgencyConversion, AgencyPlacement, Campaign, Organisation, RegionWorkforceSettings, User
from webapp.services import audit
from webapp.services.workforce.access import can_view, require_edit
from webapp.services.workforce.fields import Field, FieldError, InvalidInput, parse_fields
from webapp.services.workforce.leavers import cooling_off_until, worker_secret
from webapp.services.workforce.settings import day_rate_cap, region_settings

PLACEMENT_FIELDS: tuple[Field, ...] = (
    Field("role_level", "Role level", "choice", choices=tuple(RoleLevel.choices())),
    Field("team", "Team", "text", required=False),
    Field("agency_name", "Agency", "text", required=False),
    Field("start_on", "Start date", "date"),
    Field("end_on", "End date (planned or actual)", "date", required=False, hint="Leave empty if open-ended."),
    Field("day_rate", "Day rate in pounds", "money", hint="What the council pays the agency for a day, like 350."),
    Field("fte", "FTE", "fte", hint="1 for full time."),
    Field("swe_number", "Social Work England number", "swe", required=False,
          hint="Checked against people who recently left a permanent post in the region; only a keyed hash is kept."),
)


@dataclass
class PlacementResult:
    placement: AgencyPlacement
    cooling_off_until: dt.date | None


def record_placement(actor: User, organisation: Organisation, raw: Mapping[str, Any]) -> PlacementResult:
    require_edit(actor, organisation)
    values, errors = parse_fields(PLACEMENT_FIELDS, raw)
    if not errors and values["end_on"] is not None and values["end_on"] < values["start_on"]:
        errors.append(FieldError("end_on", "End date must be the same as or after the start date"))
    if not errors and not Decimal("0.01") <= values["fte"] <= Decimal("1"):
        errors.append(FieldError("fte", "FTE must be between 0.01 and 1"))
    if errors:
        raise InvalidInput(errors)
    settings = region_settings()
    key = wf.worker_key(values["swe_number"], worker_secret()) if values["swe_number"] else None
    until = cooling_off_until(key, values["start_on"], settings.cooling_off_months)
    placement = AgencyPlacement(
        organisation_id=organisation.id, role_level=RoleLevel(values["role_level"]), team=values["team"] or "",
        agency_name=values["agency_name"] or "", start_on=values["start_on"], end_on=values["end_on"],
        day_rate=values["day_rate"], fte=values["fte"], worker_key=key, cooling_off_until=until,
        created_by_id=actor.id)
    db.session.add(placement)
    db.session.flush()
    audit.record(actor, "workforce.placement_recorded", placement, organisation_id=organisation.id,
                 cooling_off=until is not None)
    return PlacementResult(placement, until)


END_FIELDS: tuple[Field, ...] = (Field("end_on", "Last day of the placement", "date"),)


def end_placement(actor: User, placement: AgencyPlacement, raw: Mapping[str, Any]) -> AgencyPlacement:
    require_edit(actor, placement_organisation(placement))
    values, errors = parse_fields(END_FIELDS, raw)
    if not errors and values["end_on"] < placement.start_on:
        errors.append(FieldError("end_on", "Last day must be the same as or after the start date"))
    if errors:
        raise InvalidInput(errors)
    placement.end_on = values["end_on"]
    audit.record(actor, "workforce.placement_ended", placement, organisation_id=placement.organisation_id)
    return placement


def placement_organisation(placement: AgencyPlacement) -> Organisation:
    return db.session.get(Organisation, placement.organisation_id)


def placement_for(user: User, organisation: Organisation, placement_id: int) -> AgencyPlacement | None:
    if not 0 < placement_id < 2**31 or not can_view(user, organisation):
        return None
    return db.session.scalar(sa.select(AgencyPlacement).where(
        AgencyPlacement.id == placement_id, AgencyPlacement.organisation_id == organisation.id))


def campaign_choices(organisation: Organisation) -> tuple[tuple[str, str], ...]:
    """The council's own campaigns and the region's shared ones, newest first."""
    campaigns = db.session.scalars(
        sa.select(Campaign).where(sa.or_(Campaign.organisation_id == organisation.id,
                                         Campaign.organisation_id.is_(None)))
        .order_by(Campaign.starts_on.desc(), Campaign.id.desc()).limit(200)).all()
    return tuple((str(c.id), f"{c.name} ({'regional, ' if c.organisation_id is None else ''}"
                             f"from {c.starts_on:%d %b %Y})") for c in campaigns)


def conversion_fields(organisation: Organisation) -> tuple[Field, ...]:
    return (
        Field("converted_on", "Date the permanent contract started", "date"),
        Field("source", "How the worker was converted", "choice", choices=tuple(ConversionSource.choices())),
        Field("campaign_id", "Campaign", "choice", required=False,
              hint="If one of your campaigns on this site, or a regional one, brought the worker in.",
              choices=campaign_choices(organisation)),
        Field("permanent_salary", "Permanent salary in pounds a year", "salary",
              hint="Full-time salary, before on-costs, like 45000."),
    )


def record_conversion(actor: User, placement: AgencyPlacement, raw: Mapping[str, Any]) -> AgencyConversion:
    organisation = placement_organisation(placement)
    require_edit(actor, organisation)
    # Only the council's own or the region's campaigns are offered, and only those are accepted.
    values, errors = parse_fields(conversion_fields(organisation), raw)
    if placement.conversion is not None:
        raise InvalidInput([FieldError("converted_on", "This placement is already recorded as converted")])
    if not errors and values["converted_on"] < placement.start_on:
        errors.append(FieldError("converted_on", "The permanent contract cannot start before the placement did"))
    if errors:
        raise InvalidInput(errors)
    conversion = AgencyConversion(
        organisation_id=organisation.id, placement_id=placement.id, converted_on=values["converted_on"],
        source=ConversionSource(values["source"]),
        campaign_id=int(values["campaign_id"]) if values["campaign_id"] else None,
        permanent_salary=values["permanent_salary"], recorded_by_id=actor.id)
    # The agency placement ends the day before the permanent contract starts.
    last_agency_day = values["converted_on"] - dt.timedelta(days=1)
    if placement.end_on is None or placement.end_on > last_agency_day:
        placement.end_on = max(last_agency_day, placement.start_on)
    db.session.add(conversion)
    db.session.flush()
    audit.record(actor, "workforce.conversion_recorded", conversion, organisation_id=organisation.id,
                 placement_id=placement.id, source=conversion.source.value)
    return conversion


@dataclass
class PlacementRow:
    placement: AgencyPlacement
    cap: Decimal | None
    within_cap: bool | None
    spend_to_date: Decimal
    conversion: AgencyConversion | None
    saving: wf.ConversionSaving | None
    days_to_convert: int | None


def placement_rows(organisation: Organisation, today: dt.date) -> list[PlacementRow]:
    settings = region_settings()
    placements = db.session.scalars(
        sa.select(AgencyPlacement).where(AgencyPlacement.organisation_id == organisation.id)
        .order_by(AgencyPlacement.start_on.desc(), AgencyPlacement.id.desc())).all()
    return [_placement_row(p, settings, today) for p in placements]


def _placement_row(p: AgencyPlacement, settings: RegionWorkforceSettings, today: dt.date) -> PlacementRow:
    cap = day_rate_cap(settings, p.role_level)
    span = wf.overlap(p.start_on, p.end_on, p.start_on, today)
    spend = wf.agency_cost(p.day_rate, p.fte, *span) if span else Decimal("0.00")
    conversion = p.conversion
    saving = None
    days = None
    if conversion is not None:
        saving = wf.conversion_saving(p.day_rate, Decimal(conversion.permanent_salary), settings.on_cost_rate, p.fte,
                                      conversion.converted_on)
        days = (conversion.converted_on - p.start_on).days
    return PlacementRow(p, cap, wf.within_cap(p.day_rate, cap), spend, conversion, saving, days)


@dataclass
class AgencySummary:
    first: dt.date
    last: dt.date
    active_placements: int
    active_fte: Decimal
    over_cap: int
    no_cap: int
    spend: Decimal  # estimated agency spend within [first, last]
    conversions: int
    conversion_rate: wf.Rate  # conversions in the period / placements active or converted in it
    median_days_to_convert: Decimal | None
    annual_saving: Decimal
    agency_cost_year: Decimal
    permanent_cost_year: Decimal
    cooling_off_flags: int
    by_source: dict[ConversionSource, int] = field(default_factory=dict)

    @property
    def premium(self) -> wf.Rate:
        return wf.Rate(self.agency_cost_year - self.permanent_cost_year, self.permanent_cost_year)


def agency_summary(organisation_ids: Sequence[int], first: dt.date, last: dt.date) -> AgencySummary:
    """Placements active at any time in [first, last], their estimated spend in it, and conversions in it."""
    settings = region_settings()
    placements = db.session.scalars(sa.select(AgencyPlacement).where(
        AgencyPlacement.organisation_id.in_(list(organisation_ids)), AgencyPlacement.start_on <= last,
        sa.or_(AgencyPlacement.end_on.is_(None), AgencyPlacement.end_on >= first))).all()
    conversions = db.session.scalars(sa.select(AgencyConversion).where(
        AgencyConversion.organisation_id.in_(list(organisation_ids)), AgencyConversion.converted_on >= first,
        AgencyConversion.converted_on <= last).options(selectinload(AgencyConversion.placement))).all()
    # A placement converted in the period counts among its placements even if its agency days ended
    # just before the period began (the permanent contract starts the day after the last agency day).
    seen = {p.id for p in placements}
    placements = list(placements) + [c.placement for c in conversions if c.placement_id not in seen]
    spend = Decimal("0.00")
    over = no_cap = 0
    fte_total = Decimal("0")
    flags = 0
    for p in placements:
        span = wf.overlap(p.start_on, p.end_on, first, last)
        if span:
            spend += wf.agency_cost(p.day_rate, p.fte, *span)
        inside = wf.within_cap(p.day_rate, day_rate_cap(settings, p.role_level))
        over += inside is False
        no_cap += inside is None
        fte_total += p.fte
        flags += p.cooling_off_until is not None
    days = []
    agency_year = permanent_year = Decimal("0")
    by_source: dict[ConversionSource, int] = defaultdict(int)
    for c in conversions:
        p = c.placement
        days.append((c.converted_on - p.start_on).days)
        saving = wf.conversion_saving(p.day_rate, Decimal(c.permanent_salary), settings.on_cost_rate, p.fte,
                                      c.converted_on)
        agency_year += saving.agency_cost
        permanent_year += saving.permanent_cost
        by_source[c.source] += 1
    return AgencySummary(
        first=first, last=last, active_placements=len(placements), active_fte=fte_total, over_cap=over,
        no_cap=no_cap, spend=spend, conversions=len(conversions),
        conversion_rate=wf.Rate(Decimal(len(conversions)), Decimal(len(placements))),
        median_days_to_convert=wf.median_days(days), annual_saving=agency_year - permanent_year,
        agency_cost_year=agency_year, permanent_cost_year=permanent_year, cooling_off_flags=flags,
        by_source=dict(by_source))
