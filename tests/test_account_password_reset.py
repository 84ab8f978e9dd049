"""Password reset: the same answer for every address, a signed time-limited link that works once."""
from __future__ import annotations

import email
import email.policy
import re
from urllib.parse import urlsplit

import pytest
from flask import g

from tests.conftest import sent_mail
from tests.factories import PASSWORD, CandidateFactory
from tests.pages import error_summary, field_error, heading, links, page
from webapp.extensions import db
from webapp.models import User
from webapp.services.passwords import verify_password
from webapp.services import accounts

NEW_PASSWORD = "a brand new passphrase"


def reset_links(mail_folder) -> list[str]:
    links = []
    for raw in sent_mail(mail_folder):
        body = email.message_from_string(raw, policy=email.policy.default).get_body(("plain",)).get_content()
        links += re.findall(r"https?://\S+/password-reset/\S+", body)
    return links


def path_of(link: str) -> str:
    return urlsplit(link).path


CHOOSE = "/password-reset/new"  # where the link sends the browser once its token is in the session


def open_link(client, path: str):
    """Follow a reset link: its token moves into the session and the browser lands on CHOOSE."""
    response = client.get(path)
    if response.status_code == 302:
        assert response.headers["Location"] == CHOOSE
        return client.get(CHOOSE)
    return response


def test_request_for_a_registered_address_sends_a_link(client, mail_folder):
    CandidateFactory(email="nia@example.org", full_name="Nia Clarke")
    db.session.commit()
    response = client.post("/password-reset", data={"email": "NIA@example.org"})
    assert response.status_code == 200
    assert heading(page(response)) == "Check your email"
    mails = sent_mail(mail_folder)
    assert len(mails) == 1
    message = email.message_from_string(mails[0], policy=email.policy.default)
    assert message["To"] == "nia@example.org"
    assert "Reset your password" in message["Subject"]
    assert len(reset_links(mail_folder)) == 1


def test_the_link_uses_the_site_url_not_the_host_the_request_named(client, mail_folder, app):
    app.config["SITE_URL"] = "https://jobs.example.gov"
    CandidateFactory(email="nia@example.org")
    db.session.commit()
    client.post("/password-reset", data={"email": "nia@example.org"}, headers={"Host": "evil.example"})
    [link] = reset_links(mail_folder)
    assert link.startswith("https://jobs.example.gov/password-reset/")


def test_request_for_an_unknown_address_looks_exactly_the_same_and_sends_no_link(client, mail_folder):
    CandidateFactory(email="nia@example.org")
    db.session.commit()
    known = client.post("/password-reset", data={"email": "nia@example.org"})
    unknown = client.post("/password-reset", data={"email": "nib@example.org"})

    def as_seen(response, address):
        return re.sub(r'nonce="[^"]+"', "", response.get_data(as_text=True).replace(address, "EMAIL"))

    assert known.status_code == unknown.status_code == 200
    assert heading(page(known)) == "Check your email"  # the same page, and the right one
    assert as_seen(known, "nia@example.org") == as_seen(unknown, "nib@example.org")
    # Each address gets one mail (so the work, and the time, is the same); only the registered one a link.
    assert len(sent_mail(mail_folder)) == 2
    assert len(reset_links(mail_folder)) == 1


def test_request_with_a_malformed_address_is_a_400_with_a_message(client, mail_folder):
    response = client.post("/password-reset", data={"email": "nia at example"})
    assert response.status_code == 400
    [message] = error_summary(page(response))
    assert message.startswith("Enter an email address in the correct format")
    assert field_error(page(response), "email") == message
    assert sent_mail(mail_folder) == []


