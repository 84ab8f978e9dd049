"""Demo data for matching: the demo social worker has been invited to apply for a Camden job that fits."""
from __future__ import annotations

import datetime as dt
from typing import Sequence

from sqlalchemy.orm import Session

from matching.constraints import failures
from matching.scoring import assess
from matching.text import CandidateFacts, VacancyFacts
from webapp.models import Application, Invitation, User, Vacancy


def seed_invitations(session: Session, candidate: User, recruiter: User, vacancies: Sequence[Vacancy],
                     now: dt.datetime) -> int:
    """One invitation from `recruiter`'s council to `candidate`, for its best-fitting live vacancy they have
    not applied for (by structured fit: embeddings do not exist yet while the demo is being written)."""
    applied = {a.vacancy_id for a in session.query(Application).filter(Application.candidate_id == candidate.id)}
    them = CandidateFacts.of(candidate.profile)
    options = []
    for vacancy in vacancies:
        if vacancy.organisation_id != recruiter.organisation_id or vacancy.id in applied \
                or not vacancy.is_live_on(now.date()):
            continue
        facts = VacancyFacts.of(vacancy)
        if not failures(facts, them, for_recruiter=True):
            options.append((assess(facts, them, 0.0, for_recruiter=False), vacancy))  # worded for the reader
    if not options:
        return 0
    match, vacancy = max(options, key=lambda pair: (pair[0].score, -pair[1].id))
    session.add(Invitation(vacancy_id=vacancy.id, candidate_id=candidate.id, invited_by_id=recruiter.id,
                           message="Our family safeguarding teams are recruiting. Your child protection experience "
                                   "would be very welcome; come and meet the team.",
                           reasons=list(match.reasons), created_at=now - dt.timedelta(days=2)))
    return 1
