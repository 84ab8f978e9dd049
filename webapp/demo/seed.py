"""Demo and benchmark data: `flask seed` is a thin shell over seed_demo() and seed_scale().

seed_demo() loads London's 33 councils with an illustrative offer each, ~400 vacancies, ~60
social workers, applications with a valid pipeline history, follows, news and one demo account
per role. seed_scale() bulk-loads N vacancies and N candidates for benchmarks. Both are
deterministic from their seed and write outbox rows for everything the workers must index.
"""
from __future__ import annotations

import datetime as dt
import functools
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterator, Sequence

import sqlalchemy as sa
from slugify import slugify
from sqlalchemy.orm import Session

from domain.geography import BOROUGHS_BY_SLUG, LONDON_BOROUGHS, Borough, distance_miles
from domain.vocabulary import (
    ApplicationStatus,
    ApplyMethod,
    Availability,
    ContractType,
    HybridPattern,
    OfstedRating,
    OrganisationKind,
    RoleLevel,
    ServiceArea,
    SupervisionFrequency,
    UserRole,
    VacancyStatus,
    WorkingPattern,
)
from webapp.models import (
    Application,
    ApplicationEvent,
    CandidateProfile,
    FeaturedSlot,
    Follow,
    NewsArticle,
    Organisation,
    OutboxMessage,
    User,
    Vacancy,
    utcnow,
)
from webapp.demo import words
from webapp.demo.equality import seed_demo_answers
from webapp.demo.funnel import roll_up_demo, seed_funnel
from webapp.demo.invitations import seed_invitations
from webapp.demo.saved_searches import seed_saved_searches
from webapp.demo.workforce import seed_workforce
from webapp.outbox.hooks import outbox_rows
from webapp.services.passwords import hash_password
from webapp.services.workforce.leavers import worker_secret

DEFAULT_SEED = 2026

# Sizes of the demo: what `make run` shows.
DEMO_LIVE_VACANCIES = 350
DEMO_DRAFT_VACANCIES = 18
DEMO_CLOSED_VACANCIES = 30
DEMO_CANDIDATES = 60  # including the demo candidate
DEMO_APPLICATIONS = 80
DEMO_TARGET_STATUSES: dict[ApplicationStatus, int] = {
    ApplicationStatus.SUBMITTED: 22,
    ApplicationStatus.SHORTLISTED: 12,
    ApplicationStatus.INTERVIEW: 10,
    ApplicationStatus.OFFERED: 6,
    ApplicationStatus.HIRED: 9,
    ApplicationStatus.REJECTED: 12,
    ApplicationStatus.WITHDRAWN: 5,
    ApplicationStatus.OFFER_DECLINED: 4,
}
assert sum(DEMO_TARGET_STATUSES.values()) == DEMO_APPLICATIONS

BATCH_SIZE = 1000  # rows per bulk INSERT in seed_scale


@dataclass(frozen=True)
class DemoAccount:
    role: UserRole
    email: str
    password: str
    full_name: str
    organisation_slug: str | None = None


# One account per role, listed with its password in the README. Demo data only: the seed
# refuses to run under the production configuration.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(UserRole.CANDIDATE, "sam.social@example.org", "candidate-demo-pass", "Sam Okafor"),
    DemoAccount(UserRole.RECRUITER, "recruiter@camden.example.org", "recruiter-demo-pass", "Rita Mensah", "camden"),
    DemoAccount(UserRole.ORG_ADMIN, "orgadmin@camden.example.org", "orgadmin-demo-pass", "Owen Clarke", "camden"),
    DemoAccount(UserRole.PROGRAMME_LEAD, "lead@london.example.org", "lead-demo-pass", "Priya Shah"),
    DemoAccount(UserRole.ADMIN, "admin@cswjobs.example.org", "admin-demo-pass", "Alex Morgan"),
)
DEMO_ACCOUNT_BY_ROLE = {account.role: account for account in DEMO_ACCOUNTS}
# Every other seeded social worker and council recruiter shares its role's demo password.
CANDIDATE_PASSWORD = DEMO_ACCOUNT_BY_ROLE[UserRole.CANDIDATE].password
RECRUITER_PASSWORD = DEMO_ACCOUNT_BY_ROLE[UserRole.RECRUITER].password

