"""The public read API: job search with the /jobs page's parameters (filters, facets, sorts,
distance, pages), a job as the job page's own JobPosting, councils; problems for bad input, 410
for closed jobs, caching with 304s, the open licence, the per-address rate limit, the document."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from domain.geography import BOROUGHS_BY_SLUG
from domain.vocabulary import OfstedRating, RoleLevel, ServiceArea, SubRegion, VacancyStatus
from domain.postcodes import outcode_of
from tests.factories import OrganisationFactory, VacancyFactory
from webapp.demo.councils import ensure_councils
from webapp.extensions import db
from webapp.models import utcnow

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


@pytest.fixture
def jobs(app):
    camden = OrganisationFactory(name="Camden", slug="camden", sub_region=SubRegion.NORTH,
                                 office_street_address="5 Pancras Square", office_postcode="N1C 4AG",
                                 website="https://www.camden.gov.uk", ofsted_rating=OfstedRating.OUTSTANDING)
    croydon = OrganisationFactory(name="Croydon", slug="croydon", sub_region=SubRegion.SOUTH,
                                  latitude=BOROUGHS_BY_SLUG["croydon"].latitude,
                                  longitude=BOROUGHS_BY_SLUG["croydon"].longitude)
    made = {
        "fostering": VacancyFactory(organisation=camden, title="Fostering social worker",
                                    service_area=ServiceArea.FOSTERING, salary_min=40000, salary_max=45000,
                                    published_at=dt.datetime(2026, 11, 1, 9)),
        "senior": VacancyFactory(organisation=croydon, title="Senior practitioner, child protection",
                                 role_level=RoleLevel.SENIOR_PRACTITIONER, salary_min=48000, salary_max=54000,
                                 published_at=dt.datetime(2026, 11, 3, 9)),
        "assessment": VacancyFactory(organisation=camden, title="Assessment social worker",
                                     service_area=ServiceArea.ASSESSMENT, salary_min=41000, salary_max=47000,
                                     published_at=dt.datetime(2026, 11, 2, 9)),
        "closed": VacancyFactory(organisation=camden, title="Closed job", status=VacancyStatus.CLOSED,
                                 closed_at=dt.datetime(2026, 11, 20)),
        "draft": VacancyFactory(organisation=camden, title="Draft job", status=VacancyStatus.DRAFT,
                                published_at=None),
    }
    db.session.commit()
    made["camden"], made["croydon"] = camden, croydon
    return made


def ids(body) -> list[int]:
    return [item["id"] for item in body["items"]]


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def test_search_lists_live_jobs_newest_first_with_facets_and_the_licence(client, jobs):
    response = client.get("/api/v1/jobs")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Link"] == f'<{OGL}>; rel="license"'
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    assert ids(body) == [jobs["senior"].id, jobs["assessment"].id, jobs["fostering"].id]
    assert (body["total"], body["pages"], body["page"], body["per_page"], body["next"]) == (3, 1, 1, 20, None)
    assert body["sort"] == "newest"  # relevance without keywords
    assert body["licence"] == {"name": "Open Government Licence v3.0", "url": OGL}
    assert {"value": "camden", "label": "Camden", "count": 2} in body["facets"]["council"]
    assert {"value": "fostering", "label": "Fostering", "count": 1} in body["facets"]["service_area"]
    senior = body["items"][0]
    assert senior["url"] == f"http://localhost/jobs/{jobs['senior'].id}-{jobs['senior'].slug}"
    assert senior["href"] == f"http://localhost/api/v1/jobs/{jobs['senior'].id}"
    assert senior["council"] == {"slug": "croydon", "name": "Croydon"}
    assert (senior["role_level"], senior["salary_min"], senior["salary_max"]) == ("senior_practitioner", 48000, 54000)
    assert senior["published_at"] == "2026-11-03T09:00:00Z" and senior["featured"] is False
    assert "distance_miles" not in senior


def test_search_reads_the_same_query_string_as_the_jobs_page(client, jobs):
    assert ids(client.get("/api/v1/jobs?q=fostering").get_json()) == [jobs["fostering"].id]
    assert ids(client.get("/api/v1/jobs?council=camden&service_area=assessment").get_json()) == [jobs["assessment"].id]
    assert ids(client.get("/api/v1/jobs?role_level=senior_practitioner&role_level=social_worker&sort=salary")
               .get_json()) == [jobs["senior"].id, jobs["assessment"].id, jobs["fostering"].id]
    assert ids(client.get("/api/v1/jobs?salary=%C2%A346,000").get_json()) == [jobs["senior"].id, jobs["assessment"].id]
    # The /jobs page's results for the same string, in the same order.
    page = client.get("/jobs?sort=salary&council=camden").text
    on_page = [int(i) for i in re.findall(r'href="/jobs/(\d+)-[a-z0-9-]+(?:\?[^"]*)?"', page.split('id="results"')[1])]
    api = ids(client.get("/api/v1/jobs?sort=salary&council=camden").get_json())
    assert api == list(dict.fromkeys(on_page)) == [jobs["assessment"].id, jobs["fostering"].id]


def test_search_near_a_place_gives_each_jobs_distance(client, jobs):
    body = client.get("/api/v1/jobs?near=Croydon&miles=5").get_json()
    assert ids(body) == [jobs["senior"].id]
    assert body["items"][0]["distance_miles"] == 0.0
    wider = client.get("/api/v1/jobs?near=Croydon&miles=15").get_json()
    assert {item["id"]: item["distance_miles"] > 5 for item in wider["items"]}[jobs["fostering"].id] is True


def test_search_pages_with_a_link_to_the_next(client, jobs):
    first = client.get("/api/v1/jobs?per_page=2&council=camden&council=croydon").get_json()
    assert ids(first) == [jobs["senior"].id, jobs["assessment"].id] and first["pages"] == 2
    assert first["next"].startswith("http://localhost/api/v1/jobs?")
    second = client.get(first["next"].removeprefix("http://localhost")).get_json()
    assert ids(second) == [jobs["fostering"].id] and second["next"] is None
    beyond = problem(client.get("/api/v1/jobs?per_page=2&page=3"), 404)
    assert beyond["detail"] == "There is no page 3 for this search: the results end at page 2."


@pytest.mark.parametrize(("query", "field", "message"), [
    ("role_level=wizard", "role_level", "‘wizard’ is not a role level you can filter by. Choose from the list."),
    ("council=atlantis", "council", "‘atlantis’ is not a council you can filter by. Choose from the list."),
    ("salary=lots", "salary", "Minimum salary must be a whole number of pounds between 0 and 500,000, like 40000"),
    ("near=Atlantis", "near", "Enter a London borough or postcode district, like Hackney or SE15"),
    ("sort=random", "sort", "Sort by most relevant, newest, highest salary, closing soonest or nearest first"),
    ("per_page=0", "per_page", "per_page must be a whole number from 1 to 100, like 50"),
    ("per_page=500", "per_page", "per_page must be a whole number from 1 to 100, like 50"),
    ("page=-1", "page", "Page must be a whole number from 1 to 500, like 2"),
    ("closing_after=tomorrow", "closing_after", "Closing on or after must be a date like 2026-12-31"),
])
def test_a_bad_search_parameter_is_a_400_naming_it(client, jobs, query, field, message):
    body = problem(client.get(f"/api/v1/jobs?{query}"), 400)
    assert {error["field"]: error["detail"] for error in body["errors"]} == {field: message}


def test_a_job_is_the_job_pages_own_job_posting(client, jobs):
    vacancy = jobs["fostering"]
    response = client.get(f"/api/v1/jobs/{vacancy.id}")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    posting = json.loads(response.data)
    html = client.get(f"/jobs/{vacancy.id}-{vacancy.slug}").text
    on_page = json.loads(re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert posting == on_page
    assert posting["@type"] == "JobPosting" and posting["jobLocation"]["address"]["postalCode"] == "N1C 4AG"


def test_a_closed_or_removed_job_is_gone_and_a_draft_or_unknown_one_not_found(client, jobs):
    assert problem(client.get(f"/api/v1/jobs/{jobs['closed'].id}"), 410)["detail"].endswith(
        "has closed and is no longer taking applications.")
    jobs["senior"].status = VacancyStatus.CLOSED
    jobs["senior"].closed_at = jobs["senior"].deleted_at = utcnow()
    db.session.commit()
    problem(client.get(f"/api/v1/jobs/{jobs['senior'].id}"), 410)
    problem(client.get(f"/api/v1/jobs/{jobs['draft'].id}"), 404)
    problem(client.get("/api/v1/jobs/999999"), 404)


def test_councils_are_listed_with_their_live_jobs_office_and_feeds(client, jobs):
    body = client.get("/api/v1/councils").get_json()
    assert body["licence"]["url"] == OGL
    camden = next(c for c in body["items"] if c["slug"] == "camden")
    assert camden["live_jobs"] == 2 and camden["name"] == "Camden" and camden["sub_region"] == "north"
    assert camden["office"] == {"street_address": "5 Pancras Square", "postcode": "N1C 4AG", "locality": "Town hall"}
    assert camden["website"] == "https://www.camden.gov.uk" and camden["ofsted_rating"] == "outstanding"
    assert camden["logo"] == "http://localhost/councils/camden/logo.svg"
    assert camden["feeds"] == {"atom": "http://localhost/feeds/councils/camden.atom",
                               "rss": "http://localhost/feeds/councils/camden.rss"}
    assert client.get(camden["jobs_href"].removeprefix("http://localhost")).get_json()["total"] == 2
    one = client.get("/api/v1/councils/croydon").get_json()
    assert one["live_jobs"] == 1 and one["href"] == "http://localhost/api/v1/councils/croydon"
    problem(client.get("/api/v1/councils/atlantis"), 404)


@pytest.mark.parametrize("path", ["/api/v1/jobs?council=camden", "/api/v1/jobs/{job}", "/api/v1/councils",
                                  "/api/v1/councils/camden"])
def test_answers_are_cached_and_a_conditional_get_is_a_304(client, jobs, path):
    path = path.format(job=jobs["fostering"].id)
    first = client.get(path)
    assert first.status_code == 200
    assert first.cache_control.public and first.cache_control.max_age == 300
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_a_change_to_a_job_changes_its_etag(client, jobs):
    path = f"/api/v1/jobs/{jobs['fostering'].id}"
    first = client.get(path)
    jobs["fostering"].title = "Fostering social worker (supervising)"
    db.session.commit()
    changed = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and json.loads(changed.data)["title"] == "Fostering social worker (supervising)"


def test_the_document_describes_the_public_routes_with_no_key_needed(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    search = document["paths"]["/api/v1/jobs"]["get"]
    assert search["security"] == [] and search["operationId"] == "searchJobs"
    parameters = {p["name"]: p for p in search["parameters"]}
    assert set(parameters) == {"q", "council", "sub_region", "role_level", "service_area", "contract_type",
                               "working_pattern", "hybrid", "salary", "max_caseload", "protected_nqsw",
                               "funded_development", "near", "miles", "closing_after", "sort", "page", "per_page"}
    assert "senior_practitioner" in parameters["role_level"]["schema"]["items"]["enum"]
    assert {"200", "304", "400", "404", "429", "503"} <= set(search["responses"])
    job = document["paths"]["/api/v1/jobs/{vacancy_id}"]["get"]
    assert job["security"] == [] and "application/ld+json" in job["responses"]["200"]["content"]
    assert "410" in job["responses"]
    assert document["paths"]["/api/v1/councils"]["get"]["security"] == []
    assert document["paths"]["/api/v1/councils/{slug}"]["get"]["security"] == []


class TestRateLimit:
    @pytest.fixture
    def app_overrides(self):
        return {"RATELIMIT_ENABLED": True, "PUBLIC_READ_RATE_LIMIT": "3 per minute"}

    def test_reads_are_limited_per_client_address_with_the_feeds(self, client, jobs):
        assert client.get("/api/v1/jobs").status_code == 200
        assert client.get("/api/v1/councils").status_code == 200
        assert client.get("/feeds/jobs.atom").status_code == 200  # one bucket with the feeds
        limited = client.get("/api/v1/jobs")
        body = problem(limited, 429)
        assert int(limited.headers["Retry-After"]) > 0 and body["status"] == 429
        assert client.get("/api/v1/jobs", environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code == 200


def test_every_demo_council_has_an_office_address_for_job_postings(client, app):
    ensure_councils(db.session)
    db.session.commit()
    councils = client.get("/api/v1/councils").get_json()["items"]
    assert len(councils) == 33
    for council in councils:
        office = council["office"]
        assert office["street_address"] and outcode_of(office["postcode"]), council["slug"]


class TestOnElasticsearch:
    """The same search through the full stack's engine: the API answers alike whichever engine runs."""

    @pytest.fixture
    def app_overrides(self, elasticsearch_url, es_prefix):
        return {"SEARCH_URL": elasticsearch_url, "SEARCH_INDEX_PREFIX": es_prefix}

    def test_search_filters_sorts_facets_and_distance(self, client, jobs):
        body = client.get("/api/v1/jobs?q=social+worker&sort=salary").get_json()
        assert ids(body) == [jobs["assessment"].id, jobs["fostering"].id]
        assert {"value": "camden", "label": "Camden", "count": 2} in body["facets"]["council"]
        assert ids(client.get("/api/v1/jobs?role_level=senior_practitioner").get_json()) == [jobs["senior"].id]
        near = client.get("/api/v1/jobs?near=Croydon&miles=5").get_json()
        assert ids(near) == [jobs["senior"].id] and near["items"][0]["distance_miles"] == 0.0
        feed = client.get("/feeds/jobs.atom?council=camden")
        assert feed.status_code == 200 and feed.data.count(b"<entry>") == 2


