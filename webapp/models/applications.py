"""Applications to vacancies and their append-only history through the pipeline."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.vocabulary import ApplicationStatus, OfferDeclineReason
from webapp.models.base import Base, TimestampMixin, enum_column, utcnow

if TYPE_CHECKING:
    from webapp.models.safer_recruitment import Referee
    from webapp.models.users import User
    from webapp.models.vacancies import Vacancy


class Application(TimestampMixin, Base):
    __tablename__ = "applications"
    __table_args__ = (sa.UniqueConstraint("vacancy_id", "candidate_id", name="uq_applications_vacancy_candidate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus), default=ApplicationStatus.SUBMITTED, index=True
    )
    supporting_statement: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Social Work England registration check, recorded by a recruiter.
    swe_checked_at: Mapped[dt.datetime | None]
    swe_checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decline_reason: Mapped[OfferDeclineReason | None] = mapped_column(enum_column(OfferDeclineReason))
    decline_detail: Mapped[str] = mapped_column(sa.String(500), default="")
    # The safer-recruitment form as submitted (domain.safer_recruitment's sections, referees apart);
    # None for applications sent before the form existed, which hold only a supporting statement.
    answers: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    vacancy: Mapped["Vacancy"] = relationship()
    candidate: Mapped["User"] = relationship(foreign_keys=[candidate_id])
    swe_checked_by: Mapped["User | None"] = relationship(foreign_keys=[swe_checked_by_id])
    events: Mapped[list["ApplicationEvent"]] = relationship(
        back_populates="application", order_by="ApplicationEvent.id", cascade="all, delete-orphan"
    )
    referees: Mapped[list["Referee"]] = relationship(
        back_populates="application", order_by="Referee.position", cascade="all, delete-orphan"
    )


class ApplicationEvent(Base):
    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[ApplicationStatus | None] = mapped_column(enum_column(ApplicationStatus))
    to_status: Mapped[ApplicationStatus] = mapped_column(enum_column(ApplicationStatus))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="events")
    actor: Mapped["User | None"] = relationship()
