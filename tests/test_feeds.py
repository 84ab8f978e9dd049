"""Feeds of new jobs, read back as a feed reader (feedparser) and an aggregator (an XML parser)
reads them: RSS 2.0 and Atom for every job, a council's and any /jobs search; a saved search's
private link (made, remade, turned off); the aggregator XML; caching and rate limits."""
from __future__ import annotations

import datetime as dt

import feedparser
import pytest
from lxml import etree

from domain.vocabulary import RoleLevel, ServiceArea, UserRole, VacancyStatus
from tests.factories import CandidateFactory, OrganisationFactory, UserFactory, VacancyFactory
from tests.helpers import sign_in_as
from tests.pages import page, text_of
from webapp.extensions import db
from webapp.models import SavedSearch

AGGREGATOR_JOB_ELEMENTS = ("title", "date", "referencenumber", "url", "company", "sourcename", "city", "state",
                           "country", "postalcode", "streetaddress", "description", "salary", "jobtype",
                           "category", "expirationdate")


@pytest.fixture
def jobs(app):
    camden = OrganisationFactory(name="Camden", slug="camden", office_street_address="5 Pancras Square",
                                 office_postcode="N1C 4AG")
    croydon = OrganisationFactory(name="Croydon", slug="croydon", office_street_address="8 Mint Walk",
                                  office_postcode="CR0 1EA")
    older = VacancyFactory(organisation=camden, title="Fostering social worker", service_area=ServiceArea.FOSTERING,
                           published_at=dt.datetime(2026, 11, 1, 9), reference="CAM-1",
                           description="Support foster carers.\n\nBring <your> best & brightest")
    newer = VacancyFactory(organisation=croydon, title="Senior practitioner, child protection",
                           role_level=RoleLevel.SENIOR_PRACTITIONER, published_at=dt.datetime(2026, 11, 3, 9))
    VacancyFactory(organisation=camden, title="Closed job", status=VacancyStatus.CLOSED)
    VacancyFactory(organisation=camden, title="Draft job", status=VacancyStatus.DRAFT)
    VacancyFactory(organisation=camden, title="Expired job", closing_date=dt.date.today() - dt.timedelta(days=1))
    db.session.commit()
    return {"camden": camden, "croydon": croydon, "older": older, "newer": newer}


def read(response) -> feedparser.FeedParserDict:
    assert response.status_code == 200, response.text
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def job_url(vacancy) -> str:
    return f"http://localhost/jobs/{vacancy.id}-{vacancy.slug}"


def test_the_rss_feed_lists_live_jobs_newest_first_with_every_element_rss_requires(client, jobs):
    response = client.get("/feeds/jobs.rss")
    assert response.mimetype == "application/rss+xml"
    parsed = read(response)
    assert parsed.version == "rss20"
    channel = parsed.feed
    assert channel.title == "New children's social work jobs in London"
    assert channel.link == "http://localhost/jobs?sort=newest"
    assert channel.subtitle  # RSS's required channel <description>
    assert channel.language == "en-GB"
    assert [e.title for e in parsed.entries] == ["Senior practitioner, child protection — Croydon",
                                                 "Fostering social worker — Camden"]
    older = parsed.entries[1]
    assert older.link == job_url(jobs["older"])
    assert older.id == job_url(jobs["older"])
    assert older.published_parsed[:4] == (2026, 11, 1, 9)
    assert {tag.term for tag in older.tags} == {"Social worker", "Fostering", "Permanent"}
    # The advert as HTML, its text escaped.
    assert "<p>Support foster carers.</p>" in older.description
    assert "&lt;your&gt; best &amp; brightest" in older.description


