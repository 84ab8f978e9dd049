"""What passes between a council and the people applying: notifications, message threads, the council's
saved message templates, and interviews."""
from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.vocabulary import LabelledEnum
from webapp.models.base import Base, TimestampMixin, enum_column, utcnow

if TYPE_CHECKING:
    from webapp.models.applications import Application
    from webapp.models.users import User


class MailFrequency(LabelledEnum):
    """How a recruiter hears of new applications and messages by email (the in-site list is always there)."""

    IMMEDIATE = ("immediate", "As each one arrives")
    DAILY = ("daily", "In one email each morning")


class MessageSide(LabelledEnum):
    COUNCIL = ("council", "The council")
    CANDIDATE = ("candidate", "The applicant")


class InterviewFormat(LabelledEnum):
    IN_PERSON = ("in_person", "In person")
    ONLINE = ("online", "Online")


class Notification(Base):
    """One thing a person should know about, listed on their notifications page.

    ``email_pending`` marks one still to go out in a batched email (new messages) or a recruiter's daily
    digest; it is cleared in the same transaction that queues that email, so none is mailed twice.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_user_created", "user_id", "created_at"),
        sa.Index("ix_notifications_email_pending", "email_pending", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"),
                                                       index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.String(1000), default="")
    link: Mapped[str] = mapped_column(sa.String(300), default="")  # a path on this site
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]
    email_pending: Mapped[bool] = mapped_column(default=False)

    application: Mapped["Application | None"] = relationship()


class ApplicationMessage(Base):
    """A message in the thread on one application, between the council's recruiters and the applicant."""

    __tablename__ = "application_messages"
    __table_args__ = (sa.Index("ix_application_messages_thread", "application_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"))
    side: Mapped[MessageSide] = mapped_column(enum_column(MessageSide))
    # Who wrote it; kept empty if their account goes (the thread still shows which side wrote it).
    sender_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]  # by the other side

    sender: Mapped["User | None"] = relationship()


class MessageTemplate(TimestampMixin, Base):
    """A message a council keeps to send again, e.g. with a bulk shortlist or "not progressing"."""

    __tablename__ = "message_templates"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name", name="uq_message_templates_council_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    body: Mapped[str] = mapped_column(sa.Text)


class Interview(Base):
    """An interview booked for an application: when, and where or the online link."""

    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime]  # London time, as the recruiter and candidate read it
    duration_minutes: Mapped[int] = mapped_column(default=60)
    format: Mapped[InterviewFormat] = mapped_column(enum_column(InterviewFormat))
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    online_link: Mapped[str] = mapped_column(sa.String(500), default="")
    details: Mapped[str] = mapped_column(sa.String(1000), default="")  # who is on the panel, what to bring
    scheduled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