def test_reset_end_to_end_and_the_link_works_only_once(client, mail_folder):
    user = CandidateFactory(email="nia@example.org")
    db.session.commit()
    changed_before = user.password_changed_at
    client.post("/password-reset", data={"email": "nia@example.org"})
    [link] = reset_links(mail_folder)

    form = open_link(client, path_of(link))
    assert form.status_code == 200
    assert heading(page(form)) == "Choose a new password"
    assert "password-reset/" + path_of(link).rsplit("/", 1)[1] not in form.get_data(as_text=True)

    response = client.post(CHOOSE, data={"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert not verify_password(user.password_hash, PASSWORD)
    assert user.password_changed_at > changed_before

    # The old password no longer works; the new one does.
    assert client.post("/sign-in", data={"email": "nia@example.org", "password": PASSWORD}).status_code == 400
    assert client.post("/sign-in", data={"email": "nia@example.org", "password": NEW_PASSWORD}).status_code == 302
    client.post("/sign-out")

    # Used once: the same link is dead, for reading and for posting.
    again = client.get(path_of(link))
    assert again.status_code == 400
    assert heading(page(again)) == "This link has expired"
    reuse = client.post(CHOOSE, data={"password": "yet another passphrase", "confirm_password": "yet another passphrase"})
    assert reuse.status_code == 400 and heading(page(reuse)) == "This link has expired"
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, NEW_PASSWORD)


def test_an_older_link_dies_when_the_password_changes_another_way(client, mail_folder, app):
    user = CandidateFactory(email="nia@example.org")
    db.session.commit()
    token = accounts.make_reset_token(user)
    accounts.set_password(user, "changed by other means")
    db.session.commit()
    assert accounts.user_for_reset_token(token) is None


def test_an_expired_link_is_refused(client, app):
    user = CandidateFactory(email="nia@example.org")
    db.session.commit()
    token = accounts.make_reset_token(user)
    assert accounts.user_for_reset_token(token) == user
    assert open_link(client, f"/password-reset/{token}").status_code == 200
    app.config["PASSWORD_RESET_MAX_AGE"] = -1  # every token is now older than allowed
    response = client.post(CHOOSE, data={"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 400 and heading(page(response)) == "This link has expired"
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, PASSWORD)


@pytest.mark.parametrize("token", ["not-a-token", "eyJ1IjoxfQ.AAAAAA.BBBBBBBB", "x" * 300])
def test_a_forged_link_is_refused(client, token):
    CandidateFactory(email="nia@example.org")
    db.session.commit()
    response = client.get(f"/password-reset/{token}")
    assert response.status_code == 400 and heading(page(response)) == "This link has expired"


def test_the_choose_page_without_a_link_first_says_the_link_has_expired(client):
    for response in (client.get(CHOOSE), client.post(CHOOSE, data={"password": NEW_PASSWORD,
                                                                  "confirm_password": NEW_PASSWORD})):
        assert response.status_code == 400 and heading(page(response)) == "This link has expired"


def test_a_token_signed_with_another_key_is_refused(app):
    from itsdangerous import URLSafeTimedSerializer

    user = CandidateFactory()
    db.session.commit()
    forged = URLSafeTimedSerializer("another-key", salt="cswjobs.password-reset").dumps({"u": user.id, "p": "x"})
    assert accounts.user_for_reset_token(forged) is None


def test_the_new_password_must_follow_the_rules(client, mail_folder):
    user = CandidateFactory(email="nia@example.org")
    db.session.commit()
    token = accounts.make_reset_token(user)
    open_link(client, f"/password-reset/{token}")
    short = client.post(CHOOSE, data={"password": "too short", "confirm_password": "too short"})
    assert short.status_code == 400
    assert error_summary(page(short)) == ["Your password must be 12 characters or more"]
    assert field_error(page(short), "password") == "Your password must be 12 characters or more"
    mismatch = client.post(CHOOSE, data={"password": NEW_PASSWORD, "confirm_password": "something else"})
    assert mismatch.status_code == 400
    assert error_summary(page(mismatch)) == ["The passwords do not match"]
    assert field_error(page(mismatch), "confirm_password") == "The passwords do not match"
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, PASSWORD)
    # The link still works after a rejected attempt.
    assert open_link(client, f"/password-reset/{token}").status_code == 200


def test_a_deactivated_account_gets_no_link(client, mail_folder):
    CandidateFactory(email="gone@example.org", active=False)
    db.session.commit()
    assert client.post("/password-reset", data={"email": "gone@example.org"}).status_code == 200
    assert reset_links(mail_folder) == []
    [mail] = sent_mail(mail_folder)
    assert "no active account with this address" in mail


def test_the_sign_in_page_links_to_reset(client):
    assert "/password-reset" in [href for _, href in links(page(client.get("/sign-in")), "main a")]


def test_a_reset_signs_out_sessions_that_signed_in_with_the_old_password(app, mail_folder):
    CandidateFactory(email="nia@example.org")
    db.session.commit()
    lost_laptop, phone = app.test_client(), app.test_client()

    def visit(client, method, path, **kwargs):
        # The test's app context (and so flask.g) outlives each request here; Flask-Login caches
        # the signed-in user in g, so forget it to let each client's own cookie decide.
        g.pop("_login_user", None)
        return getattr(client, method)(path, **kwargs)

    assert visit(lost_laptop, "post", "/sign-in", data={"email": "nia@example.org", "password": PASSWORD}).status_code == 302
    assert visit(lost_laptop, "get", "/account/profile").status_code == 200
    assert visit(phone, "get", "/account/profile").status_code == 302  # the phone is not signed in yet

    visit(phone, "post", "/password-reset", data={"email": "nia@example.org"})
    [link] = reset_links(mail_folder)
    visit(phone, "get", path_of(link))
    visit(phone, "post", CHOOSE, data={"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert visit(phone, "post", "/sign-in", data={"email": "nia@example.org", "password": NEW_PASSWORD}).status_code == 302

    assert visit(lost_laptop, "get", "/account/profile").status_code == 302  # signed out
    assert visit(phone, "get", "/account/profile").status_code == 200  # the new session carries on
