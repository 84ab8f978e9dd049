"""Rollups rebuilt from raw funnel events, and the headline figures other pages call."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from domain.funnel import FunnelStep
from tests.factories import OrganisationFactory, VacancyFactory
from webapp.extensions import db
from webapp.models import FunnelDaily, FunnelEvent
from webapp.services import rollups
from webapp.services.insights import headline_figures

DAY = dt.date(2026, 10, 5)


def event(kind: FunnelStep, visitor: str | None, vacancy=None, at: dt.datetime | None = None, **extra) -> None:
    db.session.add(FunnelEvent(kind=kind.value, visitor_id=visitor, occurred_at=at or dt.datetime(2026, 10, 5, 10),
                               vacancy_id=vacancy.id if vacancy else None,
                               organisation_id=vacancy.organisation_id if vacancy else extra.pop("organisation_id", None),
                               **extra))


def test_headline_figures_count_each_visitor_once_a_day_per_vacancy(app):
    camden = OrganisationFactory(name="Camden")
    hackney = OrganisationFactory(name="Hackney")
    job = VacancyFactory(organisation=camden, published_at=dt.datetime(2026, 10, 5, 9))
    other = VacancyFactory(organisation=hackney, published_at=dt.datetime(2026, 9, 1, 9))
    event(FunnelStep.VISIT, "a")
    event(FunnelStep.VISIT, "b")
    for _ in range(3):  # refreshes
        event(FunnelStep.JOB_VIEW, "a", job)
    event(FunnelStep.JOB_VIEW, "a", job, at=dt.datetime(2026, 10, 6, 8))  # another day counts again
    event(FunnelStep.JOB_VIEW, "b", other)
    event(FunnelStep.APPLY_CLICK, "b", other)
    event(FunnelStep.JOB_VIEW, "c", job, at=dt.datetime(2026, 11, 1, 8))  # outside the period
    db.session.commit()

    report = rollups.rollup(dt.date(2026, 10, 1), dt.date(2026, 11, 2))
    assert report.events == 9 and report.days == 33

    region = headline_figures(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert region == {"visitors": 2, "jobs_posted": 1, "job_views": 3, "apply_clicks": 1, "registrations": 0,
                      "applications": 0, "hires": 0, "followers": 0}
    camden_only = headline_figures(dt.date(2026, 10, 1), dt.date(2026, 10, 31), organisation_id=camden.id)
    assert camden_only["visitors"] == 1 and camden_only["job_views"] == 2 and camden_only["apply_clicks"] == 0
    assert camden_only["jobs_posted"] == 1


def test_rolling_up_twice_gives_the_same_rows(app):
    job = VacancyFactory()
    event(FunnelStep.JOB_VIEW, "a", job)
    db.session.commit()
    rollups.rollup(DAY, DAY)
    rollups.rollup(DAY, DAY)
    rows = db.session.scalars(sa.select(FunnelDaily)).all()
    assert [(r.kind, r.events, r.people, r.role_level, r.sub_region) for r in rows] == [
        ("job_view", 1, 1, "social_worker", "north")]
