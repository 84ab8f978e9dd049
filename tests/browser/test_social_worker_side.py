"""The social worker's side on a phone (375 px) and a desktop (1280 px), in headless Chromium: saving a
job from its page and seeing it in Saved jobs, the similar jobs under it, hiding the profile from a
council, answering "was this relevant?" from an alert email without signing in, and switching a
profile back on after it was switched off for want of a visit. Screenshots go to test-artifacts/."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from domain.vocabulary import (
    ApplyMethod,
    Availability,
    ContractType,
    RoleLevel,
    ServiceArea,
    UserRole,
    VacancyStatus,
    WorkingPattern,
)
from tests.browser.pages import SCREENSHOTS, fits_the_screen, shot, sign_in
from webapp.demo.councils import ensure_councils
from webapp.extensions import db
from webapp.models import CandidateProfile, Organisation, SavedSearch, SentAlert, User, Vacancy, utcnow
from webapp.services import alert_relevance
from webapp.services.passwords import hash_password

EMAIL, PASSWORD = "ada@example.org", "a long social work passphrase"
PHONE, DESKTOP = {"width": 375, "height": 812}, {"width": 1280, "height": 900}


def _vacancy(camden: Organisation, title: str, team: str) -> Vacancy:
    return Vacancy(organisation_id=camden.id, title=title, slug=re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
                   role_level=RoleLevel.SOCIAL_WORKER, service_area=ServiceArea.CHILD_PROTECTION, team=team,
                   summary="Protected caseloads and weekly reflective supervision.",
                   description="Child protection enquiries, core groups and care proceedings with families in Camden.",
                   salary_min=42000, salary_max=48000, contract_type=ContractType.PERMANENT,
                   working_pattern=WorkingPattern.FULL_TIME, latitude=camden.latitude, longitude=camden.longitude,
                   closing_date=dt.date.today() + dt.timedelta(days=20), status=VacancyStatus.LIVE,
                   published_at=utcnow(), apply_method=ApplyMethod.IN_PLATFORM)


@pytest.fixture(scope="module")
def scene(live_app):
    """Camden's two child protection jobs (each similar to the other), and Ada, a findable social worker."""
    with live_app.app_context():
        ensure_councils(db.session)
        camden = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "camden"))
        first = _vacancy(camden, "Social Worker – Child Protection", "Child protection team 1")
        second = _vacancy(camden, "Social Worker – Child Protection (Kentish Town)", "Child protection team 2")
        ada = User(email=EMAIL, full_name="Ada Okafor", role=UserRole.CANDIDATE, password_hash=hash_password(PASSWORD))
        db.session.add_all([first, second, ada])
        db.session.flush()
        db.session.add(CandidateProfile(user_id=ada.id, swe_number="SW123456", years_qualified=4, role_level=RoleLevel.SOCIAL_WORKER,
                                        specialisms=["child_protection"], home_borough="islington", max_commute_miles=8,
                                        availability=Availability.ONE_MONTH, discoverable=True,
                                        cv_text="Four years in child protection in Islington."))
        saved = SavedSearch(user_id=ada.id, name="Child protection in Camden", query="q=child+protection")
        db.session.add(saved)
        db.session.flush()
        sent = SentAlert(saved_search_id=saved.id, vacancy_id=second.id)
        db.session.add(sent)
        db.session.commit()  # the outbox relay embeds both jobs and the profile in-process
        return {"first": (first.id, first.slug), "second": second.title, "ada": ada.id,
                "relevance_path": f"/alerts/relevance/{alert_relevance.relevance_token(sent.id)}?answer=yes"}


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_social_workers_side(live_app, scene, browser, size):
    viewport = PHONE if size == "phone" else DESKTOP
    context = browser.new_context(viewport=viewport, is_mobile=size == "phone", has_touch=size == "phone")
    page = context.new_page()
    page.set_default_timeout(15000)
    base = live_app.config["LIVE_URL"]
    job_id, slug = scene["first"]

    # "Was this relevant?" from an alert email: no sign-in, asked first, then thanked.
    page.goto(base + scene["relevance_path"])
    expect(page.locator("h1")).to_have_text("Was this job relevant to your search?")
    shot(page, f"sws-{size}-1-relevance-asked")
    fits_the_screen(page, viewport["width"])
    page.get_by_role("button", name="Yes, it was relevant").click()
    expect(page.locator(".govuk-panel")).to_contain_text("You said this job was relevant to your search")
    shot(page, f"sws-{size}-2-relevance-thanks")

    # Saving a job from its page, with the similar job under it.
    sign_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/jobs/{job_id}-{slug}")
    expect(page.locator("#similar-jobs + ul")).to_contain_text(scene["second"])
    if page.get_by_role("button", name="Save this job").count():  # the other screen size's run may have saved it
        page.get_by_role("button", name="Save this job").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("We will email you before it closes")
    expect(page.get_by_role("button", name="Remove from saved jobs")).to_be_visible()
    shot(page, f"sws-{size}-3-job-page")
    fits_the_screen(page, viewport["width"])
    page.goto(f"{base}/account/saved-jobs")
    expect(page.locator("main")).to_contain_text("Social Worker – Child Protection")
    shot(page, f"sws-{size}-4-saved-jobs")
    fits_the_screen(page, viewport["width"])

    # Hiding the profile from a council (their employer), under "Let recruiters find me".
    # From the profile page, its Change link goes to that step and back.
    page.goto(f"{base}/account/profile")
    page.locator("a[href*='/account/profile/visibility']").first.click()
    page.check("input[name=hidden_from][value=islington]")
    shot(page, f"sws-{size}-5-hide-from-councils")
    page.get_by_role("button", name="Save and go back").click()
    expect(page).to_have_url(f"{base}/account/profile#visibility")
    expect(page.locator(".govuk-summary-list").last).to_contain_text("Islington")
    with live_app.app_context():
        profile = db.session.scalar(sa.select(CandidateProfile).where(CandidateProfile.user_id == scene["ada"]))
        assert profile.hidden_from == ["islington"]
        # Six months without a visit: switched off by the scheduled task (its own tests cover the timing).
        profile.discoverable, profile.switched_off_at = False, utcnow() - dt.timedelta(days=1)
        db.session.commit()

    # Switching back on: one button on the profile page.
    page.goto(f"{base}/account/profile")
    expect(page.locator("#switched-off")).to_contain_text("because you had not visited for six months")
    shot(page, f"sws-{size}-6-switched-off")
    fits_the_screen(page, viewport["width"])
    page.get_by_role("button", name="Let recruiters find me again").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Recruiters can find your profile again.")
    with live_app.app_context():
        assert db.session.scalar(sa.select(CandidateProfile.discoverable).where(CandidateProfile.user_id == scene["ada"]))
    context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_programme_team_reads_the_answers_on_insights(live_app, scene, browser, size):
    """One "yes" to one job (given here too, and perhaps above: still one answer) on the programme's insights."""
    with live_app.app_context():
        if db.session.scalar(sa.select(User).where(User.email == "lead@london.example")) is None:
            db.session.add(User(email="lead@london.example", full_name="Lee Lead", role=UserRole.PROGRAMME_LEAD,
                                password_hash=hash_password(PASSWORD)))
            db.session.commit()
    viewport = PHONE if size == "phone" else DESKTOP
    context = browser.new_context(viewport=viewport, is_mobile=size == "phone", has_touch=size == "phone")
    page = context.new_page()
    base = live_app.config["LIVE_URL"]
    page.goto(base + scene["relevance_path"])
    page.get_by_role("button", name="Yes, it was relevant").click()
    sign_in(page, base, "lead@london.example", PASSWORD)
    page.goto(f"{base}/insights")
    table = page.locator("#table-alert_relevance")
    expect(table.locator("tr", has_text="Daily")).to_contain_text("100.0")
    expect(table.locator("tr", has_text="All alerts")).to_contain_text("1")
    SCREENSHOTS.mkdir(exist_ok=True)
    table.screenshot(path=str(SCREENSHOTS / f"sws-{size}-7-insights-alert-relevance.png"))
    fits_the_screen(page, viewport["width"])
    context.close()
