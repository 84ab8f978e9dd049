"""Delivering webhook events: one delivery per (event, endpoint), signed, retried with backoff, logged.

The outbox hands each committed event to ``events_recorded`` (in the relay's transaction), which
makes its deliveries; once that commits, the delivery task sends them (``deliver_due``). A failed
attempt waits RETRY_DELAYS before the next, about three days in all; the scheduled sweep sends
whatever is due, so a retry, or a nudge lost with Redis, is never forgotten. An endpoint failing
for long enough is turned off and its council's administrators are told.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass

import requests
import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Session, joinedload

from domain.vocabulary import UserRole
from webapp.dispatch import DELIVER_WEBHOOKS, enqueue
from webapp.extensions import db
from webapp.models import (
    DeliveryStatus,
    User,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookEventType,
    utcnow,
)
from webapp.services import audit
from webapp.services.outgoing_mail import absolute_url, queue_mail
from webapp.services.webhooks import addresses, signing

log = logging.getLogger(__name__)

# After the first attempt fails, the next ones wait this long: nine attempts over about three days.
RETRY_DELAYS = [dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2),
                dt.timedelta(hours=5), dt.timedelta(hours=10), dt.timedelta(hours=24), dt.timedelta(hours=24)]
CLAIM_LEASE = dt.timedelta(minutes=2)  # longer than any attempt can take (connect + WEBHOOK_TIMEOUT)
CONNECT_TIMEOUT = 5
USER_AGENT = "cswjobs-webhooks/1"
BATCH = 50
LOG_KEPT = dt.timedelta(days=90)  # the delivery log's memory: long enough to investigate, no longer


def retry_schedule() -> list[str]:
    """RETRY_DELAYS as people read them ("1 minute", "2 hours"), for the page that explains them."""
    def said(delay: dt.timedelta) -> str:
        minutes = int(delay.total_seconds() // 60)
        number, unit = (minutes // 60, "hour") if minutes >= 60 else (minutes, "minute")
        return f"{number} {unit}{'' if number == 1 else 's'}"
    return [said(delay) for delay in RETRY_DELAYS]


# --- from the outbox ------------------------------------------------------------------------------------

def events_recorded(session: Session, event_ids: list[int]) -> None:
    """Outbox handler (webhook.event): make each event's deliveries in the relay's transaction, and send
    them once it commits (before, a worker could look for them and find nothing). Idempotent."""
    made = fan_out(session, event_ids)
    if made:
        orm_event.listen(session, "after_commit", lambda _session: nudge(made), once=True)


def fan_out(session: Session, event_ids: list[int]) -> list[int]:
    """A pending delivery for each endpoint that hears each event (a test event: its one endpoint); the new ids."""
    events = list(session.scalars(sa.select(WebhookEvent).where(WebhookEvent.id.in_(event_ids))))
    if not events:
        return []
    existing = {tuple(row) for row in session.execute(
        sa.select(WebhookDelivery.event_id, WebhookDelivery.endpoint_id).where(WebhookDelivery.event_id.in_(event_ids))
    )}
    organisation_ids = {e.organisation_id for e in events if e.endpoint_id is None}
    endpoints = list(session.scalars(
        sa.select(WebhookEndpoint).where(WebhookEndpoint.organisation_id.in_(organisation_ids),
                                         WebhookEndpoint.enabled.is_(True))
    )) if organisation_ids else []
    now = utcnow()
    made = []
    for event in events:
        if event.endpoint_id is not None:
            targets = [event.endpoint_id]
        else:
            targets = [e.id for e in endpoints
                       if e.organisation_id == event.organisation_id and e.hears(event.event_type.value)]
        for endpoint_id in targets:
            if (event.id, endpoint_id) in existing:
                continue
            made.append(WebhookDelivery(event_id=event.id, endpoint_id=endpoint_id, next_attempt_at=now,
                                        created_at=now))
    session.add_all(made)
    session.flush()
    return [d.id for d in made]


def nudge(delivery_ids: list[int] | None = None) -> None:
    """Send these deliveries (or everything due) now; if Redis is down they wait for the scheduled sweep.
    Naming them keeps the work a commit started to its own events: on the embedded default it runs in
    the request, which must not also take on every other retry that happens to be due."""
    try:
        enqueue(DELIVER_WEBHOOKS, delivery_ids, queue_name="webhooks", timeout=900, retries=0,
                description="deliver webhooks")
    except Exception:  # noqa: BLE001 - the deliveries are committed; the sweep sends them within a minute
        log.warning("webhook delivery could not be started now; the scheduled sweep will send it", exc_info=True)


# --- sending ----------------------------------------------------------------------------------------------

@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0  # attempts that failed (retried later, or given up)
    skipped: int = 0  # claimed by another worker first
    deferred: int = 0  # left for the next run: their endpoint failed earlier in this one


def body_of(event: WebhookEvent) -> bytes:
    """The request body: the frozen payload, the same bytes on every retry."""
    return json.dumps(event.payload, separators=(",", ":"), ensure_ascii=False).encode()


def signing_secrets(endpoint: WebhookEndpoint, now: dt.datetime) -> list[str]:
    current = [signing.secret_for(endpoint.secret_salt)]
    if endpoint.previous_secret_salt and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now:
        current.append(signing.secret_for(endpoint.previous_secret_salt))
    return current


def request_headers(delivery: WebhookDelivery, body: bytes, now: dt.datetime) -> dict[str, str]:
    event = delivery.event
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "CSWJobs-Event": event.event_type.value,
        "CSWJobs-Event-Id": event.public_id,
        "CSWJobs-Delivery": str(delivery.id),
        "CSWJobs-Attempt": str(delivery.attempts + 1),
        signing.SIGNATURE_HEADER: signing.signature_header(signing_secrets(delivery.endpoint, now), body),
    }


def due(session: Session, now: dt.datetime, limit: int = BATCH, delivery_ids: list[int] | None = None,
        leave_out: set[int] = frozenset()) -> list[tuple[int, int]]:
    """(delivery, endpoint) ids of pending deliveries whose time has come, to endpoints that are on (a test event
    goes even to one that is off), except to the endpoints in ``leave_out``."""
    query = (
        sa.select(WebhookDelivery.id, WebhookDelivery.endpoint_id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now,
               sa.or_(WebhookEndpoint.enabled.is_(True), WebhookEvent.event_type == WebhookEventType.TEST))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    if delivery_ids is not None:
        query = query.where(WebhookDelivery.id.in_(delivery_ids))
    if leave_out:
        query = query.where(WebhookDelivery.endpoint_id.not_in(leave_out))
    return [tuple(row) for row in session.execute(query)]


def _claim(session: Session, delivery_id: int, now: dt.datetime) -> bool:
    """Take the delivery for this worker for CLAIM_LEASE, so two workers never send it at once."""
    # An endpoint turned off since the delivery was found (by an earlier attempt in this batch) is left alone.
    enabled = sa.select(WebhookEndpoint.id).where(WebhookEndpoint.enabled.is_(True))
    test_events = sa.select(WebhookEvent.id).where(WebhookEvent.event_type == WebhookEventType.TEST)
    claimed = session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == DeliveryStatus.PENDING,
               WebhookDelivery.next_attempt_at <= now,
               sa.or_(WebhookDelivery.endpoint_id.in_(enabled), WebhookDelivery.event_id.in_(test_events)))
        .values(next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    session.commit()
    return claimed


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """(the answer's status, or None and why there was none). Redirects are not followed (they could
    lead anywhere) and the answer's body is never read (it could be huge, and we keep none of it)."""
    try:
        addresses.check(url)  # a fresh lookup: the name may point somewhere private since it was saved
    except addresses.AddressRefused as refused:
        return None, str(refused)
    with requests.Session() as http:
        http.trust_env = False  # no proxy from the environment: the address checked is the one connected to
        try:
            response = http.post(url, data=body, headers=headers, allow_redirects=False, stream=True,
                                 timeout=(CONNECT_TIMEOUT, current_app.config["WEBHOOK_TIMEOUT"]))
        except requests.Timeout:
            return None, f"No answer within {current_app.config['WEBHOOK_TIMEOUT']} seconds."
        except requests.exceptions.SSLError:
            return None, "The endpoint's HTTPS certificate could not be verified."
        except requests.ConnectionError:
            return None, "Could not connect to the endpoint."
        except requests.RequestException as exc:
            return None, f"The request failed ({type(exc).__name__})."
        response.close()
        return response.status_code, ""