Progress = Callable[[str, int, int], None]  # (step, done, total)


class SeedError(Exception):
    """The seed cannot run as asked; the message says what to do instead."""


@dataclass
class SeedSummary:
    councils: int = 0
    councils_created: int = 0
    vacancies: dict[VacancyStatus, int] = field(default_factory=dict)
    users: int = 0
    candidates: int = 0
    applications: int = 0
    application_events: int = 0
    follows: int = 0
    news_articles: int = 0
    outbox_messages: int = 0
    seconds: float = 0.0

    @property
    def vacancy_count(self) -> int:
        return sum(self.vacancies.values())

    def line(self) -> str:
        by_status = ", ".join(f"{self.vacancies.get(s, 0):,} {s.value}" for s in VacancyStatus)
        parts = [
            f"{self.councils} councils" + (f" ({self.councils_created} new)" if self.councils_created != self.councils else ""),
            f"{self.vacancy_count:,} vacancies ({by_status})",
            f"{self.users:,} users ({self.candidates:,} candidates)",
        ]
        if self.applications:
            parts.append(f"{self.applications} applications ({self.application_events} events)")
        if self.follows:
            parts.append(f"{self.follows} follows")
        if self.news_articles:
            parts.append(f"{self.news_articles} news articles")
        parts.append(f"{self.outbox_messages:,} outbox messages")
        return f"seeded {', '.join(parts)} in {self.seconds:.1f}s"


# --- Councils ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CouncilTerms:
    """A council's illustrative terms, a pure function of its slug so demo and scale agree."""

    inner_london: bool
    caseload_cap: int
    nqsw_caseload_cap: int
    supervision_weeks: str
    market_supplement: int
    retention_payment: int
    ofsted_rating: OfstedRating
    ofsted_inspected_days_ago: int
    size_weight: float  # share of the region's vacancies


@functools.cache
def council_terms(slug: str) -> CouncilTerms:
    rng = random.Random(f"council-terms:{slug}")
    ratings, weights = zip(*words.OFSTED_WEIGHTS.items())
    return CouncilTerms(
        inner_london=slug in words.INNER_LONDON,
        caseload_cap=rng.randint(15, 20),
        nqsw_caseload_cap=rng.randint(*words.NQSW_CASELOAD_RANGE),
        supervision_weeks=rng.choice(words.SUPERVISION_WORDS),
        market_supplement=rng.choice((2000, 2500, 3000, 4000, 5000)),
        retention_payment=rng.choice((1500, 2000, 3000, 5000)),
        ofsted_rating=rng.choices(ratings, weights)[0],
        ofsted_inspected_days_ago=rng.randint(200, 1400),
        # The City of London has one small children's team; the big outer boroughs recruit most.
        size_weight=0.15 if slug == "city-of-london" else round(rng.uniform(0.7, 1.6), 2),
    )


def formal_name(borough: Borough) -> str:
    return words.FORMAL_NAMES.get(borough.slug, f"London Borough of {borough.name}")


def council_domain(slug: str) -> str:
    return words.COUNCIL_DOMAINS.get(slug, f"{slug.replace('-', '')}.gov.uk")


