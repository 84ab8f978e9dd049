"""Daily funnel rollups, rebuilt from the raw funnel events for any range of days.

Idempotent: a day's rollup rows are deleted and rebuilt from its events in one transaction, so
running it twice, or for a day already done, or after events arrived late, gives the same rows.
Days are UTC days. Refreshes and double clicks are deduplicated here, not at capture: `people`
counts each visitor (or, without a visitor id, each person) once per day per step per vacancy.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa

from domain.funnel import VISITOR_STEPS
from webapp.extensions import db
from webapp.models import (
    FunnelDaily,
    FunnelEvent,
    FunnelRollupMark,
    FunnelVisitorDay,
    FunnelVisitorSpan,
    FunnelVisitorSpanCount,
    Organisation,
    Vacancy,
)
from webapp.models.base import utcnow

log = logging.getLogger(__name__)

# One rollup at a time on PostgreSQL (two at once would each insert the same day's rows).
_ADVISORY_LOCK = 5_050_505


@dataclass(frozen=True)
class RollupReport:
    start: dt.date
    end: dt.date
    days: int
    events: int
    rows: int
    seconds: float

    def summary(self) -> str:
        return (f"rolled up {self.events:,} events on {self.days} day(s) from {self.start} to {self.end} "
                f"into {self.rows:,} rows in {self.seconds:.1f} s")


def day_of(column: sa.ColumnElement, dialect: str) -> sa.ColumnElement:
    """The UTC calendar day of a naive UTC timestamp, as each database spells it."""
    if dialect == "sqlite":
        return sa.func.date(column)
    return sa.cast(column, sa.Date)


def visitor_key(event=FunnelEvent) -> sa.ColumnElement:
    """Who took a step: the browser's visitor id, else the person, else the event itself.

    The visitor id is an HMAC: its first 16 hex digits (64 bits) tell visitors apart as well as all
    64 for any realistic number of them, and make counting distinct visitors cheaper."""
    return sa.func.coalesce(
        sa.func.substr(event.visitor_id, 1, 16),
        sa.literal("u") + sa.cast(event.user_id, sa.String),
        sa.literal("e") + sa.cast(event.id, sa.String),
    )


# The dimensions distinct visitors are kept for as spans (models.FunnelVisitorSpan): the whole region,
# and each column of funnel_visitor_days the dashboard compares by or filters on.
SPAN_GROUPINGS = ("all", "organisation_id", "sub_region", "role_level", "service_area", "campaign_id")


def _span_value(grouping: str, table=FunnelVisitorDay.__table__) -> sa.ColumnElement:
    if grouping == "all":
        return sa.literal("")
    return sa.func.coalesce(sa.cast(table.c[grouping], sa.String), sa.literal(""))


def _rebuild_spans(connection: sa.Connection, day: dt.date) -> None:
    """The day's spans from its visitor-days, each with the visitor's previous day in the same group.
    Days are rebuilt in order, so a later day in the same run finds this one; days after the run are
    corrected once at its end (_correct_later_spans)."""
    spans = FunnelVisitorSpan.__table__
    visitor_days = FunnelVisitorDay.__table__
    connection.execute(sa.delete(spans).where(spans.c.day == day))
    earlier = spans.alias("earlier")
    for grouping in SPAN_GROUPINGS:
        source = (sa.select(_span_value(grouping).label("value"), visitor_days.c.visitor_key)
                  .where(visitor_days.c.day == day).distinct().subquery())
        previous = (sa.select(sa.func.max(earlier.c.day))
                    .where(earlier.c.grouping == grouping, earlier.c.group_value == source.c.value,
                           earlier.c.visitor_key == source.c.visitor_key, earlier.c.day < day)
                    .scalar_subquery())
        connection.execute(spans.insert().from_select(
            ["grouping", "group_value", "visitor_key", "day", "prev_day"],
            sa.select(sa.literal(grouping), source.c.value, source.c.visitor_key,
                      sa.literal(day, sa.Date), previous)))
    _recount_spans(connection, day, day)


def _recount_spans(connection: sa.Connection, first: dt.date, last: dt.date | None) -> None:
    """The spans of days first..last (every later day when last is None) counted again into
    funnel_visitor_span_counts, which the dashboard sums (models.FunnelVisitorSpanCount)."""
    spans = FunnelVisitorSpan.__table__
    counts = FunnelVisitorSpanCount.__table__

    def days(table):
        return sa.and_(table.c.day >= first, *([table.c.day <= last] if last is not None else []))

    connection.execute(sa.delete(counts).where(days(counts)))
    connection.execute(counts.insert().from_select(
        ["grouping", "group_value", "day", "prev_day", "visitors"],
        sa.select(spans.c.grouping, spans.c.group_value, spans.c.day, spans.c.prev_day, sa.func.count())
        .where(days(spans)).group_by(spans.c.grouping, spans.c.group_value, spans.c.day, spans.c.prev_day)))


def _correct_later_spans(connection: sa.Connection, start: dt.date, end: dt.date) -> None:
    """After the days start..end were rebuilt, the later spans whose previous day may have changed get it
    looked up again: those of visitors seen in start..end (found through the visitor index, not by
    reading every later day), and those pointing into start..end. Nothing later than ``end`` (the
    ten-minute rollup of today) costs nothing."""
    spans = FunnelVisitorSpan.__table__
    earlier = spans.alias("earlier")
    seen = spans.alias("seen")
    later = spans.alias("later")
    recomputed = (sa.select(sa.func.max(earlier.c.day))
                  .where(earlier.c.grouping == spans.c.grouping, earlier.c.group_value == spans.c.group_value,
                         earlier.c.visitor_key == spans.c.visitor_key, earlier.c.day < spans.c.day)
                  .scalar_subquery())
    for grouping in SPAN_GROUPINGS:
        of_visitors_seen = (
            sa.select(later.c.id)
            .join(seen, sa.and_(seen.c.grouping == later.c.grouping, seen.c.group_value == later.c.group_value,
                                seen.c.visitor_key == later.c.visitor_key))
            .where(seen.c.grouping == grouping, seen.c.day >= start, seen.c.day <= end, later.c.day > end))
        pointing_in = sa.select(later.c.id).where(later.c.grouping == grouping, later.c.day > end,
                                                 later.c.prev_day >= start, later.c.prev_day <= end)
        connection.execute(spans.update().where(spans.c.id.in_(sa.union(of_visitors_seen, pointing_in)))
                           .values(prev_day=recomputed))
    # The later days' counts follow their spans: one pass over the later spans (none for today's rollup).
    _recount_spans(connection, end + dt.timedelta(days=1), None)


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _rollup_day(connection: sa.Connection, day: dt.date) -> tuple[int, int]:
    dialect = connection.dialect.name
    lower = dt.datetime.combine(day, dt.time())
    upper = lower + dt.timedelta(days=1)
    in_day = sa.and_(FunnelEvent.occurred_at >= lower, FunnelEvent.occurred_at < upper)
    connection.execute(sa.delete(FunnelDaily).where(FunnelDaily.day == day))
    connection.execute(sa.delete(FunnelVisitorDay).where(FunnelVisitorDay.day == day))
    events = connection.scalar(sa.select(sa.func.count(FunnelEvent.id)).where(in_day)) or 0
    if not events:
        _rebuild_spans(connection, day)
        return 0, 0
    the_day = sa.literal(day, sa.Date) if dialect != "sqlite" else sa.literal(day.isoformat())
    joined = (
        sa.select()
        .select_from(FunnelEvent)
        .outerjoin(Organisation, Organisation.id == FunnelEvent.organisation_id)
        .outerjoin(Vacancy, Vacancy.id == FunnelEvent.vacancy_id)
        .where(in_day)
    )
    dims = [FunnelEvent.kind, FunnelEvent.organisation_id, Organisation.sub_region, FunnelEvent.vacancy_id,
            Vacancy.role_level, Vacancy.service_area, FunnelEvent.campaign_id, FunnelEvent.tracked_link_id]
    daily = joined.add_columns(
        the_day, *dims, sa.func.count(FunnelEvent.id), sa.func.count(sa.distinct(visitor_key()))
    ).group_by(*dims)
    connection.execute(sa.insert(FunnelDaily).from_select(
        ["day", "kind", "organisation_id", "sub_region", "vacancy_id", "role_level", "service_area", "campaign_id",
         "tracked_link_id", "events", "people"], daily))
    visitor_dims = [visitor_key(), FunnelEvent.organisation_id, Organisation.sub_region, Vacancy.role_level,
                    Vacancy.service_area, FunnelEvent.campaign_id]
    visitors = joined.add_columns(the_day, *visitor_dims).where(
        FunnelEvent.kind.in_([s.value for s in VISITOR_STEPS]),
        sa.or_(FunnelEvent.visitor_id.is_not(None), FunnelEvent.user_id.is_not(None)),
    ).distinct()
    connection.execute(sa.insert(FunnelVisitorDay).from_select(
        ["day", "visitor_key", "organisation_id", "sub_region", "role_level", "service_area", "campaign_id"],
        visitors))
    _rebuild_spans(connection, day)
    # Counted rather than taken from rowcount, which some drivers leave at -1 for INSERT ... SELECT.
    rows = sum(connection.scalar(sa.select(sa.func.count()).select_from(model).where(model.day == day)) or 0
               for model in (FunnelDaily, FunnelVisitorDay))
    return events, rows


def rollup(start: dt.date, end: dt.date, progress: Callable[[dt.date, int], None] | None = None) -> RollupReport:
    """Rebuild the rollups for every day from start to end (inclusive), one transaction per day."""
    if end < start:
        raise ValueError("The last day must be on or after the first.")
    started = time.perf_counter()
    total_events = total_rows = 0
    for day in _days(start, end):
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
            events, rows = _rollup_day(connection, day)
        total_events += events
        total_rows += rows
        if progress is not None:
            progress(day, events)
    with db.engine.begin() as connection:  # figures kept between rollups are read afresh from now on
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
        _correct_later_spans(connection, start, end)
        connection.execute(sa.delete(FunnelRollupMark))
        connection.execute(sa.insert(FunnelRollupMark).values(id=1, token=uuid.uuid4().hex,
                                                              finished_at=utcnow()))
    report = RollupReport(start, end, (end - start).days + 1, total_events, total_rows, time.perf_counter() - started)
    log.info("%s", report.summary())
    return report


def first_event_day() -> dt.date | None:
    first = db.session.scalar(sa.select(sa.func.min(FunnelEvent.occurred_at)))
    return first.date() if first is not None else None
