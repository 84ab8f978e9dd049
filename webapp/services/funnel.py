"""Recording the funnel: who (pseudonymously) took which step, and which campaign gets the credit.

The visitor id. A random token is kept in the visitor's session cookie (a first-party cookie the
site already needs for sign-in and forms; it ends when the browser closes) and only an HMAC of
it, keyed with the app's secret, is stored. No IP address, user agent or anything else about the
device is stored, so the id cannot be traced back to a person from the analytics tables; an
event of a signed-in person also carries their user id (cleared when they delete their account).

Bots are left out when the event is captured (crawler-user-agents' list of patterns, and a
request with no user agent at all). Council staff and the programme team are left out too: their
own clicks are work, not demand. Refreshes and double clicks are NOT dropped here: every raw event
is kept, and the rollup counts each visitor once per day per vacancy (see services.rollups).

Capture never breaks a page: an event is written in a savepoint of the request's own transaction
(or, for the once-a-day visit, on its own connection after the response is built) and a failure
is logged and swallowed. The database is the only place an event goes, so a Redis or worker
outage loses nothing: the rollup task reads the raw events whenever it next runs.

Attribution is last touch: a visit through a tracked link (/c/<code>) stores the campaign in the
session; later steps in that browser, and, once the person signs in, their later steps anywhere
(found from their own most recent credited event), are credited to it for ATTRIBUTION_WINDOW.
Pipeline steps (shortlisted ... hired) take the campaign their application was credited to.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import secrets
import time
from typing import Any

import crawleruseragents
import sqlalchemy as sa
from flask import current_app, has_request_context, request, session
from flask_login import current_user

from domain.funnel import APPLICATION_STEPS, ATTRIBUTION_WINDOW, PIPELINE_STEPS, VISITOR_STEPS, FunnelStep
from domain.vocabulary import ApplicationStatus, UserRole
from webapp.extensions import db
from webapp.models import Application, FunnelEvent, User, Vacancy, utcnow

log = logging.getLogger(__name__)

# Session keys the funnel owns (kept across signing in: see carried_over()).
VISITOR_KEY = "visitor"
ATTRIBUTION_KEY = "attribution"
VISIT_DAY_KEY = "visit_day"
_SESSION_KEYS = (VISITOR_KEY, ATTRIBUTION_KEY, VISIT_DAY_KEY)

STAFF_ROLES = frozenset({UserRole.RECRUITER, UserRole.ORG_ADMIN, UserRole.PROGRAMME_LEAD, UserRole.ADMIN})


# --- who is visiting ----------------------------------------------------------------------------------

def visitor_hash(visitor_token: str, secret: str) -> str:
    """A stable, unguessable id for a visitor: an HMAC of a random per-browser token."""
    return hmac.new(secret.encode(), visitor_token.encode(), hashlib.sha256).hexdigest()


def visitor_id() -> str:
    """This browser's visitor id, creating its random token on first use."""
    token = session.get(VISITOR_KEY)
    if not token:
        token = secrets.token_urlsafe(18)
        session[VISITOR_KEY] = token
    return visitor_hash(token, current_app.config["SECRET_KEY"])


@functools.lru_cache(maxsize=4096)
def is_bot(user_agent: str | None) -> bool:
    user_agent = (user_agent or "").strip()
    if not user_agent:
        return True  # every browser sends one; scripts and probes often do not
    return crawleruseragents.is_crawler(user_agent[:512])


def _signed_in(user: Any) -> User | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user._get_current_object() if hasattr(user, "_get_current_object") else user


def is_tracked(user: Any = None) -> bool:
    """Whether this request's steps count: a person in a browser, not a bot and not staff."""
    if not has_request_context():
        return False
    if is_bot(request.headers.get("User-Agent")):
        return False
    person = _signed_in(user)
    return person is None or person.role not in STAFF_ROLES


def carried_over() -> dict[str, Any]:
    """The funnel's session keys, to put back after signing in clears the session: the visitor
    and the campaign that brought them stay the same person and campaign."""
    return {key: session[key] for key in _SESSION_KEYS if key in session}


# --- attribution --------------------------------------------------------------------------------------

