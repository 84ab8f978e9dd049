"""Tells a search engine's indexing API (Google's, by default) when a job page is published or closed.

Off unless INDEXING_NOTIFIER_URL is set. The outbox hands every changed vacancy to
``vacancies_changed``: a notice is written (in the relay's transaction) when a vacancy becomes
live (URL_UPDATED) or stops being live after the engine was told it was (URL_DELETED); the last
notice for a vacancy is what the engine was last told, so repeats write nothing. After the commit
a task sends what is pending in batches (Google's batch endpoint: up to 100 calls in one
multipart/mixed request), and retries failures with backoff. Google wants an OAuth token from a
service account: INDEXING_NOTIFIER_TOKEN_PROVIDER names a function that returns one (see
docs/webhooks.md); INDEXING_NOTIFIER_TOKEN is a fixed bearer token instead.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
import time
from dataclasses import dataclass

import requests
import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Session
from werkzeug.utils import import_string

from webapp.dispatch import SEND_INDEXING_NOTICES, enqueue
from webapp.extensions import db
from webapp.models import IndexingNotice, Vacancy, utcnow
from webapp.services.outgoing_mail import absolute_url

log = logging.getLogger(__name__)

URL_UPDATED = "URL_UPDATED"
URL_DELETED = "URL_DELETED"
PUBLISH_PATH = "/v3/urlNotifications:publish"  # each batched call, as Google's batch endpoint expects
MAX_ATTEMPTS = 8
CLAIM_LEASE = dt.timedelta(minutes=2)
TIMEOUT = (5, 30)


def configured() -> bool:
    return bool(current_app.config.get("INDEXING_NOTIFIER_URL"))


# --- from the outbox ------------------------------------------------------------------------------------

def vacancies_changed(session: Session, ids: list[int]) -> None:
    """Outbox handler (vacancy.changed): note what the engine must be told; send it after the relay's commit."""
    if configured() and note_changes(session, ids):
        orm_event.listen(session, "after_commit", lambda _session: nudge(), once=True)


def _last_told(session: Session, ids: list[int]) -> dict[int, IndexingNotice]:
    newest = (sa.select(sa.func.max(IndexingNotice.id)).where(IndexingNotice.vacancy_id.in_(ids))
              .group_by(IndexingNotice.vacancy_id))
    return {n.vacancy_id: n for n in session.scalars(sa.select(IndexingNotice).where(IndexingNotice.id.in_(newest)))}


def note_changes(session: Session, ids: list[int], today: dt.date | None = None) -> int:
    """Write the notices these vacancies need now; how many. Idempotent."""
    today = today or dt.date.today()
    last = _last_told(session, ids)
    vacancies = {v.id: v for v in session.scalars(sa.select(Vacancy).where(Vacancy.id.in_(ids)))}
    made = 0
    for vacancy_id in ids:
        vacancy, told = vacancies.get(vacancy_id), last.get(vacancy_id)
        told_live = told is not None and told.notice_type == URL_UPDATED
        if vacancy is not None and vacancy.is_live_on(today):
            if told_live:
                continue
            url, notice_type = absolute_url("jobs.vacancy", vacancy_id=vacancy.id, slug=vacancy.slug), URL_UPDATED
        elif told_live:
            url, notice_type = told.url, URL_DELETED  # the address the engine holds, even if the title changed since
        else:
            continue
        session.add(IndexingNotice(vacancy_id=vacancy_id, url=url, notice_type=notice_type))
        made += 1
    session.flush()
    return made


def nudge() -> None:
    try:
        enqueue(SEND_INDEXING_NOTICES, queue_name="webhooks", timeout=600, retries=0, description="indexing notices")
    except Exception:  # noqa: BLE001 - the notices are committed; the scheduled sweep sends them
        log.warning("indexing notices could not be started now; the scheduled sweep will send them", exc_info=True)


# --- sending ----------------------------------------------------------------------------------------------

@dataclass
class NoticeReport:
    sent: int = 0
    failed: int = 0
    batches: int = 0


def bearer_token() -> str | None:
    """A fresh token from the configured provider (`module:function`), else the fixed token, else none."""
    provider = current_app.config.get("INDEXING_NOTIFIER_TOKEN_PROVIDER")
    if provider:
        return import_string(provider.strip())()
    return current_app.config.get("INDEXING_NOTIFIER_TOKEN")


