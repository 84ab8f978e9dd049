"""The indexing notifier: job pages announced to a stand-in of Google's Indexing API batch endpoint,
started by the test on 127.0.0.1, which reads each batch as Google does and answers part by part."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import re

import pytest
from flask import current_app
import sqlalchemy as sa

from domain.vocabulary import VacancyStatus
from tests.factories import OrganisationFactory, RecruiterFactory, VacancyFactory
from tests.receivers import Receiver
from webapp.extensions import db
from webapp.models import IndexingNotice, utcnow
from webapp.services import indexing_notifier, vacancies

TOKEN = "ya29.stand-in-token"


def token_from_provider() -> str:
    """A token provider as INDEXING_NOTIFIER_TOKEN_PROVIDER names one (`tests.test_indexing_notifier:...`)."""
    return "from-the-provider"


class IndexingApi:
    """Google's batch endpoint as far as the notifier sees it: multipart/mixed in, one HTTP call a part,
    multipart/mixed out, each answer's Content-ID `response-<the call's Content-ID>`."""

    def __init__(self, failing_urls: set[str] = frozenset(), batch_status: int = 200):
        self.failing_urls = set(failing_urls)
        self.batch_status = batch_status
        self.batches: list[list[dict]] = []
        self.authorizations: list[str | None] = []
        self.receiver = Receiver([self.answer])

    def answer(self, received):
        self.authorizations.append(received.headers.get("authorization"))
        if self.batch_status != 200:
            return self.batch_status, {}, b"unavailable"
        message = email.message_from_bytes(
            b"Content-Type: " + received.headers["content-type"].encode() + b"\r\n\r\n" + received.body,
            policy=email.policy.HTTP)
        calls, parts = [], []
        for part in message.iter_parts():
            assert part.get_content_type() == "application/http"
            request_line, _, rest = part.get_payload().partition("\r\n")
            assert request_line == "POST /v3/urlNotifications:publish HTTP/1.1"
            call = json.loads(rest.split("\r\n\r\n", 1)[1])
            calls.append(call)
            status = "500 Internal Server Error" if call["url"] in self.failing_urls else "200 OK"
            parts.append(f"--batch_answer\r\nContent-Type: application/http\r\n"
                         f"Content-ID: <response-{part['Content-ID'].strip('<>')}>\r\n\r\n"
                         f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n\r\n"
                         f"{json.dumps({'urlNotificationMetadata': {'url': call['url']}})}\r\n")
        self.batches.append(calls)
        body = ("".join(parts) + "--batch_answer--\r\n").encode()
        return 200, {"Content-Type": "multipart/mixed; boundary=batch_answer"}, body

    def notices(self) -> list[tuple[str, str]]:
        return [(call["url"], call["type"]) for batch in self.batches for call in batch]


@pytest.fixture
def api():
    stand_in = IndexingApi()
    with stand_in.receiver:
        yield stand_in


@pytest.fixture
def configured(app, api):
    app.config.update(INDEXING_NOTIFIER_URL=api.receiver.url + "/batch", INDEXING_NOTIFIER_TOKEN=TOKEN)
    return api


def _page(vacancy) -> str:
    return f"{current_app.config['SITE_URL']}/jobs/{vacancy.id}-{vacancy.slug}"


def test_off_unless_configured(app, api):
    recruiter = RecruiterFactory()
    vacancy = VacancyFactory(organisation=recruiter.organisation)
    db.session.commit()
    vacancies.close(recruiter, vacancy)
    db.session.commit()
    assert indexing_notifier.send_pending().sent == 0
    assert api.batches == [] and db.session.scalar(sa.select(sa.func.count()).select_from(IndexingNotice)) == 0


def test_a_page_is_announced_when_published_and_withdrawn_when_closed(app, configured):
    recruiter = RecruiterFactory()
    draft = VacancyFactory(organisation=recruiter.organisation, status=VacancyStatus.DRAFT, published_at=None)
    db.session.commit()
    assert configured.batches == []  # a draft has no public page

    vacancies.publish(recruiter, draft)
    db.session.commit()
    assert configured.notices() == [(_page(draft), "URL_UPDATED")]
    assert configured.authorizations == [f"Bearer {TOKEN}"]

    draft.summary = "A new summary: the page changes, but the engine was told it exists already."
    db.session.commit()
    assert len(configured.batches) == 1

    announced = _page(draft)
    draft.title, draft.slug = "Senior Practitioner", "senior-practitioner"  # its address changes while live
    db.session.commit()
    vacancies.close(recruiter, draft)
    db.session.commit()
    # Withdrawn at the address the engine was given, which is the one it holds.
    assert configured.notices() == [(announced, "URL_UPDATED"), (announced, "URL_DELETED")]
    assert announced != _page(draft)
    notices = db.session.scalars(sa.select(IndexingNotice).order_by(IndexingNotice.id)).all()
    assert all(n.sent_at is not None and n.response_status == 200 and n.attempts == 1 for n in notices)


def test_expired_vacancies_are_withdrawn_in_one_batch_split_at_the_batch_size(app, configured):
    app.config["INDEXING_NOTIFIER_BATCH_SIZE"] = 2
    organisation = OrganisationFactory()
    jobs = [VacancyFactory(organisation=organisation, closing_date=dt.date.today() + dt.timedelta(days=1))
            for _ in range(5)]
    db.session.commit()
    assert [len(batch) for batch in configured.batches] == [2, 2, 1]
    assert sorted(configured.notices()) == sorted((_page(v), "URL_UPDATED") for v in jobs)

    assert vacancies.close_expired_vacancies(today=dt.date.today() + dt.timedelta(days=2)) == 5
    # The relay judged "live" by today's date: the closed status is what withdraws them.
    deleted = [n for n in configured.notices() if n[1] == "URL_DELETED"]
    assert sorted(deleted) == sorted((_page(v), "URL_DELETED") for v in jobs)
    assert [len(batch) for batch in configured.batches] == [2, 2, 1, 2, 2, 1]


def test_failed_notices_are_retried_with_backoff(app, configured):
    recruiter = RecruiterFactory()
    good, bad = VacancyFactory(organisation=recruiter.organisation), VacancyFactory(organisation=recruiter.organisation)
    configured.failing_urls = {_page(bad)}
    db.session.commit()
    failed = db.session.scalars(sa.select(IndexingNotice).where(IndexingNotice.sent_at.is_(None))).one()
    assert failed.url == _page(bad) and failed.attempts == 1 and failed.last_error == "The call answered 500."
    assert failed.next_attempt_at > utcnow() + dt.timedelta(minutes=1)

    configured.failing_urls = set()
    configured.batch_status = 503
    later = failed.next_attempt_at
    report = indexing_notifier.send_pending(now=later)
    assert (report.sent, report.failed) == (0, 1)
    db.session.refresh(failed)
    assert failed.attempts == 2 and failed.last_error == "The batch endpoint answered 503."

    configured.batch_status = 200
    assert indexing_notifier.send_pending(now=failed.next_attempt_at).sent == 1
    assert configured.notices().count((_page(bad), "URL_UPDATED")) == 2  # once refused, then accepted
    assert configured.notices().count((_page(good), "URL_UPDATED")) == 1  # never sent twice
    assert indexing_notifier.send_pending(now=later + dt.timedelta(days=1)).sent == 0


def test_a_token_provider_gives_each_batch_a_fresh_token(app, configured):
    app.config["INDEXING_NOTIFIER_TOKEN_PROVIDER"] = "tests.test_indexing_notifier:token_from_provider"
    VacancyFactory()
    db.session.commit()
    assert configured.authorizations == ["Bearer from-the-provider"]


def test_a_batch_answer_is_read_part_by_part():
    notices = [IndexingNotice(id=7, url="https://jobs.example/jobs/1-a", notice_type="URL_UPDATED"),
               IndexingNotice(id=9, url="https://jobs.example/jobs/2-b", notice_type="URL_DELETED")]
    content_type, body = indexing_notifier.batch_request(notices)
    boundary = re.search(r"boundary=(\S+)", content_type).group(1)
    assert body.decode().count(f"--{boundary}\r\n") == 2 and body.decode().endswith(f"--{boundary}--\r\n")
    assert "Content-ID: <notice-9>" in body.decode() and '"type": "URL_DELETED"' in body.decode()
    answer = (b"--x\r\nContent-Type: application/http\r\nContent-ID: <response-notice-7>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{}\r\n"
              b"--x\r\nContent-Type: application/http\r\nContent-ID: <response-notice-9>\r\n\r\n"
              b"HTTP/1.1 429 Too Many Requests\r\n\r\n{}\r\n--x--\r\n")
    assert indexing_notifier.batch_answers('multipart/mixed; boundary="x"', answer) == {7: 200, 9: 429}
    assert indexing_notifier.batch_answers("application/json", b"{}") == {}