def attempt(session: Session, delivery: WebhookDelivery, now: dt.datetime) -> bool:
    """Send the delivery once and record what happened; True if the endpoint took it (2xx)."""
    body = body_of(delivery.event)
    headers = request_headers(delivery, body, now)
    started = time.perf_counter()
    status, error = _post(delivery.endpoint.url, body, headers)
    duration_ms = int((time.perf_counter() - started) * 1000)
    ok = status is not None and 200 <= status < 300
    if status is not None and not ok:
        error = (f"The endpoint answered {status}; redirects are not followed." if 300 <= status < 400
                 else f"The endpoint answered {status}.")
    # Added by id, not appended to attempt_log: that would load every earlier attempt first.
    session.add(WebhookAttempt(delivery_id=delivery.id, attempted_at=now, response_status=status, error=error[:300],
                               duration_ms=duration_ms))
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_status = status
    delivery.last_error = error[:300]
    is_test = delivery.event.event_type == WebhookEventType.TEST
    if ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif is_test or delivery.attempts > len(RETRY_DELAYS):  # a test event is tried once: the page shows why
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    if not is_test:
        _count(session, delivery.endpoint, ok, now)
    # Ids, statuses and timings only: the address may carry a receiver's token in its query.
    log.info("webhook delivery %d (endpoint %d, %s) attempt %d: %s in %d ms", delivery.id, delivery.endpoint_id,
             delivery.event.event_type.value, delivery.attempts, status if status is not None else "no answer",
             duration_ms)
    return ok


