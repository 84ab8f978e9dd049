"""Feeds of new jobs for feed readers and aggregators: RSS 2.0 and Atom (feedgen) for every job,
one council's, any /jobs search and a saved search's private link; and the aggregator XML feed in
the shape Indeed (and Adzuna, which reads the same shape) ingest.

A search feed reads its query string with the /jobs page's own parser (webapp.search.criteria),
so a feed means exactly what the page shows, newest first. The rows come from the database.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Iterable, Iterator
from urllib.parse import parse_qsl, urlsplit

import sqlalchemy as sa
from feedgen.feed import FeedGenerator
from flask import current_app, url_for
from lxml import etree
from sqlalchemy.orm import joinedload

from domain.vocabulary import ContractType, WorkingPattern
from webapp.extensions import db
from webapp.models import Organisation, SavedSearch, Vacancy
from webapp.search import SearchQuery, Sort
from webapp.search.criteria import JobSearchCriteria
from webapp.search.criteria import parse as parse_criteria
from webapp.services import ServiceError
from webapp.services import jobs as job_service
from webapp.services import saved_searches
from webapp.services.councils import council_choices

FEED_SIZE = 50  # the newest jobs a feed lists: a reader polls, so it only needs what is new
_FEED_KEY_SALT = b"cswjobs.saved-search-feed"


class InvalidFeedSearch(ServiceError):
    """A search feed's query string cannot be read; ``problems`` are by parameter, as /jobs says them."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class JobFeed:
    """What one feed says: its name, the page it mirrors, and its jobs, newest first."""

    key: str  # stable, for the feed's own id
    title: str
    subtitle: str
    page_url: str  # the web page showing the same jobs
    vacancies: list[Vacancy]

    @property
    def updated(self) -> dt.datetime:
        """When the feed last changed: its newest change (a job's, or its council's: the council's
        name is in the entry), or a fixed moment for an empty feed (so its validator stays the same
        until a job arrives)."""
        stamps = [max(v.updated_at, v.organisation.updated_at) for v in self.vacancies]
        return max(stamps) if stamps else dt.datetime(2020, 1, 1)


# --- which jobs ---------------------------------------------------------------------------------

def _newest_live(where: Iterable[sa.ColumnElement[bool]] = (), limit: int = FEED_SIZE) -> list[Vacancy]:
    return list(db.session.scalars(
        sa.select(Vacancy)
        .options(joinedload(Vacancy.organisation))
        .where(job_service.live_vacancies_filter(), *where)
        .order_by(Vacancy.published_at.desc().nulls_last(), Vacancy.id.desc())
        .limit(limit)
    ))


def _region() -> str:
    return current_app.config["REGION_NAME"]


def all_jobs_feed() -> JobFeed:
    return JobFeed("all", f"New children's social work jobs in {_region()}",
                   f"The newest jobs from every council in {_region()}.",
                   url_for("jobs.search", sort=Sort.NEWEST.value, _external=True), _newest_live())


def council_feed(organisation: Organisation) -> JobFeed:
    return JobFeed(f"council:{organisation.slug}", f"New jobs at {organisation.name}",
                   f"The newest children's social work jobs at {organisation.name}.",
                   url_for("jobs.council", slug=organisation.slug, _external=True),
                   _newest_live([Vacancy.organisation_id == organisation.id]))


def read_search(pairs: Iterable[tuple[str, str]]) -> JobSearchCriteria:
    """A /jobs query string's search, or InvalidFeedSearch with the page's own messages."""
    criteria, problems = parse_criteria(pairs, council_choices())
    if problems:
        raise InvalidFeedSearch(problems)
    return criteria


def _searched(criteria: JobSearchCriteria) -> list[Vacancy]:
    query: SearchQuery = dataclasses.replace(criteria.to_query(per_page=FEED_SIZE), sort=Sort.NEWEST, page=1)
    return [listing.vacancy for listing in job_service.search_jobs(query).listings]


def search_feed(criteria: JobSearchCriteria) -> JobFeed:
    """The newest jobs a /jobs search finds (SearchUnavailable if the engine is down)."""
    query_string = criteria.normalised()
    described = saved_searches.describe(query_string)
    return JobFeed(f"search:{query_string}", f"New jobs: {', '.join(described)}",
                   f"The newest jobs for this search on {current_app.config['SERVICE_NAME']}.",
                   url_for("jobs.search", _external=True) + (f"?{query_string}" if query_string else ""),
                   _searched(criteria))


