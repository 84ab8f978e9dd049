"""The sitemap search engines read: the fixed public pages, every council, every published news
article and every live job, each with when it last changed. Past the protocol's 50,000 addresses
in one file, /sitemap.xml becomes an index of numbered files (sitemaps.org protocol).

Closed jobs are simply not listed (their pages answer 410 Gone), so a search engine drops them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from typing import Callable, Iterator

import sqlalchemy as sa
from flask import url_for
from lxml import etree

from webapp.extensions import db
from webapp.models import NewsArticle, Organisation, Vacancy
from webapp.services import jobs as job_service
from webapp.services import news as news_service

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True)
class Entry:
    url: str
    lastmod: dt.datetime | None


@dataclass(frozen=True)
class Section:
    """One kind of page: how many there are, and a slice of them in a stable order."""

    count: Callable[[], int]
    rows: Callable[[int, int], Iterator[Entry]]  # (offset, limit)


def _static_pages() -> list[Entry]:
    return [Entry(url_for(endpoint, _external=True), None)
            for endpoint in ("jobs.home", "jobs.search", "jobs.councils", "jobs.news")]


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else moment.replace(tzinfo=dt.UTC)


def _councils(offset: int, limit: int) -> Iterator[Entry]:
    for slug, updated in db.session.execute(
        sa.select(Organisation.slug, Organisation.updated_at).order_by(Organisation.id).offset(offset).limit(limit)
    ):
        yield Entry(url_for("jobs.council", slug=slug, _external=True), updated)


def _news(offset: int, limit: int) -> Iterator[Entry]:
    for slug, published in db.session.execute(
        sa.select(NewsArticle.slug, NewsArticle.published_at).where(news_service.published_filter())
        .order_by(NewsArticle.id).offset(offset).limit(limit)
    ):
        yield Entry(url_for("jobs.news_article", slug=slug, _external=True), published)


def _jobs(offset: int, limit: int) -> Iterator[Entry]:
    for vacancy_id, slug, updated in db.session.execute(
        sa.select(Vacancy.id, Vacancy.slug, Vacancy.updated_at).where(job_service.live_vacancies_filter())
        .order_by(Vacancy.id).offset(offset).limit(limit)
    ):
        yield Entry(url_for("jobs.vacancy", vacancy_id=vacancy_id, slug=slug, _external=True), updated)


def _count(select: sa.Select) -> int:
    return db.session.scalar(select) or 0


def _sections() -> list[Section]:
    static = _static_pages()
    return [
        Section(lambda: len(static), lambda offset, limit: iter(static[offset:offset + limit])),
        Section(lambda: _count(sa.select(sa.func.count(Organisation.id))), _councils),
        Section(lambda: _count(sa.select(sa.func.count(NewsArticle.id)).where(news_service.published_filter())), _news),
        Section(lambda: _count(sa.select(sa.func.count(Vacancy.id)).where(job_service.live_vacancies_filter())),
                _jobs),
    ]


@dataclass(frozen=True)
class Sitemap:
    """The whole sitemap: one file of addresses, or an index of ``files`` numbered from 1."""

    sections: list[tuple[Section, int]]  # each with its count
    per_file: int

    @property
    def total(self) -> int:
        return sum(count for _, count in self.sections)

    @property
    def files(self) -> int:
        return max(1, math.ceil(self.total / self.per_file))

    @property
    def is_index(self) -> bool:
        return self.total > self.per_file

    def fingerprint(self, part: str) -> str:
        """Changes whenever any listed page does (or its lastmod), checked before a file is built."""
        published = db.session.execute(sa.select(sa.func.count(NewsArticle.id), sa.func.max(NewsArticle.published_at))
                                       .where(news_service.published_filter())).one()
        text = f"{part}|{self.per_file}|{self.total}|{job_service.live_vacancies_fingerprint()}|{tuple(published)}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def entries(self, number: int = 1) -> Iterator[Entry]:
        """File ``number``'s addresses (1-based): a slice of the sections laid end to end."""
        start = (number - 1) * self.per_file
        wanted = self.per_file
        for section, count in self.sections:
            if wanted <= 0:
                return
            if start >= count:
                start -= count
                continue
            take = min(count - start, wanted)
            yield from section.rows(start, take)
            wanted -= take
            start = 0


def sitemap(per_file: int) -> Sitemap:
    """The sitemap, split into files of at most ``per_file`` addresses (SITEMAP_URLS_PER_FILE)."""
    return Sitemap([(section, section.count()) for section in _sections()], per_file)


def _lastmod(moment: dt.datetime | None) -> str | None:
    stamped = _utc(moment)
    return None if stamped is None else stamped.isoformat(timespec="seconds")


def urlset_xml(entries: Iterator[Entry]) -> bytes:
    urlset = etree.Element("urlset", nsmap={None: NAMESPACE})
    for entry in entries:
        url = etree.SubElement(urlset, "url")
        etree.SubElement(url, "loc").text = entry.url
        lastmod = _lastmod(entry.lastmod)
        if lastmod:
            etree.SubElement(url, "lastmod").text = lastmod
    return etree.tostring(urlset, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def index_xml(site_map: Sitemap, file_url: Callable[[int], str]) -> bytes:
    index = etree.Element("sitemapindex", nsmap={None: NAMESPACE})
    for number in range(1, site_map.files + 1):
        etree.SubElement(etree.SubElement(index, "sitemap"), "loc").text = file_url(number)
    return etree.tostring(index, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# Where search engines should not go: people's own pages, staff areas, forms that change things,
# endless filtered copies of the search page, private feed links and the API (read by programs).
ROBOTS_DISALLOW = ("/account/", "/alerts/", "/recruit/", "/admin/", "/insights/", "/api/", "/feeds/saved-searches/",
                   "/jobs?", "/jobs/*/apply")


def robots_txt(sitemap_url: str) -> str:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "Allow: /", "",
             f"Sitemap: {sitemap_url}", ""]
    return "\n".join(lines)
