"""The safer-recruitment application, as a social worker fills it in: start, task list, each section,
gaps in employment, check your answers, send; drafts resumed and last answers offered again."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.helpers import sign_in_as
from tests.application_forms import CURRENT_JOB, QUALIFICATION, SECTIONS, TODAY, complete_draft, submitted_application
from tests.factories import CandidateFactory, CandidateProfileFactory, RecruiterFactory, VacancyFactory
from tests.pages import error_summary_links, field_error, heading, main_text, page, text_of, texts
from webapp.extensions import db
from webapp.models import Application, ApplicationDraft, AuditLog, FunnelEvent


def apply_url(vacancy) -> str:
    return f"/jobs/{vacancy.id}-{vacancy.slug}/apply"


@pytest.fixture
def vacancy(app):
    job = VacancyFactory(title="Social worker, assessment", slug="social-worker-assessment")
    db.session.commit()
    return job


@pytest.fixture
def candidate(app):
    person = CandidateProfileFactory(user=CandidateFactory(full_name="Sam Okafor", email="sam@example.org"),
                                     swe_number="SW123456").user
    db.session.commit()
    return person


@pytest.fixture
def signed_in(client, candidate):
    sign_in_as(client, candidate)
    return client


def drafts() -> list[ApplicationDraft]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(ApplicationDraft)))


def start(client, vacancy) -> str:
    response = client.post(apply_url(vacancy))
    assert response.status_code == 302
    return response.headers["Location"]


def task_statuses(client, url) -> dict[str, str]:
    soup = page(client.get(url))
    return {text_of(item, ".govuk-task-list__name-and-hint"): text_of(item, ".govuk-task-list__status")
            for item in soup.select(".govuk-task-list__item")}


def test_the_start_page_says_what_is_needed_and_starting_makes_a_draft(signed_in, vacancy, candidate):
    start_page = page(signed_in.get(apply_url(vacancy)))
    assert heading(start_page) == f"Apply for {vacancy.title}"
    assert "full employment history, with an explanation of any gap of more than 3 months" in main_text(start_page)
    assert drafts() == []  # looking is not starting
    task_list_url = start(signed_in, vacancy)
    [draft] = drafts()
    started = db.session.scalars(sa.select(FunnelEvent).where(FunnelEvent.kind == "application_started")).all()
    assert [(e.vacancy_id, e.user_id) for e in started] == [(vacancy.id, candidate.id)]
    assert task_list_url.endswith(f"/apply/{draft.id}")
    # The account and profile fill in what they already know.
    assert draft.answers["personal"] == {"full_name": "Sam Okafor", "email": "sam@example.org"}
    assert draft.answers["registration"] == {"number": "SW123456"}
    statuses = task_statuses(signed_in, task_list_url)
    assert list(statuses) == ["Personal details", "Social Work England registration", "Qualifications",
                              "Employment history", "References", "Supporting statement", "Declarations"]
    assert set(statuses.values()) == {"Incomplete"}
    # Coming back to apply resumes the same draft.
    again = signed_in.get(apply_url(vacancy))
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/apply/{draft.id}")
    assert signed_in.post(apply_url(vacancy)).headers["Location"].endswith(f"/apply/{draft.id}")
    assert len(drafts()) == 1


def test_each_section_is_completed_when_its_answers_are_valid_and_the_application_is_sent(signed_in, vacancy,
                                                                                          candidate):
    url = start(signed_in, vacancy)
    for slug, data in SECTIONS.items():
        response = signed_in.post(f"{url}/{slug}", data=data)
        assert response.status_code == 302, (slug, [e for e in texts(page(response), ".govuk-error-message")])
    assert signed_in.post(f"{url}/qualifications/add", data=QUALIFICATION).status_code == 302
    assert signed_in.post(f"{url}/employment-history/add", data=CURRENT_JOB).status_code == 302
    assert set(task_statuses(signed_in, url).values()) == {"Completed"}

    check = page(signed_in.get(f"{url}/check"))
    assert heading(check) == "Check your answers before sending your application"
    assert "SW123456" in text_of(check, "#answers-registration + .govuk-summary-list")
    assert "SE1 7PB" in main_text(check)
    # Without the confirmation nothing is sent.
    refused = signed_in.post(f"{url}/check", data={})
    assert refused.status_code == 400
    assert field_error(page(refused), "confirm").startswith("Confirm that the information")
    assert db.session.scalars(sa.select(Application)).all() == []

    sent = signed_in.post(f"{url}/check", data={"confirm": "y"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/jobs/{vacancy.id}-{vacancy.slug}/applied")
    db.session.expire_all()
    [application] = db.session.scalars(sa.select(Application)).all()
    assert application.answers["registration"]["number"] == "SW123456"
    assert application.answers["personal"]["postcode"] == "SE1 7PB"
    assert application.supporting_statement.startswith("I meet each point")
    assert [(r.position, r.name, r.current_employer, r.consent_to_contact) for r in application.referees] == [
        (1, "Rita Manager", True, True), (2, "Pat Tutor", False, True)]
    assert "referees" not in application.answers  # referees live in their own rows, once
    assert drafts() == []
    assert signed_in.get(url).status_code == 404  # the draft is gone
    # What was sent can be read again from My applications, but not changed.
    sent_page = page(signed_in.get(f"/account/applications/{application.id}/form"))
    assert "SW123456" in text_of(sent_page, "#answers-registration + .govuk-summary-list")
    assert sent_page.select(".govuk-summary-list__actions") == []
    assert f"/account/applications/{application.id}/form" in [
        a["href"] for a in page(signed_in.get("/account/applications")).select("a")]


@pytest.mark.parametrize(("slug", "change", "field", "message"), [
    ("registration", {"number": "123456"}, "number", "SW followed by numbers, like SW123456"),
    ("registration", {"number": ""}, "number", "Enter your Social Work England registration number"),
    ("registration", {"status": ""}, "status", "Select your Social Work England registration status"),
    ("registration", {"checked_day": "31", "checked_month": "2"}, "checked", "must be a real date"),
    ("registration", {"checked_year": str(TODAY.year + 1)}, "checked", "must be today or in the past"),
    ("personal-details", {"postcode": "nowhere"}, "postcode", "Enter a real postcode"),
    ("personal-details", {"email": "sam-at-example"}, "email", "Enter an email address in the correct format"),
    ("personal-details", {"full_name": "x" * 201}, "full_name", "Full name must be 200 characters or fewer"),
    ("references", {"consent": ""}, "consent", "Confirm we may contact your referees"),
    ("references", {"referee2_email": "rita@lambeth.example"}, "referee2_email", "different email addresses"),
    ("references", {"referee1_email": "sam@example.org"}, "referee1_email", "cannot be your own"),
    ("references", {"referee2_phone": "call me"}, "referee2_phone", "Enter a telephone number"),
    ("supporting-statement", {"statement": "   "}, "statement", "Enter your supporting statement"),
    ("supporting-statement", {"statement": "x" * 10001}, "statement", "10,000 characters or fewer"),
    ("declarations", {"criminal_record": "yes"}, "criminal_record_details", "Give details"),
    ("declarations", {"right_to_work": "maybe"}, "right_to_work", "Select yes if you have the right to work"),
    ("declarations", {"related_to_council": "yes"}, "relationship_details", "Give their name"),
])
def test_a_bad_answer_is_refused_beside_its_field_and_nothing_is_saved(signed_in, vacancy, slug, change, field,
                                                                       message):
    url = start(signed_in, vacancy)
    before = dict(drafts()[0].answers)
    data = {**SECTIONS[slug], **change}
    response = signed_in.post(f"{url}/{slug}", data=data)
    assert response.status_code == 400
    soup = page(response)
    assert message in (field_error(soup, field) or "")
    assert any(message in text for text in error_summary_links(soup).values())
    assert drafts()[0].answers == before
    # What was typed is still on the page.
    typed = [v for v in change.values() if v and len(v) < 100 and not v.isdigit() and v not in ("yes", "maybe")]
    for value in typed:
        assert value in response.get_data(as_text=True)


def test_someone_applied_and_waiting_to_register_gives_no_number(signed_in, vacancy):
    url = start(signed_in, vacancy)
    assert texts(page(signed_in.get(f"{url}/registration")), "legend")[0] == \
        "What is your Social Work England registration status?"
    response = signed_in.post(f"{url}/registration", data={"status": "applied", "number": ""})
    assert response.status_code == 302
    assert drafts()[0].answers["registration"] == {"status": "applied", "number": "", "checked_on": None}


def test_gaps_of_more_than_three_months_must_be_explained(signed_in, vacancy):
    url = start(signed_in, vacancy)
    old = {"employer": "Kent County Council", "job_title": "Family support worker", "duties": "Family support",
           "start_month": "1", "start_year": "2014", "end_month": "3", "end_year": "2018",
           "reason_for_leaving": "To study social work"}
    signed_in.post(f"{url}/employment-history/add", data=old)
    signed_in.post(f"{url}/employment-history/add", data=CURRENT_JOB)  # starts 9 2018: April to August missing
    listing = page(signed_in.get(f"{url}/employment-history"))
    assert [t.split(" For example")[0] for t in texts(listing, "#gaps ~ form label")] == [
        "Gap from April 2018 to August 2018 (5 months)"]
    assert task_statuses(signed_in, url)["Employment history"] == "Incomplete"

    empty = signed_in.post(f"{url}/employment-history", data={"gap_1": "  "})
    assert empty.status_code == 400
    assert field_error(page(empty), "gap_1").startswith("Explain the gap from April 2018 to August 2018")
    explained = signed_in.post(f"{url}/employment-history", data={"gap_1": "Studying for my social work degree"})
    assert explained.status_code == 302
    assert task_statuses(signed_in, url)["Employment history"] == "Completed"
    # The list is newest first; removing the current job leaves a gap to today that is unexplained.
    assert drafts()[0].answers["employment"][0]["employer"] == "Lambeth Council"
    assert signed_in.post(f"{url}/employment-history/1/remove").status_code == 302
    assert task_statuses(signed_in, url)["Employment history"] == "Incomplete"
    listing = page(signed_in.get(f"{url}/employment-history"))
    assert texts(listing, "#gaps ~ form label")[0].startswith("Gap from April 2018 to now")


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"start_month": "13"}, "start", "The start date must be a real month and year"),
    ({"start_year": str(TODAY.year + 1)}, "start", "The start date must be this month or in the past"),
    ({"current": "", "end_month": "1", "end_year": "2017"}, "end", "same as or after the start date"),
    ({"current": ""}, "end", "Enter the end date"),
    ({"employer": ""}, "employer", "Enter the employer's name"),
])
def test_a_job_with_bad_dates_is_refused(signed_in, vacancy, change, field, message):
    url = start(signed_in, vacancy)
    response = signed_in.post(f"{url}/employment-history/add", data={**CURRENT_JOB, **change})
    assert response.status_code == 400
    assert message in (field_error(page(response), field) or "")
    assert "employment" not in drafts()[0].answers


def test_a_qualification_can_be_changed_and_removed(signed_in, vacancy):
    url = start(signed_in, vacancy)
    signed_in.post(f"{url}/qualifications/add", data=QUALIFICATION)
    form = page(signed_in.get(f"{url}/qualifications/1"))
    assert form.select_one("#name")["value"] == "BA (Hons) Social Work"
    signed_in.post(f"{url}/qualifications/1", data={**QUALIFICATION, "year": "2019"})
    assert drafts()[0].answers["qualifications"] == [{"name": "BA (Hons) Social Work",
                                                      "institution": "University of Kent", "year": 2019}]
    bad = signed_in.post(f"{url}/qualifications/1", data={**QUALIFICATION, "year": "19"})
    assert bad.status_code == 400 and "must be a real year" in field_error(page(bad), "year")
    confirm = page(signed_in.get(f"{url}/qualifications/1/remove"))
    assert heading(confirm) == "Are you sure you want to remove this qualification?"
    assert signed_in.post(f"{url}/qualifications/1/remove").status_code == 302
    assert drafts()[0].answers["qualifications"] == []
    assert signed_in.get(f"{url}/qualifications/1").status_code == 404
    assert signed_in.post(f"{url}/qualifications/1/remove").status_code == 404


def test_an_incomplete_application_cannot_be_sent(signed_in, vacancy):
    url = start(signed_in, vacancy)
    check = page(signed_in.get(f"{url}/check"))
    assert "You need to complete these sections" in text_of(check, "#missing")
    response = signed_in.post(f"{url}/check", data={"confirm": "y"})
    assert response.status_code == 400
    assert "Complete every section before you send your application" in main_text(page(response))
    assert db.session.scalars(sa.select(Application)).all() == []


def test_the_next_application_starts_from_the_last_answers_but_not_the_statement(signed_in, candidate, vacancy):
    submitted_application(candidate, vacancy)
    db.session.commit()
    second = VacancyFactory(organisation=vacancy.organisation, title="Senior practitioner", slug="senior-practitioner")
    db.session.commit()
    assert "fill in the answers from your last application" in main_text(page(signed_in.get(apply_url(second))))
    url = start(signed_in, second)
    statuses = task_statuses(signed_in, url)
    assert statuses["Supporting statement"] == "Incomplete"
    assert [name for name, status in statuses.items() if status == "Completed"] == [
        "Personal details", "Social Work England registration", "Qualifications", "Employment history",
        "References", "Declarations"]
    draft = [d for d in drafts() if d.vacancy_id == second.id][0]
    assert draft.answers["referees"][0]["email"] == "rita@lambeth.example"
    assert "statement" not in draft.answers


def test_drafts_are_listed_and_can_be_deleted(signed_in, vacancy):
    url = start(signed_in, vacancy)
    draft_id = drafts()[0].id
    listing = page(signed_in.get("/account/applications"))
    card = listing.select_one(f"#draft-{draft_id}").find_parent(class_="govuk-summary-card")
    assert vacancy.title in text_of(card, ".govuk-summary-card__title")
    assert f"/apply/{draft_id}" in [a["href"] for a in card.select("a")]
    assert signed_in.post(f"{url}/delete").status_code == 302
    assert drafts() == []


def test_another_social_worker_cannot_see_or_change_a_draft(client, vacancy, candidate):
    draft = complete_draft(candidate, vacancy)
    db.session.commit()
    before = dict(draft.answers)
    other = CandidateFactory()
    db.session.commit()
    sign_in_as(client, other)
    url = f"/apply/{draft.id}"
    for path in ("", "/personal-details", "/employment-history", "/qualifications/1", "/check", "/delete",
                 "/qualifications/1/remove"):
        assert client.get(url + path).status_code == 404, path
    assert client.post(url + "/personal-details", data=SECTIONS["personal-details"]).status_code == 404
    assert client.post(url + "/check", data={"confirm": "y"}).status_code == 404
    assert client.post(url + "/delete").status_code == 404
    assert client.post(url + "/qualifications/1/remove").status_code == 404
    assert drafts()[0].answers == before
    assert db.session.scalars(sa.select(Application)).all() == []
    sent = submitted_application(candidate, VacancyFactory(organisation=vacancy.organisation))
    db.session.commit()
    assert client.get(f"/account/applications/{sent.id}/form").status_code == 404


def test_recruiters_and_visitors_cannot_use_the_form(client, vacancy, candidate):
    draft = complete_draft(candidate, vacancy)
    db.session.commit()
    assert client.get(f"/apply/{draft.id}").status_code == 302  # sign in first
    sign_in_as(client, RecruiterFactory(organisation=vacancy.organisation))
    db.session.commit()
    assert client.get(f"/apply/{draft.id}").status_code == 403
    assert client.post(f"/apply/{draft.id}/check", data={"confirm": "y"}).status_code == 403


def test_a_draft_for_a_job_that_closed_cannot_be_sent_but_can_be_deleted(signed_in, vacancy, candidate):
    draft = complete_draft(candidate, vacancy)
    vacancy.closing_date = TODAY - dt.timedelta(days=1)
    db.session.commit()
    response = signed_in.post(f"/apply/{draft.id}/check", data={"confirm": "y"})
    assert response.status_code == 410
    assert db.session.scalars(sa.select(Application)).all() == []
    assert "This job has closed" in text_of(page(signed_in.get("/account/applications")), f"#draft-{draft.id}")
    assert signed_in.post(f"/apply/{draft.id}/delete").status_code == 302
    assert drafts() == []


def test_nothing_personal_is_in_the_audit_trail(signed_in, vacancy, candidate):
    submitted_application(candidate, vacancy)
    db.session.commit()
    entries = db.session.scalars(sa.select(AuditLog)).all()
    assert {e.action for e in entries} >= {"application.draft_started", "application.submitted"}
    trail = repr([(e.action, e.detail) for e in entries])
    for secret in ("Okafor", "SW123456", "rita@lambeth.example", "SE1 7PB", "QQ123456C"):
        assert secret not in trail
