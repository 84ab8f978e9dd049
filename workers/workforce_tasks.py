"""Workforce tasks: forget permanent leavers once no cooling-off period can still apply."""
from __future__ import annotations

import datetime as dt

from webapp.extensions import db
from webapp.services.workforce import leavers
from workers.tasks import in_app_context


@in_app_context
def purge_expired_leavers(today: dt.date | None = None) -> int:
    """Delete leaver rows (a keyed hash of a Social Work England number and a date) older than the
    cooling-off period plus a year. Idempotent: a second run finds nothing to delete."""
    removed = leavers.purge_expired_leavers(today or dt.date.today())
    db.session.commit()
    return removed
