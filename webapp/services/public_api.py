"""The public read API's answers: a job search (the /jobs page's own query string, read by
webapp.search.criteria, run by the same search service), a vacancy as schema.org JobPosting (the
job page's own builder), and councils. Open data under the Open Government Licence.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable
from urllib.parse import parse_qs

from flask import current_app, url_for

from domain.geography import distance_miles
from webapp.models import Organisation, Vacancy
from webapp.search.criteria import FACETS, JobSearchCriteria, whole_number
from webapp.search.criteria import parse as parse_criteria
from webapp.search.query import MAX_PER_PAGE
from webapp.services import ServiceError
from webapp.services import councils as council_service
from webapp.services import jobs as job_service
from webapp.services.council_api import utc_text

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
DEFAULT_PER_PAGE = 20
PER_PAGE_MESSAGE = f"per_page must be a whole number from 1 to {MAX_PER_PAGE}, like 50"


class InvalidJobSearch(ServiceError):
    """The query string cannot be read; ``problems`` are by parameter, in the /jobs page's words."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(f"{len(problems)} parameter{'s' if len(problems) != 1 else ''} could not be read; "
                         "see errors")
        self.problems = problems


class PageBeyondResults(ServiceError):
    pass


def read_search(pairs: Iterable[tuple[str, str]]) -> tuple[JobSearchCriteria, int]:
    """The search a query string asks for and how many jobs a page; InvalidJobSearch lists every problem."""
    pairs = list(pairs)
    criteria, problems = parse_criteria(pairs, council_service.council_choices())
    per_page = DEFAULT_PER_PAGE
    per_page_text = next((value for name, value in pairs if name == "per_page"), "")
    try:
        per_page = whole_number(per_page_text, 1, MAX_PER_PAGE, PER_PAGE_MESSAGE) or DEFAULT_PER_PAGE
    except ValueError as problem:
        problems["per_page"] = str(problem)
    if problems:
        raise InvalidJobSearch(problems)
    return criteria, per_page


def job_summary(vacancy: Vacancy, featured: bool, criteria: JobSearchCriteria | None = None) -> dict[str, Any]:
    organisation = vacancy.organisation
    body: dict[str, Any] = {
        "id": vacancy.id,
        "title": vacancy.title,
        "url": url_for("jobs.vacancy", vacancy_id=vacancy.id, slug=vacancy.slug, _external=True),
        "href": url_for("public_jobs.get_job", vacancy_id=vacancy.id, _external=True),
        "council": {"slug": organisation.slug, "name": organisation.name},
        "summary": vacancy.summary,
        "role_level": vacancy.role_level.value,
        "service_area": vacancy.service_area.value,
        "contract_type": vacancy.contract_type.value,
        "working_pattern": vacancy.working_pattern.value,
        "hybrid_pattern": vacancy.hybrid_pattern.value if vacancy.hybrid_pattern else None,
        "salary_min": vacancy.salary_min,
        "salary_max": vacancy.salary_max,
        "location_name": vacancy.location_name or organisation.town,
        "latitude": vacancy.latitude,
        "longitude": vacancy.longitude,
        "closing_date": vacancy.closing_date.isoformat(),
        "published_at": utc_text(vacancy.published_at),
        "updated_at": utc_text(vacancy.updated_at),
        "featured": featured,
    }
    if criteria is not None and criteria.place is not None:
        place = criteria.place
        body["distance_miles"] = round(distance_miles(place.latitude, place.longitude,
                                                      vacancy.latitude, vacancy.longitude), 1)
    return body


def _facets(criteria: JobSearchCriteria, counts: dict[str, list[tuple[str, int]]]) -> dict[str, list[dict]]:
    """Each filter's choices with how many jobs ticking it would find (as the page's boxes show)."""
    councils = council_service.council_choices()
    facets = {}
    for facet in FACETS:
        labels = dict(facet.choices(councils))
        facets[facet.param] = [{"value": value, "label": labels.get(value, value), "count": count}
                               for value, count in counts.get(facet.attr, [])]
    return facets


def search(criteria: JobSearchCriteria, per_page: int) -> dict[str, Any]:
    """One page of a job search, with its facets; PageBeyondResults past the last page.
    (SearchUnavailable when the engine is down.)"""
    query = criteria.to_query(per_page=per_page)
    results = job_service.search_jobs(query)
    if results.page_out_of_range:
        raise PageBeyondResults(f"There is no page {query.page} for this search: the results end at page "
                                f"{results.pages}.")
    next_url = None
    if query.page < results.pages:
        args = parse_qs(criteria.normalised())  # repeated parameters kept as lists, for url_for
        next_url = url_for("public_jobs.search_jobs", _external=True, **args, sort=criteria.sort.value,
                           page=query.page + 1, per_page=per_page)
    return {
        "items": [job_summary(listing.vacancy, listing.featured, criteria) for listing in results.listings],
        "page": query.page,
        "per_page": per_page,
        "total": results.total,
        "pages": results.pages,
        "next": next_url,
        "sort": query.effective_sort.value,
        "facets": _facets(criteria, results.result.facets),
        "licence": licence(),
    }


def licence() -> dict[str, str]:
    return {"name": LICENCE_NAME, "url": LICENCE_URL}


def job_posting(vacancy: Vacancy) -> dict[str, Any]:
    """The vacancy as schema.org JobPosting: the job page's own structured data, word for word."""
    url = url_for("jobs.vacancy", vacancy_id=vacancy.id, slug=vacancy.slug, _external=True)
    return job_service.job_posting(vacancy, url, current_app.config["REGION_NAME"])


def council_body(organisation: Organisation, live_jobs: int) -> dict[str, Any]:
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "sub_region": organisation.sub_region.value,
        "url": job_service.council_page_url(organisation),
        "href": url_for("public_councils.get_council", slug=organisation.slug, _external=True),
        "website": job_service.safe_external_url(organisation.website),
        "logo": job_service.council_logo_url(organisation),
        "office": {"street_address": organisation.office_street_address,
                   "postcode": organisation.office_postcode, "locality": organisation.town},
        "ofsted_rating": organisation.ofsted_rating.value if organisation.ofsted_rating else None,
        "live_jobs": live_jobs,
        "jobs_href": url_for("public_jobs.search_jobs", council=organisation.slug, _external=True),
        "feeds": {kind: url_for("syndication.council_feed", slug=organisation.slug, kind=kind, _external=True)
                  for kind in ("atom", "rss")},
        "updated_at": utc_text(organisation.updated_at),
    }


def councils() -> tuple[list[dict[str, Any]], dt.datetime | None]:
    """Every council with its live job count, and when any of them last changed."""
    counts = council_service.live_vacancy_counts()
    rows = council_service.all_councils()
    changed = max((o.updated_at for o in rows if o.updated_at), default=None)
    return [council_body(o, counts.get(o.id, 0)) for o in rows], changed


def council(slug: str) -> dict[str, Any] | None:
    organisation = council_service.council_by_slug(slug)
    if organisation is None:
        return None
    return council_body(organisation, council_service.live_vacancy_counts().get(organisation.id, 0))
