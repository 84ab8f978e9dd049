"""Keeps the search index in step with the database: outbox handlers and the full reindex.

The database is the source of truth. A handler is told only which ids changed; it reloads
them and indexes the live ones and deletes the rest, so running it twice (a retry) or late
(after Elasticsearch came back) gives the same index.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Callable, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from domain.vocabulary import VacancyStatus
from webapp.extensions import db
from webapp.models import FeaturedSlot, Organisation, Vacancy
from webapp.outbox.relay import oldest_pending_age, pending_count
from webapp.outbox.topics import ORGANISATION_CHANGED, VACANCY_CHANGED
from webapp.search.documents import DOCUMENT_COLUMNS, document, is_indexable, vacancy_document
from webapp.search.engine import SearchEngine, get_engine

log = logging.getLogger(__name__)


def sync_vacancies(session: Session, ids: list[int], engine: SearchEngine | None = None) -> tuple[int, int]:
    """Index the live ones among these vacancies and delete the others (and ids now gone)."""
    engine = engine or get_engine()
    vacancies = session.scalars(
        sa.select(Vacancy).options(joinedload(Vacancy.organisation), selectinload(Vacancy.featured_slots)).where(Vacancy.id.in_(ids))
    ).all()
    live = [v for v in vacancies if is_indexable(v)]
    gone = set(ids) - {v.id for v in live}
    indexed = engine.index(vacancy_document(v) for v in live)
    engine.delete(sorted(gone))
    log.info("search sync: %d vacancies indexed, %d removed", indexed, len(gone))
    return indexed, len(gone)


# The outbox topics the index listens to (its lag is the age of the oldest undelivered one).
SEARCH_TOPICS = (VACANCY_CHANGED, ORGANISATION_CHANGED)


def vacancies_changed(session: Session, ids: list[int]) -> None:
    sync_vacancies(session, ids)


def organisations_changed(session: Session, ids: list[int]) -> None:
    """A council's name or sub-region is in every one of its vacancy documents."""
    vacancy_ids = list(session.scalars(sa.select(Vacancy.id).where(Vacancy.organisation_id.in_(ids))))
    if vacancy_ids:
        sync_vacancies(session, vacancy_ids)


@dataclass
class ReindexReport:
    engine: str
    documents: int
    seconds: float

    @property
    def summary(self) -> str:
        return f"Reindexed {self.documents} live vacancies into the {self.engine} index in {self.seconds:.1f}s."


def live_vacancy_documents(session: Session, batch_size: int = 2000, release: bool = False) -> Iterator[dict]:
    """Every indexable vacancy as a document, read in id order a batch at a time.

    Each batch is one query for the vacancy columns a document needs and one for their featured
    slots, without building Vacancy objects (loading whole models with their relationships was
    most of a full reindex's time); councils are read once. ``release`` empties the session
    after each batch to keep memory flat: only for a session of our own, never the caller's."""
    columns = [getattr(Vacancy, name) for name in DOCUMENT_COLUMNS]
    organisations: dict[int, Organisation] = {}
    last_id = 0
    while True:
        rows = session.execute(
            sa.select(*columns)
            .where(Vacancy.status == VacancyStatus.LIVE, Vacancy.id > last_id)
            .order_by(Vacancy.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return
        missing = {r.organisation_id for r in rows} - organisations.keys()
        if missing:
            organisations.update((o.id, o) for o in session.scalars(sa.select(Organisation).where(Organisation.id.in_(missing))))
        slots: dict[int, list] = {}
        for slot in session.execute(
            sa.select(FeaturedSlot.vacancy_id, FeaturedSlot.starts_on, FeaturedSlot.ends_on)
            .where(FeaturedSlot.vacancy_id.in_([r.id for r in rows]))
            .order_by(FeaturedSlot.vacancy_id, FeaturedSlot.starts_on, FeaturedSlot.id)
        ):
            slots.setdefault(slot.vacancy_id, []).append(slot)
        for row in rows:
            yield document(row, organisations[row.organisation_id], slots.get(row.id, ()))
        last_id = rows[-1].id
        if release:
            session.expunge_all()
            organisations.clear()


def count_indexable(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count(Vacancy.id)).where(Vacancy.status == VacancyStatus.LIVE)) or 0


def reindex(
    session: Session | None = None,
    engine: SearchEngine | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 2000,
) -> ReindexReport:
    """Rebuild the whole index from the database, swapping it in only when complete."""
    engine = engine or get_engine()
    started = time.perf_counter()
    if session is None:
        with Session(db.engine) as own:
            documents = engine.rebuild(live_vacancy_documents(own, batch_size, release=True), progress=progress)
    else:
        documents = engine.rebuild(live_vacancy_documents(session, batch_size), progress=progress)
    report = ReindexReport(engine.name, documents, time.perf_counter() - started)
    log.info("search reindex: %s", report.summary)
    return report


def index_status(session: Session, engine: SearchEngine) -> dict:
    """The engine's own facts, beside what the database holds and what the outbox still owes the index."""
    facts = engine.status()
    facts["live_vacancies_in_database"] = session.scalar(
        sa.select(sa.func.count(Vacancy.id)).where(Vacancy.status == VacancyStatus.LIVE,
                                                   Vacancy.closing_date >= dt.date.today())
    ) or 0
    facts["outbox_pending"] = pending_count(session)
    # Lag: how long the oldest change the index has not yet heard about has been waiting.
    lag = oldest_pending_age(session, topics=SEARCH_TOPICS)
    facts["index_lag_seconds"] = round(lag.total_seconds(), 1) if lag is not None else 0
    return facts
