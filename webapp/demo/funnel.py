"""Demo campaigns and three months of funnel events, so /insights has something true-looking to show.

Deterministic for a seed (its own random stream, so the rest of the demo is unchanged). The
applications the demo already made get their funnel events at the moments of their pipeline
history; visitors, searches, job views and click-throughs around them are generated day by day,
busier on weekdays, with a share arriving through the campaigns' tracked links. Events are bulk
inserted (no ORM objects), then the days are rolled up, so the demo seed stays quick.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.funnel import PIPELINE_STEPS, CampaignKind, FunnelStep, LinkChannel
from domain.vocabulary import (
    ApplicationStatus,
    ApplyMethod,
    RoleLevel,
    UserRole,
    VacancyStatus,
)
from webapp.models import (
    Application,
    ApplicationEvent,
    Campaign,
    FeaturedSlot,
    FunnelEvent,
    Organisation,
    TrackedLink,
    User,
    Vacancy,
)
from webapp.services import rollups

DEMO_DAYS = 90
VISITORS_PER_WEEKDAY = 50


@dataclass
class FunnelDemo:
    campaigns: int = 0
    events: int = 0


def _visitor(rng: random.Random) -> str:
    return hashlib.sha256(rng.getrandbits(64).to_bytes(8, "big")).hexdigest()


def _campaigns(session: Session, rng: random.Random, vacancies: list[Vacancy], lead: User | None,
               recruiters: dict[int, User], today: dt.date) -> list[Campaign]:
    by_slug: dict[str, list[Vacancy]] = {}
    for vacancy in vacancies:
        by_slug.setdefault(vacancy.organisation.slug, []).append(vacancy)

    def live(slug: str, count: int) -> list[Vacancy]:
        pool = [v for v in by_slug.get(slug, []) if v.status == VacancyStatus.LIVE and v.closing_date >= today]
        return pool[:count]

    # Camden's featured campaign takes over the slots the demo already gave Camden (no extra slots:
    # featured places are shared fairly across the region).
    camden_featured = list(session.scalars(
        sa.select(FeaturedSlot).join(Vacancy).join(Organisation)
        .where(Organisation.slug == "camden", FeaturedSlot.starts_on <= today, FeaturedSlot.ends_on >= today)))
    managers = [v for v in vacancies if v.role_level in (RoleLevel.TEAM_MANAGER, RoleLevel.ASSISTANT_TEAM_MANAGER)
                and v.status == VacancyStatus.LIVE and v.closing_date >= today][:8]
    newly_qualified = [v for v in vacancies if v.role_level == RoleLevel.NQSW
                       and v.status == VacancyStatus.LIVE and v.closing_date >= today][:8]
    plans = [
        (None, CampaignKind.RECRUITMENT, "Pan-London team managers", 75, 20, 18000, managers,
         [LinkChannel.LINKEDIN, LinkChannel.EMAIL, LinkChannel.JOB_BOARD]),
        (None, CampaignKind.RECRUITMENT, "ASYE 2027: start your career in London", 40, 60, 9500, newly_qualified,
         [LinkChannel.EMAIL, LinkChannel.SOCIAL]),
        ("camden", CampaignKind.EVENT, "Camden children's services open evening", 30, 3, 1200, live("camden", 4),
         [LinkChannel.POSTER, LinkChannel.EMAIL]),
        ("camden", CampaignKind.FEATURED, "Camden featured jobs", 5, 10, 600, [slot.vacancy for slot in camden_featured],
         [LinkChannel.LINKEDIN]),
        ("hackney", CampaignKind.REFER_A_FRIEND, "Hackney refer a friend", 80, 30, 3000, live("hackney", 6),
         [LinkChannel.REFERRAL]),
        ("croydon", CampaignKind.EVENT, "Croydon temp-to-perm event", 55, -10, 2500, live("croydon", 5),
         [LinkChannel.EVENT, LinkChannel.NEWSLETTER]),
    ]
    campaigns = []
    for slug, kind, name, started_days_ago, ends_in_days, budget, chosen, channels in plans:
        organisation = next((v.organisation for v in by_slug.get(slug, [])), None) if slug else None
        if slug and organisation is None:
            continue
        starts_on = today - dt.timedelta(days=started_days_ago)
        ends_on = today + dt.timedelta(days=ends_in_days)
        creator = recruiters.get(organisation.id) if organisation else lead
        campaign = Campaign(organisation=organisation, kind=kind, name=name, starts_on=starts_on, ends_on=ends_on,
                            budget=budget, vacancies=chosen, created_by_id=creator.id if creator else None,
                            summary=f"{kind.label} run by {organisation.name if organisation else 'the programme team'}.")
        if kind == CampaignKind.EVENT:
            campaign.event_on = starts_on + (ends_on - starts_on) / 2
            campaign.event_place = f"{organisation.name} civic centre" if organisation else "City Hall"
        for channel in channels:
            destination = (f"/jobs/{chosen[0].id}-{chosen[0].slug}" if len(chosen) == 1
                           else f"/councils/{organisation.slug}" if organisation else "/jobs")
            campaign.links.append(TrackedLink(code=f"demo{rng.randrange(16**4):04x}{len(campaigns)}",
                                              channel=channel, destination=destination))
        session.add(campaign)
        campaigns.append(campaign)
    session.flush()
    for slot in camden_featured:
        slot.campaign_id = next(c.id for c in campaigns if c.kind == CampaignKind.FEATURED)
    return campaigns


def seed_funnel(session: Session, seed: int, vacancies: list[Vacancy], recruiters: dict[int, User],
                now: dt.datetime) -> FunnelDemo:
    """Add the demo campaigns and funnel events to the session's transaction (the caller commits)."""
    session.flush()  # the demo's applications need their ids
    rng = random.Random(f"funnel:{seed}")
    today = now.date()
    lead = session.scalar(sa.select(User).where(User.role == UserRole.PROGRAMME_LEAD).limit(1))
    campaigns = _campaigns(session, rng, vacancies, lead, recruiters, today)
    links = [(c, link) for c in campaigns for link in c.links]
    candidate_ids = list(session.scalars(sa.select(User.id).where(User.role == UserRole.CANDIDATE)))
    organisations = list(session.scalars(sa.select(Organisation.id)))
    published = [v for v in vacancies if v.published_at is not None]
    rows: list[dict] = []

    def add(kind: FunnelStep, when: dt.datetime, visitor: str | None, vacancy: Vacancy | None = None,
            credit: tuple[Campaign, TrackedLink] | None = None, **extra) -> None:
        campaign, link = credit if credit else (None, None)
        rows.append({"kind": kind.value, "occurred_at": when, "visitor_id": visitor,
                     "user_id": extra.get("user_id"), "application_id": extra.get("application_id"),
                     "organisation_id": vacancy.organisation_id if vacancy else extra.get("organisation_id"),
                     "vacancy_id": vacancy.id if vacancy else None,
                     "campaign_id": campaign.id if campaign else None, "tracked_link_id": link.id if link else None})

    # Applications already in the demo: their submission and each pipeline step, some credited to a campaign.
    credit_of: dict[int, tuple[Campaign, TrackedLink]] = {}
    for application, event in session.execute(
        sa.select(Application, ApplicationEvent).join(ApplicationEvent).order_by(ApplicationEvent.id)
    ).all():
        vacancy = application.vacancy
        if event.to_status == ApplicationStatus.SUBMITTED:
            running = [(c, link) for c, link in links if c.starts_on <= event.created_at.date() <= c.ends_on
                       and c.organisation_id in (None, vacancy.organisation_id)]
            if running and rng.random() < 0.35:
                credit_of[application.id] = rng.choice(running)
            add(FunnelStep.APPLICATION, event.created_at, _visitor(rng), vacancy, credit_of.get(application.id),
                user_id=application.candidate_id, application_id=application.id)
        elif event.to_status in PIPELINE_STEPS:
            add(PIPELINE_STEPS[event.to_status], event.created_at, None, vacancy, credit_of.get(application.id),
                user_id=application.candidate_id, application_id=application.id)

    # Visitors, day by day.
    for days_ago in range(DEMO_DAYS, -1, -1):
        day = today - dt.timedelta(days=days_ago)
        weekday = day.weekday() < 5
        open_then = [v for v in published if v.published_at.date() <= day <= v.closing_date
                     and (v.closed_at is None or v.closed_at.date() >= day)]
        if not open_then:
            continue
        running = [(c, link) for c, link in links if c.starts_on <= day <= c.ends_on]
        people = int(VISITORS_PER_WEEKDAY * (1.0 if weekday else 0.45) * rng.uniform(0.8, 1.2))
        last_hour = now.hour if days_ago == 0 else 23
        for _ in range(people):
            visitor = _visitor(rng)
            moment = dt.datetime.combine(day, dt.time(rng.randint(min(7, last_hour), last_hour), rng.randrange(60)))
            credit = rng.choice(running) if running and rng.random() < 0.18 else None
            add(FunnelStep.VISIT, moment, visitor, credit=credit,
                organisation_id=credit[0].organisation_id if credit else None)
            pool = credit[0].vacancies if credit and credit[0].vacancies else open_then
            pool = [v for v in pool if v in open_then] or open_then
            if rng.random() < 0.7:
                add(FunnelStep.SEARCH, moment + dt.timedelta(minutes=1), visitor, credit=credit)
            for view in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
                vacancy = rng.choice(pool)
                at = moment + dt.timedelta(minutes=2 + view * 3)
                add(FunnelStep.JOB_VIEW, at, visitor, vacancy, credit)
                if rng.random() < 0.25:  # a refresh: kept raw, counted once in the rollup
                    add(FunnelStep.JOB_VIEW, at + dt.timedelta(seconds=20), visitor, vacancy, credit)
                if vacancy.apply_method == ApplyMethod.EXTERNAL and rng.random() < 0.12:
                    add(FunnelStep.APPLY_CLICK, at + dt.timedelta(minutes=2), visitor, vacancy, credit)
            if candidate_ids and rng.random() < 0.03:
                add(FunnelStep.REGISTRATION, moment + dt.timedelta(minutes=15), visitor, credit=credit,
                    user_id=rng.choice(candidate_ids))
            if candidate_ids and rng.random() < 0.02:
                add(FunnelStep.FOLLOW, moment + dt.timedelta(minutes=16), visitor, credit=credit,
                    user_id=rng.choice(candidate_ids), organisation_id=rng.choice(organisations))
    rows.sort(key=lambda row: row["occurred_at"])
    for start in range(0, len(rows), 5000):
        session.execute(sa.insert(FunnelEvent.__table__), rows[start:start + 5000])
    return FunnelDemo(campaigns=len(campaigns), events=len(rows))


def roll_up_demo(now: dt.datetime) -> None:
    """Roll the demo's days up (after the seed has committed: the rollup uses its own connection)."""
    first = rollups.first_event_day()
    if first is not None:
        rollups.rollup(first, now.date())
