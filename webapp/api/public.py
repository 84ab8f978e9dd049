"""The public read API, no key needed: job search (the /jobs page's own parameters, filters, facets,
sorts and distance), a vacancy as schema.org JobPosting, and councils. Paged, cacheable (ETag and
Last-Modified: ask again with If-None-Match for a 304), rate limited per client address, and
open data under the Open Government Licence v3.0.

Thin views: webapp.search.criteria reads the query string (the one reading of a job search, so a
parameter means here exactly what it means on /jobs), webapp.services.public_api answers.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma
from flask import Response, json, request
from flask_smorest import Blueprint

from webapp.api import document_problems
from webapp.api.schemas import enum_schema
from webapp.search import SearchUnavailable
from webapp.search.criteria import FACETS, MILES_MESSAGE, SORT_MESSAGE
from webapp.search.places import DEFAULT_MILES, DISTANCE_CHOICES
from webapp.search.query import MAX_KEYWORDS_LENGTH, MAX_PAGE, MAX_PER_PAGE, MAX_SALARY, Sort
from webapp.services import jobs as job_service
from webapp.services import public_api
from webapp.web.caching import conditional, public_read_limit
from webapp.web.problems import Problem

LICENCE_LINK = f'<{public_api.LICENCE_URL}>; rel="license"'
OPEN_DATA = (f"No key needed. Open data under the {public_api.LICENCE_NAME} ({public_api.LICENCE_URL}); "
             "limited per client address (429 with Retry-After past it); answers carry ETag and "
             "Last-Modified, so asking again with If-None-Match costs a 304.")

jobs_blp = Blueprint("public_jobs", __name__, description="Search live jobs and read one as schema.org JobPosting. "
                     + OPEN_DATA)
councils_blp = Blueprint("public_councils", __name__, description="The councils that post jobs. " + OPEN_DATA)


# --- what the documents say ------------------------------------------------------------------------------

def _query_parameters() -> list[dict[str, Any]]:
    """The search's parameters as OpenAPI describes them, from the parser's own definitions."""
    parameters: list[dict[str, Any]] = [
        {"name": "q", "in": "query", "description": "Keywords, as typed in the search box: every word must match "
                                                    "(abbreviations such as NQSW, ASYE, CP, MASH are understood)",
         "schema": {"type": "string", "maxLength": MAX_KEYWORDS_LENGTH}},
    ]
    for facet in FACETS:
        items: dict[str, Any] = {"type": "string"}
        if facet.vocabulary is not None:
            items["enum"] = [value for value, _ in facet.choices()]
        else:
            items["pattern"] = "^[a-z0-9-]+$"
        parameters.append({
            "name": facet.param, "in": "query", "style": "form", "explode": True,
            "description": f"{facet.label}: repeat the parameter for several (any of them matches)"
                           + ("; a council's slug, as listed by /api/v1/councils" if facet.vocabulary is None else ""),
            "schema": {"type": "array", "items": items},
        })
    parameters += [
        {"name": "salary", "in": "query", "description": "The job can pay at least this many pounds a year",
         "schema": {"type": "integer", "minimum": 0, "maximum": MAX_SALARY}},
        {"name": "max_caseload", "in": "query", "description": "A stated maximum caseload of at most this many children",
         "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
        {"name": "protected_nqsw", "in": "query", "description": "Only jobs with a protected caseload for newly "
                                                                 "qualified social workers (`y`)",
         "schema": {"type": "string", "enum": ["y"]}},
        {"name": "funded_development", "in": "query", "description": "Only jobs with funded training and "
                                                                     "development (`y`)",
         "schema": {"type": "string", "enum": ["y"]}},
        {"name": "near", "in": "query", "description": "A London borough or postcode district (Hackney, SE15): "
                                                       "jobs within `miles` of it, each with its distance",
         "schema": {"type": "string", "maxLength": 60}},
        {"name": "miles", "in": "query", "description": f"How far from `near` ({MILES_MESSAGE.lower()})",
         "schema": {"type": "integer", "enum": list(DISTANCE_CHOICES), "default": DEFAULT_MILES}},
        {"name": "closing_after", "in": "query", "description": "Only jobs closing on or after this date",
         "schema": {"type": "string", "format": "date"}},
        {"name": "sort", "in": "query", "description": SORT_MESSAGE + " (relevance without keywords, and nearest without a place, are newest)",
         "schema": {"type": "string", "enum": [s.value for s in Sort], "default": Sort.RELEVANCE.value}},
        {"name": "page", "in": "query", "description": "Which page of results",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
        {"name": "per_page", "in": "query", "description": "Jobs a page",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                    "default": public_api.DEFAULT_PER_PAGE}},
    ]
    return parameters


class LicenceSchema(ma.Schema):
    name = ma.fields.String(required=True)
    url = ma.fields.String(required=True)


class CouncilRefSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class JobSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    url = ma.fields.String(required=True, metadata={"description": "The job page"})
    href = ma.fields.String(required=True, metadata={"description": "This job as JobPosting in this API"})
    council = ma.fields.Nested(CouncilRefSchema, required=True)
    summary = ma.fields.String(required=True)
    role_level = ma.fields.String(required=True, metadata=enum_schema("RoleLevel"))
    service_area = ma.fields.String(required=True, metadata=enum_schema("ServiceArea"))
    contract_type = ma.fields.String(required=True, metadata=enum_schema("ContractType"))
    working_pattern = ma.fields.String(required=True, metadata=enum_schema("WorkingPattern"))
    hybrid_pattern = ma.fields.String(required=True, allow_none=True, metadata=enum_schema("HybridPattern"))
    salary_min = ma.fields.Integer(required=True)
    salary_max = ma.fields.Integer(required=True)
    location_name = ma.fields.String(required=True)
    latitude = ma.fields.Float(required=True)
    longitude = ma.fields.Float(required=True)
    closing_date = ma.fields.String(required=True, metadata={"format": "date"})
    published_at = ma.fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    updated_at = ma.fields.String(required=True, metadata={"format": "date-time"})
    featured = ma.fields.Boolean(required=True, metadata={"description": "Featured by its council today"})
    distance_miles = ma.fields.Float(metadata={"description": "From `near`, when it was given"})


class FacetValueSchema(ma.Schema):
    value = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    count = ma.fields.Integer(required=True, metadata={"description": "Jobs found with this value ticked too"})


class JobSearchSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(JobSummarySchema), required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True)
    pages = ma.fields.Integer(required=True)
    next = ma.fields.String(required=True, allow_none=True, metadata={"description": "The next page, or null"})
    sort = ma.fields.String(required=True, metadata={"description": "The order the results are in"})
    facets = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.Nested(FacetValueSchema)),
                            required=True, metadata={"description": "Each filter parameter's values and counts"})
    licence = ma.fields.Nested(LicenceSchema, required=True)


class JobPostingSchema(ma.Schema):
    """schema.org JobPosting, as on the job page (Google's guidelines for job postings)."""

    context = ma.fields.String(required=True, data_key="@context")
    type = ma.fields.String(required=True, data_key="@type")
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True, metadata={"description": "The advert as safe HTML"})
    url = ma.fields.String(required=True)
    datePosted = ma.fields.String(required=True, allow_none=True, metadata={"format": "date"})
    validThrough = ma.fields.String(required=True, metadata={"format": "date-time",
                                                             "description": "With its offset (Europe/London)"})
    hiringOrganization = ma.fields.Dict(required=True)
    jobLocation = ma.fields.Dict(required=True)
    employmentType = ma.fields.List(ma.fields.String(), required=True)
    baseSalary = ma.fields.Dict(required=True)
    directApply = ma.fields.Boolean(required=True)
    industry = ma.fields.String(required=True)
    occupationalCategory = ma.fields.String(required=True)
    identifier = ma.fields.Dict()


