"""What a council administrator does with webhook endpoints: add, change, rotate the secret, test,
turn off and on, delete; and the delivery log they read. Every change goes to the audit log
(with the endpoint's host, never its full address: a query string may hold a receiver's token)."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.models import DeliveryStatus, User, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookEventType, utcnow
from webapp.services import NotAllowed, ServiceError, audit
from webapp.services.paging import one_page
from webapp.services.webhooks import addresses, events, signing
from webapp.services.webhooks.delivery import forget_deliveries

ENDPOINTS_PER_COUNCIL = 10
DESCRIPTION_MAX = 200
PREVIOUS_SECRET_GRACE = dt.timedelta(hours=24)  # the old secret signs too, while receivers switch over
DELIVERIES_PER_PAGE = 25


class EndpointInvalid(ServiceError):
    """One or more answers break the rules; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _check_admin(user: User, organisation_id: int | None = None) -> None:
    if user.role != UserRole.ORG_ADMIN or user.organisation_id is None or (
            organisation_id is not None and user.organisation_id != organisation_id):
        raise NotAllowed("Only your council's administrators can manage its webhooks.")


def endpoints_for(organisation_id: int) -> list[WebhookEndpoint]:
    return list(db.session.scalars(sa.select(WebhookEndpoint).where(WebhookEndpoint.organisation_id == organisation_id)
                                   .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)))


def endpoint_for_admin(user: User, endpoint_id: int) -> WebhookEndpoint | None:
    """The endpoint if it is this administrator's council's; None otherwise (a 404: nobody learns which ids exist)."""
    if user.role != UserRole.ORG_ADMIN or user.organisation_id is None or not 0 < endpoint_id < 2**31:
        return None
    return db.session.scalar(sa.select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id,
                                                              WebhookEndpoint.organisation_id == user.organisation_id))


def clean(url: str, description: str, event_types: list[str]) -> dict:
    errors: dict[str, str] = {}
    try:
        url = addresses.check(url)
    except addresses.AddressRefused as refused:
        errors["url"] = str(refused)
    description = " ".join((description or "").split())
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = f"The description must be {DESCRIPTION_MAX} characters or fewer."
    allowed = [t.value for t in WebhookEventType.subscribable()]
    chosen = [t for t in allowed if t in set(event_types or [])]
    if not chosen or len(chosen) != len(set(event_types or [])):
        errors["event_types"] = "Select the events this endpoint should receive."
    if errors:
        raise EndpointInvalid(errors)
    return {"url": url, "description": description, "event_types": chosen}


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def register(admin: User, url: str, description: str, event_types: list[str]) -> tuple[WebhookEndpoint, str]:
    """A new endpoint, on; returns it and its secret, which is shown this once."""
    _check_admin(admin)
    values = clean(url, description, event_types)
    count = db.session.scalar(sa.select(sa.func.count()).where(WebhookEndpoint.organisation_id == admin.organisation_id))
    if count >= ENDPOINTS_PER_COUNCIL:
        raise EndpointInvalid({"url": f"Your council already has {ENDPOINTS_PER_COUNCIL} endpoints: delete one first."})
    salt = signing.new_salt()
    secret = signing.secret_for(salt)
    endpoint = WebhookEndpoint(organisation_id=admin.organisation_id, created_by_id=admin.id, secret_salt=salt,
                               secret_hint=signing.hint(secret), enabled=True, **values)
    db.session.add(endpoint)
    db.session.flush()
    audit.record(admin, "webhook_endpoint.created", endpoint, organisation_id=endpoint.organisation_id,
                 host=_host(endpoint.url), event_types=endpoint.event_types)
    return endpoint, secret


def update(admin: User, endpoint: WebhookEndpoint, url: str, description: str, event_types: list[str]) -> list[str]:
    """Save changes; the names of the fields that changed."""
    _check_admin(admin, endpoint.organisation_id)
    values = clean(url, description, event_types)
    changed = [name for name, value in values.items() if getattr(endpoint, name) != value]
    for name in changed:
        setattr(endpoint, name, values[name])
    if changed:
        audit.record(admin, "webhook_endpoint.updated", endpoint, organisation_id=endpoint.organisation_id,
                     changed=changed, host=_host(endpoint.url))
    return changed


