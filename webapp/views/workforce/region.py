"""The region's page for programme leads, and the guide to every figure and column."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from domain import workforce as wf
from domain.vocabulary import SubRegion
from webapp.services.workforce.agency import agency_summary
from webapp.services.workforce.exports import AGENCY_RETURN_COLUMNS, CENSUS_COLUMNS, census_year_of
from webapp.services.workforce.glidepaths import council_checks, councils_with_targets, region_glidepath
from webapp.services.workforce.imports import CSV_COLUMNS
from webapp.services.workforce.measures import (
    councils,
    latest_quarter_with_data,
    quarters_with_data,
    region_breakdown,
    trend,
)
from webapp.services.workforce.reasons import reasons_summary
from webapp.services.workforce.settings import region_settings
from webapp.services.workforce.snapshots import LEAVER_REASON_FIELDS, SNAPSHOT_FIELDS
from webapp.views.workforce.charts import glidepath_chart, glidepath_gaps, reason_bars, trend_chart
from webapp.views.workforce.common import (
    TREND_QUARTERS,
    council_staff_check,
    current_quarter,
    quarter_arg,
    viewer_required,
)


@viewer_required
def index():
    council_staff_check()
    if not current_user.sees_region:
        return redirect(url_for("workforce.council", slug=current_user.organisation.slug))
    latest = latest_quarter_with_data() or current_quarter()
    quarter = quarter_arg(latest)
    region, subs, rows = region_breakdown(quarter)
    sub_filter = request.args.get("sub_region", "").strip()
    if sub_filter:
        try:
            chosen = SubRegion(sub_filter)
        except ValueError:
            abort(400, description="Choose a sub-region from the list.")
        rows = [r for r in rows if r.sub_region == chosen]
    all_ids = [o.id for o in councils()]
    points = trend(all_ids, quarter, TREND_QUARTERS)
    agency = agency_summary(all_ids, quarter.start, quarter.end)
    reasons = reasons_summary(all_ids, quarter.year_ending())
    region_path = region_glidepath(quarter.shift(-(TREND_QUARTERS - 1)), quarter.shift(4))
    checks = council_checks(quarter)
    return render_template(
        "workforce/index.html", quarter=quarter, region=region, subs=subs, rows=rows, sub_filter=sub_filter,
        quarters=quarters_with_data() or [quarter], points=points, chart=trend_chart(points),
        agency=agency, reasons=reasons, behind=[(org, check) for org, check in checks if check.behind],
        checks=checks, gap_chart=glidepath_gaps(checks, quarter),
        settings=region_settings(), reason_chart=reason_bars(reasons),
        census_year=census_year_of(quarter),
        with_targets=councils_with_targets(quarter),
        region_path=region_path, region_path_chart=glidepath_chart(region_path, "The region's glidepath: "
                                                                   "councils' targets against their actual FTE"),
    )


@viewer_required
def guide():
    return render_template("workforce/guide.html", snapshot_fields=SNAPSHOT_FIELDS,
                           reason_fields=LEAVER_REASON_FIELDS, columns=CSV_COLUMNS,
                           census_columns=CENSUS_COLUMNS, agency_columns=AGENCY_RETURN_COLUMNS,
                           settings=region_settings(),
                           tolerance_share=wf.GLIDEPATH_TOLERANCE_SHARE * 100,
                           tolerance_min=wf.GLIDEPATH_TOLERANCE_MIN_FTE)
