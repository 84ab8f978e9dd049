"""/jobs on a phone (issue 13): the first result on the first screen (375×667), the filters behind
"Filter (n)" with JavaScript and after the results without it, a side column on a wide screen; the
job page links back to the results and prints without the site around it."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from webapp.demo.councils import ensure_councils
from webapp.extensions import db
from webapp.models import Organisation, Vacancy, utcnow
from tests.browser.pages import shot

PHONE = {"width": 375, "height": 667}
# A search with a place, so the page shows the count, "Filter (1)", the chosen distance and sort.
SEARCH = "/jobs?q=social+worker&near=SE1&miles=5"


@pytest.fixture(scope="module")
def jobs(live_app):
    with live_app.app_context(), Session(db.engine) as session:
        ensure_councils(session)
        for slug in ("southwark", "lambeth", "camden"):
            council = session.query(Organisation).filter_by(slug=slug).one()
            for n in range(3):
                session.add(Vacancy(
                    organisation_id=council.id, title=f"Social worker {n + 1}, {council.name}",
                    slug=f"social-worker-{n + 1}", role_level="social_worker", service_area="assessment",
                    description="Social work with families.", summary="Social work with families in the borough.",
                    salary_min=40000, salary_max=45000, contract_type="permanent", working_pattern="full_time",
                    latitude=council.latitude, longitude=council.longitude, status="live",
                    closing_date=dt.date.today() + dt.timedelta(days=20),
                    published_at=utcnow() - dt.timedelta(days=n)))
        session.commit()
    return live_app


def first_result_top(page: Page) -> float:
    box = page.locator("ul.app-vacancy-list > li").first.bounding_box()
    assert box is not None
    return box["y"]


def test_on_a_phone_the_first_result_is_on_the_first_screen_and_filters_open_on_demand(jobs, browser):
    base = jobs.config["LIVE_URL"]
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base + SEARCH)
    assert first_result_top(page) < PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.get_by_role("status")).to_contain_text("jobs for ‘social worker’")
    expect(page.get_by_role("link", name="Remove filter: Within 5 miles of SE1 (Southwark)")).to_be_visible()
    expect(page.locator(".app-distance").first).to_contain_text("miles away")
    shot(page, "search-phone-filters-closed")

    toggle = page.get_by_role("button", name="Filter (1)")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("heading", name="Filter jobs")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    filters = page.get_by_role("heading", name="Filter jobs")
    expect(filters).to_be_visible()
    # Opened above the results, under the button.
    assert filters.bounding_box()["y"] < first_result_top(page)
    shot(page, "search-phone-filters-open")

    # Choosing a filter and applying it goes through the same form (Distance is open: a place is chosen).
    page.select_option("#miles", "15")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name="Remove filter: Within 15 miles of SE1 (Southwark)")).to_be_visible()
    # Removing the distance removes the place too: the search widens to every job.
    page.get_by_role("link", name="Remove filter: Within 15 miles of SE1 (Southwark)").click()
    expect(page.get_by_role("button", name="Filter (0)")).to_be_visible()
    assert "near=" not in page.url and "miles=" not in page.url
    context.close()


def test_without_javascript_the_filters_follow_the_results(jobs, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(jobs.config["LIVE_URL"] + SEARCH)
    # (Without JavaScript the menu is unfolded above, so the results start lower: still before the filters.)
    link = page.get_by_role("link", name="Filter (1)")
    assert link.get_attribute("href") == "#filters"
    filters = page.get_by_role("heading", name="Filter jobs")
    expect(filters).to_be_visible()
    assert filters.bounding_box()["y"] > first_result_top(page)
    context.close()


def test_on_a_wide_screen_the_filters_are_a_side_column(jobs, page: Page):
    page.goto(jobs.config["LIVE_URL"] + SEARCH)
    expect(page.locator(".app-filter-toggle")).to_be_hidden()
    filters = page.get_by_role("heading", name="Filter jobs").bounding_box()
    first = page.locator("ul.app-vacancy-list > li").first.bounding_box()
    assert filters["x"] + filters["width"] <= first["x"]  # beside the results, to their left
    assert first["y"] < 900
    shot(page, "search-wide")


def test_the_job_page_goes_back_to_the_results_and_prints_without_the_site(jobs, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(jobs.config["LIVE_URL"] + SEARCH + "&sort=nearest")
    page.locator("ul.app-vacancy-list > li h2 a").first.click()
    expect(page.get_by_text("Date posted")).to_be_visible()
    shot(page, "job-page-phone")
    page.emulate_media(media="print")
    for hidden in (".govuk-header", ".govuk-phase-banner", ".govuk-footer", ".govuk-back-link"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.get_by_role("link", name="Apply for this job").first).to_be_hidden()
    expect(page.locator(".app-print-only")).to_contain_text(re.compile(r"This job: https?://\S+/jobs/\d+-social-worker-"))
    expect(page.get_by_text("Closing date")).to_be_visible()
    shot(page, "job-page-print")
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Back to search results").click()
    assert page.url.endswith(SEARCH + "&sort=nearest")
    context.close()
