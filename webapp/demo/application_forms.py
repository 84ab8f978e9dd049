"""Demo safer-recruitment forms: each demo application's answers and two referees, so a recruiter's
page, the PDF and the references panel show what a real application holds."""
from __future__ import annotations

import datetime as dt
import random

from domain.safer_recruitment import RegistrationStatus, employment_gaps
from domain.vocabulary import ApplicationStatus
from webapp.models import Application, Referee, User

_EMPLOYERS = ("Lewisham Council", "Kent County Council", "Barnet Council", "Surrey County Council",
              "Southwark Council", "Essex County Council")
_UNIVERSITIES = ("University of Kent", "Goldsmiths, University of London", "University of East London",
                 "Royal Holloway, University of London", "Brunel University London")
_REFERENCE = {
    "referee_name": "", "referee_job_title": "Team manager", "known_as": "I was their team manager",
    "known_for": "3 years", "applicant_role": "Social worker",
    "suitability": "Thorough, warm and reflective; children's voices are clear in every assessment.",
    "safeguarding_concerns": "no", "safeguarding_details": "", "disciplinary": "no", "disciplinary_details": "",
    "would_reemploy": "yes", "reemploy_details": "",
}
# References are in for applications that got as far as an offer.
_REFERENCES_IN = frozenset({ApplicationStatus.OFFERED, ApplicationStatus.HIRED, ApplicationStatus.OFFER_DECLINED})


def _month(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def fill_demo_form(number: int, application: Application, candidate: User, recruiter: User) -> None:
    """Answers and referees for demo application ``number`` (the rows are added with the application). Its own
    random numbers, seeded by the number, so the rest of the demo draws exactly what it drew before."""
    rng = random.Random(f"demo-application-form-{number}")
    statement = application.supporting_statement
    profile = candidate.profile
    submitted = application.submitted_at
    years = max(profile.years_qualified or 1, 1)
    qualified = submitted.date() - dt.timedelta(days=365 * years)
    employer, previous = rng.sample(_EMPLOYERS, 2)
    application.answers = {
        "personal": {"full_name": candidate.full_name, "previous_names": "", "address": "1 Example Street\nLondon",
                     "postcode": "SE1 7PB", "phone": "020 7946 0000", "email": candidate.email, "ni_number": ""},
        "registration": {"status": RegistrationStatus.REGISTERED.value, "number": profile.swe_number or "SW100000",
                         "checked_on": (submitted.date() - dt.timedelta(days=rng.randint(1, 20))).isoformat()},
        "qualifications": [{"name": "BA (Hons) Social Work", "institution": rng.choice(_UNIVERSITIES),
                            "year": qualified.year}],
        "employment": [
            {"employer": employer, "job_title": "Social worker", "duties": "Statutory casework with children and "
             "families", "start": _month(qualified), "current": True, "end": None, "reason_for_leaving": ""},
            {"employer": previous, "job_title": "Family support worker", "duties": "Direct work with families",
             "start": _month(qualified - dt.timedelta(days=3 * 365)),
             "end": _month(qualified - dt.timedelta(days=31 * 4)), "current": False,
             "reason_for_leaving": "To study social work"},
        ],
        "gaps": {},
        "statement": statement,
        "declarations": {"criminal_record": "no", "criminal_record_details": "", "related_to_council": "no",
                         "relationship_details": "", "right_to_work": "yes", "right_to_work_details": ""},
    }
    application.answers["gaps"] = {gap.key: "Completing my social work degree"
                                   for gap in employment_gaps(application.answers["employment"], submitted.date())}
    received = application.status in _REFERENCES_IN
    for position, (name, job_title, organisation, relationship) in enumerate((
            ("Jo Team-Manager", "Team manager", employer, "My team manager"),
            ("Pat Tutor", "Senior lecturer", application.answers["qualifications"][0]["institution"],
             "My practice tutor")), 1):
        referee = Referee(position=position, name=name, job_title=job_title, organisation=organisation,
                          relationship_to_applicant=relationship, email=f"referee{position}.{candidate.id}@example.org",
                          phone="020 7946 0001", current_employer=position == 1, consent_to_contact=True)
        if received:
            referee.requested_at = submitted + dt.timedelta(days=7)
            referee.requested_by_id = recruiter.id
            referee.link_expires_at = referee.requested_at + dt.timedelta(days=21)
            referee.link_sent_at = referee.requested_at
            referee.received_at = referee.requested_at + dt.timedelta(days=rng.randint(1, 6))
            referee.reference = {**_REFERENCE, "referee_name": name, "referee_job_title": job_title}
        application.referees.append(referee)
