"""Redis stopped, and a worker killed with SIGKILL in the middle of a task, on real processes: the
site keeps serving while Redis is away, and afterwards nothing is lost — every vacancy reaches the
index, every event the rollups, every email is sent exactly once.

Redis here is a private one of the test's own (tests/private_services.py), so stopping it
disturbs no other test; it comes back empty, as a Redis lost with its machine would, and the
scheduled catch-ups (the outbox relay, the mail sweep, the rollups: what `python -m workers cron`
enqueues) find everything again from the database. The killed worker is the production process,
`python -m workers worker`, caught while it waits on a mail server that never answers.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from redis import Redis
from rq import SimpleWorker

from domain.funnel import FunnelStep
from domain.vocabulary import VacancyStatus
from tests.factories import CandidateFactory, RecruiterFactory, VacancyFactory
from tests.helpers import sign_in_as
from tests.helpers import free_port
from tests.conftest import sent_mail
from tests.private_services import private_redis, wait_until
from webapp.dispatch import QUEUES, queue
from webapp.extensions import db
from webapp.models import FunnelDaily, MailStatus, OutgoingMail
from webapp.outbox.relay import pending_count
from webapp.search import SearchQuery, get_engine
from webapp.services import outgoing_mail
from workers import analytics_tasks, mail_tasks, tasks

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def redis_server():
    with private_redis() as server:
        yield server


@pytest.fixture
def app_overrides(elasticsearch_url, es_prefix, redis_server):
    return {"SEARCH_URL": elasticsearch_url, "SEARCH_INDEX_PREFIX": es_prefix, "TASKS_MODE": "rq",
            "REDIS_URL": redis_server.url}


def found_ids(**criteria) -> list[int]:
    return sorted(get_engine().search(SearchQuery(per_page=100, **criteria)).ids)


def drain(connection: Redis) -> None:
    """Work every queue until all are empty, as the worker process would (in this process)."""
    SimpleWorker([queue(name, connection) for name in QUEUES], connection=connection).work(burst=True)


def run_the_schedules_catch_ups(connection: Redis) -> None:
    """What `python -m workers cron` enqueues every minute or so, enqueued once now and worked."""
    # The mail sweep leaves a fresh mail a grace period for its own nudge: the clock moves past it.
    db.session.execute(sa.update(OutgoingMail).values(
        created_at=OutgoingMail.created_at - outgoing_mail.SWEEP_GRACE - dt.timedelta(seconds=1)))
    db.session.commit()
    queue("indexing", connection).enqueue(tasks.relay_outbox)
    queue("mail", connection).enqueue(mail_tasks.sweep_unsent_mail)
    queue("analytics", connection).enqueue(analytics_tasks.rollup_funnel, days_back=1)
    drain(connection)


@pytest.mark.backends("postgresql")  # real services end to end; one backend is enough
def test_with_redis_stopped_the_site_serves_and_afterwards_nothing_is_lost(app, client, redis_server, mail_folder):
    connection = Redis.from_url(redis_server.url)
    recruiter = RecruiterFactory()
    live = VacancyFactory(organisation=recruiter.organisation, title="Social Worker, Fostering")
    draft = VacancyFactory(organisation=recruiter.organisation, title="Team Manager, Adoption",
                           status=VacancyStatus.DRAFT, published_at=None)
    candidate = CandidateFactory()
    db.session.commit()
    drain(connection)
    assert found_ids() == [live.id]

    redis_server.stop()
    # The site keeps serving: searching, reading a job (its view counted), publishing, and mail queued.
    assert client.get("/jobs?q=fostering").status_code == 200
    assert client.get(f"/jobs/{live.id}-{live.slug}").status_code == 200
    sign_in_as(client, recruiter)
    assert client.post(f"/recruit/vacancies/{draft.id}/publish").status_code == 302
    outgoing_mail.queue_mail(candidate, "Your application to Camden", "notice", kind="test",
                             paragraphs=["We have your application."])
    db.session.commit()
    assert db.session.get(type(draft), draft.id).status == VacancyStatus.LIVE  # saved although Redis is away
    assert pending_count(db.session) >= 1
    assert db.session.scalar(sa.select(OutgoingMail.status)) == MailStatus.QUEUED

    redis_server.start()  # back, and empty: every nudge sent while it was away is gone
    run_the_schedules_catch_ups(connection)

    assert found_ids() == sorted([live.id, draft.id])
    assert found_ids(keywords="adoption") == [draft.id]
    assert pending_count(db.session) == 0
    assert len(sent_mail(mail_folder)) == 1
    assert "We have your application." in sent_mail(mail_folder)[0]
    views = db.session.scalar(sa.select(sa.func.sum(FunnelDaily.events))
                              .where(FunnelDaily.kind == FunnelStep.JOB_VIEW.value))
    assert views == 1

    # And running the catch-ups again sends nothing twice.
    run_the_schedules_catch_ups(connection)
    assert len(sent_mail(mail_folder)) == 1
    connection.close()


class SilentMailServer:
    """Accepts connections and never says a word: a worker sending through it hangs mid-task."""

    def __init__(self) -> None:
        self.port = free_port()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.accepted = threading.Event()
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)
            self.accepted.set()

    def close(self) -> None:
        for connection in self.connections:
            connection.close()
        self.listener.close()


class RecordingHandler:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook
        self.messages.append(envelope.content)
        return "250 OK"


def start_worker(app, redis_url: str, smtp_port: int, log: Path) -> subprocess.Popen:
    """`python -m workers worker`, the production process, against this test's database and Redis."""
    env = {
        **os.environ, "CSWJOBS_CONFIG": "test", "HF_HUB_OFFLINE": "1",
        "CSWJOBS_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CSWJOBS_REDIS_URL": redis_url,
        "CSWJOBS_TASKS_MODE": "rq", "CSWJOBS_SEARCH_URL": "", "CSWJOBS_INSTANCE_PATH": app.config["INSTANCE_PATH"],
        "CSWJOBS_SMTP_HOST": "127.0.0.1", "CSWJOBS_SMTP_PORT": str(smtp_port), "CSWJOBS_SMTP_SECURITY": "none",
        "CSWJOBS_SMTP_TIMEOUT": "120",
    }
    return subprocess.Popen([sys.executable, "-m", "workers", "worker"], cwd=ROOT, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def mail_status(mail_id: int) -> MailStatus:
    db.session.expire_all()
    return db.session.scalar(sa.select(OutgoingMail.status).where(OutgoingMail.id == mail_id))


@pytest.mark.backends("postgresql")
def test_a_worker_killed_mid_send_loses_no_mail_and_sends_it_once(app, redis_server, tmp_path):
    silent = SilentMailServer()
    recorder = RecordingHandler()
    smtp = Controller(recorder, hostname="127.0.0.1", port=free_port())
    smtp.start()
    worker_log = tmp_path / "worker.log"
    first = second = None
    try:
        first = start_worker(app, redis_server.url, silent.port, worker_log)
        candidate = CandidateFactory()
        mail = outgoing_mail.queue_mail(candidate, "Shortlisted: Social Worker, Fostering", "notice", kind="test",
                                        paragraphs=["You have been shortlisted."])
        db.session.commit()  # the outbox nudges the worker: relay → send task → the silent server
        mail_id, message_id = mail.id, mail.message_id

        assert silent.accepted.wait(90), "the worker never reached the mail server:\n" + worker_log.read_text()
        assert mail_status(mail_id) == MailStatus.SENDING  # claimed, in the middle of sending
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        silent.close()

        # A new worker starts. The mail stays claimed by the dead one until the claim's lease runs out;
        # then the scheduled sweep hands it to the new worker.
        second = start_worker(app, redis_server.url, smtp.port, worker_log)
        after_lease = outgoing_mail.utcnow() + outgoing_mail.CLAIM_LEASE + dt.timedelta(seconds=1)
        assert outgoing_mail.sweep(now=after_lease) == 1
        wait_until(lambda: mail_status(mail_id) == MailStatus.SENT, "the mail being sent by the new worker", timeout=90)

        assert len(recorder.messages) == 1
        assert f"<{message_id}@".encode() in recorder.messages[0] or message_id.encode() in recorder.messages[0]
        assert b"You have been shortlisted." in recorder.messages[0]
        # Sweeping again (the next minute's run) finds nothing to send.
        assert outgoing_mail.sweep(now=after_lease + dt.timedelta(minutes=1)) == 0
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
        smtp.stop()
        silent.close()
