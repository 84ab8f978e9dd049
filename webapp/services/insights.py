"""What the insights dashboard shows: the region's (or a council's) recruitment funnel, read from
the daily rollups (services.rollups), plus time to hire and time to fill from the pipeline.

Every figure takes a Scope (a period and optional filters). Counts of steps are `people`
(each visitor once per day per vacancy, see services.rollups); "visitors" are distinct over the
whole period. Other pages (supply and demand, equal opportunities, the bulletin) call
headline_figures().
"""
from __future__ import annotations

import contextlib
import contextvars
import copy
import datetime as dt
import functools
import statistics
import threading
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context

from domain.funnel import FUNNEL_STAGES, FunnelStep
from domain.vocabulary import AlertFrequency, ApplicationStatus, RoleLevel, ServiceArea, SubRegion, VacancyStatus
from domain.years import year_problem
from webapp.extensions import db
from webapp.models import (
    Application,
    ApplicationEvent,
    Campaign,
    FunnelDaily,
    FunnelEvent,
    FunnelRollupMark,
    FunnelVisitorDay,
    FunnelVisitorSpan,
    FunnelVisitorSpanCount,
    Organisation,
    Vacancy,
    campaign_vacancies,
)
from webapp.services import alert_relevance
from webapp.services.campaigns import visible_campaigns
from webapp.services.councils import council_by_slug
from webapp.services.spreadsheets import write_csv

HEADLINE_KEYS = ("visitors", "jobs_posted", "job_views", "apply_clicks", "registrations", "applications", "hires",
                 "followers")
HEADLINE_LABELS = {
    "visitors": "Visitors",
    "jobs_posted": "Jobs posted",
    "job_views": "Job views",
    "apply_clicks": "Apply clicks",
    "registrations": "Registrations",
    "applications": "Applications",
    "hires": "Hires",
    "followers": "New followers",
}
_HEADLINE_STEPS = {
    "job_views": FunnelStep.JOB_VIEW,
    "apply_clicks": FunnelStep.APPLY_CLICK,
    "registrations": FunnelStep.REGISTRATION,
    "applications": FunnelStep.APPLICATION,
    "hires": FunnelStep.HIRED,
    "followers": FunnelStep.FOLLOW,
}


@dataclass(frozen=True)
class Scope:
    """A period (both days included) and the filters a dashboard view applies."""

    start: dt.date
    end: dt.date
    organisation_id: int | None = None
    sub_region: SubRegion | None = None
    role_level: RoleLevel | None = None
    service_area: ServiceArea | None = None
    campaign_id: int | None = None

    def but(self, **changes: Any) -> "Scope":
        return replace(self, **changes)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _rows(statement: sa.Executable) -> sa.CursorResult:
    """A query's rows through the session's connection, without the ORM's result layer: these are all
    plain aggregate rows, and building ORM rows for them was a tenth of a year view's time. Pending
    changes are flushed first, as the session's own execute would."""
    if db.session.autoflush:
        db.session.flush()
    return db.session.connection().execute(statement)


def _scalar(statement: sa.Executable) -> Any:
    return _rows(statement).scalar()


def _where(model, scope: Scope) -> list[sa.ColumnElement[bool]]:
    conditions = [model.day >= scope.start, model.day <= scope.end]
    if scope.organisation_id is not None:
        conditions.append(model.organisation_id == scope.organisation_id)
    if scope.sub_region is not None:
        conditions.append(model.sub_region == scope.sub_region.value)
    if scope.role_level is not None:
        conditions.append(model.role_level == scope.role_level.value)
    if scope.service_area is not None:
        conditions.append(model.service_area == scope.service_area.value)
    if scope.campaign_id is not None:
        conditions.append(model.campaign_id == scope.campaign_id)
    return conditions


def _per_request(func):
    """Remember a figure for the rest of this request: the headline, the funnel and the bulletin ask
    for the same scope's totals more than once, and a period's distinct visitors are the dearest."""

    @functools.wraps(func)
    def wrapper(scope: "Scope"):
        if not has_request_context():
            return func(scope)
        cache = g.setdefault("_insights_cache", {})
        key = (func.__name__, scope)
        if key not in cache:
            cache[key] = func(scope)
        return cache[key]

    return wrapper


# Figures read from the rollups only change when the rollup runs (every ten minutes), so they are kept
# in the process between rollups, under the token the rollup writes (models.FunnelRollupMark): a year's
# region view is read once per rollup, not once per page. Nothing is kept until a rollup has run.
KEPT_AT_MOST = 512
_kept: dict[tuple, Any] = {}
_kept_token: list[tuple | None] = [None]
_kept_lock = threading.Lock()


def _rollup_token() -> tuple | None:
    """The last rollup's token, with the newest row id of each rollup table: the rollup is their only
    writer, but if rows were deleted by hand (or a table emptied) the figures are read again too.
    Four primary-key lookups, once per request."""
    if has_request_context() and "_rollup_token" in g:
        return g._rollup_token
    held = _token_held.get()
    if held is not None:
        return held[0]
    row = _rows(sa.select(
        sa.select(FunnelRollupMark.token).where(FunnelRollupMark.id == 1).scalar_subquery(),
        sa.select(sa.func.max(FunnelDaily.id)).scalar_subquery(),
        sa.select(sa.func.max(FunnelVisitorSpan.id)).scalar_subquery(),
        sa.select(sa.func.max(FunnelVisitorSpanCount.id)).scalar_subquery(),
    )).one()
    token = tuple(row) if row[0] is not None else None
    if has_request_context():
        g._rollup_token = token
    return token