def _council_values(borough: Borough, today: dt.date) -> dict[str, Any]:
    terms = council_terms(borough.slug)
    rng = random.Random(f"council-offer:{borough.slug}")
    sw_lo, sw_hi = words.SALARY_BANDS[RoleLevel.SOCIAL_WORKER]
    lift = 1500 if terms.inner_london else 0
    fill = dict(
        name=borough.name,
        formal=formal_name(borough),
        town=borough.town,
        children=rng.randrange(1800, 6500, 50),
        sw_min=sw_lo + lift + rng.randrange(0, 1200, 3),
        sw_max=sw_hi - 1500 + lift - rng.randrange(0, 900, 3),
        sp_max=words.SALARY_BANDS[RoleLevel.SENIOR_PRACTITIONER][1] - rng.randrange(0, 2500, 3),
        weighting="Inner" if terms.inner_london else "Outer",
        supplement=terms.market_supplement,
        retention=terms.retention_payment,
        cap=terms.caseload_cap,
        nqsw_cap=terms.nqsw_caseload_cap,
        avg=terms.caseload_cap - rng.randint(1, 3),
        freq=terms.supervision_weeks,
    )
    dev1, dev2 = rng.sample(words.DEVELOPMENT_OPTIONS[:-1], 2)  # the last is the ASYE academy, in every offer
    fill.update(dev1=dev1, dev2=dev2[0].lower() + dev2[1:])
    return dict(
        name=borough.name,
        slug=borough.slug,
        kind=OrganisationKind.COUNCIL,
        sub_region=borough.sub_region,
        town=borough.town,
        latitude=borough.latitude,
        longitude=borough.longitude,
        website=f"https://www.{council_domain(borough.slug)}",
        ofsted_rating=terms.ofsted_rating,
        ofsted_inspected_on=today - dt.timedelta(days=terms.ofsted_inspected_days_ago),
        about=rng.choice(words.ABOUT_TEMPLATES).format(**fill),
        offer_pay=rng.choice(words.OFFER_PAY).format(**fill),
        offer_caseload=rng.choice(words.OFFER_CASELOAD).format(**fill),
        offer_supervision=rng.choice(words.OFFER_SUPERVISION).format(**fill),
        offer_development=rng.choice(words.OFFER_DEVELOPMENT).format(**fill),
        offer_hybrid=rng.choice(words.OFFER_HYBRID).format(**fill),
    )


def ensure_councils(session: Session, today: dt.date | None = None) -> tuple[list[Organisation], int]:
    """Add any of London's 33 councils that are missing; return all 33 (in geography order) and how many were new."""
    today = today or dt.date.today()
    existing = {org.slug: org for org in session.scalars(sa.select(Organisation))}
    created = 0
    for borough in LONDON_BOROUGHS:
        if borough.slug not in existing:
            org = Organisation(**_council_values(borough, today))
            session.add(org)
            existing[borough.slug] = org
            created += 1
    session.flush()
    return [existing[b.slug] for b in LONDON_BOROUGHS], created


# --- Vacancies -------------------------------------------------------------------------------------


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
def _slug(text: str) -> str:
    return slugify(text, max_length=150, word_boundary=True)


def _reference_prefix(slug: str) -> str:
    if slug in words.REFERENCE_PREFIXES:
        return words.REFERENCE_PREFIXES[slug]
    parts = [p for p in slug.split("-") if p not in {"and", "of", "upon"}]
    return (parts[0][:3] if len(parts) == 1 else "".join(p[0] for p in parts)).upper()


def _weighted(rng: random.Random, weights: dict) -> Any:
    return rng.choices(list(weights), list(weights.values()))[0]


def _area_for(rng: random.Random, level: RoleLevel) -> ServiceArea:
    allowed = words.ROLE_LEVEL_AREAS.get(level)
    return rng.choice(allowed) if allowed else _weighted(rng, words.SERVICE_AREA_WEIGHTS)


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
        slug=_slug(title),
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


def _demo_vacancy_plan(rng: random.Random) -> list[tuple[RoleLevel, ServiceArea]]:
    """Every role level and every service area at least once, then a realistic spread."""
    plan = [(level, _area_for(rng, level)) for level in RoleLevel]
    plan += [(RoleLevel.SOCIAL_WORKER, area) for area in ServiceArea]
    while len(plan) < DEMO_LIVE_VACANCIES:
        level = _weighted(rng, words.ROLE_LEVEL_WEIGHTS)
        plan.append((level, _area_for(rng, level)))
    return plan


def _pick_council(rng: random.Random, councils: Sequence[CouncilRef]) -> CouncilRef:
    return rng.choices(councils, [council_terms(c.slug).size_weight for c in councils])[0]


# --- People --------------------------------------------------------------------------------------------


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


