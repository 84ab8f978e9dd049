"""Notifications: what a social worker and a council's recruiters are told, on the site and by email.

One place decides who hears of what (`application_changed`, called by services.applications with every
event it records):

- the social worker, on submission, every status change (shortlisted; interview with its date, time and
  place or link; offer; not progressing, with any feedback; hired) and on withdrawal: a notification
  and an email at once;
- the council's recruiters, on each new application and each withdrawal: a notification, and an email
  at once or in the morning's digest (each recruiter's choice, User.application_mail).

New messages are notified too (services.messages), but their emails are batched (`mail_message_notices`,
every quarter hour), so a conversation does not become an email a line. Every email goes through
services.outgoing_mail: recorded with the change, sent after the commit. Recruiters' emails never carry
an applicant's name (blind shortlisting, and less personal data in mailboxes); the site shows the rest.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from domain.vocabulary import ApplicationStatus
from webapp.extensions import db
from webapp.models import Application, Interview, MailFrequency, Notification, User, utcnow
from webapp.models.users import COUNCIL_ROLES
from webapp.services import ServiceError, accounts, blind_shortlisting, outgoing_mail
from webapp.services.paging import one_page


FEEDBACK_MAX = 1000
PER_PAGE = 25

# Kinds of notification (Notification.kind).
APPLICATION_SUBMITTED = "application_submitted"
STATUS_CHANGED = "status_changed"
INTERVIEW_SCHEDULED = "interview_scheduled"
APPLICATION_WITHDRAWN = "application_withdrawn"
NEW_APPLICATION = "new_application"
APPLICATION_WITHDRAWN_BY_CANDIDATE = "applicant_withdrew"
NEW_MESSAGE = "new_message"


# --- links ---------------------------------------------------------------------------------------------------

def candidate_link(application: Application) -> str:
    """Where the social worker sees this application: its conversation page, which shows its status too."""
    return outgoing_mail.site_path("messages.candidate_thread", application_id=application.id)


def recruiter_link(application: Application) -> str:
    return outgoing_mail.site_path("recruit.application", application_id=application.id)


# --- writing notifications ---------------------------------------------------------------------------------

def notify(user: User, kind: str, title: str, link: str, body: str = "", application: Application | None = None,
           email_pending: bool = False) -> Notification:
    notification = Notification(user_id=user.id, kind=kind, title=title[:200], body=body[:1000], link=link[:300],
                                application=application, email_pending=email_pending)
    db.session.add(notification)
    return notification


def council_recruiters(organisation_id: int) -> list[User]:
    """Everyone who recruits for this council and can still sign in."""
    return list(db.session.scalars(
        sa.select(User).where(User.organisation_id == organisation_id, User.role.in_(COUNCIL_ROLES),
                              User.active.is_(True)).order_by(User.id)
    ))


@dataclass(frozen=True)
class CandidateNotice:
    title: str
    paragraphs: tuple[str, ...]


def _candidate_notice(application: Application, status: ApplicationStatus, interview: Interview | None) -> CandidateNotice:
    vacancy = application.vacancy
    council = vacancy.organisation.name
    job = f"{vacancy.title} at {council}"
    if status == ApplicationStatus.SUBMITTED:
        return CandidateNotice(f"Application received: {vacancy.title}", (
            f"{council} has your application for {vacancy.title}.",
            "Their recruiters will read it and let you know what happens next. You can follow its progress, "
            "and message the council, from your applications.",
        ))
    if status == ApplicationStatus.SHORTLISTED:
        return CandidateNotice(f"You have been shortlisted: {vacancy.title}", (
            f"Good news: you have been shortlisted for {job}.",
            "The council will be in touch about an interview.",
        ))
    if status == ApplicationStatus.INTERVIEW:
        return CandidateNotice(f"Interview: {vacancy.title}", (
            f"{council} would like to interview you for {job}.",
            *(() if interview else ("They will send you the date, time and place.",)),
        ))
    if status == ApplicationStatus.OFFERED:
        return CandidateNotice(f"Job offer: {vacancy.title}", (
            f"Congratulations: {council} would like to offer you the job of {vacancy.title}.",
            "The council will contact you about the offer and the checks before you start.",
        ))
    if status == ApplicationStatus.HIRED:
        return CandidateNotice(f"Welcome to {council}", (
            f"{council} has recorded that you accepted the job of {vacancy.title}. Good luck in your new role.",
        ))
    if status == ApplicationStatus.REJECTED:
        return CandidateNotice(f"Your application for {vacancy.title}", (
            f"Thank you for applying for {job}. The council has decided not to progress your application.",
        ))
    if status == ApplicationStatus.WITHDRAWN:
        return CandidateNotice(f"Application withdrawn: {vacancy.title}", (
            f"You have withdrawn your application for {job}. The council has been told.",
        ))
    return CandidateNotice(f"Your application for {vacancy.title}", (
        f"Your application for {job} is now: {status.label.lower()}.",
    ))


def _tell_candidate(application: Application, kind: str, notice: CandidateNotice, feedback: str = "",
                    interview: Interview | None = None) -> None:
    """The candidate's notification on the site and its email."""
    candidate = application.candidate
    notify(candidate, kind, notice.title, candidate_link(application), body=" ".join(notice.paragraphs),
           application=application)
    outgoing_mail.queue_mail(
        candidate, notice.title, "application_update", kind=kind, heading=notice.title,
        paragraphs=notice.paragraphs, feedback=feedback, interview=interview,
        link=outgoing_mail.site_url(candidate_link(application)), link_text="See your application",
    )


