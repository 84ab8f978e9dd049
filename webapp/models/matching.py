"""Matching records: embeddings cached by content hash, which text each vacancy and profile was
last embedded from, and recruiters' invitations to apply."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow

if TYPE_CHECKING:
    from webapp.models.users import User
    from webapp.models.vacancies import Vacancy


class Embedding(Base):
    """One text's vector, keyed by the model and the SHA-256 of the text: the same text is never encoded twice."""

    __tablename__ = "embeddings"
    __table_args__ = (sa.UniqueConstraint("model", "text_hash", name="uq_embeddings_model_text_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(sa.String(80))
    text_hash: Mapped[str] = mapped_column(sa.String(64))
    dimensions: Mapped[int]
    vector: Mapped[bytes] = mapped_column(sa.LargeBinary)  # float32, little-endian, unit length
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class VacancyEmbedding(Base):
    """Which text a vacancy was last embedded from (its hash points into `embeddings`)."""

    __tablename__ = "vacancy_embeddings"

    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), primary_key=True)
    model: Mapped[str] = mapped_column(sa.String(80))
    text_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ProfileEmbedding(Base):
    """Which text a candidate profile was last embedded from."""

    __tablename__ = "profile_embeddings"

    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_profiles.id", ondelete="CASCADE"),
                                            primary_key=True)
    model: Mapped[str] = mapped_column(sa.String(80))
    text_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Invitation(Base):
    """A recruiter's invitation to a suggested candidate to apply for one vacancy (one per pair)."""

    __tablename__ = "invitations"
    __table_args__ = (sa.UniqueConstraint("vacancy_id", "candidate_id", name="uq_invitations_vacancy_candidate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(sa.ForeignKey("vacancies.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(sa.String(500), default="")
    # The reasons shown to the recruiter when they invited, so the candidate sees why.
    reasons: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    dismissed_at: Mapped[dt.datetime | None]

    vacancy: Mapped["Vacancy"] = relationship()
    candidate: Mapped["User"] = relationship(foreign_keys=[candidate_id])
    invited_by: Mapped["User | None"] = relationship(foreign_keys=[invited_by_id])
