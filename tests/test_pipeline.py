"""Applications through a council's pipeline: the applicants list, the application page, moves and checks."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from domain.vocabulary import ApplicationStatus, OfferDeclineReason, UserRole
from tests.helpers import sign_in_as
from tests.factories import CandidateFactory, CandidateProfileFactory, OrganisationFactory, RecruiterFactory, VacancyFactory
from tests.pages import main_text, page, summary_lists, table_rows, text_of, texts
from webapp.extensions import db
from webapp.models import Application, ApplicationEvent, AuditLog
from webapp.services import NotAllowed, ServiceError
from webapp.services import applications as pipeline


@pytest.fixture
def council(app):
    return OrganisationFactory(name="Croydon", slug="croydon")


@pytest.fixture
def recruiter(council):
    user = RecruiterFactory(organisation=council, full_name="Rita Recruiter")
    db.session.commit()
    return user


@pytest.fixture
def application(council, recruiter):
    profile = CandidateProfileFactory(user=CandidateFactory(full_name="Sam Social-Worker", email="sam@example.org"),
                                      swe_number="SW123456")
    vacancy = VacancyFactory(organisation=council, title="Social worker, assessment")
    application = pipeline.submit(profile.user, vacancy,
                                  "I have four years in assessment.\n\nI would like to join your team.")
    db.session.commit()
    return application


@pytest.fixture
def signed_in(client, recruiter):
    sign_in_as(client, recruiter)
    return client


def reload(application: Application) -> Application:
    db.session.expire_all()
    return db.session.get(Application, application.id)


def events(application: Application) -> list[tuple]:
    return [(e.from_status and e.from_status.value, e.to_status.value, e.actor_id, e.note)
            for e in reload(application).events]


# --- the applicants list and the application page ---------------------------------------------------------

def test_vacancy_page_lists_applicants_with_their_registration(signed_in, application):
    soup = page(signed_in.get(f"/recruit/vacancies/{application.vacancy_id}"))
    assert text_of(soup, "h2#applications") == "Applications (1)"
    [[applicant, registration, status]] = table_rows(soup, "h2#applications ~ table")
    submitted = application.submitted_at
    assert applicant == f"Sam Social-Worker Applied {submitted.day} {submitted:%B %Y}"
    assert registration == "SW123456 Registration not checked"
    assert status == "Submitted"
    assert soup.select_one(f"tr#application-{application.id} a")["href"] == f"/recruit/applications/{application.id}"


def test_application_page_shows_statement_profile_history_and_next_steps(signed_in, application):
    response = signed_in.get(f"/recruit/applications/{application.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    soup = page(html)
    assert "I have four years in assessment." in html and "I would like to join your team." in html
    assert "SW123456" in main_text(soup)
    [profile] = [rows for rows in summary_lists(soup) if "Experience" in rows]
    assert profile["Role level"] == "Social worker" and profile["Specialisms"] == "Child protection"
    moves = sorted(button["id"] for button in soup.select('main [id^="move-"]'))
    assert moves == ["move-rejected", "move-shortlisted"]  # from submitted, only these two steps
    assert texts(soup, "form#registration .govuk-button") == [
        "Record that the Social Work England registration was checked"]
    assert table_rows(soup, "#history")[0][1:] == ["Submitted", "Applicant"]


def test_statement_is_escaped(signed_in, council, recruiter):
    profile = CandidateProfileFactory()
    vacancy = VacancyFactory(organisation=council)
    application = pipeline.submit(profile.user, vacancy, "<script>alert('x')</script>")
    db.session.commit()
    html = signed_in.get(f"/recruit/applications/{application.id}").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_an_applicant_without_a_profile_is_shown_plainly(signed_in, council):
    candidate = CandidateFactory()
    vacancy = VacancyFactory(organisation=council)
    application = pipeline.submit(candidate, vacancy, "Statement")
    db.session.commit()
    soup = page(signed_in.get(f"/recruit/applications/{application.id}"))
    assert "This applicant has not filled in a profile." in texts(soup, "main p")
    assert [rows for rows in summary_lists(soup) if "Experience" in rows] == []
    vacancy_page = page(signed_in.get(f"/recruit/vacancies/{vacancy.id}"))
    assert table_rows(vacancy_page, "h2#applications ~ table")[0][1] == "No number given Registration not checked"


# --- moving through the pipeline ---------------------------------------------------------------------------

def test_full_pipeline_to_hired_records_each_step(signed_in, application, recruiter):
    for status in ("shortlisted", "interview", "offered", "hired"):
        response = signed_in.post(f"/recruit/applications/{application.id}/move",
                                  data={"to_status": status, "note": f"moved to {status}"})
        assert response.status_code == 302, status
        assert reload(application).status.value == status
    assert events(application)[1:] == [
        ("submitted", "shortlisted", recruiter.id, "moved to shortlisted"),
        ("shortlisted", "interview", recruiter.id, "moved to interview"),
        ("interview", "offered", recruiter.id, "moved to offered"),
        ("offered", "hired", recruiter.id, "moved to hired"),
    ]
    moves = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "application.moved")
                               .order_by(AuditLog.id)).all()
    assert [(m.detail["from_status"], m.detail["to_status"]) for m in moves] == [
        ("submitted", "shortlisted"), ("shortlisted", "interview"), ("interview", "offered"), ("offered", "hired")]
    assert all(m.organisation_id == recruiter.organisation_id and m.actor_id == recruiter.id for m in moves)
    # The note is personal, free text: it lives in the application's history, not in the audit log.
    assert all("moved to" not in repr(m.detail) for m in moves)

    html = signed_in.get(f"/recruit/applications/{application.id}").get_data(as_text=True)
    history = table_rows(page(html), "#history")
    assert [row[1].split(" ")[0] for row in history][0] == "Submitted" and len(history) == 5
    offered = [row for row in history if row[1].startswith("Interview → Offered")]
    assert len(offered) == 1 and "moved to offered" in offered[0][1] and "Rita Recruiter" in offered[0][2]
    assert "there are no more steps" in html
    assert page(html).select('main button[id^="move-"]') == []


@pytest.mark.parametrize("to_status", ["hired", "offered", "interview", "withdrawn", "submitted", "offer_declined"])
def test_invalid_transition_is_a_400_and_changes_nothing(signed_in, application, to_status):
    response = signed_in.post(f"/recruit/applications/{application.id}/move",
                              data={"to_status": to_status, "decline_reason": "pay"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert "cannot be moved to" in html
    assert reload(application).status == ApplicationStatus.SUBMITTED
    assert len(events(application)) == 1
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "application.moved")) is None


@pytest.mark.parametrize("to_status", ["", "promoted", None])
def test_an_unknown_status_is_a_400(signed_in, application, to_status):
    data = {} if to_status is None else {"to_status": to_status}
    response = signed_in.post(f"/recruit/applications/{application.id}/move", data=data)
    assert response.status_code == 400
    assert "Choose what happens to the application next" in response.get_data(as_text=True)
    assert reload(application).status == ApplicationStatus.SUBMITTED


def test_a_final_status_cannot_be_moved_on(signed_in, application):
    signed_in.post(f"/recruit/applications/{application.id}/move", data={"to_status": "rejected"})
    assert reload(application).status == ApplicationStatus.REJECTED
    response = signed_in.post(f"/recruit/applications/{application.id}/move", data={"to_status": "shortlisted"})
    assert response.status_code == 400
    assert reload(application).status == ApplicationStatus.REJECTED


def test_a_withdrawn_application_shows_no_next_steps(signed_in, application):
    pipeline.withdraw(application.candidate, application)
    db.session.commit()
    html = signed_in.get(f"/recruit/applications/{application.id}").get_data(as_text=True)
    assert "The applicant withdrew this application" in html
    assert 'id="move-' not in html
    assert signed_in.post(f"/recruit/applications/{application.id}/move",
                          data={"to_status": "shortlisted"}).status_code == 400


def _to_offered(client, application):
    for status in ("shortlisted", "interview", "offered"):
        assert client.post(f"/recruit/applications/{application.id}/move", data={"to_status": status}).status_code == 302


def test_offer_declined_needs_a_reason(signed_in, application):
    _to_offered(signed_in, application)
    html = signed_in.get(f"/recruit/applications/{application.id}").get_data(as_text=True)
    assert 'id="move-offer_declined"' in html and 'name="decline_reason"' in html

    response = signed_in.post(f"/recruit/applications/{application.id}/move", data={"to_status": "offer_declined"})
    assert response.status_code == 400
    assert "Select why the offer was declined" in response.get_data(as_text=True)
    assert reload(application).status == ApplicationStatus.OFFERED

    response = signed_in.post(f"/recruit/applications/{application.id}/move",
                              data={"to_status": "offer_declined", "decline_reason": "bribery"})
    assert response.status_code == 400
    assert reload(application).status == ApplicationStatus.OFFERED

    response = signed_in.post(f"/recruit/applications/{application.id}/move",
                              data={"to_status": "offer_declined", "decline_reason": "agency",
                                    "decline_detail": "Agency day rate was higher"})
    assert response.status_code == 302
    application = reload(application)
    assert application.status == ApplicationStatus.OFFER_DECLINED
    assert application.decline_reason == OfferDeclineReason.AGENCY
    assert application.decline_detail == "Agency day rate was higher"
    entry = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "application.moved")
                               .order_by(AuditLog.id.desc())).first()
    assert entry.detail["to_status"] == "offer_declined"
    assert "Agency day rate" not in repr(entry.detail)
    html = signed_in.get(f"/recruit/applications/{application.id}").get_data(as_text=True)
    assert "Chose agency work" in html


def test_a_decline_reason_is_ignored_for_other_moves(signed_in, application):
    response = signed_in.post(f"/recruit/applications/{application.id}/move",
                              data={"to_status": "shortlisted", "decline_reason": "pay"})
    assert response.status_code == 302
    assert reload(application).decline_reason is None


def test_overlong_note_is_refused(signed_in, application):
    response = signed_in.post(f"/recruit/applications/{application.id}/move",
                              data={"to_status": "shortlisted", "note": "n" * 501})
    assert response.status_code == 400
    assert "Note must be 500 characters or fewer" in response.get_data(as_text=True)
    assert reload(application).status == ApplicationStatus.SUBMITTED


def test_the_service_refuses_what_the_page_would(app, application, recruiter):
    with pytest.raises(ServiceError, match="cannot be moved to hired"):
        pipeline.move(recruiter, application, ApplicationStatus.HIRED)
    with pytest.raises(ServiceError, match="Note must be"):
        pipeline.move(recruiter, application, ApplicationStatus.SHORTLISTED, note="x" * 501)
    other = RecruiterFactory()
    with pytest.raises(NotAllowed):
        pipeline.move(other, application, ApplicationStatus.SHORTLISTED)
    with pytest.raises(NotAllowed):
        pipeline.record_swe_check(other, application)
    assert pipeline.allowed_moves(application) == [ApplicationStatus.SHORTLISTED, ApplicationStatus.REJECTED]


# --- the registration check -----------------------------------------------------------------------------------

def test_recording_the_registration_check_says_who_and_when(signed_in, application, recruiter):
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=5)
    response = signed_in.post(f"/recruit/applications/{application.id}/registration-check")
    assert response.status_code == 302
    application = reload(application)
    assert application.swe_checked_by_id == recruiter.id
    assert application.swe_checked_at is not None and application.swe_checked_at >= before
    [entry] = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "application.swe_checked")).all()
    assert entry.actor_id == recruiter.id and entry.subject_id == application.id
    assert "SW123456" not in repr(entry.detail)

    soup = page(signed_in.get(f"/recruit/applications/{application.id}"))
    checked_at = application.swe_checked_at
    assert text_of(soup, "#swe-checked").startswith(f"Checked by Rita Recruiter on {checked_at.day} {checked_at:%B %Y}")
    vacancy_page = page(signed_in.get(f"/recruit/vacancies/{application.vacancy_id}"))
    [[_, registration, _]] = table_rows(vacancy_page, "h2#applications ~ table")
    assert registration == f"SW123456 Registration checked {checked_at.day} {checked_at:%B %Y}"


def test_registration_check_is_a_post(signed_in, application):
    assert signed_in.get(f"/recruit/applications/{application.id}/registration-check").status_code == 405
    assert reload(application).swe_checked_at is None


# --- who may ----------------------------------------------------------------------------------------------------

def test_another_councils_application_is_not_found(client, application):
    other = RecruiterFactory(organisation=OrganisationFactory(name="Ealing", slug="ealing"))
    db.session.commit()
    sign_in_as(client, other)
    assert client.get(f"/recruit/applications/{application.id}").status_code == 404
    assert client.post(f"/recruit/applications/{application.id}/move", data={"to_status": "shortlisted"}).status_code == 404
    assert client.post(f"/recruit/applications/{application.id}/registration-check").status_code == 404
    assert client.get(f"/recruit/vacancies/{application.vacancy_id}").status_code == 404
    application = reload(application)
    assert application.status == ApplicationStatus.SUBMITTED and application.swe_checked_at is None


def test_candidates_cannot_reach_the_pipeline(client, application):
    sign_in_as(client, application.candidate)
    assert client.get(f"/recruit/applications/{application.id}").status_code == 403
    assert client.post(f"/recruit/applications/{application.id}/move", data={"to_status": "shortlisted"}).status_code == 403
    assert reload(application).status == ApplicationStatus.SUBMITTED


def test_anonymous_visitors_are_sent_to_sign_in(client, application):
    response = client.get(f"/recruit/applications/{application.id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_unknown_and_overflowing_application_ids_are_not_found(signed_in):
    assert signed_in.get("/recruit/applications/424242").status_code == 404
    assert signed_in.get("/recruit/applications/99999999999999999999").status_code == 404
    assert signed_in.post("/recruit/applications/99999999999999999999/move", data={"to_status": "hired"}).status_code == 404


def test_org_admin_can_move_their_councils_applications(client, council, application):
    org_admin = RecruiterFactory(organisation=council, role=UserRole.ORG_ADMIN)
    db.session.commit()
    sign_in_as(client, org_admin)
    assert client.post(f"/recruit/applications/{application.id}/move", data={"to_status": "shortlisted"}).status_code == 302
    assert reload(application).events[-1].actor_id == org_admin.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationEvent)) == 2


def test_do_not_progress_asks_first_with_the_feedback_and_the_first_click_changes_nothing(signed_in, application):
    soup = page(signed_in.get(f"/recruit/applications/{application.id}"))
    [button] = soup.select("#move-rejected")
    assert button.name == "a" and button["href"] == f"/recruit/applications/{application.id}/do-not-progress"

    response = signed_in.get(button["href"])
    assert response.status_code == 200
    soup = page(response)
    assert text_of(soup, "h1").startswith("Do not progress ")
    assert "emailed the decision" in text_of(soup, "main") and soup.select(".govuk-warning-text")
    assert text_of(soup, "#confirm") == "Yes, do not progress"
    assert soup.select('textarea[name="feedback"]')
    db.session.refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED

    # A post that is not the confirmation (no status) changes nothing either.
    assert signed_in.post(button["href"], data={"feedback": "x"}).status_code == 400
    db.session.refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED

    response = signed_in.post(button["href"], data={"to_status": "rejected", "feedback": "Thank you for applying."})
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status == ApplicationStatus.REJECTED
    assert signed_in.get(button["href"]).status_code == 400  # final: nothing left to confirm
