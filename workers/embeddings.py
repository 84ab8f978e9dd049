"""Embedding work: outbox relay handlers that enqueue it, and the tasks on the `embeddings` queue.

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

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy.orm import Session

from webapp.dispatch import enqueue
from webapp.outbox.relay import subscribe
from workers.tasks import in_app_context

log = logging.getLogger(__name__)


@in_app_context
def embed_vacancies(ids: list[int]) -> dict[str, int]:
    from webapp.extensions import db
    from webapp.services.matching import refresh_vacancies

    with Session(db.engine) as session:
        report = refresh_vacancies(session, ids)
        session.commit()
    log.info("embeddings: %d vacancies, %s", len(ids), report.as_dict())
    return report.as_dict()


@in_app_context
def embed_profiles(ids: list[int]) -> dict[str, int]:
    from webapp.extensions import db
    from webapp.services.matching import refresh_profiles

    with Session(db.engine) as session:
        report = refresh_profiles(session, ids)
        session.commit()
    log.info("embeddings: %d profiles, %s", len(ids), report.as_dict())
    return report.as_dict()


def _inline() -> bool:
    return current_app.config["TASKS_MODE"] == "inline"


def _hand_over(session: Session, task, refresh, ids: list[int], what: str) -> None:
    """Enqueue the task; embedded, or if the queue cannot be reached, do the work here, in the relay's
    transaction, rather than let one unreachable queue hold back every other consumer of the message."""
    if not _inline():
        try:
            enqueue(task, list(ids), queue_name="embeddings", timeout=900, description=f"embed {len(ids)} {what}")
            return
        except (RedisError, RuntimeError) as exc:
            log.warning("embeddings queue unreachable (%s): embedding %d %s in the relay", type(exc).__name__,
                        len(ids), what)
    refresh(session, list(ids))


@subscribe("vacancy.changed")
def vacancies_changed(session: Session, ids: list[int]) -> None:
    from webapp.services.matching import refresh_vacancies

    _hand_over(session, embed_vacancies, refresh_vacancies, ids, "vacancies")


@subscribe("profile.changed")
def profiles_changed(session: Session, ids: list[int]) -> None:
    from webapp.services.matching import refresh_profiles

    _hand_over(session, embed_profiles, refresh_profiles, ids, "profiles")
