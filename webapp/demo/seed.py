"""The demo: `flask seed` loads London's 33 councils with an illustrative offer each, ~400 vacancies,
~60 social workers, applications with a valid pipeline history, follows, news, featured jobs, saved
searches, campaigns and funnel events, workforce figures, and one demo account per role.

Deterministic from its seed; writes outbox rows for everything the workers must index.
"""
from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.vocabulary import (
    ApplicationStatus,
    ApplyMethod,
    Availability,
    ContractType,
    RoleLevel,
    ServiceArea,
    UserRole,
    VacancyStatus,
    WorkingPattern,
)
from webapp.demo import words
from webapp.demo.application_forms import fill_demo_form
from webapp.demo.bulletins import build_demo_bulletins
from webapp.demo.councils import council_terms, ensure_councils
from webapp.demo.equality import seed_demo_answers
from webapp.demo.funnel import roll_up_demo, seed_funnel
from webapp.demo.invitations import seed_invitations
from webapp.demo.rows import (
    CouncilRef,
    area_for,
    email_local,
    password_hash,
    profile_values,
    slug_of,
    vacancy_values,
    weighted,
)
from webapp.demo.saved_searches import seed_saved_searches
from webapp.demo.workforce import seed_workforce
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
    bulletins: int = 0
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
        if self.bulletins:
            parts.append(f"{self.bulletins} monthly bulletins")
        parts.append(f"{self.outbox_messages:,} outbox messages")
        return f"seeded {', '.join(parts)} in {self.seconds:.1f}s"


def _demo_vacancy_plan(rng: random.Random) -> list[tuple[RoleLevel, ServiceArea]]:
    """Every role level and every service area at least once, then a realistic spread."""
    plan = [(level, area_for(rng, level)) for level in RoleLevel]
    plan += [(RoleLevel.SOCIAL_WORKER, area) for area in ServiceArea]
    while len(plan) < DEMO_LIVE_VACANCIES:
        level = weighted(rng, words.ROLE_LEVEL_WEIGHTS)
        plan.append((level, area_for(rng, level)))
    return plan


def _pick_council(rng: random.Random, councils: Sequence[CouncilRef]) -> CouncilRef:
    return rng.choices(councils, [council_terms(c.slug).size_weight for c in councils])[0]


def database_is_empty(session: Session) -> bool:
    """Empty means no councils: the seed's --if-empty test."""
    return session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 0


def notify(progress: Progress | None, step: str, done: int, total: int) -> None:
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
    notify(progress, "councils", len(orgs), len(orgs))

    # Accounts: the demo ones, and a recruiter for every other council.
    accounts: dict[UserRole, User] = {}
    for account in DEMO_ACCOUNTS:
        user = User(email=account.email, password_hash=password_hash(account.password), full_name=account.full_name,
                    role=account.role, organisation=by_slug.get(account.organisation_slug or ""))
        session.add(user)
        accounts[account.role] = user
    recruiters: dict[str, User] = {"camden": accounts[UserRole.RECRUITER]}
    for org in orgs:
        if org.slug not in recruiters:
            recruiters[org.slug] = User(
                email=f"recruiter@{org.slug}.example.org", password_hash=password_hash(RECRUITER_PASSWORD),
                full_name=f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}",
                role=UserRole.RECRUITER, organisation=org,
            )
            session.add(recruiters[org.slug])
    session.flush()
    notify(progress, "accounts", len(DEMO_ACCOUNTS) + len(recruiters) - 1, len(DEMO_ACCOUNTS) + len(recruiters) - 1)

    # Vacancies: every council gets a couple, bigger councils more.
    refs = [CouncilRef.of(org) for org in orgs]
    plan = [(lvl, area, VacancyStatus.LIVE) for lvl, area in _demo_vacancy_plan(rng)]
    for _ in range(DEMO_DRAFT_VACANCIES):
        level = weighted(rng, words.ROLE_LEVEL_WEIGHTS)
        plan.append((level, area_for(rng, level), VacancyStatus.DRAFT))
    for _ in range(DEMO_CLOSED_VACANCIES):
        level = weighted(rng, words.ROLE_LEVEL_WEIGHTS)
        plan.append((level, area_for(rng, level), VacancyStatus.CLOSED))
    vacancies: list[Vacancy] = []
    for number, (level, area, status) in enumerate(plan, start=1):
        council = refs[(number - 1) % len(refs)] if number <= 2 * len(refs) else _pick_council(rng, refs)
        values = vacancy_values(rng, council, level, area, status, now, number, recruiters[council.slug].id)
        vacancy = Vacancy(**values)
        session.add(vacancy)
        vacancies.append(vacancy)
        summary.vacancies[status] = summary.vacancies.get(status, 0) + 1
        if number % 50 == 0 or number == len(plan):
            notify(progress, "vacancies", number, len(plan))
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
    notify(progress, "follows and news", summary.follows + summary.news_articles,
            summary.follows + summary.news_articles)
    workforce = seed_workforce(session, orgs, now.date(), seed, worker_secret())
    notify(progress, "workforce snapshots", workforce.snapshots, workforce.snapshots)
    funnel_demo = seed_funnel(session, seed, vacancies, recruiter_of, now)
    notify(progress, "campaigns and funnel events", funnel_demo.events, funnel_demo.events)

    session.flush()
    summary.users = session.scalar(sa.select(sa.func.count()).select_from(User))
    summary.outbox_messages = session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    session.commit()
    roll_up_demo(now)  # the dashboard's daily figures, from the events just committed
    summary.bulletins = build_demo_bulletins(now, progress)  # the insights bulletins page, from those figures
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
        email = f"{email_local(first, last)}@{rng.choice(('example.org', 'example.com', 'example.net'))}"
        if email in used_emails:
            email = email.replace("@", f"{index}@")
        used_emails.add(email)
        level = weighted(rng, words.ROLE_LEVEL_WEIGHTS)
        user = User(email=email, password_hash=password_hash(CANDIDATE_PASSWORD), full_name=f"{first} {last}",
                    role=UserRole.CANDIDATE)
        swe = None if level == RoleLevel.STUDENT else f"SW{swe_numbers[index]}"
        user.profile = CandidateProfile(**profile_values(rng, level, swe))
        session.add(user)
        candidates.append(user)
    session.flush()
    notify(progress, "candidates", len(candidates), len(candidates))
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
        fill_demo_form(number, application, candidate, recruiter)
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
            notify(progress, "applications", number, len(plan))
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
            slug=slug_of(title), summary=summary, body=body,
            published_at=now - dt.timedelta(days=index * 7 + rng.randint(0, 5), hours=rng.randint(0, 8)),
        ))
    return len(words.NEWS_ARTICLES)


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
