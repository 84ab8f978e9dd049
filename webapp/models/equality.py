"""A social worker's equal-opportunities answers: kept apart from the profile, counted only in aggregate."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, utcnow


class EqualityAnswers(Base):
    """One row per person who chose to answer. Each column is an answer's value (see
    domain/equality.py), "prefer_not_to_say", or null for a question left unanswered.

    Its own table, not columns on the profile, so nothing that loads a profile (matching,
    search documents, recruiters' pages) ever carries it; deleted with the account.
    """

    __tablename__ = "equality_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    sex: Mapped[str | None] = mapped_column(sa.String(40))
    gender_same_as_birth: Mapped[str | None] = mapped_column(sa.String(40))
    age_band: Mapped[str | None] = mapped_column(sa.String(40))
    ethnicity: Mapped[str | None] = mapped_column(sa.String(40))
    disability: Mapped[str | None] = mapped_column(sa.String(40))
    sexual_orientation: Mapped[str | None] = mapped_column(sa.String(40))
    religion: Mapped[str | None] = mapped_column(sa.String(40))
    caring_responsibilities: Mapped[str | None] = mapped_column(sa.String(40))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
