"""Saved searches: a social worker keeps a /jobs search, names it, and chooses how often its new
jobs are emailed (webapp.services.alerts sends them). Also the signed unsubscribe links.

A search is kept as its normalised /jobs query string and is always re-read by the same parser
the /jobs page uses (webapp.search.criteria), so a saved search means exactly what the page showed.
"""
from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qsl

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import MultiDict

from domain.vocabulary import AlertFrequency, UserRole
from webapp.extensions import db
from webapp.models import AlertFeedback, SavedSearch, SentAlert, User, utcnow
from webapp.search import SearchQuery, Sort
from webapp.search.criteria import JobSearchCriteria
from webapp.search.criteria import parse as parse_criteria
from webapp.services import NotAllowed, ServiceError, accounts
from webapp.services.councils import council_choices

MAX_SAVED_SEARCHES = 20
NAME_MAX = 100
QUERY_MAX = 2000
DEFAULT_FREQUENCY = AlertFrequency.DAILY
_UNSUBSCRIBE_SALT = "cswjobs.alert-unsubscribe"

TOO_MANY = (f"You already have {MAX_SAVED_SEARCHES} saved searches, the most you can keep. "
            "Delete one you no longer need, then save this search again")


class InvalidSavedSearch(ServiceError):
    """The search cannot be saved or run as it stands; the message says why."""


class SavedSearchLimit(ServiceError):
    pass


class BadUnsubscribeLink(ServiceError):
    pass


# --- reading a search ---------------------------------------------------------------------------

def _read(query_string: str, councils: list[tuple[str, str]]) -> tuple[JobSearchCriteria, dict[str, str]]:
    return parse_criteria(parse_qsl(query_string or "", keep_blank_values=False), councils)


def _checked(query_string: str) -> JobSearchCriteria:
    if len(query_string or "") > QUERY_MAX:
        raise InvalidSavedSearch("This search is too long to save. Use fewer words or filters")
    search, problems = _read(query_string, council_choices())
    if problems:
        first = next(iter(problems.values()))
        raise InvalidSavedSearch(f"This search cannot be saved: {first}")
    return search


def normalise(query_string: str) -> str:
    """The search's parameters in one canonical order, without page or sort (an alert always
    lists the newest jobs), so the same search saved twice is recognised as one."""
    return _checked(query_string).normalised()


def criteria(saved: SavedSearch) -> list[str]:
    """What the search asks for, in words, one line per keyword or filter."""
    return describe(saved.query)


def describe(query_string: str) -> list[str]:
    councils = council_choices()
    # Problems are not raised here: a search that no longer reads cleanly (its council since
    # removed, say) is still described by what it asks for.
    search, _ = _read(query_string, councils)
    lines = [f"‘{search.keywords}’"] if search.keywords else []
    lines += [text for _, _, text in search.chosen_filters(councils)]
    return lines or ["All jobs"]


def default_name(query_string: str) -> str:
    """The search in a few words: its keywords, then each filter's value ("Council: Camden" -> "Camden")."""
    councils = council_choices()
    search, _ = _read(query_string, councils)  # as describe: what can be read
    parts = [search.keywords] if search.keywords else []
    parts += [text.split(": ", 1)[-1] for _, _, text in search.chosen_filters(councils)]
    name = ", ".join(parts) or "All jobs"
    name = name[0].upper() + name[1:]
    return name if len(name) <= NAME_MAX else name[: NAME_MAX - 1].rstrip(" ,") + "…"


def search_query(saved: SavedSearch, per_page: int = 100, page: int = 1, **changes: Any) -> SearchQuery:
    """The saved search as the engines take it, newest first."""
    query = _checked(saved.query).to_query(per_page=per_page)
    return dataclasses.replace(query, sort=Sort.NEWEST, page=page, **changes)


def jobs_url_args(saved: SavedSearch) -> dict[str, list[str]]:
    """/jobs parameters that re-run the search, newest first ("see new jobs")."""
    args = MultiDict(parse_qsl(saved.query))
    args.setlist("sort", [Sort.NEWEST.value])
    return args.to_dict(flat=False)


# --- a candidate's saved searches -------------------------------------------------------------------

def _check_candidate(user: User) -> None:
    if user.role != UserRole.CANDIDATE:
        raise NotAllowed("Only social workers can save searches")


def saved_searches_for(user: User) -> list[SavedSearch]:
    return list(db.session.scalars(
        sa.select(SavedSearch).where(SavedSearch.user_id == user.id).order_by(SavedSearch.created_at, SavedSearch.id)
    ))


def own_saved_search(user: User, saved_search_id: int) -> SavedSearch | None:
    """The user's saved search, or None: another person's looks like one that does not exist."""
    return db.session.scalar(
        sa.select(SavedSearch).where(SavedSearch.id == saved_search_id, SavedSearch.user_id == user.id)
    )


