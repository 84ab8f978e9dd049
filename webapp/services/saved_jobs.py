"""Saved jobs: a social worker keeps a job to come back to, and is reminded once before it closes.

The reminder is one email per social worker per run, listing every saved job that closes within
REMIND_DAYS_BEFORE_CLOSING days and that they have not applied for. Each saved job is reminded
once: `reminded_at` is set in the same transaction that queues the email (queue_mail), so a run
repeated, retried or racing another sends nothing twice, and a failed run sends nothing at all.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from domain.vocabulary import UserRole, VacancyStatus
from webapp.extensions import db
from webapp.models import Application, SavedJob, User, Vacancy, utcnow
from webapp.services import NotAllowed, ServiceError, accounts
from webapp.services.outgoing_mail import absolute_url, queue_mail

log = logging.getLogger(__name__)

# A reminder goes when a saved job has this many days or fewer left (the closing day counts: a job
# closing tomorrow has two days left, today and tomorrow), so there is still time to apply.
REMIND_DAYS_BEFORE_CLOSING = 3
SAVED_JOBS_MAX = 200  # a list longer than this is no longer a shortlist


class NotSaved(ServiceError):
    pass


def _candidate(user: User) -> User:
    if not user.is_candidate:
        raise NotAllowed("Only social workers can save jobs. Sign in with a social worker's account.")
    return user


def saved_job(user: User, vacancy: Vacancy) -> SavedJob | None:
    return db.session.scalar(sa.select(SavedJob).where(SavedJob.user_id == user.id, SavedJob.vacancy_id == vacancy.id))


def save(user: User, vacancy: Vacancy, today: dt.date | None = None) -> tuple[SavedJob, bool]:
    """Save a live job to the social worker's list. Returns (the saved job, whether it was new):
    saving twice (a double tap, a second tab) keeps the one entry."""
    _candidate(user)
    today = today or dt.date.today()
    existing = saved_job(user, vacancy)
    if existing is not None:
        return existing, False
    if not vacancy.is_live_on(today):
        raise ServiceError("This job has closed, so it cannot be saved.")
    count = db.session.scalar(sa.select(sa.func.count(SavedJob.id)).where(SavedJob.user_id == user.id)) or 0
    if count >= SAVED_JOBS_MAX:
        raise ServiceError(f"You can save up to {SAVED_JOBS_MAX} jobs. Remove some you no longer need first.")
    entry = SavedJob(user_id=user.id, vacancy_id=vacancy.id)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except sa.exc.IntegrityError:  # the same job saved in two requests at once: one row wins
        return saved_job(user, vacancy), False
    return entry, True


def remove(user: User, vacancy: Vacancy) -> bool:
    """Take a job off the list; False if it was not on it."""
    _candidate(user)
    entry = saved_job(user, vacancy)
    if entry is None:
        return False
    db.session.delete(entry)
    return True


@dataclass(frozen=True)
class SavedJobs:
    open: list[SavedJob]  # closing soonest first
    closed: list[SavedJob]  # closed or withdrawn since they were saved, most recent first
    applied: set[int]  # vacancy ids applied for


def saved_jobs_for(user: User, today: dt.date | None = None) -> SavedJobs:
    today = today or dt.date.today()
    rows = db.session.scalars(
        sa.select(SavedJob).options(joinedload(SavedJob.vacancy).joinedload(Vacancy.organisation))
        .join(Vacancy, Vacancy.id == SavedJob.vacancy_id)
        .where(SavedJob.user_id == user.id)
        .order_by(Vacancy.closing_date, SavedJob.id)
    ).all()
    applied = set(db.session.scalars(sa.select(Application.vacancy_id).where(
        Application.candidate_id == user.id, Application.vacancy_id.in_([r.vacancy_id for r in rows]))))
    return SavedJobs(open=[r for r in rows if r.vacancy.is_live_on(today)],
                     closed=[r for r in reversed(rows) if not r.vacancy.is_live_on(today)], applied=applied)


# --- the reminder before a saved job closes ----------------------------------------------------------------

def reminders_due(today: dt.date) -> dict[int, list[SavedJob]]:
    """Saved jobs to remind about now, by social worker: live, closing within the reminder window,
    never reminded, not applied for, and their owner an active social worker."""
    applied = sa.exists().where(Application.vacancy_id == SavedJob.vacancy_id,
                                Application.candidate_id == SavedJob.user_id)
    rows = db.session.scalars(
        sa.select(SavedJob)
        .options(joinedload(SavedJob.vacancy).joinedload(Vacancy.organisation), joinedload(SavedJob.user))
        .join(Vacancy, Vacancy.id == SavedJob.vacancy_id)
        .join(User, User.id == SavedJob.user_id)
        .where(SavedJob.reminded_at.is_(None), Vacancy.status == VacancyStatus.LIVE,
               Vacancy.closing_date >= today,
               Vacancy.closing_date < today + dt.timedelta(days=REMIND_DAYS_BEFORE_CLOSING),
               User.active.is_(True), User.role == UserRole.CANDIDATE, ~applied)
        .order_by(SavedJob.user_id, Vacancy.closing_date, SavedJob.id)
    ).unique().all()
    due: dict[int, list[SavedJob]] = defaultdict(list)
    for row in rows:
        due[row.user_id].append(row)
    return dict(due)


def _days_left(vacancy: Vacancy, today: dt.date) -> str:
    days = (vacancy.closing_date - today).days
    return "closes today" if days == 0 else "closes tomorrow" if days == 1 else f"closes in {days} days"


def queue_closing_reminders(today: dt.date | None = None) -> int:
    """Queue one reminder email per social worker with saved jobs about to close, and mark those jobs
    reminded, in one transaction. Returns how many emails were queued."""
    today = today or dt.date.today()
    now = utcnow()
    due = reminders_due(today)
    for entries in due.values():
        user = entries[0].user
        jobs = [{"title": e.vacancy.title, "council": e.vacancy.organisation.name,
                 "closes": _days_left(e.vacancy, today),
                 "url": absolute_url("jobs.vacancy", vacancy_id=e.vacancy.id, slug=e.vacancy.slug)}
                for e in entries]
        subject = (f"A job you saved {jobs[0]['closes']}: {jobs[0]['title']}" if len(jobs) == 1
                   else f"{len(jobs)} jobs you saved close soon")
        queue_mail(user, subject, "saved_jobs_closing", kind="saved_job_reminder", jobs=jobs,
                   saved_jobs_url=absolute_url("saved_jobs.saved_jobs"))
        for entry in entries:
            entry.reminded_at = now
    db.session.commit()
    log.info("saved job reminders: %d social worker(s), %d job(s)", len(due), sum(map(len, due.values())))
    return len(due)


# --- personal data ----------------------------------------------------------------------------------------

def _export(user: User) -> list[dict]:
    rows = db.session.scalars(sa.select(SavedJob).options(joinedload(SavedJob.vacancy).joinedload(Vacancy.organisation))
                              .where(SavedJob.user_id == user.id).order_by(SavedJob.created_at)).all()
    return [{"job": r.vacancy.title, "council": r.vacancy.organisation.name, "saved_at": r.created_at.isoformat(),
             "reminded_at": r.reminded_at.isoformat() if r.reminded_at else None} for r in rows]


def _erase(user: User) -> None:
    db.session.execute(sa.delete(SavedJob).where(SavedJob.user_id == user.id))


accounts.register_personal_data("saved_jobs", _export, _erase)