def saved_search_feed(saved: SavedSearch) -> JobFeed:
    query_string = saved.query
    return JobFeed(f"saved-search:{saved.id}", f"New jobs: {saved.name}",
                   "The newest jobs for a saved search.",
                   url_for("jobs.search", _external=True) + (f"?{query_string}" if query_string else ""),
                   _searched(read_search(parse_qsl(query_string or ""))))


# --- a saved search's private feed link -------------------------------------------------------------

def feed_token(saved: SavedSearch) -> str | None:
    """The secret in the saved search's feed link: an HMAC of its random key under the app's secret
    key, so the database holds nothing that opens the feed. None when it has no link."""
    if not saved.feed_key:
        return None
    message = f"{saved.id}:{saved.feed_key}".encode()
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), _FEED_KEY_SALT, hashlib.sha256).digest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def new_feed_link(saved: SavedSearch) -> str:
    """Make (or remake: the old link stops working) the saved search's private feed link's token."""
    saved.feed_key = secrets.token_hex(16)
    return feed_token(saved)  # type: ignore[return-value]


def revoke_feed_link(saved: SavedSearch) -> bool:
    """Stop the private feed link working; returns whether there was one."""
    had = saved.feed_key is not None
    saved.feed_key = None
    return had


def saved_search_for_feed(saved_search_id: int, token: str) -> SavedSearch | None:
    """The saved search a private feed link opens, or None for a wrong, revoked or altered link."""
    saved = db.session.get(SavedSearch, saved_search_id)
    expected = feed_token(saved) if saved is not None else None
    if expected is None or not hmac.compare_digest(expected, token or ""):
        return None
    return saved


# --- RSS 2.0 and Atom -----------------------------------------------------------------------------------

def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC)


def _category_terms(vacancy: Vacancy) -> list[str]:
    return [vacancy.role_level.label, vacancy.service_area.label, vacancy.contract_type.label]


def _generator(feed: JobFeed, self_url: str, for_rss: bool) -> FeedGenerator:
    generator = FeedGenerator()
    generator.id(f"tag:{_tag_authority()},2026:feed:{feed.key}")
    generator.title(feed.title)
    generator.subtitle(feed.subtitle)  # RSS's description too
    generator.link(href=self_url, rel="self")
    generator.link(href=feed.page_url, rel="alternate")  # last: feedgen makes RSS's <link> of the last one
    generator.language("en-GB")
    generator.author({"name": current_app.config["SERVICE_NAME"]})
    generator.generator(current_app.config["SERVICE_NAME"])
    generator.updated(_utc(feed.updated))
    generator.lastBuildDate(_utc(feed.updated))
    generator.ttl(30)
    # feedgen puts entries added first last; add oldest first so the newest job leads.
    for vacancy in reversed(feed.vacancies):
        url = url_for("jobs.vacancy", vacancy_id=vacancy.id, slug=vacancy.slug, _external=True)
        entry = generator.add_entry()
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(f"{vacancy.title} — {vacancy.organisation.name}")
        entry.link(href=url, rel="alternate")
        published = vacancy.published_at or vacancy.created_at
        entry.published(_utc(published))
        entry.updated(_utc(vacancy.updated_at or published))
        entry.author({"name": vacancy.organisation.name})
        summary = (f"{vacancy.organisation.name}: £{vacancy.salary_min:,} to £{vacancy.salary_max:,} a year, "
                   f"closes {vacancy.closing_date:%-d %B %Y}.")
        if for_rss:  # RSS has one description: the advert's HTML
            entry.description(str(job_service.advert_html(vacancy)))
        else:  # Atom has both: a line to skim, then the advert
            entry.summary(summary)
            entry.content(str(job_service.advert_html(vacancy)), type="html")
        for term in _category_terms(vacancy):
            entry.category(term=term, label=term)
    return generator


def _tag_authority() -> str:
    return urlsplit(current_app.config["SITE_URL"]).hostname or "cswjobs"


def rss(feed: JobFeed, self_url: str) -> bytes:
    return _generator(feed, self_url, for_rss=True).rss_str(pretty=True)


