"""Jobs as a social worker sees them: search results with their rows, job pages and JobPosting
structured data. (The funnel steps a visit records live in webapp.services.funnel.)

The search engine answers with ids; the database, the source of truth, supplies the rows.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, url_for
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload

from domain.geography import LONDON_TIME, distance_miles
from domain.vocabulary import ApplyMethod, ContractType, VacancyStatus, WorkingPattern
from webapp.extensions import db
from webapp.kept import kept_values
from webapp.models import Organisation, OutboxMessage, User, Vacancy
from webapp.outbox.topics import ORGANISATION_CHANGED, VACANCY_CHANGED
from webapp.search import Hit, SearchQuery, SearchResult, get_engine
from webapp.search.engine import SearchEngine
from webapp.services import matching
from webapp.services.advert_html import advert_markup

MAX_EXTERNAL_URL_LENGTH = 500


# --- search ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class JobListing:
    vacancy: Vacancy
    hit: Hit
    featured: bool = False
    # How far the job is from the place searched near, in miles (None without a place).
    miles_away: float | None = None

    @property
    def title_html(self) -> Markup | None:
        return self.hit.highlights.get("title") or None

    @property
    def snippet_html(self) -> Markup | None:
        return self.hit.highlights.get("description") or None


@dataclass(frozen=True)
class JobSearchPage:
    query: SearchQuery
    result: SearchResult
    listings: list[JobListing]

    @property
    def total(self) -> int:
        return self.result.total

    @property
    def pages(self) -> int:
        return self.result.pages

    @property
    def page_out_of_range(self) -> bool:
        """Asked for a page after the last one (page 1 of no results is just an empty search)."""
        return self.query.page > self.result.pages


def search_jobs(query: SearchQuery, engine: SearchEngine | None = None) -> JobSearchPage:
    result = (engine or get_engine()).search(query)
    rows = _vacancies_by_id(result.ids)
    # The index may trail the database by a moment (the relay runs after the commit):
    # a row that is gone or no longer live is left out rather than shown stale.
    near = query.near
    listings = [
        JobListing(rows[hit.vacancy_id], hit, featured=rows[hit.vacancy_id].is_featured_on(query.today),
                   miles_away=None if near is None else distance_miles(
                       near.latitude, near.longitude, rows[hit.vacancy_id].latitude, rows[hit.vacancy_id].longitude))
        for hit in result.hits
        if hit.vacancy_id in rows and rows[hit.vacancy_id].is_live_on(query.today)
    ]
    return JobSearchPage(query, result, listings)


def _vacancies_by_id(ids: list[int]) -> dict[int, Vacancy]:
    if not ids:
        return {}
    vacancies = db.session.scalars(
        sa.select(Vacancy)
        .options(joinedload(Vacancy.organisation), selectinload(Vacancy.featured_slots))
        .where(Vacancy.id.in_(ids))
    ).all()
    return {v.id: v for v in vacancies}


def live_vacancies_filter(today: dt.date | None = None) -> sa.ColumnElement[bool]:
    """The database's side of "live" (the same rule as Vacancy.is_live_on and the search engines)."""
    today = today or dt.date.today()
    return sa.and_(Vacancy.status == VacancyStatus.LIVE, Vacancy.closing_date >= today)


def live_vacancies_fingerprint(today: dt.date | None = None) -> str:
    """A short value that changes whenever the set of live jobs or any of them (or a council's name
    or office) changes: the validator for answers that list every live job, checked before building
    them. The day is in it because a job stops being live when its closing day ends."""
    today = today or dt.date.today()
    count, newest, ids = db.session.execute(
        sa.select(sa.func.count(Vacancy.id), sa.func.max(Vacancy.updated_at), sa.func.sum(Vacancy.id))
        .where(live_vacancies_filter(today))
    ).one()
    councils = db.session.execute(sa.select(sa.func.count(Organisation.id), sa.func.max(Organisation.updated_at))).one()
    text = f"{today}|{count}|{newest}|{ids}|{tuple(councils)}|{current_app.config['SITE_URL']}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# The outbox topics whose changes a search page shows (a profile, a mail or a webhook event changes none).
_SEARCH_TOPICS = (VACANCY_CHANGED, ORGANISATION_CHANGED)


def search_version() -> tuple[int | None, int]:
    """A value that changes whenever a search's page may show something else: every change to a vacancy (its
    featured slots and closing date touch it too) or a council is written to the outbox with it (newest id),
    and reaches the search index when the relay delivers it (fewer waiting). The newest is read backwards
    along the primary key, the waiting through the pending index: no scan of the table."""
    about_jobs = OutboxMessage.topic.in_(_SEARCH_TOPICS)
    newest = sa.select(sa.func.max(OutboxMessage.id)).where(about_jobs).scalar_subquery()
    waiting = sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.delivered_at.is_(None),
                                                                          about_jobs).scalar_subquery()
    return tuple(db.session.execute(sa.select(newest, waiting)).one())  # type: ignore[return-value]


def count_live_vacancies(today: dt.date | None = None) -> int:
    return db.session.scalar(sa.select(sa.func.count(Vacancy.id)).where(live_vacancies_filter(today))) or 0


