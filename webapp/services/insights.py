"""What the insights dashboard shows: the region's (or a council's) recruitment funnel, read from
the daily rollups (services.rollups), plus time to hire and time to fill from the pipeline.

Every figure takes a Scope (a period and optional filters). Counts of steps are `people`
(each visitor once per day per vacancy, see services.rollups); "visitors" are distinct over the
whole period. Other pages (supply and demand, equal opportunities, the bulletin) call
headline_figures().
"""
from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa

from domain.funnel import FUNNEL_STAGES, FunnelStep
from domain.vocabulary import ApplicationStatus, RoleLevel, ServiceArea, SubRegion, VacancyStatus
from webapp.extensions import db
from webapp.models import (
    Application,
    ApplicationEvent,
    Campaign,
    FunnelDaily,
    FunnelVisitorDay,
    Organisation,
    Vacancy,
    campaign_vacancies,
)

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


def step_totals(scope: Scope) -> dict[str, int]:
    """People at each funnel step in the scope, by FunnelStep value."""
    rows = db.session.execute(
        sa.select(FunnelDaily.kind, sa.func.sum(FunnelDaily.people))
        .where(*_where(FunnelDaily, scope))
        .group_by(FunnelDaily.kind)
    ).all()
    totals = {step.value: 0 for step in FunnelStep}
    totals.update({kind: int(total or 0) for kind, total in rows})
    return totals


def unique_visitors(scope: Scope) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(FunnelVisitorDay.visitor_key))).where(*_where(FunnelVisitorDay, scope))
    ) or 0


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
    return db.session.scalar(
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
