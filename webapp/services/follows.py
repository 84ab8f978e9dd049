"""Social workers following councils: follow, unfollow, and what the councils they follow have open."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from domain.funnel import FunnelStep
from domain.vocabulary import VacancyStatus
from webapp.extensions import db
from webapp.models import Follow, Organisation, User, Vacancy
from webapp.services import NotAllowed, funnel


@dataclass(frozen=True)
class FollowedCouncil:
    organisation: Organisation
    followed_at: dt.datetime
    live_vacancies: int


def _check_may_follow(user: User) -> None:
    if not user.is_candidate:
        raise NotAllowed("Only social workers can follow councils.")


def existing_follow(user: User, organisation: Organisation) -> Follow | None:
    return db.session.scalar(
        sa.select(Follow).where(Follow.user_id == user.id, Follow.organisation_id == organisation.id)
    )


def is_following(user: User, organisation: Organisation) -> bool:
    """For a council page's Follow / Unfollow button. False for anyone not signed in as a candidate."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_candidate", False):
        return False
    return existing_follow(user, organisation) is not None


def follow(user: User, organisation: Organisation) -> Follow:
    """Follow a council. Following one already followed changes nothing (and is not an error)."""
    _check_may_follow(user)
    current = existing_follow(user, organisation)
    if current is not None:
        return current
    row = Follow(user_id=user.id, organisation_id=organisation.id)
    try:
        # A double-click can send two requests at once: the unique constraint decides, quietly.
        with db.session.begin_nested():
            db.session.add(row)
    except sa.exc.IntegrityError:
        current = existing_follow(user, organisation)
        if current is None:
            raise
        return current
    funnel.record_visitor_step(FunnelStep.FOLLOW, user, organisation_id=organisation.id)
    return row


def unfollow(user: User, organisation: Organisation) -> bool:
    """Stop following a council. Returns whether a follow was removed; unfollowing twice is fine."""
    _check_may_follow(user)
    result = db.session.execute(
        sa.delete(Follow).where(Follow.user_id == user.id, Follow.organisation_id == organisation.id)
    )
    return bool(result.rowcount)


def follows_for(user: User) -> list[Follow]:
    return list(
        db.session.scalars(
            sa.select(Follow).join(Follow.organisation).where(Follow.user_id == user.id).order_by(Organisation.name)
        )
    )


def live_vacancy_counts(organisation_ids: list[int], today: dt.date | None = None) -> dict[int, int]:
    """How many live, unexpired vacancies each council has today (the same rule as Vacancy.is_live_on)."""
    if not organisation_ids:
        return {}
    today = today or dt.date.today()
    rows = db.session.execute(
        sa.select(Vacancy.organisation_id, sa.func.count(Vacancy.id))
        .where(
            Vacancy.organisation_id.in_(organisation_ids),
            Vacancy.status == VacancyStatus.LIVE,
            Vacancy.closing_date >= today,
        )
        .group_by(Vacancy.organisation_id)
    ).all()
    counts = {org_id: 0 for org_id in organisation_ids}
    counts.update({org_id: count for org_id, count in rows})
    return counts


def followed_councils(user: User, today: dt.date | None = None) -> list[FollowedCouncil]:
    follows = follows_for(user)
    counts = live_vacancy_counts([f.organisation_id for f in follows], today)
    return [FollowedCouncil(f.organisation, f.created_at, counts[f.organisation_id]) for f in follows]


def follower_ids(organisation: Organisation) -> list[int]:
    """Users following a council, for alerts when it posts a job."""
    return list(db.session.scalars(sa.select(Follow.user_id).where(Follow.organisation_id == organisation.id)))