class TestSearchDown:
    @pytest.fixture
    def app_overrides(self):
        return {"SEARCH_URL": "http://127.0.0.1:9", "SEARCH_INDEX_PREFIX": "test-nothing-listens"}

    def test_search_answers_503_with_retry_after_and_the_rest_still_works(self, client, app):
        camden = OrganisationFactory(name="Camden", slug="camden")
        job = VacancyFactory(organisation=camden)
        db.session.commit()  # the change is kept; the index catches up when search is back
        down = client.get("/api/v1/jobs?q=social")
        assert problem(down, 503)["detail"] == "Search is not working at the moment. Try again in a few minutes."
        assert down.headers["Retry-After"] == "120"
        feed = client.get("/feeds/jobs.rss?q=social")
        assert feed.status_code == 503 and feed.headers["Retry-After"] == "120"
        # What reads the database, not the index, carries on.
        assert client.get(f"/api/v1/jobs/{job.id}").status_code == 200
        assert client.get("/feeds/jobs.atom").status_code == 200
        assert client.get("/api/v1/councils").status_code == 200


def test_a_job_is_modified_when_its_council_changes(client, jobs):
    path = f"/api/v1/jobs/{jobs['fostering'].id}"
    first = client.get(path)
    jobs["camden"].office_street_address = "Crowndale Centre"
    jobs["camden"].updated_at = utcnow() + dt.timedelta(seconds=2)  # a later second than the job's own change
    db.session.commit()
    again = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 200
    assert json.loads(again.data)["jobLocation"]["address"]["streetAddress"] == "Crowndale Centre"
