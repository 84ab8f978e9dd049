"""References: the council's setting, a recruiter's request, the referee's single-use expiring link and form
(no account), reminders, the recruiter's view and PDF, and referees' data as personal data."""
from __future__ import annotations

import datetime as dt
import email
import io
import re
from email import policy

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from domain.funnel import FunnelStep
from domain.safer_recruitment import REFERENCE_QUESTIONS
from domain.vocabulary import ApplicationStatus, UserRole
from tests.helpers import sign_in_as
from tests.application_forms import complete_draft, submitted_application
from tests.conftest import sent_mail
from tests.factories import PASSWORD, CandidateFactory, OrganisationFactory, RecruiterFactory, UserFactory, VacancyFactory
from tests.pages import field_error, heading, main_text, page, text_of, texts
from webapp.extensions import db
from webapp.models import Application, AuditLog, FunnelEvent, RecruitmentSettings, Referee, utcnow
from webapp.services import accounts, application_forms, references
from webapp.services import applications as pipeline

GOOD_REFERENCE = {
    "referee_name": "Rita Manager", "referee_job_title": "Team manager", "known_as": "I was her team manager",
    "known_for": "3 years", "applicant_role": "Social worker", "suitability": "Thorough, warm and reflective.",
    "safeguarding_concerns": "no", "disciplinary": "no", "would_reemploy": "yes", "confirm": "y",
}


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
    candidate = CandidateFactory(full_name="Sam Okafor", email="sam@example.org")
    vacancy = VacancyFactory(organisation=council, title="Social worker, assessment")
    application = submitted_application(candidate, vacancy)
    db.session.commit()
    return application


@pytest.fixture
def shortlisted(application, recruiter):
    pipeline.move(recruiter, application, ApplicationStatus.SHORTLISTED)
    db.session.commit()
    return application


@pytest.fixture
def signed_in(client, recruiter):
    sign_in_as(client, recruiter)
    return client


def referees() -> list[Referee]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Referee).order_by(Referee.position)))


def mail_to(folder, address: str) -> list[email.message.EmailMessage]:
    parsed = [email.message_from_string(raw, policy=policy.default) for raw in sent_mail(folder)]
    return [m for m in parsed if m["To"] == address]


def link_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"http://[^/\s]+(/references/\S+)", text).group(1)


def request(client, application):
    return client.post(f"/recruit/applications/{application.id}/references")


def actions() -> list[str]:
    return [a.action for a in db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id))]


# --- the recruiter ----------------------------------------------------------------------------------------------

def test_the_recruiter_reads_the_whole_application_and_its_referees(signed_in, application):
    soup = page(signed_in.get(f"/recruit/applications/{application.id}"))
    headings = texts(soup, "#application-form ~ h2.govuk-heading-m")
    assert headings[:7] == ["Personal details", "Social Work England registration", "Qualifications",
                            "Employment history", "References", "Supporting statement", "Declarations"]
    assert "SW123456" in text_of(soup, "#answers-registration + .govuk-summary-list")
    assert [heading.split(" Current")[0].split(" Second")[0] for heading in texts(soup, "#references ~ h3")] == [
        "Rita Manager", "Pat Tutor"]
    assert "Not requested" in text_of(soup, "#referee-1 + .govuk-summary-list")
    # Submitted only: this council (the default) requests references at shortlisting.
    assert text_of(soup, "#reference-problem") == "Your council requests references once an applicant is shortlisted."
    assert soup.select("#request-references") == []


def test_references_cannot_be_requested_before_the_councils_stage(signed_in, application, mail_folder):
    response = request(signed_in, application)
    assert response.status_code == 400
    assert "Your council requests references once an applicant is shortlisted." in main_text(page(response))
    assert [r.requested_at for r in referees()] == [None, None]
    assert mail_to(mail_folder, "rita@lambeth.example") == []


def test_requesting_emails_each_referee_a_link_and_is_audited(signed_in, shortlisted, recruiter, mail_folder):
    assert page(signed_in.get(f"/recruit/applications/{shortlisted.id}")).select("#request-references") != []
    response = request(signed_in, shortlisted)
    assert response.status_code == 302 and response.headers["Location"].endswith("#references")
    rita, pat = referees()
    assert rita.requested_by_id == recruiter.id and rita.requested_at is not None
    assert rita.link_expires_at - rita.requested_at == dt.timedelta(days=21)
    assert rita.token_hash and len(rita.token_hash) == 64
    [message] = mail_to(mail_folder, "rita@lambeth.example")
    assert message["Subject"] == "Reference request for Sam Okafor from Croydon"
    link = link_in(message)
    assert rita.token_hash not in link  # only the hash is kept, never the link
    assert len(mail_to(mail_folder, "pat@kent.example")) == 1
    told = [m for m in mail_to(mail_folder, "sam@example.org") if "referees" in m["Subject"]]
    assert [m["Subject"] for m in told] == ["Croydon has asked your referees for references"]
    assert "emailed Rita Manager and Pat Tutor" in told[0].get_body(("plain",)).get_content()
    assert actions().count("reference.requested") == 2
    soup = page(signed_in.get(f"/recruit/applications/{shortlisted.id}"))
    assert "Requested" in text_of(soup, "#referee-1 + .govuk-summary-list")
    # Asking again while the links are in date changes nothing.
    again = request(signed_in, shortlisted)
    assert again.status_code == 400
    assert "Every reference has been requested" in main_text(page(again))
    assert len(mail_to(mail_folder, "rita@lambeth.example")) == 1