def _email_local(first: str, last: str) -> str:
    return f"{first}.{last}".lower().replace("'", "").replace(" ", "")


@functools.lru_cache(maxsize=16)
def _password_hash(password: str) -> str:
    # Argon2 is slow on purpose: hash each distinct demo password once per process.
    return hash_password(password)


# --- The demo ------------------------------------------------------------------------------------------


def database_is_empty(session: Session) -> bool:
    """Empty means no councils: the seed's --if-empty test."""
    return session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 0


def _notify(progress: Progress | None, step: str, done: int, total: int) -> None:
    if progress is not None:
        progress(step, done, total)


def seed_demo(
    session: Session,
    *,
    seed: int = DEFAULT_SEED,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> SeedSummary:
    """Load the demo into an empty database and commit. Raises SeedError if councils already exist."""
    started = time.perf_counter()
    existing = session.scalar(sa.select(sa.func.count()).select_from(Organisation))
    if existing:
        url = session.get_bind().url
        start_again = (f"delete {url.database}" if url.get_backend_name() == "sqlite"
                       else f"drop and recreate the database {url.database!r}")
        raise SeedError(
            f"The database already has {existing} councils, so the demo was not loaded. Run `flask seed --if-empty` "
            f"to keep what is there, or start from an empty database: {start_again}, then `flask db upgrade` "
            "and `flask seed`."
        )
    now = (now or utcnow()).replace(microsecond=0)
    rng = random.Random(f"demo:{seed}")
    summary = SeedSummary()

    orgs, summary.councils_created = ensure_councils(session, now.date())
    summary.councils = len(orgs)
    by_slug = {org.slug: org for org in orgs}
    _notify(progress, "councils", len(orgs), len(orgs))

    # Accounts: the demo ones, and a recruiter for every other council.
    accounts: dict[UserRole, User] = {}
    for account in DEMO_ACCOUNTS:
        user = User(email=account.email, password_hash=_password_hash(account.password), full_name=account.full_name,
                    role=account.role, organisation=by_slug.get(account.organisation_slug or ""))
        session.add(user)
        accounts[account.role] = user
    recruiters: dict[str, User] = {"camden": accounts[UserRole.RECRUITER]}
    for org in orgs:
        if org.slug not in recruiters:
            recruiters[org.slug] = User(
                email=f"recruiter@{org.slug}.example.org", password_hash=_password_hash(RECRUITER_PASSWORD),
                full_name=f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}",
                role=UserRole.RECRUITER, organisation=org,
            )
            session.add(recruiters[org.slug])
    session.flush()
    _notify(progress, "accounts", len(DEMO_ACCOUNTS) + len(recruiters) - 1, len(DEMO_ACCOUNTS) + len(recruiters) - 1)

    # Vacancies: every council gets a couple, bigger councils more.
    refs = [CouncilRef.of(org) for org in orgs]
    plan = [(lvl, area, VacancyStatus.LIVE) for lvl, area in _demo_vacancy_plan(rng)]
    for _ in range(DEMO_DRAFT_VACANCIES):
        level = _weighted(rng, words.ROLE_LEVEL_WEIGHTS)
        plan.append((level, _area_for(rng, level), VacancyStatus.DRAFT))
    for _ in range(DEMO_CLOSED_VACANCIES):
        level = _weighted(rng, words.ROLE_LEVEL_WEIGHTS)
        plan.append((level, _area_for(rng, level), VacancyStatus.CLOSED))
    vacancies: list[Vacancy] = []
    for number, (level, area, status) in enumerate(plan, start=1):
        council = refs[(number - 1) % len(refs)] if number <= 2 * len(refs) else _pick_council(rng, refs)
        values = vacancy_values(rng, council, level, area, status, now, number, recruiters[council.slug].id)
        vacancy = Vacancy(**values)
        session.add(vacancy)
        vacancies.append(vacancy)
        summary.vacancies[status] = summary.vacancies.get(status, 0) + 1
        if number % 50 == 0 or number == len(plan):
            _notify(progress, "vacancies", number, len(plan))
    session.flush()

    # Social workers: the demo candidate first, then a varied crowd.
    candidates = _demo_candidates(session, rng, accounts[UserRole.CANDIDATE], progress)
    summary.candidates = len(candidates)

    recruiter_of = {recruiters[org.slug].organisation_id: recruiters[org.slug] for org in orgs}
    summary.applications, summary.application_events = _demo_applications(
        session, rng, candidates, vacancies, recruiter_of, now, progress
    )
    summary.follows = _demo_follows(session, rng, candidates, by_slug, now)
    seed_demo_answers(session, candidates, seed)  # equal opportunities answers, for the insights demo
    summary.news_articles = _demo_news(session, rng, by_slug, accounts, recruiters, now)
    _demo_featured(session, rng, vacancies, now)
    seed_saved_searches(session, candidates[0], now)  # the demo social worker's saved searches and alerts
    seed_invitations(session, candidates[0], recruiters["camden"], vacancies, now)  # matching: invited to apply
    _notify(progress, "follows and news", summary.follows + summary.news_articles,
            summary.follows + summary.news_articles)
    workforce = seed_workforce(session, orgs, now.date(), seed, worker_secret())
    _notify(progress, "workforce snapshots", workforce.snapshots, workforce.snapshots)
    funnel_demo = seed_funnel(session, seed, vacancies, recruiter_of, now)
    _notify(progress, "campaigns and funnel events", funnel_demo.events, funnel_demo.events)

    session.flush()
    summary.users = session.scalar(sa.select(sa.func.count()).select_from(User))
    summary.outbox_messages = session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    session.commit()
    roll_up_demo(now)  # the dashboard's daily figures, from the events just committed
    summary.seconds = time.perf_counter() - started
    return summary


