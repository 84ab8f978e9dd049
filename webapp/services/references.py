"""References: a recruiter requests them at the council's chosen stage; each referee is emailed a
single-use, expiring link to a form that needs no account, and reminded; the reference they give
attaches to the application. Every step is audited (ids only), and referees' details are personal
data: in the applicant's data export, deleted with their account, and deletable after a period.

Links: the token is signed (itsdangerous, the app's secret key) and carries the referee's id and a
random nonce; only its SHA-256 hash is stored. A new link replaces the last one (a reminder carries
a new link), and the hash is cleared once the reference is in, so every link works once.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from domain import safer_recruitment as form_rules
from domain.funnel import FunnelStep
from domain.vocabulary import ApplicationStatus, UserRole
from webapp.extensions import db
from webapp.models import Application, Organisation, RecruitmentSettings, Referee, ReferenceStage, User, utcnow
from webapp.services import NotAllowed, ServiceError
from webapp.services import accounts, audit, funnel
from webapp.services.applications import can_manage_vacancy
from webapp.services.outgoing_mail import absolute_url, queue_mail

_LINK_SALT = "cswjobs.reference-link"

# The statuses at which references may be requested, by the council's setting. An application that
# was not progressed or withdrawn gets no requests: its referees should not be troubled.
_REQUESTABLE: dict[ReferenceStage, frozenset[ApplicationStatus]] = {
    ReferenceStage.SHORTLISTED: frozenset({ApplicationStatus.SHORTLISTED, ApplicationStatus.INTERVIEW,
                                           ApplicationStatus.OFFERED, ApplicationStatus.HIRED}),
    ReferenceStage.OFFERED: frozenset({ApplicationStatus.OFFERED, ApplicationStatus.HIRED}),
}


# An application that ended without a hire needs no more references: its links stop and nobody is reminded.
_ENDED = frozenset({ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN, ApplicationStatus.OFFER_DECLINED})


class LinkUnusable(ServiceError):
    """A real link that no longer works (used, replaced or expired): the page says which, with a 410."""


# --- the council's setting --------------------------------------------------------------------------------

def reference_stage(organisation_id: int) -> ReferenceStage:
    row = db.session.get(RecruitmentSettings, organisation_id)
    return row.references_at if row is not None else ReferenceStage.SHORTLISTED


def set_reference_stage(admin: User, organisation: Organisation, stage: ReferenceStage) -> bool:
    """Change when this council requests references; True if it changed."""
    if admin.role != UserRole.ORG_ADMIN or admin.organisation_id != organisation.id:
        raise NotAllowed("Only this council's administrators can change its settings.")
    row = db.session.get(RecruitmentSettings, organisation.id)
    before = row.references_at if row is not None else ReferenceStage.SHORTLISTED
    if row is None:
        db.session.add(RecruitmentSettings(organisation_id=organisation.id, references_at=stage))
    elif before == stage:
        return False
    else:
        row.references_at = stage
    audit.record(admin, "council.reference_stage_changed", organisation, organisation_id=organisation.id,
                 references_at=stage.value)
    return before != stage


# --- requesting ----------------------------------------------------------------------------------------------

def referee_state(referee: Referee, now: dt.datetime | None = None) -> str:
    """Where a reference is, in the recruiter's words."""
    now = now or utcnow()
    if referee.received_at is not None:
        return "declined" if referee.declined else "received"
    if referee.requested_at is None:
        return "not_requested"
    if referee.link_expires_at is not None and referee.link_expires_at <= now:
        return "expired"
    return "requested"


def request_problem(application: Application) -> str | None:
    """Why references cannot be requested for this application now, or None if they can."""
    if not application.referees:
        return "This application has no referees: it was sent before the full application form."
    stage = reference_stage(application.vacancy.organisation_id)
    if application.status not in _REQUESTABLE[stage]:
        when = "shortlisted" if stage == ReferenceStage.SHORTLISTED else "offered the job"
        return f"Your council requests references once an applicant is {when}."
    if not any(r.consent_to_contact for r in application.referees):
        return "The applicant has not agreed to their referees being contacted."
    if not requestable_referees(application):
        return "Every reference has been requested and is still in date, or is already in."
    return None


def requestable_referees(application: Application, now: dt.datetime | None = None) -> list[Referee]:
    """Referees not yet asked, or whose link expired unanswered."""
    return [r for r in application.referees if r.consent_to_contact
            and referee_state(r, now) in ("not_requested", "expired")]


