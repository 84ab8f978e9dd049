"""Jobs a social worker saved to come back to, and the reminder sent before one closes."""
from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow

if TYPE_CHECKING:
    from webapp.models.users import User
    from webapp.models.vacancies import Vacancy


class SavedJob(Base):
    __tablename__ = "saved_jobs"
    __table_args__ = (sa.UniqueConstraint("user_id", "vacancy_id", name="uq_saved_jobs_user_vacancy"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set when the "closes soon" reminder is handed to the mail queue: it is sent once per saved job.
    reminded_at: Mapped[dt.datetime | None]

    user: Mapped["User"] = relationship()
    vacancy: Mapped["Vacancy"] = relationship()
