"""The recruiter's inbox: applications to review across the council's vacancies, filters, bulk actions with a
confirm step and the council's templates, booking interviews, and blind shortlisting."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from domain.vocabulary import ApplicationStatus
from tests.correspondence import build_world, html_part, mails, mails_to, reload, text_part
from tests.helpers import sign_in_as
from tests.factories import PASSWORD, CandidateFactory, VacancyFactory
from tests.pages import error_summary, heading, main_text, page, text_of, texts
from webapp.extensions import db
from webapp.models import Application, ApplicationMessage, Interview, MessageTemplate, Vacancy
from webapp.services import accounts, blind_shortlisting
from webapp.services import applications as pipeline
from webapp.services import message_templates


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def inbox(world, client):
    """Council A's recruiter, signed in, with three applications over two vacancies."""
    second_vacancy = VacancyFactory(organisation=world.council, title="Senior practitioner, MASH")
    jo = pipeline.submit(CandidateFactory(full_name="Jo Jones", email="jo@example.org"), second_vacancy, "Statement")
    kim = pipeline.submit(CandidateFactory(full_name="Kim King", email="kim@example.org"), world.vacancy, "Statement")
    db.session.commit()
    sign_in_as(client, world.recruiter)
    return {"sam": world.application, "jo": jo, "kim": kim, "mash": second_vacancy}


def _names(response) -> list[str]:
    soup = page(response)
    if soup.select_one("#applications") is None:  # nothing to list: the page says so instead of a table
        return []
    return texts(soup, "#applications a.app-applicant")


def _status(application) -> ApplicationStatus:
    return reload(Application, application.id).status


# --- the list and its filters --------------------------------------------------------------------------

def test_applications_to_review_lists_every_vacancy_oldest_first(client, inbox):
    response = client.get("/recruit/inbox")
    assert response.status_code == 200
    soup = page(response)
    assert heading(soup) == "Applications to review"
    assert _names(response) == ["Sam Social-Worker", "Jo Jones", "Kim King"]
    assert texts(soup, "#applications .app-vacancy") == [
        "Social worker, assessment", "Senior practitioner, MASH", "Social worker, assessment"]


def test_the_filters_narrow_by_status_vacancy_and_date(client, inbox, world):
    pipeline.move(world.recruiter, inbox["kim"], ApplicationStatus.SHORTLISTED)
    db.session.commit()
    assert _names(client.get("/recruit/inbox?status=shortlisted")) == ["Kim King"]
    assert _names(client.get(f"/recruit/inbox?vacancy={inbox['mash'].id}")) == ["Jo Jones"]
    today = dt.date.today()
    assert len(_names(client.get(f"/recruit/inbox?from={today}&to={today}"))) == 3
    tomorrow = today + dt.timedelta(days=1)
    assert text_of(page(client.get(f"/recruit/inbox?from={tomorrow}")), "main h2") == "0 applications"


@pytest.mark.parametrize("query, field, message", [
    ("status=lost", "status", "Choose a status from the list"),
    ("from=31/02/2027", "from", "Received from must be a real date, like 2027-03-27"),
    ("from=2027-03-02&to=2027-03-01", "to", "Received to must be the same as or after received from"),
    ("vacancy=abc", "vacancy", "Choose one of your council's vacancies"),
])
def test_a_wrong_filter_is_a_400_with_a_message(client, inbox, query, field, message):
    response = client.get(f"/recruit/inbox?{query}")
    assert response.status_code == 400
    assert message in error_summary(page(response))


def test_another_councils_vacancy_is_not_a_filter(client, inbox, world):
    theirs = VacancyFactory(organisation=world.other_recruiter.organisation)
    db.session.commit()
    response = client.get(f"/recruit/inbox?vacancy={theirs.id}")
    assert response.status_code == 400 and "Choose one of your council's vacancies" in error_summary(page(response))


def test_another_council_sees_none_of_them(client, inbox, world):
    sign_in_as(client, world.other_recruiter)
    assert _names(client.get("/recruit/inbox")) == []
    sign_in_as(client, world.candidate)
    assert client.get("/recruit/inbox").status_code == 403


# --- bulk actions -------------------------------------------------------------------------------------------

