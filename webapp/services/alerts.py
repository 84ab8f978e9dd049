"""Job alerts: new vacancies matching a social worker's saved searches, mailed instantly, daily or
weekly, never the same vacancy twice for one search.

How a run works (the scheduler calls queue_alerts; workers.alert_tasks runs the chunks):

1. The social workers with a search of this frequency due are split into chunks of
   USERS_PER_JOB, one job each, so two workers share a run and a failure retries one chunk.
2. Each distinct search (its normalised query string, and the hour its window opens) is run once
   per run through the same search engine as /jobs (SQLite FTS5 or Elasticsearch), restricted by
   ``published_since`` to jobs first published in the window. A region's 100,000 saved searches
   are mostly the same few thousand searches, so this, not the count of searches, bounds the work;
   what each found is shared between chunks and workers through Redis for the run (RunResults).
   Each saved search then keeps, from the database's own rows, the jobs in its own window (never
   before it was saved) that were never mailed for it.
3. Per chunk, one transaction: the jobs are *claimed* (one ``sent_alerts`` row per (saved search,
   vacancy), one INSERT ... ON CONFLICT DO NOTHING RETURNING for the whole chunk, so of two runs racing
   only one gets each row), each person's email listing every search's new jobs is rendered, the checks
   are recorded, and the emails are queued in the outbox (services.outgoing_mail), which sends them after
   the commit with their own retries. Claims and emails commit together: a job is mailed once, or not
   claimed. A person whose email fails to render has their claims taken back before the commit and stays
   due; the chunk then raises, and its retry finds only them.

Instant alerts also run as soon as a newly published job is in the index (vacancies_indexed),
not only on the scheduler's five-minute beat.

The grace period: a vacancy's ``published_at`` is set when the recruiter publishes, but it
reaches the index only when the outbox relay runs (seconds normally; longer if Redis or
Elasticsearch was down). Looking back a day past the last check catches a job that was indexed
late; the claims stop the overlap from ever sending a job twice.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import logging
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable
from urllib.parse import quote

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from redis.exceptions import RedisError
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from domain.vocabulary import AlertFrequency, UserRole
from webapp.dispatch import SEND_ALERTS_FOR_USERS, SEND_JOB_ALERTS, enqueue, redis_connection, runs_inline
from webapp.extensions import db
from webapp.models import OutgoingMail, SavedSearch, SentAlert, User, Vacancy, utcnow
from webapp.search import get_engine
from webapp.search.engine import SearchEngine
from webapp.services import alert_relevance, saved_searches
from webapp.services.outgoing_mail import queue_rendered, render_mail

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
# Social workers per job: small enough that a retry redoes little and two workers share a run evenly,
# large enough that the run's distinct searches are mostly found once (RunResults).
USERS_PER_JOB = 500
RUN_RESULTS_KEPT = 6 * 3600  # seconds a run's search results stay in Redis: longer than any run takes
# A vacancy indexed this soon after it was published has just been published (not edited later).
INSTANT_TRIGGER_WINDOW = dt.timedelta(hours=1)
_IN_LIST = 5000  # ids per IN (...) list


class AlertRunIncomplete(RuntimeError):
    """Some social workers' alerts in a chunk were not queued; RQ retries the chunk (the rest are no longer due)."""