# A page's tables are read under one token (as in a request, where it is kept in g), also where there is
# no request: a CSV export made in a job, the benchmark.
_token_held: contextvars.ContextVar[tuple[tuple | None] | None] = contextvars.ContextVar("insights_token",
                                                                                        default=None)


@contextlib.contextmanager
def _one_token():
    if _token_held.get() is not None:
        yield
        return
    held = _token_held.set((_rollup_token(),))
    try:
        yield
    finally:
        _token_held.reset(held)


def _between_rollups(func):
    """Keep a figure read from the rollups until the next rollup; callers get their own copy (or, for a
    read-only mapping, the one kept: nothing can change it, and a year of days is dear to copy)."""

    @functools.wraps(func)
    def wrapper(*args):
        token = _rollup_token()
        if token is None:
            return func(*args)
        key = (func.__name__, args)
        with _kept_lock:
            if _kept_token[0] != token:
                _kept.clear()
                _kept_token[0] = token
            found = _kept.get(key)
        if found is None:
            found = func(*args)
            with _kept_lock:
                if _kept_token[0] == token:
                    if len(_kept) >= KEPT_AT_MOST:
                        _kept.clear()
                    _kept[key] = found
        return found if isinstance(found, MappingProxyType) else copy.deepcopy(found)

    return wrapper


@_per_request
@_between_rollups
def _people_by_day(scope: Scope) -> MappingProxyType[tuple[dt.date, str], int]:
    """People at each funnel step on each day of the scope, by (day, FunnelStep value): one pass over the
    period's rollups that both the step totals and the chart over time are summed from. Grouped by day
    first, in the covering index's own order (day, kind, ...), so the database sorts nothing: grouping a
    year by kind alone made SQLite sort every row of the year (a third of a region year view's time)."""
    people: dict[tuple[dt.date, str], int] = {}
    for day, kind, total in _rows(
        sa.select(FunnelDaily.day, FunnelDaily.kind, sa.func.sum(FunnelDaily.people))
        .where(*_where(FunnelDaily, scope))
        .group_by(FunnelDaily.day, FunnelDaily.kind)
    ):
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        people[(day, kind)] = int(total or 0)
    return MappingProxyType(people)


@_per_request
@_between_rollups
def step_totals(scope: Scope) -> dict[str, int]:
    """People at each funnel step in the scope, by FunnelStep value."""
    totals = {step.value: 0 for step in FunnelStep}
    for (_, kind), people in _people_by_day(scope).items():
        totals[kind] = totals.get(kind, 0) + people
    return totals


def _span_filter(scope: Scope) -> tuple[str, str | None] | None:
    """The spans that answer a scope's distinct visitors: the region's ("all"), or one dimension's value
    when the scope filters on that dimension alone. None when it filters on two or more (then the
    visitor-days are counted directly: a council's or a sub-region's slice is small)."""
    chosen = [(name, value) for name, value in (
        ("organisation_id", scope.organisation_id), ("sub_region", scope.sub_region),
        ("role_level", scope.role_level), ("service_area", scope.service_area), ("campaign_id", scope.campaign_id),
    ) if value is not None]
    if not chosen:
        return "all", None
    if len(chosen) == 1:
        name, value = chosen[0]
        return name, str(getattr(value, "value", value))
    return None


def _first_days(grouping: str, start: dt.date, end: dt.date) -> list[sa.ColumnElement[bool]]:
    """Spans that are a visitor's first day in the group within start..end: summing their counts counts
    each visitor once, exactly (see models.FunnelVisitorSpan and FunnelVisitorSpanCount)."""
    counts = FunnelVisitorSpanCount
    return [counts.grouping == grouping, counts.day >= start, counts.day <= end,
            sa.or_(counts.prev_day.is_(None), counts.prev_day < start)]


@_per_request
@_between_rollups
def unique_visitors(scope: Scope) -> int:
    spans = _span_filter(scope)
    if spans is not None:
        grouping, value = spans
        where = _first_days(grouping, scope.start, scope.end)
        if value is not None:
            where.append(FunnelVisitorSpanCount.group_value == value)
        return int(_scalar(sa.select(sa.func.sum(FunnelVisitorSpanCount.visitors)).where(*where)) or 0)
    return _scalar(
        sa.select(sa.func.count(sa.distinct(FunnelVisitorDay.visitor_key))).where(*_where(FunnelVisitorDay, scope))
    ) or 0


