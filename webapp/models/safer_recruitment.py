"""Safer recruitment: application drafts, referees and their references, and each council's reference setting."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.vocabulary import LabelledEnum
from webapp.models.base import Base, TimestampMixin, enum_column, utcnow

if TYPE_CHECKING:
    from webapp.models.applications import Application
    from webapp.models.users import User
    from webapp.models.vacancies import Vacancy


class ReferenceStage(LabelledEnum):
    """When a council asks for references: safer-recruitment guidance prefers before interview."""

    SHORTLISTED = ("shortlisted", "When an applicant is shortlisted")
    OFFERED = ("offered", "After an offer is made")


class ApplicationDraft(TimestampMixin, Base):
    """A social worker's application while they fill it in: the answers so far, one draft per job.

    The answers are a dict of sections (domain.safer_recruitment); submitting turns the draft into
    an Application (with its Referee rows) and deletes it.
    """

    __tablename__ = "application_drafts"
    __table_args__ = (sa.UniqueConstraint("candidate_id", "vacancy_id", name="uq_application_drafts_candidate_vacancy"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    candidate: Mapped["User"] = relationship()
    vacancy: Mapped["Vacancy"] = relationship()


class Referee(TimestampMixin, Base):
    """Someone an applicant named to give a reference, and the reference they gave.

    The link a referee is sent is never stored: only its SHA-256 hash, which is replaced each
    time a link is sent (a reminder carries a new link) and cleared once the reference is in.
    """

    __tablename__ = "referees"
    __table_args__ = (sa.UniqueConstraint("application_id", "position", name="uq_referees_application_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]  # 1: the current or most recent employer; 2: the second referee
    name: Mapped[str] = mapped_column(sa.String(200))
    job_title: Mapped[str] = mapped_column(sa.String(200), default="")
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    relationship_to_applicant: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str] = mapped_column(sa.String(254))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    current_employer: Mapped[bool] = mapped_column(default=False)
    consent_to_contact: Mapped[bool] = mapped_column(default=False)
    # The request: who asked, when, the live link's hash and expiry, and the reminders sent.
    requested_at: Mapped[dt.datetime | None]
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    link_expires_at: Mapped[dt.datetime | None]
    link_sent_at: Mapped[dt.datetime | None]
    reminders_sent: Mapped[int] = mapped_column(default=0)
    # The answer: the reference itself, or that the referee said they could not give one.
    received_at: Mapped[dt.datetime | None]
    declined: Mapped[bool] = mapped_column(default=False)
    reference: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    application: Mapped["Application"] = relationship(back_populates="referees")
    requested_by: Mapped["User | None"] = relationship()


class RecruitmentSettings(Base):
    """A council's safer-recruitment settings (one row per council; no row means the defaults)."""

    __tablename__ = "recruitment_settings"

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    references_at: Mapped[ReferenceStage] = mapped_column(enum_column(ReferenceStage),
                                                          default=ReferenceStage.SHORTLISTED)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