class OfficeSchema(ma.Schema):
    street_address = ma.fields.String(required=True)
    postcode = ma.fields.String(required=True)
    locality = ma.fields.String(required=True)


class FeedLinksSchema(ma.Schema):
    atom = ma.fields.String(required=True)
    rss = ma.fields.String(required=True)


class CouncilSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    sub_region = ma.fields.String(required=True)
    url = ma.fields.String(required=True, metadata={"description": "The council's page on this site"})
    href = ma.fields.String(required=True)
    website = ma.fields.String(required=True, allow_none=True)
    logo = ma.fields.String(required=True)
    office = ma.fields.Nested(OfficeSchema, required=True)
    ofsted_rating = ma.fields.String(required=True, allow_none=True)
    live_jobs = ma.fields.Integer(required=True)
    jobs_href = ma.fields.String(required=True, metadata={"description": "Its live jobs in this API"})
    feeds = ma.fields.Nested(FeedLinksSchema, required=True)
    updated_at = ma.fields.String(required=True, allow_none=True, metadata={"format": "date-time"})


class CouncilListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CouncilSchema), required=True)
    licence = ma.fields.Nested(LicenceSchema, required=True)


# --- answers ----------------------------------------------------------------------------------------------

def _json(body: Any, last_modified: dt.datetime | None = None, media_type: str = "application/json") -> Response:
    response = Response(json.dumps(body), mimetype=media_type)
    response.headers["Link"] = LICENCE_LINK
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any site's scripts may read it
    return conditional(response, last_modified)


