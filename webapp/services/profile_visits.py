"""A findable profile stays findable only while its owner still comes back.

A social worker who let recruiters find them and then stopped visiting may have found a job: showing
them to recruiters for ever wastes recruiters' time and exposes a profile its owner has forgotten.
So a findable profile whose owner has neither signed in nor opened their profile for
SWITCH_OFF_AFTER is switched off (no longer findable), after a warning email WARN_BEFORE earlier.
Any visit in between (signing in, or opening the profile) keeps it on. Switching back on is one
button on the profile page (or ticking "Let recruiters find me" again).

Visits are written with a plain UPDATE that leaves `updated_at` alone: a visit changes nothing
matching reads, so it must not wake the outbox, re-index the profile or invalidate the ranking cache.
"""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.models import CandidateProfile, User, utcnow
from webapp.services import ServiceError, audit
from webapp.services.outgoing_mail import absolute_url, queue_mail

log = logging.getLogger(__name__)

SWITCH_OFF_AFTER = dt.timedelta(days=183)  # six months
WARN_BEFORE = dt.timedelta(days=14)
# A visit is written at most this often: a social worker opening their profile ten times in an
# afternoon is one visit.
VISIT_RESOLUTION = dt.timedelta(hours=1)


def record_visit(user: User, now: dt.datetime | None = None) -> None:
    """The social worker was here (signed in, or opened their profile). Added to the caller's transaction."""
    if not user.is_candidate:
        return
    now = now or utcnow()
    profile_id = db.session.scalar(sa.select(CandidateProfile.id).where(
        CandidateProfile.user_id == user.id,
        sa.or_(CandidateProfile.last_visit_at.is_(None), CandidateProfile.last_visit_at < now - VISIT_RESOLUTION)))
    if profile_id is not None:
        _mark([profile_id], last_visit_at=now)


def _last_seen_before(moment: dt.datetime):
    """Neither signed in nor opened their profile since `moment` (a profile never visited counts from its creation)."""
    return sa.and_(sa.func.coalesce(CandidateProfile.last_visit_at, CandidateProfile.created_at) < moment,
                   sa.func.coalesce(User.last_sign_in_at, CandidateProfile.created_at) < moment)


def _warned_since_last_seen():
    """Warned during this absence: not back since the warning (a visit after it starts a new absence)."""
    return sa.and_(CandidateProfile.switch_off_warned_at.is_not(None),
                   _last_seen_before(CandidateProfile.switch_off_warned_at))


def _findable():
    return sa.and_(CandidateProfile.discoverable.is_(True), User.active.is_(True), User.role == UserRole.CANDIDATE)


def _profiles(*conditions) -> list[CandidateProfile]:
    return list(db.session.scalars(
        sa.select(CandidateProfile).options(joinedload(CandidateProfile.user))
        .join(User, User.id == CandidateProfile.user_id)
        .where(_findable(), *conditions)
        .order_by(CandidateProfile.id)
    ))


def warn_and_switch_off(now: dt.datetime | None = None) -> dict[str, int]:
    """Switch off findable profiles whose owners were warned at least WARN_BEFORE ago and have not been
    back since, then tell them; warn the owners of profiles about to reach that point. Idempotent."""
    now = now or utcnow()
    to_switch_off = _profiles(_warned_since_last_seen(), CandidateProfile.switch_off_warned_at <= now - WARN_BEFORE,
                              _last_seen_before(now - SWITCH_OFF_AFTER))
    for profile in to_switch_off:
        profile.discoverable = False
        profile.switched_off_at = now
        audit.record(None, "profile.switched_off", profile, reason="no visit for six months")
    # Committed first, on its own: the change reaches search and matching through the outbox (the
    # embedded relay re-indexes and sends mail in one pass, and SQLite lets only one of them write).
    db.session.commit()
    told = _tell_switched_off()
    to_warn = _profiles(_last_seen_before(now - SWITCH_OFF_AFTER + WARN_BEFORE),
                        sa.or_(CandidateProfile.switch_off_warned_at.is_(None), sa.not_(_warned_since_last_seen())))
    switch_off_on = (now + WARN_BEFORE).date()
    for profile in to_warn:
        queue_mail(profile.user, "Recruiters will stop finding your profile unless you visit",
                   "profile_switch_off_warning", kind="profile_switch_off_warning", switch_off_on=switch_off_on,
                   profile_url=absolute_url("account.profile"))
    _mark([p.id for p in to_warn], switch_off_warned_at=now)
    db.session.commit()
    report = {"warned": len(to_warn), "switched_off": told}
    log.info("unvisited profiles: %(warned)d warned, %(switched_off)d switched off", report)
    return report


def _tell_switched_off() -> int:
    """Email everyone switched off and not yet told (a switched-off profile keeps its warning's mark until
    then, so a run that stopped between the two steps tells them next time). Commits."""
    profiles = list(db.session.scalars(
        sa.select(CandidateProfile).options(joinedload(CandidateProfile.user))
        .where(CandidateProfile.discoverable.is_(False), CandidateProfile.switched_off_at.is_not(None),
               CandidateProfile.switch_off_warned_at.is_not(None))
        .order_by(CandidateProfile.id)))
    for profile in profiles:
        queue_mail(profile.user, "Recruiters can no longer find your profile", "profile_switched_off",
                   kind="profile_switched_off", profile_url=absolute_url("account.profile"))
    _mark([p.id for p in profiles], switch_off_warned_at=None)
    db.session.commit()
    return len(profiles)


def _mark(profile_ids: list[int], **values) -> None:
    """Bookkeeping on profiles as a plain UPDATE that leaves updated_at alone: nothing matching reads changes."""
    if profile_ids:
        db.session.execute(sa.update(CandidateProfile).where(CandidateProfile.id.in_(profile_ids))
                           .values(**values, updated_at=CandidateProfile.updated_at)
                           .execution_options(synchronize_session="fetch"))


def switch_back_on(user: User, now: dt.datetime | None = None) -> CandidateProfile:
    """Let recruiters find this social worker again (after it was switched off, or whenever)."""
    if not user.is_candidate or user.profile is None:
        raise ServiceError("Create your profile first.")
    now = now or utcnow()
    profile = user.profile
    profile.discoverable = True
    profile.switched_off_at = None
    profile.switch_off_warned_at = None
    profile.last_visit_at = now
    audit.record(user, "profile.switched_on", profile)
    return profile