def application_changed(application: Application, status: ApplicationStatus, feedback: str = "") -> None:
    """Tell everyone who should hear that ``application`` has just become ``status`` (submitted included).

    Called in the transaction that records the change, so the notifications and emails commit with it.
    """
    feedback = (feedback or "").strip()
    if len(feedback) > FEEDBACK_MAX:
        raise ServiceError(f"Feedback must be {FEEDBACK_MAX} characters or fewer.")
    if application.id is None:
        db.session.flush()  # links and notifications point at the application
    # The interview just booked (services.interviews books it, then moves the application).
    interview = latest_interview(application) if status == ApplicationStatus.INTERVIEW else None
    candidate = application.candidate
    # Nothing for the social worker about their own decision to decline, nor to a closed account.
    if status != ApplicationStatus.OFFER_DECLINED and candidate.active:
        notice = _candidate_notice(application, status, interview)
        kind = {ApplicationStatus.SUBMITTED: APPLICATION_SUBMITTED, ApplicationStatus.WITHDRAWN: APPLICATION_WITHDRAWN,
                ApplicationStatus.INTERVIEW: INTERVIEW_SCHEDULED}.get(status, STATUS_CHANGED)
        _tell_candidate(application, kind, notice, feedback if status == ApplicationStatus.REJECTED else "",
                        interview)
    if status == ApplicationStatus.SUBMITTED:
        _tell_recruiters(application, NEW_APPLICATION, f"New application: {application.vacancy.title}")
    elif status == ApplicationStatus.WITHDRAWN:
        _tell_recruiters(application, APPLICATION_WITHDRAWN_BY_CANDIDATE,
                         f"Application withdrawn: {application.vacancy.title}")


def interview_rearranged(application: Application, interview: Interview) -> None:
    """A further or moved interview for an application already at interview: the candidate hears the new details."""
    vacancy = application.vacancy
    notice = CandidateNotice(f"Interview details: {vacancy.title}", (
        f"{vacancy.organisation.name} has sent new interview details for {vacancy.title}.",
    ))
    _tell_candidate(application, INTERVIEW_SCHEDULED, notice, interview=interview)


def _tell_recruiters(application: Application, kind: str, title: str) -> None:
    vacancy = application.vacancy
    link = recruiter_link(application)
    body = f"Reference {blind_shortlisting.reference(application)} for {vacancy.title}."
    for recruiter in council_recruiters(vacancy.organisation_id):
        daily = recruiter.application_mail == MailFrequency.DAILY
        notify(recruiter, kind, title, link, body=body, application=application, email_pending=daily)
        if not daily:
            outgoing_mail.queue_mail(
                recruiter, title, "notice", kind=kind, heading=title,
                paragraphs=(body, "Open it on the site to read the application and move it on."),
                link=outgoing_mail.site_url(link), link_text="Open the application",
            )


def latest_interview(application: Application) -> Interview | None:
    return db.session.scalar(sa.select(Interview).where(Interview.application_id == application.id)
                             .order_by(Interview.created_at.desc(), Interview.id.desc()).limit(1))


# --- reading them -------------------------------------------------------------------------------------------

