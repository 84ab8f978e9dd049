"""The outbox topics, and which models' changes are published under each: one place to add a new one."""
from __future__ import annotations

from webapp.models import CandidateProfile, Organisation, OutgoingMail, Vacancy, WebhookEvent

VACANCY_CHANGED = "vacancy.changed"
ORGANISATION_CHANGED = "organisation.changed"
PROFILE_CHANGED = "profile.changed"
# Published when a mail is queued; its sender changes the row with plain UPDATEs, which publish nothing.
MAIL_QUEUED = "mail.queued"
# A council webhook event recorded with its change (webapp.services.webhooks.events): deliveries follow.
WEBHOOK_EVENT = "webhook.event"

TOPICS: dict[type, str] = {
    Vacancy: VACANCY_CHANGED,
    Organisation: ORGANISATION_CHANGED,
    CandidateProfile: PROFILE_CHANGED,
    OutgoingMail: MAIL_QUEUED,
    WebhookEvent: WEBHOOK_EVENT,
}
