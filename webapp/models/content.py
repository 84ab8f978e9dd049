"""What social workers follow and read: follows of councils and news articles."""
from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow

if TYPE_CHECKING:
    from webapp.models.organisations import Organisation


class Follow(Base):
    __tablename__ = "follows"
    __table_args__ = (sa.UniqueConstraint("user_id", "organisation_id", name="uq_follows_user_organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organisation: Mapped["Organisation"] = relationship()


class NewsArticle(Base):
    __tablename__ = "news_articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None means a regional article from the programme team.
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(200), unique=True)
    summary: Mapped[str] = mapped_column(sa.String(400), default="")
    body: Mapped[str] = mapped_column(sa.Text)
    published_at: Mapped[dt.datetime | None] = mapped_column(index=True)

    organisation: Mapped["Organisation | None"] = relationship()
