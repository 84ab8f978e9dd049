"""The one way mail leaves the service: queued with the change that caused it, sent by a task after the commit.

    queue_mail(...)  renders the plain-text and HTML parts from templates and adds an OutgoingMail
                     row to the caller's session: it commits (or rolls back) with the change itself.
                     (render_mail + queue_rendered: the same in two steps, for a run queueing hundreds at
                     once with one bounce lookup, e.g. job alerts.)
    after the commit the outbox (topic mail.queued) hands the new rows to `mail_queued`, which enqueues
                     workers.mail_tasks.send_queued_mail (run in-process when tasks are inline).
    send_queued      claims each row (queued → sending, committed before the mail server is called),
                     sends it with its own Message-ID, and marks it sent; a row already claimed or sent
                     is skipped, so a duplicated or retried task never sends it twice.
    sweep            (scheduled) re-enqueues rows still waiting: their nudge was lost because Redis was
                     down, their temporary failure's backoff is over, or the worker that claimed them died
                     (after a lease; the resend carries the same Message-ID).

Addresses that bounced (a 5xx reply at send time, the provider's webhook, or `flask mail record-bounce`)
are recorded and never mailed again; the mail is kept as "suppressed" so its owner can be told.
"""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from dataclasses import dataclass
from typing import Any, Iterable

import sqlalchemy as sa
from flask import current_app, has_request_context, render_template, url_for
from sqlalchemy import event
from sqlalchemy.orm import Session

from webapp.dispatch import SEND_MAIL, enqueue, runs_inline
from webapp.extensions import db
from webapp.mail import send_mail
from webapp.models import BouncedAddress, MailStatus, OutgoingMail, User, utcnow
from webapp.services import ServiceError

log = logging.getLogger(__name__)

# A claim older than this is taken to belong to a worker that died mid-send.
CLAIM_LEASE = dt.timedelta(minutes=10)
# A fresh row gets this long for its after-commit nudge before the sweep steps in.
SWEEP_GRACE = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 8  # temporary failures, backing off from 1 minute to about 2 hours, then "failed"
SWEEP_BATCH = 500
BOUNCE_SOURCES = ("smtp", "webhook", "command")
SUBJECT_MAX = 200


def normalise_address(email: str) -> str:
    # The same rule as account addresses (services.accounts.normalise_email), kept here because
    # accounts sends mail through this module.
    return (email or "").strip().lower()


# --- links and rendering --------------------------------------------------------------------------------

def site_path(endpoint: str, **values: Any) -> str:
    """A path on this site, built with or without a request (workers have none)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


def site_url(path: str) -> str:
    """A link for an email: from SITE_URL, never a request's Host header, which a caller could forge."""
    return current_app.config["SITE_URL"].rstrip("/") + path


def absolute_url(endpoint: str, **values: Any) -> str:
    """A page's address for an email."""
    return site_url(site_path(endpoint, **values))


def _render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    context = {"service_name": current_app.config["SERVICE_NAME"],
               "site_url": current_app.config["SITE_URL"].rstrip("/"), **context}
    if has_request_context():
        return render_template(f"mail/{template}.txt", **context), render_template(f"mail/{template}.html", **context)
    with current_app.test_request_context("/"):
        return render_template(f"mail/{template}.txt", **context), render_template(f"mail/{template}.html", **context)


# --- queueing ---------------------------------------------------------------------------------------------

def queue_mail(to: str | User, subject: str, template: str, *, kind: str, headers: dict[str, str] | None = None,
               session: Session | None = None, **context: Any) -> OutgoingMail:
    """Record an email in the caller's transaction; it is sent after the commit (never inside a request).

    ``to`` is a User (their address, and the mail is theirs: deleted with their account) or an address.
    The parts are ``templates/mail/<template>.txt`` and ``.html``, rendered now with ``context``
    (plus ``service_name`` and ``site_url``), so the mail says what was true when it was caused.
    """
    [mail] = queue_rendered([render_mail(to, subject, template, kind=kind, headers=headers, **context)], session)
    return mail


