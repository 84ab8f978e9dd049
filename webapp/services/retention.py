"""How long the service keeps personal data, as data, and the nightly run that applies it.

Modelled on the Department for Education's schedules for its recruitment services: an account
nobody has used for a long time is warned and then deleted; an application's free text is kept
a set number of years and then emptied (the row stays, anonymous, for the councils' figures);
referees' details go soon after the application ends; leavers' keyed hashes go once no
cooling-off period can apply; sent email, the audit log and feedback have their own periods. Every period
is a setting (config.SETTINGS, RETENTION_*); docs/retention.md states the schedule for the
privacy notice. Each rule takes ``now``, so tests run it with a clock, and each is idempotent:
a second run the same night changes nothing.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa
from flask import current_app

from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.models import Application, AuditLog, Feedback, MailStatus, OutgoingMail, User, utcnow
from webapp.services import accounts, audit, references
from webapp.services.outgoing_mail import absolute_url, queue_mail
from webapp.services.workforce import leavers
from webapp.services.workforce.settings import region_settings

log = logging.getLogger(__name__)

DAYS_IN_A_YEAR = 365.25
# Mail that has reached an end: sent, refused, given up on, or never sent to an address that bounced.
_FINISHED_MAIL = (MailStatus.SENT, MailStatus.FAILED, MailStatus.SUPPRESSED, MailStatus.BOUNCED)


@dataclass(frozen=True)
class Rule:
    """One line of the schedule: what is kept, for how long, and what happens then."""

    name: str
    what: str
    period: Callable[[], str]  # the period in force, in words ("24 months")
    then: str
    apply: Callable[[dt.datetime], int]


def _setting_period(name: str, unit: str) -> Callable[[], str]:
    def period() -> str:
        count = current_app.config[name]
        return f"{count} {unit[:-1] if count == 1 else unit}"

    return period


def _leaver_period() -> str:
    return f"{region_settings().cooling_off_months + 12} months after leaving"


def _ago(now: dt.datetime, count: int, unit: str) -> dt.datetime:
    days = {"days": 1, "months": DAYS_IN_A_YEAR / 12, "years": DAYS_IN_A_YEAR}[unit] * count
    return now - dt.timedelta(days=round(days))


def _setting(name: str) -> int:
    return current_app.config[name]


# --- accounts nobody uses ----------------------------------------------------------------------------------

def _last_seen():
    return sa.func.coalesce(User.last_sign_in_at, User.created_at)


def _inactive_candidates(since: dt.datetime):
    return sa.select(User).where(User.role == UserRole.CANDIDATE, User.active.is_(True), _last_seen() < since)


def warn_inactive_accounts(now: dt.datetime) -> int:
    """Email every social worker who has not signed in for the period, once, saying when the account goes."""
    since = _ago(now, _setting("RETENTION_INACTIVE_ACCOUNT_MONTHS"), "months")
    warning_days = _setting("RETENTION_ACCOUNT_WARNING_DAYS")
    users = db.session.scalars(_inactive_candidates(since).where(
        sa.or_(User.inactivity_warned_at.is_(None), User.inactivity_warned_at < _last_seen()))
        .order_by(User.id)).all()
    deleted_on = (now + dt.timedelta(days=warning_days)).date()
    for user in users:
        user.inactivity_warned_at = now
        queue_mail(user, f"Your {current_app.config['SERVICE_NAME']} account will be deleted", "notice",
                   kind="retention_warning", heading="Your account will be deleted",
                   paragraphs=[f"You have not signed in to your account for "
                               f"{_setting('RETENTION_INACTIVE_ACCOUNT_MONTHS')} months. We keep personal data "
                               f"only while it is used, so we will delete your account, your profile, your saved "
                               f"searches and what you wrote in your applications on {deleted_on:%-d %B %Y}.",
                               "To keep your account, sign in before then. To let it go, do nothing."],
                   link=absolute_url("account.sign_in"), link_text="Sign in to keep your account")
    return len(users)


def delete_inactive_accounts(now: dt.datetime) -> int:
    """Erase the accounts warned at least the warning period ago whose owners have not signed in since."""
    since = _ago(now, _setting("RETENTION_INACTIVE_ACCOUNT_MONTHS"), "months")
    warned_before = now - dt.timedelta(days=_setting("RETENTION_ACCOUNT_WARNING_DAYS"))
    users = db.session.scalars(_inactive_candidates(since).where(
        User.inactivity_warned_at.is_not(None), User.inactivity_warned_at <= warned_before,
        _last_seen() < User.inactivity_warned_at).order_by(User.id)).all()
    for user in users:
        accounts.erase_account(user, "account.deleted_for_inactivity")
    return len(users)


def deactivate_dormant_staff(now: dt.datetime) -> int:
    """Switch off staff accounts (recruiters, council and platform administrators, the programme team)
    nobody has signed in to for the period: a dormant account with access to applications is a way
    in that nobody would notice. The row stays (the audit trail names it); an administrator can
    switch it on again."""
    since = _ago(now, _setting("RETENTION_STAFF_INACTIVE_MONTHS"), "months")
    users = db.session.scalars(sa.select(User).where(
        User.role != UserRole.CANDIDATE, User.active.is_(True), _last_seen() < since).order_by(User.id)).all()
    for user in users:
        user.active = False
        accounts.end_sessions(user)
        audit.record(None, "account.deactivated_for_inactivity", user, organisation_id=user.organisation_id)
    return len(users)


# --- applications, referees, leavers, mail, the audit log ------------------------------------------------------------

def empty_old_applications(now: dt.datetime) -> int:
    """Empty the free text of applications unchanged for the period (the anonymous rows stay for the figures)."""
    before = _ago(now, _setting("RETENTION_APPLICATION_YEARS"), "years")
    holding_text = sa.or_(Application.supporting_statement != "", Application.decline_detail != "",
                          Application.answers.is_not(None))
    ids = db.session.scalars(sa.select(Application.id).where(Application.updated_at < before, holding_text)).all()
    if ids:
        accounts.empty_applications(sa.select(Application.id).where(Application.id.in_(ids)))
        db.session.expire_all()
    return len(ids)


def delete_referees(now: dt.datetime) -> int:
    return references.delete_referee_data_older_than(_setting("RETENTION_REFEREE_DAYS"), now=now)


def delete_expired_leavers(now: dt.datetime) -> int:
    # The period is the region's agency cooling-off setting plus a year (services.workforce.leavers).
    return leavers.purge_expired_leavers(now.date())


def delete_old_mail(now: dt.datetime) -> int:
    before = now - dt.timedelta(days=_setting("RETENTION_MAIL_DAYS"))
    result = db.session.execute(sa.delete(OutgoingMail).where(
        OutgoingMail.status.in_(_FINISHED_MAIL),
        sa.func.coalesce(OutgoingMail.sent_at, OutgoingMail.created_at) < before))
    return result.rowcount or 0


def delete_old_audit_entries(now: dt.datetime) -> int:
    before = _ago(now, _setting("RETENTION_AUDIT_YEARS"), "years")
    result = db.session.execute(sa.delete(AuditLog).where(AuditLog.created_at < before))
    return result.rowcount or 0


def delete_old_feedback(now: dt.datetime) -> int:
    # Feedback asks for nothing personal, but people sometimes write their name or a story anyway.
    before = _ago(now, _setting("RETENTION_FEEDBACK_MONTHS"), "months")
    result = db.session.execute(sa.delete(Feedback).where(Feedback.created_at < before))
    return result.rowcount or 0


SCHEDULE: tuple[Rule, ...] = (
    Rule("inactive-accounts-warned", "A social worker's account, profile, saved searches and follows",
         _setting_period("RETENTION_INACTIVE_ACCOUNT_MONTHS", "months"),
         "after this long without signing in, its owner is emailed", warn_inactive_accounts),
    Rule("inactive-accounts-deleted", "The same account, once warned",
         _setting_period("RETENTION_ACCOUNT_WARNING_DAYS", "days"),
         "after this long without signing in since the warning, it is deleted as if its owner had deleted it",
         delete_inactive_accounts),
    Rule("dormant-staff-deactivated", "A council's or the programme team's staff account",
         _setting_period("RETENTION_STAFF_INACTIVE_MONTHS", "months"),
         "after this long without signing in, it is switched off (kept for the audit trail; an administrator can "
         "switch it on again)", deactivate_dormant_staff),
    Rule("applications-emptied", "What a social worker wrote in an application (statement, form answers, "
         "notes, messages)", _setting_period("RETENTION_APPLICATION_YEARS", "years"),
         "after this long without a change, it is emptied; the anonymous row stays for the councils' figures",
         empty_old_applications),
    Rule("referees-deleted", "Referees' names, contact details and references",
         _setting_period("RETENTION_REFEREE_DAYS", "days"),
         "after the application ends (not progressed, withdrawn, declined or hired) and this long without a change, "
         "they are deleted; a council keeps a new starter's references in its own HR files",
         delete_referees),
    Rule("leavers-deleted", "Leavers' keyed hashes of Social Work England numbers (agency cooling-off check)",
         _leaver_period, "deleted once no cooling-off period can still apply (the region's cooling-off months "
         "plus a year for placements recorded late)",
         delete_expired_leavers),
    Rule("mail-deleted", "Copies of email sent by the service", _setting_period("RETENTION_MAIL_DAYS", "days"),
         "deleted this long after they were sent (or given up on)", delete_old_mail),
    Rule("audit-deleted", "The audit log of who did what", _setting_period("RETENTION_AUDIT_YEARS", "years"),
         "entries older than this are deleted", delete_old_audit_entries),
    Rule("feedback-deleted", "Messages sent through the feedback form", _setting_period("RETENTION_FEEDBACK_MONTHS", "months"),
         "deleted this long after they were sent", delete_old_feedback),
)


def apply_schedule(now: dt.datetime | None = None) -> dict[str, int]:
    """Run every rule of the schedule once, in order, in the caller's transaction; how many rows each touched."""
    now = now or utcnow()
    done = {rule.name: rule.apply(now) for rule in SCHEDULE}
    audit.record(None, "retention.applied", "retention", **done)
    log.info("retention schedule applied", extra={"retention": done})
    return done