def _demo_candidates(session: Session, rng: random.Random, sam: User, progress: Progress | None) -> list[User]:
    sam.profile = CandidateProfile(
        swe_number="SW104527", in_asye=False, years_qualified=3, role_level=RoleLevel.SOCIAL_WORKER,
        specialisms=[ServiceArea.CHILD_PROTECTION.value, ServiceArea.CHILDREN_IN_NEED.value],
        preferred_boroughs=["islington", "camden", "hackney", "haringey"], home_borough="islington",
        max_commute_miles=8, working_patterns=[WorkingPattern.FULL_TIME.value, WorkingPattern.COMPRESSED.value],
        contract_types=[ContractType.PERMANENT.value], min_salary=42000, availability=Availability.ONE_MONTH,
        cv_text="Registered social worker, three years qualified, in a child protection team in north London. "
                "Confident in core groups, pre-proceedings and court work; practice educator stage 1.",
        discoverable=True,
    )
    candidates = [sam]
    names = rng.sample([(f, l) for f in words.FIRST_NAMES for l in words.LAST_NAMES], DEMO_CANDIDATES - 1)
    swe_numbers = rng.sample(range(100000, 999999), DEMO_CANDIDATES)
    used_emails = {sam.email}
    for index, (first, last) in enumerate(names):
        email = f"{_email_local(first, last)}@{rng.choice(('example.org', 'example.com', 'example.net'))}"
        if email in used_emails:
            email = email.replace("@", f"{index}@")
        used_emails.add(email)
        level = _weighted(rng, words.ROLE_LEVEL_WEIGHTS)
        user = User(email=email, password_hash=_password_hash(CANDIDATE_PASSWORD), full_name=f"{first} {last}",
                    role=UserRole.CANDIDATE)
        swe = None if level == RoleLevel.STUDENT else f"SW{swe_numbers[index]}"
        user.profile = CandidateProfile(**profile_values(rng, level, swe))
        session.add(user)
        candidates.append(user)
    session.flush()
    _notify(progress, "candidates", len(candidates), len(candidates))
    return candidates


