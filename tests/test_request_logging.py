"""Logs: one JSON object a line with the request id, echoed to the caller; no tokens, query strings or
personal data in the access log."""
from __future__ import annotations

import json
import logging

import pytest

from webapp.web import logging as web_logging


@pytest.fixture
def access_lines(caplog):
    caplog.set_level(logging.INFO, logger="cswjobs.access")

    def lines() -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.name == "cswjobs.access"]

    return lines


def test_every_response_carries_a_request_id_and_the_access_line_has_the_same(client, access_lines):
    response = client.get("/healthz")
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    [line] = access_lines()
    assert (line.request_id, line.method, line.path, line.route, line.status) == (
        request_id, "GET", "/healthz", "/healthz", 200)
    assert line.duration_ms >= 0
    assert client.get("/healthz").headers["X-Request-ID"] != request_id  # a new one each time


def test_a_proxys_plain_request_id_is_kept_and_a_forged_one_is_replaced(client, access_lines):
    assert client.get("/healthz", headers={"X-Request-ID": "nginx-5f2c9a01"}).headers["X-Request-ID"] == "nginx-5f2c9a01"
    replaced = []
    for forged in ('abc", "level": "ERROR', "x" * 200, "short"):
        answer = client.get("/healthz", headers={"X-Request-ID": forged}).headers["X-Request-ID"]
        assert answer != forged and len(answer) == 32
        replaced.append(answer)
    assert [line.request_id for line in access_lines()] == ["nginx-5f2c9a01", *replaced]


def test_the_access_log_hides_tokens_and_never_holds_the_query_string(client, access_lines):
    client.get("/password-reset/eyJzZWNyZXQiOjF9.abc.def")
    client.get("/alerts/unsubscribe/tok-3f9a1c2e")
    client.get("/jobs?q=social+worker&email=sam%40example.org")
    reset, unsubscribe, search = access_lines()
    assert reset.path == "/password-reset/[redacted]" and reset.route == "/password-reset/<token>"
    assert unsubscribe.path == "/alerts/unsubscribe/[redacted]"
    assert search.path == "/jobs"
    everything = " ".join(f"{r.getMessage()} {r.__dict__}" for r in access_lines())
    for secret in ("eyJzZWNyZXQiOjF9", "tok-3f9a1c2e", "sam%40example.org", "social+worker"):
        assert secret not in everything
    assert client.get("/no-such-page").status_code == 404
    assert access_lines()[-1].route == "unmatched"


def test_the_json_format_writes_one_object_a_line_with_the_request_id(app):
    formatter = web_logging.formatter("json")
    with app.test_request_context("/jobs"):
        from flask import g

        g.request_id = "req-12345678"
        record = logging.LogRecord("webapp.services.x", logging.WARNING, __file__, 1, "index %s slow", ("jobs",), None)
        web_logging.RequestIdFilter().filter(record)
    line = json.loads(formatter.format(record))
    assert line["level"] == "WARNING" and line["name"] == "webapp.services.x"
    assert line["message"] == "index jobs slow" and line["request_id"] == "req-12345678" and line["time"]


def test_a_job_queued_by_a_request_logs_with_that_requests_id(app, redis_url, clean_redis, caplog):
    from rq import Queue

    from tests.factories import VacancyFactory
    from webapp.extensions import db
    from webapp.models import OutboxMessage
    from workers.worker import AppWorker

    app.config.update(TASKS_MODE="rq", REDIS_URL=redis_url)
    with app.test_request_context("/recruit/vacancies/new", method="POST"):
        from flask import g

        g.request_id = "req-from-the-page"
        VacancyFactory()
        db.session.commit()  # queues the relay on Redis, in this request
    [job] = Queue("indexing", connection=clean_redis).get_jobs()
    assert job.meta["request_id"] == "req-from-the-page"
    assert db.session.query(OutboxMessage).filter(OutboxMessage.delivered_at.is_(None)).count() >= 1  # waiting

    caplog.set_level(logging.INFO)
    worker = AppWorker([Queue("indexing", connection=clean_redis)], connection=clean_redis)
    worker.app = app  # this test's app (its database), as the worker's own would be in production
    worker.perform_job(job, Queue("indexing", connection=clean_redis))  # what the forked work horse runs
    synced = [r for r in caplog.records if r.name == "webapp.search.sync"]
    assert synced and {r.request_id for r in synced} == {"req-from-the-page"}
    assert web_logging.current_request_id() is None  # bound only while the job ran