def request_references(recruiter: User, application: Application, now: dt.datetime | None = None) -> list[Referee]:
    """Request references from the referees not yet asked (or whose link expired): each gets an email
    with their link, queued in the caller's transaction, so none goes out for a change rolled back."""
    if not can_manage_vacancy(recruiter, application.vacancy):
        raise NotAllowed("You can only request references for your own council's applicants.")
    problem = request_problem(application)
    if problem:
        raise ServiceError(problem)
    now = now or utcnow()
    days = current_app.config["REFERENCE_LINK_DAYS"]
    referees = requestable_referees(application, now)
    for referee in referees:
        referee.requested_at = now
        referee.requested_by_id = recruiter.id
        referee.link_expires_at = now + dt.timedelta(days=days)
        referee.reminders_sent = 0
        audit.record(recruiter, "reference.requested", referee, organisation_id=application.vacancy.organisation_id,
                     application_id=application.id)
        _queue_link_mail(referee, reminder=False, now=now)
    _tell_the_applicant(application, referees)
    return referees


def _tell_the_applicant(application: Application, referees: list[Referee]) -> None:
    """The social worker hears that their referees are being asked, so they can warn them to expect it."""
    council = application.vacancy.organisation.name
    names = " and ".join(r.name for r in referees)
    queue_mail(
        application.candidate, f"{council} has asked your referees for references", "notice",
        kind="references_requested", heading="Your referees have been asked for references",
        paragraphs=[f"{council} has emailed {names} to ask for a reference for your application for "
                    f"{application.vacancy.title}.",
                    "You may want to let them know to expect it. The link in their email works for "
                    f"{current_app.config['REFERENCE_LINK_DAYS']} days, and they will be reminded if they do not "
                    "answer.",
                    "You do not need to do anything else."],
        link=absolute_url("account.applications"), link_text="See your applications",
    )


# --- links -----------------------------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_LINK_SALT)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link_token(referee: Referee) -> str:
    """A new link for this referee; the last one stops working."""
    token = _serializer().dumps({"r": referee.id, "n": secrets.token_urlsafe(16)})
    referee.token_hash = _hash(token)
    return token


def referee_for_link(token: str, now: dt.datetime | None = None) -> Referee | None:
    """The referee this link is for, if it can still be used. None for a link that was never
    ours (a 404); LinkUnusable for one that was, but is used, replaced or expired (a 410)."""
    if not token or len(token) > 300:
        return None
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    referee_id = payload.get("r") if isinstance(payload, dict) else None
    if not isinstance(referee_id, int):
        return None
    referee = db.session.get(Referee, referee_id)
    if referee is None:
        return None
    if referee.received_at is not None:
        raise LinkUnusable("This reference has already been given. Thank you: there is nothing more to do.")
    if referee.application.status in _ENDED:
        raise LinkUnusable("The council no longer needs this reference: the application has ended. Thank you "
                           "for your time.")
    if referee.token_hash is None or not secrets.compare_digest(referee.token_hash, _hash(token)):
        raise LinkUnusable("This link has been replaced by a newer one. Use the link in the most recent email "
                           "we sent you.")
    if referee.link_expires_at is None or referee.link_expires_at <= (now or utcnow()):
        raise LinkUnusable("This link has expired. Contact the council's recruitment team if you still want to "
                           "give a reference.")
    return referee


# --- the emails ---------------------------------------------------------------------------------------------

def _queue_link_mail(referee: Referee, reminder: bool, now: dt.datetime) -> None:
    """Queue the email with a new link (the last one stops working); it leaves after the caller commits."""
    application = referee.application
    applicant = application.candidate.full_name
    council = application.vacancy.organisation.name
    queue_mail(
        referee.email,
        f"{'Reminder: ' if reminder else ''}Reference request for {applicant} from {council}",
        "reference_request",
        kind="reference_reminder" if reminder else "reference_request",
        referee=referee, applicant_name=applicant, vacancy=application.vacancy, council=council,
        link=absolute_url("references.give", token=issue_link_token(referee)),
        expires_on=referee.link_expires_at, reminder=reminder,
    )
    referee.link_sent_at = now


def due_reminders(now: dt.datetime) -> list[Referee]:
    every = dt.timedelta(days=current_app.config["REFERENCE_REMINDER_DAYS"])
    return list(db.session.scalars(
        sa.select(Referee).join(Application).where(
            Application.status.not_in([status.value for status in _ENDED]),
            Referee.requested_at.is_not(None), Referee.received_at.is_(None), Referee.link_sent_at.is_not(None),
            Referee.link_expires_at > now, Referee.link_sent_at <= now - every,
            Referee.reminders_sent < current_app.config["REFERENCE_REMINDERS_MAX"],
        ).order_by(Referee.id)
    ))