def test_another_councils_recruiter_and_a_social_worker_are_refused(client, shortlisted, mail_folder):
    other = RecruiterFactory(organisation=OrganisationFactory(name="Hackney", slug="hackney"))
    db.session.commit()
    sign_in_as(client, other)
    assert request(client, shortlisted).status_code == 404
    assert client.get(f"/recruit/applications/{shortlisted.id}/application.pdf").status_code == 404
    sign_in_as(client, shortlisted.candidate)
    assert request(client, shortlisted).status_code == 403
    assert client.get(f"/recruit/applications/{shortlisted.id}/application.pdf").status_code == 403
    assert [r.requested_at for r in referees()] == [None, None]
    assert "application.downloaded" not in actions()
    assert mail_to(mail_folder, "rita@lambeth.example") == []


def test_the_pdf_is_the_whole_application_for_that_councils_recruiters(signed_in, shortlisted):
    response = signed_in.get(f"/recruit/applications/{shortlisted.id}/application.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="application-CSW-{shortlisted.id:06d}.pdf"' in response.headers["Content-Disposition"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("Application for Social worker, assessment", "Sam Okafor", "SW123456", "Employment history",
                     "Rita Manager", "Right to work in the UK"):
        assert expected in text
    assert actions()[-1] == "application.downloaded"


def test_a_council_administrator_chooses_when_references_are_requested(client, council, application, recruiter):
    admin = UserFactory(role=UserRole.ORG_ADMIN, organisation=council)
    db.session.commit()
    sign_in_as(client, recruiter)
    assert client.get("/recruit/council/references").status_code == 403  # recruiters do not change settings
    sign_in_as(client, admin)
    form = page(client.get("/recruit/council/references"))
    assert form.select_one("input[name=references_at][checked]")["value"] == "shortlisted"
    bad = client.post("/recruit/council/references", data={"references_at": "whenever"})
    assert bad.status_code == 400
    assert field_error(page(bad), "references_at") == "Select when references should be requested"
    assert db.session.get(RecruitmentSettings, council.id) is None
    assert client.post("/recruit/council/references", data={"references_at": "offered"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(RecruitmentSettings, council.id).references_at.value == "offered"
    assert "council.reference_stage_changed" in actions()
    # Now shortlisting is not enough; an offer is.
    pipeline.move(recruiter, application, ApplicationStatus.SHORTLISTED)
    db.session.commit()
    assert "after an offer" not in references.request_problem(application)
    assert references.request_problem(application) == \
        "Your council requests references once an applicant is offered the job."
    pipeline.move(recruiter, application, ApplicationStatus.INTERVIEW)
    pipeline.move(recruiter, application, ApplicationStatus.OFFERED)
    assert references.request_problem(application) is None


# --- the referee ------------------------------------------------------------------------------------------------

@pytest.fixture
def links(signed_in, shortlisted, mail_folder) -> dict[str, str]:
    request(signed_in, shortlisted)
    signed_in.get("/")  # the referee is someone else: a fresh client below
    return {address: link_in(mail_to(mail_folder, address)[0]) for address in ("rita@lambeth.example",
                                                                               "pat@kent.example")}


def test_a_referee_gives_a_reference_without_an_account_and_the_link_then_stops_working(app, links, shortlisted,
                                                                                        caplog):
    caplog.set_level("INFO")
    referee_client = app.test_client()
    link = links["rita@lambeth.example"]
    form = page(referee_client.get(link))
    assert heading(form) == "Give a reference for Sam Okafor"
    assert form.select_one("#referee_name")["value"] == "Rita Manager"
    assert [legend for legend in texts(form, "legend")] == [
        REFERENCE_QUESTIONS["safeguarding_concerns"], REFERENCE_QUESTIONS["disciplinary"],
        REFERENCE_QUESTIONS["would_reemploy"]]
    response = referee_client.post(link, data=GOOD_REFERENCE)
    assert response.status_code == 200 and heading(page(response)) == "Reference sent"
    rita = referees()[0]
    assert rita.received_at is not None and not rita.declined and rita.token_hash is None
    assert rita.reference["suitability"] == "Thorough, warm and reflective."
    assert "reference.received" in actions()
    steps = db.session.scalars(sa.select(FunnelEvent).where(
        FunnelEvent.kind == FunnelStep.REFERENCE_RECEIVED.value)).all()
    assert [s.application_id for s in steps] == [shortlisted.id]
    # Used: a 410 that says so, and nothing changes.
    for method in ("get", "post"):
        used = getattr(referee_client, method)(link, data={**GOOD_REFERENCE, "suitability": "Changed"})
        assert used.status_code == 410
        assert "already been given" in text_of(page(used), "#reason")
    assert referees()[0].reference["suitability"] == "Thorough, warm and reflective."
    token = link.rsplit("/", 1)[1]
    assert "/references/" in caplog.text and token not in caplog.text  # the link is a key: never logged
    assert "Thorough" not in caplog.text


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"suitability": ""}, "suitability", "Tell us how suited they are to this job"),
    ({"safeguarding_concerns": ""}, "safeguarding_concerns", "Select yes if you are aware"),
    ({"safeguarding_concerns": "yes"}, "safeguarding_details", "Give details of your concerns"),
    ({"would_reemploy": "no"}, "reemploy_details", "Tell us why you would not employ them again"),
    ({"confirm": ""}, "confirm", "Confirm that this reference is accurate"),
    ({"referee_name": "x" * 201}, "referee_name", "Your name must be 200 characters or fewer"),
])
def test_a_bad_reference_is_refused_beside_its_field_and_the_link_still_works(app, links, change, field, message):
    referee_client = app.test_client()
    link = links["rita@lambeth.example"]
    response = referee_client.post(link, data={**GOOD_REFERENCE, **change})
    assert response.status_code == 400
    assert message in (field_error(page(response), field) or "")
    rita = referees()[0]
    assert rita.received_at is None and rita.reference is None and rita.token_hash is not None
    assert referee_client.get(link).status_code == 200


