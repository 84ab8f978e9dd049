"""Reference tasks: remind referees who have not answered (webapp.services.references)."""
from __future__ import annotations

import datetime as dt

from webapp.services import references
from workers.tasks import in_app_context


@in_app_context
def send_reference_reminders(now: dt.datetime | None = None) -> int:
    """Email a new link to each referee whose reference is overdue; commits. Idempotent: a reminder moves
    the referee's last-sent time on, so a repeated run the same day finds nobody due."""
    return references.send_reminders(now)
