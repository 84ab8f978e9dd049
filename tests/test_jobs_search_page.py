"""/jobs and the home page: results with highlights and facet counts, filters from the query
string, pages, and every kind of bad query string answered with a 4xx and a message."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import sqlalchemy as sa
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from domain.geography import BOROUGHS_BY_SLUG
from domain.vocabulary import ContractType, ServiceArea, SubRegion, VacancyStatus
from tests.factories import OrganisationFactory, RecruiterFactory, VacancyFactory
from tests.pages import error_summary, links, normalised, page, text_of, texts
from webapp.extensions import db
from webapp.forms.jobs import JobSearchForm
from webapp.models import FunnelEvent
from webapp.services import featured


@pytest.fixture
def app_overrides():
    return {"JOBS_PER_PAGE": 3}


@pytest.fixture
def councils(app):
    camden = OrganisationFactory(name="Camden", slug="camden", sub_region=SubRegion.NORTH)
    croydon = OrganisationFactory(name="Croydon", slug="croydon", sub_region=SubRegion.SOUTH,
                                  latitude=BOROUGHS_BY_SLUG["croydon"].latitude,
                                  longitude=BOROUGHS_BY_SLUG["croydon"].longitude)
    return camden, croydon


def result_titles(html: str) -> list[str]:
    """The job titles in the results list, each a heading link to its job page, in order."""
    found = links(page(html), "ul.app-vacancy-list > li h2 a")
    # Each carries the search it came from (?search=), so the job page can link back to it.
    assert all(re.fullmatch(r"/jobs/\d+-[a-z0-9-]+(\?search=[^#\s]+)?", href) for _, href in found), found
    return [title for title, _ in found]


def result_count(html: str) -> str:
    """What the results heading says: "2 jobs", "1 job for ‘fostering’"."""
    return text_of(page(html), '#results h2[role="status"]')


def facet_labels(html: str, name: str) -> list[str]:
    """The checkbox labels of one facet, each with its count: ["Fostering (2)", ...]."""
    soup = page(html)
    return [text_of(soup, f'label[for="{box["id"]}"]') for box in soup.select(f'input[name="{name}"]')]


def chosen_filters(html: str) -> list[tuple[str, str]]:
    """Each chosen filter's words and the address that removes it."""
    soup = page(html)
    return [(normalised(tag.get_text()).removeprefix("Remove filter: "), tag["href"])
            for tag in soup.select("#results .app-chosen-filters a.app-filter-tag")]


def test_search_lists_only_live_jobs(client, councils):
    camden, _ = councils
    VacancyFactory(organisation=camden, title="Live fostering job")
    VacancyFactory(organisation=camden, title="Draft fostering job", status=VacancyStatus.DRAFT)
    VacancyFactory(organisation=camden, title="Closed fostering job", status=VacancyStatus.CLOSED)
    VacancyFactory(organisation=camden, title="Expired fostering job",
                   closing_date=dt.date.today() - dt.timedelta(days=1))
    db.session.commit()
    response = client.get("/jobs?q=fostering")
    assert response.status_code == 200
    assert result_titles(response.text) == ["Live fostering job"]
    assert result_count(response.text) == "1 job for ‘fostering’"


def test_keywords_are_highlighted_and_job_text_is_escaped(client, councils):
    VacancyFactory(organisation=councils[0], title="Fostering <script>alert(1)</script> worker",
                   description="Support <img src=x onerror=alert(1)> fostering families.")
    db.session.commit()
    html = client.get("/jobs?q=fostering").text
    title = page(html).select_one("ul.app-vacancy-list h2 a")
    assert title.decode_contents().strip() == "<mark>Fostering</mark> &lt;script&gt;alert(1)&lt;/script&gt; worker"
    assert [mark.get_text() for mark in title.find_all("mark")] == ["Fostering"]
    assert "<script>alert(1)" not in html and "<img src=x" not in html


