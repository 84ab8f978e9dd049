"""PostgreSQL restarted under a running site: while it is down every page that needs it answers a
clear 503 (and /healthz still answers, so the process is not killed for it); once it is back the
next request is served, with no restart of the app and nothing lost.

The database is a private PostgreSQL of this test's own (tests/private_services.py), so stopping
it disturbs no other test. The app uses production's engine options (pool_pre_ping), which is what
lets the first request after the restart find its pooled connections dead and open new ones.
"""
from __future__ import annotations

import pytest
from flask_migrate import upgrade

from config import CONSTANTS
from tests.factories import VacancyFactory
from tests.pages import main_text, page
from tests.private_services import private_postgres
from webapp import create_app
from webapp.extensions import db


@pytest.fixture
def private_app(tmp_path):
    with private_postgres() as postgres:
        application = create_app("test", {
            "SQLALCHEMY_DATABASE_URI": postgres.url, "SQLALCHEMY_ENGINE_OPTIONS": CONSTANTS["SQLALCHEMY_ENGINE_OPTIONS"],
            "SEARCH_SQLITE_PATH": str(tmp_path / "search.sqlite3"), "MAIL_FOLDER": str(tmp_path / "mail"),
            "INSTANCE_PATH": str(tmp_path), "SERVER_NAME": "localhost",
        })
        with application.app_context():
            upgrade()
            try:
                yield application, postgres
            finally:
                db.session.remove()
                db.engine.dispose()


@pytest.mark.backends("postgresql")
def test_a_restarted_database_costs_a_clear_503_and_nothing_else(private_app, backend):
    app, postgres = private_app
    vacancy = VacancyFactory(title="Social Worker, Fostering")
    db.session.commit()
    job_page = f"/jobs/{vacancy.id}-{vacancy.slug}"
    client = app.test_client()
    assert client.get(job_page).status_code == 200

    postgres.stop()
    try:
        down = client.get("/jobs?q=fostering")
        assert down.status_code == 503
        assert down.headers["Retry-After"].isdigit()
        assert "briefly unavailable" in main_text(page(down))
        refused = client.post("/sign-in", data={"email": "sam.social@example.org", "password": "a long passphrase 42"})
        assert refused.status_code == 503
        assert client.get("/healthz").status_code == 200  # alive: an orchestrator must not kill it for this
    finally:
        db.session.remove()
        postgres.start()

    # The pooled connections died with the server: pre-ping replaces them on the next request.
    assert client.get(job_page).status_code == 200
    assert client.get("/jobs?q=fostering").status_code == 200
