"""Small helpers shared by the tests."""
from __future__ import annotations

import re
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import g, has_app_context
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
    # The `app` fixture keeps one app context for the whole test and requests reuse it, so a user
    # Flask-Login cached in `g` would outlive the request that loaded it: forget it, so the next
    # request loads whoever is signed in now.
    if has_app_context():
        g.pop("_login_user", None)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def free_port() -> int:
    """A free port on 127.0.0.1 below Linux's ephemeral range (32768+), where the kernel never hands it to an
    outgoing connection first; for a server a test starts itself."""
    for _ in range(500):
        port = 20000 + uuid.uuid4().int % 12000
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 20000 and 32000")


@contextmanager
def sql_statements(engine) -> Iterator[list[str]]:
    """Every SQL statement ``engine`` runs inside the block, lower-cased with its whitespace folded."""
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()).lower())

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