def render_mail(to: str | User, subject: str, template: str, *, kind: str, headers: dict[str, str] | None = None,
                **context: Any) -> OutgoingMail:
    """An email rendered now (as queue_mail does) but not yet queued: for a run that queues many at once
    with queue_rendered. Rendering needs no database, so one email failing here holds back no other."""
    user = to if isinstance(to, User) else None
    address = normalise_address(user.email if user is not None else str(to))
    if not address or "@" not in address:
        raise ServiceError("Enter an email address to send to.")
    text, html = _render(template, {"user": user, **context})
    return OutgoingMail(
        message_id=uuid.uuid4().hex,
        user_id=user.id if user is not None else None,
        to_address=address,
        kind=kind[:40],
        subject=subject[:SUBJECT_MAX],
        body_text=text,
        body_html=html,
        headers=dict(headers or {}),
        status=MailStatus.QUEUED,
    )


def queue_rendered(mails: list[OutgoingMail], session: Session | None = None) -> list[OutgoingMail]:
    """Add emails from render_mail to the caller's transaction, with one bounce lookup for them all: an
    address that bounced keeps its mail as suppressed, never sent."""
    session = session or db.session
    bounced = bounced_among([m.to_address for m in mails], session)
    for mail in mails:
        if mail.to_address in bounced:
            mail.status = MailStatus.SUPPRESSED
    session.add_all(mails)
    return mails


def mail_queued(session: Session, ids: list[int]) -> None:
    """Outbox handler (mail.queued): hand the committed mails that still wait to the send task."""
    waiting = list(session.scalars(
        sa.select(OutgoingMail.id).where(OutgoingMail.id.in_(ids), OutgoingMail.status == MailStatus.QUEUED)
        .order_by(OutgoingMail.id)
    ))
    if not waiting:
        return
    if runs_inline():
        # In-process, sending now would write on a second connection while the relay's own transaction
        # holds SQLite's write lock: send once the relay has committed (the sweep catches anything missed).
        event.listen(session, "after_commit", lambda committed: _send_after_relay(waiting), once=True)
        return
    # If Redis is down this raises: the outbox message stays pending and the relay tries again.
    enqueue(SEND_MAIL, waiting, queue_name="mail", timeout=600, description=f"send {len(waiting)} mail(s)")


def _send_after_relay(mail_ids: list[int]) -> None:
    try:
        enqueue(SEND_MAIL, mail_ids)
    except Exception:  # noqa: BLE001 - the mail stays queued on its row; the sweep sends it
        log.warning("sending %d mail(s) after the relay failed; the sweep will send them", len(mail_ids),
                    exc_info=True)


# --- sending ----------------------------------------------------------------------------------------------

