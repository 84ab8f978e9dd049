"""News for social workers: only articles whose publication time has come are ever shown."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import NewsArticle, utcnow


@dataclass(frozen=True)
class NewsPage:
    articles: list[NewsArticle]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def _published(now: dt.datetime | None = None) -> sa.ColumnElement[bool]:
    now = now or utcnow()
    return sa.and_(NewsArticle.published_at.is_not(None), NewsArticle.published_at <= now)


def published_articles(page: int = 1, per_page: int = 10, now: dt.datetime | None = None) -> NewsPage:
    total = db.session.scalar(sa.select(sa.func.count(NewsArticle.id)).where(_published(now))) or 0
    articles = db.session.scalars(
        sa.select(NewsArticle)
        .options(joinedload(NewsArticle.organisation))
        .where(_published(now))
        .order_by(NewsArticle.published_at.desc(), NewsArticle.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return NewsPage(list(articles), page, per_page, total)


def published_article(slug: str, now: dt.datetime | None = None) -> NewsArticle | None:
    return db.session.scalar(
        sa.select(NewsArticle).options(joinedload(NewsArticle.organisation))
        .where(NewsArticle.slug == slug, _published(now))
    )