def _path_to(rng: random.Random, target: ApplicationStatus) -> list[ApplicationStatus]:
    """A valid sequence of statuses from submitted to ``target`` (withdrawal is the candidate's own step)."""
    s = ApplicationStatus
    if target == s.WITHDRAWN:
        before = rng.choice(([s.SUBMITTED], [s.SUBMITTED, s.SHORTLISTED], [s.SUBMITTED, s.SHORTLISTED, s.INTERVIEW]))
        return before + [s.WITHDRAWN]
    if target == s.REJECTED:
        before = rng.choice(([s.SUBMITTED], [s.SUBMITTED, s.SHORTLISTED], [s.SUBMITTED, s.SHORTLISTED, s.INTERVIEW]))
        return before + [s.REJECTED]
    order = [s.SUBMITTED, s.SHORTLISTED, s.INTERVIEW, s.OFFERED]
    if target in order:
        return order[: order.index(target) + 1]
    return order + [target]  # HIRED or OFFER_DECLINED




def _demo_applications(
    session: Session,
    rng: random.Random,
    candidates: list[User],
    vacancies: list[Vacancy],
    recruiters: dict[int, User],
    now: dt.datetime,
    progress: Progress | None,
) -> tuple[int, int]:
    open_roles = [v for v in vacancies if v.status == VacancyStatus.LIVE and v.apply_method == ApplyMethod.IN_PLATFORM]
    filled_roles = [v for v in vacancies if v.status == VacancyStatus.CLOSED and v.apply_method == ApplyMethod.IN_PLATFORM]
    sam = candidates[0]
    # The demo candidate sees a little of everything on their dashboard.
    plan: list[tuple[User, ApplicationStatus]] = [
        (sam, ApplicationStatus.SUBMITTED), (sam, ApplicationStatus.INTERVIEW),
        (sam, ApplicationStatus.REJECTED), (sam, ApplicationStatus.SHORTLISTED),
    ]
    remaining = dict(DEMO_TARGET_STATUSES)
    for _, status in plan:
        remaining[status] -= 1
    others = candidates[1:]
    for status, count in remaining.items():
        plan += [(rng.choice(others), status) for _ in range(count)]
    rng.shuffle(plan)

    taken: set[tuple[int, int]] = set()
    events = 0
    for number, (candidate, target) in enumerate(plan, start=1):
        pool = filled_roles if target in (ApplicationStatus.HIRED, ApplicationStatus.OFFER_DECLINED) else open_roles
        level = candidate.profile.role_level
        near = [v for v in pool if abs(v.role_level.rank - level.rank) <= 1] or pool
        vacancy = rng.choice(near)
        while (vacancy.id, candidate.id) in taken:
            vacancy = rng.choice(pool)
        taken.add((vacancy.id, candidate.id))

        path = _path_to(rng, target)
        submitted_at = vacancy.published_at + dt.timedelta(hours=rng.randint(2, 72))
        end = min(now, dt.datetime.combine(vacancy.closing_date, dt.time(23, 59)) + dt.timedelta(days=21))
        if submitted_at >= end:
            submitted_at = vacancy.published_at + (end - vacancy.published_at) / 4
        window = (end - submitted_at).total_seconds()
        steps = sorted(rng.uniform(0.05, 0.95) for _ in path[1:])
        times = [submitted_at] + [submitted_at + dt.timedelta(seconds=int(window * u)) for u in steps]

        recruiter = recruiters[vacancy.organisation_id]
        application = Application(
            vacancy=vacancy, candidate=candidate, status=target, submitted_at=submitted_at,
            supporting_statement=rng.choice(words.SUPPORTING_STATEMENTS).format(
                years=candidate.profile.years_qualified or 1, area=vacancy.service_area.label.lower()),
            created_at=submitted_at, updated_at=times[-1],
        )
        previous: ApplicationStatus | None = None
        for status, when in zip(path, times):
            actor = candidate if status in (ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN) else recruiter
            application.events.append(ApplicationEvent(
                from_status=previous, to_status=status, actor_id=actor.id, created_at=when,
                note=rng.choice(words.APPLICATION_NOTES.get(status, ("",))),
            ))
            if status == ApplicationStatus.SHORTLISTED:
                application.swe_checked_at = when
                application.swe_checked_by_id = recruiter.id
            previous = status
        if target == ApplicationStatus.OFFER_DECLINED:
            reason = rng.choice(list(words.DECLINE_DETAILS))
            application.decline_reason = reason
            application.decline_detail = words.DECLINE_DETAILS[reason]
        session.add(application)
        events += len(path)
        if number % 20 == 0 or number == len(plan):
            _notify(progress, "applications", number, len(plan))
    session.flush()
    return len(plan), events