def test_filters_show_counts_that_respect_the_other_filters(client, councils):
    camden, croydon = councils
    VacancyFactory(organisation=camden, service_area=ServiceArea.FOSTERING)
    VacancyFactory(organisation=camden, service_area=ServiceArea.FOSTERING)
    VacancyFactory(organisation=camden, service_area=ServiceArea.ADOPTION)
    VacancyFactory(organisation=croydon, service_area=ServiceArea.FOSTERING)
    db.session.commit()
    html = client.get("/jobs?service_area=fostering&council=camden").text
    assert result_count(html) == "2 jobs"
    # Ticking adoption too would add 1; Croydon would add its 1 fostering job.
    assert {"Fostering (2)", "Adoption (1)"} <= set(facet_labels(html, "service_area"))
    assert {"Camden (2)", "Croydon (1)"} <= set(facet_labels(html, "council"))
    ticked = [box["value"] for box in page(html).select('input[name="service_area"][checked]')]
    assert ticked == ["fostering"]


def test_a_filter_narrows_the_results(client, councils):
    camden, croydon = councils
    VacancyFactory(organisation=camden, title="Permanent post", contract_type=ContractType.PERMANENT)
    VacancyFactory(organisation=croydon, title="Locum post", contract_type=ContractType.LOCUM)
    db.session.commit()
    assert result_titles(client.get("/jobs?contract_type=locum").text) == ["Locum post"]
    assert result_titles(client.get("/jobs?sub_region=north").text) == ["Permanent post"]
    assert result_titles(client.get("/jobs?near=croydon&miles=3").text) == ["Locum post"]


def test_distance_is_measured_from_a_borough_name_or_a_postcode_district(client, councils):
    camden, croydon = councils
    VacancyFactory(organisation=camden, title="Permanent post")
    VacancyFactory(organisation=croydon, title="Locum post")
    db.session.commit()
    assert result_titles(client.get("/jobs?near=CR0+1NX&miles=3").text) == ["Locum post"]  # a whole postcode
    assert result_titles(client.get("/jobs?near=nw1&miles=2").text) == ["Permanent post"]
    assert [label for label, _ in chosen_filters(client.get("/jobs?near=Croydon&miles=5").text)] == [
        "Within 5 miles of Croydon"]
    assert [label for label, _ in chosen_filters(client.get("/jobs?near=wc1&miles=2").text)] == [
        "Within 2 miles of WC1 (Bloomsbury)"]


def test_chosen_filters_can_each_be_removed(client, councils):
    VacancyFactory(organisation=councils[0])
    db.session.commit()
    html = client.get("/jobs?q=social&council=camden&salary=30000").text
    chosen = dict(chosen_filters(html))
    assert set(chosen) == {"Council: Camden", "Salary at least £30,000"}
    assert chosen["Council: Camden"] == "/jobs?q=social&salary=30000"  # removes the council, keeps the rest
    assert chosen["Salary at least £30,000"] == "/jobs?q=social&council=camden"


def test_sort_by_salary(client, councils):
    VacancyFactory(organisation=councils[0], title="Lower paid", salary_min=40_000, salary_max=42_000)
    VacancyFactory(organisation=councils[0], title="Higher paid", salary_min=50_000, salary_max=55_000)
    db.session.commit()
    assert result_titles(client.get("/jobs?sort=salary").text) == ["Higher paid", "Lower paid"]


def test_results_are_paged_with_govuk_pagination(client, councils):
    for i in range(7):
        VacancyFactory(organisation=councils[0], published_at=dt.datetime(2026, 11, 1) + dt.timedelta(hours=i))
    db.session.commit()
    first = client.get("/jobs?sort=newest").text
    third = client.get("/jobs?sort=newest&page=3").text
    assert len(result_titles(first)) == 3 and len(result_titles(third)) == 1
    assert links(page(first), ".govuk-pagination__next a") == [("Next page", "/jobs?sort=newest&page=2")]
    assert result_count(first) == "7 jobs" == result_count(third)


def test_a_page_after_the_last_is_not_found_with_a_way_back(client, councils):
    VacancyFactory(organisation=councils[0])
    db.session.commit()
    response = client.get("/jobs?page=4")
    assert response.status_code == 404
    soup = page(response)
    assert error_summary(soup) == ["There is no page 4 for this search: the results end at page 1."]
    assert ("Go to page 1", "/jobs?page=1") in links(soup, "#results a")


def test_an_empty_search_is_fine_on_page_one(client, councils):
    response = client.get("/jobs?q=astronaut")
    assert response.status_code == 200
    assert result_count(response.text) == "0 jobs for ‘astronaut’"
    assert result_titles(response.text) == []
    assert "No jobs match your search. Try:" in texts(page(response), "#results p")


