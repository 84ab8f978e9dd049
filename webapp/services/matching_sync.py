"""Keeps the stored vectors in step with the database: outbox handlers that hand embedding work on.

When a vacancy or profile is created or changed the relay hands its id to a handler here,
which enqueues an idempotent task on the `embeddings` queue: it re-reads the rows, encodes
only text it has never seen (the cache is keyed by the text's hash) and updates the vector
index. In the full stack an RQ worker runs it, with retries. Embedded (inline), the work is
done in the relay's own session and committed with the delivery of the messages: SQLite has
one writer, and the relay already holds the write lock for the messages it has delivered.
If the queue cannot be reached the relay does the work itself, so nothing waits on Redis.
"""
from __future__ import annotations

import logging
from typing import Callable

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy.orm import Session

from webapp.dispatch import EMBED_PROFILES, EMBED_VACANCIES, enqueue
from webapp.services.matching import RefreshReport, refresh_profiles, refresh_vacancies

log = logging.getLogger(__name__)


def _hand_over(session: Session, task: str, refresh: Callable[[Session, list[int]], RefreshReport],
               ids: list[int], what: str) -> None:
    """Enqueue the task; embedded, or if the queue cannot be reached, do the work here, in the relay's
    transaction, rather than let one unreachable queue hold back every other consumer of the message."""
    if current_app.config["TASKS_MODE"] != "inline":
        try:
            enqueue(task, list(ids), queue_name="embeddings", timeout=900, description=f"embed {len(ids)} {what}")
            return
        except (RedisError, RuntimeError) as exc:
            log.warning("embeddings queue unreachable (%s): embedding %d %s in the relay", type(exc).__name__,
                        len(ids), what)
    refresh(session, list(ids))


def vacancies_changed(session: Session, ids: list[int]) -> None:
    _hand_over(session, EMBED_VACANCIES, refresh_vacancies, ids, "vacancies")


def profiles_changed(session: Session, ids: list[int]) -> None:
    _hand_over(session, EMBED_PROFILES, refresh_profiles, ids, "profiles")
