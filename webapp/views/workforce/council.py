"""A council's page: its measures beside the region's, its trend, agency use, reasons and glidepath."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from webapp.models import Organisation
from webapp.services.workforce.access import can_edit
from webapp.services.workforce.agency import agency_summary
from webapp.services.workforce.exports import census_years
from webapp.services.workforce.glidepaths import glidepath
from webapp.services.workforce.measures import (
    SnapshotStore,
    councils,
    latest_quarter_with_data,
    quarters_with_data,
    trend,
)
from webapp.services.workforce.reasons import reasons_summary
from webapp.views.workforce.charts import glidepath_chart, reason_bars, trend_chart
from webapp.web.access import signed_in_user
from webapp.views.workforce.common import TREND_QUARTERS, council_page, current_quarter, quarter_arg


@council_page
def council(organisation: Organisation):
    latest = latest_quarter_with_data([organisation.id]) or current_quarter()
    quarter = quarter_arg(latest)
    store = SnapshotStore(quarter.year_ending(), [organisation.id])
    measures = store.measures([organisation.id], quarter)
    snapshot = store.get(organisation.id, quarter)
    region_ids = [o.id for o in councils()]
    region_measures = SnapshotStore(quarter.year_ending()).measures(region_ids, quarter)
    points = trend([organisation.id], quarter, TREND_QUARTERS)
    recent = [quarter.shift(-i) for i in range(TREND_QUARTERS)]
    have = {q for q, m in points if m.figures.councils}
    agency = agency_summary([organisation.id], quarter.start, quarter.end)
    reasons = reasons_summary([organisation.id], quarter.year_ending())
    path = glidepath(organisation)
    return render_template(
        "workforce/council.html", organisation=organisation, quarter=quarter, measures=measures, snapshot=snapshot,
        region_measures=region_measures, points=points, chart=trend_chart(points), recent=recent, have=have,
        can_edit=can_edit(signed_in_user(), organisation), agency=agency, reasons=reasons,
        reason_chart=reason_bars(reasons), path=path, path_chart=glidepath_chart(path),
        quarters=quarters_with_data([organisation.id]) or [quarter], sees_region=current_user.sees_region,
        census_years=census_years(organisation),
    )
