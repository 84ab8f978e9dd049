"""The recruiter's inbox and the message thread, end to end in headless Chromium with real forms and CSRF.

Two social workers have applied to Croydon; the recruiter selects both in "Applications to review",
chooses "Do not progress" with one of the council's templates, sees the confirm page (nothing has
changed yet), confirms; a social worker sees the notification, opens the conversation and replies; the
recruiter reads the reply. At a phone's width the inbox does not scroll sideways.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import sign_in, sign_out
from tests.correspondence import build_world
from tests.factories import PASSWORD, CandidateFactory
from webapp.extensions import db
from webapp.services import applications as pipeline
from webapp.services import message_templates


@pytest.fixture(scope="module")
def croydon(live_app):
    with live_app.app_context():
        world = build_world()
        kim = pipeline.submit(CandidateFactory(full_name="Kim King", email="kim@example.org"), world.vacancy, "Hello")
        message_templates.save(world.recruiter, "Not this time", "Thank you for applying to Croydon.")
        db.session.commit()
        ids = {"sam": world.application.id, "kim": kim.id}
        db.session.remove()
    return live_app.config["LIVE_URL"], ids


def test_bulk_do_not_progress_then_the_applicant_replies(page: Page, croydon):
    base, ids = croydon
    sign_in(page, base, "rita@croydon.example", PASSWORD)
    page.get_by_role("link", name="Applications to review").first.click()
    expect(page.get_by_role("heading", name="Applications to review")).to_be_visible()
    page.check(f"#select-{ids['sam']}")
    page.check(f"#select-{ids['kim']}")
    page.get_by_role("radio", name="Do not progress").check()
    page.select_option("#template", label="Not this time")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Do not progress 2 applications?")).to_be_visible()
    expect(page.locator("#template-body")).to_contain_text("Thank you for applying to Croydon.")
    page.get_by_role("button", name="Do not progress 2 applications").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Do not progress: 2 applications moved")

    sign_out(page, base)
    sign_in(page, base, "sam@example.org", PASSWORD)
    page.get_by_role("link", name="Notifications").click()
    expect(page.locator("#notifications")).to_contain_text("Your application for Social worker, assessment")
    page.goto(f"{base}/account/applications/{ids['sam']}/messages")
    expect(page.locator("#thread")).to_contain_text("Thank you for applying to Croydon.")
    page.get_by_label("Your message").fill("Thank you. Could I have some feedback?")
    page.get_by_role("button", name="Send message").click()
    expect(page.locator("#thread")).to_contain_text("Could I have some feedback?")

    sign_out(page, base)
    sign_in(page, base, "rita@croydon.example", PASSWORD)
    page.goto(f"{base}/recruit/applications/{ids['sam']}/messages")
    expect(page.locator("#thread")).to_contain_text("Could I have some feedback?")


def test_the_inbox_fits_a_phone(browser, croydon):
    base, _ = croydon
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    phone = context.new_page()
    sign_in(phone, base, "rita@croydon.example", PASSWORD)  # with the navigation open, then a phone's width
    phone.set_viewport_size({"width": 375, "height": 800})
    phone.goto(f"{base}/recruit/inbox?status=all")
    expect(phone.locator("#applications")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