def test_a_misspelling_is_corrected_and_the_page_says_so(client, councils):
    VacancyFactory(organisation=councils[0], title="Adoption social worker")
    db.session.commit()
    html = client.get("/jobs?q=adopton").text
    assert result_titles(html) == ["Adoption social worker"]
    assert "No jobs matched ‘adopton’ exactly. Showing results for ‘adoption’." in texts(page(html), "#results p")


@pytest.mark.parametrize(
    ("query_string", "message"),
    [
        ("page=abc", "Page must be a whole number from 1 to 500"),
        ("page=0", "Page must be a whole number from 1 to 500"),
        ("page=-1", "Page must be a whole number from 1 to 500"),
        ("sort=cheapest", "Sort by most relevant, newest, highest salary, closing soonest or nearest first"),
        ("salary=-5", "Minimum salary must be a whole number of pounds"),
        ("salary=lots", "Minimum salary must be a whole number of pounds"),
        ("max_caseload=0", "Maximum caseload must be a number of children from 1 to 100"),
        ("q=" + "a" * 201, "Search words must be 200 characters or fewer"),
        ("council=atlantis", "‘atlantis’ is not a council you can filter by"),
        ("role_level=wizard", "‘wizard’ is not a role level you can filter by"),
        ("service_area=astronomy", "‘astronomy’ is not a service area you can filter by"),
        ("sub_region=moon", "is not a part of london you can filter by"),
        ("protected_nqsw=maybe", "can only be ticked or not ticked"),
        ("near=mars", "Enter a London borough or postcode district, like Hackney or SE15"),
        ("near=camden&miles=7", "Choose a distance from the list"),
        ("closing_after=2026-13-45", "must be a date like 2026-12-31"),
    ],
)
def test_a_bad_query_string_gets_a_400_and_says_what_is_wrong(client, councils, query_string, message):
    response = client.get(f"/jobs?{query_string}")
    assert response.status_code == 400
    soup = page(response)
    assert text_of(soup, ".govuk-error-summary__title") == "There is a problem"
    [summary_message] = error_summary(soup)
    assert message in summary_message


