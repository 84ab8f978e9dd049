"""Blind shortlisting: on a vacancy that asks for it, recruiters judge an application on its merits alone.

Until the application has been shortlisted, every recruiter's view of it (the inbox, the application page,
any printout) shows a reference instead of the name, and hides the email address, phone number, address,
Social Work England number and anything else identifying. `applicant_view` is the one place that decides.
"""
from __future__ import annotations

from dataclasses import dataclass

from domain.vocabulary import ApplicationStatus
from webapp.models import Application, User, Vacancy
from webapp.services import NotAllowed, audit

HIDDEN = "Hidden until shortlisting"
# Keys of the application form's answers that identify a person (services.application_forms).
IDENTIFYING_ANSWERS = frozenset({"full_name", "name", "email", "phone", "telephone", "address", "postcode",
                                 "swe_number", "registration_number", "date_of_birth", "national_insurance_number",
                                 "referees"})
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


def _answer(application: Application, *keys: str) -> str:
    answers = getattr(application, "answers", None) or {}
    for key in keys:
        value = answers.get(key) if isinstance(answers, dict) else None
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def applicant_view(application: Application) -> ApplicantView:
    candidate = application.candidate
    profile = candidate.profile
    if is_hidden(application):
        return ApplicantView(True, reference(application), HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN)
    return ApplicantView(
        hidden=False,
        reference=reference(application),
        name=candidate.full_name,
        email=candidate.email,
        phone=_answer(application, "phone", "telephone"),
        address=_answer(application, "address"),
        swe_number=(profile.swe_number if profile and profile.swe_number else _answer(application, "swe_number")),
    )


def visible_answers(application: Application) -> dict:
    """The application form's answers a recruiter may read now: the identifying ones left out while hidden."""
    answers = getattr(application, "answers", None) or {}
    if not isinstance(answers, dict) or not is_hidden(application):
        return answers
    return {key: value for key, value in answers.items() if key not in IDENTIFYING_ANSWERS}


def set_for_vacancy(recruiter: User, vacancy: Vacancy, blind: bool) -> None:
    if recruiter.organisation_id != vacancy.organisation_id or not recruiter.is_recruiter:
        raise NotAllowed("You can only change your own council's vacancies.")
    if vacancy.blind_shortlisting != blind:
        vacancy.blind_shortlisting = blind
        audit.record(recruiter, "vacancy.blind_shortlisting", vacancy, organisation_id=vacancy.organisation_id,
                     blind=blind)
