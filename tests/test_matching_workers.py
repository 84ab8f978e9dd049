"""In the full stack, embeddings are computed by a worker on the `embeddings` queue (real Redis, real RQ)."""
from __future__ import annotations

import pytest
from rq import SimpleWorker

from tests.factories import CandidateProfileFactory, VacancyFactory
from webapp.extensions import db
from webapp.models import ProfileEmbedding, VacancyEmbedding
from webapp.dispatch import queue

# The matching tests run on all-MiniLM-L6-v2 itself: the worker encodes with the model production runs.
pytestmark = pytest.mark.real_encoder


@pytest.fixture
def app_overrides(redis_url, clean_redis):
    return {"TASKS_MODE": "rq", "REDIS_URL": redis_url}


def work(name: str, connection) -> None:
    SimpleWorker([queue(name, connection)], connection=connection).work(burst=True)


def test_a_change_is_embedded_by_the_embeddings_worker(app, clean_redis):
    vacancy = VacancyFactory()
    profile = CandidateProfileFactory()
    db.session.commit()
    work("indexing", clean_redis)  # the outbox relay: indexes the vacancy, hands embedding to its own queue
    assert queue("embeddings", clean_redis).count == 2
    assert db.session.get(VacancyEmbedding, vacancy.id) is None

    work("embeddings", clean_redis)

    db.session.expire_all()
    assert db.session.get(VacancyEmbedding, vacancy.id) is not None
    assert db.session.get(ProfileEmbedding, profile.id) is not None
