"""'Was this relevant?' under each job in a job alert email: a signed link per job mailed that
records yes or no without signing in, and the answers the programme team reads on insights.

One token per search in an email (signing one per job was a large part of a region's alert run): it names
the saved search and the range of its claims (sent_alerts ids) made for that email, and each job's link adds
the vacancy's id in plain, /alerts/relevance/<token>/<vacancy id>. The link counts only if that search has a
claim for that job in that range, so changing the id reaches no job the email did not list. No name,
address or search words are in it. Links in emails sent before carry one signed sent_alerts id and still work.

Answering is idempotent: the first answer is recorded, the same answer again changes nothing, and a different
one replaces it (people change their minds). Answers are kept apart from the person (the alert_feedback
table holds a job, the alert's frequency and yes or no), so they stay in the figures after the search
or the account is deleted.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from domain.vocabulary import AlertFrequency
from webapp.extensions import db
from webapp.models import AlertFeedback, SavedSearch, SentAlert, Vacancy, utcnow

_SALT = "alert-relevance"  # its own salt: no other signed link can be replayed as this one


class BadRelevanceLink(ValueError):
    """The link was altered, cut short, or its alert no longer exists; the message says which, for the page."""


def serializer() -> URLSafeSerializer:
    # No expiry: an answer about an old email is still an answer.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def relevance_token(sent_alert_id: int) -> str:
    """The older link's token: one job's claim. Still answered (emails already sent carry it)."""
    return serializer().dumps(sent_alert_id)


def search_token(saved_search_id: int, claim_ids: Iterable[int], signer: URLSafeSerializer | None = None) -> str:
    """One search's token in one email: the search and the first and last of its claims mailed in it
    (``signer``: one serializer() for a whole run)."""
    claim_ids = list(claim_ids)
    return (signer or serializer()).dumps({"s": saved_search_id, "c": [min(claim_ids), max(claim_ids)]})


def relevance_path(token: str, vacancy_id: int, answer: str) -> str:
    """A job's answer link (the alerts.relevance route; by hand, as an email lists up to 30 jobs and 60 links).
    The token is URL-safe as it is (itsdangerous' URL-safe base64 and dots)."""
    return f"/alerts/relevance/{token}/{int(vacancy_id)}?answer={answer}"


_NOT_COMPLETE = "This link is not complete. Copy the whole link from the email, or use the buttons in the email."
_DELETED = "We can no longer record an answer for this job: the saved search it was sent for has been deleted."


def sent_alert_for(token: str, vacancy_id: int | None = None) -> SentAlert:
    """The claim a link answers about: a search's token with the job's id, or an older link's own claim."""
    try:
        data = serializer().loads(token)
    except BadSignature:
        raise BadRelevanceLink(_NOT_COMPLETE) from None
    if isinstance(data, int) and not isinstance(data, bool):
        sent = db.session.get(SentAlert, data)
        if sent is not None and vacancy_id is not None and sent.vacancy_id != vacancy_id:
            raise BadRelevanceLink(_NOT_COMPLETE)
    elif _search_token(data) and vacancy_id is not None:
        first, last = data["c"]
        sent = db.session.scalar(sa.select(SentAlert).where(
            SentAlert.saved_search_id == data["s"], SentAlert.vacancy_id == vacancy_id,
            SentAlert.id.between(first, last)))
        if sent is None and db.session.get(SavedSearch, data["s"]) is not None:
            raise BadRelevanceLink(_NOT_COMPLETE)  # the search is there: the job's id was not one it mailed
    else:
        raise BadRelevanceLink(_NOT_COMPLETE)
    if sent is None:
        raise BadRelevanceLink(_DELETED)
    return sent


def _search_token(data: Any) -> bool:
    return (isinstance(data, dict) and isinstance(data.get("s"), int) and isinstance(data.get("c"), list)
            and len(data["c"]) == 2 and all(isinstance(i, int) and not isinstance(i, bool) for i in data["c"]))


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
