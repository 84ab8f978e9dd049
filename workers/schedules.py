"""Periodic work, declared as data (Redash's habit) and run by RQ's own cron scheduler:

    rq cron workers.schedules --url $CSWJOBS_REDIS_URL

Each entry has a stable name, so restarting the scheduler never duplicates a job.
"""
from __future__ import annotations

from rq import cron

from workers import retention_tasks
from workers import alert_tasks, analytics_tasks, export_tasks, indexing_tasks, mail_tasks, tasks, webhook_tasks
from workers import reference_tasks, social_worker_tasks

SCHEDULES = [
    # Catch-up for outbox messages whose after-commit nudge was lost (Redis down, worker restart).
    {"name": "relay-outbox", "func": tasks.relay_outbox, "queue_name": "indexing", "interval": 30,
     "job_timeout": 600},
    # Mail still waiting (its nudge lost with Redis down, a temporary failure's backoff over, or its
    # worker gone mid-send) is enqueued again; a claim on each mail stops it going twice.
    {"name": "sweep-unsent-mail", "func": mail_tasks.sweep_unsent_mail, "queue_name": "mail", "interval": 60,
     "job_timeout": 300},
    # New messages are emailed in batches (a quarter-hour's messages in one email per person); recruiters
    # who chose a daily summary get everything at 7am. Claims on each notification stop repeats.
    {"name": "message-notices", "func": mail_tasks.send_message_notices, "queue_name": "mail",
     "cron": "*/15 * * * *", "job_timeout": 600},
    {"name": "recruiter-daily-digest", "func": mail_tasks.send_daily_digests, "queue_name": "mail",
     "cron": "0 7 * * *", "job_timeout": 1200},
    # Council webhooks due a retry (or whose after-commit nudge was lost); each delivery is claimed, so never twice.
    {"name": "deliver-webhooks", "func": webhook_tasks.deliver_webhooks, "queue_name": "webhooks", "interval": 60,
     "job_timeout": 900},
    # Indexing API notices for published and closed job pages still waiting (does nothing unless configured).
    {"name": "send-indexing-notices", "func": indexing_tasks.send_indexing_notices, "queue_name": "webhooks",
     "interval": 300, "job_timeout": 600},
    # The webhook delivery log forgets finished events after 90 days.
    {"name": "purge-webhook-log", "func": webhook_tasks.purge_webhook_log, "queue_name": "webhooks",
     "cron": "50 0 * * *", "job_timeout": 600},
    # Vacancies past their closing date become "closed" just after midnight.
    {"name": "close-expired-vacancies", "func": tasks.close_expired_vacancies, "queue_name": "default",
     "cron": "15 0 * * *", "job_timeout": 600},
    # The council API keeps each Idempotency-Key's answer a day; older ones go each night.
    {"name": "forget-idempotent-answers", "func": tasks.forget_old_idempotent_answers, "queue_name": "default",
     "cron": "20 0 * * *", "job_timeout": 600},
    # The DWP Find a job export, after the night's closures so jobs closed early are in it (1.30am UTC).
    {"name": "dwp-find-a-job-export", "func": export_tasks.write_dwp_export, "queue_name": "default",
     "cron": "30 1 * * *", "job_timeout": 1800},
    # The monthly bulletin for last month, early on the 1st (UTC), after the night's rollups.
    {"name": "monthly-bulletin", "func": tasks.build_monthly_bulletin, "queue_name": "analytics",
     "cron": "30 5 1 * *", "job_timeout": 1800},
    # The funnel's daily rollups, rebuilt from the raw events: today and yesterday every ten minutes
    # (what the dashboard reads), and the last week again each night in case anything came late.
    {"name": "rollup-funnel-recent", "func": analytics_tasks.rollup_funnel, "kwargs": {"days_back": 1},
     "queue_name": "analytics", "interval": 600, "job_timeout": 600},
    {"name": "rollup-funnel-week", "func": analytics_tasks.rollup_funnel, "kwargs": {"days_back": 7},
     "queue_name": "analytics", "cron": "40 0 * * *", "job_timeout": 1800},
    # Job alerts for saved searches (cron times are UTC): instant ones every five minutes, daily
    # ones at 7am, weekly ones at 7.30am on Mondays. Each run queues one job per social worker.
    {"name": "job-alerts-instant", "func": alert_tasks.send_job_alerts, "args": ("instant",),
     "queue_name": "alerts", "cron": "*/5 * * * *", "job_timeout": 600},
    {"name": "job-alerts-daily", "func": alert_tasks.send_job_alerts, "args": ("daily",),
     "queue_name": "alerts", "cron": "0 7 * * *", "job_timeout": 600},
    {"name": "job-alerts-weekly", "func": alert_tasks.send_job_alerts, "args": ("weekly",),
     "queue_name": "alerts", "cron": "30 7 * * 1", "job_timeout": 600},
    # The retention schedule (services.retention, docs/retention.md): inactive accounts warned then
    # deleted, old applications emptied, referees, leavers' hashes, sent mail and old audit entries deleted.
    {"name": "apply-retention", "func": retention_tasks.apply_retention, "queue_name": "default",
     "cron": "45 0 * * *", "job_timeout": 1800},
    # Referees who have not answered get a reminder with a new link, mid-morning on working days.
    {"name": "reference-reminders", "func": reference_tasks.send_reference_reminders, "queue_name": "mail",
     "cron": "0 10 * * 1-5", "job_timeout": 600},
    # Reminders before saved jobs close, in the morning (UTC) so there is a working day left to apply.
    {"name": "saved-job-reminders", "func": social_worker_tasks.send_saved_job_reminders, "queue_name": "alerts",
     "cron": "0 8 * * *", "job_timeout": 600},
    # Findable profiles not visited for six months: warned two weeks ahead, then switched off.
    {"name": "switch-off-unvisited-profiles", "func": social_worker_tasks.switch_off_unvisited_profiles,
     "queue_name": "default", "cron": "10 9 * * *", "job_timeout": 600},
]

for entry in SCHEDULES:
    cron.register(**entry)
