"""Saving a search and unsubscribing, in headless Chromium: the "Save this search" button sits inside
the page's GET search form but posts its own form (HTML's form attribute, no JavaScript), with CSRF;
the alert's unsubscribe link works in a browser that is not signed in."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.models import Organisation, SavedSearch, User, Vacancy, utcnow
from webapp.services.passwords import hash_password
from webapp.demo.councils import ensure_councils
from webapp.services import saved_searches

EMAIL, PASSWORD = "sam.alerts@example.org", "a long candidate passphrase"


@pytest.fixture(scope="module")
def candidate_and_job(live_app):
    with live_app.app_context(), Session(db.engine) as session:
        ensure_councils(session)
        camden = session.query(Organisation).filter_by(slug="camden").one()
        session.add(User(email=EMAIL, full_name="Sam Alerts", role=UserRole.CANDIDATE, active=True,
                         password_hash=hash_password(PASSWORD)))
        session.add(Vacancy(organisation_id=camden.id, title="Fostering social worker", slug="fostering-social-worker",
                            role_level="social_worker", service_area="fostering", description="Fostering team.",
                            salary_min=40000, salary_max=45000, contract_type="permanent", working_pattern="full_time",
                            latitude=camden.latitude, longitude=camden.longitude, status="live",
                            closing_date=dt.date.today() + dt.timedelta(days=20), published_at=utcnow()))
        session.commit()
    return live_app


def test_a_social_worker_saves_a_search_then_unsubscribes_from_the_email_link(candidate_and_job, browser):
    app = candidate_and_job
    base = app.config["LIVE_URL"]
    page: Page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{base}/jobs?q=fostering&council=camden")
    page.locator(".app-save-search").get_by_role("link", name="Sign in").click()  # "sign in to save this search"
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/jobs\?q=fostering&council=camden$"))  # back to the same search

    page.get_by_role("button", name="Save this search").click()
    expect(page.get_by_text("Search saved as ‘Fostering, Camden’")).to_be_visible()
    expect(page.get_by_role("heading", name="Saved searches and alerts")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll

    with app.app_context():
        saved = db.session.query(SavedSearch).one()
        token = saved_searches.unsubscribe_token(saved.user, [saved])
    visitor = browser.new_page()  # another browser: not signed in
    visitor.goto(f"{base}/alerts/unsubscribe/{token}")
    expect(visitor.get_by_role("heading", name="Unsubscribe from job alerts")).to_be_visible()
    visitor.get_by_role("button", name="Unsubscribe").click()
    expect(visitor.get_by_text("You have unsubscribed")).to_be_visible()
    with app.app_context():
        assert db.session.query(SavedSearch).one().alerts_on is False
    page.close()
    visitor.close()
