"""Messages: one thread per application between the council's recruiters and the applicant; nobody else reads
it; new messages are emailed in batches; part of the applicant's data and deleted with their account."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests.correspondence import build_world, mails, mails_to, site, text_part
from tests.helpers import sign_in_as
from tests.factories import PASSWORD
from tests.pages import error_summary, heading, page, texts
from webapp.extensions import db
from webapp.models import ApplicationMessage, MessageSide, Notification
from webapp.services import NotAllowed, messages, notifications


@pytest.fixture
def world(app):
    return build_world()


def _thread(world) -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(m.side.value, m.body) for m in messages.thread(world.application)]


def test_the_candidate_and_the_council_write_to_each_other(world, client, mail_folder):
    sign_in_as(client, world.candidate)
    candidate_page = f"/account/applications/{world.application.id}/messages"
    listed = page(client.get("/account/applications"))
    assert [a.get_text(" ", strip=True) for a in listed.select(f'main a[href="{candidate_page}"]')] == [
        "Messages and interviews (Social worker, assessment)"]
    soup = page(client.get(candidate_page))
    assert heading(soup) == "Your application"
    response = client.post(candidate_page, data={"body": "Is the role open to a four-day week?"})
    assert response.status_code == 302
    assert _thread(world) == [("candidate", "Is the role open to a four-day week?")]

    sign_in_as(client, world.recruiter)
    council_page = f"/recruit/applications/{world.application.id}/messages"
    soup = page(client.get(council_page))
    assert heading(soup) == "Messages with Sam Social-Worker"
    assert texts(soup, "#thread .app-message p.govuk-body") == ["Is the role open to a four-day week?"]
    assert client.post(council_page, data={"body": "Yes: we offer compressed hours."}).status_code == 302
    assert _thread(world)[-1] == ("council", "Yes: we offer compressed hours.")

    sign_in_as(client, world.candidate)
    soup = page(client.get(candidate_page))
    assert texts(soup, "#thread .app-message p.govuk-body") == [
        "Is the role open to a four-day week?", "Yes: we offer compressed hours."]
    assert db.session.scalar(sa.select(ApplicationMessage.read_at).where(
        ApplicationMessage.side == MessageSide.COUNCIL)) is not None  # opened: read


def test_new_messages_are_emailed_in_one_batch_per_person(world, mail_folder):
    before = len(mails(mail_folder))
    messages.send(world.recruiter, world.application, "Could you do Tuesday?")
    messages.send(world.recruiter, world.application, "Or Wednesday?")
    db.session.commit()
    assert len(mails(mail_folder)) == before  # nothing at once: batched
    assert notifications.mail_message_notices() == 1
    [notice] = mails_to(mail_folder, "sam@example.org")[-1:]
    assert notice["Subject"] == "New message about Social worker, assessment"
    text = text_part(notice)
    assert text.count("New message from Croydon about Social worker, assessment") == 2
    assert site(f"/account/applications/{world.application.id}/messages") in text
    assert "Could you do Tuesday?" not in text  # the words stay on the site, behind sign-in
    assert notifications.mail_message_notices() == 0  # none twice

    messages.send(world.candidate, world.application, "Tuesday is fine.")
    db.session.commit()
    assert notifications.mail_message_notices() == 1  # Rita (immediate); Dan waits for his digest
    assert mails_to(mail_folder, "rita@croydon.example")[-1]["Subject"] == \
        "New message about Social worker, assessment"
    assert mails_to(mail_folder, "olu@hackney.example") == []
    assert notifications.mail_daily_digests() == 1
    assert "New message from an applicant" in text_part(mails_to(mail_folder, "dan@croydon.example")[-1])


@pytest.mark.parametrize("body, message", [
    ("", "Enter your message"),
    ("   ", "Enter your message"),
    ("x" * 5001, "Your message must be 5000 characters or fewer"),
])
def test_a_bad_message_is_refused_with_a_clear_message(world, client, body, message):
    sign_in_as(client, world.candidate)
    response = client.post(f"/account/applications/{world.application.id}/messages", data={"body": body})
    assert response.status_code == 400
    assert message in error_summary(page(response))
    assert _thread(world) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.kind == notifications.NEW_MESSAGE)) == 0


@pytest.mark.parametrize("who, path", [
    ("other_candidate", "/account/applications/{id}/messages"),
    ("other_recruiter", "/recruit/applications/{id}/messages"),
])
def test_nobody_else_can_read_or_write_the_thread(world, client, who, path):
    messages.send(world.recruiter, world.application, "Private to Sam.")
    db.session.commit()
    sign_in_as(client, getattr(world, who))
    url = path.format(id=world.application.id)
    assert client.get(url).status_code == 404
    assert client.post(url, data={"body": "Let me in"}).status_code == 404
    assert _thread(world) == [("council", "Private to Sam.")]
    assert client.get(path.format(id=999999)).status_code == 404


def test_each_side_uses_its_own_address(world, client):
    sign_in_as(client, world.recruiter)
    assert client.get(f"/account/applications/{world.application.id}/messages").status_code == 403
    sign_in_as(client, world.candidate)
    assert client.get(f"/recruit/applications/{world.application.id}/messages").status_code == 403


def test_the_service_refuses_an_outsider(world):
    with pytest.raises(NotAllowed):
        messages.send(world.other_recruiter, world.application, "Hello")
    with pytest.raises(NotAllowed):
        messages.send(world.other_candidate, world.application, "Hello")


def test_messages_are_in_the_data_download_and_go_with_the_account(world, client):
    messages.send(world.candidate, world.application, "My question")
    messages.send(world.recruiter, world.application, "Our answer")
    db.session.commit()
    sign_in_as(client, world.candidate)
    data = json.loads(client.get("/account/your-data/download").get_data(as_text=True))
    assert [(m["from"], m["body"]) for m in data["messages"]] == [("you", "My question"), ("the council", "Our answer")]
    assert "Application received: Social worker, assessment" in \
        [n["title"] for n in data["notifications_and_emails"]["notifications"]]
    assert data["notifications_and_emails"]["emails"][0]["subject"] == "Application received: Social worker, assessment"

    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert _thread(world) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.user_id == world.candidate.id)) == 0


def test_the_notices_command_sends_what_the_schedule_would(world, app, mail_folder):
    messages.send(world.candidate, world.application, "A question")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "send-notices", "--digest"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["1 message notice(s) queued.", "1 daily digest(s) queued."]
    assert len(mails_to(mail_folder, "rita@croydon.example")) == 2  # the new application, then the notice
    assert len(mails_to(mail_folder, "dan@croydon.example")) == 1  # the digest
