"""Issue 12's whole journey in headless Chromium, the social worker on a phone (375 px) and the recruiter
at a desk (1280 px): the social worker completes the safer-recruitment application with a gap in
employment explained and sends it; the recruiter shortlists in bulk from the inbox, books an interview
and requests references; a referee answers through the link emailed to them (no account); the recruiter
makes an offer and records it accepted. The social worker sees every status on their applications
page and is emailed at each step; the funnel records each new step. Screenshots go to test-artifacts/."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from domain.vocabulary import ApplyMethod, ContractType, RoleLevel, ServiceArea, UserRole, VacancyStatus, WorkingPattern
from tests.application_forms import CURRENT_JOB, QUALIFICATION, SECTIONS
from tests.browser.pages import fits_the_screen, shot, sign_in
from webapp.demo.councils import ensure_councils
from webapp.extensions import db
from webapp.models import FunnelEvent, Organisation, User, Vacancy, utcnow
from webapp.services.passwords import hash_password

SAM, SAM_PASSWORD = "sam@example.org", "a long social work passphrase"
RITA, RITA_PASSWORD = "rita@camden.example.org", "a long recruiter passphrase"
TITLE = "Social Worker – Children in Need"
OLD_JOB = {"employer": "Kent County Council", "job_title": "Family support worker", "duties": "Family support",
           "start_month": "1", "start_year": "2014", "end_month": "3", "end_year": "2018",
           "reason_for_leaving": "To study social work"}
GAP = "Studying full time for my social work degree"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.0 Mobile/15E148 Safari/604.1")


@pytest.fixture(scope="module")
def scene(live_app):
    with live_app.app_context():
        ensure_councils(db.session)
        camden = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "camden"))
        vacancy = Vacancy(
            organisation_id=camden.id, title=TITLE, slug="social-worker-children-in-need",
            role_level=RoleLevel.SOCIAL_WORKER, service_area=ServiceArea.CHILDREN_IN_NEED, team="CIN team 3",
            summary="Protected caseloads and weekly supervision.", description="Children in need work across Camden.",
            salary_min=42000, salary_max=48000, contract_type=ContractType.PERMANENT,
            working_pattern=WorkingPattern.FULL_TIME, latitude=camden.latitude, longitude=camden.longitude,
            closing_date=dt.date.today() + dt.timedelta(days=21), status=VacancyStatus.LIVE, published_at=utcnow(),
            apply_method=ApplyMethod.IN_PLATFORM)
        db.session.add_all([
            vacancy,
            User(email=SAM, full_name="Sam Okafor", role=UserRole.CANDIDATE, password_hash=hash_password(SAM_PASSWORD)),
            User(email=RITA, full_name="Rita Recruiter", role=UserRole.RECRUITER, organisation_id=camden.id,
                 password_hash=hash_password(RITA_PASSWORD)),
        ])
        db.session.commit()
        return {"vacancy": (vacancy.id, vacancy.slug)}


def mails(app, to: str) -> list[tuple[str, str]]:
    """(subject, plain text) of every mail written for this address, oldest first."""
    found = []
    for path in sorted(Path(app.config["MAIL_FOLDER"]).glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["To"] == to:
            found.append((str(message["Subject"]), message.get_body(("plain",)).get_content()))
    return found


def fill_section(page: Page, data: dict[str, str], button: str = "Save and continue") -> None:
    """Fill a form page as a person would: text typed, radios and boxes chosen, then the button."""
    for name, value in data.items():
        field = page.locator(f'[name="{name}"]').first
        kind = field.get_attribute("type")
        if kind == "radio":
            page.check(f'[name="{name}"][value="{value}"]')
        elif kind == "checkbox":
            if value:
                page.check(f'[name="{name}"]')
        else:
            field.fill(value)
    page.get_by_role("button", name=button).click()


def status_on_applications_page(page: Page, base: str) -> str:
    page.goto(f"{base}/account/applications")
    row = page.locator("main").get_by_text(TITLE).first
    expect(row).to_be_visible()
    return page.locator("main").inner_text()


def test_the_whole_application_journey(live_app, scene, browser):
    base = live_app.config["LIVE_URL"]
    vacancy_id, slug = scene["vacancy"]
    # A phone's own user agent: headless Chromium names itself a bot, and the funnel leaves bots out.
    phone = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True,
                                user_agent=IPHONE)
    sam = phone.new_page()
    sam.set_default_timeout(15000)

    # --- the social worker applies, on a phone --------------------------------------------------------------
    sign_in(sam, base, SAM, SAM_PASSWORD)
    sam.goto(f"{base}/jobs/{vacancy_id}-{slug}")
    sam.get_by_role("button", name="Apply for this job").first.click()
    shot(sam, "journey-01-start-page-phone")
    sam.get_by_role("button", name=re.compile("Start", re.I)).click()
    expect(sam).to_have_url(re.compile(r"/apply/\d+$"))
    task_list = sam.url
    shot(sam, "journey-02-task-list-phone")
    for section, title in (("personal-details", "Personal details"), ("registration", "Social Work England registration"),
                           ("references", "References"), ("supporting-statement", "Supporting statement"),
                           ("declarations", "Declarations")):
        sam.goto(f"{task_list}/{section}")
        fill_section(sam, SECTIONS[section])
        expect(sam).to_have_url(task_list)
    sam.goto(f"{task_list}/qualifications/add")
    fill_section(sam, QUALIFICATION)
    # Two jobs with five months between them: the gap must be explained before the section is complete.
    sam.goto(f"{task_list}/employment-history/add")
    fill_section(sam, OLD_JOB)
    sam.goto(f"{task_list}/employment-history/add")
    fill_section(sam, {k: v for k, v in CURRENT_JOB.items()})
    sam.goto(f"{task_list}/employment-history")
    expect(sam.locator("#gaps")).to_be_visible()
    shot(sam, "journey-03-gap-to-explain-phone")
    sam.fill('[name="gap_1"]', GAP)
    sam.get_by_role("button", name="Save explanations and continue").click()
    sam.goto(task_list)
    expect(sam.locator("#progress")).to_contain_text("You have completed 7 of 7 sections")
    sam.get_by_role("button", name="Check your answers and send").click()
    expect(sam.locator("main")).to_contain_text(GAP)
    shot(sam, "journey-04-check-answers-phone")
    fits_the_screen(sam, 375)
    sam.check('[name="confirm"]')
    sam.get_by_role("button", name="Send application").click()
    expect(sam.locator(".govuk-panel")).to_be_visible()
    shot(sam, "journey-05-sent-phone")
    assert "Submitted" in status_on_applications_page(sam, base)

    # --- the recruiter, at a desk ------------------------------------------------------------------------------
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    rita = desk.new_page()
    rita.set_default_timeout(15000)
    sign_in(rita, base, RITA, RITA_PASSWORD)
    rita.goto(f"{base}/recruit/inbox")
    rita.get_by_label("Select Sam Okafor").check()
    rita.check('[name="action"][value="shortlist"]')
    shot(rita, "journey-06-inbox-bulk-shortlist")
    rita.get_by_role("button", name="Continue").click()
    rita.get_by_role("button", name=re.compile(r"Shortlist 1 application")).click()
    expect(rita.locator(".govuk-notification-banner")).to_contain_text("1 application moved")
    assert "Shortlisted" in status_on_applications_page(sam, base)

    rita.get_by_role("link", name="Sam Okafor").first.click()
    application_url = rita.url
    rita.get_by_role("link", name="Book an interview").click()
    day = dt.date.today() + dt.timedelta(days=7)
    rita.fill('#day-day', str(day.day))
    rita.fill('#day-month', str(day.month))
    rita.fill('#day-year', str(day.year))
    rita.fill('[name="time"]', "10:30")
    rita.check('[name="format"][value="in_person"]')
    rita.fill('[name="place"]', "5 Pancras Square, London N1C 4AG")
    shot(rita, "journey-07-book-interview")
    rita.get_by_role("button", name="Book the interview and email the applicant").click()
    expect(rita.locator(".govuk-notification-banner")).to_contain_text("Interview booked")
    assert "Interview" in status_on_applications_page(sam, base)  # booking moves it to interview
    rita.get_by_role("button", name="Request references").click()
    expect(rita.locator("main")).to_contain_text(re.compile("request", re.I))
    shot(rita, "journey-08-references-requested")

    # --- a referee answers through the emailed link, with no account -----------------------------------------
    [(_, to_referee)] = [m for m in mails(live_app, "rita@lambeth.example")][:1]
    link = re.search(r"http\S+/references/\S+", to_referee).group(0)
    # A browser of the referee's own, signed in as nobody: the link is the proof.
    referee_context = browser.new_context(viewport={"width": 1280, "height": 900})
    referee = referee_context.new_page()
    referee.goto(base + "/" + link.split("/", 3)[3])
    fill_section(referee, {
        "referee_name": "Rita Manager", "referee_job_title": "Team manager", "known_as": "I manage Sam's team",
        "known_for": "Three years", "applicant_role": "Social worker",
        "suitability": "Sam's child protection practice is careful, warm and well recorded.",
        "safeguarding_concerns": "no", "disciplinary": "no", "would_reemploy": "yes", "confirm": "y",
    }, button="Send reference")
    expect(referee.locator("main")).to_contain_text(re.compile("thank", re.I))
    shot(referee, "journey-09-reference-sent")
    referee_context.close()

    # --- an offer, accepted ------------------------------------------------------------------------------------
    rita.goto(application_url)
    expect(rita.locator("main")).to_contain_text(re.compile("reference", re.I))
    rita.locator("#move-offered").click()
    assert "Offered" in status_on_applications_page(sam, base)
    rita.goto(application_url)
    rita.locator("#move-hired").click()
    expect(rita.locator("main")).to_contain_text("Hired")
    shot(rita, "journey-10-hired")
    page_text = status_on_applications_page(sam, base)
    for step in ("Submitted", "Shortlisted", "Interview", "Offered", "Hired"):  # the whole history, in order
        assert re.search(rf"\b{step} on ", page_text), step
    assert [page_text.index(f"{step} on ") for step in ("Submitted", "Shortlisted", "Interview", "Offered", "Hired")] \
        == sorted(page_text.index(f"{step} on ") for step in ("Submitted", "Shortlisted", "Interview", "Offered", "Hired"))
    shot(sam, "journey-11-applications-phone")

    # --- every email the social worker was sent, and the funnel's steps ------------------------------------------
    subjects = [subject for subject, _ in mails(live_app, SAM)]
    assert subjects == [f"Application received: {TITLE}", f"You have been shortlisted: {TITLE}",
                        f"Interview: {TITLE}", "Camden has asked your referees for references", f"Job offer: {TITLE}",
                        "Welcome to Camden"]
    interview_mail = mails(live_app, SAM)[2][1]
    assert "10:30" in interview_mail and "5 Pancras Square" in interview_mail
    with live_app.app_context():
        kinds = set(db.session.scalars(sa.select(FunnelEvent.kind).where(FunnelEvent.vacancy_id == vacancy_id)))
    assert {"application_started", "application_submitted", "shortlisted", "interview_scheduled",
            "reference_received", "interview", "offered", "hired"} <= kinds, kinds
    phone.close()
    desk.close()
