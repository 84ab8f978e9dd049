"""Distinct visitors from funnel_visitor_spans (issue 15) are exactly the DISTINCT count over the
visitor-days they replace: for every period, region-wide and by each dimension, whatever order days
are rolled up in and after a day is rolled up again with late events. And figures kept between
rollups are read afresh once the rollup runs."""
from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from domain.funnel import FunnelStep
from tests.factories import OrganisationFactory, VacancyFactory
from webapp.extensions import db
from webapp.models import FunnelEvent, FunnelVisitorDay, FunnelVisitorSpan, FunnelVisitorSpanCount
from webapp.services import insights, rollups

START = dt.date(2026, 9, 1)
DAYS = 40


def _distinct(scope: insights.Scope, column: str | None = None) -> dict:
    """The answer the spans replace: DISTINCT visitor keys over the scope's visitor-days."""
    key = getattr(FunnelVisitorDay, column) if column else sa.literal("all")
    return dict(db.session.execute(
        sa.select(key, sa.func.count(sa.distinct(FunnelVisitorDay.visitor_key)))
        .where(*insights._where(FunnelVisitorDay, scope)).group_by(key)).all())


def _events(rng: random.Random, jobs, day: dt.date, count: int) -> None:
    for _ in range(count):
        job = rng.choice(jobs + [None])
        visitor = f"visitor{rng.randrange(25):02d}"  # few visitors, so they come back on many days
        db.session.add(FunnelEvent(
            kind=(FunnelStep.JOB_VIEW if job else FunnelStep.VISIT).value, visitor_id=visitor,
            occurred_at=dt.datetime.combine(day, dt.time(rng.randrange(24))),
            vacancy_id=job.id if job else None, organisation_id=job.organisation_id if job else None))


def test_spans_give_exactly_the_distinct_visitors_for_every_period_and_dimension(app):
    rng = random.Random(15)
    councils = [OrganisationFactory(name=name) for name in ("Camden", "Hackney", "Croydon")]
    jobs = [VacancyFactory(organisation=rng.choice(councils)) for _ in range(6)]
    for offset in range(DAYS):
        _events(rng, jobs, START + dt.timedelta(days=offset), rng.randrange(0, 12))
    db.session.commit()
    days = [START + dt.timedelta(days=offset) for offset in range(DAYS)]
    rng.shuffle(days)  # rolled up in any order
    for day in days:
        rollups.rollup(day, day)
    # Late events on a day in the middle, rolled up again: later days' spans must follow.
    _events(rng, jobs, START + dt.timedelta(days=17), 15)
    db.session.commit()
    rollups.rollup(START + dt.timedelta(days=17), START + dt.timedelta(days=17))

    for _ in range(60):
        first = START + dt.timedelta(days=rng.randrange(-3, DAYS))
        scope = insights.Scope(first, first + dt.timedelta(days=rng.randrange(0, DAYS)))
        insights._kept.clear()
        assert insights.unique_visitors(scope) == sum(_distinct(scope).values())
        for column in ("organisation_id", "sub_region", "role_level", "service_area", "campaign_id"):
            assert insights._visitors_by(scope, column) == _distinct(scope, column), (scope, column)
        council = rng.choice(councils)
        one = scope.but(organisation_id=council.id)
        assert insights.unique_visitors(one) == sum(_distinct(one).values())


def _counted_spans() -> dict:
    spans = FunnelVisitorSpan
    return {tuple(key): count for *key, count in db.session.execute(
        sa.select(spans.grouping, spans.group_value, spans.day, spans.prev_day, sa.func.count())
        .group_by(spans.grouping, spans.group_value, spans.day, spans.prev_day)).all()}


def _kept_counts() -> dict:
    counts = FunnelVisitorSpanCount
    rows = db.session.execute(sa.select(counts.grouping, counts.group_value, counts.day, counts.prev_day,
                                        counts.visitors)).all()
    assert len(rows) == len({tuple(row[:4]) for row in rows})  # one row per (grouping, value, day, previous day)
    return {tuple(row[:4]): row[4] for row in rows}


def test_span_counts_are_the_spans_counted_after_any_rebuild(app):
    """funnel_visitor_span_counts (what the dashboard sums) follows its spans: days rolled up in any order,
    a day again with late events, and a range in the middle rebuilt, which moves later days' previous days."""
    rng = random.Random(21)
    jobs = [VacancyFactory(organisation=OrganisationFactory()) for _ in range(3)]
    for offset in range(20):
        _events(rng, jobs, START + dt.timedelta(days=offset), rng.randrange(1, 10))
    db.session.commit()
    days = [START + dt.timedelta(days=offset) for offset in range(20)]
    rng.shuffle(days)
    for day in days:
        rollups.rollup(day, day)
    assert _kept_counts() == _counted_spans() != {}
    _events(rng, jobs, START + dt.timedelta(days=6), 20)  # late events for visitors seen again later
    db.session.commit()
    rollups.rollup(START + dt.timedelta(days=5), START + dt.timedelta(days=8))
    assert _kept_counts() == _counted_spans()
    later = [key for key in _kept_counts() if key[2] > START + dt.timedelta(days=8) and key[3] is not None]
    assert later  # the later days have previous days to correct, so the check above means something


def test_figures_kept_between_rollups_are_read_again_after_the_next(app):
    job = VacancyFactory()
    day = dt.date(2026, 10, 5)
    db.session.add(FunnelEvent(kind=FunnelStep.VISIT.value, visitor_id="a", occurred_at=dt.datetime(2026, 10, 5, 9)))
    db.session.commit()
    rollups.rollup(day, day)
    scope = insights.Scope(day, day)
    assert insights.unique_visitors(scope) == 1
    db.session.add(FunnelEvent(kind=FunnelStep.JOB_VIEW.value, visitor_id="b", occurred_at=dt.datetime(2026, 10, 5, 10),
                               vacancy_id=job.id, organisation_id=job.organisation_id))
    db.session.commit()
    assert insights.unique_visitors(scope) == 1  # kept: the new visit is not rolled up yet
    rollups.rollup(day, day)
    assert insights.unique_visitors(scope) == 2
    assert insights.step_totals(scope)["job_view"] == 1
