"""Test harness: every integration test runs against SQLite and a real PostgreSQL.

The schema is built by the Alembic migrations (never create_all), once per backend per
session; each test starts from empty tables. `make test` starts PostgreSQL and sets
CSWJOBS_TEST_DATABASE_URL; without it the PostgreSQL half fails loudly rather than skip.
Run one backend with `pytest --backends sqlite`.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g, request_started
from flask_migrate import upgrade

from webapp import create_app
from webapp.extensions import db
from webapp.models import Base

BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption("--backends", default=",".join(BACKENDS), help="comma-separated: sqlite,postgresql")


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        chosen = [b for b in metafunc.config.getoption("backends").split(",") if b]
        only = metafunc.definition.get_closest_marker("backends")
        if only is not None:  # a slow test that needs one real database, not both
            chosen = [b for b in chosen if b in only.args] or list(only.args)
        metafunc.parametrize("backend", chosen, scope="session")


def _postgres_url() -> str:
    url = os.environ.get("CSWJOBS_TEST_DATABASE_URL")
    if not url:
        pytest.fail(
            "CSWJOBS_TEST_DATABASE_URL is not set: run the suite with `make test`, which starts PostgreSQL, "
            "or choose `--backends sqlite`."
        )
    return url


@pytest.fixture(scope="session")
def database_url(backend, tmp_path_factory):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    # A database of this session's own, so two test runs (or xdist workers) never collide.
    server = sa.make_url(_postgres_url())
    name = f"{server.database}_{os.getpid()}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory) -> str:
    """Build the schema with the migrations, from nothing, once per backend."""
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": database_url,
                              "SEARCH_SQLITE_PATH": str(tmp_path_factory.mktemp("search") / "s.sqlite3")})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def _empty_all_tables() -> None:
    tables = [t for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
            if conn.execute(sa.text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first():
                conn.execute(sa.text("DELETE FROM sqlite_sequence"))


def _fresh_globals(sender, **extra) -> None:
    g.__dict__.clear()


@pytest.fixture
def app_overrides() -> dict:
    """Override in a test module to change settings for its tests."""
    return {}


@pytest.fixture
def app(migrated, tmp_path, app_overrides):
    settings = {
        "SQLALCHEMY_DATABASE_URI": migrated,
        "SEARCH_SQLITE_PATH": str(tmp_path / "search.sqlite3"),
        "MAIL_FOLDER": str(tmp_path / "mail"),
        "INSTANCE_PATH": str(tmp_path),
        "SERVER_NAME": "localhost",
    }
    settings.update(app_overrides)
    application = create_app("test", settings)
    # The test holds one app context open (so it can use db.session), and Flask reuses an open
    # app context for each request, which would carry `g` (and Flask-Login's cached user) from
    # one request to the next. A real request always starts with an empty `g`: so do these.
    request_started.connect(_fresh_globals, application)
    with application.app_context():
        yield application
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def mail_folder(app) -> Path:
    return Path(app.config["MAIL_FOLDER"])


def sent_mail(folder: Path) -> list[str]:
    """The text of every mail written to the dev mail folder, oldest first."""
    if not folder.exists():
        return []
    return [p.read_text() for p in sorted(folder.glob("*.eml"))]


# --- Real Redis and Elasticsearch (started by `make test`) --------------------------------


def _service_url(variable: str, what: str) -> str:
    url = os.environ.get(variable)
    if not url:
        pytest.fail(f"{variable} is not set: run the suite with `make test`, which starts {what}.")
    return url


@pytest.fixture(scope="session")
def elasticsearch_url() -> str:
    return _service_url("CSWJOBS_TEST_SEARCH_URL", "Elasticsearch")


@pytest.fixture(scope="session")
def redis_url() -> str:
    return _service_url("CSWJOBS_TEST_REDIS_URL", "Redis")


@pytest.fixture
def es_prefix(request) -> str:
    """An index prefix of this test's own (`test-...`), whose indices are deleted afterwards."""
    import uuid

    prefix = f"test-{uuid.uuid4().hex[:12]}"
    yield prefix
    url = os.environ.get("CSWJOBS_TEST_SEARCH_URL")
    if url:
        from webapp.search.elastic_engine import ElasticsearchEngine

        from webapp.search.vectors import VectorIndices

        try:
            ElasticsearchEngine(url, prefix=prefix).drop()
            VectorIndices(url, prefix).drop()  # matching's candidate and vacancy vector indices
        except Exception:  # Elasticsearch stopped by the test itself: nothing left to clean
            pass


@pytest.fixture
def clean_redis(redis_url):
    from redis import Redis

    connection = Redis.from_url(redis_url)
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()
