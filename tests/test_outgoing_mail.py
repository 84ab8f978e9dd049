"""The one way mail leaves the service: queued with the change, sent after the commit, once, never to a bounce."""
from __future__ import annotations

import datetime as dt
import email
import socket
from email import policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from rq import SimpleWorker

from tests.conftest import sent_mail
from tests.factories import CandidateFactory
from webapp import dispatch
from webapp.extensions import db
from webapp.models import BouncedAddress, MailStatus, OutboxMessage, OutgoingMail, utcnow
from webapp.outbox.relay import relay_pending
from webapp.services import ServiceError
from webapp.services import outgoing_mail


def _queue(to, subject="Your application", **context):
    return outgoing_mail.queue_mail(
        to, subject, "notice", kind="test_notice", heading=subject,
        paragraphs=context.pop("paragraphs", ["Thank you for applying."]),
        link=context.pop("link", "https://example.org/applications/1"), link_text="See your application", **context)


def _parsed(raw: str):
    return email.message_from_string(raw, policy=policy.default)


def _row(mail_id: int) -> OutgoingMail:
    db.session.expire_all()
    return db.session.get(OutgoingMail, mail_id)


def test_a_queued_mail_is_sent_after_the_commit_with_text_and_html(app, mail_folder):
    person = CandidateFactory(full_name="Sam Social-Worker", email="Sam@Example.org")
    mail = _queue(person)
    db.session.flush()
    assert sent_mail(mail_folder) == []  # nothing leaves inside the transaction
    db.session.commit()

    [raw] = sent_mail(mail_folder)
    message = _parsed(raw)
    assert message["To"] == "sam@example.org"
    assert message["Subject"] == "Your application"
    assert message["Message-ID"] == f"<{mail.message_id}@cswjobs>"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hello Sam Social-Worker," in text and "Thank you for applying." in text
    assert "See your application: https://example.org/applications/1" in text
    assert '<a href="https://example.org/applications/1"' in html and "Thank you for applying." in html
    row = _row(mail.id)
    assert row.status == MailStatus.SENT and row.sent_at is not None and row.attempts == 1
    assert row.user_id == person.id


def test_a_rolled_back_change_sends_nothing_and_keeps_nothing(app, mail_folder):
    _queue("someone@example.org")
    db.session.flush()
    db.session.rollback()
    assert sent_mail(mail_folder) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == 0


def test_sending_again_never_sends_twice(app, mail_folder):
    mail = _queue("someone@example.org")
    db.session.commit()
    assert len(sent_mail(mail_folder)) == 1
    report = outgoing_mail.send_queued([mail.id, mail.id])
    assert report.sent == 0 and report.skipped == 2
    assert outgoing_mail.sweep() == 0
    assert len(sent_mail(mail_folder)) == 1


def test_html_in_what_a_person_wrote_is_escaped(app, mail_folder):
    _queue("someone@example.org", paragraphs=["<script>alert(1)</script> & more"])
    db.session.commit()
    html = _parsed(sent_mail(mail_folder)[0]).get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def test_a_bounced_address_is_not_mailed_and_the_mail_is_kept_as_suppressed(app, mail_folder):
    outgoing_mail.record_bounce("Gone@Example.org ", "command", "mailbox closed")
    mail = _queue("gone@example.org")
    db.session.commit()
    assert sent_mail(mail_folder) == []
    assert _row(mail.id).status == MailStatus.SUPPRESSED
    assert outgoing_mail.is_bounced("GONE@example.org")


def test_a_bounce_recorded_while_a_mail_waits_stops_it(app, mail_folder):
    mail = _queue("late@example.org")
    db.session.flush()
    outgoing_mail.record_bounce("late@example.org", "webhook", "HardBounce")
    db.session.commit()
    assert sent_mail(mail_folder) == []
    assert _row(mail.id).status == MailStatus.SUPPRESSED


def test_recording_a_bounce_twice_keeps_one_record(app):
    outgoing_mail.record_bounce("twice@example.org", "smtp", "550 no such user")
    outgoing_mail.record_bounce("TWICE@example.org", "webhook", "HardBounce")
    db.session.commit()
    [bounce] = db.session.scalars(sa.select(BouncedAddress)).all()
    assert (bounce.email, bounce.source, bounce.reason) == ("twice@example.org", "smtp", "550 no such user")


@pytest.mark.parametrize("address", ["", "not-an-address", "x" * 250 + "@example.org"])
def test_a_bounce_needs_an_address(app, address):
    with pytest.raises(ServiceError, match="email address that bounced"):
        outgoing_mail.record_bounce(address, "command")


class MailServer:
    """A real SMTP server on this machine (aiosmtpd) that answers as a remote one would: it refuses
    recipients named nobody@ for good (550), and, while ``busy``, defers every message (451)."""

    def __init__(self) -> None:
        self.received: list = []
        self.busy = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.busy:
            return "451 4.3.0 Try again later"
        self.received.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(app, monkeypatch):
    handler = MailServer()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_SECURITY": "none", "SMTP_USERNAME": "",
                        "SMTP_PASSWORD": "", "SMTP_TIMEOUT": 5}.items():
        monkeypatch.setitem(app.config, name, value)
    yield handler
    controller.stop()


