"""The retention schedule's nightly run (webapp.services.retention)."""
from __future__ import annotations

from webapp.extensions import db
from webapp.services import retention
from workers.tasks import in_app_context


@in_app_context
def apply_retention() -> dict[str, int]:
    """Warn, delete and empty what the schedule says is due, in one transaction. Idempotent: a second run
    the same night finds nothing due (warned accounts are not warned twice, emptied applications hold no text)."""
    done = retention.apply_schedule()
    db.session.commit()
    return done
