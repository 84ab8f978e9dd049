"""News for social workers: only articles whose publication time has come are ever shown."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import NewsArticle, utcnow
from webapp.services.paging import one_page


@dataclass(frozen=True)
class NewsPage:
    articles: list[NewsArticle]
    page: int
    pages: int
    total: int


def published_filter(now: dt.datetime | None = None) -> sa.ColumnElement[bool]:
    """The database's side of "published": its time has come (the sitemap lists the same articles)."""
    now = now or utcnow()
    return sa.and_(NewsArticle.published_at.is_not(None), NewsArticle.published_at <= now)


def published_articles(page: int = 1, per_page: int = 10, now: dt.datetime | None = None) -> NewsPage:
    """One page of published news, newest first; PageNotFound past the last page."""
    found = one_page(
        sa.select(NewsArticle)
        .options(joinedload(NewsArticle.organisation))
        .where(published_filter(now))
        .order_by(NewsArticle.published_at.desc(), NewsArticle.id.desc()),
        page, per_page,
    )
    return NewsPage(list(found.items), page, max(found.pages, 1), found.total or 0)


def published_article(slug: str, now: dt.datetime | None = None) -> NewsArticle | None:
    return db.session.scalar(
        sa.select(NewsArticle).options(joinedload(NewsArticle.organisation))
        .where(NewsArticle.slug == slug, published_filter(now))
    )
