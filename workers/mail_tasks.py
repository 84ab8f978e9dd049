"""Mail tasks on the `mail` queue: send queued mail (webapp.services.outgoing_mail) and sweep up what waits.

Both are idempotent: each mail is claimed before it is sent, so a retried or duplicated task never
sends one twice.
"""
from __future__ import annotations

import datetime as dt

from webapp.services import notifications, outgoing_mail
from workers.tasks import in_app_context


@in_app_context
def send_queued_mail(mail_ids: list[int], now: dt.datetime | None = None) -> dict[str, int]:
    report = outgoing_mail.send_queued(mail_ids, now)
    return vars(report)


@in_app_context
def sweep_unsent_mail() -> int:
    """Enqueue a send for mail whose nudge was lost, whose backoff is over, or whose worker died."""
    return outgoing_mail.sweep()


@in_app_context
def send_message_notices() -> int:
    """One email per person about their new messages since the last run."""
    return notifications.mail_message_notices()


@in_app_context
def send_daily_digests() -> int:
    """Recruiters who chose a daily summary get it."""
    return notifications.mail_daily_digests()
