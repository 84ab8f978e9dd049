"""Job alerts on the full stack: PostgreSQL, Elasticsearch and RQ on the real Redis. The scheduled
run is a job on the `alerts` queue that queues one job per chunk of social workers; an RQ worker
(in-process, burst mode) runs them all."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rq import SimpleWorker

from tests.conftest import sent_mail
from domain.vocabulary import AlertFrequency
from tests.factories import CandidateFactory, OrganisationFactory, VacancyFactory
from webapp.extensions import db
from webapp.services import saved_searches
from workers.alert_tasks import send_job_alerts
from webapp.dispatch import queue

pytestmark = pytest.mark.backends("postgresql")


@pytest.fixture
def app_overrides(elasticsearch_url, redis_url, es_prefix, clean_redis):
    return {"SEARCH_URL": elasticsearch_url, "SEARCH_INDEX_PREFIX": es_prefix, "TASKS_MODE": "rq",
            "REDIS_URL": redis_url}


def work(connection, *names: str) -> None:
    SimpleWorker([queue(n, connection) for n in names], connection=connection).work(burst=True)


def test_the_scheduled_alert_run_goes_through_rq_and_mails_each_job_once(app, clean_redis):
    camden = OrganisationFactory(name="Camden", slug="camden")
    sam = CandidateFactory(email="sam@example.org")
    alex = CandidateFactory(email="alex@example.org")
    for user in (sam, alex):
        saved, _ = saved_searches.save_search(user, "q=fostering")
    db.session.commit()
    VacancyFactory(organisation=camden, title="Fostering social worker",
                   published_at=saved.created_at + dt.timedelta(minutes=1))
    db.session.commit()
    work(clean_redis, "indexing")  # the outbox relay puts the job in Elasticsearch

    alerts = queue("alerts", clean_redis)
    alerts.enqueue(send_job_alerts, "daily")  # what RQ cron does at 07:00
    work(clean_redis, "alerts")  # the run, then its chunk: claims and the emails queued in the outbox
    work(clean_redis, "indexing", "mail")  # the relay hands the queued emails to the mail queue, which sends them

    mails = sent_mail(Path(app.config["MAIL_FOLDER"]))
    assert len(mails) == 2 and all("Fostering social worker" in m for m in mails)
    assert alerts.count == 0 and alerts.failed_job_registry.count == 0

    # The scheduler firing again (or a retry) finds nothing due and mails nothing.
    alerts.enqueue(send_job_alerts, "daily")
    work(clean_redis, "alerts", "indexing", "mail")
    assert len(sent_mail(Path(app.config["MAIL_FOLDER"]))) == 2


def test_an_instant_alert_is_queued_as_soon_as_its_job_is_indexed(app, clean_redis):
    """No scheduler beat here: publishing the job is enough (the relay indexes it, then queues the run)."""
    camden = OrganisationFactory(name="Camden", slug="camden")
    sam = CandidateFactory(email="sam@example.org")
    saved, _ = saved_searches.save_search(sam, "q=fostering", AlertFrequency.INSTANT)
    db.session.commit()
    VacancyFactory(organisation=camden, title="Fostering social worker",
                   published_at=saved.created_at + dt.timedelta(seconds=1))
    db.session.commit()
    work(clean_redis, "indexing")  # the relay: search index first, then the instant run is queued
    assert queue("alerts", clean_redis).count == 1
    work(clean_redis, "alerts")
    work(clean_redis, "indexing", "mail")
    [mail] = sent_mail(Path(app.config["MAIL_FOLDER"]))
    assert "Fostering social worker" in mail and "sam@example.org" in mail
