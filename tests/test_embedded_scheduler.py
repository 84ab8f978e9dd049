"""The embedded default's scheduler runs the same schedule as RQ cron, in-process."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests.factories import VacancyFactory
from webapp import create_app
from webapp.extensions import db
from webapp.models import OutboxMessage
from workers.embedded_scheduler import EmbeddedScheduler, create_app_with_scheduler, next_run
from workers.schedules import SCHEDULES


class Clock:
    def __init__(self, start: dt.datetime):
        self.now = start.timestamp()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


START = dt.datetime(2026, 11, 24, 6, 59, 30, tzinfo=dt.UTC)


def test_interval_and_cron_entries_fall_due_as_rq_cron_would_run_them():
    after = START.timestamp()
    assert next_run({"interval": 30}, after) == after + 30
    daily = next_run({"cron": "0 7 * * *"}, after)
    assert dt.datetime.fromtimestamp(daily, dt.UTC) == dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.UTC)
    monday = next_run({"cron": "30 7 * * 1"}, after)  # 24 November 2026 is a Tuesday
    assert dt.datetime.fromtimestamp(monday, dt.UTC) == dt.datetime(2026, 11, 30, 7, 30, tzinfo=dt.UTC)


def test_due_entries_run_in_the_apps_context_and_a_failure_does_not_stop_the_others(app):
    calls: list[str] = []

    def sweep():
        calls.append(f"sweep in {db.engine.url.get_backend_name()}")

    def broken():
        raise RuntimeError("boom")

    clock = Clock(START)
    entries = [{"name": "sweep", "func": sweep, "interval": 30},
               {"name": "broken", "func": broken, "interval": 60},
               {"name": "morning", "func": lambda: calls.append("morning"), "cron": "0 7 * * *"}]
    scheduler = EmbeddedScheduler(app, entries, clock=clock)
    assert scheduler.run_due() == ["sweep", "broken"]  # interval work starts at once; cron waits for 7am
    clock.advance(29)
    assert scheduler.run_due() == []
    clock.advance(1)
    assert scheduler.run_due() == ["sweep", "morning"]
    clock.advance(30)
    assert scheduler.run_due() == ["sweep", "broken"]
    assert calls[0].startswith("sweep in ") and calls.count("morning") == 1


def test_the_real_schedule_relays_the_outbox_in_process(app):
    app.config["TASKS_MODE"] = "inline"
    VacancyFactory()
    db.session.commit()
    db.session.execute(sa.update(OutboxMessage).values(delivered_at=None))
    db.session.commit()
    relay = [e for e in SCHEDULES if e["name"] == "relay-outbox"]
    EmbeddedScheduler(app, relay).run_due()
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.delivered_at.is_(None))) == 0


def test_only_make_runs_app_starts_it(tmp_path, monkeypatch):
    settings = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_PATH": str(tmp_path)}
    assert "cswjobs_scheduler" not in create_app("test", {**settings, "TASKS_MODE": "inline"}).extensions
    started = []
    monkeypatch.setattr("workers.embedded_scheduler.start_embedded_scheduler", lambda app: started.append(app) or "s")
    application = create_app_with_scheduler("test", {**settings, "TASKS_MODE": "inline"})
    assert started == [application] and application.extensions["cswjobs_scheduler"] == "s"
    create_app_with_scheduler("test", {**settings, "TASKS_MODE": "rq"})  # RQ cron does it there
    assert len(started) == 1
