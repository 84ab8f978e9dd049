"""Vacancy and social-worker rows made from a random stream: shared by the demo and the scale data."""
from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from slugify import slugify

from domain.geography import BOROUGHS_BY_SLUG, LONDON_BOROUGHS, distance_miles
from domain.vocabulary import (
    ApplyMethod,
    Availability,
    ContractType,
    HoursWanted,
    HybridPattern,
    NeedLevel,
    RoleLevel,
    ServiceArea,
    SupervisionFrequency,
    VacancyStatus,
    WorkingPattern,
)
from webapp.demo import words
from webapp.demo.councils import council_domain, council_terms
from webapp.models import (
    Organisation,
)
from webapp.services.passwords import hash_password


@dataclass(frozen=True)
class CouncilRef:
    """What a vacancy needs to know about its council, without holding an ORM object."""

    id: int
    slug: str
    name: str
    town: str
    latitude: float
    longitude: float

    @classmethod
    def of(cls, org: Organisation) -> "CouncilRef":
        return cls(org.id, org.slug, org.name, org.town, org.latitude, org.longitude)


@functools.lru_cache(maxsize=4096)
def slug_of(text: str) -> str:
    return slugify(text, max_length=150, word_boundary=True)


def _reference_prefix(slug: str) -> str:
    if slug in words.REFERENCE_PREFIXES:
        return words.REFERENCE_PREFIXES[slug]
    parts = [p for p in slug.split("-") if p not in {"and", "of", "upon"}]
    return (parts[0][:3] if len(parts) == 1 else "".join(p[0] for p in parts)).upper()


def weighted(rng: random.Random, weights: dict) -> Any:
    return rng.choices(list(weights), list(weights.values()))[0]


def area_for(rng: random.Random, level: RoleLevel) -> ServiceArea:
    allowed = words.ROLE_LEVEL_AREAS.get(level)
    return rng.choice(allowed) if allowed else weighted(rng, words.SERVICE_AREA_WEIGHTS)


