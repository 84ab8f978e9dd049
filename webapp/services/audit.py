"""The audit trail: who changed what and when. Ids and field names only, never personal data."""
from __future__ import annotations

from typing import Any

from webapp.extensions import db
from webapp.models import AuditLog, User


def record(actor: User | None, action: str, subject: Any, organisation_id: int | None = None, **detail: Any) -> AuditLog:
    entry = AuditLog(
        actor_id=actor.id if actor is not None else None,
        organisation_id=organisation_id,
        action=action,
        subject_type=type(subject).__tablename__ if hasattr(subject, "__tablename__") else str(subject),
        subject_id=getattr(subject, "id", None),
        detail=detail,
    )
    db.session.add(entry)
    return entry
