"""Job alerts: new vacancies matching a social worker's saved searches, mailed instantly, daily or
weekly, never the same vacancy twice for one search.

How one run works for one candidate (workers.alert_tasks calls it, one job per candidate):

1. Each of their saved searches of this frequency that is due is run through the same search
   engine as /jobs (SQLite FTS5 or Elasticsearch), restricted by ``published_since`` to jobs
   first published since the search last looked (less a grace period, below) and never before
   the search was saved. Jobs already mailed for that search are left out.
2. The jobs found are *claimed*: one ``sent_alerts`` row per (saved search, vacancy), inserted
   with ON CONFLICT DO NOTHING ... RETURNING, so of two runs racing (a retry, a duplicate
   job) only one gets each row; the other skips it. The claims are committed before any mail
   is sent, so a vacancy is never mailed twice.
3. One email lists every search's new jobs. If sending fails, the claims are released and the
   run raises, so RQ retries it later.

The grace period: a vacancy's ``published_at`` is set when the recruiter publishes, but it
reaches the index only when the outbox relay runs (seconds normally; longer if Redis or
Elasticsearch was down). Looking back a day past the last check catches a job that was indexed
late; the claims stop the overlap from ever sending a job twice.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, render_template, url_for
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from domain.vocabulary import AlertFrequency, UserRole
from webapp.dispatch import SEND_CANDIDATE_ALERTS, enqueue
from webapp.extensions import db
from webapp.mail import send_mail
from webapp.models import SavedSearch, SentAlert, User, Vacancy, utcnow
from webapp.search import get_engine
from webapp.search.engine import SearchEngine
from webapp.services import alert_relevance, saved_searches

log = logging.getLogger(__name__)

INDEXING_GRACE = dt.timedelta(days=1)
# How long after its last check a search is due again. Instant alerts are checked on every run
# (every few minutes); the others tolerate a scheduler that fires late or twice.
DUE_AFTER = {
    AlertFrequency.INSTANT: dt.timedelta(0),
    AlertFrequency.DAILY: dt.timedelta(hours=20),
    AlertFrequency.WEEKLY: dt.timedelta(days=6),
}
JOBS_LISTED_PER_SEARCH = 10  # listed by name in an email; the rest are counted and a link away
_PAGE = 100
_MAX_PAGES = 3
# Claimed per search per run: everything the window finds, up to a bound no real search reaches
# (a region posts tens of jobs a day), so no job trickles into a later email as if it were new.
MAX_JOBS_PER_SEARCH = _PAGE * _MAX_PAGES


@dataclass
class SearchAlert:
    saved_search: SavedSearch
    vacancies: list[Vacancy] = field(default_factory=list)
    sent_alert_ids: dict[int, int] = field(default_factory=dict)  # vacancy id -> its claim, for "was this relevant?"

    @property
    def listed(self) -> list[Vacancy]:
        return self.vacancies[:JOBS_LISTED_PER_SEARCH]

    @property
    def more(self) -> int:
        return max(0, len(self.vacancies) - JOBS_LISTED_PER_SEARCH)


@dataclass
class AlertReport:
    searches_checked: int = 0
    jobs_sent: int = 0
    mailed: bool = False


def _due_filter(frequency: AlertFrequency, now: dt.datetime):
    due_before = now - DUE_AFTER[frequency]
    return sa.and_(
        SavedSearch.frequency == frequency,
        SavedSearch.alerts_on.is_(True),
        sa.or_(SavedSearch.last_checked_at.is_(None), SavedSearch.last_checked_at <= due_before),
    )


def candidates_due(frequency: AlertFrequency | str, now: dt.datetime | None = None) -> list[int]:
    """Ids of active social workers with at least one saved search of this frequency due now."""
    frequency, now = AlertFrequency(frequency), now or utcnow()
    return list(db.session.scalars(
        sa.select(User.id).distinct()
        .join(SavedSearch, SavedSearch.user_id == User.id)
        .where(_due_filter(frequency, now), User.active.is_(True), User.role == UserRole.CANDIDATE)
        .order_by(User.id)
    ))



def queue_alerts(frequency: AlertFrequency | str) -> int:
    """Hand one alert run to the `alerts` queue for every social worker due one now (run in-process when
    tasks are inline), so a slow or failing mailbox holds up, and retries, only that person's email.
    Returns how many were queued."""
    frequency = AlertFrequency(frequency)
    user_ids = candidates_due(frequency)
    for user_id in user_ids:
        enqueue(SEND_CANDIDATE_ALERTS, user_id, frequency.value, queue_name="alerts", timeout=300,
                description=f"{frequency.value} job alerts for user {user_id}")
    log.info("%s job alerts: %d social worker(s) due", frequency.value, len(user_ids))
    return len(user_ids)

def window_start(saved: SavedSearch) -> dt.datetime:
    """The earliest publication time this run looks at (see the module's note on the grace)."""
    last = saved.last_checked_at or saved.created_at
    return max(saved.created_at, last - INDEXING_GRACE)


def new_vacancies(saved: SavedSearch, now: dt.datetime, engine: SearchEngine | None = None) -> list[Vacancy]:
    """Live vacancies matching the search, published in its window and never mailed for it, newest first."""
    engine = engine or get_engine()
    since = window_start(saved)
    found: list[int] = []
    for page in range(1, _MAX_PAGES + 1):
        query = saved_searches.search_query(saved, per_page=_PAGE, page=page, published_since=since, as_of=now.date())
        result = engine.search(query)
        found += result.ids
        if len(result.ids) < _PAGE:
            break
    if not found:
        return []
    already = set(db.session.scalars(
        sa.select(SentAlert.vacancy_id).where(SentAlert.saved_search_id == saved.id, SentAlert.vacancy_id.in_(found))
    ))
    rows = {v.id: v for v in db.session.scalars(
        sa.select(Vacancy).options(joinedload(Vacancy.organisation)).where(Vacancy.id.in_(found))
    )}
    # The database decides, not the index (which may trail it by a moment).
    fresh = [rows[i] for i in found
             if i not in already and i in rows and rows[i].is_live_on(now.date())
             and (rows[i].published_at or rows[i].created_at) >= since.replace(microsecond=0)]
    return fresh[:MAX_JOBS_PER_SEARCH]


def claim(saved_search_id: int, vacancy_ids: list[int], now: dt.datetime, session=None) -> set[int]:
    """Record these vacancies as sent for this search; returns the ones this call claimed.

    One INSERT ... ON CONFLICT DO NOTHING RETURNING: on PostgreSQL a second run inserting the
    same pair waits for the first's transaction and then gets nothing back for it; on SQLite
    writers take turns. Either way each pair is claimed by exactly one run."""
    if not vacancy_ids:
        return set()
    session = session or db.session
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(SentAlert)
        .values([{"saved_search_id": saved_search_id, "vacancy_id": v, "sent_at": now} for v in vacancy_ids])
        .on_conflict_do_nothing(index_elements=["saved_search_id", "vacancy_id"])
        .returning(SentAlert.vacancy_id)
    )
    return set(session.scalars(statement))