def rotate_secret(admin: User, endpoint: WebhookEndpoint) -> str:
    """A new secret, shown this once; the old one also signs for PREVIOUS_SECRET_GRACE."""
    _check_admin(admin, endpoint.organisation_id)
    endpoint.previous_secret_salt = endpoint.secret_salt
    endpoint.previous_secret_expires_at = utcnow() + PREVIOUS_SECRET_GRACE
    endpoint.secret_salt = signing.new_salt()
    secret = signing.secret_for(endpoint.secret_salt)
    endpoint.secret_hint = signing.hint(secret)
    audit.record(admin, "webhook_endpoint.secret_rotated", endpoint, organisation_id=endpoint.organisation_id)
    return secret


def turn_off(admin: User, endpoint: WebhookEndpoint) -> None:
    _check_admin(admin, endpoint.organisation_id)
    if not endpoint.enabled:
        raise ServiceError("This endpoint is already off.")
    endpoint.enabled = False
    endpoint.disabled_at = utcnow()
    endpoint.disabled_reason = "Turned off by an administrator."
    audit.record(admin, "webhook_endpoint.turned_off", endpoint, organisation_id=endpoint.organisation_id)


def turn_on(admin: User, endpoint: WebhookEndpoint) -> None:
    """On again, with a clean slate; deliveries still pending are sent at once."""
    _check_admin(admin, endpoint.organisation_id)
    if endpoint.enabled:
        raise ServiceError("This endpoint is already on.")
    now = utcnow()
    endpoint.enabled = True
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.consecutive_failures = 0
    endpoint.failing_since = None
    db.session.execute(sa.update(WebhookDelivery)
                       .where(WebhookDelivery.endpoint_id == endpoint.id,
                              WebhookDelivery.status == DeliveryStatus.PENDING)
                       .values(next_attempt_at=now).execution_options(synchronize_session=False))
    audit.record(admin, "webhook_endpoint.turned_on", endpoint, organisation_id=endpoint.organisation_id)


def delete(admin: User, endpoint: WebhookEndpoint) -> None:
    """Gone, with its delivery log."""
    _check_admin(admin, endpoint.organisation_id)
    audit.record(admin, "webhook_endpoint.deleted", endpoint, organisation_id=endpoint.organisation_id,
                 host=_host(endpoint.url))
    forget_deliveries(sa.select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id))
    db.session.execute(sa.delete(WebhookEvent).where(WebhookEvent.endpoint_id == endpoint.id))  # its test events
    db.session.delete(endpoint)


def send_test_event(admin: User, endpoint: WebhookEndpoint) -> WebhookEvent:
    """A test event for this endpoint alone, sent after the commit (even if the endpoint is off)."""
    _check_admin(admin, endpoint.organisation_id)
    event = events.sample_event(endpoint)
    db.session.flush()
    audit.record(admin, "webhook_endpoint.test_sent", endpoint, organisation_id=endpoint.organisation_id,
                 event=event.public_id)
    return event


def send_again(admin: User, delivery: WebhookDelivery) -> None:
    """One more attempt at a delivery that failed for good, as soon as the delivery task runs."""
    _check_admin(admin, delivery.endpoint.organisation_id)
    if delivery.status != DeliveryStatus.FAILED:
        raise ServiceError("Only a failed delivery can be sent again.")
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = utcnow()
    audit.record(admin, "webhook_delivery.resent", delivery, organisation_id=delivery.endpoint.organisation_id,
                 event=delivery.event.public_id)


# --- the delivery log -------------------------------------------------------------------------------------

def deliveries_page(endpoint: WebhookEndpoint, page: int) -> Pagination:
    """One page of the endpoint's deliveries, newest first; PageNotFound past the last."""
    return one_page(sa.select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
                    .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()), page, DELIVERIES_PER_PAGE)


def delivery_for(endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery | None:
    if not 0 < delivery_id < 2**31:
        return None
    return db.session.scalar(sa.select(WebhookDelivery).where(WebhookDelivery.id == delivery_id,
                                                              WebhookDelivery.endpoint_id == endpoint.id))