def latest_vacancies(limit: int = 6, today: dt.date | None = None) -> list[Vacancy]:
    return list(
        db.session.scalars(
            sa.select(Vacancy)
            .options(joinedload(Vacancy.organisation))
            .where(live_vacancies_filter(today))
            .order_by(Vacancy.published_at.desc().nulls_last(), Vacancy.id.desc())
            .limit(limit)
        )
    )


def suggest_titles(prefix: str, limit: int = 8) -> list[str]:
    return get_engine().suggest(prefix[:100], limit)


# --- one job --------------------------------------------------------------------------------

def public_vacancy(vacancy_id: int) -> Vacancy | None:
    """A vacancy the public may know about: published at some point (live or closed), never a draft."""
    vacancy = db.session.scalar(
        sa.select(Vacancy).options(joinedload(Vacancy.organisation)).where(Vacancy.id == vacancy_id)
    )
    # A draft removed through the API is closed but was never public: still not found.
    if vacancy is None or vacancy.status == VacancyStatus.DRAFT or vacancy.published_at is None:
        return None
    return vacancy


# --- similar jobs under a job ----------------------------------------------------------------

# How long one job's similar jobs are kept for everyone but a social worker (whose are their own). The
# database still decides on every page: a kept job that has closed or gone is left out at once; only a
# job newly like this one waits up to this long to appear. As long as a signed-out job page is kept
# (views.jobs.JOB_PAGE_KEPT_SECONDS): at a minute, every process worked out every job's list again each
# minute (a vector read and a kNN search a job), about a third of the job page's work under load (issue 15).
SIMILAR_JOBS_KEPT_SECONDS = 600
SIMILAR_JOBS_KEPT_MAX = 4096  # jobs whose lists are kept at once (the oldest dropped first)