@pytest.fixture
def invite_template(world):
    template = message_templates.save(world.recruiter, "Shortlisted", "We would like to meet you.\n\nBest wishes, Croydon")
    db.session.commit()
    return template


def test_a_bulk_shortlist_is_confirmed_first_and_changes_nothing_until_then(client, inbox, invite_template, mail_folder):
    before = len(mails(mail_folder))
    response = client.post("/recruit/inbox/bulk", data={
        "application": [inbox["sam"].id, inbox["kim"].id], "action": "shortlist", "template": invite_template.id,
        "back_status": "open"})
    assert response.status_code == 200
    soup = page(response)
    assert heading(soup) == "Shortlist 2 applications?"
    assert texts(soup, "#ready li") == ["Sam Social-Worker, Social worker, assessment",
                                        "Kim King, Social worker, assessment"]
    assert "We would like to meet you." in text_of(soup, "#template-body")
    assert _status(inbox["sam"]) == ApplicationStatus.SUBMITTED and len(mails(mail_folder)) == before

    confirm = {"application": [inbox["sam"].id, inbox["kim"].id], "action": "shortlist",
               "template": invite_template.id, "back_status": "open"}
    response = client.post("/recruit/inbox/bulk/confirm", data=confirm)
    assert response.status_code == 302 and response.headers["Location"].endswith("/recruit/inbox?status=open")
    assert _status(inbox["sam"]) == _status(inbox["kim"]) == ApplicationStatus.SHORTLISTED
    assert _status(inbox["jo"]) == ApplicationStatus.SUBMITTED
    assert mails_to(mail_folder, "kim@example.org")[-1]["Subject"] == "You have been shortlisted: Social worker, assessment"
    bodies = db.session.scalars(sa.select(ApplicationMessage.body).order_by(ApplicationMessage.application_id)).all()
    assert bodies == ["We would like to meet you.\n\nBest wishes, Croydon"] * 2

    # Sent again (a double click): nothing moves twice and the confirm page says why.
    response = client.post("/recruit/inbox/bulk/confirm", data=confirm)
    assert response.status_code == 400
    assert "is already shortlisted" in error_summary(page(response))[0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationMessage)) == 2


def test_a_bulk_do_not_progress_sends_the_feedback(client, inbox, mail_folder):
    response = client.post("/recruit/inbox/bulk/confirm", data={
        "application": [inbox["jo"].id], "action": "reject", "feedback": "We had many strong applicants."})
    assert response.status_code == 302
    assert _status(inbox["jo"]) == ApplicationStatus.REJECTED
    assert "We had many strong applicants." in text_part(mails_to(mail_folder, "jo@example.org")[-1])


def test_the_confirm_page_says_which_cannot_be_moved(client, inbox, world):
    pipeline.move(world.recruiter, inbox["kim"], ApplicationStatus.REJECTED)
    db.session.commit()
    soup = page(client.post("/recruit/inbox/bulk", data={"application": [inbox["sam"].id, inbox["kim"].id],
                                                          "action": "shortlist"}))
    assert heading(soup) == "Shortlist 1 application?"
    assert texts(soup, "#skipped li") == ["Kim King, Social worker, assessment: already not progressed"]


@pytest.mark.parametrize("data, message", [
    ({"action": "shortlist"}, "Select at least one application."),
    ({"application": ["1"], "action": "promote"}, "Choose shortlist or do not progress."),
    ({"application": ["x"], "action": "shortlist"}, "The applications chosen could not be read."),
    ({"application": ["1"], "action": "reject", "feedback": "f" * 1001}, "Feedback must be 1000 characters or fewer."),
])
def test_a_bad_bulk_request_is_a_400_with_a_message(client, inbox, data, message):
    for url in ("/recruit/inbox/bulk", "/recruit/inbox/bulk/confirm"):
        response = client.post(url, data=data)
        assert response.status_code == 400
        assert any(e.startswith(message) for e in error_summary(page(response))), error_summary(page(response))
    assert _status(inbox["sam"]) == ApplicationStatus.SUBMITTED


