"""The pages about the service and the admin area, in headless Chromium with real forms and CSRF.

On a phone, a visitor follows the footer to the privacy notice and the phase banner to the feedback
form and sends feedback without signing in; the platform administrator signs in, lands on the admin
area, reads the feedback, and makes a social worker a recruiter through the confirmation page. No
page scrolls sideways at 375 px. Screenshots of each page at 375 and 1280 px go to the test's folder.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from domain.vocabulary import UserRole
from tests.browser.test_journeys import sign_in
from tests.factories import PASSWORD, CandidateFactory, OrganisationFactory, UserFactory
from webapp.extensions import db
from webapp.models import User

PHONE, DESKTOP = 375, 1280


@pytest.fixture(scope="module")
def service(live_app):
    with live_app.app_context():
        OrganisationFactory(name="Camden", slug="camden")
        UserFactory(role=UserRole.ADMIN, email="ada@cswjobs.example", full_name="Ada Admin")
        person = CandidateFactory(email="rita.rahman.childrens.services@longest-borough-name.example.org",
                                  full_name="Rita Rahman")
        db.session.commit()
        person_id = person.id
        db.session.remove()
    return live_app.config["LIVE_URL"], person_id


def _fits(page: Page, name: str, folder) -> None:
    """No sideways scrolling on a phone; a screenshot at both widths to look at."""
    page.set_viewport_size({"width": PHONE, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, name
    page.screenshot(path=str(folder / f"{name}-{PHONE}.png"), full_page=True)
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    page.screenshot(path=str(folder / f"{name}-{DESKTOP}.png"), full_page=True)
    page.set_viewport_size({"width": PHONE, "height": 800})


def test_a_visitor_reads_the_privacy_notice_and_sends_feedback_on_a_phone(browser, service, tmp_path):
    base, _ = service
    context = browser.new_context(viewport={"width": PHONE, "height": 800})
    page = context.new_page()
    page.goto(f"{base}/councils")
    page.locator("footer").get_by_role("link", name="Privacy").click()
    expect(page.locator("h1")).to_have_text("Privacy notice")
    expect(page.locator("#retention")).to_contain_text("Messages sent through the feedback form")
    _fits(page, "privacy", tmp_path)
    for name in ("accessibility", "cookies", "contact", "terms"):
        page.goto(f"{base}/{name}")
        _fits(page, name, tmp_path)
    page.goto(f"{base}/councils")
    page.locator(".govuk-phase-banner").get_by_role("link", name="feedback").click()
    page.get_by_role("button", name="Send feedback").click()  # empty: told what is missing
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your feedback")
    _fits(page, "feedback-error", tmp_path)
    page.get_by_label("Satisfied", exact=True).check()
    page.get_by_label("How could we improve it?").fill("The council list is easy to scan on my phone.")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator("h1")).to_have_text("Thank you for your feedback")
    context.close()


def test_the_administrator_lands_on_the_admin_area_and_changes_a_role(browser, service, live_app, tmp_path):
    base, person_id = service
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    page = context.new_page()
    sign_in(page, base, "ada@cswjobs.example", PASSWORD)
    expect(page).to_have_url(f"{base}/admin/")
    _fits(page, "admin-home", tmp_path)
    page.goto(f"{base}/admin/feedback")
    _fits(page, "admin-feedback", tmp_path)
    page.goto(f"{base}/admin/users?q=rita")  # a long address must not widen the page either
    _fits(page, "admin-users", tmp_path)
    page.get_by_role("link", name="Rita Rahman").click()
    _fits(page, "admin-user", tmp_path)
    page.get_by_role("link", name="Change role").click()
    page.get_by_label("Recruiter", exact=True).check()
    page.get_by_label("Council", exact=True).select_option(label="Camden")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Make Rita Rahman a recruiter at Camden?")
    _fits(page, "admin-role-confirm", tmp_path)
    page.get_by_role("button", name="Change their role").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Rita Rahman is now a recruiter at Camden")
    page.goto(f"{base}/admin/councils/camden")
    expect(page.locator("#staff")).to_contain_text("Rita Rahman")
    _fits(page, "admin-council", tmp_path)
    page.goto(f"{base}/admin/audit")
    _fits(page, "admin-audit", tmp_path)
    context.close()
    with live_app.app_context():
        assert db.session.get(User, person_id).role == UserRole.RECRUITER
        db.session.remove()
