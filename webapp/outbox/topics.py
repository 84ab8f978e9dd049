"""The outbox topics, and which models' changes are published under each: one place to add a new one."""
from __future__ import annotations

from webapp.models import CandidateProfile, Organisation, Vacancy

VACANCY_CHANGED = "vacancy.changed"
ORGANISATION_CHANGED = "organisation.changed"
PROFILE_CHANGED = "profile.changed"

TOPICS: dict[type, str] = {
    Vacancy: VACANCY_CHANGED,
    Organisation: ORGANISATION_CHANGED,
    CandidateProfile: PROFILE_CHANGED,
}