def test_the_atom_feed_has_every_element_atom_requires(client, jobs):
    response = client.get("/feeds/jobs.atom")
    assert response.mimetype == "application/atom+xml"
    parsed = read(response)
    assert parsed.version == "atom10"
    assert parsed.feed.id.startswith("tag:") and parsed.feed.title and parsed.feed.updated_parsed
    assert {(link.rel, link.href) for link in parsed.feed.links} >= {
        ("self", "http://localhost/feeds/jobs.atom"), ("alternate", "http://localhost/jobs?sort=newest")}
    assert len(parsed.entries) == 2
    for entry in parsed.entries:
        assert entry.id and entry.title and entry.updated_parsed and entry.link.startswith("http://localhost/jobs/")
        assert entry.author in ("Camden", "Croydon")
        assert entry.summary.startswith(entry.author + ": £42,000 to £48,000 a year, closes ")
        assert entry.content[0].type == "text/html" and entry.content[0].value.startswith("<p>")


def test_a_council_feed_lists_only_that_councils_jobs(client, jobs):
    parsed = read(client.get("/feeds/councils/camden.atom"))
    assert parsed.feed.title == "New jobs at Camden"
    assert [e.link for e in parsed.entries] == [job_url(jobs["older"])]
    assert read(client.get("/feeds/councils/croydon.rss")).entries[0].link == job_url(jobs["newer"])
    missing = client.get("/feeds/councils/atlantis.rss")
    assert missing.status_code == 404


def test_a_search_feed_reads_the_same_query_string_as_the_jobs_page(client, jobs):
    parsed = read(client.get("/feeds/jobs.rss?role_level=senior_practitioner"))
    assert [e.link for e in parsed.entries] == [job_url(jobs["newer"])]
    assert parsed.feed.title == "New jobs: Role level: Senior practitioner"
    assert parsed.feed.link == "http://localhost/jobs?role_level=senior_practitioner"
    parsed = read(client.get("/feeds/jobs.atom?q=fostering&council=camden"))
    assert [e.link for e in parsed.entries] == [job_url(jobs["older"])]


