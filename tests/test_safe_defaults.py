"""Safe defaults: the embedded default signs with a key of its own, never a published one; production
refuses to start without Redis for the limiter, encrypted and authenticated mail, its host names and an
explicit proxy setting, each refusal naming the variable to set."""
from __future__ import annotations

import os
import stat

import pytest

from config import DEFAULT_SECRET_KEY, SECRET_KEY_FILE, SettingsError, load
from tests.production import PRODUCTION_ENV, production_app

def test_the_embedded_default_makes_its_own_secret_key_once_and_keeps_it_to_itself(tmp_path):
    first = load("embedded", environ={"CSWJOBS_INSTANCE_PATH": str(tmp_path / "a")})["SECRET_KEY"]
    again = load("embedded", environ={"CSWJOBS_INSTANCE_PATH": str(tmp_path / "a")})["SECRET_KEY"]
    other = load("embedded", environ={"CSWJOBS_INSTANCE_PATH": str(tmp_path / "b")})["SECRET_KEY"]
    assert first == again != other
    assert len(first) >= 32 and first != DEFAULT_SECRET_KEY
    kept = tmp_path / "a" / SECRET_KEY_FILE
    assert kept.read_text().strip() == first
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "a").iterdir()] == [SECRET_KEY_FILE]  # no draft left behind


def test_a_set_secret_key_wins_and_writes_no_file(tmp_path):
    settings = load("embedded", environ={"CSWJOBS_INSTANCE_PATH": str(tmp_path), "CSWJOBS_SECRET_KEY": "k" * 40})
    assert settings["SECRET_KEY"] == "k" * 40 and not (tmp_path / SECRET_KEY_FILE).exists()


def test_a_spoilt_key_file_is_refused_with_advice(tmp_path):
    (tmp_path / SECRET_KEY_FILE).write_text("short\n")
    with pytest.raises(SettingsError, match="holds no usable secret key: delete it"):
        load("embedded", environ={"CSWJOBS_INSTANCE_PATH": str(tmp_path)})


@pytest.mark.parametrize("profile", ["embedded", "production"])
def test_the_once_published_key_is_refused_everywhere(tmp_path, profile):
    with pytest.raises(SettingsError, match="CSWJOBS_SECRET_KEY"):
        load(profile, environ={**PRODUCTION_ENV, "CSWJOBS_INSTANCE_PATH": str(tmp_path),
                               "CSWJOBS_SECRET_KEY": DEFAULT_SECRET_KEY})


def test_a_session_signed_with_the_published_key_is_not_accepted(app, client):
    from flask.sessions import SecureCookieSessionInterface

    from tests.factories import UserFactory
    from tests.helpers import sign_in_as
    from domain.vocabulary import UserRole
    from webapp.extensions import db

    admin = UserFactory(role=UserRole.ADMIN)
    db.session.commit()
    sign_in_as(client, admin)
    assert client.get("/admin/audit").status_code == 200
    interface = SecureCookieSessionInterface()
    signed_in = interface.get_signing_serializer(app).loads(client.get_cookie("session").value)

    class Published:  # the same session, signed as anyone could with the key once in this repository
        secret_key = DEFAULT_SECRET_KEY
        config = {"SECRET_KEY_FALLBACKS": None}

    client.set_cookie("session", interface.get_signing_serializer(Published).dumps(signed_in), domain="localhost")
    assert client.get("/admin/audit").status_code == 302  # sent to sign in: the forged session is ignored


def test_production_starts_with_everything_it_needs(tmp_path):
    with production_app(tmp_path) as app:
        config = app.config
    assert config["TASKS_MODE"] == "rq" and config["RATELIMIT_STORAGE_URI"] == "redis://redis:6379/0"
    assert config["SMTP_SECURITY"] == "starttls" and config["SMTP_PORT"] == 587
    assert config["TRUSTED_HOSTS"] == ["jobs.example.org"] and config["PROXY_HOPS"] == 1
    assert config["SESSION_COOKIE_SECURE"] and config["LOG_FORMAT"] == "json"
    assert not (tmp_path / SECRET_KEY_FILE).exists()  # production never makes a key of its own


