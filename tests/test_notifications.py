"""Notifications: the social worker hears of every step, recruiters of each new application (at once or in a
morning digest), both on the site; bounced addresses are shown and skipped; the provider's bounce webhook."""
from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa

from domain.vocabulary import ApplicationStatus
from tests.correspondence import build_world, html_part, mails, mails_to, reload, site, text_part
from tests.helpers import sign_in_as
from tests.pages import error_summary, heading, page, text_of, texts
from webapp.extensions import db
from webapp.models import Application, BouncedAddress, MailFrequency, MailStatus, Notification, OutgoingMail, User
from webapp.services import ServiceError, notifications, outgoing_mail
from webapp.services import applications as pipeline


@pytest.fixture
def world(app):
    return build_world()


def _notes(user: User) -> list[tuple[str, str]]:
    return [(n.kind, n.title) for n in db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


# --- who hears what -------------------------------------------------------------------------------------

def test_submitting_tells_the_candidate_and_each_recruiter_their_way(world, mail_folder):
    [confirmation] = mails_to(mail_folder, "sam@example.org")
    assert confirmation["Subject"] == "Application received: Social worker, assessment"
    text = text_part(confirmation)
    assert "Hello Sam Social-Worker," in text and "Croydon has your application for Social worker, assessment." in text
    link = site(f"/account/applications/{world.application.id}/messages")
    assert f"See your application: {link}" in text
    assert f'href="{link}"' in html_part(confirmation)

    [to_rita] = mails_to(mail_folder, "rita@croydon.example")  # immediate
    assert to_rita["Subject"] == "New application: Social worker, assessment"
    assert f"A-{world.application.id:05d}" in text_part(to_rita)
    assert "Sam" not in text_part(to_rita) + html_part(to_rita)  # recruiters' mail never names the applicant
    assert mails_to(mail_folder, "dan@croydon.example") == []  # chose the morning digest
    assert mails_to(mail_folder, "olu@hackney.example") == []  # another council

    assert _notes(world.candidate) == [("application_submitted", "Application received: Social worker, assessment")]
    assert _notes(world.recruiter) == _notes(world.colleague) == [
        ("new_application", "New application: Social worker, assessment")]
    assert _notes(world.other_recruiter) == []


def test_the_daily_digest_goes_once_to_those_who_chose_it(world, mail_folder):
    second = pipeline.submit(world.other_candidate, world.vacancy, "Statement")
    db.session.commit()
    assert notifications.mail_daily_digests() == 1
    [digest] = mails_to(mail_folder, "dan@croydon.example")
    assert digest["Subject"] == "Your daily summary: 2 updates"
    text = text_part(digest)
    assert site(f"/recruit/applications/{world.application.id}") in text
    assert site(f"/recruit/applications/{second.id}") in text
    assert notifications.mail_daily_digests() == 0  # nothing new: nothing sent again
    assert len(mails_to(mail_folder, "dan@croydon.example")) == 1
    assert len(mails_to(mail_folder, "rita@croydon.example")) == 2  # immediate: one each, never a digest


@pytest.mark.parametrize("status, subject, words", [
    (ApplicationStatus.SHORTLISTED, "You have been shortlisted: Social worker, assessment",
     "you have been shortlisted for Social worker, assessment at Croydon"),
    (ApplicationStatus.REJECTED, "Your application for Social worker, assessment",
     "decided not to progress your application"),
])
def test_each_status_change_emails_the_candidate(world, mail_folder, status, subject, words):
    pipeline.move(world.recruiter, world.application, status)
    db.session.commit()
    latest = mails_to(mail_folder, "sam@example.org")[-1]
    assert latest["Subject"] == subject and words in text_part(latest)
    assert _notes(world.candidate)[-1][1] == subject


def test_not_progressing_carries_the_feedback(world, mail_folder):
    pipeline.move(world.recruiter, world.application, ApplicationStatus.REJECTED,
                  note="internal: weak on assessment", feedback="Strong statement; we needed more court work.")
    db.session.commit()
    latest = mails_to(mail_folder, "sam@example.org")[-1]
    assert "FEEDBACK FROM THE COUNCIL\nStrong statement; we needed more court work." in text_part(latest)
    assert "Strong statement; we needed more court work." in html_part(latest)
    assert "internal" not in text_part(latest)  # the recruiters' note stays with them


def test_not_progressing_from_the_application_page_emails_the_feedback(world, mail_folder, client):
    sign_in_as(client, world.recruiter)
    response = client.post(f"/recruit/applications/{world.application.id}/move",
                           data={"to_status": "rejected", "feedback": "We needed more court experience."})
    assert response.status_code == 302
    assert "We needed more court experience." in text_part(mails_to(mail_folder, "sam@example.org")[-1])


def test_feedback_too_long_is_refused_and_nothing_changes(world, mail_folder, client):
    before = len(mails(mail_folder))
    sign_in_as(client, world.recruiter)
    response = client.post(f"/recruit/applications/{world.application.id}/move",
                           data={"to_status": "rejected", "feedback": "x" * 1001})
    assert response.status_code == 400
    assert "Feedback must be 1000 characters or fewer" in error_summary(page(response))
    assert reload(Application, world.application.id).status == ApplicationStatus.SUBMITTED
    assert len(mails(mail_folder)) == before
    with pytest.raises(ServiceError, match="Feedback must be 1000 characters or fewer"):
        pipeline.move(world.recruiter, world.application, ApplicationStatus.REJECTED, feedback="x" * 1001)


def test_withdrawing_confirms_to_the_candidate_and_tells_the_council(world, mail_folder):
    pipeline.withdraw(world.candidate, world.application)
    db.session.commit()
    latest = mails_to(mail_folder, "sam@example.org")[-1]
    assert latest["Subject"] == "Application withdrawn: Social worker, assessment"
    assert ("applicant_withdrew", "Application withdrawn: Social worker, assessment") in _notes(world.recruiter)


def test_a_failed_move_sends_nothing(world, mail_folder):
    before = len(mails(mail_folder))
    with pytest.raises(ServiceError):
        pipeline.move(world.recruiter, world.application, ApplicationStatus.HIRED)
    db.session.rollback()
    assert len(mails(mail_folder)) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == before


# --- the notifications page -----------------------------------------------------------------------------

def test_the_candidate_reads_their_notifications_and_marks_them_read(world, client):
    pipeline.move(world.recruiter, world.application, ApplicationStatus.SHORTLISTED)
    db.session.commit()
    sign_in_as(client, world.candidate)
    soup = page(client.get("/notifications"))
    assert heading(soup) == "Notifications"
    assert texts(soup, "#notifications h2 a") == [
        "You have been shortlisted: Social worker, assessment", "Application received: Social worker, assessment"]
    assert texts(soup, "#notifications .govuk-tag") == ["New", "New"]
    assert soup.select_one("#notifications h2 a")["href"] == f"/account/applications/{world.application.id}/messages"
    assert client.post("/notifications/read").status_code == 302
    soup = page(client.get("/notifications"))
    assert texts(soup, "#notifications .govuk-tag") == []
    assert "You have read everything." in text_of(soup, "main")


def test_nobody_sees_anyone_elses_notifications(world, client):
    sign_in_as(client, world.other_recruiter)
    soup = page(client.get("/notifications"))
    assert texts(soup, "#notifications h2") == []
    assert client.post("/notifications/read").status_code == 302
    assert all(n.read_at is None for n in db.session.scalars(sa.select(Notification)))


def test_notifications_need_signing_in(client, world):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_bounced_address_is_shown_and_can_be_tried_again(world, client, mail_folder):
    outgoing_mail.record_bounce("sam@example.org", "smtp", "550 mailbox unavailable")
    db.session.commit()
    pipeline.move(world.recruiter, world.application, ApplicationStatus.SHORTLISTED)
    db.session.commit()
    assert len(mails_to(mail_folder, "sam@example.org")) == 1  # only the confirmation, before the bounce
    suppressed = db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.status == MailStatus.SUPPRESSED)).all()
    assert [m.kind for m in suppressed] == ["status_changed"]

    sign_in_as(client, world.candidate)
    soup = page(client.get("/notifications"))
    assert text_of(soup, "#email-bounced") == "We couldn't reach sam@example.org"
    assert client.post("/notifications/email-address/try-again").status_code == 302
    assert not outgoing_mail.is_bounced("sam@example.org")
    assert page(client.get("/notifications")).select_one("#email-bounced") is None