def _demo_follows(session: Session, rng: random.Random, candidates: list[User], by_slug: dict[str, Organisation],
                  now: dt.datetime) -> int:
    count = 0
    for candidate in candidates:
        boroughs = candidate.profile.preferred_boroughs
        chosen = boroughs[:3] if candidate is candidates[0] else rng.sample(boroughs, rng.randint(0, len(boroughs)))
        for slug in chosen:
            session.add(Follow(user_id=candidate.id, organisation_id=by_slug[slug].id,
                               created_at=now - dt.timedelta(days=rng.randint(1, 60))))
            count += 1
    return count


def _demo_news(session: Session, rng: random.Random, by_slug: dict[str, Organisation], accounts: dict[UserRole, User],
               recruiters: dict[str, User], now: dt.datetime) -> int:
    for index, (slug, title, summary, body) in enumerate(words.NEWS_ARTICLES):
        if slug is None:
            author = accounts[UserRole.PROGRAMME_LEAD]
        elif slug == "camden":
            author = accounts[UserRole.ORG_ADMIN]
        else:
            author = recruiters[slug]
        session.add(NewsArticle(
            organisation_id=by_slug[slug].id if slug else None, author_id=author.id, title=title,
            slug=_slug(title), summary=summary, body=body,
            published_at=now - dt.timedelta(days=index * 7 + rng.randint(0, 5), hours=rng.randint(0, 8)),
        ))
    return len(words.NEWS_ARTICLES)


# --- Scale: benchmarks ---------------------------------------------------------------------------------


def _demo_featured(session: Session, rng: random.Random, vacancies: list[Vacancy], now: dt.datetime) -> None:
    """A handful of featured jobs, from different councils (Camden's among them), live this fortnight."""
    today = now.date()
    live = [v for v in vacancies if v.status == VacancyStatus.LIVE and v.closing_date >= today + dt.timedelta(days=11)]
    chosen: dict[int, Vacancy] = {}
    for vacancy in [v for v in live if v.organisation.slug == "camden"][:1] + rng.sample(live, min(len(live), 12)):
        chosen.setdefault(vacancy.organisation_id, vacancy)
        if len(chosen) == 5:
            break
    for vacancy in chosen.values():
        session.add(FeaturedSlot(vacancy=vacancy, starts_on=today - dt.timedelta(days=3),
                                 ends_on=today + dt.timedelta(days=11), created_by_id=vacancy.created_by_id))


def _batches(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(start + size, total))


def _ids_after(session: Session, model: type, after_id: int) -> tuple[list[int], int]:
    """Ids inserted since ``after_id``, and the new high-water mark.

    Cheaper than INSERT ... RETURNING in bulk on SQLite. A row another writer added meanwhile
    only earns an extra outbox message, which the relay handles idempotently.
    """
    ids = session.scalars(sa.select(model.id).where(model.id > after_id).order_by(model.id)).all()
    return list(ids), (ids[-1] if ids else after_id)


def scale_candidate_email(seed: int, index: int) -> str:
    return f"candidate.{seed}.{index:07d}@scale.example.org"


