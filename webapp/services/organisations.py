"""A council's own page: what it says about itself and the offer it makes social workers.

Only that council's administrator (ORG_ADMIN) edits it. Nothing here commits; the outbox hooks
see the organisation change, so every job page and search document shows the new offer.
"""
from __future__ import annotations

from typing import Any

from domain.vocabulary import UserRole
from webapp.models import Organisation, User
from webapp.services import NotAllowed, ServiceError
from webapp.services import audit
from domain.postcodes import full_postcode
from webapp.services.vacancies import clean_web_address

ABOUT_MAX = 5000
OFFER_TEXT_MAX = 2000
WEBSITE_MAX = 300
STREET_ADDRESS_MAX = 200
POSTCODE_MAX = 10

# Each field a council administrator writes, with its label (used in messages) and its limit.
OFFER_FIELDS: dict[str, tuple[str, int]] = {
    "about": ("About the council", ABOUT_MAX),
    "offer_pay": ("Pay and benefits", OFFER_TEXT_MAX),
    "offer_caseload": ("Caseloads", OFFER_TEXT_MAX),
    "offer_supervision": ("Supervision", OFFER_TEXT_MAX),
    "offer_development": ("Learning and development", OFFER_TEXT_MAX),
    "offer_hybrid": ("Hybrid and flexible working", OFFER_TEXT_MAX),
    "website": ("Website", WEBSITE_MAX),
    # Where the children's services team works: job adverts name it (search engines ask for it).
    "office_street_address": ("Office address", STREET_ADDRESS_MAX),
    "office_postcode": ("Office postcode", POSTCODE_MAX),
    "logo_url": ("Logo", WEBSITE_MAX),
}


class OfferInvalid(ServiceError):
    """One or more answers break the rules; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def can_edit_offer(user: User, organisation: Organisation) -> bool:
    return user.role == UserRole.ORG_ADMIN and user.organisation_id == organisation.id


def clean_offer(values: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    given = dict(values) if partial else {name: values.get(name) for name in OFFER_FIELDS}
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name, raw in given.items():
        if name not in OFFER_FIELDS:
            continue
        label, limit = OFFER_FIELDS[name]
        if name in ("website", "logo_url"):
            try:
                clean[name] = clean_web_address(raw, max_length=limit)
            except ValueError as problem:
                errors[name] = f"{label} {problem}"
                continue
            if name == "logo_url" and clean[name] and not clean[name].lower().startswith("https://"):
                # Shown on other sites (search results): an http:// image would be blocked there.
                errors[name] = "Logo must be an address starting with https://"
            continue
        if name == "office_postcode":
            text = ("" if raw is None else str(raw)).strip()
            postcode = full_postcode(text) if text else ""
            if postcode is None:
                errors[name] = "Enter the office postcode in full, like N1C 4AG"
            else:
                clean[name] = postcode
            continue
        text = ("" if raw is None else str(raw)).replace("\r\n", "\n").replace("\r", "\n").strip()
        if len(text) > limit:
            errors[name] = f"{label} must be {limit:,} characters or fewer"
        else:
            clean[name] = text
    if errors:
        raise OfferInvalid(errors)
    return clean


def update_offer(user: User, organisation: Organisation, values: dict[str, Any]) -> list[str]:
    """Save the council's page; returns the names of the fields that changed."""
    if not can_edit_offer(user, organisation):
        raise NotAllowed("Only your council's administrator can change its offer.")
    clean = clean_offer(values)
    changed = [name for name in OFFER_FIELDS if getattr(organisation, name) != clean[name]]
    for name in changed:
        setattr(organisation, name, clean[name])
    if changed:
        audit.record(user, "organisation.offer_updated", organisation, organisation_id=organisation.id,
                     changed=changed)
    return changed