def atom(feed: JobFeed, self_url: str) -> bytes:
    return _generator(feed, self_url, for_rss=False).atom_str(pretty=True)


# --- the aggregator feed (Indeed's XML shape) ------------------------------------------------------------

def _job_type(vacancy: Vacancy) -> str:
    if vacancy.contract_type == ContractType.LOCUM:
        return "contract"
    if vacancy.contract_type in (ContractType.FIXED_TERM, ContractType.SECONDMENT):
        return "temporary"
    if vacancy.working_pattern in (WorkingPattern.PART_TIME, WorkingPattern.JOB_SHARE):
        return "parttime"
    return "fulltime"


def _cdata(parent: etree._Element, name: str, text: str) -> None:
    etree.SubElement(parent, name).text = etree.CDATA(text)


def live_vacancies_for_aggregators(batch: int = 500) -> Iterator[Vacancy]:
    """Every live vacancy, in id order, loaded a batch at a time as the feed is streamed.

    Each batch is its own short read: a stream of tens of megabytes must not hold one transaction
    open all the while (SQLite would keep every writer waiting until the aggregator had read it all)."""
    ids = list(db.session.scalars(sa.select(Vacancy.id).where(job_service.live_vacancies_filter()).order_by(Vacancy.id)))
    db.session.rollback()  # nothing was written: this only ends the read
    for start in range(0, len(ids), batch):
        yield from db.session.scalars(
            sa.select(Vacancy).options(joinedload(Vacancy.organisation))
            .where(Vacancy.id.in_(ids[start:start + batch])).order_by(Vacancy.id)
        ).all()
        db.session.rollback()


def aggregator_xml(vacancies: Iterable[Vacancy], built_at: dt.datetime) -> Iterator[bytes]:
    """Every live job as an aggregator reads it, a job at a time (the whole region is tens of
    megabytes): <source> with publisher details, then one <job> each with its reference, address,
    salary, type, closing date and the advert's HTML."""
    yield b"<?xml version='1.0' encoding='UTF-8'?>\n<source>\n"
    header = etree.Element("header")
    etree.SubElement(header, "publisher").text = current_app.config["SERVICE_NAME"]
    etree.SubElement(header, "publisherurl").text = url_for("jobs.home", _external=True)
    etree.SubElement(header, "lastBuildDate").text = _utc(built_at).strftime("%a, %d %b %Y %H:%M:%S GMT")
    for element in header:
        yield etree.tostring(element, encoding="UTF-8", pretty_print=True)
    for vacancy in vacancies:
        yield etree.tostring(_aggregator_job(vacancy), encoding="UTF-8", pretty_print=True)
    yield b"</source>\n"


def _aggregator_job(vacancy: Vacancy) -> etree._Element:
    organisation = vacancy.organisation
    street, postcode = vacancy.office_address
    job = etree.Element("job")
    _cdata(job, "title", vacancy.title)
    published = vacancy.published_at or vacancy.created_at
    _cdata(job, "date", _utc(published).strftime("%a, %d %b %Y %H:%M:%S GMT"))
    # The site's own id, unique across councils (a council's reference may repeat another's).
    _cdata(job, "referencenumber", f"cswjobs-{vacancy.id}")
    _cdata(job, "url", url_for("jobs.vacancy", vacancy_id=vacancy.id, slug=vacancy.slug, _external=True))
    _cdata(job, "company", organisation.name)
    _cdata(job, "sourcename", organisation.name)
    _cdata(job, "city", vacancy.location_name or organisation.town or organisation.name)
    _cdata(job, "state", _region())
    _cdata(job, "country", "GB")
    _cdata(job, "postalcode", postcode)
    _cdata(job, "streetaddress", street)
    _cdata(job, "description", str(job_service.advert_html(vacancy)))
    _cdata(job, "salary", f"£{vacancy.salary_min:,} to £{vacancy.salary_max:,} per year")
    _cdata(job, "jobtype", _job_type(vacancy))
    _cdata(job, "category", f"Children's social work, {vacancy.service_area.label}")
    _cdata(job, "experience", vacancy.role_level.label)
    _cdata(job, "expirationdate", vacancy.closing_date.isoformat())
    if vacancy.reference:
        _cdata(job, "employerreference", vacancy.reference)
    return job
