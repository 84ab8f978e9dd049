"""Registering, signing in and out: the forms, their messages, safe redirects and roles."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from domain.vocabulary import UserRole
from tests.factories import PASSWORD, CandidateFactory, RecruiterFactory, UserFactory
from tests import helpers
from tests.pages import error_summary, error_summary_links, field_error, links, page, text_of
from webapp.extensions import db
from webapp.models import AuditLog, User
from webapp.services.passwords import verify_password
from webapp.services import accounts

GOOD = {
    "full_name": "Ama Mensah",
    "email": "Ama.Mensah@Example.org",
    "password": "a long enough passphrase",
    "confirm_password": "a long enough passphrase",
}


def sign_in_as(client, user) -> None:
    # tests.helpers.sign_in_as reads the request for Flask-Login's identifier; give it the client's own.
    with client.application.test_request_context(environ_base=client.environ_base):
        helpers.sign_in_as(client, user)


def count_users() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_register_creates_a_candidate_signs_them_in_and_sends_them_to_their_profile(client):
    response = client.post("/register", data=GOOD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/profile/edit")
    user = db.session.scalar(sa.select(User))
    assert user.email == "ama.mensah@example.org"  # stored in lower case
    assert user.full_name == "Ama Mensah"
    assert user.role == UserRole.CANDIDATE
    assert user.password_hash.startswith("$argon2")
    assert verify_password(user.password_hash, GOOD["password"])
    assert client.get("/account/profile").status_code == 200  # signed in
    assert db.session.scalar(sa.select(AuditLog.action)) == "account.registered"


def test_register_form_shows_itself(client):
    response = client.get("/register")
    assert response.status_code == 200
    form = page(response).select_one('main form[method="post"]')
    names = [field["name"] for field in form.select("input") if field.get("type") != "hidden"]
    assert names == ["full_name", "email", "password", "confirm_password"]
    assert [form.select_one(f'input[name="{name}"]')["type"] for name in ("password", "confirm_password")] == [
        "password", "password"]


@pytest.mark.parametrize("email", ["ama.mensah@example.org", "AMA.MENSAH@EXAMPLE.ORG", "  Ama.Mensah@example.org "])
def test_register_refuses_an_email_already_used_whatever_its_case(client, email):
    CandidateFactory(email="ama.mensah@example.org")
    db.session.commit()
    response = client.post("/register", data={**GOOD, "email": email})
    assert response.status_code == 400
    soup = page(response)
    exists = "An account already exists for this email address. Sign in, or reset your password if you have forgotten it"
    assert error_summary_links(soup) == {"#email": exists}
    assert field_error(soup, "email") == exists
    assert count_users() == 1


def test_register_refuses_a_mixed_case_address_stored_elsewhere(client):
    UserFactory(email="Sam.Jones@Example.org")  # created by an admin tool, not normalised
    db.session.commit()
    response = client.post("/register", data={**GOOD, "email": "sam.jones@example.org"})
    assert response.status_code == 400
    assert error_summary(page(response))[0].startswith("An account already exists for this email address")
    assert count_users() == 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"password": "short pass", "confirm_password": "short pass"}, "Your password must be 12 characters or more"),
        ({"confirm_password": "a different passphrase"}, "The passwords do not match"),
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"email": ""}, "Enter your email address"),
        ({"full_name": "   "}, "Enter your full name"),
        ({"password": "", "confirm_password": ""}, "Enter a password"),
    ],
)
def test_register_rejects_bad_input_with_a_clear_message_and_400(client, change, message):
    response = client.post("/register", data={**GOOD, **change})
    assert response.status_code == 400
    soup = page(response)
    assert text_of(soup, ".govuk-error-summary__title") == "There is a problem"
    [summary_message] = [text for text in error_summary(soup) if text.startswith(message)]
    assert summary_message in [field_error(soup, field) for field in GOOD]  # beside the field too
    assert text_of(soup, "title").startswith("Error:")
    assert count_users() == 0


def test_signed_in_user_visiting_register_goes_home(client):
    user = CandidateFactory()
    db.session.commit()
    sign_in_as(client, user)
    response = client.get("/register")
    assert response.status_code == 302 and response.headers["Location"] == "/account/applications"


def test_sign_in_with_the_right_password_updates_last_sign_in(client):
    user = CandidateFactory(email="kofi@example.org")
    db.session.commit()
    assert user.last_sign_in_at is None
    response = client.post("/sign-in", data={"email": "KOFI@example.org ", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/applications"  # a social worker's home
    db.session.refresh(user)
    assert user.last_sign_in_at is not None
    assert client.get("/account/applications").status_code == 200


@pytest.mark.parametrize("email, password", [
    ("kofi@example.org", "the wrong password"),
    ("nobody@example.org", PASSWORD),
    ("nobody@example.org", "the wrong password"),
])
def test_wrong_email_or_password_gets_one_generic_message(client, email, password):
    CandidateFactory(email="kofi@example.org")
    db.session.commit()
    response = client.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert error_summary(page(html)) == ["Your email address or password is wrong"]
    assert "An account" not in html and "not registered" not in html.lower()
    assert client.get("/account/applications").status_code == 302  # still signed out


def test_unknown_and_known_addresses_get_identical_pages(client):
    CandidateFactory(email="kofi@example.org")
    db.session.commit()
    known = client.post("/sign-in", data={"email": "kofi@example.org", "password": "wrong wrong wrong"})
    unknown = client.post("/sign-in", data={"email": "kofl@example.org", "password": "wrong wrong wrong"})

    def strip(response, email):  # the address typed in and the per-page CSP nonce are meant to differ
        return re.sub(r'nonce="[^"]+"', "", response.get_data(as_text=True).replace(email, "EMAIL"))

    assert known.status_code == unknown.status_code == 400
    assert strip(known, "kofi@example.org") == strip(unknown, "kofl@example.org")


def test_empty_sign_in_form_says_what_is_missing(client):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    assert response.status_code == 400
    soup = page(response)
    assert error_summary_links(soup) == {"#email": "Enter your email address", "#password": "Enter your password"}
    assert (field_error(soup, "email"), field_error(soup, "password")) == (
        "Enter your email address", "Enter your password")


def test_a_deactivated_user_cannot_sign_in(client):
    CandidateFactory(email="gone@example.org", active=False)
    db.session.commit()
    response = client.post("/sign-in", data={"email": "gone@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Your email address or password is wrong"]


def test_sign_in_goes_to_a_safe_next_page(client):
    CandidateFactory(email="kofi@example.org")
    db.session.commit()
    response = client.post("/sign-in?next=/account/profile", data={"email": "kofi@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/profile"


def test_the_sign_in_page_carries_next_through_the_form(client):
    response = client.get("/account/profile")
    assert response.status_code == 302
    assert "/sign-in?next=" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/account/profile"' in page


@pytest.mark.parametrize("target", [
    "https://evil.example/phish",
    "//evil.example/phish",
    "/\\evil.example",
    "\\\\evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "/%0d%0aSet-Cookie:x=1".replace("%0d%0a", "\r\n"),
    "evil.example",
])
def test_sign_in_never_redirects_off_site(client, target):
    CandidateFactory(email="kofi@example.org")
    db.session.commit()
    response = client.post("/sign-in", data={"email": "kofi@example.org", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/applications"  # their own home, never the target


@pytest.mark.parametrize("target, safe", [
    ("/jobs?council=camden", "/jobs?council=camden"),
    ("/account/applications", "/account/applications"),
    ("//evil.example", None),
    ("/\\evil.example", None),
    ("https://evil.example", None),
    ("", None),
    (None, None),
    ("/ok\x00", None),
])
def test_safe_local_path(target, safe):
    assert accounts.safe_local_path(target) == safe


@pytest.mark.parametrize("role, landing", [
    (UserRole.RECRUITER, "/recruit/inbox"),
    (UserRole.ORG_ADMIN, "/recruit/inbox"),
    (UserRole.PROGRAMME_LEAD, "/insights"),
    (UserRole.ADMIN, "/admin/"),
])
def test_staff_sign_in_with_the_same_form_and_land_on_their_home(client, role, landing):
    if role in (UserRole.RECRUITER, UserRole.ORG_ADMIN):
        RecruiterFactory(email="staff@example.org", role=role)
    else:
        UserFactory(email="staff@example.org", role=role)
    db.session.commit()
    response = client.post("/sign-in", data={"email": "staff@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == landing


def test_staff_cannot_reach_candidate_pages(client):
    recruiter = RecruiterFactory()
    db.session.commit()
    sign_in_as(client, recruiter)
    for path in ("/account/profile", "/account/profile/edit", "/account/applications", "/account/your-data",
                 "/account/your-data/download", "/account/delete"):
        assert client.get(path).status_code == 403, path


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for path in ("/account/profile", "/account/applications", "/account/your-data/download", "/account/delete"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/sign-in?next="), path


def test_sign_out_get_only_asks_and_post_signs_out(client):
    user = CandidateFactory()
    db.session.commit()
    sign_in_as(client, user)
    asked = client.get("/sign-out")
    assert asked.status_code == 200
    [form] = page(asked).select('main form[method="post"]')
    assert form.get("action", "/sign-out") == "/sign-out" and form.select_one("button") is not None
    assert client.get("/account/profile").status_code == 200  # GET did not sign out
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert client.get("/account/profile").status_code == 302  # signed out now


def test_the_navigation_links_to_sign_out_when_signed_in(client):
    user = CandidateFactory()
    db.session.commit()
    assert "/sign-out" not in [href for _, href in links(page(client.get("/")), "header a")]
    sign_in_as(client, user)
    header = links(page(client.get("/account/profile")), "header nav a")
    assert ("Sign out", "/sign-out") in header and "/sign-in" not in [href for _, href in header]


def test_sign_out_when_not_signed_in_just_goes_home(client):
    assert client.get("/sign-out").status_code == 302
    assert client.post("/sign-out").status_code == 302
