"""Files written by scheduled work for people to download: the nightly DWP Find a job export."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, utcnow


class JobExport(Base):
    """One export file, kept in the database (not on a disk) so the web process that serves the
    download need not be the worker that wrote it; the last few of each kind are kept."""

    __tablename__ = "job_exports"
    __table_args__ = (sa.Index("ix_job_exports_kind_created", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The window of changes it covers (naive UTC, as every timestamp here).
    covers_from: Mapped[dt.datetime]
    covers_to: Mapped[dt.datetime]
    filename: Mapped[str] = mapped_column(sa.String(120))
    vacancy_count: Mapped[int] = mapped_column(default=0)  # new or changed, sent as adverts
    expired_count: Mapped[int] = mapped_column(default=0)  # closed early, sent as expiries
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)

    def __repr__(self) -> str:
        return f"<JobExport {self.kind} {self.filename}>"
