"""Analytics tasks on the `analytics` queue: the daily funnel rollups (idempotent, safe to retry)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from webapp.services import rollups
from workers.tasks import in_app_context


@in_app_context
def rollup_funnel(days_back: int = 1) -> dict[str, Any]:
    """Rebuild the funnel rollups from the raw events for today and the `days_back` days before it.

    Every few minutes with days_back=1 (so yesterday is finished after midnight), and nightly over
    the last week. Rebuilding replaces the days' rows, so a retry or an overlapping run is harmless."""
    today = dt.datetime.now(dt.UTC).date()
    report = rollups.rollup(today - dt.timedelta(days=max(0, days_back)), today)
    return {"days": report.days, "events": report.events, "rows": report.rows}
