"""The declarative base: one naming convention for constraints, enums stored by their value."""
from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    """Naive UTC: both SQLite and PostgreSQL columns here are timezone-less UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def enum_column(enum_cls: type[Enum], **kwargs: Any) -> sa.Enum:
    """Store an enum as its value in a VARCHAR, so adding a member needs no database type change."""
    return sa.Enum(
        enum_cls,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        create_constraint=False,
        length=40,
        validate_strings=True,
        **kwargs,
    )


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