# --- a recruiter's choice ---------------------------------------------------------------------------------

def test_a_recruiter_chooses_a_daily_digest(world, client):
    sign_in_as(client, world.recruiter)
    soup = page(client.get("/notifications/email-settings"))
    assert soup.select_one('input[name="application_mail"][value="immediate"]').has_attr("checked")
    response = client.post("/notifications/email-settings", data={"application_mail": "daily"})
    assert response.status_code == 302
    assert reload(User, world.recruiter.id).application_mail == MailFrequency.DAILY


def test_a_wrong_choice_is_refused_with_a_message(world, client):
    sign_in_as(client, world.recruiter)
    response = client.post("/notifications/email-settings", data={"application_mail": "hourly"})
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Not a valid choice."] or \
        any("choose" in e.lower() or "valid" in e.lower() for e in error_summary(page(response)))
    assert reload(User, world.recruiter.id).application_mail == MailFrequency.IMMEDIATE


def test_social_workers_have_no_digest_choice(world, client):
    sign_in_as(client, world.candidate)
    assert client.get("/notifications/email-settings").status_code == 403
    assert client.post("/notifications/email-settings", data={"application_mail": "daily"}).status_code == 403


# --- bounces from the mail provider ---------------------------------------------------------------------

def _basic(password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"postmark:{password}".encode()).decode()}