def _release(claimed: dict[int, set[int]]) -> None:
    for saved_search_id, vacancy_ids in claimed.items():
        db.session.execute(sa.delete(SentAlert).where(SentAlert.saved_search_id == saved_search_id,
                                                      SentAlert.vacancy_id.in_(vacancy_ids)))


def send_candidate_alerts(user_id: int, frequency: AlertFrequency | str, now: dt.datetime | None = None,
                          engine: SearchEngine | None = None) -> AlertReport:
    """One run of one frequency's alerts for one social worker: at most one email."""
    frequency, now = AlertFrequency(frequency), now or utcnow()
    report = AlertReport()
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.role != UserRole.CANDIDATE:
        return report
    due = list(db.session.scalars(
        sa.select(SavedSearch).where(SavedSearch.user_id == user.id, _due_filter(frequency, now))
        .order_by(SavedSearch.created_at, SavedSearch.id)
    ))
    matched: list[tuple[SavedSearch, list[Vacancy]]] = []
    for saved in due:
        try:
            vacancies = new_vacancies(saved, now, engine)
        except saved_searches.InvalidSavedSearch as problem:
            # e.g. a council in the search no longer exists: skip it, and say so without personal data.
            log.warning("job alert: saved search %d cannot run: %s", saved.id, problem)
            vacancies = []
        matched.append((saved, vacancies))

    # Claim and record the check in one transaction, committed before any mail is sent.
    previous_checks = {saved.id: saved.last_checked_at for saved, _ in matched}
    claimed: dict[int, set[int]] = {}
    sections: list[SearchAlert] = []
    for saved, vacancies in matched:
        mine = claim(saved.id, [v.id for v in vacancies], now)
        saved.last_checked_at = now
        if mine:
            claimed[saved.id] = mine
            sent_ids = dict(db.session.execute(sa.select(SentAlert.vacancy_id, SentAlert.id).where(
                SentAlert.saved_search_id == saved.id, SentAlert.vacancy_id.in_(mine))).all())
            sections.append(SearchAlert(saved, [v for v in vacancies if v.id in mine], sent_ids))
    report.searches_checked = len(matched)
    report.jobs_sent = sum(len(s.vacancies) for s in sections)
    db.session.commit()
    if not sections:
        return report

    try:
        _mail(user, frequency, sections)
    except Exception:
        # Nothing was sent: give the jobs back so the retry (RQ backs off and runs this again) mails them.
        db.session.rollback()
        _release(claimed)
        for saved in db.session.scalars(sa.select(SavedSearch).where(SavedSearch.id.in_(previous_checks))):
            saved.last_checked_at = previous_checks[saved.id]
        db.session.commit()
        raise
    for section in sections:
        section.saved_search.last_sent_at = now
    db.session.commit()
    report.mailed = True
    log.info("job alert mailed: user %d, %d search(es), %d job(s)", user.id, len(sections), report.jobs_sent)
    return report