def test_another_councils_application_or_template_in_a_bulk_action_is_a_404(client, inbox, world):
    theirs_vacancy = VacancyFactory(organisation=world.other_recruiter.organisation)
    theirs = pipeline.submit(world.other_candidate, theirs_vacancy, "Statement")
    their_template = message_templates.save(world.other_recruiter, "Theirs", "Hello")
    db.session.commit()
    for url in ("/recruit/inbox/bulk", "/recruit/inbox/bulk/confirm"):
        assert client.post(url, data={"application": [inbox["sam"].id, theirs.id], "action": "shortlist"}
                           ).status_code == 404
        assert client.post(url, data={"application": [inbox["sam"].id], "action": "shortlist",
                                      "template": their_template.id}).status_code == 404
    assert _status(inbox["sam"]) == ApplicationStatus.SUBMITTED
    assert _status(theirs) == ApplicationStatus.SUBMITTED


# --- the council's templates --------------------------------------------------------------------------------

def test_recruiters_keep_their_councils_templates(client, world):
    sign_in_as(client, world.recruiter)
    response = client.post("/recruit/message-templates/new", data={"name": "Not this time", "body": "Thank you."})
    assert response.status_code == 302
    template = db.session.scalar(sa.select(MessageTemplate))
    assert (template.name, template.organisation_id) == ("Not this time", world.council.id)
    assert texts(page(client.get("/recruit/message-templates")), ".govuk-summary-card__title") == ["Not this time"]

    response = client.post(f"/recruit/message-templates/{template.id}/edit", data={"name": "Not now", "body": "Thanks."})
    assert response.status_code == 302 and reload(MessageTemplate, template.id).name == "Not now"

    sign_in_as(client, world.colleague)  # the same council: shared
    assert texts(page(client.get("/recruit/message-templates")), ".govuk-summary-card__title") == ["Not now"]
    # Delete asks first, on its own page; opening it deletes nothing.
    [delete] = page(client.get("/recruit/message-templates")).select(f"#template-{template.id} a.govuk-button--warning")
    confirm = page(client.get(delete["href"]))
    assert text_of(confirm, "h1") == "Delete the template ‘Not now’?"
    assert reload(MessageTemplate, template.id) is not None
    assert client.post(f"/recruit/message-templates/{template.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MessageTemplate)) == 0


@pytest.mark.parametrize("data, field, message", [
    ({"name": "", "body": "x"}, "name", "Enter a name for the template"),
    ({"name": "Shortlisted", "body": "x"}, "name", "Your council already has a template with this name"),
    ({"name": "New", "body": ""}, "body", "Enter the message"),
    ({"name": "n" * 101, "body": "x"}, "name", "Name must be 100 characters or fewer"),
])
def test_a_bad_template_is_refused(client, world, invite_template, data, field, message):
    sign_in_as(client, world.recruiter)
    response = client.post("/recruit/message-templates/new", data=data)
    assert response.status_code == 400
    assert message in error_summary(page(response))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MessageTemplate)) == 1


def test_another_councils_template_is_a_404(client, world, invite_template):
    sign_in_as(client, world.other_recruiter)
    assert client.get(f"/recruit/message-templates/{invite_template.id}/edit").status_code == 404
    assert client.post(f"/recruit/message-templates/{invite_template.id}/edit",
                       data={"name": "Mine now", "body": "x"}).status_code == 404
    assert client.post(f"/recruit/message-templates/{invite_template.id}/delete").status_code == 404
    assert reload(MessageTemplate, invite_template.id).name == "Shortlisted"


# --- interviews --------------------------------------------------------------------------------------------

def _interview(when: dt.date, **fields) -> dict:
    return {"day": [str(when.day), str(when.month), str(when.year)], "time": "10:30",
            "duration_minutes": "60", "format": "in_person", "place": "Bernard Weatherill House, Croydon CR0 1EA",
            "online_link": "", "details": "", **fields}


