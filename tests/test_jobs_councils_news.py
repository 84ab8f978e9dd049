"""Councils (list by sub-region, a council's page with its offer, jobs and Follow button) and news."""
from __future__ import annotations

import datetime as dt

import pytest

from domain.vocabulary import OfstedRating, SubRegion, VacancyStatus
from tests import helpers
from tests.factories import CandidateFactory, OrganisationFactory, RecruiterFactory, VacancyFactory
from tests.pages import heading, links, normalised, page, summary_list, text_of, texts
from webapp.extensions import db
from webapp.models import Follow, NewsArticle, utcnow


def sign_in_as(client, user) -> None:
    with client.application.test_request_context(environ_base=client.environ_base):
        helpers.sign_in_as(client, user)


@pytest.fixture
def councils(app):
    camden = OrganisationFactory(name="Camden", slug="camden", sub_region=SubRegion.NORTH,
                                 about="Small teams and reflective practice.\n\nOffices in King's Cross.",
                                 ofsted_rating=OfstedRating.GOOD, ofsted_inspected_on=dt.date(2024, 3, 1),
                                 offer_pay="Pay on a published framework.", offer_caseload="Caseloads of 15.",
                                 website="javascript:alert(1)")
    hackney = OrganisationFactory(name="Hackney", slug="hackney", sub_region=SubRegion.NORTH)
    croydon = OrganisationFactory(name="Croydon", slug="croydon", sub_region=SubRegion.SOUTH)
    VacancyFactory(organisation=camden, title="Camden live one")
    VacancyFactory(organisation=camden, title="Camden live two")
    VacancyFactory(organisation=camden, title="Camden draft", status=VacancyStatus.DRAFT)
    VacancyFactory(organisation=camden, title="Camden expired", closing_date=dt.date.today() - dt.timedelta(days=2))
    VacancyFactory(organisation=croydon, title="Croydon live")
    db.session.commit()
    return camden, hackney, croydon


def test_councils_are_grouped_by_sub_region_with_live_job_counts(client, councils):
    soup = page(client.get("/councils"))
    # each sub-region's heading (with its total), then its councils and their live jobs, in page order
    groups = [(normalised(h2.get_text(" ")), texts(h2.find_next_sibling("ul"), "li"))
              for h2 in soup.select("main h2.govuk-heading-m")]
    assert groups == [("North London 2 open jobs", ["Camden – 2 open jobs", "Hackney – 0 open jobs"]),
                      ("South London 1 open job", ["Croydon – 1 open job"])]  # and no East London: nobody there
    assert ("Camden", "/councils/camden") in links(soup, "main li a")


def test_a_council_page_shows_its_offer_rating_and_live_jobs(client, councils):
    response = client.get("/councils/camden")
    assert response.status_code == 200
    html = response.text
    soup = page(html)
    assert heading(soup) == "Camden"
    assert texts(soup, "main h2:-soup-contains('About Camden') ~ p")[:2] == [
        "Small teams and reflective practice.", "Offices in King's Cross."]
    assert summary_list(soup)["Ofsted rating"] == "Good (inspected 1 March 2024)"
    offer = summary_list(soup.select("main .govuk-summary-list")[1])
    assert "Pay on a published framework." in offer.values() and "Caseloads of 15." in offer.values()
    assert "Open jobs (2)" in texts(soup, "main h2")
    jobs = [text for text, _ in links(soup, "main h3 a")]
    assert sorted(jobs) == ["Camden live one", "Camden live two"]  # not the draft, the expired or Croydon's
    assert "Website" not in summary_list(soup)  # a bad website address is never made a link ...
    assert "javascript:" not in html  # ... nor written anywhere


def test_a_visitor_sees_a_follow_button_that_posts_to_the_account_blueprint(client, councils):
    [form] = page(client.get("/councils/camden")).select("main form")
    assert (form["action"], form["method"]) == ("/councils/camden/follow", "post")
    assert form.find(attrs={"name": "next"})["value"] == "/councils/camden"
    assert texts(form, "button") == ["Follow Camden"]


def test_a_follower_sees_unfollow(client, councils):
    candidate = CandidateFactory()
    db.session.add(Follow(user_id=candidate.id, organisation_id=councils[0].id))
    db.session.commit()
    sign_in_as(client, candidate)
    [form] = page(client.get("/councils/camden")).select("main form")
    assert form["action"] == "/councils/camden/unfollow"
    assert texts(form, "p") == ["You follow Camden."] and texts(form, "button") == ["Unfollow"]


def test_a_recruiter_gets_no_follow_button(client, councils):
    recruiter = RecruiterFactory(organisation=councils[1])
    db.session.commit()
    sign_in_as(client, recruiter)
    soup = page(client.get("/councils/camden"))
    assert heading(soup) == "Camden"  # the page is there ...
    assert soup.select("main form") == [] and "Follow Camden" not in texts(soup, "button")  # ... with no follow


def test_an_unknown_council_is_not_found(client, councils):
    assert client.get("/councils/atlantis").status_code == 404


# --- news ---------------------------------------------------------------------------------------

@pytest.fixture
def articles(app):
    now = utcnow()
    published = [
        NewsArticle(title=f"Article {i}", slug=f"article-{i}", summary=f"Summary {i}",
                    body=f"First paragraph {i}.\n\n<script>alert({i})</script>",
                    published_at=now - dt.timedelta(days=i + 1))
        for i in range(12)
    ]
    draft = NewsArticle(title="Unpublished", slug="unpublished", body="Not yet", published_at=None)
    scheduled = NewsArticle(title="Scheduled", slug="scheduled", body="Tomorrow", published_at=now + dt.timedelta(days=1))
    db.session.add_all([*published, draft, scheduled])
    db.session.commit()
    return published


def test_news_lists_only_published_articles_newest_first_in_pages(client, articles):
    # ("Article 1" is in "Article 10": substrings could not tell the pages apart)
    first = page(client.get("/news"))
    assert texts(first, "main h2 a") == [f"Article {i}" for i in range(10)]  # newest first
    assert ("Next", "/news?page=2") in [(text.split(" ")[0], href) for text, href in
                                         links(first, ".govuk-pagination a")]
    second = page(client.get("/news?page=2"))
    assert texts(second, "main h2 a") == ["Article 10", "Article 11"]  # not the draft or the scheduled one


def test_a_news_article_is_text_never_html(client, articles):
    response = client.get("/news/article-0")
    assert response.status_code == 200
    soup = page(response)
    assert heading(soup) == "Article 0"
    assert texts(soup, "main p.govuk-body")[-2:] == ["First paragraph 0.", "<script>alert(0)</script>"]
    assert "<script>alert(0)</script>" not in response.text  # shown as text, never run


@pytest.mark.parametrize("slug", ["unpublished", "scheduled", "no-such-article"])
def test_unpublished_or_unknown_articles_are_not_found(client, articles, slug):
    assert client.get(f"/news/{slug}").status_code == 404


@pytest.mark.parametrize(("query", "status", "message"), [
    ("page=abc", 400, "Page must be a whole number"),
    ("page=0", 400, "Page must be a whole number"),
    ("page=9", 404, "There is no page 9"),
])
def test_bad_news_pages_get_a_message(client, articles, query, status, message):
    response = client.get(f"/news?{query}")
    assert response.status_code == status and message in text_of(page(response), "main [data-error-detail]")