@_between_rollups
def _visitors_by(scope: Scope, column_name: str) -> dict[Any, int]:
    """Distinct visitors in the scope for each value of one dimension (None for none)."""
    if _span_filter(scope) == ("all", None):
        # Summed per day first, in the order of the index on (grouping, day, prev_day, group_value): a short
        # period reads only its own days' counts, and nothing is sorted but the per-day sums. (Grouped by
        # value alone, SQLite read every row of the grouping, of every day, through the other index.)
        counts = FunnelVisitorSpanCount
        per_day = (sa.select(counts.day, counts.prev_day, counts.group_value,
                             sa.func.sum(counts.visitors).label("visitors"))
                   .where(*_first_days(column_name, scope.start, scope.end))
                   .group_by(counts.day, counts.prev_day, counts.group_value)
                   .subquery())
        counted = _rows(
            sa.select(per_day.c.group_value, sa.func.sum(per_day.c.visitors)).group_by(per_day.c.group_value))
        integer = column_name in ("organisation_id", "campaign_id")
        return {(int(value) if integer else value) if value != "" else None: int(count) for value, count in counted}
    visitor_column = getattr(FunnelVisitorDay, column_name)
    return dict(_rows(
        sa.select(visitor_column, sa.func.count(sa.distinct(FunnelVisitorDay.visitor_key)))
        .where(*_where(FunnelVisitorDay, scope)).group_by(visitor_column)
    ).all())


def _vacancy_filters(scope: Scope) -> list[sa.ColumnElement[bool]]:
    conditions = []
    if scope.organisation_id is not None:
        conditions.append(Vacancy.organisation_id == scope.organisation_id)
    if scope.sub_region is not None:
        conditions.append(Vacancy.organisation_id.in_(
            sa.select(Organisation.id).where(Organisation.sub_region == scope.sub_region)))
    if scope.role_level is not None:
        conditions.append(Vacancy.role_level == scope.role_level)
    if scope.service_area is not None:
        conditions.append(Vacancy.service_area == scope.service_area)
    if scope.campaign_id is not None:
        conditions.append(Vacancy.id.in_(
            sa.select(campaign_vacancies.c.vacancy_id).where(campaign_vacancies.c.campaign_id == scope.campaign_id)))
    return conditions


def _moment_range(scope: Scope) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime.combine(scope.start, dt.time()), dt.datetime.combine(scope.end + dt.timedelta(days=1), dt.time())


def jobs_posted(scope: Scope) -> int:
    """Vacancies first published in the period (a re-opened vacancy is not posted again)."""
    lower, upper = _moment_range(scope)
    return _scalar(
        sa.select(sa.func.count(Vacancy.id))
        .where(Vacancy.published_at >= lower, Vacancy.published_at < upper, *_vacancy_filters(scope))
    ) or 0


def figures(scope: Scope) -> dict[str, int]:
    totals = step_totals(scope)
    result = {"visitors": unique_visitors(scope), "jobs_posted": jobs_posted(scope)}
    result.update({key: totals[step.value] for key, step in _HEADLINE_STEPS.items()})
    return {key: result[key] for key in HEADLINE_KEYS}


def headline_figures(start: dt.date, end: dt.date, organisation_id: int | None = None) -> dict[str, int]:
    """The region's (or one council's) headline figures for a period, both days included:
    visitors, jobs_posted, job_views, apply_clicks, registrations, applications, hires, followers."""
    return figures(Scope(start, end, organisation_id=organisation_id))


# --- the dashboard's tables --------------------------------------------------------------------------------

@dataclass
class Table:
    """One table of figures: shown on the page (with a chart of `chart` against `label`) and as CSV."""

    name: str
    caption: str
    columns: list[tuple[str, str]]  # (key, heading)
    rows: list[dict[str, Any]]
    label: str = "label"
    chart: str | None = None  # the column drawn as bars
    note: str = ""


def rate(numerator: int | None, denominator: int | None) -> float | None:
    """A percentage, or None when there is nothing to divide by (shown as a dash, never as 0%)."""
    if not denominator or numerator is None:
        return None
    return round(100.0 * numerator / denominator, 1)


# Steps whose count is not a subset of the step they are compared with: one visitor may look at many
# jobs, so job views per visitor is a ratio, worded "per 100 visitors" and never shown as a conversion.
RATIO_STAGES = {"job_views"}


def funnel_table(scope: Scope) -> Table:
    totals = step_totals(scope)
    counts = {"visitors": unique_visitors(scope)}
    labels = {key: label for key, label, _, _ in FUNNEL_STAGES}
    rows: list[dict[str, Any]] = []
    per_100 = None
    for key, label, steps, converts_from in FUNNEL_STAGES:
        counts.setdefault(key, sum(totals[s.value] for s in steps))
        count = counts[key]
        row = {"key": key, "label": label, "count": count, "rate": None, "of": "", "chart_text": f"{count:,}"}
        if key in RATIO_STAGES:
            per_100 = rate(count, counts[converts_from])
            if per_100 is not None:
                row["chart_text"] = f"{count:,} ({per_100:,.0f} per 100 {labels[converts_from].lower()})"
        elif converts_from:
            row["rate"] = rate(count, counts[converts_from])
            row["of"] = labels[converts_from]
            if row["rate"] is not None:
                row["chart_text"] = f"{count:,} ({row['rate']:.1f}% of {labels[converts_from][0].lower()}{labels[converts_from][1:]})"
        rows.append(row)
    views = (f"In this period there were {per_100:,.0f} job views for every 100 visitors. " if per_100 is not None
             else "")
    return Table("funnel", "The funnel: people at each step and the share of an earlier step who reached it",
                 [("label", "Step"), ("count", "People"), ("rate", "Conversion (%)"), ("of", "Of those at")],
                 rows, chart="count",
                 note=views + "One visitor may look at several jobs, so job views are a ratio to visitors, not a "
                      "conversion. Applications made here are the in-platform part of ‘applied’; "
                      "shortlisting and later steps convert from them, because applications on a council's own "
                      "site are not seen here. Interviews scheduled and references received are counted once per "
                      "application; councils ask for references at different stages, so they have no rate.")


