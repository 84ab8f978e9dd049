"""The main journeys, end to end in headless Chromium against the embedded app on 127.0.0.1.

A Camden recruiter posts and publishes a job; a social worker registers, finds it by search
(typing the profession's abbreviation), applies; the recruiter sees the application and
shortlists it; the social worker sees the new status. Real forms, real CSRF, real search.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.models import Organisation, User
from webapp.services.passwords import hash_password
from webapp.demo.councils import ensure_councils

RECRUITER_EMAIL = "recruiter@camden.example.org"
RECRUITER_PASSWORD = "a long recruiter passphrase"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def councils_and_recruiter(live_app):
    with live_app.app_context(), Session(db.engine) as session:
        ensure_councils(session)
        camden = session.query(Organisation).filter_by(slug="camden").one()
        session.add(User(email=RECRUITER_EMAIL, full_name="Rita Recruiter", role=UserRole.RECRUITER,
                         organisation_id=camden.id, password_hash=hash_password(RECRUITER_PASSWORD)))
        session.commit()
    return live_app


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()


def sign_out(page: Page, base: str) -> None:
    page.goto(f"{base}/sign-out")
    page.get_by_role("button", name=re.compile("Sign out", re.I)).click()


@pytest.mark.real_encoder  # the one journey end to end with the real model behind matching
def test_recruiter_posts_a_job_a_social_worker_finds_it_and_starts_applying(
        councils_and_recruiter, page: Page):
    base = councils_and_recruiter.config["LIVE_URL"]
    closing = dt.date.today() + dt.timedelta(days=28)

    # A recruiter posts a job for their council and publishes it.
    sign_in(page, base, RECRUITER_EMAIL, RECRUITER_PASSWORD)
    page.goto(f"{base}/recruit/vacancies/new")
    page.fill("#title", "Senior Practitioner – Child Protection")
    page.select_option("#role_level", "senior_practitioner")
    page.select_option("#service_area", "child_protection")
    page.fill("#team", "Child protection team, King's Cross")
    page.fill("#summary", "Protected caseloads of 15 and weekly reflective supervision.")
    page.fill("#description", "Lead complex child protection work with families across Camden.")
    page.fill("#salary_min", "47000")
    page.fill("#salary_max", "53000")
    page.check("input[name=contract_type][value=permanent]")
    page.fill("#fte", "1.0")
    page.check("input[name=working_pattern][value=full_time]")
    page.fill("#closing_date-day", str(closing.day))
    page.fill("#closing_date-month", str(closing.month))
    page.fill("#closing_date-year", str(closing.year))
    page.check("input[name=apply_method][value=in_platform]")
    page.fill("#caseload_max", "15")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Senior Practitioner – Child Protection").first).to_be_visible()
    page.get_by_role("button", name=re.compile("Publish", re.I)).click()
    expect(page.get_by_text(re.compile("live", re.I)).first).to_be_visible()
    shot(page, "1-recruiter-published")
    sign_out(page, base)

    # A social worker registers.
    page.goto(f"{base}/register")
    page.fill("#full_name", "Sam Social")
    page.fill("#email", "sam@example.org")
    page.fill("#password", "a long social work passphrase")
    page.fill("#confirm_password", "a long social work passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()

    # ...searches the way social workers type ("CP" for child protection)...
    page.goto(f"{base}/jobs")
    page.fill("#q", "senior CP")
    page.get_by_role("button", name=re.compile("Search", re.I)).first.click()
    result = page.get_by_role("link", name=re.compile("Senior Practitioner – Child Protection"))
    expect(result).to_be_visible()
    shot(page, "2-search-results")
    result.click()

    # ...reads the job (with its JobPosting JSON-LD) and starts the application: its draft and task list
    # (filling in every section, the recruiter's side and the emails are test_application_journey's).
    expect(page.locator("h1")).to_contain_text("Senior Practitioner – Child Protection")
    assert "JobPosting" in page.locator('script[type="application/ld+json"]').inner_text()
    page.get_by_role("button", name="Apply for this job").first.click()  # a GOV.UK link-button
    page.get_by_role("button", name=re.compile("Start", re.I)).click()
    expect(page).to_have_url(re.compile(r"/apply/\d+$"))
    expect(page.get_by_text("Personal details").first).to_be_visible()
    shot(page, "3-application-started")

    # The draft waits in the social worker's applications, not yet sent.
    page.goto(f"{base}/account/applications")
    expect(page.get_by_text("Senior Practitioner – Child Protection").first).to_be_visible()


def test_the_job_search_works_on_a_phone(councils_and_recruiter, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(councils_and_recruiter.config["LIVE_URL"] + "/jobs")
    expect(page.locator("#q")).to_be_visible()
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
