"""Embedding work: outbox relay handlers that enqueue it, and the tasks on the `embeddings` queue.

When a vacancy or profile is created or changed the relay hands its id to a handler here,
which enqueues an idempotent task on the `embeddings` queue: it re-reads the rows, encodes
only text it has never seen (the cache is keyed by the text's hash) and updates the vector
index. In the full stack an RQ worker runs it, with retries. Embedded (inline), the work is
done in the relay's own session and committed with the delivery of the messages: SQLite has
one writer, and the relay already holds the write lock for the messages it has delivered.
"""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy.orm import Session

from workers.dispatch import enqueue
from workers.relay import subscribe
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


@subscribe("vacancy.changed")
def vacancies_changed(session: Session, ids: list[int]) -> None:
    if _inline():
        from webapp.services.matching import refresh_vacancies

        refresh_vacancies(session, list(ids))
        return
    enqueue(embed_vacancies, list(ids), queue_name="embeddings", timeout=900,
            description=f"embed {len(ids)} vacancies")


@subscribe("profile.changed")
def profiles_changed(session: Session, ids: list[int]) -> None:
    if _inline():
        from webapp.services.matching import refresh_profiles

        refresh_profiles(session, list(ids))
        return
    enqueue(embed_profiles, list(ids), queue_name="embeddings", timeout=900,
            description=f"embed {len(ids)} profiles")