BREAKDOWNS = {
    "council": ("organisation_id", "Council"),
    "sub_region": ("sub_region", "Sub-region"),
    "role_level": ("role_level", "Role level"),
    "service_area": ("service_area", "Service area"),
    "campaign": ("campaign_id", "Campaign"),
}


def _labels(by: str, keys: list[Any]) -> dict[Any, str]:
    if by == "council":
        ids = [k for k in keys if k is not None]
        names = dict(_rows(sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all()) if ids else {}
        return {k: names.get(k, "No council (searches, visits)") if k is not None else "No council (searches, visits)" for k in keys}
    if by == "campaign":
        ids = [k for k in keys if k is not None]
        names = dict(_rows(sa.select(Campaign.id, Campaign.name).where(Campaign.id.in_(ids))).all()) if ids else {}
        return {k: names.get(k, "Campaign removed") if k is not None else "No campaign" for k in keys}
    enum = {"sub_region": SubRegion, "role_level": RoleLevel, "service_area": ServiceArea}[by]
    none_label = "No council (searches, visits)" if by == "sub_region" else "Not about one job (visits, searches)"
    return {k: enum.label_for(k) if k is not None else none_label for k in keys}


@_between_rollups
def breakdown_table(scope: Scope, by: str) -> Table:
    column_name, heading = BREAKDOWNS[by]
    daily_column = getattr(FunnelDaily, column_name)
    steps = [FunnelStep.JOB_VIEW, FunnelStep.APPLY_CLICK, FunnelStep.APPLICATION, FunnelStep.HIRED]
    figures_by: dict[Any, dict[str, int]] = {}
    where = [*_where(FunnelDaily, scope), FunnelDaily.kind.in_([s.value for s in steps])]
    if column_name == "organisation_id":
        # (day, kind, council) is the covering index's own order: summed per day first, the database sorts
        # the per-day sums (a fifth as many rows) rather than every row of the period.
        per_day = (sa.select(daily_column.label("key"), FunnelDaily.kind, sa.func.sum(FunnelDaily.people).label("people"))
                   .where(*where).group_by(FunnelDaily.day, FunnelDaily.kind, daily_column).subquery())
        by_key = sa.select(per_day.c.key, per_day.c.kind, sa.func.sum(per_day.c.people)).group_by(per_day.c.key,
                                                                                                  per_day.c.kind)
    else:
        by_key = sa.select(daily_column, FunnelDaily.kind, sa.func.sum(FunnelDaily.people)).where(*where).group_by(
            daily_column, FunnelDaily.kind)
    for key, kind, total in _rows(by_key):
        figures_by.setdefault(key, {})[kind] = int(total or 0)
    visitors = _visitors_by(scope, column_name)
    keys = list(dict.fromkeys([*figures_by, *visitors]))
    labels = _labels(by, keys)
    rows = []
    for key in keys:
        f = figures_by.get(key, {})
        views, clicks, apps, hires = (f.get(s.value, 0) for s in steps)
        rows.append({"label": labels[key], "visitors": int(visitors.get(key, 0)), "job_views": views,
                     "apply_clicks": clicks, "applications": apps, "hires": hires,
                     "view_to_apply": rate(clicks + apps, views), "application_to_hire": rate(hires, apps)})
    rows.sort(key=lambda r: (-r["job_views"], -r["visitors"], r["label"]))
    return Table(f"by_{by}", f"Figures by {heading.lower()}",
                 [("label", heading), ("visitors", "Visitors"), ("job_views", "Job views"),
                  ("apply_clicks", "Apply clicks"), ("applications", "Applications"), ("hires", "Hires"),
                  ("view_to_apply", "Views that led to applying (%)"),
                  ("application_to_hire", "Applications that led to a hire (%)")],
                 rows, chart="job_views")


def _bucket(day: dt.date, size: str) -> dt.date:
    if size == "month":
        return day.replace(day=1)
    if size == "week":
        return day - dt.timedelta(days=day.weekday())
    return day


@_between_rollups
def over_time_table(scope: Scope) -> Table:
    size = "day" if scope.days <= 31 else "week" if scope.days <= 120 else "month"
    steps = {FunnelStep.JOB_VIEW.value: "job_views", FunnelStep.APPLY_CLICK.value: "applied",
             FunnelStep.APPLICATION.value: "applied", FunnelStep.HIRED.value: "hires"}
    buckets: dict[dt.date, dict[str, int]] = {}
    day = scope.start
    while day <= scope.end:
        buckets.setdefault(_bucket(day, size), {"job_views": 0, "applied": 0, "hires": 0})
        day += dt.timedelta(days=1)
    for (day, kind), total in _people_by_day(scope).items():  # the pass the step totals were read from
        if kind in steps:
            buckets[_bucket(day, size)][steps[kind]] += total
    heading = {"day": "Day", "week": "Week beginning", "month": "Month"}[size]
    rows = [{"label": (f"{b:%B %Y}" if size == "month" else f"{b.day} {b:%b %Y}"), "period": b.isoformat(),
             # the chart's axis: two short lines, split at the non-breaking space
             "axis": f"{b:%b}\u00a0{b.year}" if size == "month" else f"{b.day}\u00a0{b:%b}", **v}
            for b, v in sorted(buckets.items())]
    return Table("over_time", f"Job views, applications and hires by {heading.lower()}",
                 [("label", heading), ("job_views", "Job views"), ("applied", "Applied (here or on the council's site)"),
                  ("hires", "Hires")], rows, chart="job_views")


@dataclass(frozen=True)
class Spread:
    """How many days something took: how many cases, the median and the quartiles."""

    count: int
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None


def spread(days: list[float]) -> Spread:
    if not days:
        return Spread(0, None, None, None)
    if len(days) == 1:
        return Spread(1, days[0], days[0], days[0])
    q1, q2, q3 = statistics.quantiles(sorted(days), n=4, method="inclusive")
    return Spread(len(days), round(q2, 1), round(q1, 1), round(q3, 1))


def time_to_hire(scope: Scope) -> Spread:
    """Days from an application being made to the hire, for hires made in the period."""
    lower, upper = _moment_range(scope)
    rows = _rows(
        sa.select(Application.submitted_at, ApplicationEvent.created_at)
        .join(ApplicationEvent, ApplicationEvent.application_id == Application.id)
        .join(Vacancy, Vacancy.id == Application.vacancy_id)
        .where(ApplicationEvent.to_status == ApplicationStatus.HIRED, ApplicationEvent.created_at >= lower,
               ApplicationEvent.created_at < upper, *_vacancy_filters(scope))
    ).all()
    return spread([(hired - submitted).total_seconds() / 86400 for submitted, hired in rows])


def time_to_fill(scope: Scope) -> Spread:
    """Days from a vacancy being published to its first hire (or, with no hire, its closing),
    for vacancies filled or closed in the period."""
    lower, upper = _moment_range(scope)
    first_hire = (
        sa.select(Application.vacancy_id, sa.func.min(ApplicationEvent.created_at).label("hired_at"))
        .join(ApplicationEvent, ApplicationEvent.application_id == Application.id)
        .where(ApplicationEvent.to_status == ApplicationStatus.HIRED)
        .group_by(Application.vacancy_id)
        .subquery()
    )
    filled = sa.func.coalesce(first_hire.c.hired_at, Vacancy.closed_at)
    rows = _rows(
        sa.select(Vacancy.published_at, filled)
        .outerjoin(first_hire, first_hire.c.vacancy_id == Vacancy.id)
        .where(Vacancy.published_at.is_not(None), filled >= lower, filled < upper,
               sa.or_(first_hire.c.hired_at.is_not(None), Vacancy.status == VacancyStatus.CLOSED),
               *_vacancy_filters(scope))
    ).all()
    return spread([max(0.0, (done - published).total_seconds() / 86400) for published, done in rows])


def _days_between(rows) -> list[float]:
    return [max(0.0, (later - earlier).total_seconds() / 86400) for earlier, later in rows]


def _first_step(step: FunnelStep, *keys: sa.ColumnElement):
    """When each (person, job) or application first reached a funnel step, from the raw events."""
    return (sa.select(*keys, sa.func.min(FunnelEvent.occurred_at).label("at"))
            .where(FunnelEvent.kind == step.value).group_by(*keys).subquery())


def time_to_send(scope: Scope) -> Spread:
    """Days from starting an application here to sending it, for applications sent in the period."""
    lower, upper = _moment_range(scope)
    started = _first_step(FunnelStep.APPLICATION_STARTED, FunnelEvent.user_id, FunnelEvent.vacancy_id)
    rows = _rows(
        sa.select(started.c.at, Application.submitted_at)
        .join(started, sa.and_(started.c.user_id == Application.candidate_id, started.c.vacancy_id == Application.vacancy_id))
        .join(Vacancy, Vacancy.id == Application.vacancy_id)
        .where(Application.submitted_at >= lower, Application.submitted_at < upper, *_vacancy_filters(scope))
    ).all()
    return spread(_days_between(rows))


def time_to_interview(scope: Scope) -> Spread:
    """Days from an application being made to its interview being scheduled, for interviews scheduled in the period."""
    lower, upper = _moment_range(scope)
    scheduled = _first_step(FunnelStep.INTERVIEW_SCHEDULED, FunnelEvent.application_id)
    rows = _rows(
        sa.select(Application.submitted_at, scheduled.c.at)
        .join(scheduled, scheduled.c.application_id == Application.id)
        .join(Vacancy, Vacancy.id == Application.vacancy_id)
        .where(scheduled.c.at >= lower, scheduled.c.at < upper, *_vacancy_filters(scope))
    ).all()
    return spread(_days_between(rows))


def time_to_hire_from_start(scope: Scope) -> Spread:
    """Days from starting an application here to the hire, for hires made in the period (applications
    started before the step was recorded are left out)."""
    lower, upper = _moment_range(scope)
    started = _first_step(FunnelStep.APPLICATION_STARTED, FunnelEvent.user_id, FunnelEvent.vacancy_id)
    rows = _rows(
        sa.select(started.c.at, ApplicationEvent.created_at)
        .select_from(Application)
        .join(started, sa.and_(started.c.user_id == Application.candidate_id, started.c.vacancy_id == Application.vacancy_id))
        .join(ApplicationEvent, ApplicationEvent.application_id == Application.id)
        .join(Vacancy, Vacancy.id == Application.vacancy_id)
        .where(ApplicationEvent.to_status == ApplicationStatus.HIRED, ApplicationEvent.created_at >= lower,
               ApplicationEvent.created_at < upper, *_vacancy_filters(scope))
    ).all()
    return spread(_days_between(rows))


def timing_table(scope: Scope) -> Table:
    rows = []
    for label, figures_ in (("Time to hire (application to hire)", time_to_hire(scope)),
                            ("Time to hire from starting the application (started to hire)",
                             time_to_hire_from_start(scope)),
                            ("Starting an application to sending it", time_to_send(scope)),
                            ("Application to interview scheduled", time_to_interview(scope)),
                            ("Time to fill (job posted to first hire or closing)", time_to_fill(scope))):
        rows.append({"label": label, "count": figures_.count, "lower_quartile": figures_.lower_quartile,
                     "median": figures_.median, "upper_quartile": figures_.upper_quartile})
    return Table("timings", "Time to hire and time to fill, in days",
                 [("label", "Measure"), ("count", "How many"), ("lower_quartile", "Quickest quarter within (days)"),
                  ("median", "Median (days)"), ("upper_quartile", "Slowest quarter over (days)")],
                 rows, chart="median")


@_between_rollups
def _campaign_figures(ids: tuple[int, ...], organisation_id: int | None
                      ) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
    """Each campaign's people at each step and its distinct visitors, since it started."""
    totals: dict[int, dict[str, int]] = {i: {} for i in ids}
    visitors: dict[int, int] = {}
    if ids:
        where = [FunnelDaily.campaign_id.in_(ids)]
        vwhere = [FunnelVisitorDay.campaign_id.in_(ids)]
        if organisation_id is not None:
            where.append(FunnelDaily.organisation_id == organisation_id)
            vwhere.append(FunnelVisitorDay.organisation_id == organisation_id)
        for campaign_id, kind, total in _rows(
            sa.select(FunnelDaily.campaign_id, FunnelDaily.kind, sa.func.sum(FunnelDaily.people))
            .where(*where).group_by(FunnelDaily.campaign_id, FunnelDaily.kind)
        ):
            totals[campaign_id][kind] = int(total or 0)
        if organisation_id is None:  # every visitor's first day with the campaign, ever: one index range
            visitors = {int(value): int(count) for value, count in _rows(
                sa.select(FunnelVisitorSpanCount.group_value, sa.func.sum(FunnelVisitorSpanCount.visitors))
                .where(FunnelVisitorSpanCount.grouping == "campaign_id", FunnelVisitorSpanCount.prev_day.is_(None),
                       FunnelVisitorSpanCount.group_value.in_([str(i) for i in ids]))
                .group_by(FunnelVisitorSpanCount.group_value))}
        else:
            visitors = dict(_rows(
                sa.select(FunnelVisitorDay.campaign_id, sa.func.count(sa.distinct(FunnelVisitorDay.visitor_key)))
                .where(*vwhere).group_by(FunnelVisitorDay.campaign_id)
            ).all())
    return totals, visitors


def campaign_table(campaigns: list[Campaign], organisation_id: int | None = None) -> Table:
    """Each campaign's results to date (every day since it started: credit outlasts the campaign by the
    attribution window). A council sees only its own share of a regional campaign, and no cost for it."""
    totals, visitors = _campaign_figures(tuple(c.id for c in campaigns), organisation_id)
    council_ids = {c.organisation_id for c in campaigns if c.organisation_id}
    councils = dict(_rows(sa.select(Organisation.id, Organisation.name)
                                       .where(Organisation.id.in_(council_ids))).all()) if council_ids else {}
    rows = []
    for campaign in campaigns:
        t = totals[campaign.id]
        applied = t.get(FunnelStep.APPLICATION.value, 0) + t.get(FunnelStep.APPLY_CLICK.value, 0)
        hires = t.get(FunnelStep.HIRED.value, 0)
        own_budget = campaign.budget if (organisation_id is None or campaign.organisation_id == organisation_id) else None
        rows.append({
            "label": campaign.name, "id": campaign.id, "kind": campaign.kind.label,
            "council": councils.get(campaign.organisation_id, "Regional"),  # one query, not one per campaign
            "starts_on": campaign.starts_on.isoformat(), "ends_on": campaign.ends_on.isoformat(),
            "visitors": int(visitors.get(campaign.id, 0)),
            "job_views": t.get(FunnelStep.JOB_VIEW.value, 0), "registrations": t.get(FunnelStep.REGISTRATION.value, 0),
            "applied": applied, "hires": hires, "budget": own_budget,
            "cost_per_application": round(own_budget / applied) if own_budget is not None and applied else None,
            "cost_per_hire": round(own_budget / hires) if own_budget is not None and hires else None,
        })
    return Table("campaigns", "Campaign effectiveness to date",
                 [("label", "Campaign"), ("council", "Council"), ("kind", "Kind"), ("starts_on", "Starts"),
                  ("ends_on", "Ends"), ("visitors", "Visitors"), ("job_views", "Job views"),
                  ("registrations", "Registrations"), ("applied", "Applied (here or on the council's site)"),
                  ("hires", "Hires"), ("budget", "Budget (£)"), ("cost_per_application", "Cost per application (£)"),
                  ("cost_per_hire", "Cost per hire (£)")],
                 rows, chart="applied",
                 note="Credit is last touch: a visit through a campaign's link credits that campaign with what the "
                      "visitor does in the next 30 days, through to a hire.")


def channel_table(campaign: Campaign, organisation_id: int | None = None) -> Table:
    """A campaign's results by tracked link (email, LinkedIn, poster ...)."""
    where = [FunnelDaily.campaign_id == campaign.id]
    if organisation_id is not None:
        where.append(FunnelDaily.organisation_id == organisation_id)
    totals: dict[int | None, dict[str, int]] = {}
    for link_id, kind, total in _rows(
        sa.select(FunnelDaily.tracked_link_id, FunnelDaily.kind, sa.func.sum(FunnelDaily.people))
        .where(*where).group_by(FunnelDaily.tracked_link_id, FunnelDaily.kind)
    ):
        totals.setdefault(link_id, {})[kind] = int(total or 0)
    rows = []
    for link in campaign.links:
        t = totals.get(link.id, {})
        rows.append({"label": link.label or link.channel.label, "channel": link.channel.label, "code": link.code,
                     "visits": t.get(FunnelStep.VISIT.value, 0), "job_views": t.get(FunnelStep.JOB_VIEW.value, 0),
                     "applied": t.get(FunnelStep.APPLICATION.value, 0) + t.get(FunnelStep.APPLY_CLICK.value, 0),
                     "hires": t.get(FunnelStep.HIRED.value, 0)})
    return Table("links", "Results by tracked link",
                 [("label", "Link"), ("channel", "Channel"), ("code", "Code"), ("visits", "Visits"),
                  ("job_views", "Job views"), ("applied", "Applied"), ("hires", "Hires")], rows, chart="visits")


def alert_relevance_table(scope: Scope) -> Table:
    """Social workers' answers to "was this relevant?" under jobs in alert emails, by how often the alert
    goes: the programme team's check that alerts send what people asked for."""
    counts = alert_relevance.counts_by_frequency(scope.start, scope.end, _vacancy_filters(scope))
    rows = []
    for label, relevant, not_relevant in [
        # "Instant", "Daily", "Weekly": the frequency's own word (its label is a sentence, too long for a table).
        *((f.value.capitalize(), counts[f].relevant, counts[f].not_relevant) for f in AlertFrequency),
        ("All alerts", sum(c.relevant for c in counts.values()), sum(c.not_relevant for c in counts.values())),
    ]:
        answers = relevant + not_relevant
        rows.append({"label": label, "answers": answers, "relevant": relevant, "not_relevant": not_relevant,
                     "share": rate(relevant, answers)})
    return Table("alert_relevance", "Job alerts: answers to ‘was this relevant?’",
                 [("label", "Alerts sent"), ("answers", "Answers"), ("relevant", "Relevant"),
                  ("not_relevant", "Not relevant"), ("share", "Relevant (%)")], rows, chart="answers",
                 note="Each job in an alert email asks whether it was relevant; answers are counted on the day they "
                      "were given, once per job per email (a changed answer replaces the first).")


def headline_table(scope: Scope, previous: Scope | None = None) -> Table:
    now = figures(scope)
    before = figures(previous) if previous is not None else {}
    rows = []
    for key in HEADLINE_KEYS:
        row = {"key": key, "label": HEADLINE_LABELS[key], "count": now[key]}
        if previous is not None:
            row["previous"] = before[key]
            row["change"] = rate(now[key] - before[key], before[key])
        rows.append(row)
    columns = [("label", "Measure"), ("count", "This period")]
    if previous is not None:
        columns += [("previous", "Period before"), ("change", "Change (%)")]
    return Table("headline", "Headline figures", columns, rows)


# --- reading the dashboard's filters -----------------------------------------------------------------------

LONGEST_PERIOD_DAYS = 3 * 366
DEFAULT_PERIOD_DAYS = 30


class InvalidFilters(ValueError):
    """`errors` maps a filter (query parameter) to a message saying how to fix it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class OutsideYourCouncil(LookupError):
    """A council user asked for another council's figures: answered as not found."""


@dataclass(frozen=True)
class Filters:
    scope: Scope
    by: str
    council: Organisation | None
    campaigns: list[Campaign]
    locked_to_council: bool  # a council's own staff: their council only, whatever they ask

    @property
    def previous(self) -> Scope:
        length = dt.timedelta(days=self.scope.days)
        return self.scope.but(start=self.scope.start - length, end=self.scope.start - dt.timedelta(days=1))

    def query_args(self, **changes: Any) -> dict[str, str]:
        s = self.scope
        args = {"from": s.start.isoformat(), "to": s.end.isoformat(), "by": self.by,
                "council": self.council.slug if self.council and not self.locked_to_council else "",
                "sub_region": s.sub_region.value if s.sub_region else "",
                "role_level": s.role_level.value if s.role_level else "",
                "service_area": s.service_area.value if s.service_area else "",
                "campaign": str(s.campaign_id) if s.campaign_id else ""}
        args.update({k: v for k, v in changes.items()})
        return {k: v for k, v in args.items() if v}


def _date(text: str, what: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{what} must be a real date, like 2026-11-01") from None
    problem = year_problem(day.year, what)
    if problem:
        raise ValueError(problem)
    return day


def _enum(enum_cls, text: str | None, what: str, errors: dict[str, str], key: str):
    if not text:
        return None
    try:
        return enum_cls(text)
    except ValueError:
        errors[key] = f"Select a {what} from the list"
        return None


def parse_filters(args: Any, organisation_id: int | None, today: dt.date | None = None) -> Filters:
    """The dashboard's filters from a query string. `organisation_id` is set for council staff, who
    only ever see their own council (asking for another raises OutsideYourCouncil)."""
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    start = today - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    end = today
    for key, what in (("from", "The first day"), ("to", "The last day")):
        if args.get(key):
            try:
                day = _date(args.get(key), what)
            except ValueError as problem:
                errors[key] = str(problem)
            else:
                start, end = (day, end) if key == "from" else (start, day)
    if not errors:
        if end < start:
            errors["to"] = "The last day must be on or after the first day"
        elif (end - start).days + 1 > LONGEST_PERIOD_DAYS:
            errors["to"] = "Choose a period of three years or less"
    council = None
    slug = (args.get("council") or "").strip()
    if organisation_id is not None:
        council = db.session.get(Organisation, organisation_id)
        if slug and slug != council.slug:
            raise OutsideYourCouncil(slug)
    elif slug:
        council = council_by_slug(slug)
        if council is None:
            errors["council"] = "Select a council from the list"
    sub_region = _enum(SubRegion, args.get("sub_region"), "sub-region", errors, "sub_region")
    role_level = _enum(RoleLevel, args.get("role_level"), "role level", errors, "role_level")
    service_area = _enum(ServiceArea, args.get("service_area"), "service area", errors, "service_area")
    campaigns = visible_campaigns(organisation_id)
    campaign_id = None
    raw_campaign = (args.get("campaign") or "").strip()
    if raw_campaign:
        if raw_campaign.isdigit() and int(raw_campaign) in {c.id for c in campaigns}:
            campaign_id = int(raw_campaign)
        elif (organisation_id is not None and raw_campaign.isdigit() and int(raw_campaign) < 2**31
              and db.session.get(Campaign, int(raw_campaign))):
            raise OutsideYourCouncil(raw_campaign)
        else:
            errors["campaign"] = "Select a campaign from the list"
    by = args.get("by") or ("role_level" if organisation_id is not None else "council")
    if by not in BREAKDOWNS or (organisation_id is not None and by in ("council", "sub_region")):
        errors["by"] = "Select what to compare from the list"
    if errors:
        raise InvalidFilters(errors)
    scope = Scope(start, end, organisation_id=council.id if council else None, sub_region=sub_region,
                  role_level=role_level, service_area=service_area, campaign_id=campaign_id)
    return Filters(scope, by, council, campaigns, organisation_id is not None)


def dashboard_tables(filters: Filters) -> dict[str, Table]:
    """Every table the dashboard shows, by name (the names CSV exports use)."""
    with _one_token():
        return _dashboard_tables(filters)


def _dashboard_tables(filters: Filters) -> dict[str, Table]:
    scope = filters.scope
    tables = [headline_table(scope, filters.previous), funnel_table(scope), breakdown_table(scope, filters.by),
              over_time_table(scope), timing_table(scope),
              campaign_table([c for c in filters.campaigns if scope.campaign_id in (None, c.id)
                              and c.organisation_id in (None, scope.organisation_id or c.organisation_id)],
                             scope.organisation_id)]
    if not filters.locked_to_council:  # alerts are the programme's, not one council's
        tables.append(alert_relevance_table(scope))
    return {table.name: table for table in tables}


def table_by_name(filters: Filters, name: str) -> Table | None:
    """One table for a CSV download (any breakdown, whichever the page shows)."""
    if name.startswith("by_") and name[3:] in BREAKDOWNS:
        if filters.locked_to_council and name[3:] in ("council", "sub_region"):
            return None
        return breakdown_table(filters.scope, name[3:])
    return dashboard_tables(filters).get(name)


def table_csv(table: Table) -> str:
    """The table as a CSV download: its headings, then one line per row."""
    return write_csv([[heading for _, heading in table.columns],
                      *([row.get(key) for key, _ in table.columns] for row in table.rows)])
