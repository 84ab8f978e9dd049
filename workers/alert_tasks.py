"""Job alert tasks on the `alerts` queue: a scheduled run per frequency fans out one job per chunk of
social workers (webapp.services.alerts.queue_alerts), so two workers share a run and a failure
retries only its chunk.

Both are idempotent: what was mailed is claimed in `sent_alerts` in the same transaction as the
email is queued (see webapp.services.alerts), so a retried or duplicated job never mails a vacancy twice.
"""
from __future__ import annotations

from webapp.services.alerts import queue_alerts, send_alerts_for_users
from workers.tasks import in_app_context


@in_app_context
def send_job_alerts(frequency: str) -> int:
    """Queue the alert jobs for every social worker with a saved search of this frequency due now."""
    return queue_alerts(frequency)


@in_app_context
def send_job_alerts_for_users(user_ids: list[int], frequency: str, run_id: str | None = None) -> dict[str, int]:
    reports = send_alerts_for_users(user_ids, frequency, run_id=run_id)
    return {"social_workers": len(reports), "searches_checked": sum(r.searches_checked for r in reports.values()),
            "jobs_sent": sum(r.jobs_sent for r in reports.values()), "mailed": sum(r.mailed for r in reports.values())}