def _count(session: Session, endpoint: WebhookEndpoint, ok: bool, now: dt.datetime) -> None:
    """Keep the endpoint's run of failures, and turn it off when the run is long enough."""
    # Read again, locked (PostgreSQL) until this attempt commits: workers sending to one endpoint at once
    # must not lose each other's counts.
    session.refresh(endpoint, with_for_update=True)
    if ok:
        endpoint.consecutive_failures = 0
        endpoint.failing_since = None
        endpoint.last_success_at = now
        return
    endpoint.consecutive_failures += 1
    endpoint.failing_since = endpoint.failing_since or now
    config = current_app.config
    if (endpoint.enabled and endpoint.consecutive_failures >= config["WEBHOOK_DISABLE_AFTER_FAILURES"]
            and now - endpoint.failing_since >= dt.timedelta(hours=config["WEBHOOK_DISABLE_AFTER_HOURS"])):
        endpoint.enabled = False
        endpoint.disabled_at = now
        endpoint.disabled_reason = (f"Turned off after {endpoint.consecutive_failures} failed attempts in a row "
                                    f"since {endpoint.failing_since:%d %B %Y %H:%M} UTC.")
        audit.record(None, "webhook_endpoint.turned_off", endpoint, organisation_id=endpoint.organisation_id,
                     session=session, consecutive_failures=endpoint.consecutive_failures)
        tell_administrators(session, endpoint)


def deliver_due(delivery_ids: list[int] | None = None, now: dt.datetime | None = None,
                max_batches: int = 20) -> DeliveryReport:
    """Send every delivery that is due (or only these), in a session of this task's own.

    An endpoint that fails is tried no more in this run: its other deliveries wait for the next sweep, so
    one council's endpoint timing out never holds up everyone else's events (nor is it hammered)."""
    report = DeliveryReport()
    struggling: set[int] = set()
    with Session(db.engine) as session:
        for _ in range(max_batches):
            moment = now or utcnow()
            found = due(session, moment, BATCH, delivery_ids, leave_out=struggling)
            for delivery_id, endpoint_id in found:
                if endpoint_id in struggling:
                    report.deferred += 1
                    continue
                if not _claim(session, delivery_id, moment):
                    report.skipped += 1
                    continue
                delivery = session.get(WebhookDelivery, delivery_id, options=[
                    joinedload(WebhookDelivery.event), joinedload(WebhookDelivery.endpoint)])
                if attempt(session, delivery, moment):
                    report.delivered += 1
                else:
                    report.failed += 1
                    struggling.add(endpoint_id)
                session.commit()
            if len(found) < BATCH or delivery_ids is not None:
                break
    return report


def purge_log(now: dt.datetime | None = None) -> int:
    """Forget events older than LOG_KEPT whose deliveries are all finished, with their deliveries and
    attempts (bulk deletes: SQLite does not enforce the foreign keys' cascades); how many events."""
    cutoff = (now or utcnow()) - LOG_KEPT
    unfinished = sa.select(WebhookDelivery.event_id).where(WebhookDelivery.status == DeliveryStatus.PENDING)
    old = list(db.session.scalars(sa.select(WebhookEvent.id).where(WebhookEvent.created_at < cutoff,
                                                                    WebhookEvent.id.not_in(unfinished))))
    if old:
        forget_deliveries(sa.select(WebhookDelivery.id).where(WebhookDelivery.event_id.in_(old)))
        db.session.execute(sa.delete(WebhookEvent).where(WebhookEvent.id.in_(old)))
    return len(old)


def forget_deliveries(delivery_ids: sa.Select) -> None:
    """Delete these deliveries and their attempts, in the caller's transaction."""
    ids = list(db.session.scalars(delivery_ids))
    if ids:
        db.session.execute(sa.delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids)))
        db.session.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.id.in_(ids)))


def tell_administrators(session: Session, endpoint: WebhookEndpoint) -> None:
    """Mail the council's administrators that the endpoint was turned off: queued in the same transaction, so
    the mail goes if and only if the endpoint really was turned off."""
    administrators = session.scalars(sa.select(User).where(User.organisation_id == endpoint.organisation_id,
                                                           User.role == UserRole.ORG_ADMIN)).all()
    for administrator in administrators:
        queue_mail(administrator, "A webhook endpoint has been turned off", "notice", kind="webhook_turned_off",
                   session=session, heading="A webhook endpoint has been turned off", paragraphs=[
                       f"Your council's webhook endpoint ‘{endpoint.description or endpoint.url}’ has been turned "
                       f"off. {endpoint.disabled_reason}",
                       "Events are not sent to it while it is off. Once your developers have fixed it, send a test "
                       "event and turn it back on from its page."],
                   link=absolute_url("webhooks.endpoint", endpoint_id=endpoint.id), link_text="Go to the endpoint")
