"""'Was this relevant?' under each job in a job alert email: a signed link per job mailed that
records yes or no without signing in, and the answers the programme team reads on insights.

The link carries only the sent alert's id, signed (no name, address or search in it). Answering is
idempotent: the first answer is recorded, the same answer again changes nothing, and a different one
replaces it (people change their minds). Answers are kept apart from the person (the alert_feedback
table holds a job, the alert's frequency and yes or no), so they stay in the figures after the search
or the account is deleted.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from domain.vocabulary import AlertFrequency
from webapp.extensions import db
from webapp.models import AlertFeedback, SavedSearch, SentAlert, Vacancy, utcnow

_SALT = "alert-relevance"  # its own salt: no other signed link can be replayed as this one


class BadRelevanceLink(ValueError):
    """The link was altered, cut short, or its alert no longer exists; the message says which, for the page."""


def _serializer() -> URLSafeSerializer:
    # No expiry: an answer about an old email is still an answer.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def relevance_token(sent_alert_id: int) -> str:
    return _serializer().dumps(sent_alert_id)


def sent_alert_for(token: str) -> SentAlert:
    try:
        sent_alert_id = _serializer().loads(token)
    except BadSignature:
        raise BadRelevanceLink("This link is not complete. Copy the whole link from the email, or use the "
                               "buttons in the email.") from None
    sent = db.session.get(SentAlert, sent_alert_id) if isinstance(sent_alert_id, int) else None
    if sent is None:
        raise BadRelevanceLink("We can no longer record an answer for this job: the saved search it was sent "
                               "for has been deleted.")
    return sent


def vacancy_of(sent: SentAlert) -> Vacancy:
    return db.session.get(Vacancy, sent.vacancy_id)


def answer_for(sent: SentAlert) -> bool | None:
    return db.session.scalar(sa.select(AlertFeedback.relevant).where(AlertFeedback.sent_alert_id == sent.id))


def record(sent: SentAlert, relevant: bool, now: dt.datetime | None = None) -> AlertFeedback:
    """Record (or change) the answer for one job in one alert email. Added to the caller's transaction."""
    now = now or utcnow()
    existing = db.session.scalar(sa.select(AlertFeedback).where(AlertFeedback.sent_alert_id == sent.id))
    if existing is not None:
        if existing.relevant != relevant:
            existing.relevant, existing.answered_at = relevant, now
        return existing
    frequency = db.session.scalar(sa.select(SavedSearch.frequency).where(SavedSearch.id == sent.saved_search_id))
    answer = AlertFeedback(sent_alert_id=sent.id, vacancy_id=sent.vacancy_id, frequency=frequency,
                           relevant=relevant, answered_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(answer)
    except sa.exc.IntegrityError:  # the same answer sent twice at once (a double tap): one row wins
        return record(sent, relevant, now)
    return answer


@dataclass(frozen=True)
class RelevanceCounts:
    relevant: int
    not_relevant: int

    @property
    def answers(self) -> int:
        return self.relevant + self.not_relevant


def counts_by_frequency(start: dt.date, end: dt.date, vacancy_filters: list[Any] = ()) -> dict[AlertFrequency, RelevanceCounts]:
    """Answers given from start to end (both days included), by how often the alert was sent; optionally only
    for jobs passing `vacancy_filters` (conditions on Vacancy)."""
    lower = dt.datetime.combine(start, dt.time())
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    query = (sa.select(AlertFeedback.frequency, AlertFeedback.relevant, sa.func.count(AlertFeedback.id))
             .where(AlertFeedback.answered_at >= lower, AlertFeedback.answered_at < upper)
             .group_by(AlertFeedback.frequency, AlertFeedback.relevant))
    if vacancy_filters:
        query = query.join(Vacancy, Vacancy.id == AlertFeedback.vacancy_id).where(*vacancy_filters)
    found: dict[tuple[AlertFrequency, bool], int] = {(f, r): n for f, r, n in db.session.execute(query)}
    return {f: RelevanceCounts(found.get((f, True), 0), found.get((f, False), 0)) for f in AlertFrequency}
