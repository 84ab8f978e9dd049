"""The insights dashboard: the region's recruitment funnel for the programme team, and each
council's own for its recruiters and administrators (never another council's).

Figures come from the daily rollups (services.insights); every table has a CSV download with the
same filters: /insights/<table>.csv.
"""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from flask import Blueprint, abort, current_app, render_template, request, url_for

from domain.funnel import FUNNEL_STAGES
from domain.vocabulary import RoleLevel, ServiceArea, SubRegion
from webapp.services import councils as council_service
from webapp.services import insights, rollups
from webapp.web.access import insights_required, own_council_id
from webapp.web.downloads import csv_download

bp = Blueprint("insights", __name__)
log = logging.getLogger(__name__)


def _catch_up_today() -> None:
    """Embedded, the scheduler thread rolls up every ten minutes; bring today's rollup fully up to
    date before reading it (one day's events, so quick), so a demo shows what just happened. With
    RQ, the analytics worker does this every few minutes."""
    if current_app.config.get("TASKS_MODE") == "inline":
        today = dt.datetime.now(dt.UTC).date()
        try:
            rollups.rollup(today, today)
        except sa.exc.OperationalError:  # the database is busy: show the figures as last rolled up
            log.warning("could not bring today's funnel rollup up to date", exc_info=True)


def _presets(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    financial_year = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - dt.timedelta(days=1)
    return [
        ("Last 30 days", today - dt.timedelta(days=29), today),
        ("Last 3 months", today - dt.timedelta(days=90), today),
        ("Last month", last_month_end.replace(day=1), last_month_end),
        ("This financial year", financial_year, today),
        ("Last 12 months", today - dt.timedelta(days=364), today),
    ]


@bp.get("")
@insights_required
def dashboard():
    _catch_up_today()
    try:
        filters = insights.parse_filters(request.args, own_council_id())
    except insights.OutsideYourCouncil:
        abort(404)
    except insights.InvalidFilters as invalid:
        return _page(None, invalid.errors), 400
    return _page(filters, {})


def _page(filters: insights.Filters | None, errors: dict[str, str]):
    today = dt.date.today()
    own = own_council_id()
    tables = insights.dashboard_tables(filters) if filters is not None else {}
    return render_template(
        "insights/dashboard.html",
        title="Insights",
        filters=filters,
        errors=errors,
        error_list=[{"text": message, "href": f"#filter-{key}"} for key, message in errors.items()],
        args=request.args,
        tables=tables,
        presets=_presets(today),
        councils=council_service.council_choices() if own is None else [],
        council=filters.council if filters else None,
        sub_regions=SubRegion, role_levels=RoleLevel, service_areas=ServiceArea,
        breakdowns=[(key, label) for key, (_, label) in insights.BREAKDOWNS.items()
                    if own is None or key not in ("council", "sub_region")],
        campaigns=filters.campaigns if filters else [],
        own_council=own is not None,
        stages=FUNNEL_STAGES,
        csv_url=lambda name: url_for("insights.table_csv", table=name, **(filters.query_args() if filters else {})),
    )


@bp.get("/<table>.csv")
@insights_required
def table_csv(table: str):
    _catch_up_today()
    try:
        filters = insights.parse_filters(request.args, own_council_id())
    except insights.OutsideYourCouncil:
        abort(404)
    except insights.InvalidFilters as invalid:
        abort(400, description=" ".join(invalid.errors.values()))
    found = insights.table_by_name(filters, table[:40])
    if found is None:
        abort(404, description="There is no table with that name. Download tables from the insights page.")
    scope = filters.scope
    filename = f"cswjobs-{found.name}-{scope.start.isoformat()}-to-{scope.end.isoformat()}.csv"
    return csv_download(insights.table_csv(found), filename)