def test_the_bounce_webhook_is_off_until_it_has_a_token(client, app):
    assert client.post("/mail/bounces", json={"Type": "HardBounce", "Email": "a@example.org"}).status_code == 404


def test_the_bounce_webhook_records_hard_bounces_only(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "BOUNCE_WEBHOOK_TOKEN", "s3cret-token")
    hard = {"RecordType": "Bounce", "Type": "HardBounce", "Email": "Gone@Example.org", "Description": "Unknown user"}
    assert client.post("/mail/bounces", json=hard).status_code == 401
    assert client.post("/mail/bounces", json=hard, headers=_basic("wrong")).status_code == 401
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BouncedAddress)) == 0

    response = client.post("/mail/bounces", json=hard, headers=_basic("s3cret-token"))
    assert response.status_code == 200 and response.json == {"recorded": True}
    assert outgoing_mail.bounce_for("gone@example.org").source == "webhook"

    soft = {"RecordType": "Bounce", "Type": "SoftBounce", "Email": "full@example.org"}
    assert client.post("/mail/bounces", json=soft, headers=_basic("s3cret-token")).json == {"recorded": False}
    assert not outgoing_mail.is_bounced("full@example.org")

    bad = client.post("/mail/bounces", data="not json", headers=_basic("s3cret-token"))
    assert bad.status_code == 400 and "Email and Type" in bad.json["error"]


def test_record_bounce_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["mail", "record-bounce", "Old@Example.org", "--reason", "mailbox closed"])
    assert result.exit_code == 0, result.output
    assert outgoing_mail.bounce_for("old@example.org").reason == "mailbox closed"
    result = runner.invoke(args=["mail", "record-bounce", "not-an-address"])
    assert result.exit_code != 0 and "Enter the email address that bounced" in result.output


def test_the_navigation_counts_unread_notifications(world, client):
    sign_in_as(client, world.candidate)
    assert "Notifications (1)" in texts(page(client.get("/jobs")), ".govuk-service-navigation__item")
    client.post("/notifications/read")
    assert "Notifications" in texts(page(client.get("/jobs")), ".govuk-service-navigation__item")