def _hour(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


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
    """Hand this frequency's run to the `alerts` queue in chunks of USERS_PER_JOB social workers (run
    in-process when tasks are inline). Returns how many social workers were due."""
    frequency = AlertFrequency(frequency)
    user_ids = candidates_due(frequency)
    run_id = uuid.uuid4().hex
    for start in range(0, len(user_ids), USERS_PER_JOB):
        chunk = user_ids[start:start + USERS_PER_JOB]
        enqueue(SEND_ALERTS_FOR_USERS, chunk, frequency.value, run_id, queue_name="alerts", timeout=1800,
                description=f"{frequency.value} job alerts for {len(chunk)} social worker(s)")
    log.info("%s job alerts: %d social worker(s) due, %d job(s)", frequency.value, len(user_ids),
             -(-len(user_ids) // USERS_PER_JOB))
    return len(user_ids)


def vacancies_indexed(session: Session, ids: list[int]) -> None:
    """Outbox handler, after the search index's: a job just published is searchable now, so run the
    instant alerts at once rather than at the scheduler's next beat. Only in the full stack: embedded,
    the in-process scheduler's beat runs them, outside the relay's transaction."""
    if runs_inline():
        return
    recently = utcnow() - INSTANT_TRIGGER_WINDOW
    published = session.scalar(sa.select(sa.func.count(Vacancy.id)).where(
        Vacancy.id.in_(ids), Vacancy.published_at >= recently))
    if published:
        try:
            enqueue(SEND_JOB_ALERTS, AlertFrequency.INSTANT.value, queue_name="alerts", timeout=600,
                    description="instant job alerts for newly published jobs")
        except (RedisError, RuntimeError) as exc:  # the five-minute beat will run them instead
            log.warning("instant alerts not queued (%s); the scheduler's next run sends them", type(exc).__name__)


def window_start(saved: SavedSearch) -> dt.datetime:
    """The earliest publication time this run looks at (see the module's note on the grace)."""
    last = saved.last_checked_at or saved.created_at
    return max(saved.created_at, last - INDEXING_GRACE)


def _engine_ids(saved: SavedSearch, since: dt.datetime, now: dt.datetime, engine: SearchEngine) -> list[int]:
    """Ids of live vacancies the search finds published since ``since``, newest first (at most
    MAX_JOBS_PER_SEARCH)."""
    found: list[int] = []
    # Read (and checked against the councils) once, not once a page.
    first = saved_searches.search_query(saved, per_page=_PAGE, page=1, published_since=since, as_of=now.date(),
                                        ids_only=True)
    for page in range(1, _MAX_PAGES + 1):
        result = engine.search(dataclasses.replace(first, page=page))
        found += result.ids
        if len(result.ids) < _PAGE or len(found) >= result.total:
            break
    return found


class RunResults:
    """What each distinct search found in one run, keyed by its query string and the hour its window
    opens (windows are rounded down to the hour so that searches checked minutes apart share a
    result: each then keeps only the jobs in its own window). Kept in this process, and in Redis for
    the run's other chunks and workers when there is one; without Redis each chunk asks the engine."""

    def __init__(self, run_id: str | None = None) -> None:
        self.run_id = run_id
        self.local: dict[str, list[int] | None] = {}
        self.redis = None
        if run_id and not runs_inline():
            try:
                self.redis = redis_connection()
            except RuntimeError:
                self.redis = None

    def _key(self, saved: SavedSearch, since: dt.datetime) -> str:
        digest = hashlib.sha256(f"{saved.query}\n{since.isoformat()}".encode()).hexdigest()[:32]
        return f"cswjobs:alert-run:{self.run_id}:{digest}"

    def ids(self, saved: SavedSearch, since: dt.datetime, now: dt.datetime, engine: SearchEngine) -> list[int] | None:
        """The search's ids (None: the saved search no longer parses)."""
        key = self._key(saved, since)
        if key in self.local:
            return self.local[key]
        found = self._shared(key)
        if found is None:
            try:
                found = _engine_ids(saved, since, now, engine)
            except saved_searches.InvalidSavedSearch as problem:
                # e.g. a council in the search no longer exists: skip it, and say so without personal data.
                log.warning("job alert: saved search %d cannot run: %s", saved.id, problem)
                found = False
            self._share(key, found)
        self.local[key] = None if found is False else found
        return self.local[key]

    def _shared(self, key: str) -> list[int] | bool | None:
        if self.redis is None:
            return None
        try:
            raw = self.redis.get(key)
        except RedisError:
            self.redis = None
            return None
        return None if raw is None else json.loads(raw)

    def _share(self, key: str, found: list[int] | bool) -> None:
        if self.redis is None:
            return
        try:
            self.redis.set(key, json.dumps(found), ex=RUN_RESULTS_KEPT)
        except RedisError:
            self.redis = None


def _vacancies(ids: Iterable[int]) -> dict[int, Vacancy]:
    ids = sorted(set(ids))
    rows: dict[int, Vacancy] = {}
    for start in range(0, len(ids), _IN_LIST):
        rows.update((v.id, v) for v in db.session.scalars(
            sa.select(Vacancy).options(joinedload(Vacancy.organisation)).where(Vacancy.id.in_(ids[start:start + _IN_LIST]))))
    return rows


def _already_sent(saved_search_ids: list[int], vacancy_ids: Iterable[int]) -> set[tuple[int, int]]:
    vacancy_ids = sorted(set(vacancy_ids))
    if not vacancy_ids or not saved_search_ids:
        return set()
    pairs: set[tuple[int, int]] = set()
    for start in range(0, len(saved_search_ids), _IN_LIST):
        pairs.update(db.session.execute(sa.select(SentAlert.saved_search_id, SentAlert.vacancy_id).where(
            SentAlert.saved_search_id.in_(saved_search_ids[start:start + _IN_LIST]),
            SentAlert.vacancy_id.in_(vacancy_ids))).all())
    return pairs


def _fresh(saved: SavedSearch, found: list[int], rows: dict[int, Vacancy], already: set[tuple[int, int]],
           now: dt.datetime) -> list[Vacancy]:
    # The database decides, not the index (which may trail it by a moment); and only this search's window.
    since = window_start(saved).replace(microsecond=0)
    fresh = [rows[i] for i in found
             if (saved.id, i) not in already and i in rows and rows[i].is_live_on(now.date())
             and (rows[i].published_at or rows[i].created_at) >= since]
    return fresh[:MAX_JOBS_PER_SEARCH]


_CLAIMS_PER_STATEMENT = {"postgresql": 20_000, "sqlite": 300}  # SQLite: 3 parameters a row, 999 at most
# PostgreSQL: a chunk's claims in one statement with two array parameters (not 60,000 bound values), inserted
# in (search, vacancy) order so that two runs racing over the same pairs take their row locks in one order.
_CLAIM_ON_POSTGRESQL = sa.text(
    "INSERT INTO sent_alerts (saved_search_id, vacancy_id, sent_at) "
    "SELECT pair.saved_search_id, pair.vacancy_id, :sent_at "
    "FROM unnest(:searches, :vacancies) AS pair(saved_search_id, vacancy_id) "
    "ORDER BY pair.saved_search_id, pair.vacancy_id "
    "ON CONFLICT (saved_search_id, vacancy_id) DO NOTHING "
    "RETURNING saved_search_id, vacancy_id, id"
).bindparams(sa.bindparam("searches", type_=ARRAY(sa.Integer)), sa.bindparam("vacancies", type_=ARRAY(sa.Integer)),
             sa.bindparam("sent_at", type_=sa.DateTime))


def claim_pairs(pairs: Iterable[tuple[int, int]], now: dt.datetime, session=None) -> dict[tuple[int, int], int]:
    """Record these (saved search, vacancy) pairs as sent; returns the ones this call claimed, each with its
    claim's id (sent_alerts.id).

    INSERT ... ON CONFLICT DO NOTHING RETURNING: on PostgreSQL a second run inserting the same pair waits
    for the first's transaction and then gets nothing back for it; on SQLite writers take turns. Either
    way each pair is claimed by exactly one run."""
    pairs = sorted(set(pairs))
    if not pairs:
        return {}
    session = session or db.session
    dialect = session.get_bind().dialect.name
    size = _CLAIMS_PER_STATEMENT.get(dialect, _CLAIMS_PER_STATEMENT["sqlite"])
    claimed: dict[tuple[int, int], int] = {}
    for start in range(0, len(pairs), size):
        batch = pairs[start:start + size]
        if dialect == "postgresql":
            rows = session.execute(_CLAIM_ON_POSTGRESQL, {"searches": [s for s, _ in batch],
                                                          "vacancies": [v for _, v in batch], "sent_at": now})
        else:
            rows = session.execute(
                sqlite_insert(SentAlert)
                .values([{"saved_search_id": s, "vacancy_id": v, "sent_at": now} for s, v in batch])
                .on_conflict_do_nothing(index_elements=["saved_search_id", "vacancy_id"])
                .returning(SentAlert.saved_search_id, SentAlert.vacancy_id, SentAlert.id))
        claimed.update(((s, v), i) for s, v, i in rows)
    return claimed


def send_alerts_for_users(user_ids: list[int], frequency: AlertFrequency | str, now: dt.datetime | None = None,
                          engine: SearchEngine | None = None, run_id: str | None = None) -> dict[int, AlertReport]:
    """One run of one frequency's alerts for these social workers: at most one email each, all in one
    transaction (claims, checks and emails commit together: a job is mailed once, or not claimed).

    Each person's email is rendered on its own: if one fails, their claims are taken back and their
    searches stay due, everyone else's email is committed, and this raises at the end so that the chunk
    is retried (the others are no longer due and are skipped)."""
    frequency, now = AlertFrequency(frequency), now or utcnow()
    engine = engine or get_engine()
    results = RunResults(run_id)
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(
        User.id.in_(user_ids), User.active.is_(True), User.role == UserRole.CANDIDATE))}
    due = list(db.session.scalars(
        sa.select(SavedSearch).where(SavedSearch.user_id.in_(list(users)), _due_filter(frequency, now))
        .order_by(SavedSearch.user_id, SavedSearch.created_at, SavedSearch.id)))
    found = {saved.id: results.ids(saved, _hour(window_start(saved)), now, engine) or [] for saved in due}
    every_id = {i for ids in found.values() for i in ids}
    rows, already = _vacancies(every_id), _already_sent([s.id for s in due], every_id)
    reports: dict[int, AlertReport] = {user_id: AlertReport() for user_id in users}
    plans = [(users[user_id], [(saved, _fresh(saved, found[saved.id], rows, already, now)) for saved in searches])
             for user_id, searches in itertools.groupby(due, key=lambda s: s.user_id)]
    session = db.session()
    failed: list[int] = []
    try:
        claimed = claim_pairs([(saved.id, v.id) for _, matched in plans for saved, found_now in matched
                               for v in found_now], now)
        mails, checked, sent, taken_back = [], [], [], []
        with _links():
            signer = alert_relevance.serializer()
            for user, matched in plans:
                sections = _sections(matched, claimed)
                try:
                    mail = _email(user, frequency, sections, signer) if sections else None
                except Exception:  # noqa: BLE001 - one person's failure must not hold back everyone else's email
                    failed.append(user.id)
                    taken_back += [i for section in sections for i in section.sent_alert_ids.values()]
                    log.warning("job alert for user %d not queued", user.id, exc_info=True)
                    continue
                if mail is not None:
                    mails.append(mail)
                checked += [saved.id for saved, _ in matched]
                sent += [section.saved_search.id for section in sections]
                reports[user.id] = AlertReport(searches_checked=len(matched), mailed=mail is not None,
                                               jobs_sent=sum(len(section.vacancies) for section in sections))
        for start in range(0, len(taken_back), _IN_LIST):
            session.execute(sa.delete(SentAlert).where(SentAlert.id.in_(taken_back[start:start + _IN_LIST]))
                            .execution_options(synchronize_session=False))
        _record_checks(checked, SavedSearch.last_checked_at, now)
        _record_checks(sent, SavedSearch.last_sent_at, now)
        queue_rendered(mails, session)
        session.commit()
    except Exception:
        session.rollback()
        raise
    if mails:
        log.info("%s job alerts queued: %d email(s), %d job(s)", frequency.value, len(mails),
                 sum(r.jobs_sent for r in reports.values()))
    if failed:
        raise AlertRunIncomplete(f"{len(failed)} of {len(users)} social workers' alerts were not queued; "
                                 "the retry sends them")
    return reports


def send_candidate_alerts(user_id: int, frequency: AlertFrequency | str, now: dt.datetime | None = None,
                          engine: SearchEngine | None = None) -> AlertReport:
    """One run of one frequency's alerts for one social worker: at most one email."""
    return send_alerts_for_users([user_id], frequency, now, engine).get(user_id, AlertReport())


def _sections(matched: list[tuple[SavedSearch, list[Vacancy]]],
              claimed: dict[tuple[int, int], int]) -> list[SearchAlert]:
    """A person's searches that claimed something in this run, each with the jobs it claimed."""
    sections = []
    for saved, vacancies in matched:
        mine = {v.id: claimed[(saved.id, v.id)] for v in vacancies if (saved.id, v.id) in claimed}
        if mine:
            sections.append(SearchAlert(saved, [v for v in vacancies if v.id in mine], mine))
    return sections


def _record_checks(saved_search_ids: list[int], column, now: dt.datetime) -> None:
    """Set last_checked_at or last_sent_at on these searches (the loaded objects too)."""
    for start in range(0, len(saved_search_ids), _IN_LIST):
        db.session.execute(sa.update(SavedSearch).where(SavedSearch.id.in_(saved_search_ids[start:start + _IN_LIST]))
                           .values({column: now}))


# --- the email ------------------------------------------------------------------------------------

@contextmanager
def _links():
    """One request context for a whole run's links and templates (url_for needs one; workers have no request)."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/"):
        yield


def _job_links(site: str, vacancy: Vacancy, token: str) -> dict[str, str]:
    """A listed job's page and its 'Was this relevant? Yes / No' links (services.alert_relevance), formatted
    from SITE_URL (never a request's Host header) rather than url_for'd: an email lists up to 30 jobs."""
    return {"url": f"{site}/jobs/{vacancy.id}-{quote(vacancy.slug, safe='')}",
            "yes_url": site + alert_relevance.relevance_path(token, vacancy.id, "yes"),
            "no_url": site + alert_relevance.relevance_path(token, vacancy.id, "no")}


def _email(user: User, frequency: AlertFrequency, sections: list[SearchAlert], signer) -> OutgoingMail:
    """The person's email, rendered (not yet queued): one section per search that found new jobs."""
    site = current_app.config["SITE_URL"].rstrip("/")
    total = sum(len(s.vacancies) for s in sections)
    jobs = f"{total} new job{'' if total == 1 else 's'}"
    subject = (f"{jobs} for ‘{sections[0].saved_search.name}’" if len(sections) == 1
               else f"{jobs} for your saved searches")
    everything = saved_searches.unsubscribe_token(user, [s.saved_search for s in sections])
    unsubscribe_all = site + url_for("alerts.unsubscribe", token=everything)
    context = {
        "user": user,
        "frequency": frequency,
        "sections": [
            {
                "alert": section,
                "name": section.saved_search.name,
                "jobs": [{"vacancy": v, **_job_links(site, v, token)} for v in section.listed],
                "more": section.more,
                "count": len(section.vacancies),
                "search_url": site + url_for("jobs.search", **saved_searches.jobs_url_args(section.saved_search)),
                "unsubscribe_url": site + url_for(
                    "alerts.unsubscribe", token=saved_searches.unsubscribe_token(user, [section.saved_search])),
            }
            for section in sections
            # One signed token per search in the email, not one per job (alert_relevance.search_token).
            for token in [alert_relevance.search_token(section.saved_search.id, section.sent_alert_ids.values(),
                                                       signer)]
        ],
        "manage_url": site + url_for("alerts.saved_searches"),
        "unsubscribe_all_url": unsubscribe_all,
        "service_name": current_app.config["SERVICE_NAME"],
    }
    return render_mail(user, subject, "job_alert", kind="job_alert", headers={
        # RFC 8058: a mail client's own "Unsubscribe" button POSTs here; it stops every search in this email.
        "List-Unsubscribe": f"<{unsubscribe_all}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }, **context)