def test_an_oversized_query_string_value_is_not_echoed_as_html(client, councils):
    response = client.get("/jobs?council=%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.text


def test_unknown_parameters_such_as_tracking_tags_are_ignored(client, councils):
    assert client.get("/jobs?utm_source=newsletter&q=social").status_code == 200


def test_suggest_returns_titles_as_json(client, councils):
    VacancyFactory(organisation=councils[0], title="Fostering social worker")
    db.session.commit()
    assert client.get("/jobs/suggest?q=fost").json == {"suggestions": ["Fostering social worker"]}
    assert client.get("/jobs/suggest?q=" + "x" * 101).status_code == 400


def test_home_page_has_a_search_box_counts_and_the_latest_jobs(client, councils):
    VacancyFactory(organisation=councils[0], title="Newest job", published_at=dt.datetime(2026, 11, 20))
    VacancyFactory(organisation=councils[1], title="Older job", published_at=dt.datetime(2026, 11, 1))
    VacancyFactory(organisation=councils[1], title="Draft job", status=VacancyStatus.DRAFT)
    db.session.commit()
    soup = page(client.get("/"))
    search = soup.select_one('main form[role="search"]')
    assert search["action"] == "/jobs" and search.select_one('input[name="q"]') is not None
    assert text_of(soup, "main p.govuk-body-l") == "2 jobs open now across 2 councils, in one place."
    assert texts(soup, "ul.app-vacancy-list h2 a") == ["Newest job", "Older job"]
    assert "/councils" in [href for _, href in links(soup, "main a")]
    assert "/jobs?sub_region=north" in [href for _, href in links(soup, "main a")]


def test_search_being_down_is_a_503_with_a_message_not_a_500(client, councils, monkeypatch):
    from webapp.search import SearchUnavailable, get_engine

    def down(query):
        raise SearchUnavailable("Elasticsearch at http://x cannot be reached")

    monkeypatch.setattr(get_engine(), "search", down)
    response = client.get("/jobs?q=fostering")
    assert response.status_code == 503
    assert error_summary(page(response)) == ["Search is not working at the moment. Try again in a few minutes."]
    assert "Elasticsearch" not in response.text  # no internals shown


# --- issue 13: removing filters, distance, nearest first, date posted ---------------------------

EVERY_FILTER = ("q=social&council=camden&council=croydon&service_area=fostering&salary=30000&max_caseload=20"
                "&protected_nqsw=y&funded_development=y&near=Camden&miles=15&closing_after=2020-01-01&sort=newest")


def total(html: str) -> int:
    return int(result_count(html).split()[0].replace(",", ""))


def test_every_remove_link_removes_exactly_what_it_names_and_never_narrows(client, councils):
    camden, croydon = councils
    for council in (camden, croydon):
        VacancyFactory(organisation=council, title="Social worker", service_area=ServiceArea.FOSTERING,
                       salary_min=35_000, salary_max=40_000, caseload_max=18, protected_caseload_nqsw=True,
                       funded_development=True)
    VacancyFactory(organisation=croydon, title="Social worker elsewhere")  # matches fewer filters
    db.session.commit()
    html = client.get(f"/jobs?{EVERY_FILTER}").text
    before = total(html)
    given = sorted(parse_qsl(EVERY_FILTER))
    removed = {}
    for label, url in chosen_filters(html):
        path, _, query = url.partition("?")
        assert path == "/jobs"
        left = sorted(parse_qsl(query))
        assert set(left) < set(given), label  # only takes away
        removed[label] = sorted(set(given) - set(left))
        if not label.startswith("Council: "):
            # Removing a filter never narrows. (Unticking one of two councils does: boxes in one
            # group widen each other, so it removes that box and only that box.)
            assert total(client.get(url).text) >= before, label
    assert removed == {
        "Council: Camden": [("council", "camden")],
        "Council: Croydon": [("council", "croydon")],
        "Service area: Fostering": [("service_area", "fostering")],
        "Salary at least £30,000": [("salary", "30000")],
        "Caseload at most 20 children": [("max_caseload", "20")],
        "Protected NQSW caseload": [("protected_nqsw", "y")],
        "Funded development": [("funded_development", "y")],
        # The place as typed ("Camden", chosen as "camden") and its radius go together.
        "Within 15 miles of Camden": [("miles", "15"), ("near", "Camden")],
        "Closing on or after 1 January 2020": [("closing_after", "2020-01-01")],
    }


def test_removing_the_distance_widens_the_results(client, councils):
    camden, croydon = councils
    VacancyFactory(organisation=camden, title="Camden post")
    VacancyFactory(organisation=croydon, title="Croydon post")
    db.session.commit()
    html = client.get("/jobs?near=Camden&miles=10").text  # Croydon is about 11 miles from Camden
    assert result_titles(html) == ["Camden post"]
    [(label, url)] = chosen_filters(html)
    assert label == "Within 10 miles of Camden" and url == "/jobs"
    assert sorted(result_titles(client.get(url).text)) == ["Camden post", "Croydon post"]


def test_results_near_a_place_show_how_far_away_and_sort_nearest_first(client, councils):
    camden, croydon = councils
    VacancyFactory(organisation=croydon, title="Croydon post", published_at=dt.datetime(2026, 11, 20, 9))
    VacancyFactory(organisation=camden, title="Camden post", published_at=dt.datetime(2026, 11, 1, 9))
    db.session.commit()
    html = client.get("/jobs?near=croydon&miles=15&sort=nearest").text
    assert result_titles(html) == ["Croydon post", "Camden post"]
    assert texts(page(html), ".app-distance") == ["less than 0.1 miles away", "11 miles away"]
    assert result_titles(client.get("/jobs?near=camden&miles=15&sort=nearest").text) == ["Camden post", "Croydon post"]
    # Without a place nothing is measured, and "nearest first" reads as newest.
    html = client.get("/jobs?sort=nearest").text
    assert result_titles(html) == ["Croydon post", "Camden post"] and not page(html).select(".app-distance")


def test_each_result_says_when_it_was_posted(client, councils):
    today = dt.date.today()
    VacancyFactory(organisation=councils[0], title="New", published_at=dt.datetime.combine(today, dt.time(12)))
    VacancyFactory(organisation=councils[0], title="Recent",
                   published_at=dt.datetime.combine(today - dt.timedelta(days=3), dt.time(12)))
    VacancyFactory(organisation=councils[0], title="Old", published_at=dt.datetime(2026, 1, 5, 12))
    db.session.commit()
    soup = page(client.get("/jobs?sort=newest").text)
    posted = [normalised(dd.get_text()) for dd in soup.select(".app-vacancy-list__meta dt + dd")
              if dd.find_previous_sibling("dt").get_text() == "Posted"]
    assert posted == ["today", "3 days ago", "5 January 2026"]


def test_highlighting_is_a_mark_the_page_styles_apart_from_focus(client, councils):
    VacancyFactory(organisation=councils[0], title="Fostering social worker")
    db.session.commit()
    soup = page(client.get("/jobs?q=fostering").text)
    assert [m.get_text() for m in soup.select("ul.app-vacancy-list h2 a.app-highlight mark")] == ["Fostering"]
    css = (Path(__file__).parents[1] / "frontend" / "scss" / "_components.scss").read_text()
    rule = css.split(".app-highlight mark, mark.app-highlight {")[1].split("}")[0]
    assert "yellow" not in rule and "#ffdd00" not in rule.lower() and "font-weight: bold" in rule


# --- issue 15: a signed-out search page is drawn once and kept until the jobs change -------------

def test_a_kept_search_page_follows_every_change_to_the_jobs(client, councils):
    camden, _ = councils
    first = VacancyFactory(organisation=camden, title="Fostering social worker")
    db.session.commit()
    assert result_titles(client.get("/jobs?q=fostering").text) == ["Fostering social worker"]
    second = VacancyFactory(organisation=camden, title="Fostering team manager", salary_min=50000, salary_max=60000)
    db.session.commit()
    assert sorted(result_titles(client.get("/jobs?q=fostering").text)) == ["Fostering social worker",
                                                                          "Fostering team manager"]
    featured.feature_vacancy(second, dt.date.today(), dt.date.today() + dt.timedelta(days=3),
                             RecruiterFactory(organisation=camden))
    db.session.commit()
    soup = page(client.get("/jobs?q=fostering").text)
    assert texts(soup, ".app-vacancy-list__item--featured h2") == ["Fostering team manager"]
    first.closing_date = dt.date.today() - dt.timedelta(days=1)
    db.session.commit()
    assert result_titles(client.get("/jobs?q=fostering").text) == ["Fostering team manager"]
    camden.name = "London Borough of Camden"
    db.session.commit()
    assert "London Borough of Camden" in texts(page(client.get("/jobs?q=fostering").text), ".app-vacancy-list p")


def test_every_signed_out_search_counts_in_the_funnel_even_when_its_page_is_kept(app, councils):
    camden, _ = councils
    for n in range(4):
        VacancyFactory(organisation=camden, title=f"Fostering social worker {n}")
    db.session.commit()
    for browser in (app.test_client(), app.test_client()):
        for _ in range(2):
            assert browser.get("/jobs?q=fostering").status_code == 200
        assert browser.get("/jobs?q=fostering&page=2").status_code == 200  # paging is not another search
    searches = db.session.scalars(sa.select(FunnelEvent.visitor_id).where(FunnelEvent.kind == "search")).all()
    assert len(searches) == 4 and len(set(searches)) == 2


def markup(html: str) -> str:
    """HTML with the whitespace between and inside tags' text made single spaces."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", " ".join(str(html).split()))


@pytest.mark.parametrize("query_string", ["", "service_area=fostering&service_area=adoption&hybrid=mostly_home",
                                          "service_area=nonsense&hybrid=nonsense"])
def test_the_filters_checkboxes_are_govuk_checkboxes_markup(app, query_string):
    """The search page draws its filters' checkboxes itself (jobs/_macros.html facet_checkboxes): the same
    markup govukCheckboxes draws through the field's widget, ticks and error messages included."""
    form = JobSearchForm(MultiDict(parse_qsl(query_string)), [("camden", "Camden"), ("croydon", "Croydon")])
    form.validate()
    with app.test_request_context(f"/jobs?{query_string}"):
        for name, legend in (("council", "govuk-visually-hidden"), ("service_area", "govuk-visually-hidden"),
                             ("hybrid", "govuk-fieldset__legend--s")):
            field = form[name]
            ours = render_template_string('{% from "jobs/_macros.html" import facet_checkboxes %}'
                                          "{{ facet_checkboxes(field, legend) }}", field=field, legend=legend)
            theirs = field(params={"classes": "govuk-checkboxes--small", "hint": None,
                                   "fieldset": {"legend": {"text": field.label.text, "classes": legend}}})
            assert markup(ours) == markup(theirs)
    if "nonsense" in query_string:
        assert form.service_area.errors and form.hybrid.errors  # the error message is compared too