def remember_campaign(campaign_id: int, tracked_link_id: int, now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    session[ATTRIBUTION_KEY] = [campaign_id, tracked_link_id, int(now.replace(tzinfo=dt.UTC).timestamp())]


def current_attribution(user: Any = None, now: dt.datetime | None = None) -> tuple[int | None, int | None]:
    """(campaign_id, tracked_link_id) to credit with a step now, or (None, None)."""
    now = now or utcnow()
    stored = session.get(ATTRIBUTION_KEY) if has_request_context() else None
    if isinstance(stored, list) and len(stored) == 3:
        touched = dt.datetime.fromtimestamp(stored[2], dt.UTC).replace(tzinfo=None)
        if now - touched <= ATTRIBUTION_WINDOW:
            return int(stored[0]), int(stored[1])
    person = _signed_in(user)
    if person is not None:
        row = db.session.execute(
            sa.select(FunnelEvent.campaign_id, FunnelEvent.tracked_link_id)
            .where(FunnelEvent.user_id == person.id, FunnelEvent.campaign_id.is_not(None),
                   FunnelEvent.occurred_at >= now - ATTRIBUTION_WINDOW)
            .order_by(FunnelEvent.occurred_at.desc(), FunnelEvent.id.desc())
            .limit(1)
        ).first()
        if row is not None:
            return row.campaign_id, row.tracked_link_id
    return None, None


# --- recording ----------------------------------------------------------------------------------------

def _add_safely(event: FunnelEvent) -> FunnelEvent | None:
    """Add the event in a savepoint: if it cannot be written the page carries on without it."""
    try:
        with db.session.begin_nested():
            db.session.add(event)
    except sa.exc.SQLAlchemyError:
        log.warning("funnel event %s not recorded", event.kind, exc_info=True)
        return None
    return event


def record_visitor_step(kind: FunnelStep, user: Any = None, vacancy: Vacancy | None = None,
                        organisation_id: int | None = None, application: Application | None = None,
                        campaign: tuple[int | None, int | None] | None = None) -> FunnelEvent | None:
    """A step a visitor took in this request (a job view, an apply click, a registration...).

    Added to the request's transaction, so the view's commit saves it (and an application and
    its event are saved together or not at all). Returns None when the step does not count."""
    if not is_tracked(user):
        return None
    return _add_safely(_visitor_event(kind, _signed_in(user), vacancy, organisation_id, application, campaign))


def record_page_step(kind: FunnelStep, user: Any = None, vacancy: Vacancy | sa.Row | None = None) -> bool:
    """A step a page records after it is drawn, in a request that writes nothing else (a search, a job view):
    the same event as record_visitor_step, committed here on its own, with no savepoint around it and as a
    plain insert, not through the session's unit of work (nothing reads the row back). When this is the
    visitor's first page today, the day's visit goes in the same statement, before the step
    (count_daily_visit then finds it counted): one transaction, not two. The busiest pages write this way.
    A failure is logged and rolled back, and the page is still shown.
    Returns whether the step was recorded (False when it does not count or could not be written). ``vacancy``
    may be a row with the job's id and organisation_id: a kept job page does not load the job."""
    if not is_tracked(user):
        return False
    person = _signed_in(user)
    campaign = current_attribution(person)  # once for both rows: signed in, it is a query
    rows = [_visitor_row(FunnelStep.VISIT, person, campaign=campaign)] if _visit_due() else []
    rows.append(_visitor_row(kind, person, vacancy, campaign=campaign))
    try:
        db.session.execute(sa.insert(FunnelEvent.__table__), rows)
        db.session.commit()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        log.warning("funnel event %s not recorded", kind.value, exc_info=True)
        return False
    if len(rows) == 2:
        session[VISIT_DAY_KEY] = _today()
    return True


def _visitor_event(kind: FunnelStep, person: User | None, vacancy: Vacancy | None = None,
                   organisation_id: int | None = None, application: Application | None = None,
                   campaign: tuple[int | None, int | None] | None = None) -> FunnelEvent:
    return FunnelEvent(**_visitor_row(kind, person, vacancy, organisation_id, application, campaign))


def _visitor_row(kind: FunnelStep, person: User | None, vacancy: Vacancy | sa.Row | None = None,
                 organisation_id: int | None = None, application: Application | None = None,
                 campaign: tuple[int | None, int | None] | None = None) -> dict[str, Any]:
    campaign_id, link_id = campaign if campaign is not None else current_attribution(person)
    if vacancy is not None:
        organisation_id = vacancy.organisation_id
    return {
        "kind": kind.value, "occurred_at": utcnow(), "visitor_id": visitor_id(),
        "user_id": person.id if person is not None else None, "organisation_id": organisation_id,
        "vacancy_id": vacancy.id if vacancy is not None else None,
        "application_id": application.id if application is not None else None,
        "campaign_id": campaign_id, "tracked_link_id": link_id,
    }


def record_pipeline_step(application: Application, to_status: ApplicationStatus) -> FunnelEvent | None:
    """A recruiter moved an application on: shortlisted, interview, offered or hired.

    Credited to the campaign its submission was credited to, so a hire traces back to the
    tracked link that brought the social worker in."""
    step = PIPELINE_STEPS.get(to_status)
    if step is None:
        return None
    return _record_for_application(step, application)


def _record_for_application(step: FunnelStep, application: Application) -> FunnelEvent | None:
    """A step taken on an application by someone other than the social worker in their browser (a
    recruiter, a referee): no visitor id; credited to the campaign its submission was credited to."""
    submitted = db.session.execute(
        sa.select(FunnelEvent.campaign_id, FunnelEvent.tracked_link_id)
        .where(FunnelEvent.application_id == application.id, FunnelEvent.kind == FunnelStep.APPLICATION.value)
        .order_by(FunnelEvent.id)
        .limit(1)
    ).first()
    vacancy = application.vacancy
    return _add_safely(FunnelEvent(
        kind=step.value,
        occurred_at=utcnow(),
        user_id=application.candidate_id,
        organisation_id=vacancy.organisation_id,
        vacancy_id=vacancy.id,
        application_id=application.id,
        campaign_id=submitted.campaign_id if submitted else None,
        tracked_link_id=submitted.tracked_link_id if submitted else None,
    ))


def record(step: FunnelStep, *, application: Application | None = None, vacancy: Vacancy | None = None,
           user: Any = None) -> FunnelEvent | None:
    """The one call for an application's new funnel steps (domain.funnel.APPLICATION_STEPS):

        funnel.record(FunnelStep.APPLICATION_STARTED, vacancy=vacancy, user=candidate)  # a draft started
        funnel.record(FunnelStep.REFERENCE_RECEIVED, application=application)  # a referee's answer saved
        funnel.record(FunnelStep.INTERVIEW_SCHEDULED, application=application)  # an interview booked

    Recorded once per application (for "started", before there is an application: once per social
    worker and job), however often it happens (a draft saved again, a second reference, an interview
    moved), so calling it again is safe. Added to the caller's transaction, which commits it with the
    change it describes. "Started" is the social worker's own step in their browser (bots and staff
    are not counted, as for every visitor step); the others are credited, like pipeline moves, to the
    campaign the application was credited to. Returns the event, or None when nothing was recorded."""
    if step not in APPLICATION_STEPS:
        raise ValueError(f"{step.value} is not a step of one application; see domain.funnel.APPLICATION_STEPS")
    if application is not None and application.id is None:
        db.session.flush()  # the event points at the application, so it needs its id
    if application is not None:
        vacancy, person, same = application.vacancy, user or application.candidate, \
            FunnelEvent.application_id == application.id
    elif vacancy is not None and _signed_in(user) is not None:
        person = _signed_in(user)
        same = sa.and_(FunnelEvent.user_id == person.id, FunnelEvent.vacancy_id == vacancy.id)
    else:
        raise ValueError("funnel.record needs the application, or the job and the signed-in social worker")
    already = db.session.scalar(sa.select(FunnelEvent.id).where(same, FunnelEvent.kind == step.value).limit(1))
    if already is not None:
        return None
    if step in VISITOR_STEPS:
        return record_visitor_step(step, person, vacancy=vacancy, application=application)
    if application is None:
        raise ValueError(f"{step.value} is recorded for an application: pass application=")
    return _record_for_application(step, application)


def record_daily_visit(user: Any = None, organisation_id: int | None = None,
                       campaign: tuple[int | None, int | None] | None = None, force: bool = False) -> bool:
    """The first page a visitor sees each day counts as a visit (a tracked link always does).

    Written on its own short transaction, so it never mixes with the page's own work. Returns
    whether a visit was recorded."""
    if not is_tracked(user):
        return False
    if not _visit_due() and not force:
        return False
    row = _visitor_row(FunnelStep.VISIT, _signed_in(user), organisation_id=organisation_id, campaign=campaign)
    session[VISIT_DAY_KEY] = _today()
    return _write_visit(row)


def _today() -> str:
    return utcnow().date().isoformat()


def _visit_due() -> bool:
    """Whether this browser has not yet been counted as visiting today."""
    return session.get(VISIT_DAY_KEY) != _today()


# On SQLite (the embedded default, one writer at a time) a visit waits at most this long for the
# write lock, then is dropped with a warning: a page is never held up behind a long write.
SQLITE_VISIT_WAIT_MS = 250


def _write_visit(row: dict[str, Any]) -> bool:
    started = time.perf_counter()
    try:
        with db.engine.begin() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                usual = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_VISIT_WAIT_MS}")
            try:
                connection.execute(sa.insert(FunnelEvent.__table__), [row])
            finally:
                if sqlite:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(usual or 5000)}")
    except sa.exc.SQLAlchemyError:
        log.warning("funnel visit not recorded (%.0f ms)", (time.perf_counter() - started) * 1000, exc_info=True)
        return False
    return True


def count_daily_visit(response):
    """after_request: the first page a visitor sees each day counts as a visit (HTML pages that
    worked, not redirects, errors or assets)."""
    if (request.method == "GET" and response.status_code == 200 and response.mimetype == "text/html"
            and request.endpoint not in (None, "static") and _visit_due()):
        record_daily_visit(current_user)
    return response