# --- the email ------------------------------------------------------------------------------------

def _absolute(path: str) -> str:
    # From SITE_URL, never a request's Host header (alerts are sent by workers, with no request).
    return current_app.config["SITE_URL"].rstrip("/") + path


def _relevance_links(sent_alert_id: int) -> dict[str, str]:
    """'Was this relevant? Yes / No' under a job: signed links that need no sign-in (services.alert_relevance)."""
    token = alert_relevance.relevance_token(sent_alert_id)
    return {answer + "_url": _absolute(url_for("alerts.relevance", token=token, answer=answer)) for answer in ("yes", "no")}


def _mail(user: User, frequency: AlertFrequency, sections: list[SearchAlert]) -> None:
    total = sum(len(s.vacancies) for s in sections)
    jobs = f"{total} new job{'' if total == 1 else 's'}"
    subject = (f"{jobs} for ‘{sections[0].saved_search.name}’" if len(sections) == 1
               else f"{jobs} for your saved searches")
    with current_app.test_request_context("/"):
        everything = saved_searches.unsubscribe_token(user, [s.saved_search for s in sections])
        unsubscribe_all = _absolute(url_for("alerts.unsubscribe", token=everything))
        context = {
            "user": user,
            "frequency": frequency,
            "sections": [
                {
                    "alert": section,
                    "name": section.saved_search.name,
                    "jobs": [{"vacancy": v, "url": _absolute(url_for("jobs.vacancy", vacancy_id=v.id, slug=v.slug)),
                              **_relevance_links(section.sent_alert_ids[v.id])}
                             for v in section.listed],
                    "more": section.more,
                    "count": len(section.vacancies),
                    "search_url": _absolute(url_for("jobs.search", **saved_searches.jobs_url_args(section.saved_search))),
                    "unsubscribe_url": _absolute(url_for(
                        "alerts.unsubscribe", token=saved_searches.unsubscribe_token(user, [section.saved_search]))),
                }
                for section in sections
            ],
            "manage_url": _absolute(url_for("alerts.saved_searches")),
            "unsubscribe_all_url": unsubscribe_all,
            "service_name": current_app.config["SERVICE_NAME"],
        }
        text = render_template("mail/job_alert.txt", **context)
        html = render_template("mail/job_alert.html", **context)
    send_mail(user.email, subject, text, html, headers={
        # RFC 8058: a mail client's own "Unsubscribe" button POSTs here; it stops every search in this email.
        "List-Unsubscribe": f"<{unsubscribe_all}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    })