@pytest.mark.parametrize(("query", "message"), [
    ("role_level=wizard", "‘wizard’ is not a role level you can filter by. Choose from the list."),
    ("salary=lots", "Minimum salary must be a whole number of pounds"),
    ("near=Atlantis", "Enter a London borough or postcode district, like Hackney or SE15"),
])
def test_a_search_feed_with_a_bad_query_string_says_what_is_wrong(client, jobs, query, message):
    response = client.get(f"/feeds/jobs.rss?{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert message in response.text


def test_feeds_are_cached_and_answer_a_conditional_get_with_304(client, jobs):
    first = client.get("/feeds/jobs.atom")
    assert first.cache_control.public and first.cache_control.max_age == 300
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get("/feeds/jobs.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get("/feeds/jobs.atom", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    jobs["older"].title = "Fostering social worker (re-advertised)"
    db.session.commit()
    changed = client.get("/feeds/jobs.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_the_aggregator_feed_has_every_element_an_aggregator_requires(client, jobs):
    response = client.get("/feeds/aggregator.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    source = etree.fromstring(response.data)
    assert source.tag == "source"
    assert source.findtext("publisher") == "Children's Social Work Jobs"
    assert source.findtext("publisherurl") == "http://localhost/"
    assert source.findtext("lastBuildDate")
    found = source.findall("job")
    assert len(found) == 2
    for job in found:
        for name in AGGREGATOR_JOB_ELEMENTS:
            assert job.find(name) is not None, f"<{name}> missing"
    older = next(job for job in found if job.findtext("url") == job_url(jobs["older"]))
    assert older.findtext("referencenumber") == f"cswjobs-{jobs['older'].id}"
    assert older.findtext("employerreference") == "CAM-1"
    assert older.findtext("company") == "Camden"
    assert (older.findtext("streetaddress"), older.findtext("postalcode")) == ("5 Pancras Square", "N1C 4AG")
    assert older.findtext("salary") == "£42,000 to £48,000 per year"
    assert older.findtext("jobtype") == "fulltime"
    assert older.findtext("expirationdate") == jobs["older"].closing_date.isoformat()
    assert "&lt;your&gt;" in older.findtext("description")


# --- a saved search's private feed link ------------------------------------------------------------------


@pytest.fixture
def saved(app, jobs):
    owner = CandidateFactory()
    search = SavedSearch(user=owner, name="Fostering in Camden", query="q=fostering&council=camden")
    db.session.add(search)
    db.session.commit()
    return search


def feed_links(client, saved) -> dict[str, str]:
    soup = page(client.get(f"/account/saved-searches/{saved.id}/feed").text)
    codes = [code.get_text() for code in soup.select("code.app-feed-link")]
    return {"atom": codes[0], "rss": codes[1]} if codes else {}


def test_a_saved_search_has_no_feed_link_until_its_owner_makes_one(client, saved):
    sign_in_as(client, saved.user)
    assert feed_links(client, saved) == {}
    response = client.post(f"/account/saved-searches/{saved.id}/feed", data={"action": "make"})
    assert response.status_code == 302
    links = feed_links(client, saved)
    assert links["atom"].startswith(f"http://localhost/feeds/saved-searches/{saved.id}/")
    db.session.refresh(saved)
    assert links["atom"].split("/")[-1].removesuffix(".atom") not in (saved.feed_key or "")  # the key is not the secret
    client.get("/account/sign-out")
    parsed = read(client.get(links["rss"].removeprefix("http://localhost")))
    assert parsed.feed.title == "New jobs: Fostering in Camden"
    assert len(parsed.entries) == 1 and "Fostering social worker" in parsed.entries[0].title
    private = client.get(links["atom"].removeprefix("http://localhost"))
    assert private.cache_control.private and not private.cache_control.public
    assert private.headers["X-Robots-Tag"] == "noindex"


def test_a_new_feed_link_stops_the_old_one_and_turning_it_off_stops_both(client, saved):
    sign_in_as(client, saved.user)
    client.post(f"/account/saved-searches/{saved.id}/feed", data={"action": "make"})
    first = feed_links(client, saved)["atom"].removeprefix("http://localhost")
    assert client.get(first).status_code == 200
    client.post(f"/account/saved-searches/{saved.id}/feed", data={"action": "make"})
    second = feed_links(client, saved)["atom"].removeprefix("http://localhost")
    assert second != first
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    response = client.post(f"/account/saved-searches/{saved.id}/feed", data={"action": "turn-off"})
    assert response.status_code == 302
    assert feed_links(client, saved) == {}
    assert client.get(second).status_code == 404


def test_an_altered_feed_link_opens_nothing(client, saved):
    sign_in_as(client, saved.user)
    client.post(f"/account/saved-searches/{saved.id}/feed", data={"action": "make"})
    link = feed_links(client, saved)["rss"].removeprefix("http://localhost")
    token = link.split("/")[-1].removesuffix(".rss")
    altered = link.replace(token, ("0" if token[0] != "0" else "1") + token[1:])
    assert client.get(altered).status_code == 404
    other = link.replace(f"/{saved.id}/", f"/{saved.id + 1}/")
    assert client.get(other).status_code == 404


def test_only_the_owner_can_see_or_change_a_feed_link(client, saved):
    sign_in_as(client, CandidateFactory())
    assert client.get(f"/account/saved-searches/{saved.id}/feed").status_code == 404
    assert client.post(f"/account/saved-searches/{saved.id}/feed", data={"action": "make"}).status_code == 404
    db.session.refresh(saved)
    assert saved.feed_key is None
    sign_in_as(client, UserFactory(role=UserRole.RECRUITER, organisation=saved.user.organisation))
    assert client.get(f"/account/saved-searches/{saved.id}/feed").status_code == 403


def test_an_unknown_feed_link_action_is_refused_and_changes_nothing(client, saved):
    sign_in_as(client, saved.user)
    response = client.post(f"/account/saved-searches/{saved.id}/feed", data={"action": "explode"})
    assert response.status_code == 400
    db.session.refresh(saved)
    assert saved.feed_key is None


def test_signed_out_the_feed_link_page_asks_you_to_sign_in(client, saved):
    response = client.get(f"/account/saved-searches/{saved.id}/feed")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_feed_link_page_heading(client, saved):
    sign_in_as(client, saved.user)
    soup = page(client.get(f"/account/saved-searches/{saved.id}/feed").text)
    assert text_of(soup, "h1") == "Follow ‘Fostering in Camden’ in a feed reader"


class TestRateLimit:
    @pytest.fixture
    def app_overrides(self):
        return {"RATELIMIT_ENABLED": True, "PUBLIC_READ_RATE_LIMIT": "3 per minute"}

    def test_feeds_are_rate_limited_per_client_address(self, client, jobs):
        for _ in range(3):
            assert client.get("/feeds/jobs.rss").status_code == 200
        limited = client.get("/feeds/councils/camden.atom")  # one bucket for every feed
        assert limited.status_code == 429
        assert limited.headers.get("Retry-After")
        other = client.get("/feeds/jobs.rss", environ_base={"REMOTE_ADDR": "192.0.2.7"})
        assert other.status_code == 200


def test_the_search_and_council_pages_point_to_their_feeds(client, jobs):
    soup = page(client.get("/jobs?role_level=senior_practitioner&page=1").text)
    alternates = {link["type"]: link["href"] for link in soup.select('head link[rel="alternate"]')}
    assert alternates == {"application/atom+xml": "/feeds/jobs.atom?role_level=senior_practitioner",
                          "application/rss+xml": "/feeds/jobs.rss?role_level=senior_practitioner"}
    assert [a["href"] for a in soup.select("#search-feeds a")] == list(alternates.values())
    # The link is a working feed of the same search.
    parsed = read(client.get(alternates["application/atom+xml"]))
    assert [e.link for e in parsed.entries] == [job_url(jobs["newer"])]
    council = page(client.get("/councils/camden").text)
    assert {link["href"] for link in council.select('head link[rel="alternate"]')} == {
        "/feeds/councils/camden.atom", "/feeds/councils/camden.rss"}
    assert [a["href"] for a in council.select("#council-feeds a")] == ["/feeds/councils/camden.atom",
                                                                      "/feeds/councils/camden.rss"]


def test_a_search_page_with_a_mistake_offers_no_feed(client, jobs):
    soup = page(client.get("/jobs?salary=lots").text)
    assert not soup.select('head link[rel="alternate"]') and not soup.select("#search-feeds")


def test_a_saved_search_links_to_its_feed_link_page(client, saved):
    sign_in_as(client, saved.user)
    soup = page(client.get(f"/account/saved-searches/{saved.id}/edit").text)
    assert soup.select_one("#feed-link")["href"] == f"/account/saved-searches/{saved.id}/feed"


def test_the_aggregator_feed_is_not_rebuilt_for_a_reader_who_has_it_until_a_job_changes(client, jobs):
    first = client.get("/feeds/aggregator.xml")
    assert first.cache_control.public and first.headers["ETag"]
    again = client.get("/feeds/aggregator.xml", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    jobs["newer"].status = VacancyStatus.CLOSED
    db.session.commit()
    changed = client.get("/feeds/aggregator.xml", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert [job.findtext("url") for job in etree.fromstring(changed.data).findall("job")] == [job_url(jobs["older"])]
    jobs["camden"].name = "London Borough of Camden"
    db.session.commit()
    renamed = client.get("/feeds/aggregator.xml", headers={"If-None-Match": changed.headers["ETag"]})
    assert renamed.status_code == 200 and etree.fromstring(renamed.data).findtext("job/company") == \
        "London Borough of Camden"


def test_a_feeds_own_address_names_the_site_not_the_host_a_caller_sent(client, jobs):
    parsed = read(client.get("/feeds/jobs.atom?council=camden", headers={"Host": "evil.example"}))
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links["self"] == "http://localhost/feeds/jobs.atom?council=camden"
    assert all("evil.example" not in entry.link for entry in parsed.entries)
