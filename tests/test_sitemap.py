"""What search engines read: /robots.txt, /sitemap.xml (live jobs with lastmod, councils, news;
an index of numbered files past the per-file limit), closed jobs leaving it, and the plain logo
a council's JobPosting points at when it has none of its own."""
from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from domain.vocabulary import VacancyStatus
from tests.factories import OrganisationFactory, RecruiterFactory, VacancyFactory
from tests.helpers import sign_in_as
from tests.pages import heading, links, page
from webapp.extensions import db
from webapp.models import NewsArticle, utcnow

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def parsed(response) -> etree._Element:
    assert response.status_code == 200, response.text
    assert response.mimetype == "application/xml"
    return etree.fromstring(response.data)


def locations(root: etree._Element) -> list[str]:
    return root.xpath("//s:loc/text()", namespaces=NS)


@pytest.fixture
def site(app):
    camden = OrganisationFactory(name="Camden", slug="camden")
    live = VacancyFactory(organisation=camden, title="Live job")
    closed = VacancyFactory(organisation=camden, title="Closed job", status=VacancyStatus.CLOSED)
    VacancyFactory(organisation=camden, title="Draft job", status=VacancyStatus.DRAFT)
    VacancyFactory(organisation=camden, title="Expired job", closing_date=dt.date.today() - dt.timedelta(days=1))
    db.session.add_all([
        NewsArticle(title="Pay rises", slug="pay-rises", body="...", published_at=dt.datetime(2026, 10, 1, 8)),
        NewsArticle(title="Coming soon", slug="coming-soon", body="...",
                    published_at=dt.datetime.now() + dt.timedelta(days=3)),
        NewsArticle(title="Draft", slug="draft-news", body="...", published_at=None),
    ])
    db.session.commit()
    return {"camden": camden, "live": live, "closed": closed}


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_private_areas(client, app):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    disallowed = {line.split(": ", 1)[1] for line in lines if line.startswith("Disallow: ")}
    assert {"/account/", "/recruit/", "/admin/", "/insights/", "/feeds/saved-searches/", "/jobs?"} <= disallowed
    assert "Allow: /" in lines


def test_the_sitemap_lists_live_jobs_councils_and_published_news_with_lastmod(client, site):
    root = parsed(client.get("/sitemap.xml"))
    assert root.tag == f"{{{NS['s']}}}urlset"
    urls = locations(root)
    live = f"http://localhost/jobs/{site['live'].id}-{site['live'].slug}"
    assert urls == ["http://localhost/", "http://localhost/jobs", "http://localhost/councils", "http://localhost/news",
                    "http://localhost/councils/camden", "http://localhost/news/pay-rises", live]
    lastmod = root.xpath("//s:url[s:loc=$loc]/s:lastmod/text()", loc=live, namespaces=NS)
    assert dt.datetime.fromisoformat(lastmod[0]) == site["live"].updated_at.replace(microsecond=0, tzinfo=dt.UTC)
    news_lastmod = root.xpath("//s:url[s:loc=$loc]/s:lastmod/text()", loc="http://localhost/news/pay-rises",
                              namespaces=NS)
    assert news_lastmod == ["2026-10-01T08:00:00+00:00"]


def test_a_closed_job_leaves_the_sitemap_and_its_page_answers_410(client, site):
    live_url = f"http://localhost/jobs/{site['live'].id}-{site['live'].slug}"
    assert live_url in locations(parsed(client.get("/sitemap.xml")))
    site["live"].status = VacancyStatus.CLOSED
    db.session.commit()
    assert live_url not in locations(parsed(client.get("/sitemap.xml")))
    response = client.get(live_url.removeprefix("http://localhost"))
    assert response.status_code == 410


