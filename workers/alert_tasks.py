"""Job alert tasks on the `alerts` queue: a scheduled run per frequency fans out one job per
social worker, so a slow or failing mailbox holds up (and retries) only that person's email.

Both are idempotent: what was mailed is claimed in `sent_alerts` (see webapp.services.alerts),
so a retried or duplicated job never mails a vacancy twice.
"""
from __future__ import annotations

import logging

from workers.tasks import in_app_context

log = logging.getLogger(__name__)


@in_app_context
def send_job_alerts(frequency: str) -> int:
    """Queue one alert job for every social worker with a saved search of this frequency due now;
    returns how many were queued (run in-process when tasks are inline)."""
    from webapp.services.alerts import candidates_due
    from webapp.dispatch import enqueue

    user_ids = candidates_due(frequency)
    for user_id in user_ids:
        enqueue(send_candidate_job_alerts, user_id, frequency, queue_name="alerts", timeout=300,
                description=f"{frequency} job alerts for user {user_id}")
    log.info("%s job alerts: %d social worker(s) due", frequency, len(user_ids))
    return len(user_ids)


@in_app_context
def send_candidate_job_alerts(user_id: int, frequency: str) -> dict[str, int]:
    from webapp.services.alerts import send_candidate_alerts

    report = send_candidate_alerts(user_id, frequency)
    return {"searches_checked": report.searches_checked, "jobs_sent": report.jobs_sent, "mailed": int(report.mailed)}
