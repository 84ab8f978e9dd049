"""Writes an outbox row in the same transaction as every change workers must hear about.

Warehouse-style: changed rows are noticed in ``after_flush`` (where ids exist), the outbox
rows are inserted on the same connection (so they commit or roll back with the change),
and only once the commit has succeeded is the relay nudged. If the nudge fails (Redis or
Elasticsearch down), the rows stay pending and the periodic relay delivers them later.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Sequence

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from webapp.dispatch import outbox_committed
from webapp.models import OutboxMessage, utcnow
from webapp.outbox.topics import TOPICS

log = logging.getLogger(__name__)

_PENDING_KEY = "outbox_written"
_installed = False


def _changed(session: Session) -> dict[tuple[str, str], set[int]]:
    changed: dict[tuple[str, str], set[int]] = {}
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        topic = TOPICS.get(type(obj))
        if topic is None or obj.id is None:
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        changed.setdefault((topic, type(obj).__tablename__), set()).add(obj.id)
    return changed


def outbox_rows(topic: str, table: str, ids: Sequence[int], now: dt.datetime) -> list[dict[str, Any]]:
    """New outbox rows for these ids, for one INSERT (bulk loads that bypass the ORM write them too)."""
    return [
        {"topic": topic, "aggregate_type": table, "aggregate_id": ident, "payload": {}, "created_at": now,
         "available_at": now, "attempts": 0}
        for ident in ids
    ]


def after_flush(session: Session, flush_context) -> None:
    changed = _changed(session)
    if not changed:
        return
    now = utcnow()
    rows = [row for (topic, table), ids in changed.items() for row in outbox_rows(topic, table, sorted(ids), now)]
    session.connection().execute(sa.insert(OutboxMessage), rows)
    session.info[_PENDING_KEY] = True


def after_commit(session: Session) -> None:
    # SQLAlchemy calls this when a savepoint (begin_nested) is released too: the rows are not committed
    # until the outer transaction is, so nudging now would find nothing and lose the nudge.
    if session.in_nested_transaction():
        return
    if not session.info.pop(_PENDING_KEY, False):
        return
    try:
        outbox_committed()
    except Exception:  # the rows are safe in the outbox; the periodic relay will deliver them
        log.warning("outbox relay could not be started now; pending messages will be relayed later", exc_info=True)


def after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def install_hooks() -> None:
    """Listen on every SQLAlchemy session, once per process (the listeners are process-wide)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "after_flush", after_flush)
    event.listen(Session, "after_commit", after_commit)
    # A savepoint rolled back leaves the outer transaction (and the outbox rows it wrote before) in play.
    event.listen(Session, "after_soft_rollback",
                 lambda session, previous: None if previous.nested else after_rollback(session))
    _installed = True
