"""The events a council's systems can hear, recorded in the caller's transaction with the change itself.

The services that make each change call one function here (applications.submit and withdraw;
vacancies.close and close_expired_vacancies, which the API's close uses too). The event's row is
published on the outbox like any change (topic webhook.event), so it reaches the endpoints after
the commit even if Redis or a worker is down at the time. Payloads carry ids and links, never the
applicant's name, contact details or statement: the receiver follows the link as a signed-in user.
"""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import sqlalchemy as sa

from webapp.extensions import db
from webapp.models import Application, Organisation, Vacancy, WebhookEndpoint, WebhookEvent, WebhookEventType, utcnow
from webapp.services.outgoing_mail import absolute_url


def _timestamp(moment: dt.datetime | None) -> str | None:
    return moment.replace(microsecond=0).isoformat() + "Z" if moment is not None else None


def _someone_listens(organisation_id: int, event_type: WebhookEventType) -> bool:
    heard = db.session.scalars(
        sa.select(WebhookEndpoint.event_types).where(WebhookEndpoint.organisation_id == organisation_id,
                                                     WebhookEndpoint.enabled.is_(True))
    ).all()
    return any(event_type.value in (types or []) for types in heard)


def record(event_type: WebhookEventType, organisation: Organisation, data: dict[str, Any],
           endpoint: WebhookEndpoint | None = None) -> WebhookEvent | None:
    """Add the event to the session (committed with the caller's change), if any endpoint of the council
    hears it; an endpoint turned off or added later does not get it. The payload is frozen now."""
    if endpoint is None and not _someone_listens(organisation.id, event_type):
        return None
    now = utcnow()
    public_id = "evt_" + secrets.token_hex(16)
    event = WebhookEvent(
        public_id=public_id,
        organisation_id=organisation.id,
        event_type=event_type,
        endpoint_id=endpoint.id if endpoint is not None else None,
        created_at=now,
        payload={
            "id": public_id,
            "type": event_type.value,
            "created": _timestamp(now),
            "council": {"slug": organisation.slug, "name": organisation.name},
            "data": data,
        },
    )
    db.session.add(event)
    return event


def _vacancy(vacancy: Vacancy) -> dict[str, Any]:
    return {
        "id": vacancy.id,
        "reference": vacancy.reference,
        "title": vacancy.title,
        "status": vacancy.status.value,
        "closing_date": vacancy.closing_date.isoformat(),
        "url": absolute_url("jobs.vacancy", vacancy_id=vacancy.id, slug=vacancy.slug),
        "manage_url": absolute_url("recruit.vacancy", vacancy_id=vacancy.id),
    }


def _application(application: Application) -> dict[str, Any]:
    return {
        "id": application.id,
        "status": application.status.value,
        "submitted_at": _timestamp(application.submitted_at or utcnow()),
        "url": absolute_url("recruit.application", application_id=application.id),
    }


def application_submitted(application: Application) -> WebhookEvent | None:
    vacancy = application.vacancy
    return record(WebhookEventType.APPLICATION_SUBMITTED, vacancy.organisation,
                  {"application": _application(application), "vacancy": _vacancy(vacancy)})


def application_withdrawn(application: Application) -> WebhookEvent | None:
    vacancy = application.vacancy
    return record(WebhookEventType.APPLICATION_WITHDRAWN, vacancy.organisation,
                  {"application": {**_application(application), "withdrawn_at": _timestamp(utcnow())},
                   "vacancy": _vacancy(vacancy)})


# Why a vacancy closed, as the payload says it.
CLOSED_BY_COUNCIL = "closed_by_council"  # by a recruiter, or by the council's system through the API
CLOSING_DATE_PASSED = "closing_date_passed"


def vacancy_closed(vacancy: Vacancy, reason: str) -> WebhookEvent | None:
    return record(WebhookEventType.VACANCY_CLOSED, vacancy.organisation,
                  {"vacancy": {**_vacancy(vacancy), "closed_at": _timestamp(vacancy.closed_at)}, "reason": reason})


def sample_event(endpoint: WebhookEndpoint) -> WebhookEvent | None:
    """A harmless event for one endpoint (the "send test event" button), so its developers can check they
    receive and verify it; recorded whoever else listens."""
    return record(WebhookEventType.TEST, db.session.get(Organisation, endpoint.organisation_id),
                  {"message": "A test event from the webhooks page. Nothing changed.", "endpoint_id": endpoint.id},
                  endpoint=endpoint)