def seed_scale(
    session: Session,
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> SeedSummary:
    """Bulk-load ``n`` vacancies and ``n`` candidates (and any missing councils) for benchmarks, then commit.

    Rows go in as Core executemany INSERTs on the tables (one statement per batch whatever
    columns are NULL), bypassing the ORM's unit of work, so the outbox rows the ORM hook would
    have written are written here in bulk, in the same transaction: the relay
    (or `flask search reindex`) then brings the search index and embeddings up to date.
    Scale candidates sign in with the demo candidate password.
    """
    if n < 1:
        raise SeedError("--scale needs a positive number of vacancies and candidates, e.g. `flask seed --scale 10000`.")
    started = time.perf_counter()
    now = (now or utcnow()).replace(microsecond=0)
    summary = SeedSummary()

    orgs, summary.councils_created = ensure_councils(session, now.date())
    summary.councils = len(orgs)
    # Commit the councils on their own: what follows writes its outbox rows itself.
    session.commit()
    refs = [CouncilRef.of(org) for org in orgs]
    if session.scalar(sa.select(User.id).where(User.email == scale_candidate_email(seed, 0))):
        raise SeedError(
            f"Scale data for --seed {seed} is already loaded. Choose another seed (`flask seed --scale {n} "
            f"--seed {seed + 1}`) or start from an empty database."
        )
    _notify(progress, "councils", len(refs), len(refs))

    # Vacancies.
    rng = random.Random(f"scale-vacancies:{seed}")
    weights = [council_terms(c.slug).size_weight for c in refs]
    statuses, status_weights = (VacancyStatus.LIVE, VacancyStatus.DRAFT, VacancyStatus.CLOSED), (90, 4, 6)
    last_vacancy_id = session.scalar(sa.select(sa.func.max(Vacancy.id))) or 0
    first_number = last_vacancy_id + 1
    for batch in _batches(n, batch_size):
        rows = []
        for i in batch:
            level = _weighted(rng, words.ROLE_LEVEL_WEIGHTS)
            council = rng.choices(refs, weights)[0]
            status = rng.choices(statuses, status_weights)[0]
            rows.append(vacancy_values(rng, council, level, _area_for(rng, level), status, now, first_number + i))
            summary.vacancies[status] = summary.vacancies.get(status, 0) + 1
        session.execute(sa.insert(Vacancy.__table__), rows)
        ids, last_vacancy_id = _ids_after(session, Vacancy, last_vacancy_id)
        session.execute(sa.insert(OutboxMessage), outbox_rows("vacancy.changed", Vacancy.__tablename__, ids, now))
        summary.outbox_messages += len(ids)
        _notify(progress, "vacancies", batch.stop, n)

    # Candidates: one shared password hash (Argon2 per user would take hours at this size).
    rng = random.Random(f"scale-candidates:{seed}")
    last_profile_id = session.scalar(sa.select(sa.func.max(CandidateProfile.id))) or 0
    password_hash = _password_hash(CANDIDATE_PASSWORD)
    for batch in _batches(n, batch_size):
        users, levels = [], []
        for i in batch:
            first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
            users.append({"email": scale_candidate_email(seed, i), "password_hash": password_hash,
                          "full_name": f"{first} {last}", "role": UserRole.CANDIDATE, "active": True,
                          "created_at": now, "updated_at": now, "password_changed_at": now})
            levels.append(_weighted(rng, words.ROLE_LEVEL_WEIGHTS))
        session.execute(sa.insert(User.__table__), users)
        id_by_email = dict(session.execute(
            sa.select(User.email, User.id).where(User.email.in_([u["email"] for u in users]))).all())
        user_ids = [id_by_email[u["email"]] for u in users]
        profiles = []
        for user_id, level in zip(user_ids, levels):
            swe = None if level == RoleLevel.STUDENT else f"SW{rng.randint(100000, 999999)}"
            values = profile_values(rng, level, swe)
            values.update(user_id=user_id, created_at=now, updated_at=now)
            profiles.append(values)
        session.execute(sa.insert(CandidateProfile.__table__), profiles)
        profile_ids, last_profile_id = _ids_after(session, CandidateProfile, last_profile_id)
        session.execute(sa.insert(OutboxMessage),
                        outbox_rows("profile.changed", CandidateProfile.__tablename__, profile_ids, now))
        summary.outbox_messages += len(profile_ids)
        summary.candidates += len(user_ids)
        _notify(progress, "candidates", batch.stop, n)

    summary.users = summary.candidates
    session.commit()
    summary.seconds = time.perf_counter() - started
    return summary
