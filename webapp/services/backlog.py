"""What the background work still owes, read when Prometheus scrapes /metrics: jobs waiting and failed on
each RQ queue, undelivered outbox messages by topic, and how long the oldest has waited (the outbox's lag,
and the search index's, which hears only some topics)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from rq.registry import FailedJobRegistry

from webapp.dispatch import QUEUES, queue, redis_connection
from webapp.extensions import db
from webapp.models import OutboxMessage
from webapp.outbox.relay import oldest_pending_age
from webapp.search.sync import SEARCH_TOPICS

log = logging.getLogger(__name__)


@dataclass
class Backlog:
    queued: dict[str, int] = field(default_factory=dict)  # RQ queue -> jobs waiting (empty when embedded)
    failed: dict[str, int] = field(default_factory=dict)  # RQ queue -> jobs in its failed registry
    outbox_pending: dict[str, int] = field(default_factory=dict)  # topic -> undelivered messages
    outbox_lag_seconds: float = 0.0
    index_lag_seconds: float = 0.0
    unreachable: list[str] = field(default_factory=list)  # what could not be read this time


def _seconds(lag) -> float:
    return round(lag.total_seconds(), 1) if lag is not None else 0.0


def backlog() -> Backlog:
    report = Backlog()
    try:
        rows = db.session.execute(
            sa.select(OutboxMessage.topic, sa.func.count()).where(OutboxMessage.delivered_at.is_(None))
            .group_by(OutboxMessage.topic))
        report.outbox_pending = {topic: count for topic, count in rows}
        report.outbox_lag_seconds = _seconds(oldest_pending_age(db.session))
        report.index_lag_seconds = _seconds(oldest_pending_age(db.session, topics=SEARCH_TOPICS))
    except Exception as exc:  # noqa: BLE001 - a scrape reports what it can; the gap is a metric of its own
        log.warning("metrics: the outbox could not be read (%s)", type(exc).__name__)
        db.session.rollback()
        report.unreachable.append("database")
    if current_app.config["TASKS_MODE"] == "rq":
        try:
            connection = redis_connection()
            for name in QUEUES:
                report.queued[name] = queue(name, connection).count
                report.failed[name] = FailedJobRegistry(name, connection=connection).count
        except Exception as exc:  # noqa: BLE001 - as above
            log.warning("metrics: Redis could not be read (%s)", type(exc).__name__)
            report.unreachable.append("redis")
    return report
