"""Demo workforce figures for `flask seed`: every council's quarterly snapshots, agency placements,
conversions, a few leavers for the cooling-off check and glidepath targets. Deterministic and quick.

The figures are invented and only plausible: London-like vacancy rates around 15-25% and agency rates
around 15-30% falling slowly as councils convert agency staff, turnover around 15% a year.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from domain import workforce as wf
from domain.vocabulary import RoleLevel
from domain.workforce import ConversionSource, LeavingReason, Quarter
from webapp.demo.rows import weighted
from webapp.models import (
    AgencyConversion,
    AgencyPlacement,
    GlidepathTarget,
    Organisation,
    RegionWorkforceSettings,
    WorkforceLeaver,
    WorkforceLeaverReason,
    WorkforceSnapshot,
)
from webapp.services.workforce.settings import DEFAULT_DAY_RATE_CAPS

SHOWN_QUARTERS = 8
# Three more quarters before the eight shown, so every shown quarter has a full year behind its turnover.
SEEDED_QUARTERS = SHOWN_QUARTERS + 3

LEAVING_WEIGHTS = {
    LeavingReason.PAY: 18, LeavingReason.AGENCY_WORK: 9, LeavingReason.PROGRESSION: 14,
    LeavingReason.ANOTHER_COUNCIL: 10, LeavingReason.WORKLOAD: 16, LeavingReason.HOURS: 5,
    LeavingReason.WORK_LIFE_BALANCE: 11, LeavingReason.RELOCATION: 6, LeavingReason.RETIREMENT: 4,
    LeavingReason.LEFT_PROFESSION: 3, LeavingReason.OTHER: 2, LeavingReason.NOT_KNOWN: 2,
}
PLACEMENT_LEVELS = {RoleLevel.SOCIAL_WORKER: 50, RoleLevel.SENIOR_PRACTITIONER: 25, RoleLevel.TEAM_MANAGER: 10,
                    RoleLevel.ASSISTANT_TEAM_MANAGER: 8, RoleLevel.ADVANCED_PRACTITIONER: 5, RoleLevel.IRO_CP_CHAIR: 2}
SALARIES = {RoleLevel.SOCIAL_WORKER: 44000, RoleLevel.SENIOR_PRACTITIONER: 50000, RoleLevel.TEAM_MANAGER: 60000,
            RoleLevel.ASSISTANT_TEAM_MANAGER: 54000, RoleLevel.ADVANCED_PRACTITIONER: 55000,
            RoleLevel.IRO_CP_CHAIR: 56000}
TEAMS = ("Referral and assessment", "Child protection 1", "Child protection 2", "Children in need",
         "Children looked after", "Care leavers", "MASH", "Disabled children", "Edge of care", "Fostering")
AGENCIES = ("Sanctuary Personnel", "Hays Social Care", "Liquid Personnel", "Reed Social Care", "Service Care Solutions")


@dataclass
class WorkforceSeedSummary:
    snapshots: int = 0
    placements: int = 0
    conversions: int = 0
    leavers: int = 0
    targets: int = 0


def _d(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def seed_workforce(session: Session, organisations: list[Organisation], today: dt.date, seed: int,
                   secret: str) -> WorkforceSeedSummary:
    rng = random.Random(f"workforce:{seed}")
    summary = WorkforceSeedSummary()
    session.add(RegionWorkforceSettings(id=1, cooling_off_months=6, on_cost_rate=Decimal("0.280"),
                                        day_rate_caps={k: str(v) for k, v in _caps().items()}))
    last = Quarter.containing(today).shift(-1)
    quarters = [last.shift(-i) for i in range(SEEDED_QUARTERS - 1, -1, -1)]
    for org in organisations:
        size = 14 if org.slug == "city-of-london" else rng.randint(70, 210)
        establishment = Decimal(size)
        agency_share = rng.uniform(0.16, 0.32)
        vacancy_share = agency_share + rng.uniform(0.0, 0.06)
        # Most councils are moving to permanent staff; a few are stuck or slipping.
        trend = rng.choice((-0.012, -0.009, -0.006, -0.004, 0.0, 0.003))
        series = []
        for index, quarter in enumerate(quarters):
            share = max(0.05, vacancy_share + trend * index + rng.uniform(-0.01, 0.01))
            vacancies = _d(size * share)
            permanent = establishment - vacancies
            agency = _d(max(0.0, float(vacancies) * rng.uniform(0.8, 1.0) - size * 0.01 * index * 0.2))
            bank = _d(float(agency) * rng.uniform(0.0, 0.12))
            project = _d(float(agency) * rng.choice((0, 0, 0, 0.1, 0.2)))
            leavers = _d(size * rng.uniform(0.025, 0.05))
            starters = _d(size * rng.uniform(0.025, 0.055))
            caseholding = _d(size * 0.78)
            caseholding_perm = min(caseholding, _d(float(permanent) * 0.76))
            cohort = rng.randint(1, 3) if size < 30 else rng.randint(3, 9)
            snapshot = WorkforceSnapshot(
                organisation_id=org.id, quarter_start=quarter.start, establishment_fte=establishment,
                permanent_fte=permanent, agency_fte=agency, agency_bank_fte=bank, agency_project_fte=project,
                vacancies_fte=vacancies, starters_fte=starters, leavers_fte=leavers,
                caseholding_posts_fte=caseholding, caseholding_permanent_fte=caseholding_perm,
                asye_starters=rng.randint(0, cohort), asye_cohort_year_ago=cohort,
                asye_retained=max(0, cohort - rng.choice((0, 0, 1, 1, 2))),
                permanent_headcount=int(float(permanent) * 1.06), agency_headcount=int(float(agency) * 1.02),
                cases_held=int(float(caseholding) * rng.uniform(14, 19)),
            )
            remaining = leavers
            reasons: dict[LeavingReason, Decimal] = {}
            for _ in range(6):
                if remaining <= 0:
                    break
                piece = min(remaining, _d(float(leavers) * rng.uniform(0.1, 0.35)))
                reason = weighted(rng, LEAVING_WEIGHTS)
                reasons[reason] = reasons.get(reason, Decimal("0")) + piece
                remaining -= piece
            if remaining > 0:
                reasons[LeavingReason.NOT_KNOWN] = reasons.get(LeavingReason.NOT_KNOWN, Decimal("0")) + remaining
            snapshot.leaver_reasons = [WorkforceLeaverReason(reason=r, fte=v) for r, v in reasons.items() if v > 0]
            session.add(snapshot)
            series.append((quarter, permanent, agency))
            summary.snapshots += 1
        summary.targets += _glidepath(session, rng, org, series, last)
        placements, conversions = _placements(session, rng, org, quarters[-SHOWN_QUARTERS].start, today)
        summary.placements += placements
        summary.conversions += conversions
    summary.leavers += _cooling_off_example(session, organisations, today, secret)
    session.flush()
    return summary


def _caps() -> dict[str, int]:
    return DEFAULT_DAY_RATE_CAPS


def _glidepath(session: Session, rng: random.Random, org: Organisation, series, last: Quarter) -> int:
    """Targets from the first shown quarter to a year ahead: permanent up and agency down, steadily."""
    first_quarter, first_perm, first_agency = series[-SHOWN_QUARTERS]
    steps = SHOWN_QUARTERS + 4
    ambition = rng.uniform(0.1, 0.3)  # share of agency FTE to replace with permanent staff
    count = 0
    for i in range(steps):
        quarter = first_quarter.shift(i)
        moved = first_agency * Decimal(str(ambition)) * i / (steps - 1)
        session.add(GlidepathTarget(organisation_id=org.id, quarter_start=quarter.start,
                                    permanent_fte_target=_d(float(first_perm + moved)),
                                    agency_fte_target=_d(float(first_agency - moved))))
        count += 1
    return count


def _placements(session: Session, rng: random.Random, org: Organisation, since: dt.date,
                today: dt.date) -> tuple[int, int]:
    caps = _caps()
    count = 3 if org.slug == "city-of-london" else rng.randint(6, 14)
    conversions = 0
    span = (today - since).days
    for _ in range(count):
        level = weighted(rng, PLACEMENT_LEVELS)
        start = since + dt.timedelta(days=rng.randint(0, span - 30))
        cap = caps[level.value]
        rate = Decimal(cap + rng.choice((-40, -25, -10, 0, 0, 15, 35)))
        ended = rng.random() < 0.45
        end = start + dt.timedelta(days=rng.randint(60, 300)) if ended else None
        if end is not None and end >= today:
            end = None
        placement = AgencyPlacement(organisation_id=org.id, role_level=level, team=rng.choice(TEAMS),
                                    agency_name=rng.choice(AGENCIES), start_on=start, end_on=end, day_rate=rate,
                                    fte=Decimal("1.00"))
        session.add(placement)
        if end is None and rng.random() < 0.3 and (today - start).days > 90:
            converted_on = start + dt.timedelta(days=rng.randint(90, min(420, (today - start).days)))
            placement.end_on = converted_on - dt.timedelta(days=1)
            session.flush()
            session.add(AgencyConversion(
                organisation_id=org.id, placement_id=placement.id, converted_on=converted_on,
                source=weighted(rng, {ConversionSource.TEMP_TO_PERM_EVENT: 4, ConversionSource.CAMPAIGN: 3,
                                       ConversionSource.DIRECT_APPROACH: 4, ConversionSource.OTHER: 1}),
                permanent_salary=SALARIES[level] + rng.choice((0, 1000, 2000, 3000))))
            conversions += 1
    return count, conversions


def _cooling_off_example(session: Session, organisations: list[Organisation], today: dt.date, secret: str) -> int:
    """One social worker left Hackney two months ago and is now placed by an agency in Camden: flagged."""
    by_slug = {o.slug: o for o in organisations}
    if "hackney" not in by_slug or "camden" not in by_slug:
        return 0
    key = wf.worker_key("SW900001", secret)
    left_on = wf.add_months(today, -2)
    session.add(WorkforceLeaver(organisation_id=by_slug["hackney"].id, worker_key=key, left_on=left_on))
    session.add(WorkforceLeaver(organisation_id=by_slug["camden"].id, worker_key=wf.worker_key("SW900002", secret),
                                left_on=wf.add_months(today, -9)))
    start = left_on + dt.timedelta(days=21)
    session.add(AgencyPlacement(
        organisation_id=by_slug["camden"].id, role_level=RoleLevel.SENIOR_PRACTITIONER, team="Child protection 1",
        agency_name=AGENCIES[0], start_on=start, end_on=None, day_rate=Decimal("365"), fte=Decimal("1.00"),
        worker_key=key, cooling_off_until=wf.cooling_off_ends(left_on, 6)))
    return 2
