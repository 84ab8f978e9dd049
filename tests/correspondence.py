"""A small world for the notifications, messages and inbox tests: two councils, their recruiters, two social
workers and an application, and helpers to read the mail the service sent."""
from __future__ import annotations

import email
from dataclasses import dataclass
from email import policy
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from tests.factories import CandidateFactory, CandidateProfileFactory, OrganisationFactory, RecruiterFactory, VacancyFactory
from webapp.extensions import db
from webapp.models import Application, MailFrequency, OutgoingMail, User, Vacancy
from webapp.services import applications as pipeline


@dataclass
class World:
    council: object
    recruiter: User
    colleague: User  # a second recruiter at the same council, who chose a daily digest
    other_recruiter: User  # another council's
    candidate: User
    other_candidate: User
    vacancy: Vacancy
    application: Application


def build_world() -> World:
    council = OrganisationFactory(name="Croydon", slug="croydon")
    other = OrganisationFactory(name="Hackney", slug="hackney")
    recruiter = RecruiterFactory(organisation=council, full_name="Rita Recruiter", email="rita@croydon.example")
    colleague = RecruiterFactory(organisation=council, full_name="Dan Daily", email="dan@croydon.example",
                                 application_mail=MailFrequency.DAILY)
    other_recruiter = RecruiterFactory(organisation=other, full_name="Olu Other", email="olu@hackney.example")
    profile = CandidateProfileFactory(user=CandidateFactory(full_name="Sam Social-Worker", email="sam@example.org"),
                                      swe_number="SW123456")
    other_candidate = CandidateFactory(full_name="Alex Another", email="alex@example.org")
    vacancy = VacancyFactory(organisation=council, title="Social worker, assessment")
    db.session.commit()
    application = pipeline.submit(profile.user, vacancy, "I have four years in assessment.")
    db.session.commit()
    return World(council, recruiter, colleague, other_recruiter, profile.user, other_candidate, vacancy, application)


def mails(folder: Path) -> list[email.message.EmailMessage]:
    """Every mail written, in the order it was queued (file names only carry the second it was written)."""
    files = folder.glob("*.eml") if folder.exists() else []
    written = [email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]
    order = {f"<{message_id}@cswjobs>": position for position, message_id in enumerate(
        db.session.scalars(sa.select(OutgoingMail.message_id).order_by(OutgoingMail.id)))}
    return sorted(written, key=lambda message: order.get(message["Message-ID"], len(order)))


def mails_to(folder: Path, address: str) -> list[email.message.EmailMessage]:
    return [m for m in mails(folder) if m["To"] == address]


def text_part(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_part(message) -> str:
    return message.get_body(("html",)).get_content()


def reload(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def site(path: str) -> str:
    """The address a link in an email has: SITE_URL and the path."""
    return current_app.config["SITE_URL"].rstrip("/") + path