def test_booking_an_interview_moves_the_application_and_emails_the_candidate(client, world, mail_folder):
    pipeline.move(world.recruiter, world.application, ApplicationStatus.SHORTLISTED)
    db.session.commit()
    sign_in_as(client, world.recruiter)
    day = dt.date.today() + dt.timedelta(days=9)
    assert heading(page(client.get(f"/recruit/applications/{world.application.id}/interview"))) == "Book an interview"
    response = client.post(f"/recruit/applications/{world.application.id}/interview",
                           data=_interview(day, details="Bring your ID."))
    assert response.status_code == 302
    assert _status(world.application) == ApplicationStatus.INTERVIEW
    [interview] = db.session.scalars(sa.select(Interview)).all()
    assert interview.starts_at == dt.datetime.combine(day, dt.time(10, 30))
    latest = mails_to(mail_folder, "sam@example.org")[-1]
    assert latest["Subject"] == "Interview: Social worker, assessment"
    text = text_part(latest)
    assert f"When: {day.day} {day:%B %Y} at 10:30am (London time), about 60 minutes" in text
    assert "Where: Bernard Weatherill House, Croydon CR0 1EA" in text and "Details: Bring your ID." in text
    assert "Bernard Weatherill House" in html_part(latest)

    sign_in_as(client, world.candidate)  # shown with their application
    soup = page(client.get(f"/account/applications/{world.application.id}/messages"))
    assert "Bernard Weatherill House, Croydon CR0 1EA" in text_of(soup, f"#interview-{interview.id}")


def test_an_online_interview_sends_its_link_and_a_second_booking_sends_new_details(client, world, mail_folder):
    pipeline.move(world.recruiter, world.application, ApplicationStatus.SHORTLISTED)
    db.session.commit()
    sign_in_as(client, world.recruiter)
    day = dt.date.today() + dt.timedelta(days=3)
    url = f"/recruit/applications/{world.application.id}/interview"
    assert client.post(url, data=_interview(day, format="online", place="",
                                            online_link="https://teams.example.org/meet/123")).status_code == 302
    assert "Where: online: https://teams.example.org/meet/123" in text_part(mails_to(mail_folder, "sam@example.org")[-1])
    assert client.post(url, data=_interview(day + dt.timedelta(days=1), time="2pm")).status_code == 302
    latest = mails_to(mail_folder, "sam@example.org")[-1]
    assert latest["Subject"] == "Interview details: Social worker, assessment" and "at 2:00pm" in text_part(latest)
    assert _status(world.application) == ApplicationStatus.INTERVIEW


@pytest.mark.parametrize("fields, field, message", [
    ({"day": ["1", "1", "2020"]}, "day", "The interview must be in the future"),
    ({"day": ["31", "2", "2027"]}, "day", "Date must be a real date"),
    ({"time": "25:00"}, "time", "Enter a real time, like 10:30 or 2pm"),
    ({"time": ""}, "time", "Enter the time of the interview"),
    ({"format": "online", "online_link": "http://teams.example.org/1"}, "online_link",
     "Enter a link starting https://, like https://teams.microsoft.com/..."),
    ({"format": "online", "online_link": ""}, "online_link", "Enter the link to join the interview"),
    ({"place": ""}, "place", "Enter the address of the interview"),
    ({"format": ""}, "format", "Choose in person or online"),
    ({"duration_minutes": "5"}, "duration_minutes", "How long must be a whole number of minutes from 15 to 480"),
])
def test_a_bad_interview_is_refused_and_changes_nothing(client, world, mail_folder, fields, field, message):
    pipeline.move(world.recruiter, world.application, ApplicationStatus.SHORTLISTED)
    db.session.commit()
    before = len(mails(mail_folder))
    sign_in_as(client, world.recruiter)
    data = _interview(dt.date.today() + dt.timedelta(days=5), **fields)
    response = client.post(f"/recruit/applications/{world.application.id}/interview", data=data)
    assert response.status_code == 400
    assert message in error_summary(page(response))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Interview)) == 0
    assert _status(world.application) == ApplicationStatus.SHORTLISTED and len(mails(mail_folder)) == before


def test_an_interview_needs_a_shortlisted_application(client, world):
    sign_in_as(client, world.recruiter)
    response = client.post(f"/recruit/applications/{world.application.id}/interview",
                           data=_interview(dt.date.today() + dt.timedelta(days=5)))
    assert response.status_code == 400
    assert "once an application is shortlisted" in error_summary(page(response))[0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Interview)) == 0


