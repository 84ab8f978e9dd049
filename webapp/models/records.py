"""Append-only records: the audit log, the outbox that feeds workers, and funnel events."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, utcnow


class AuditLog(Base):
    """Who changed what and when. Holds ids and field names, never personal data."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None]
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class OutboxMessage(Base):
    """A change committed with the data it describes, waiting to be relayed to workers.

    Written in the same transaction as the change, so a change that is committed is never
    lost because Elasticsearch, Redis or a worker was down; delivered_at is set once relayed.
    """

    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox_pending", "delivered_at", "available_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(sa.String(60))
    aggregate_type: Mapped[str] = mapped_column(sa.String(40))
    aggregate_id: Mapped[int]
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    available_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))


class FunnelEvent(Base):
    """One step a visitor took towards a hire. Append-only; visitor_id is a keyed hash of a random
    per-browser token (webapp.services.funnel), never an IP address. Kinds: domain.funnel.FunnelStep."""

    __tablename__ = "funnel_events"
    __table_args__ = (
        sa.Index("ix_funnel_events_kind_time", "kind", "occurred_at"),
        sa.Index("ix_funnel_events_occurred_at", "occurred_at"),
        sa.Index("ix_funnel_events_user_time", "user_id", "occurred_at"),
        # When each application, or (person, job), first reached a step (the dashboard's timings).
        sa.Index("ix_funnel_events_kind_application", "kind", "application_id", "occurred_at"),
        sa.Index("ix_funnel_events_kind_user_vacancy", "kind", "user_id", "vacancy_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    visitor_id: Mapped[str | None] = mapped_column(sa.String(64))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    vacancy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vacancies.id"), index=True)
    # The campaign credited with this step (last touch through a tracked link), and which link.
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    tracked_link_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tracked_links.id", ondelete="SET NULL"))
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id", ondelete="SET NULL"),
                                                       index=True)
