"""Embedding tasks on the `embeddings` queue (enqueued by webapp.services.matching_sync).

Each re-reads the rows, encodes only text never seen before and updates the vector index, in a
session of its own: idempotent, so RQ's retries are safe.
"""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from webapp.extensions import db
from webapp.services.matching import refresh_profiles, refresh_vacancies
from workers.tasks import in_app_context

log = logging.getLogger(__name__)


@in_app_context
def embed_vacancies(ids: list[int]) -> dict[str, int]:
    with Session(db.engine) as session:
        report = refresh_vacancies(session, ids)
        session.commit()
    log.info("embeddings: %d vacancies, %s", len(ids), report.as_dict())
    return report.as_dict()


@in_app_context
def embed_profiles(ids: list[int]) -> dict[str, int]:
    with Session(db.engine) as session:
        report = refresh_profiles(session, ids)
        session.commit()
    log.info("embeddings: %d profiles, %s", len(ids), report.as_dict())
    return report.as_dict()