def test_a_referee_can_say_they_cannot_give_one(app, links, signed_in, shortlisted):
    referee_client = app.test_client()
    link = links["pat@kent.example"]
    assert referee_client.post(link + "/cannot-give", data={"decline_reason": " "}).status_code == 400
    assert referees()[1].received_at is None
    response = referee_client.post(link + "/cannot-give", data={"decline_reason": "I only taught her for a term"})
    assert response.status_code == 200 and heading(page(response)) == "Thank you for letting us know"
    pat = referees()[1]
    assert pat.declined and pat.reference == {"decline_reason": "I only taught her for a term"}
    soup = page(signed_in.get(f"/recruit/applications/{shortlisted.id}"))
    assert "Could not give one" in text_of(soup, "#referee-2 + .govuk-summary-list")
    assert "I only taught her for a term" in main_text(soup)
    assert referee_client.get(link).status_code == 410


def test_unknown_tampered_and_expired_links(app, links):
    referee_client = app.test_client()
    link = links["rita@lambeth.example"]
    assert referee_client.get("/references/not-a-real-token").status_code == 404
    assert referee_client.get(link[:-3] + "abc").status_code == 404  # the signature no longer matches
    rita = referees()[0]
    rita.link_expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    expired = referee_client.post(link, data=GOOD_REFERENCE)
    assert expired.status_code == 410 and "This link has expired" in text_of(page(expired), "#reason")
    assert referees()[0].reference is None


def test_reminders_carry_a_new_link_and_the_old_one_stops(app, links, mail_folder, monkeypatch):
    old_link = links["rita@lambeth.example"]
    assert references.send_reminders() == 0  # too soon
    later = utcnow() + dt.timedelta(days=6)
    assert references.send_reminders(later) == 2
    assert references.send_reminders(later) == 0  # a repeated run sends nothing twice
    messages = {m["Subject"]: m for m in mail_to(mail_folder, "rita@lambeth.example")}
    assert sorted(messages) == ["Reference request for Sam Okafor from Croydon",
                                "Reminder: Reference request for Sam Okafor from Croydon"]
    new_link = link_in(messages["Reminder: Reference request for Sam Okafor from Croydon"])
    assert new_link != old_link
    referee_client = app.test_client()
    replaced = referee_client.get(old_link)
    assert replaced.status_code == 410 and "replaced by a newer one" in text_of(page(replaced), "#reason")
    assert referee_client.get(new_link).status_code == 200
    assert referees()[0].reminders_sent == 1
    assert actions().count("reference.reminded") == 2
    # At most REFERENCE_REMINDERS_MAX (2) reminders.
    assert references.send_reminders(later + dt.timedelta(days=6)) == 2
    assert references.send_reminders(later + dt.timedelta(days=12)) == 0
    assert [r.reminders_sent for r in referees()] == [2, 2]
    # With more reminders allowed, an answered reference still gets none, and nobody is reminded once the
    # 21-day link has expired.
    monkeypatch.setitem(app.config, "REFERENCE_REMINDERS_MAX", 5)
    rita = referees()[0]
    rita.reference, rita.received_at = {"suitability": "Good"}, utcnow()
    db.session.commit()
    assert references.send_reminders(later + dt.timedelta(days=12)) == 1  # Pat only
    assert [r.reminders_sent for r in referees()] == [2, 3]
    assert references.send_reminders(later + dt.timedelta(days=30)) == 0


