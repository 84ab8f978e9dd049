"""Councils (list by sub-region, a council's page with its offer, jobs and Follow button) and news."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from domain.vocabulary import OfstedRating, SubRegion, VacancyStatus
from tests import helpers
from tests.factories import CandidateFactory, OrganisationFactory, RecruiterFactory, VacancyFactory
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
    html = client.get("/councils").text
    north, south = html.index("North London"), html.index("South London")
    assert north < html.index("Camden") < html.index("Hackney") < south < html.index("Croydon")
    assert re.search(r'href="/councils/camden">Camden</a>\s*<span class="app-count">– 2 open jobs', html)
    assert re.search(r'href="/councils/hackney">Hackney</a>\s*<span class="app-count">– 0 open jobs', html)
    assert "East London" not in html  # no councils there in this test


def test_a_council_page_shows_its_offer_rating_and_live_jobs(client, councils):
    response = client.get("/councils/camden")
    assert response.status_code == 200
    html = response.text
    for text in ("Small teams and reflective practice.", "Good (inspected 1 March 2024)",
                 "Pay on a published framework.", "Caseloads of 15.", "Camden live one", "Camden live two",
                 "Open jobs (2)"):
        assert text in html, text
    assert "Camden draft" not in html and "Camden expired" not in html
    assert "javascript:" not in html  # a bad website address is never made a link


def test_a_visitor_sees_a_follow_button_that_posts_to_the_account_blueprint(client, councils):
    html = client.get("/councils/camden").text
    assert 'action="/councils/camden/follow"' in html and 'method="post"' in html
    assert 'name="next" value="/councils/camden"' in html
    assert "Follow Camden" in html


def test_a_follower_sees_unfollow(client, councils):
    candidate = CandidateFactory()
    db.session.add(Follow(user_id=candidate.id, organisation_id=councils[0].id))
    db.session.commit()
    sign_in_as(client, candidate)
    html = client.get("/councils/camden").text
    assert 'action="/councils/camden/unfollow"' in html and "You follow Camden." in html


def test_a_recruiter_gets_no_follow_button(client, councils):
    recruiter = RecruiterFactory(organisation=councils[1])
    db.session.commit()
    sign_in_as(client, recruiter)
    assert "/follow" not in client.get("/councils/camden").text


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
    first = client.get("/news").text
    assert first.index("Article 0") < first.index("Article 9")
    assert "Article 10" not in first and "Unpublished" not in first and "Scheduled" not in first
    assert 'class="govuk-pagination' in first
    second = client.get("/news?page=2").text
    assert "Article 10" in second and "Article 11" in second


def test_a_news_article_is_text_never_html(client, articles):
    response = client.get("/news/article-0")
    assert response.status_code == 200
    assert '<p class="govuk-body">First paragraph 0.</p>' in response.text
    assert "<script>alert(0)</script>" not in response.text and "&lt;script&gt;alert(0)" in response.text


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
    assert response.status_code == status and message in response.text
