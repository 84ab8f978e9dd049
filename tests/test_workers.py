"""Periodic tasks and the schedule that runs them."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from domain.vocabulary import VacancyStatus
from tests.factories import VacancyFactory
from webapp.extensions import db
from webapp.models import AuditLog, Vacancy
from webapp.search import SearchQuery, get_engine
from workers.tasks import close_expired_vacancies


def test_vacancies_past_their_closing_date_are_closed_once_and_leave_the_index(app):
    today = dt.date.today()
    expired = VacancyFactory(closing_date=today - dt.timedelta(days=1))
    closing_today = VacancyFactory(closing_date=today)
    db.session.commit()
    assert set(get_engine().search(SearchQuery(as_of=today - dt.timedelta(days=2))).ids) == {expired.id, closing_today.id}

    assert close_expired_vacancies(today) == 1
    assert close_expired_vacancies(today) == 0  # idempotent

    assert db.session.get(Vacancy, expired.id).status == VacancyStatus.CLOSED
    assert db.session.get(Vacancy, closing_today.id).status == VacancyStatus.LIVE
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "vacancy.expired"))
    assert entry.subject_id == expired.id and entry.actor_id is None
    # The outbox took the closure to the index: even "as of" an earlier day it is gone.
    assert get_engine().search(SearchQuery(as_of=today - dt.timedelta(days=2))).ids == [closing_today.id]


def test_rq_cron_loads_each_periodic_job_once_with_a_stable_name(clean_redis):
    from rq.cron import CronScheduler

    import workers.schedules as schedules

    scheduler = CronScheduler(connection=clean_redis)
    scheduler.load_config_from_file("workers.schedules")
    loaded = {job.name: job for job in scheduler._cron_jobs}
    assert sorted(loaded) == sorted(entry["name"] for entry in schedules.SCHEDULES)
    assert {"relay-outbox", "close-expired-vacancies"} <= set(loaded)
    assert loaded["relay-outbox"].queue_name == "indexing"
