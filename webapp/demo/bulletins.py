"""The demo's monthly bulletins: the last few whole months, built by the bulletin service itself from
the demo's figures, so the insights bulletins page has real bulletins to read, open and download."""
from __future__ import annotations

import datetime as dt
from typing import Callable

from webapp.services import bulletins

DEMO_BULLETIN_MONTHS = 3


def demo_bulletin_months(now: dt.datetime, today: dt.date | None = None) -> list[dt.date]:
    """The whole months before `now`'s, oldest first (none that has not started by today)."""
    today = today or dt.date.today()
    months, month = [], bulletins.previous_month(now.date())
    for _ in range(DEMO_BULLETIN_MONTHS):
        if month <= today:
            months.append(month)
        month = bulletins.previous_month(month)
    return sorted(months)


def build_demo_bulletins(now: dt.datetime, progress: Callable[[str, int, int], None] | None = None) -> int:
    """Build the months' bulletins for the region and every council (after the rollups); the count built."""
    built = 0
    months = demo_bulletin_months(now)
    for index, month in enumerate(months, start=1):
        # The seed has just rolled up every day it made, so the service need not roll them up again.
        built += bulletins.build_bulletins(month, refresh_rollups=False).bulletins
        if progress is not None:
            progress("bulletins", index, len(months))
    return built