def batch_request(notices: list[IndexingNotice]) -> tuple[str, bytes]:
    """(Content-Type, body) of one multipart/mixed batch, each part an HTTP call named by its notice's id."""
    boundary = "cswjobs_batch_" + secrets.token_hex(8)
    parts = []
    for notice in notices:
        call = json.dumps({"url": notice.url, "type": notice.notice_type})
        parts.append(
            f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: <notice-{notice.id}>\r\n\r\n"
            f"POST {PUBLISH_PATH} HTTP/1.1\r\nContent-Type: application/json\r\naccept: application/json\r\n"
            f"content-length: {len(call.encode())}\r\n\r\n{call}\r\n"
        )
    return f"multipart/mixed; boundary={boundary}", ("".join(parts) + f"--{boundary}--\r\n").encode()


_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.I)
_CONTENT_ID = re.compile(r"content-id:\s*<response-notice-(\d+)>", re.I)
_STATUS = re.compile(r"^HTTP/\d(?:\.\d)?\s+(\d{3})", re.M)


def batch_answers(content_type: str, body: bytes) -> dict[int, int]:
    """Each notice's status from a batch response (by the Content-ID its part echoes: response-notice-<id>)."""
    found = _BOUNDARY.search(content_type or "")
    if not found:
        return {}
    answers = {}
    for part in body.decode("utf-8", "replace").split("--" + found.group(1)):
        ident, status = _CONTENT_ID.search(part), _STATUS.search(part)
        if ident and status:
            answers[int(ident.group(1))] = int(status.group(1))
    return answers


def _claim(session: Session, now: dt.datetime, limit: int) -> list[IndexingNotice]:
    ids = list(session.scalars(
        sa.select(IndexingNotice.id).where(IndexingNotice.sent_at.is_(None), IndexingNotice.next_attempt_at <= now,
                                           IndexingNotice.attempts < MAX_ATTEMPTS)
        .order_by(IndexingNotice.id).limit(limit)
    ))
    claimed = []
    for notice_id in ids:  # one row at a time: a row another sender took first is simply skipped
        taken = session.execute(
            sa.update(IndexingNotice)
            .where(IndexingNotice.id == notice_id, IndexingNotice.sent_at.is_(None),
                   IndexingNotice.next_attempt_at <= now)
            .values(next_attempt_at=now + CLAIM_LEASE).execution_options(synchronize_session=False)
        ).rowcount == 1
        if taken:
            claimed.append(notice_id)
    session.commit()
    return list(session.scalars(sa.select(IndexingNotice).where(IndexingNotice.id.in_(claimed))
                                .order_by(IndexingNotice.id))) if claimed else []


def _backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=2 ** attempts), dt.timedelta(hours=6))


def _send_batch(notices: list[IndexingNotice], now: dt.datetime) -> int:
    """Send one batch and record each notice's answer; how many were accepted."""
    content_type, body = batch_request(notices)
    headers = {"Content-Type": content_type}
    started = time.perf_counter()
    answers: dict[int, int] = {}
    error = ""
    try:
        token = bearer_token()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = requests.post(current_app.config["INDEXING_NOTIFIER_URL"], data=body, headers=headers,
                                 timeout=TIMEOUT, allow_redirects=False)
        if response.status_code == 200:
            answers = batch_answers(response.headers.get("Content-Type", ""), response.content)
        else:
            error = f"The batch endpoint answered {response.status_code}."
    except requests.RequestException as exc:
        error = f"The batch request failed ({type(exc).__name__})."
    except Exception as exc:  # noqa: BLE001 - a token provider's failure is recorded on the notices and retried
        error = f"No token for the indexing API ({type(exc).__name__})."
    accepted = 0
    for notice in notices:
        notice.attempts += 1
        status = answers.get(notice.id)
        notice.response_status = status
        if status is not None and 200 <= status < 300:
            notice.sent_at = now
            notice.last_error = ""
            accepted += 1
        else:
            notice.last_error = (error or (f"The call answered {status}." if status is not None
                                           else "The batch answer had no part for this notice."))[:300]
            notice.next_attempt_at = now + _backoff(notice.attempts)
    log.info("indexing notices: batch of %d, %d accepted, in %.0f ms%s", len(notices), accepted,
             (time.perf_counter() - started) * 1000, f" ({error})" if error else "")
    return accepted


def send_pending(now: dt.datetime | None = None, max_batches: int = 20) -> NoticeReport:
    """Send every notice that is due, in batches, in a session of this task's own."""
    report = NoticeReport()
    if not configured():
        return report
    size = current_app.config["INDEXING_NOTIFIER_BATCH_SIZE"]
    with Session(db.engine) as session:
        for _ in range(max_batches):
            moment = now or utcnow()
            notices = _claim(session, moment, size)
            if not notices:
                break
            accepted = _send_batch(notices, moment)
            session.commit()
            report.batches += 1
            report.sent += accepted
            report.failed += len(notices) - accepted
            if len(notices) < size:
                break
    return report