# --- referees' data as personal data ------------------------------------------------------------------------------

def test_the_applicants_export_has_their_referees_but_not_the_confidential_reference(app, links, shortlisted):
    app.test_client().post(links["rita@lambeth.example"], data=GOOD_REFERENCE)
    data = accounts.export_personal_data(shortlisted.candidate)
    assert [r["email"] for r in data["referees"]] == ["rita@lambeth.example", "pat@kent.example"]
    assert data["referees"][0]["received_at"] is not None
    assert "Thorough" not in repr(data)
    [form] = data["application_forms"]
    assert form["answers"]["registration"]["number"] == "SW123456"


def test_deleting_the_account_deletes_referees_answers_and_drafts(app, shortlisted, council):
    candidate = shortlisted.candidate
    second = VacancyFactory(organisation=council, title="Senior practitioner")
    db.session.commit()
    complete_draft(candidate, second)
    db.session.commit()
    accounts.delete_account(candidate, PASSWORD)
    db.session.commit()
    assert referees() == []
    assert db.session.get(Application, shortlisted.id).answers is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("application_drafts"))) == 0


def test_referee_data_of_finished_applications_is_deleted_after_the_retention_period(app, shortlisted, recruiter):
    pipeline.move(recruiter, shortlisted, ApplicationStatus.REJECTED)
    db.session.commit()
    assert references.delete_referee_data_older_than(30) == 0  # too recent
    assert references.delete_referee_data_older_than(30, now=utcnow() + dt.timedelta(days=31)) == 2
    db.session.commit()
    assert referees() == []
    with pytest.raises(ValueError):
        references.delete_referee_data_older_than(0)


def test_live_applications_keep_their_referees_whatever_their_age(app, shortlisted):
    assert references.delete_referee_data_older_than(1, now=utcnow() + dt.timedelta(days=400)) == 0
    assert len(referees()) == 2


def test_blind_shortlisting_leaves_out_who_the_applicant_and_their_referees_are(app, application):
    rows = dict(application_forms.summary(application.answers, application_forms.referees_as_answers(
        application.referees), hide_identity=True))
    shown = repr(rows)
    for identifying in ("Sam Okafor", "SW123456", "SE1 7PB", "020 7946 0000", "Rita Manager", "rita@lambeth.example"):
        assert identifying not in shown
    assert "University of Kent" in shown and "Lambeth Council" in shown  # qualifications and jobs are judged
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(
        application_forms.application_pdf(application, hide_identity=True))).pages)
    assert "Sam Okafor" not in text and "SW123456" not in text and "Hidden until shortlisting" in text


def test_when_the_application_ends_the_links_stop_and_nobody_is_reminded(app, links, shortlisted, recruiter):
    pipeline.move(recruiter, shortlisted, ApplicationStatus.REJECTED)
    db.session.commit()
    response = app.test_client().post(links["rita@lambeth.example"], data=GOOD_REFERENCE)
    assert response.status_code == 410 and "no longer needs this reference" in text_of(page(response), "#reason")
    assert referees()[0].reference is None
    assert references.send_reminders(utcnow() + dt.timedelta(days=6)) == 0


def test_a_blind_vacancy_hides_the_form_s_identifying_answers_until_shortlisting(signed_in, application, recruiter):
    application.vacancy.blind_shortlisting = True
    db.session.commit()
    soup = page(signed_in.get(f"/recruit/applications/{application.id}"))
    answers = text_of(soup, "#answers-personal-details + .govuk-summary-list")
    assert "Sam Okafor" not in answers and "Hidden until shortlisting" in answers
    assert "SW123456" not in text_of(soup, "#answers-registration + .govuk-summary-list")
    assert soup.select("#referees-hidden") != [] and "Rita Manager" not in main_text(soup)
    pdf = signed_in.get(f"/recruit/applications/{application.id}/application.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Sam Okafor" not in text and "SW123456" not in text
    pipeline.move(recruiter, application, ApplicationStatus.SHORTLISTED)
    db.session.commit()
    soup = page(signed_in.get(f"/recruit/applications/{application.id}"))
    assert "Sam Okafor" in text_of(soup, "#answers-personal-details + .govuk-summary-list")
