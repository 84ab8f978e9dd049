"""Scheduled work for social workers' own things: reminders before saved jobs close, and switching
off findable profiles nobody has visited for six months (after a warning).

Both are idempotent: each saved job is reminded once and each profile warned once per absence
(the mark is committed with the queued email), so a late, repeated or retried run sends nothing twice.
"""
from __future__ import annotations

from webapp.services import profile_visits, saved_jobs
from workers.tasks import in_app_context


@in_app_context
def send_saved_job_reminders() -> int:
    return saved_jobs.queue_closing_reminders()


@in_app_context
def switch_off_unvisited_profiles() -> dict[str, int]:
    return profile_visits.warn_and_switch_off()