def notifications_for(user: User, page: int = 1):
    query = (sa.select(Notification).where(Notification.user_id == user.id)
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return one_page(query, page, PER_PAGE)


def unread_count(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_all_read(user: User, now: dt.datetime | None = None) -> int:
    return db.session.execute(
        sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow()).execution_options(synchronize_session=False)
    ).rowcount


def mark_read_for_application(user: User, application: Application, kinds: tuple[str, ...] = (NEW_MESSAGE,)) -> None:
    """Opening a conversation marks its message notifications read."""
    db.session.execute(
        sa.update(Notification).where(Notification.user_id == user.id, Notification.application_id == application.id,
                                      Notification.kind.in_(kinds), Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False)
    )


# --- batched emails: message notices and the recruiters' morning digest --------------------------------------

def _claim_pending(user_id: int, kinds: tuple[str, ...] | None) -> list[Notification]:
    """Take this person's notifications still waiting for an email; a concurrent run gets none of them."""
    query = sa.update(Notification).where(Notification.user_id == user_id, Notification.email_pending.is_(True))
    if kinds is not None:
        query = query.where(Notification.kind.in_(kinds))
    ids = list(db.session.scalars(query.values(email_pending=False).returning(Notification.id)))
    if not ids:
        return []
    return list(db.session.scalars(
        sa.select(Notification).where(Notification.id.in_(ids)).options(selectinload(Notification.application))
        .order_by(Notification.created_at, Notification.id)
    ))


def _users_with_pending(kinds: tuple[str, ...] | None, frequency: MailFrequency | None) -> list[User]:
    query = sa.select(User).where(User.id.in_(
        sa.select(Notification.user_id).where(Notification.email_pending.is_(True),
                                              *([Notification.kind.in_(kinds)] if kinds is not None else []))
    ))
    if frequency == MailFrequency.DAILY:
        query = query.where(User.role.in_(COUNCIL_ROLES), User.application_mail == MailFrequency.DAILY)
    elif frequency == MailFrequency.IMMEDIATE:
        query = query.where(sa.or_(User.role.not_in(COUNCIL_ROLES), User.application_mail == MailFrequency.IMMEDIATE))
    return list(db.session.scalars(query.order_by(User.id)))


def _mail_batch(user: User, notifications: list[Notification], subject: str, intro: str, kind: str) -> None:
    outgoing_mail.queue_mail(
        user, subject, "notification_digest", kind=kind, heading=subject, intro=intro,
        items=[{"title": n.title, "body": n.body, "url": outgoing_mail.site_url(n.link) if n.link else ""}
               for n in notifications],
        link=outgoing_mail.site_url(outgoing_mail.site_path("notifications.index")), link_text="See all your notifications",
    )


def _mail_pending(kinds: tuple[str, ...] | None, frequency: MailFrequency,
                  compose: Callable[[list[Notification]], tuple[str, str]], kind: str) -> int:
    """One email per person with notifications of ``kinds`` waiting; ``compose`` gives its subject and intro.
    Each person's run commits on its own; a closed account's notices are claimed, never mailed."""
    mailed = 0
    for user in _users_with_pending(kinds, frequency):
        notifications = _claim_pending(user.id, kinds)
        if notifications and user.active:
            _mail_batch(user, notifications, *compose(notifications), kind)
            mailed += 1
        db.session.commit()
    return mailed


def _message_notice(notifications: list[Notification]) -> tuple[str, str]:
    threads = len({n.application_id for n in notifications})
    subject = (f"New message about {notifications[0].application.vacancy.title}" if threads == 1
               else f"New messages about {threads} applications")
    return subject, f"You have new messages on {current_app.config['SERVICE_NAME']}. Sign in to read and reply."


def _daily_digest(notifications: list[Notification]) -> tuple[str, str]:
    count = len(notifications)
    return (f"Your daily summary: {count} update{'' if count == 1 else 's'}",
            "New applications and messages for your council's vacancies since yesterday's summary.")


def mail_message_notices() -> int:
    """Every quarter hour: one email per person about their new messages (recruiters who chose a daily
    digest get theirs there). Returns how many emails were queued."""
    return _mail_pending((NEW_MESSAGE,), MailFrequency.IMMEDIATE, _message_notice, NEW_MESSAGE)


def mail_daily_digests() -> int:
    """Each morning: one email per recruiter who chose a daily digest, with everything since the last one."""
    return _mail_pending(None, MailFrequency.DAILY, _daily_digest, "daily_digest")


# --- choices ---------------------------------------------------------------------------------------------

def set_application_mail(user: User, frequency: str) -> MailFrequency:
    if not user.is_recruiter:
        raise ServiceError("Only council recruiters choose how they hear of new applications.")
    try:
        chosen = MailFrequency(frequency)
    except ValueError:
        raise ServiceError("Choose when to get emails about new applications.") from None
    user.application_mail = chosen
    return chosen


# --- the person's data ---------------------------------------------------------------------------------------

def _export(user: User) -> dict:
    rows = db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.created_at, Notification.id))
    return {
        "notifications": [{"title": n.title, "body": n.body, "at": n.created_at.isoformat(),
                           "read_at": n.read_at.isoformat() if n.read_at else None} for n in rows],
        "emails": outgoing_mail.export_for(user),
    }


def _erase(user: User) -> None:
    db.session.execute(sa.delete(Notification).where(Notification.user_id == user.id)
                       .execution_options(synchronize_session=False))
    outgoing_mail.erase_for(user)


accounts.register_personal_data("notifications_and_emails", _export, _erase)