def _newest(items: list[dict[str, Any]]) -> dt.datetime | None:
    stamps = [dt.datetime.fromisoformat(i["updated_at"].replace("Z", "+00:00")) for i in items if i.get("updated_at")]
    return max(stamps).replace(tzinfo=None) if stamps else None


@jobs_blp.route("")
@jobs_blp.doc(operationId="searchJobs", security=[], parameters=_query_parameters())
@jobs_blp.response(200, JobSearchSchema, description="One page of live jobs, with each filter's counts")
@jobs_blp.alt_response(304, description="Not modified since the ETag given in If-None-Match")
@document_problems(jobs_blp, 400, 404, 429, 503)
@public_read_limit
def search_jobs():
    """Search live jobs

    The same search as the /jobs page: one query string means the same on both, so a search can
    be built on the site and its address's query string used here. Past the last page is a 404.
    """
    try:
        criteria, per_page = public_api.read_search(request.args.items(multi=True))
    except public_api.InvalidJobSearch as invalid:
        raise Problem(400, str(invalid), errors=invalid.problems) from None
    try:
        body = public_api.search(criteria, per_page)
    except public_api.PageBeyondResults as beyond:
        raise Problem(404, str(beyond)) from None
    except SearchUnavailable:
        raise Problem(503, "Search is not working at the moment. Try again in a few minutes.",
                      headers={"Retry-After": "120"}) from None
    return _json(body, _newest(body["items"]))


@jobs_blp.route("/<int:vacancy_id>")
@jobs_blp.doc(operationId="getJob", security=[])
@jobs_blp.response(200, JobPostingSchema, content_type="application/ld+json",
                   description="The job as schema.org JobPosting JSON-LD")
@jobs_blp.alt_response(304, description="Not modified since the ETag given in If-None-Match")
@document_problems(jobs_blp, 404, 410, 429)
@public_read_limit
def get_job(vacancy_id: int):
    """One job as JobPosting

    A job that has closed (or was removed by its council) answers 410 Gone; one never published, 404.
    """
    vacancy = job_service.public_vacancy(vacancy_id)
    if vacancy is None:
        raise Problem(404, f"There is no job {vacancy_id}.")
    if not vacancy.is_live_on(dt.date.today()):
        raise Problem(410, f"Job {vacancy_id} has closed and is no longer taking applications.")
    # The council's name, logo and office are in it too: it changed when either last did.
    changed = max(vacancy.updated_at, vacancy.organisation.updated_at)
    return _json(public_api.job_posting(vacancy), changed, media_type="application/ld+json")


@councils_blp.route("")
@councils_blp.doc(operationId="listCouncils", security=[])
@councils_blp.response(200, CouncilListSchema, description="Every council, with its live jobs and feeds")
@councils_blp.alt_response(304, description="Not modified since the ETag given in If-None-Match")
@document_problems(councils_blp, 429)
@public_read_limit
def list_councils():
    """Councils"""
    items, changed = public_api.councils()
    return _json({"items": items, "licence": public_api.licence()}, changed)


@councils_blp.route("/<slug>", parameters=[{
    "in": "path", "name": "slug", "required": True, "description": "The council's slug, as /api/v1/councils lists it",
    "schema": {"type": "string", "pattern": "^[a-z0-9-]{1,120}$"}}])
@councils_blp.doc(operationId="getCouncil", security=[])
@councils_blp.response(200, CouncilSchema, description="One council")
@councils_blp.alt_response(304, description="Not modified since the ETag given in If-None-Match")
@document_problems(councils_blp, 404, 429)
@public_read_limit
def get_council(slug: str):
    """One council"""
    body = public_api.council(slug)
    if body is None:
        raise Problem(404, f"There is no council '{slug[:60]}'. GET /api/v1/councils lists them.")
    return _json(body)
