"""The full stack keeps Elasticsearch in step with the database, and loses nothing when a service is down.

These run on the real PostgreSQL, Redis and Elasticsearch that `make test` starts. A change is
committed with its outbox row; an RQ worker (run here in-process, in burst mode) relays it.
"""
from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from rq import SimpleWorker

from domain.vocabulary import VacancyStatus
from tests.factories import RecruiterFactory, VacancyFactory
from tests.helpers import sign_in_as
from webapp.extensions import db
from webapp.models import OutboxMessage, Vacancy
from webapp.search import SearchQuery, get_engine
from webapp.services import vacancies as vacancy_service
from webapp.dispatch import queue
from webapp.outbox.relay import pending_count
from workers.tasks import relay_outbox

SERVICES = Path(__file__).resolve().parent.parent / "scripts" / "services"


@pytest.fixture
def app_overrides(elasticsearch_url, redis_url, es_prefix, clean_redis):
    return {"SEARCH_URL": elasticsearch_url, "SEARCH_INDEX_PREFIX": es_prefix, "TASKS_MODE": "rq",
            "REDIS_URL": redis_url}


def run_indexing_worker(connection) -> None:
    SimpleWorker([queue("indexing", connection)], connection=connection).work(burst=True)


def found_ids(**criteria) -> list[int]:
    return get_engine().search(SearchQuery(per_page=100, **criteria)).ids


def test_a_committed_change_reaches_elasticsearch_through_the_rq_worker(app, clean_redis):
    vacancy = VacancyFactory(title="Team Manager, Fostering")
    db.session.commit()
    assert queue("indexing", clean_redis).count == 1  # nudged after the commit, not before
    assert found_ids(keywords="fostering") == []

    run_indexing_worker(clean_redis)

    assert found_ids(keywords="fostering") == [vacancy.id]
    assert pending_count(db.session) == 0


def test_nothing_is_lost_when_redis_is_down(app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    vacancy = VacancyFactory(title="Senior Practitioner, Adoption")
    db.session.commit()  # the commit succeeds although the nudge cannot be sent
    assert db.session.get(Vacancy, vacancy.id) is not None
    pending = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.delivered_at.is_(None))).all()
    assert ("vacancy.changed", vacancy.id) in {(m.topic, m.aggregate_id) for m in pending}

    relay_outbox()  # what the scheduled relay does every 30 seconds once Redis is back

    assert found_ids(keywords="adoption") == [vacancy.id]
    assert pending_count(db.session) == 0


def _es(action: str) -> None:
    subprocess.run([str(SERVICES), f"es-{action}", "test"], check=True, timeout=180)


@pytest.mark.backends("postgresql")  # stopping Elasticsearch is slow: once is enough
@pytest.mark.usefixtures("elasticsearch_to_itself")  # no other xdist worker's test meanwhile
def test_every_change_made_while_elasticsearch_is_down_arrives_when_it_returns(app, client, clean_redis):
    recruiter = RecruiterFactory()
    council = recruiter.organisation
    to_close = VacancyFactory(organisation=council, title="Social Worker, Children in Need")
    to_rename = VacancyFactory(organisation=council, title="Social Worker, Assessment")
    to_publish = VacancyFactory(organisation=council, title="Advanced Practitioner, MASH",
                                status=VacancyStatus.DRAFT, published_at=None)
    db.session.commit()
    run_indexing_worker(clean_redis)
    assert sorted(found_ids()) == sorted([to_close.id, to_rename.id])
    sign_in_as(client, recruiter)

    _es("stop")
    try:
        # The web requests succeed while Elasticsearch is down: the database is the source of truth.
        assert client.post(f"/recruit/vacancies/{to_close.id}/close").status_code in (200, 302, 303)
        assert client.post(f"/recruit/vacancies/{to_publish.id}/publish").status_code in (200, 302, 303)
        renamed = db.session.get(Vacancy, to_rename.id)
        values = {name: getattr(renamed, name) for name in vacancy_service.VACANCY_FIELDS}
        vacancy_service.update_vacancy(recruiter, renamed,
                                       values | {"title": "Senior Social Worker, Assessment and Intervention"})
        db.session.commit()
        run_indexing_worker(clean_redis)  # the relay tries, fails, and leaves the messages pending
        pending = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.delivered_at.is_(None))).all()
        assert {m.aggregate_id for m in pending} >= {to_close.id, to_rename.id, to_publish.id}
        assert all(m.attempts >= 1 and m.last_error for m in pending)
    finally:
        _es("start")

    # Once the backoff has passed the scheduled relay delivers everything.
    db.session.execute(sa.update(OutboxMessage).values(available_at=dt.datetime(2000, 1, 1)))
    db.session.commit()
    relay_outbox()

    assert pending_count(db.session) == 0
    assert sorted(found_ids()) == sorted([to_rename.id, to_publish.id])
    assert found_ids(keywords="intervention") == [to_rename.id]
    assert found_ids(keywords="children in need") == []
