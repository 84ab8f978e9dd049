"""Job alert tasks on the `alerts` queue: a scheduled run per frequency fans out one job per
social worker (webapp.services.alerts.queue_alerts), so a slow or failing mailbox holds up (and
retries) only that person's email.

Both are idempotent: what was mailed is claimed in `sent_alerts` (see webapp.services.alerts),
so a retried or duplicated job never mails a vacancy twice.
"""
from __future__ import annotations

from webapp.services.alerts import queue_alerts, send_candidate_alerts
from workers.tasks import in_app_context


@in_app_context
def send_job_alerts(frequency: str) -> int:
    """Queue one alert job for every social worker with a saved search of this frequency due now."""
    return queue_alerts(frequency)


@in_app_context
def send_candidate_job_alerts(user_id: int, frequency: str) -> dict[str, int]:
    report = send_candidate_alerts(user_id, frequency)
    return {"searches_checked": report.searches_checked, "jobs_sent": report.jobs_sent, "mailed": int(report.mailed)}