def similar_jobs(vacancy: Vacancy, viewer: User | None, today: dt.date) -> list[Vacancy]:
    """A few live jobs like this one, for the job page (services.matching.similar_jobs). The same list is
    shown to everyone but a social worker, so it is worked out (a vector read and a kNN search) once per
    job per SIMILAR_JOBS_KEPT_SECONDS and per change to the job, not on every page; each page reads only
    the rows, and shows those still live."""
    if viewer is not None and viewer.is_candidate:
        return matching.similar_jobs(db.session, vacancy, viewer, today=today)
    ids = _kept_similar_ids(vacancy, today)
    if not ids:
        return []
    rows = {v.id: v for v in db.session.scalars(
        sa.select(Vacancy).options(joinedload(Vacancy.organisation)).where(Vacancy.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows and i != vacancy.id and rows[i].is_live_on(today)]


# What a kept job page names for each job it shows: the job, when it last changed, when its council did.
JobVersion = tuple[int, dt.datetime, dt.datetime]


def job_page_versions(vacancy: Vacancy, today: dt.date) -> list[JobVersion]:
    """The versions a signed-out job page is drawn from: the job's, then those of the similar jobs shown
    under it to everyone signed out (those still live, in order). Works the similar jobs out when they are
    not kept for this version of the job."""
    ids = _kept_similar_ids(vacancy, today)
    rows = _version_rows(ids, today)
    return [(vacancy.id, vacancy.updated_at, vacancy.organisation.updated_at), *_shown(ids, rows, vacancy.id)]


def kept_job_page_versions(vacancy_id: int, slug: str, today: dt.date) -> tuple[sa.Row, list[JobVersion]] | None:
    """job_page_versions without loading the job, for a page that is likely kept: one query of a few columns
    for the job and its kept similar jobs together. The job's row (its id and council, for the funnel) and
    the versions; None when the page must go the long way: similar jobs not kept for this version of the
    job, or a job that is not live or is asked for at another address (a redirect, a closed page, a 404)."""
    kept = _kept_similar().get((vacancy_id, today))
    if kept is None:
        return None
    drawn_from, ids = kept
    rows = _version_rows([vacancy_id, *ids], today)
    job = rows.get(vacancy_id)
    if job is None or not job.live or job.slug != slug or job.updated_at != drawn_from:
        return None
    return job, [_version(job), *_shown(ids, rows, vacancy_id)]


def _version_rows(ids: list[int], today: dt.date) -> dict[int, sa.Row]:
    if not ids:
        return {}
    return {row.id: row for row in db.session.execute(
        sa.select(Vacancy.id, Vacancy.slug, Vacancy.organisation_id, Vacancy.updated_at,
                  Organisation.updated_at.label("organisation_updated_at"),
                  live_vacancies_filter(today).label("live"))
        .join(Organisation, Vacancy.organisation_id == Organisation.id)
        .where(Vacancy.id.in_(ids)))}


def _version(row: sa.Row) -> JobVersion:
    return row.id, row.updated_at, row.organisation_updated_at


def _shown(similar_ids: list[int], rows: dict[int, sa.Row], job_id: int) -> list[JobVersion]:
    """The similar jobs' versions, in order, of those still live (never the job itself)."""
    return [_version(rows[i]) for i in similar_ids if i in rows and rows[i].live and i != job_id]


def _kept_similar():
    # by job and day: (the job's updated_at they were worked out for, their ids)
    return kept_values("similar jobs", SIMILAR_JOBS_KEPT_SECONDS, SIMILAR_JOBS_KEPT_MAX)


def _kept_similar_ids(vacancy: Vacancy, today: dt.date) -> list[int]:
    kept = _kept_similar()
    found = kept.get((vacancy.id, today))
    if found is not None and found[0] == vacancy.updated_at:
        return found[1]
    ids = [job.id for job in matching.similar_jobs(db.session, vacancy, None, today=today)]
    kept.put((vacancy.id, today), (vacancy.updated_at, ids))
    return ids


def safe_external_url(url: str | None) -> str | None:
    """The council's own application page, if it is a plain http(s) address; None otherwise.

    Checked again at click time (not only when saved) because the redirect is ours: it must
    never carry a visitor to a javascript:, data: or credential-bearing address.
    """
    if not url or len(url) > MAX_EXTERNAL_URL_LENGTH:
        return None
    url = url.strip()
    if any(ord(c) < 33 or c == "\\" for c in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
        return None
    if parts.username or parts.password:
        return None
    return url


# --- schema.org JobPosting -----------------------------------------------------------------

def employment_types(vacancy: Vacancy) -> list[str]:
    """schema.org employmentType values for a vacancy's contract and working pattern."""
    types: list[str] = []
    if vacancy.working_pattern in (WorkingPattern.PART_TIME, WorkingPattern.JOB_SHARE):
        types.append("PART_TIME")
    else:  # full time and compressed hours are both full-time hours
        types.append("FULL_TIME")
    if vacancy.contract_type in (ContractType.FIXED_TERM, ContractType.SECONDMENT):
        types.append("TEMPORARY")
    elif vacancy.contract_type == ContractType.LOCUM:
        types.append("CONTRACTOR")
    return types


def advert_html(vacancy: Vacancy) -> Markup:
    """The advert (summary, then description) as class-free safe HTML, for JobPosting and feeds."""
    return advert_markup(vacancy.summary, vacancy.description, vacancy.description_html)


def valid_through(vacancy: Vacancy) -> dt.datetime:
    """The advert stays open to the end of its closing day, on England's clock (GMT or BST)."""
    return dt.datetime.combine(vacancy.closing_date, dt.time(23, 59, 59), tzinfo=LONDON_TIME)


def council_page_url(organisation: Organisation) -> str:
    return url_for("jobs.council", slug=organisation.slug, _external=True)


def council_logo_url(organisation: Organisation) -> str:
    """The council's own logo when it has given an https address for one, else the plain one the
    site draws for it (Google shows a logo beside every job, and wants one that always loads)."""
    own = safe_external_url(organisation.logo_url)
    if own and own.lower().startswith("https://"):
        return own
    return url_for("syndication.council_logo", slug=organisation.slug, _external=True)


def job_posting(vacancy: Vacancy, url: str, region_name: str = "London") -> dict[str, Any]:
    """schema.org JobPosting for a vacancy, complete by Google's guidelines for job postings: the
    one builder for the job page's JSON-LD and the public API's vacancy."""
    organisation: Organisation = vacancy.organisation
    posted = vacancy.published_at or vacancy.created_at
    website = safe_external_url(organisation.website)
    hiring: dict[str, Any] = {
        "@type": "Organization",
        "name": organisation.name,
        "url": website or council_page_url(organisation),
        "logo": council_logo_url(organisation),
    }
    if website:
        hiring["sameAs"] = council_page_url(organisation)
    street, postcode = vacancy.office_address
    address: dict[str, Any] = {"@type": "PostalAddress"}
    if street:
        address["streetAddress"] = street
    address["addressLocality"] = vacancy.location_name or organisation.town or organisation.name
    address["addressRegion"] = region_name
    if postcode:
        address["postalCode"] = postcode
    address["addressCountry"] = "GB"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": vacancy.title,
        "description": str(advert_html(vacancy)),
        "url": url,
        "datePosted": posted.date().isoformat() if posted else None,
        "validThrough": valid_through(vacancy).isoformat(),
        "hiringOrganization": hiring,
        "jobLocation": {
            "@type": "Place",
            "address": address,
            "geo": {"@type": "GeoCoordinates", "latitude": vacancy.latitude, "longitude": vacancy.longitude},
        },
        "employmentType": employment_types(vacancy),
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": "GBP",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": vacancy.salary_min,
                "maxValue": vacancy.salary_max,
                "unitText": "YEAR",
            },
        },
        "directApply": vacancy.apply_method == ApplyMethod.IN_PLATFORM,
        "industry": "Children's social work",
        "occupationalCategory": vacancy.role_level.label,
    }
    if vacancy.reference:
        data["identifier"] = {"@type": "PropertyValue", "name": organisation.name, "value": vacancy.reference}
    return data


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON for a <script type="application/ld+json"> block: <, > and & are escaped as \\u
    sequences, so text such as "</script>" in an advert cannot end the block early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)
