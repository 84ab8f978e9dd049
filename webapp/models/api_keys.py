"""A council's API keys (stored hashed, shown once) and the answers the API keeps for Idempotency-Key retries."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, enum_column, utcnow

if TYPE_CHECKING:
    from webapp.models.organisations import Organisation


class ApiKeyScope(StrEnum):
    # A reporting tool needs only to read; a council's applicant tracking system posts and closes.
    READ = "read"
    WRITE = "write"

    @property
    def label(self) -> str:
        return {"read": "Read only", "write": "Read and write"}[self.value]


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    # The key's public start ("csw_" and 10 characters): how a request finds its row, and how the
    # administrator tells keys apart; the rest of the key is only ever held as its hash.
    prefix: Mapped[str] = mapped_column(sa.String(20), unique=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64))
    scope: Mapped[ApiKeyScope] = mapped_column(enum_column(ApiKeyScope), default=ApiKeyScope.WRITE)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # A rotated key names the key that replaced it, so the list can say so.
    replaced_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_keys.id", ondelete="SET NULL"))

    organisation: Mapped["Organisation"] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiKey {self.id} {self.prefix}>"


class IdempotentRequest(Base):
    """The first answer to a POST sent with an Idempotency-Key, so a retry gets the same answer
    instead of a second vacancy. Kept a day (IDEMPOTENCY_WINDOW in services/council_api.py)."""

    __tablename__ = "api_idempotent_requests"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "key", name="uq_api_idempotent_requests_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(255))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of method, path and body
    status_code: Mapped[int]
    response_body: Mapped[str] = mapped_column(sa.Text)
    location: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
