"""Mail the service sends: each message recorded with the change that caused it, and addresses that bounced."""
from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, enum_column, utcnow


class MailStatus(str, Enum):
    QUEUED = "queued"          # committed, waiting for the send task
    SENDING = "sending"        # claimed by a send task (a lease: see services.outgoing_mail)
    SENT = "sent"
    SUPPRESSED = "suppressed"  # not sent: the address had bounced before
    BOUNCED = "bounced"        # the mail server refused it for good (a 5xx reply)
    FAILED = "failed"          # gave up after repeated temporary failures


class OutgoingMail(Base):
    """One email, written in the same transaction as the change that caused it and sent after the commit.

    Its message id is the Message-ID header, so a send retried after a worker died is recognised
    as the same message, and the claim on the row means a healthy run never sends it twice.
    """

    __tablename__ = "outgoing_mail"
    __table_args__ = (sa.Index("ix_outgoing_mail_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The person it is for, when they have an account: their mail is deleted with it.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    kind: Mapped[str] = mapped_column(sa.String(40))  # e.g. application_submitted, password_reset
    subject: Mapped[str] = mapped_column(sa.String(200))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    headers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[MailStatus] = mapped_column(enum_column(MailStatus), default=MailStatus.QUEUED)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))


class BouncedAddress(Base):
    """An address mail could not be delivered to for good: never mailed again, and its owner is told."""

    __tablename__ = "bounced_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # normalised: trimmed, lower case
    source: Mapped[str] = mapped_column(sa.String(20))  # smtp, webhook or command
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
