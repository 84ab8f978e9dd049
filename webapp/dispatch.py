"""How work leaves a request: run a task now, in-process (embedded default), or enqueue it on RQ.

The one place that knows how work leaves a request (CKAN's `enqueue` pattern): it sets the
queue, timeout, retries with backoff and how long failures are kept, so a view or service
never cares which way the app is running. Tasks are named by their dotted path in `workers`
(microblog's `launch_task` habit): the web app never imports the worker package, and RQ
imports the task in the worker process by the same name.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from flask import current_app, g, has_request_context
from redis import Redis
from rq import Queue, Retry
from rq.utils import import_attribute

log = logging.getLogger(__name__)

# Queues by purpose, so a slow embedding backlog never delays the search index.
QUEUES = ("indexing", "embeddings", "alerts", "analytics", "mail", "webhooks", "default")
RETRY_INTERVALS = [5, 30, 120, 600, 1800]  # seconds: backoff between retries
FAILURE_TTL = 7 * 24 * 3600  # failed jobs stay in the failed registry a week, with their reason

# Every task the web app sends to the workers, by dotted name (tests check each one resolves).
RELAY_OUTBOX = "workers.tasks.relay_outbox"
EMBED_VACANCIES = "workers.embeddings.embed_vacancies"
EMBED_PROFILES = "workers.embeddings.embed_profiles"
SEND_JOB_ALERTS = "workers.alert_tasks.send_job_alerts"
SEND_ALERTS_FOR_USERS = "workers.alert_tasks.send_job_alerts_for_users"
SEND_MAIL = "workers.mail_tasks.send_queued_mail"
DELIVER_WEBHOOKS = "workers.webhook_tasks.deliver_webhooks"
SEND_INDEXING_NOTICES = "workers.indexing_tasks.send_indexing_notices"
TASKS = (RELAY_OUTBOX, EMBED_VACANCIES, EMBED_PROFILES, SEND_JOB_ALERTS, SEND_ALERTS_FOR_USERS, SEND_MAIL, DELIVER_WEBHOOKS,
         SEND_INDEXING_NOTICES)


def runs_inline() -> bool:
    """Whether tasks run in this process right away (the embedded default) rather than on RQ."""
    return current_app.config["TASKS_MODE"] == "inline"


def redis_connection(url: str | None = None) -> Redis:
    url = url or current_app.config.get("REDIS_URL")
    if not url:
        raise RuntimeError("CSWJOBS_REDIS_URL is not set: RQ needs Redis (or set CSWJOBS_TASKS_MODE=inline).")
    # Short timeouts: a request must never hang because Redis is slow or down.
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def queue(name: str, connection: Redis | None = None) -> Queue:
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name!r}; use one of {QUEUES}")
    return Queue(name, connection=connection or redis_connection())


def enqueue(
    task: str,
    *args: Any,
    queue_name: str = "default",
    timeout: int = 300,
    retries: int = len(RETRY_INTERVALS),
    description: str | None = None,
    **kwargs: Any,
) -> Any:
    """Run the task named ``task`` ("workers.module.function") in-process (inline mode), or
    enqueue it on ``queue_name`` (rq mode)."""
    if runs_inline():
        return import_attribute(task)(*args, **kwargs)
    started = time.perf_counter()
    outcome = "error"
    try:
        job = queue(queue_name).enqueue(
            task,
            args=args,
            kwargs=kwargs,
            job_timeout=timeout,
            failure_ttl=FAILURE_TTL,
            retry=Retry(max=retries, interval=RETRY_INTERVALS[:max(retries, 1)]) if retries else None,
            description=description or task,
            # The request's id (set by webapp.web.logging) rides with the job, so the worker's lines carry it.
            meta={"request_id": g.get("request_id")} if has_request_context() else None,
        )
        outcome = "ok"
        return job
    finally:
        log.info("redis enqueue %s on %s: %s in %.1f ms", task.rsplit(".", 1)[-1], queue_name, outcome,
                 (time.perf_counter() - started) * 1000)


def outbox_committed() -> None:
    """Nudge the relay after a commit that wrote outbox rows.

    If Redis is down this raises; the caller logs it and the rows wait in the outbox for the
    scheduled relay (every 30 s) — the user's change is already safely committed.
    """
    # In-process, a request relays at most two batches, so a bulk load's backlog never makes a
    # page slow: the rest follows on later commits or `flask search reindex`.
    inline = runs_inline()
    enqueue(RELAY_OUTBOX, max_batches=2 if inline else 100, queue_name="indexing", timeout=600,
            description="relay outbox")