@pytest.mark.parametrize("changes, variable", [
    ({"CSWJOBS_SECRET_KEY": ""}, "CSWJOBS_SECRET_KEY"),
    ({"CSWJOBS_SECRET_KEY": "too-short"}, "CSWJOBS_SECRET_KEY"),
    ({"CSWJOBS_REDIS_URL": ""}, "CSWJOBS_REDIS_URL"),
    ({"CSWJOBS_RATELIMIT_STORAGE_URI": "memory://"}, "CSWJOBS_REDIS_URL"),
    ({"CSWJOBS_RATELIMIT_ENABLED": "false"}, "CSWJOBS_RATELIMIT_ENABLED"),
    ({"CSWJOBS_SMTP_HOST": ""}, "CSWJOBS_SMTP_HOST"),
    ({"CSWJOBS_SMTP_SECURITY": "none"}, "CSWJOBS_SMTP_SECURITY"),
    ({"CSWJOBS_SMTP_USERNAME": ""}, "CSWJOBS_SMTP_USERNAME"),
    ({"CSWJOBS_SMTP_PASSWORD": ""}, "CSWJOBS_SMTP_PASSWORD"),
    ({"CSWJOBS_TRUSTED_HOSTS": ""}, "CSWJOBS_TRUSTED_HOSTS"),
    ({"CSWJOBS_TRUSTED_HOSTS": "https://jobs.example.org/"}, "CSWJOBS_TRUSTED_HOSTS"),
    ({"CSWJOBS_METRICS_TOKEN": "short"}, "CSWJOBS_METRICS_TOKEN"),
    ({"CSWJOBS_SITE_URL": "http://jobs.example.org"}, "CSWJOBS_SITE_URL"),
    ({"CSWJOBS_SITE_URL": "https://jobs.example.org", "CSWJOBS_SECURE_COOKIES": "false"}, "CSWJOBS_SECURE_COOKIES"),
])
def test_production_refuses_each_unsafe_setting_naming_its_variable(tmp_path, changes, variable):
    with pytest.raises(SettingsError, match=variable), production_app(tmp_path, **changes):
        pass


def test_production_over_plain_http_only_on_this_machine(tmp_path):
    for site in ("http://127.0.0.1:5000", "http://localhost:8000"):
        with production_app(tmp_path, CSWJOBS_SITE_URL=site, CSWJOBS_SECURE_COOKIES="false") as app:
            assert not app.config["SESSION_COOKIE_SECURE"]  # make run-full: http on the loopback address
    with production_app(tmp_path, CSWJOBS_SITE_URL="https://jobs.example.org") as app:
        assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_production_makes_the_operator_say_how_many_proxies_are_in_front(tmp_path):
    environ = {k: v for k, v in PRODUCTION_ENV.items() if k != "CSWJOBS_PROXY_HOPS"}
    with pytest.raises(SettingsError, match="CSWJOBS_PROXY_HOPS must be set"):
        load("production", environ=environ)
    assert load("production", environ={**environ, "CSWJOBS_PROXY_HOPS": "0"})["PROXY_HOPS"] == 0


def test_production_answers_only_to_its_own_host_names(tmp_path):
    with production_app(tmp_path, CSWJOBS_PROXY_HOPS="0") as app:
        client = app.test_client()
    assert client.get("/healthz", headers={"Host": "jobs.example.org"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "evil.example.net"}).status_code == 400


def test_with_no_proxy_a_forwarded_address_or_host_is_not_believed(tmp_path):
    with production_app(tmp_path, CSWJOBS_PROXY_HOPS="0") as app, app.test_request_context("/", headers={"Host": "jobs.example.org", "X-Forwarded-For": "10.9.9.9",
                                                "X-Forwarded-Host": "evil.example.net"},
                                  environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        from flask import request

        assert request.remote_addr == "203.0.113.7" and request.host == "jobs.example.org"
    with production_app(tmp_path, CSWJOBS_PROXY_HOPS="1") as behind_proxy:
        forwarded = behind_proxy.test_client().get("/healthz", headers={"Host": "proxy.internal", "X-Forwarded-Host": "evil.example.net"})
    assert forwarded.status_code == 400  # the proxy's forwarded Host is checked against the trusted names too


def test_secrets_never_reach_the_settings_table_or_the_log(tmp_path, caplog):
    from config import markdown_table

    with production_app(tmp_path, CSWJOBS_SMTP_PASSWORD="hunter2-mail-password") as app:
        app.test_client().get("/healthz", headers={"Host": "jobs.example.org"})
    assert "hunter2" not in caplog.text and "s" * 48 not in caplog.text
    assert "hunter2" not in markdown_table() and os.environ.get("CSWJOBS_SMTP_PASSWORD") is None
