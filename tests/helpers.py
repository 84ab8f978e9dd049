"""Small helpers shared by the tests."""
from __future__ import annotations

import re

from flask_login.utils import _create_identifier


def sign_in_as(client, user) -> None:
    """Sign a user in without going through the form (the form itself has its own tests)."""
    # Flask-Login's "strong" session protection checks this identifier (address + user agent),
    # so compute it from the same environ the client's requests will carry.
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()  # with the session generation web.security.load_user checks
        session["_fresh"] = True
        session["_id"] = identifier


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)
