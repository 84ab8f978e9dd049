"""Blind shortlisting: on a vacancy that asks for it, recruiters judge an application on its merits alone.

Until the application has been shortlisted, every recruiter's view of it (the inbox, the application page,
any printout) shows a reference instead of the name, and hides the email address, phone number, address,
Social Work England number and anything else identifying. `is_hidden` is the one place that decides, and
`applicant_view` what a recruiter sees of the person (the application form's own pages and PDF hide their
identifying sections by the same `is_hidden`: services.application_forms).
"""
from __future__ import annotations

from dataclasses import dataclass

from domain.vocabulary import ApplicationStatus
from webapp.models import Application, User, Vacancy
from webapp.services import NotAllowed, audit

HIDDEN = "Hidden until shortlisting"
# Once shortlisted (or further), the applicant's identity is no longer hidden, even if later not progressed.
_SEEN_STATUSES = frozenset({ApplicationStatus.SHORTLISTED, ApplicationStatus.INTERVIEW, ApplicationStatus.OFFERED,
                            ApplicationStatus.HIRED, ApplicationStatus.OFFER_DECLINED})


def is_hidden(application: Application) -> bool:
    """True while the vacancy is blind and the application has never reached the shortlist."""
    if not application.vacancy.blind_shortlisting:
        return False
    return not any(event.to_status in _SEEN_STATUSES for event in application.events)


def reference(application: Application) -> str:
    return f"A-{application.id:05d}"


@dataclass(frozen=True)
class ApplicantView:
    """What a recruiter may see of the person behind an application."""

    hidden: bool
    reference: str
    name: str
    email: str
    phone: str
    address: str
    swe_number: str

    @property
    def display_name(self) -> str:
        return f"Applicant {self.reference}" if self.hidden else self.name


def _answers(application: Application) -> dict:
    answers = getattr(application, "answers", None)  # the safer-recruitment form; None for older applications
    return answers if isinstance(answers, dict) else {}


def applicant_view(application: Application) -> ApplicantView:
    if is_hidden(application):
        return ApplicantView(True, reference(application), HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN)
    candidate = application.candidate
    answers = _answers(application)
    personal = answers.get("personal") or {}
    registration = answers.get("registration") or {}
    profile = candidate.profile
    address = ", ".join(part for part in (personal.get("address", ""), personal.get("postcode", "")) if part)
    return ApplicantView(
        hidden=False,
        reference=reference(application),
        name=personal.get("full_name") or candidate.full_name,
        email=candidate.email,
        phone=personal.get("phone", ""),
        address=address,
        swe_number=registration.get("number") or (profile.swe_number if profile and profile.swe_number else ""),
    )


def set_for_vacancy(recruiter: User, vacancy: Vacancy, blind: bool) -> None:
    if recruiter.organisation_id != vacancy.organisation_id or not recruiter.is_recruiter:
        raise NotAllowed("You can only change your own council's vacancies.")
    if vacancy.blind_shortlisting != blind:
        vacancy.blind_shortlisting = blind
        audit.record(recruiter, "vacancy.blind_shortlisting", vacancy, organisation_id=vacancy.organisation_id,
                     blind=blind)
