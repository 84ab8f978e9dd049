"""Hostile input at scale: every query parameter and form field of every page, as the role that can
reach it, filled by Hypothesis with what an attacker or a clumsy paste would send — and no answer is
ever a 5xx.

Which parameters a page reads is not written down anywhere, so it is found by watching: the app's
request class records every key a view (or its WTForms form) asks ``request.args`` or
``request.form`` for, on one ordinary request per route. The routes, their paths and the roles that
reach them come from the access-control matrix (tests/test_access_matrix.py), so a new route is
fuzzed as soon as it has a rule there. The JSON API is left to schemathesis (tests/test_api_*).

At least 10,000 inputs per backend per run; the count is printed.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, quote

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict

from tests import helpers
from tests.test_access_matrix import RULES, ROLES, SIGN_IN, build_world
from webapp.extensions import db

INPUTS_PER_BACKEND = 10_000

# What people and tools really send: control characters (NUL breaks PostgreSQL text), numbers past
# every integer type, dates outside any calendar a database keeps, search-engine syntax, markup,
# right-to-left overrides, percent-encoding that decodes to NUL, and sheer length.
NASTY = (
    "", " ", "\x00", "a\x00b", "%00", "\x1b[31m", "\r\n", "\t", "\u202e", "\ufeff", "\U0001f600",
    "0", "-1", "1e309", "NaN", "-0", "9" * 30, str(2**63), str(-(2**63) - 1), "1.5", "0x10", "1,000",
    "0000-00-00", "0000-01-01", "9999-12-31", "9999-12-30", "2026-02-30", "2026-13-01", "31/12/2026", "Q5-2026",
    "' OR '1'='1", '"', "\\", "%", "_", "*", "NEAR(", "AND OR NOT", "title:(", '"unterminated', "()", "{}",
    "<script>alert(1)</script>", "javascript:alert(1)", "https://user:pass@evil.example/", "//evil.example",
    "../../etc/passwd", "=HYPERLINK(\"http://evil.example\")", "SW000000", "e1 7aa", "ZZ99 9ZZ", "a" * 5000,
)
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(lambda d: d.isoformat()),
)


class RecordingMultiDict(ImmutableMultiDict):
    """A request's args or form that remembers every key asked for (the parameters a view reads)."""

    asked: set[str] | None = None  # set while a route's parameters are being discovered

    def _note(self, key) -> None:
        if RecordingMultiDict.asked is not None and isinstance(key, str):
            RecordingMultiDict.asked.add(key)

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        self._note(key)
        return super().get(key, default=default, type=type)

    def getlist(self, key, type=None):  # noqa: A002
        self._note(key)
        return super().getlist(key, type=type)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


def _reaching_role(answers: dict) -> str | None:
    """The first role whose request reaches the view (not refused, not sent to sign in)."""
    for role in ROLES:
        if answers[role] not in (SIGN_IN, 401, 403, 404, 405):
            return role
    return None


def _client(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        helpers.sign_in_as(client, world.users[role])
    return client


def _targets(app, world) -> list[tuple[str, str, str, list[str]]]:
    """(method, path, role, parameter names) for every rule some role can reach."""
    targets = []
    for (endpoint, method), rule_ in sorted(RULES.items()):
        role = _reaching_role(rule_.answers)
        if role is None or rule_.path.startswith("/api/") or endpoint == "static":
            continue
        RecordingMultiDict.asked = set()
        try:
            _client(app, world, role).open(rule_.path.format(**world.values), method=method,
                                           data=dict(rule_.data or {}), headers=rule_.headers or {})
        finally:
            names, RecordingMultiDict.asked = RecordingMultiDict.asked, None
            db.session.rollback()
        names.discard("csrf_token")
        targets.append((method, rule_.path, role, sorted(names) or ["q"]))
    return targets


@pytest.fixture
def recording_app(app, monkeypatch):
    monkeypatch.setattr(app.request_class, "parameter_storage_class", RecordingMultiDict)
    return app


def test_no_input_to_any_form_or_query_gives_a_server_error(recording_app, backend, capsys):
    app = recording_app
    world = build_world()
    targets = _targets(app, world)
    assert len(targets) > 100, "the access matrix should give well over a hundred routes to try"
    tried: list[int] = [0]
    clients: dict = {}
    failures: list[str] = []

    @settings(max_examples=INPUTS_PER_BACKEND, deadline=None, database=None, derandomize=True,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def send(data):
        method, path, role, names = data.draw(st.sampled_from(targets), label="route")
        chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
        values = {name: data.draw(VALUES, label=name) for name in chosen}
        placeholders = dict(world.values)
        if "{" in path and data.draw(st.booleans(), label="hostile id"):  # ids past 2**63, words, NUL
            key = data.draw(st.sampled_from(sorted(k for k in placeholders if "{" + k + "}" in path)))
            placeholders[key] = quote(data.draw(VALUES, label="id"), safe="")
        url, _, query = path.format(**placeholders).partition("?")
        client = clients.get(role) or clients.setdefault(role, _client(app, world, role))
        if method != "GET":  # a POST may sign the session out (sign-out, a password change): start afresh after
            clients.pop(role)
        if method == "GET":
            response = client.get(url, query_string={**dict(parse_qsl(query)), **values})
        else:
            response = client.open(url, method=method, data=values)
        tried[0] += 1
        db.session.rollback()
        if response.status_code >= 500:
            failures.append(f"{method} {url} as {role} with {values!r} -> {response.status_code}")
            assert len(failures) < 20  # enough to act on; stop the run

    try:
        send()
    except AssertionError:
        pass
    with capsys.disabled():
        print(f"\nhostile input ({backend}): {tried[0]} inputs over {len(targets)} routes, "
              f"{len(failures)} server errors")
    assert not failures, "server errors:\n" + "\n".join(failures)
    assert tried[0] >= INPUTS_PER_BACKEND