@dataclass
class SendReport:
    sent: int = 0
    suppressed: int = 0
    bounced: int = 0
    deferred: int = 0
    failed: int = 0
    skipped: int = 0  # already sent, or claimed by another worker


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def permanent_failure(exc: BaseException) -> bool:
    """True when the mail server refused the recipient for good (a 5xx reply), so the address bounced.

    A refused sender (our own From) is our configuration, not the recipient's address: not a bounce.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(500 <= code < 600 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return False
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code in (550, 551, 553, 554)  # mailbox unavailable, not local, name not allowed, refused
    return False


def _claim(session: Session, mail_id: int, now: dt.datetime) -> bool:
    """queued (and due) → sending, or take over a claim whose worker died; committed before sending."""
    claimed = session.execute(
        sa.update(OutgoingMail)
        .where(
            OutgoingMail.id == mail_id,
            sa.or_(
                sa.and_(OutgoingMail.status == MailStatus.QUEUED, OutgoingMail.next_attempt_at <= now),
                sa.and_(OutgoingMail.status == MailStatus.SENDING, OutgoingMail.claimed_at < now - CLAIM_LEASE),
            ),
        )
        .values(status=MailStatus.SENDING, claimed_at=now, attempts=OutgoingMail.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return claimed == 1


def _finish(session: Session, mail_id: int, **values: Any) -> None:
    # A plain UPDATE: an ORM change would publish mail.queued again through the outbox.
    session.execute(sa.update(OutgoingMail).where(OutgoingMail.id == mail_id).values(**values)
                    .execution_options(synchronize_session=False))
    session.commit()


def send_one(session: Session, mail_id: int, now: dt.datetime | None = None) -> str:
    """Send one queued mail if it is still waiting; returns what happened (a SendReport field name)."""
    now = now or utcnow()
    if not _claim(session, mail_id, now):
        return "skipped"
    mail = session.get(OutgoingMail, mail_id, populate_existing=True)
    if mail is None:  # deleted with its account between the claim and now
        return "skipped"
    if is_bounced(mail.to_address, session):
        _finish(session, mail_id, status=MailStatus.SUPPRESSED, claimed_at=None)
        return "suppressed"
    try:
        send_mail(mail.to_address, mail.subject, mail.body_text, mail.body_html, headers=mail.headers or None,
                  message_id=mail.message_id)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row and retried or settled
        reason = f"{type(exc).__name__}: {exc}"[:500]
        if permanent_failure(exc):
            record_bounce(mail.to_address, "smtp", reason, session=session)
            _finish(session, mail_id, status=MailStatus.BOUNCED, last_error=reason, claimed_at=None)
            log.warning("mail %d (%s) bounced at send time", mail_id, mail.kind)
            return "bounced"
        attempts = mail.attempts
        if attempts >= MAX_ATTEMPTS:
            _finish(session, mail_id, status=MailStatus.FAILED, last_error=reason, claimed_at=None)
            log.error("mail %d (%s) failed for good after %d attempts: %s", mail_id, mail.kind, attempts, reason)
            return "failed"
        # Back to the queue with a backoff: the sweep sends it once that has passed.
        _finish(session, mail_id, status=MailStatus.QUEUED, last_error=reason, claimed_at=None,
                next_attempt_at=now + backoff(attempts))
        log.warning("mail %d (%s) deferred after attempt %d: %s", mail_id, mail.kind, attempts, reason)
        return "deferred"
    _finish(session, mail_id, status=MailStatus.SENT, sent_at=utcnow(), last_error=None)
    return "sent"


def send_queued(mail_ids: Iterable[int], now: dt.datetime | None = None) -> SendReport:
    """The send task's work, in a session of its own: each mail claimed, sent and marked on its own, so one
    slow or failing address holds up nobody else's mail. Temporary failures are kept on the row (attempts,
    last error, next attempt) and retried by the sweep rather than by raising."""
    report = SendReport()
    with Session(db.engine) as session:
        for mail_id in mail_ids:
            outcome = send_one(session, int(mail_id), now)
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def due_for_sending(session: Session, now: dt.datetime, limit: int = SWEEP_BATCH) -> list[int]:
    """Mails whose nudge went missing, whose backoff is over, or whose worker died mid-send."""
    return list(session.scalars(
        sa.select(OutgoingMail.id)
        .where(sa.or_(
            sa.and_(OutgoingMail.status == MailStatus.QUEUED, OutgoingMail.next_attempt_at <= now,
                    OutgoingMail.created_at <= now - SWEEP_GRACE),
            sa.and_(OutgoingMail.status == MailStatus.QUEUED, OutgoingMail.attempts > 0,
                    OutgoingMail.next_attempt_at <= now),
            sa.and_(OutgoingMail.status == MailStatus.SENDING, OutgoingMail.claimed_at < now - CLAIM_LEASE),
        ))
        .order_by(OutgoingMail.id)
        .limit(limit)
    ))


def sweep(now: dt.datetime | None = None) -> int:
    """Scheduled: enqueue a send for every mail still waiting (see due_for_sending); how many."""
    now = now or utcnow()
    with Session(db.engine) as session:
        ids = due_for_sending(session, now)
    if ids:
        # The sweep's moment goes with the ids: what it found due is due when the task runs.
        enqueue(SEND_MAIL, ids, now=now, queue_name="mail", timeout=600,
                description=f"send {len(ids)} waiting mail(s)")
    return len(ids)


# --- bounces ----------------------------------------------------------------------------------------------

def bounce_for(email: str, session: Session | None = None) -> BouncedAddress | None:
    session = session or db.session
    return session.scalar(sa.select(BouncedAddress).where(BouncedAddress.email == normalise_address(email)))


def is_bounced(email: str, session: Session | None = None) -> bool:
    return bounce_for(email, session) is not None


def bounced_among(emails: Iterable[str], session: Session | None = None) -> set[str]:
    """Which of these addresses (normalised) bounced: one query per thousand, for a run of many emails."""
    session = session or db.session
    addresses = sorted({normalise_address(e) for e in emails})
    found: set[str] = set()
    for start in range(0, len(addresses), 1000):
        found.update(session.scalars(sa.select(BouncedAddress.email).where(
            BouncedAddress.email.in_(addresses[start:start + 1000]))))
    return found


def record_bounce(email: str, source: str, reason: str = "", session: Session | None = None) -> BouncedAddress:
    """Record that mail to this address cannot be delivered; mail still waiting for it is suppressed.

    Idempotent: a second report for the same address keeps the first record (and its date).
    The caller commits (or, with ``session`` given, this commits nothing either).
    """
    session = session or db.session
    address = normalise_address(email)
    if not address or "@" not in address or len(address) > 254:
        raise ServiceError("Enter the email address that bounced, like name@example.com.")
    if source not in BOUNCE_SOURCES:
        raise ServiceError(f"A bounce comes from one of {', '.join(BOUNCE_SOURCES)}.")
    bounce = bounce_for(address, session)
    if bounce is None:
        # A savepoint: two reports of one address at once must not fail the caller's transaction.
        try:
            with session.begin_nested():
                bounce = BouncedAddress(email=address, source=source, reason=(reason or "")[:500])
                session.add(bounce)
        except sa.exc.IntegrityError:
            bounce = bounce_for(address, session)
    session.execute(
        sa.update(OutgoingMail).where(OutgoingMail.to_address == address, OutgoingMail.status == MailStatus.QUEUED)
        .values(status=MailStatus.SUPPRESSED).execution_options(synchronize_session=False)
    )
    log.info("bounce recorded from %s", source)  # never the address: it is personal data
    return bounce


def clear_bounce(email: str, session: Session | None = None) -> bool:
    """Mail this address again (its owner fixed their mailbox, or changed to it anew); True if one was recorded."""
    session = session or db.session
    return session.execute(
        sa.delete(BouncedAddress).where(BouncedAddress.email == normalise_address(email))
    ).rowcount > 0


# Postmark's bounce webhook (RecordType "Bounce"): the types that mean the address is no good.
PERMANENT_BOUNCE_TYPES = frozenset({"HardBounce", "BadEmailAddress", "ManuallyDeactivated", "SpamComplaint",
                                    "Blocked"})


def record_provider_bounce(payload: Any) -> bool:
    """A bounce reported by the mail provider's webhook (Postmark's shape). True if an address was recorded;
    False for a soft bounce or another record type (acknowledged, nothing kept). Raises ServiceError when the
    payload is not a bounce report at all."""
    if not isinstance(payload, dict) or not isinstance(payload.get("Email"), str) \
            or not isinstance(payload.get("Type"), str):
        raise ServiceError("Send a bounce report as JSON with Email and Type.")
    if payload.get("RecordType", "Bounce") not in ("Bounce", "SpamComplaint"):
        return False
    if payload["Type"] not in PERMANENT_BOUNCE_TYPES and payload.get("Inactive") is not True:
        return False
    description = payload.get("Description") if isinstance(payload.get("Description"), str) else ""
    record_bounce(payload["Email"], "webhook", f"{payload['Type']}: {description}")
    return True



# --- a person's data ----------------------------------------------------------------------------------------

def _theirs(user: User):
    return sa.or_(OutgoingMail.user_id == user.id, OutgoingMail.to_address == normalise_address(user.email))


def export_for(user: User) -> list[dict[str, Any]]:
    """The emails the service sent (or tried to send) this person, for their data download."""
    rows = db.session.scalars(sa.select(OutgoingMail).where(_theirs(user)).order_by(OutgoingMail.created_at))
    return [{"subject": m.subject, "queued_at": m.created_at.isoformat(), "status": m.status.value,
             "sent_at": m.sent_at.isoformat() if m.sent_at else None, "text": m.body_text} for m in rows]


def erase_for(user: User) -> None:
    """Their emails and any bounce recorded for their address go with their account."""
    db.session.execute(sa.delete(OutgoingMail).where(_theirs(user)).execution_options(synchronize_session=False))
    db.session.execute(sa.delete(BouncedAddress).where(BouncedAddress.email == normalise_address(user.email))
                       .execution_options(synchronize_session=False))