def test_a_permanent_refusal_at_send_time_records_the_bounce(app, smtp_server):
    mail = _queue("nobody@example.org")
    db.session.commit()
    row = _row(mail.id)
    assert row.status == MailStatus.BOUNCED and "550" in row.last_error
    bounce = outgoing_mail.bounce_for("nobody@example.org")
    assert bounce.source == "smtp"

    second = _queue("nobody@example.org")
    db.session.commit()
    assert _row(second.id).status == MailStatus.SUPPRESSED and smtp_server.received == []


def test_a_temporary_failure_backs_off_and_the_sweep_sends_it_later(app, smtp_server):
    smtp_server.busy = True
    mail = _queue("later@example.org")
    db.session.commit()
    row = _row(mail.id)
    assert row.status == MailStatus.QUEUED and row.attempts == 1 and "Try again later" in row.last_error
    assert row.next_attempt_at > utcnow()
    assert not outgoing_mail.is_bounced("later@example.org")

    assert outgoing_mail.sweep() == 0  # not due yet
    smtp_server.busy = False
    assert outgoing_mail.sweep(now=row.next_attempt_at + dt.timedelta(seconds=1)) == 1
    row = _row(mail.id)
    assert row.status == MailStatus.SENT and row.attempts == 2 and row.last_error is None
    [delivered] = smtp_server.received
    assert delivered.rcpt_tos == ["later@example.org"]
    assert f"Message-ID: <{mail.message_id}@cswjobs>" in delivered.content.decode()


def test_repeated_temporary_failures_end_as_failed(app, smtp_server):
    smtp_server.busy = True
    mail = _queue("never@example.org")
    db.session.commit()
    later = utcnow()
    for _ in range(outgoing_mail.MAX_ATTEMPTS):
        later += dt.timedelta(hours=3)
        outgoing_mail.send_queued([mail.id], now=later)
    row = _row(mail.id)
    assert row.status == MailStatus.FAILED and row.attempts == outgoing_mail.MAX_ATTEMPTS
    assert smtp_server.received == []


def test_a_claim_whose_worker_died_is_taken_over_after_the_lease(app, mail_folder):
    mail = _queue("crash@example.org")
    db.session.flush()
    # Committed as if a worker had claimed it and died before sending.
    mail.status = MailStatus.SENDING
    mail.claimed_at = utcnow()
    mail.attempts = 1
    db.session.commit()
    assert sent_mail(mail_folder) == []  # the relay's send skipped a mail already claimed
    assert outgoing_mail.sweep() == 0  # within the lease: the worker may still be sending
    assert outgoing_mail.sweep(now=utcnow() + outgoing_mail.CLAIM_LEASE + dt.timedelta(minutes=1)) == 1
    [raw] = sent_mail(mail_folder)
    assert _parsed(raw)["Message-ID"] == f"<{mail.message_id}@cswjobs>"  # the same message, if a copy went
    assert _row(mail.id).status == MailStatus.SENT


def test_nothing_is_lost_when_redis_is_down(app, mail_folder, monkeypatch):
    monkeypatch.setitem(app.config, "TASKS_MODE", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    mail = _queue("patient@example.org")
    db.session.commit()  # the commit succeeds; the nudge fails quietly
    assert sent_mail(mail_folder) == []
    assert _row(mail.id).status == MailStatus.QUEUED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.delivered_at.is_(None))) == 1
    with pytest.raises(Exception):
        outgoing_mail.sweep(now=utcnow() + dt.timedelta(minutes=5))  # Redis still down: the sweep says so

    monkeypatch.setitem(app.config, "TASKS_MODE", "inline")  # Redis is back (in-process, as embedded)
    report = relay_pending()
    assert report.delivered == 1
    assert len(sent_mail(mail_folder)) == 1 and _row(mail.id).status == MailStatus.SENT


def test_the_sweep_sends_a_mail_whose_nudge_was_lost(app, mail_folder, monkeypatch):
    monkeypatch.setitem(app.config, "TASKS_MODE", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    mail = _queue("swept@example.org")
    db.session.commit()
    db.session.execute(sa.update(OutboxMessage).values(delivered_at=utcnow()))  # as if relayed, then lost
    db.session.commit()
    monkeypatch.setitem(app.config, "TASKS_MODE", "inline")
    assert outgoing_mail.sweep() == 0  # a fresh mail gets time for its own nudge first
    assert outgoing_mail.sweep(now=utcnow() + outgoing_mail.SWEEP_GRACE + dt.timedelta(seconds=5)) == 1
    assert len(sent_mail(mail_folder)) == 1 and _row(mail.id).status == MailStatus.SENT


def test_the_send_task_goes_through_redis_to_a_worker(app, mail_folder, monkeypatch, redis_url, clean_redis):
    monkeypatch.setitem(app.config, "TASKS_MODE", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    mail = _queue("queued@example.org")
    db.session.commit()
    relay_pending()  # what the indexing worker does with the outbox row: enqueue the send
    assert sent_mail(mail_folder) == []
    mail_queue = dispatch.queue("mail", connection=clean_redis)
    assert mail_queue.count == 1
    SimpleWorker([mail_queue], connection=clean_redis).work(burst=True)
    assert len(sent_mail(mail_folder)) == 1 and _row(mail.id).status == MailStatus.SENT