def _salary(rng: random.Random, level: RoleLevel, inner_london: bool) -> tuple[int, int]:
    low, high = words.SALARY_BANDS[level]
    span = high - low
    gap = min(2500, span // 3)
    salary_min = low + rng.randrange(0, span // 2, 3) + (span // 10 if inner_london else 0)
    salary_min = min(salary_min, high - gap)
    salary_max = min(high, salary_min + gap + rng.randrange(0, high - salary_min - gap + 1, 3))
    return salary_min, salary_max


def _title(rng: random.Random, level: RoleLevel, area: ServiceArea, team: str) -> str:
    if level == RoleLevel.IRO_CP_CHAIR:
        return rng.choice(words.IRO_TITLES[area])
    special = words.AREA_ROLE_TITLES.get((area, level))
    if special and rng.random() < 0.5:
        return rng.choice(special)
    return rng.choice(words.TITLE_PATTERNS[level]).format(area=rng.choice(words.AREA_TITLE[area]), team=team)


def _supervision(rng: random.Random, level: RoleLevel) -> SupervisionFrequency:
    if level in (RoleLevel.STUDENT, RoleLevel.NQSW):
        return rng.choice((SupervisionFrequency.WEEKLY, SupervisionFrequency.FORTNIGHTLY))
    if level in words.CASEHOLDING_LEVELS:
        return rng.choices(
            (SupervisionFrequency.WEEKLY, SupervisionFrequency.FORTNIGHTLY, SupervisionFrequency.MONTHLY), (1, 5, 4)
        )[0]
    return rng.choices((SupervisionFrequency.MONTHLY, SupervisionFrequency.SIX_WEEKLY), (7, 3))[0]


def _hybrid(rng: random.Random, area: ServiceArea) -> HybridPattern:
    if area == ServiceArea.MASH:
        return rng.choices((HybridPattern.OFFICE, HybridPattern.HYBRID), (6, 4))[0]
    if area in (ServiceArea.FOSTERING, ServiceArea.ADOPTION):
        return rng.choices((HybridPattern.HYBRID, HybridPattern.MOSTLY_HOME), (7, 3))[0]
    return rng.choices((HybridPattern.HYBRID, HybridPattern.OFFICE, HybridPattern.MOSTLY_HOME), (15, 4, 1))[0]


_WORKING_PATTERNS = tuple(WorkingPattern)
_CONTRACT_TYPES = tuple(ContractType)
_AVAILABILITIES = tuple(Availability)
_SERVICE_AREAS = tuple(ServiceArea)


def _pattern_and_fte(rng: random.Random) -> tuple[WorkingPattern, Decimal]:
    pattern = rng.choices(_WORKING_PATTERNS, (15, 2, 2, 1))[0]
    if pattern == WorkingPattern.PART_TIME:
        return pattern, rng.choice((Decimal("0.60"), Decimal("0.80")))
    if pattern == WorkingPattern.JOB_SHARE:
        return pattern, Decimal("0.50")
    return pattern, Decimal("1.00")


def _contract(rng: random.Random, level: RoleLevel) -> ContractType:
    if level == RoleLevel.STUDENT:
        return ContractType.FIXED_TERM  # apprenticeships run for the length of the degree
    senior = level not in (RoleLevel.NQSW, RoleLevel.SOCIAL_WORKER)  # secondments are for experienced staff
    return rng.choices(_CONTRACT_TYPES, (40, 5, 2 if senior else 0, 3))[0]


def vacancy_values(
    rng: random.Random,
    council: CouncilRef,
    level: RoleLevel,
    area: ServiceArea,
    status: VacancyStatus,
    now: dt.datetime,
    number: int,
    created_by_id: int | None = None,
) -> dict[str, Any]:
    """One believable vacancy as column values: used by the demo (ORM) and the scale load (bulk)."""
    terms = council_terms(council.slug)
    today = now.date()
    team = rng.choice(words.TEAM_NAMES[area]).format(n=rng.randint(1, 4))
    title = _title(rng, level, area, team)
    contract = _contract(rng, level)
    if contract == ContractType.FIXED_TERM and level != RoleLevel.STUDENT:
        title += f" ({rng.choice((6, 9, 12))}-month fixed term)"
    elif contract == ContractType.LOCUM:
        title = f"Locum {title}"
    elif contract == ContractType.SECONDMENT:
        title += " (secondment)"
    salary_min, salary_max = _salary(rng, level, terms.inner_london)
    pattern, fte = _pattern_and_fte(rng)

    caseload_max: int | None = None
    if level == RoleLevel.NQSW:
        caseload_max = terms.nqsw_caseload_cap
    elif level in words.CASEHOLDING_LEVELS and level != RoleLevel.STUDENT:
        low, high = words.CASELOAD_RANGE
        caseload_max = max(low, min(high, terms.caseload_cap + rng.randint(-3, 2)))
    market_supplement = (
        terms.market_supplement
        if area in words.MARKET_SUPPLEMENT_AREAS
        and level in (RoleLevel.SOCIAL_WORKER, RoleLevel.SENIOR_PRACTITIONER, RoleLevel.ASSISTANT_TEAM_MANAGER,
                      RoleLevel.TEAM_MANAGER)
        and rng.random() < 0.4
        else None
    )
    retention_payment = terms.retention_payment if rng.random() < 0.2 else None
    funded = level in (RoleLevel.STUDENT, RoleLevel.NQSW) or rng.random() < 0.7
    if level == RoleLevel.NQSW:
        development = words.DEVELOPMENT_OPTIONS[-1]
    elif level == RoleLevel.STUDENT:
        development = "Social work degree apprenticeship: fees paid, with protected study time"
    else:
        development = rng.choice(words.DEVELOPMENT_OPTIONS[:-1]) if funded else ""
    supervision = _supervision(rng, level)
    hybrid = _hybrid(rng, area)

    if status == VacancyStatus.LIVE:
        published_at = now - dt.timedelta(minutes=rng.randint(30, 42 * 24 * 60))
        closing_date = today + dt.timedelta(days=rng.randint(7, 56))
        closed_at = None
    elif status == VacancyStatus.CLOSED:
        published_at = now - dt.timedelta(days=rng.randint(56, 112), minutes=rng.randint(0, 1440))
        closing_date = published_at.date() + dt.timedelta(days=rng.randint(21, 42))
        closed_at = dt.datetime.combine(closing_date, dt.time(23, 59))
    else:
        published_at = None
        closing_date = today + dt.timedelta(days=rng.randint(21, 60))
        closed_at = None
    created_at = (published_at or now) - dt.timedelta(days=rng.randint(1, 5), minutes=rng.randint(0, 600))

    external = rng.random() < 0.25
    reference = f"{_reference_prefix(council.slug)}-CSC-{number:05d}"
    offer_lines = []
    if caseload_max:
        offer_lines.append(f"- Caseload: no more than {caseload_max} children"
                           + (" (protected ASYE caseload)" if level == RoleLevel.NQSW else ""))
    offer_lines.append(f"- Supervision: {supervision.label.lower()}, reflective and recorded with you")
    offer_lines.append(f"- Working pattern: {hybrid.label.lower()}")
    if market_supplement:
        offer_lines.append(f"- Market supplement: £{market_supplement:,} a year")
    if retention_payment:
        offer_lines.append(f"- Retention payment: £{retention_payment:,} after two years")
    if funded:
        offer_lines.append(f"- Development: {development}")
    description = "\n\n".join((
        rng.choice(words.AREA_INTRO[area]).format(borough=council.name),
        rng.choice(words.ROLE_DUTIES[level]),
        "What we offer:\n" + "\n".join(offer_lines),
        f"You will be based in {council.town} and work across "
        f"{'the borough' if council.town == council.name else council.name}. "
        "Interviews are usually held within two weeks of the closing date. "
        "All posts are subject to an enhanced DBS check and, for qualified roles, Social Work England registration.",
    ))
    summary = (
        f"{level.label} in {council.name}'s {team}. "
        f"£{salary_min:,}–£{salary_max:,}"
        + (f", caseloads up to {caseload_max}" if caseload_max else "")
        + f", {supervision.label.lower()} supervision."
    )[:300]
    jitter = lambda: rng.uniform(-0.008, 0.008)  # noqa: E731 - offices are not all at the civic centre
    return dict(
        organisation_id=council.id,
        created_by_id=created_by_id,
        title=title[:150],
        slug=slug_of(title),
        reference=reference,
        role_level=level,
        service_area=area,
        team=team,
        summary=summary,
        description=description,
        salary_min=salary_min,
        salary_max=salary_max,
        contract_type=contract,
        fte=fte,
        working_pattern=pattern,
        location_name=f"{council.town}, {council.name}" if council.town != council.name else council.town,
        latitude=round(council.latitude + jitter(), 5),
        longitude=round(council.longitude + jitter(), 5),
        closing_date=closing_date,
        status=status,
        published_at=published_at,
        closed_at=closed_at,
        apply_method=ApplyMethod.EXTERNAL if external else ApplyMethod.IN_PLATFORM,
        external_apply_url=f"https://www.{council_domain(council.slug)}/jobs?ref={reference}" if external else None,
        caseload_max=caseload_max,
        supervision_frequency=supervision,
        protected_caseload_nqsw=level == RoleLevel.NQSW,
        hybrid_pattern=hybrid,
        market_supplement=market_supplement,
        retention_payment=retention_payment,
        funded_development=funded,
        development_details=development if funded else "",
        created_at=created_at,
        updated_at=published_at or created_at,
    )


def _years_for(rng: random.Random, level: RoleLevel) -> int | None:
    ranges = {
        RoleLevel.STUDENT: None, RoleLevel.NQSW: (0, 0), RoleLevel.SOCIAL_WORKER: (1, 5),
        RoleLevel.SENIOR_PRACTITIONER: (3, 12), RoleLevel.ADVANCED_PRACTITIONER: (6, 15),
        RoleLevel.ASSISTANT_TEAM_MANAGER: (5, 14), RoleLevel.TEAM_MANAGER: (7, 20),
        RoleLevel.SERVICE_MANAGER: (10, 25), RoleLevel.IRO_CP_CHAIR: (8, 22),
        RoleLevel.PRINCIPAL_SOCIAL_WORKER: (10, 25),
    }[level]
    return rng.randint(*ranges) if ranges else None


@functools.cache
def _nearest_boroughs(slug: str) -> tuple[str, ...]:
    """Borough slugs by distance from this one, itself first."""
    home = BOROUGHS_BY_SLUG[slug]
    return tuple(b.slug for b in sorted(
        LONDON_BOROUGHS, key=lambda b: distance_miles(home.latitude, home.longitude, b.latitude, b.longitude)))


def _stated_needs(rng: random.Random, level: RoleLevel, patterns: list[str], home: str,
                  commute: int) -> dict[str, Any]:
    """The optional questions of the matching profile, answered as social workers do (issue 16): most say full
    time; those who ticked part time or a job share need part time, often with their hours; a few will only work
    for a handful of councils near home; NQSWs mostly need a protected caseload; hybrid working is widely wanted;
    senior people sometimes consider a step down; some take a band that reaches their minimum."""
    part_time = any(p in patterns for p in (WorkingPattern.PART_TIME.value, WorkingPattern.JOB_SHARE.value))
    if part_time:
        hours, most = HoursWanted.PART_TIME, rng.choice((None, 18, 22, 30))
    else:
        hours, most = rng.choices((HoursWanted.FULL_TIME, HoursWanted.EITHER, None), (6, 2, 2))[0], None
    only = []
    if rng.random() < 0.15:
        # Councils within easy reach of home, the ones they would consider at all.
        home_borough = BOROUGHS_BY_SLUG[home]
        only = [b for b in _nearest_boroughs(home)[:rng.randint(2, 4)]
                if distance_miles(home_borough.latitude, home_borough.longitude, BOROUGHS_BY_SLUG[b].latitude,
                                  BOROUGHS_BY_SLUG[b].longitude) <= commute]
    protected = None
    if level in (RoleLevel.NQSW, RoleLevel.STUDENT):
        protected = rng.choices((NeedLevel.NEED, NeedLevel.PREFER, None), (6, 3, 1))[0]
    return dict(
        hours_wanted=hours,
        part_time_hours_max=most,
        only_boroughs=only,
        min_salary_anywhere_in_band=rng.random() < 0.3,
        considers_step_down=level.rank > RoleLevel.SOCIAL_WORKER.rank and rng.random() < 0.25,
        protected_caseload=protected,
        hybrid_working=rng.choices((NeedLevel.NEED, NeedLevel.PREFER, NeedLevel.NO_MATTER, None), (2, 4, 2, 2))[0],
    )


def profile_values(rng: random.Random, level: RoleLevel, swe_number: str | None) -> dict[str, Any]:
    """A believable social worker's profile as column values (no user_id)."""
    home = rng.choice(LONDON_BOROUGHS)
    commute = rng.choice((5, 8, 10, 12, 15))
    preferred = list(_nearest_boroughs(home.slug)[: rng.randint(1, 4)])
    specialisms = [a.value for a in rng.sample(_SERVICE_AREAS, rng.randint(1, 3))]
    years = _years_for(rng, level)
    patterns = [WorkingPattern.FULL_TIME.value]
    if rng.random() < 0.25:
        patterns.append(rng.choice((WorkingPattern.COMPRESSED, WorkingPattern.PART_TIME, WorkingPattern.JOB_SHARE)).value)
    contracts = [ContractType.PERMANENT.value]
    if rng.random() < 0.3:
        contracts.append(rng.choice((ContractType.FIXED_TERM, ContractType.LOCUM, ContractType.SECONDMENT)).value)
    low, _ = words.SALARY_BANDS[level]
    area_words = " and ".join(ServiceArea(s).label.lower() for s in specialisms)
    if level == RoleLevel.STUDENT:
        cv = words.STUDENT_CV.format(areas=area_words)
    elif level == RoleLevel.NQSW:
        cv = words.NQSW_CV.format(areas=area_words)
    else:
        cv = rng.choice(words.CV_SUMMARIES).format(years=years, areas=area_words)
    return dict(
        **_stated_needs(rng, level, patterns, home.slug, commute),
        swe_number=swe_number,
        in_asye=level == RoleLevel.NQSW,
        years_qualified=years,
        role_level=level,
        specialisms=specialisms,
        preferred_boroughs=preferred,
        home_borough=home.slug,
        max_commute_miles=commute,
        working_patterns=patterns,
        contract_types=contracts,
        min_salary=(low // 1000) * 1000 if rng.random() < 0.7 else None,
        availability=rng.choices(_AVAILABILITIES, (3, 4, 3, 1))[0],
        cv_text=cv,
        discoverable=rng.random() < 0.6,
    )


def email_local(first: str, last: str) -> str:
    return f"{first}.{last}".lower().replace("'", "").replace(" ", "")


@functools.lru_cache(maxsize=16)
def password_hash(password: str) -> str:
    # Argon2 is slow on purpose: hash each distinct demo password once per process.
    return hash_password(password)
