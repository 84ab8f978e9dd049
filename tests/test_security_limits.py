"""Rate limits per account as well as per address: rotating addresses buys no more guesses at one account."""
from __future__ import annotations

import pytest

from tests.factories import PASSWORD, CandidateFactory
from webapp.extensions import db


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": True, "SIGN_IN_RATE_LIMIT": "100 per minute", "ACCOUNT_RATE_LIMIT": "3 per minute"}


def _from(address: str) -> dict:
    return {"REMOTE_ADDR": address}


def test_sign_in_attempts_at_one_account_are_limited_whichever_address_they_come_from(client):
    CandidateFactory(email="kofi@example.org")
    db.session.commit()
    statuses = [
        client.post("/sign-in", data={"email": "kofi@example.org", "password": "a wrong password"},
                    environ_base=_from(f"198.51.100.{n}")).status_code
        for n in range(1, 5)
    ]
    assert statuses == [400, 400, 400, 429]
    # The same account in another case, and with spaces, is the same account.
    again = client.post("/sign-in", data={"email": " KOFI@example.org", "password": PASSWORD},
                        environ_base=_from("198.51.100.99"))
    assert again.status_code == 429
    assert "Too many attempts" in again.get_data(as_text=True)
    # Another account from those addresses is not held up.
    other = client.post("/sign-in", data={"email": "someone.else@example.org", "password": "a wrong password"},
                        environ_base=_from("198.51.100.1"))
    assert other.status_code == 400


def test_forging_x_forwarded_for_does_not_reset_the_count(client):
    CandidateFactory(email="kofi@example.org")
    db.session.commit()
    statuses = [
        client.post("/sign-in", data={"email": "kofi@example.org", "password": "a wrong password"},
                    headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n in range(1, 5)
    ]
    assert statuses[-1] == 429


def test_password_reset_requests_for_one_account_are_limited(client):
    statuses = [client.post("/password-reset", data={"email": "nia@example.org"},
                            environ_base=_from(f"198.51.100.{n}")).status_code for n in range(1, 5)]
    assert statuses == [200, 200, 200, 429]