def test_a_job_removed_by_its_council_is_gone_with_a_helpful_page_but_stays_in_the_recruiters_area(client, site):
    job = site["live"]
    job.status, job.closed_at, job.deleted_at = VacancyStatus.CLOSED, utcnow(), utcnow()
    db.session.commit()
    response = client.get(f"/jobs/{job.id}-{job.slug}")
    assert response.status_code == 410
    soup = page(response)
    assert heading(soup) == "This job has closed"
    assert dict(links(soup, "main ul.govuk-list a")) == {
        "Find similar jobs: social worker, child protection": "/jobs?role_level=social_worker&service_area=child_protection",
        "Find other child protection jobs": "/jobs?service_area=child_protection",
        "See Camden’s open jobs": "/councils/camden",
        "Back to search": "/jobs",
    }
    assert f"http://localhost/jobs/{job.id}-{job.slug}" not in locations(parsed(client.get("/sitemap.xml")))
    sign_in_as(client, RecruiterFactory(organisation=site["camden"]))
    assert client.get(f"/recruit/vacancies/{job.id}").status_code == 200


def test_a_draft_removed_before_it_was_ever_published_is_simply_not_found(client, site):
    draft = VacancyFactory(organisation=site["camden"], status=VacancyStatus.CLOSED, published_at=None,
                           closed_at=utcnow(), deleted_at=utcnow())
    db.session.commit()
    assert client.get(f"/jobs/{draft.id}-{draft.slug}").status_code == 404


class TestSplitSitemap:
    @pytest.fixture
    def app_overrides(self):
        return {"SITEMAP_URLS_PER_FILE": 3}

    def test_past_the_limit_the_sitemap_becomes_an_index_of_files_that_hold_every_address(self, client, site):
        root = parsed(client.get("/sitemap.xml"))
        assert root.tag == f"{{{NS['s']}}}sitemapindex"
        files = locations(root)
        assert files == ["http://localhost/sitemaps/1.xml", "http://localhost/sitemaps/2.xml",
                         "http://localhost/sitemaps/3.xml"]
        every = []
        for url in files:
            part = parsed(client.get(url.removeprefix("http://localhost")))
            assert part.tag == f"{{{NS['s']}}}urlset"
            assert len(locations(part)) <= 3
            every += locations(part)
        assert len(every) == 7 and len(set(every)) == 7
        assert every[-1] == f"http://localhost/jobs/{site['live'].id}-{site['live'].slug}"
        assert client.get("/sitemaps/4.xml").status_code == 404
        assert client.get("/sitemaps/0.xml").status_code == 404


def test_numbered_sitemap_files_exist_only_when_the_sitemap_is_split(client, site):
    assert client.get("/sitemaps/1.xml").status_code == 404


def test_the_sitemap_is_cached_and_answers_a_conditional_get(client, site):
    first = client.get("/sitemap.xml")
    assert first.cache_control.public and first.cache_control.max_age == 300
    assert client.get("/sitemap.xml", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_a_council_without_a_logo_gets_a_plain_one_with_its_initials(client, site):
    OrganisationFactory(name="Barking and Dagenham", slug="barking-and-dagenham")
    db.session.commit()
    response = client.get("/councils/barking-and-dagenham/logo.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = etree.fromstring(response.data)
    assert svg.get("width") == "240" and svg.get("aria-label") == "Barking and Dagenham"
    assert svg.findtext("{http://www.w3.org/2000/svg}text") == "BD"
    assert etree.fromstring(client.get("/councils/camden/logo.svg").data).findtext(
        "{http://www.w3.org/2000/svg}text") == "Ca"
    assert client.get("/councils/atlantis/logo.svg").status_code == 404


def test_the_sitemap_is_not_rebuilt_for_a_reader_who_has_it_until_something_listed_changes(client, site):
    first = client.get("/sitemap.xml")
    again = client.get("/sitemap.xml", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
    site["live"].title = "Live job, re-advertised"
    db.session.commit()
    changed = client.get("/sitemap.xml", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    db.session.add(NewsArticle(title="New hubs", slug="new-hubs", body="...", published_at=dt.datetime(2026, 11, 2)))
    db.session.commit()
    assert client.get("/sitemap.xml", headers={"If-None-Match": changed.headers["ETag"]}).status_code == 200
