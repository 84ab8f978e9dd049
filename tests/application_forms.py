"""A complete safer-recruitment application, section by section, as a social worker types it."""
from __future__ import annotations

import datetime as dt

from webapp.services import application_forms

TODAY = dt.date.today()
LAST_YEAR = TODAY.year - 1

SECTIONS: dict[str, dict[str, str]] = {
    "personal-details": {"full_name": "Sam Okafor", "previous_names": "", "address": "1 High Street\nLondon",
                         "postcode": "se1 7pb", "phone": "020 7946 0000", "email": "sam@example.org",
                         "ni_number": "QQ 12 34 56 C"},
    "registration": {"status": "registered", "number": "sw 123456", "checked_day": "1",
                     "checked_month": str(TODAY.month), "checked_year": str(TODAY.year)},
    "references": {"referee1_name": "Rita Manager", "referee1_job_title": "Team manager",
                   "referee1_organisation": "Lambeth Council", "referee1_relationship": "My team manager",
                   "referee1_email": "rita@lambeth.example", "referee1_phone": "020 7926 1000",
                   "referee2_name": "Pat Tutor", "referee2_job_title": "Senior lecturer",
                   "referee2_organisation": "University of Kent", "referee2_relationship": "My practice tutor",
                   "referee2_email": "pat@kent.example", "referee2_phone": "01227 764000", "consent": "y"},
    "supporting-statement": {"statement": "I meet each point of the person specification.\n\nFor example..."},
    "declarations": {"criminal_record": "no", "related_to_council": "no", "right_to_work": "yes"},
}
QUALIFICATION = {"name": "BA (Hons) Social Work", "institution": "University of Kent", "year": "2018"}
CURRENT_JOB = {"employer": "Lambeth Council", "job_title": "Social worker", "duties": "Child protection casework",
               "start_month": "9", "start_year": "2018", "current": "y"}


def fill(draft):
    """Every section of a draft completed, through the service (pages have their own tests)."""
    for slug, data in SECTIONS.items():
        application_forms.save_section(draft, slug, data, TODAY)
    application_forms.save_entry(draft, "qualifications", None, QUALIFICATION, TODAY)
    application_forms.save_entry(draft, "employment-history", None, {**CURRENT_JOB, "current": "yes"}, TODAY)
    return draft


def complete_draft(candidate, vacancy):
    draft, _ = application_forms.start(candidate, vacancy, TODAY)
    return fill(draft)


def submitted_application(candidate, vacancy):
    return application_forms.submit(candidate, complete_draft(candidate, vacancy), True, TODAY)
