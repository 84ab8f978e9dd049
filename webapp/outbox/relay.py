"""The outbox relay: delivers committed changes to the handlers subscribed to their topic.

Safe to run any number of times, from anywhere: each message is claimed, handled and marked
delivered in one transaction; a failure leaves it pending with a backoff and the reason.
Handlers are subscribed explicitly when the app is built (`webapp.outbox.init_app`).
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from webapp.extensions import db
from webapp.models import OutboxMessage, utcnow

log = logging.getLogger(__name__)

# A handler takes (session, aggregate ids) and must be idempotent.
Handler = Callable[[Session, list[int]], None]
Subscriptions = Mapping[str, Sequence[Handler]]
EXTENSION_KEY = "outbox_subscriptions"

MAX_BACKOFF = dt.timedelta(minutes=30)


def subscriptions() -> Subscriptions:
    """This app's topic -> handlers, as subscribed when it was built."""
    return current_app.extensions[EXTENSION_KEY]


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(seconds=2 ** min(attempts, 12)), MAX_BACKOFF)


@dataclass
class RelayReport:
    delivered: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def relay_batch(session: Session, limit: int = 500) -> RelayReport:
    """Deliver up to ``limit`` pending messages, grouped by topic so handlers work in bulk."""
    report = RelayReport()
    now = utcnow()
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.delivered_at.is_(None), OutboxMessage.available_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # concurrent relays never take the same rows
    messages = list(session.scalars(query))
    handlers = subscriptions()
    by_topic: dict[str, list[OutboxMessage]] = defaultdict(list)
    for message in messages:
        by_topic[message.topic].append(message)
    for topic, batch in by_topic.items():
        ids = sorted({m.aggregate_id for m in batch})
        try:
            for handler in handlers.get(topic, ()):
                handler(session, ids)
        except Exception as exc:  # noqa: BLE001 - recorded on the message, retried with backoff
            reason = f"{type(exc).__name__}: {exc}"[:500]
            log.warning("outbox relay: %s for %d %s message(s) failed: %s", topic, len(batch), topic, reason)
            for message in batch:
                message.attempts += 1
                message.last_error = reason
                message.available_at = now + backoff(message.attempts)
            report.failed += len(batch)
            report.errors.append(reason)
            continue
        # One statement per batch: a bulk load's backlog is tens of thousands of rows.
        session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_([m.id for m in batch]))
            .values(delivered_at=now, last_error=None)
            .execution_options(synchronize_session=False)
        )
        report.delivered += len(batch)
    session.commit()
    return report


def relay_pending(limit: int = 500, max_batches: int = 100) -> RelayReport:
    """Relay everything pending now, in a session of its own (never the caller's)."""
    total = RelayReport()
    with Session(db.engine) as session:
        for _ in range(max_batches):
            report = relay_batch(session, limit)
            total.delivered += report.delivered
            total.failed += report.failed
            total.errors += report.errors
            if report.delivered + report.failed < limit:
                break
    return total


def pending_count(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).where(OutboxMessage.delivered_at.is_(None))) or 0


def oldest_pending_age(session: Session, topics: tuple[str, ...] = (), now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long the oldest undelivered message (of these topics, or any) has waited: the lag of its readers."""
    query = sa.select(sa.func.min(OutboxMessage.created_at)).where(OutboxMessage.delivered_at.is_(None))
    if topics:
        query = query.where(OutboxMessage.topic.in_(topics))
    oldest = session.scalar(query)
    if oldest is None:
        return None
    return max((now or utcnow()) - oldest, dt.timedelta(0))
