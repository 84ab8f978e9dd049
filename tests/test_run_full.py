"""`make run-full` for real: scripts/run-full starts gunicorn, the RQ worker, RQ cron and its TLS mail server
under production settings against the test PostgreSQL (a database of its own), Redis (this run's database)
and Elasticsearch (its own index prefix), on a port of its own. The test waits for /readyz, publishes
vacancies and sees the worker index one and cron's outbox sweep index the other whose nudge was lost, asks
for a password reset and finds the mail delivered over STARTTLS, reads /metrics, then stops it all with
Ctrl-C within a bounded time.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.factories import RecruiterFactory, VacancyFactory
from tests.helpers import free_port
from webapp import create_app
from webapp.extensions import db

ROOT = Path(__file__).resolve().parent.parent
STOP_WITHIN = 30  # seconds from Ctrl-C to every process gone


@pytest.fixture
def own_database():
    server = sa.make_url(os.environ["CSWJOBS_TEST_DATABASE_URL"])
    name = f"cswjobs_runfull_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Stack:
    def __init__(self, process: subprocess.Popen, port: int, instance: Path, log: Path):
        self.process, self.port, self.instance, self.log = process, port, instance, log
        self.cookies = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str, headers: dict | None = None, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body, headers=headers or {})
        try:
            with self.cookies.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, ""

    def pids(self) -> list[int]:
        return [int(p) for p in re.findall(r"run-full: \w+ started \(pid (\d+)\)", self.log.read_text())]

    def wait_for(self, what: str, check, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"run-full stopped while waiting for {what}:\n{self.tail()}")
            if check():
                return
            time.sleep(1)
        pytest.fail(f"{what} did not happen within {timeout:.0f} s:\n{self.tail()}")

    def tail(self) -> str:
        return "\n".join(self.log.read_text().splitlines()[-40:])


@pytest.fixture
def stack(tmp_path, own_database, redis_url, clean_redis, elasticsearch_url, es_prefix):
    port, mail_port = free_port(), free_port()
    instance, log = tmp_path / "instance", tmp_path / "run-full.log"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CSWJOBS_")}
    environ.update({
        "CSWJOBS_DATABASE_URL": own_database, "CSWJOBS_REDIS_URL": redis_url, "CSWJOBS_SEARCH_URL": elasticsearch_url,
        "CSWJOBS_SEARCH_INDEX_PREFIX": es_prefix, "CSWJOBS_INSTANCE_PATH": str(instance), "PORT": str(port),
        "MAIL_SINK_PORT": str(mail_port), "RUN_FULL_SEED": "0", "WEB_CONCURRENCY": "2",
    })
    with log.open("w") as out:
        process = subprocess.Popen([str(ROOT / "scripts" / "run-full")], cwd=ROOT, env=environ, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    running = Stack(process, port, instance, log)
    try:
        yield running
    finally:
        if process.poll() is None:  # the test failed before stopping it: stop it the same way, then for good
            process.send_signal(signal.SIGINT)
            try:
                process.wait(STOP_WITHIN)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def searched(stack: Stack, words: str) -> str:
    """The search page's text, without its tags (the words found are highlighted in <mark>s)."""
    return re.sub(r"<[^>]+>", "", stack.get("/jobs?" + urllib.parse.urlencode({"q": words}))[1])


@pytest.mark.backends("postgresql")
def test_run_full_serves_works_schedules_mails_and_stops(stack, own_database, redis_url, elasticsearch_url,
                                                          es_prefix):
    stack.wait_for("/readyz", lambda: stack.get("/readyz")[0] == 200, timeout=240)
    assert json.loads(stack.get("/readyz")[1])["checks"]["redis"] == "ok"
    assert stack.get("/healthz", headers={"Host": "evil.example.net"})[0] == 400  # production's trusted hosts

    # A vacancy published with the worker's help: the commit nudges the relay on Redis, the worker indexes it.
    publisher = create_app("test", {"SQLALCHEMY_DATABASE_URI": own_database, "TASKS_MODE": "rq",
                                    "REDIS_URL": redis_url, "SEARCH_URL": elasticsearch_url,
                                    "SEARCH_INDEX_PREFIX": es_prefix, "INSTANCE_PATH": str(stack.instance / "tests")})
    with publisher.app_context():
        recruiter = RecruiterFactory(email="recruiter@camden.example.org")
        VacancyFactory(title="Kinship care assessor", organisation=recruiter.organisation)
        db.session.commit()
        stack.wait_for("the worker to index the vacancy", lambda: "Kinship care assessor" in searched(stack, "kinship"),
                       timeout=120)

        # Another whose nudge is lost (Redis unreachable from this process): only cron's outbox sweep finds it.
        publisher.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
        VacancyFactory(title="Edge of care practitioner", organisation=recruiter.organisation)
        db.session.commit()
        stack.wait_for("cron's outbox sweep to index the second vacancy",
                       lambda: "Edge of care practitioner" in searched(stack, "edge of care"), timeout=120)
        db.session.remove()
        db.engine.dispose()

    # A password reset: queued, sent by the worker over STARTTLS with a sign-in to the local mail server.
    form = stack.get("/password-reset")[1]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    status, _ = stack.get("/password-reset", data={"csrf_token": token, "email": "recruiter@camden.example.org"})
    assert status == 200
    mail = stack.instance / "mail"
    stack.wait_for("the reset mail", lambda: any(mail.glob("*.eml")) if mail.exists() else False, timeout=120)
    [message] = [p.read_text() for p in mail.glob("*.eml")]
    assert "To: recruiter@camden.example.org" in message and "Reset your password" in message

    # Metrics, added up across gunicorn's workers, behind the token run-full made.
    token = (stack.instance / "metrics_token").read_text().strip()
    assert stack.get("/metrics")[0] == 401
    status, text = stack.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert status == 200
    assert re.search(r'cswjobs_http_requests_total\{method="GET",route="/jobs",status="200"\} [1-9]', text)
    assert re.search(r'cswjobs_queue_jobs\{queue="indexing"\} 0\.0', text)

    # Ctrl-C stops every process within the bound.
    pids = stack.pids()
    assert len(pids) == 3
    started = time.monotonic()
    stack.process.send_signal(signal.SIGINT)
    stack.process.wait(STOP_WITHIN)
    assert time.monotonic() - started < STOP_WITHIN
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert "run-full: stopping" in stack.log.read_text()
