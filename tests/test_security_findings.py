"""Issue 14's findings, each replayed as the attacker or operator found it: every test here failed before its fix."""
from __future__ import annotations

import pytest

from tests.factories import PASSWORD, CandidateFactory
from webapp.extensions import db
from webapp.models import User
from webapp.services import accounts


def _sign_in(client, email: str, password: str = PASSWORD) -> None:
    response = client.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def _signed_in(client) -> bool:
    return client.get("/account/profile").status_code == 200


def _copy_of_the_cookie(client, app) -> str:
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    return cookie.value


def _replay(app, cookie: str):
    thief = app.test_client()
    thief.set_cookie(app.config.get("SESSION_COOKIE_NAME", "session"), cookie)
    return thief


# --- sessions end on the server ---------------------------------------------------------------------------


def test_a_copied_cookie_stops_working_once_its_owner_signs_out(client, app):
    CandidateFactory(email="kofi@example.org")
    db.session.commit()
    _sign_in(client, "kofi@example.org")
    stolen = _copy_of_the_cookie(client, app)
    assert _signed_in(_replay(app, stolen))

    assert client.post("/sign-out").status_code == 302
    assert not _signed_in(client)
    assert not _signed_in(_replay(app, stolen))


def test_signing_in_again_does_not_bring_an_old_cookie_back(client, app):
    CandidateFactory(email="kofi@example.org")
    db.session.commit()
    _sign_in(client, "kofi@example.org")
    stolen = _copy_of_the_cookie(client, app)
    client.post("/sign-out")
    _sign_in(client, "kofi@example.org")
    assert _signed_in(client)
    assert not _signed_in(_replay(app, stolen))


def test_a_password_change_ends_every_other_session(client, app):
    user = CandidateFactory(email="kofi@example.org")
    db.session.commit()
    _sign_in(client, "kofi@example.org")
    laptop = _copy_of_the_cookie(client, app)
    accounts.set_password(user, "a brand new passphrase for kofi")
    db.session.commit()
    assert not _signed_in(_replay(app, laptop))
    assert not _signed_in(client)


def test_closing_an_account_ends_its_sessions(client, app):
    user = CandidateFactory(email="kofi@example.org")
    db.session.commit()
    _sign_in(client, "kofi@example.org")
    stolen = _copy_of_the_cookie(client, app)
    accounts.delete_account(user, PASSWORD)
    db.session.commit()
    # Even if the account were switched back on, the old session would not be.
    db.session.get(User, user.id).active = True
    db.session.commit()
    assert not _signed_in(_replay(app, stolen))


@pytest.mark.parametrize("session_id", ["1", "1:", ":0", "1:x", "x:0", "1:0:0", "99999999999999999999:0"])
def test_a_session_id_in_any_other_shape_is_nobody(client, app, session_id):
    CandidateFactory()
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
    assert not _signed_in(client)