def test_another_council_cannot_book_an_interview(client, world):
    pipeline.move(world.recruiter, world.application, ApplicationStatus.SHORTLISTED)
    db.session.commit()
    sign_in_as(client, world.other_recruiter)
    url = f"/recruit/applications/{world.application.id}/interview"
    assert client.get(url).status_code == 404
    assert client.post(url, data=_interview(dt.date.today() + dt.timedelta(days=5))).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Interview)) == 0


# --- blind shortlisting ------------------------------------------------------------------------------------

def test_blind_shortlisting_hides_who_applied_until_shortlisted(client, inbox, world):
    assert client.post(f"/recruit/vacancies/{world.vacancy.id}/blind-shortlisting", data={"blind": "on"}
                       ).status_code == 302
    assert reload(Vacancy, world.vacancy.id).blind_shortlisting is True
    sam = f"A-{inbox['sam'].id:05d}"
    assert _names(client.get("/recruit/inbox")) == [f"Applicant {sam}", "Jo Jones", f"Applicant A-{inbox['kim'].id:05d}"]
    soup = page(client.get(f"/recruit/applications/{inbox['sam'].id}"))
    text = main_text(soup)
    assert heading(soup) == f"Applicant {sam}"
    for identifying in ("Sam Social-Worker", "sam@example.org", "SW123456"):
        assert identifying not in text
    assert "Sam" not in text_of(page(client.get(f"/recruit/vacancies/{world.vacancy.id}")), "#applications ~ table")

    pipeline.move(world.recruiter, inbox["sam"], ApplicationStatus.SHORTLISTED)
    db.session.commit()
    soup = page(client.get(f"/recruit/applications/{inbox['sam'].id}"))
    assert heading(soup) == "Sam Social-Worker" and "sam@example.org" in main_text(soup)
    pipeline.move(world.recruiter, inbox["sam"], ApplicationStatus.REJECTED)  # seen once: stays seen
    db.session.commit()
    assert heading(page(client.get(f"/recruit/applications/{inbox['sam'].id}"))) == "Sam Social-Worker"


def test_blind_shortlisting_is_the_councils_own_setting(client, world):
    sign_in_as(client, world.other_recruiter)
    assert client.post(f"/recruit/vacancies/{world.vacancy.id}/blind-shortlisting", data={"blind": "on"}
                       ).status_code == 404
    sign_in_as(client, world.recruiter)
    assert client.post(f"/recruit/vacancies/{world.vacancy.id}/blind-shortlisting", data={"blind": "maybe"}
                       ).status_code == 400
    assert reload(Vacancy, world.vacancy.id).blind_shortlisting is False


def test_the_applicant_view_reads_the_application_form_and_hides_it_all_while_blind(world):
    world.application.answers = {"personal": {"full_name": "Samira Social-Worker", "address": "1 High Street",
                                              "postcode": "CR0 1AA", "phone": "07700 900982"},
                                 "registration": {"status": "registered", "number": "SW765432"}}
    view = blind_shortlisting.applicant_view(world.application)
    assert (view.hidden, view.name, view.phone, view.address, view.swe_number) == (
        False, "Samira Social-Worker", "07700 900982", "1 High Street, CR0 1AA", "SW765432")
    world.vacancy.blind_shortlisting = True
    view = blind_shortlisting.applicant_view(world.application)
    assert view.hidden and view.display_name == f"Applicant A-{world.application.id:05d}"
    assert {view.name, view.email, view.phone, view.address, view.swe_number} == {blind_shortlisting.HIDDEN}


def test_a_closed_account_is_moved_but_not_messaged_or_mailed(client, inbox, invite_template, mail_folder):

    sam = inbox["sam"].candidate
    accounts.delete_account(sam, PASSWORD)
    db.session.commit()
    before = len(mails(mail_folder))
    response = client.post("/recruit/inbox/bulk/confirm", data={
        "application": [inbox["sam"].id, inbox["kim"].id], "action": "shortlist", "template": invite_template.id})
    assert response.status_code == 302
    assert _status(inbox["sam"]) == _status(inbox["kim"]) == ApplicationStatus.SHORTLISTED
    assert db.session.scalars(sa.select(ApplicationMessage.application_id)).all() == [inbox["kim"].id]
    assert len(mails(mail_folder)) == before + 1
    assert mails_to(mail_folder, "kim@example.org")[-1]["Subject"] == \
        "You have been shortlisted: Social worker, assessment"