def save_search(user: User, query_string: str, frequency: AlertFrequency = DEFAULT_FREQUENCY) -> tuple[SavedSearch, bool]:
    """Save a /jobs search; returns it and whether it is new (the same search saved twice is one)."""
    _check_candidate(user)
    query = normalise(query_string)
    existing = db.session.scalar(
        sa.select(SavedSearch).where(SavedSearch.user_id == user.id, SavedSearch.query == query)
    )
    if existing is not None:
        return existing, False
    count = db.session.scalar(sa.select(sa.func.count(SavedSearch.id)).where(SavedSearch.user_id == user.id)) or 0
    if count >= MAX_SAVED_SEARCHES:
        raise SavedSearchLimit(TOO_MANY)
    saved = SavedSearch(user_id=user.id, query=query, name=default_name(query), frequency=frequency, alerts_on=True)
    db.session.add(saved)
    db.session.flush()
    return saved, True


def clean_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidSavedSearch("Enter a name for this search")
    if len(name) > NAME_MAX:
        raise InvalidSavedSearch(f"The name must be {NAME_MAX} characters or fewer")
    return name


def update(saved: SavedSearch, name: str, frequency: AlertFrequency | str, alerts_on: bool) -> list[str]:
    """Rename, change how often, turn alerts on or off; returns what changed."""
    values = {"name": clean_name(name), "frequency": AlertFrequency(frequency), "alerts_on": bool(alerts_on)}
    changed = [key for key, value in values.items() if getattr(saved, key) != value]
    if "alerts_on" in changed and values["alerts_on"]:
        _resuming(saved)
    for key in changed:
        setattr(saved, key, values[key])
    return changed


def _resuming(saved: SavedSearch) -> None:
    """Alerts turned back on start from now: the jobs posted while they were off are one click
    away ("see new jobs"), not a surprise pile in the next email."""
    saved.last_checked_at = utcnow()


def set_alerts(saved: SavedSearch, on: bool) -> bool:
    """Pause or resume; returns whether anything changed."""
    if saved.alerts_on == on:
        return False
    if on:
        _resuming(saved)
    saved.alerts_on = on
    return True


def _delete_sent_alerts(*conditions: sa.ColumnElement[bool]) -> None:
    """Explicit, not left to ON DELETE: SQLite does not enforce foreign keys here. Answers to "was this
    relevant?" stay in the programme's figures, detached from the alert (whose id SQLite may reuse)."""
    sent = sa.select(SentAlert.id).where(*conditions)
    db.session.execute(sa.update(AlertFeedback).where(AlertFeedback.sent_alert_id.in_(sent)).values(sent_alert_id=None)
                       .execution_options(synchronize_session=False))
    db.session.execute(sa.delete(SentAlert).where(*conditions).execution_options(synchronize_session=False))


def delete(saved: SavedSearch) -> None:
    _delete_sent_alerts(SentAlert.saved_search_id == saved.id)
    db.session.delete(saved)


# --- unsubscribe links -------------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    # No expiry: a link in an old email must still stop the emails. Its own salt, so no other
    # signed value of the service (a password reset, a session) can be replayed here.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token(user: User, searches: list[SavedSearch]) -> str:
    return _serializer().dumps({"u": user.id, "s": sorted(s.id for s in searches)})


def searches_for_token(token: str) -> list[SavedSearch]:
    """The saved searches an unsubscribe link names that still exist (none if all were deleted).
    A link that was not made by us, or was altered, raises BadUnsubscribeLink."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        raise BadUnsubscribeLink("This unsubscribe link is not valid") from None
    if (not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("s"), list)
            or not data["s"] or not all(isinstance(i, int) for i in data["s"])):
        raise BadUnsubscribeLink("This unsubscribe link is not valid")
    return list(db.session.scalars(
        sa.select(SavedSearch)
        .where(SavedSearch.id.in_(data["s"]), SavedSearch.user_id == data["u"])
        .order_by(SavedSearch.id)
    ))


def unsubscribe(searches: list[SavedSearch]) -> list[SavedSearch]:
    """Stop the emails for these searches (they stay saved, with alerts off); returns those changed."""
    return [saved for saved in searches if set_alerts(saved, False)]


# --- personal data ---------------------------------------------------------------------------------

def _export(user: User) -> list[dict[str, Any]]:
    return [
        {
            "name": saved.name,
            "search": saved.query,
            "frequency": saved.frequency.value,
            "alerts_on": saved.alerts_on,
            "created_at": saved.created_at.isoformat() if saved.created_at else None,
            "last_sent_at": saved.last_sent_at.isoformat() if saved.last_sent_at else None,
        }
        for saved in saved_searches_for(user)
    ]


def _erase(user: User) -> None:
    _delete_sent_alerts(SentAlert.saved_search_id.in_(sa.select(SavedSearch.id).where(SavedSearch.user_id == user.id)))
    db.session.execute(sa.delete(SavedSearch).where(SavedSearch.user_id == user.id)
                       .execution_options(synchronize_session=False))


accounts.register_personal_data("saved_searches", _export, _erase)
