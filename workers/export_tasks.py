"""Export tasks: the nightly file for DWP Find a job's bulk upload."""
from __future__ import annotations

from typing import Any

from webapp.extensions import db
from webapp.services import dwp_export
from workers.tasks import in_app_context


@in_app_context
def write_dwp_export() -> dict[str, Any]:
    """Write today's DWP Find a job export (jobs new or changed in the last 25 hours, and those closed
    early). Idempotent: a second run the same day rewrites that day's file."""
    export = dwp_export.write_export()
    db.session.commit()
    return {"filename": export.filename, "vacancies": export.vacancy_count, "expired": export.expired_count}
