"""The audit trail: who changed what and when. Ids and field names only, never personal data."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.models import AuditLog, User
from webapp.services.paging import one_page


def record(actor: User | None, action: str, subject: Any, organisation_id: int | None = None,
           session: Session | None = None, **detail: Any) -> AuditLog:
    """Add an entry to ``session`` (a worker's own), or the request's."""
    entry = AuditLog(
        actor_id=actor.id if actor is not None else None,
        organisation_id=organisation_id,
        action=action,
        subject_type=type(subject).__tablename__ if hasattr(subject, "__tablename__") else str(subject),
        subject_id=getattr(subject, "id", None),
        detail=detail,
    )
    (session or db.session).add(entry)
    return entry


# --- reading the trail ----------------------------------------------------------------------------

PER_PAGE = 50


@dataclass
class AuditPage:
    entries: list[AuditLog]
    total: int
    pages: int
    actors: dict[int, User]  # the people named on this page, by id
    actions: list[str]  # every action the viewer could filter by


def scope_for(viewer: User, organisation_id: int | None = None) -> list[sa.ColumnElement[bool]]:
    """A council administrator sees only their own council's entries; a platform administrator
    sees every council's, or one council's if they chose it."""
    if viewer.role != UserRole.ADMIN:
        return [AuditLog.organisation_id == viewer.organisation_id]
    return [AuditLog.organisation_id == organisation_id] if organisation_id is not None else []


def audit_page(viewer: User, action: str | None, organisation_id: int | None, page: int) -> AuditPage:
    """One page of the trail, newest first; PageNotFound past the last page."""
    scope = scope_for(viewer, organisation_id)
    where = scope + ([AuditLog.action == action] if action else [])
    found = one_page(sa.select(AuditLog).where(*where).order_by(AuditLog.created_at.desc(), AuditLog.id.desc()),
                     page, PER_PAGE)
    entries, total, pages = list(found.items), found.total or 0, max(found.pages, 1)
    actor_ids = {e.actor_id for e in entries if e.actor_id is not None}
    actors = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(actor_ids)))} if actor_ids else {}
    actions = list(db.session.scalars(sa.select(AuditLog.action).where(*scope).distinct().order_by(AuditLog.action)))
    return AuditPage(entries, total, pages, actors, actions)