def send_reminders(now: dt.datetime | None = None) -> int:
    """Remind referees who have not answered (the scheduled task), and commit. A run repeated the same
    day finds nobody due: each reminder moves link_sent_at on."""
    now = now or utcnow()
    sent = 0
    for referee in due_reminders(now):
        referee.reminders_sent += 1
        audit.record(None, "reference.reminded", referee,
                     organisation_id=referee.application.vacancy.organisation_id,
                     application_id=referee.application_id, reminder=referee.reminders_sent)
        _queue_link_mail(referee, reminder=True, now=now)
        sent += 1
    db.session.commit()
    return sent


# --- the referee's answer ------------------------------------------------------------------------------------

class ReferenceInvalid(ServiceError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def give_reference(token: str, data: dict[str, Any], now: dt.datetime | None = None) -> Referee:
    """Record the reference the link's referee gave; the link stops working."""
    return _answer(token, data, declined=False, now=now)


def decline_reference(token: str, data: dict[str, Any], now: dt.datetime | None = None) -> Referee:
    """The referee cannot give a reference (they do not know the applicant well enough, say)."""
    return _answer(token, data, declined=True, now=now)


def _answer(token: str, data: dict[str, Any], declined: bool, now: dt.datetime | None) -> Referee:
    referee = referee_for_link(token, now)
    if referee is None:
        raise LinkUnusable("This link is not recognised.")
    clean, problems = (form_rules.check_decline if declined else form_rules.check_reference)(data)
    if problems:
        raise ReferenceInvalid(problems)
    return _received(referee, clean, declined)


def _received(referee: Referee, clean: dict[str, Any], declined: bool) -> Referee:
    referee.reference = clean
    referee.declined = declined
    referee.received_at = utcnow()
    referee.token_hash = None
    audit.record(None, "reference.declined" if declined else "reference.received", referee,
                 organisation_id=referee.application.vacancy.organisation_id, application_id=referee.application_id)
    if not declined:
        funnel.record(FunnelStep.REFERENCE_RECEIVED, application=referee.application)
    return referee


# --- personal data -------------------------------------------------------------------------------------------

def delete_referee_data_older_than(days: int, now: dt.datetime | None = None) -> int:
    """Delete referees (and their references) of applications that ended — not progressed, withdrawn,
    offer declined or hired — and have not changed for ``days`` days. For the retention schedule;
    returns how many were deleted. A council keeps a new starter's references in its own HR files."""
    if days < 1:
        raise ValueError("keep referees' data for at least a day")
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    ended = [s.value for s in ApplicationStatus if s.is_final]
    application_ids = sa.select(Application.id).where(Application.status.in_(ended), Application.updated_at < cutoff)
    result = db.session.execute(sa.delete(Referee).where(Referee.application_id.in_(application_ids))
                                .execution_options(synchronize_session=False))
    audit.record(None, "reference.retention_deleted", "referees", deleted=result.rowcount, days=days)
    return result.rowcount


def export_for(user: User) -> list[dict[str, Any]]:
    """What the applicant told us about their referees, and where each request is. The references
    themselves were given in confidence, so they are not part of the applicant's own export."""
    rows = db.session.scalars(sa.select(Referee).join(Application).where(Application.candidate_id == user.id)
                              .order_by(Referee.application_id, Referee.position))
    return [{
        "vacancy": r.application.vacancy.title, "council": r.application.vacancy.organisation.name,
        "name": r.name, "job_title": r.job_title, "organisation": r.organisation,
        "relationship": r.relationship_to_applicant, "email": r.email, "phone": r.phone,
        "current_employer": r.current_employer, "consent_to_contact": r.consent_to_contact,
        "requested_at": r.requested_at.isoformat() if r.requested_at else None,
        "received_at": r.received_at.isoformat() if r.received_at else None,
    } for r in rows]


def erase_for(user: User) -> None:
    """With the account go the referees and their references (the application rows stay as anonymous
    tombstones: see accounts.delete_account)."""
    application_ids = sa.select(Application.id).where(Application.candidate_id == user.id)
    db.session.execute(sa.delete(Referee).where(Referee.application_id.in_(application_ids))
                       .execution_options(synchronize_session=False))


accounts.register_personal_data("referees", export_for, erase_for)
