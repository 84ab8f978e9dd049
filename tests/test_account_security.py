"""With CSRF protection and rate limits switched on, as in production."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests import helpers
from tests.factories import PASSWORD, CandidateFactory, OrganisationFactory
from webapp.extensions import db
from webapp.models import Follow, User


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True, "SIGN_IN_RATE_LIMIT": "3 per minute"}


def sign_in_as(client, user) -> None:
    with client.application.test_request_context(environ_base=client.environ_base):
        helpers.sign_in_as(client, user)


def test_sign_in_without_the_csrf_token_is_refused(client):
    CandidateFactory(email="kofi@example.org")
    db.session.commit()
    response = client.post("/sign-in", data={"email": "kofi@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    assert client.get("/account/profile").status_code == 302  # not signed in


def test_sign_in_with_the_csrf_token_works(client):
    CandidateFactory(email="kofi@example.org")
    db.session.commit()
    token = helpers.csrf_token(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/sign-in", data={"email": "kofi@example.org", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_register_without_the_csrf_token_creates_nobody(client):
    response = client.post("/register", data={"full_name": "A B", "email": "ab@example.org",
                                              "password": "long enough password", "confirm_password": "long enough password"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_follow_and_sign_out_need_the_csrf_token(client):
    user = CandidateFactory()
    OrganisationFactory(slug="camden", name="Camden")
    db.session.commit()
    sign_in_as(client, user)
    assert client.post("/councils/camden/follow").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Follow)) == 0
    assert client.post("/sign-out").status_code == 400
    assert client.get("/account/profile").status_code == 200  # still signed in

    token = helpers.csrf_token(client.get("/sign-out").get_data(as_text=True))
    assert client.post("/councils/camden/follow", data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Follow)) == 1
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/account/profile").status_code == 302


def test_profile_and_delete_need_the_csrf_token(client):
    user = CandidateFactory()
    db.session.commit()
    sign_in_as(client, user)
    assert client.post("/account/profile/role-and-registration", data={"in_asye": "yes", "role_level": "nqsw"}
                       ).status_code == 400
    assert client.post("/account/profile/check-answers").status_code == 400
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).active


def test_sign_in_is_rate_limited_per_address(client):
    CandidateFactory(email="kofi@example.org")
    db.session.commit()
    token = helpers.csrf_token(client.get("/sign-in").get_data(as_text=True))
    statuses = [
        client.post("/sign-in", data={"email": "kofi@example.org", "password": "a wrong password", "csrf_token": token}).status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    page = client.post("/sign-in", data={"email": "kofi@example.org", "password": PASSWORD, "csrf_token": token})
    assert page.status_code == 429  # even the right password waits: guessing is what is being slowed
    assert "Too many attempts" in page.get_data(as_text=True)
    assert client.get("/sign-in").status_code == 200  # reading the page is not limited
