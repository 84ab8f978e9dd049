"""Test harness: every integration test runs against SQLite and a real PostgreSQL.

The schema is built by the Alembic migrations (never create_all), once per backend per
session; so is the app (its templates compile once), handed to each test with its own search
index and mail folder; each test starts from empty tables. Vacancies and profiles are embedded
with a deterministic stand-in encoder unless a test is marked `real_encoder`. `make test` starts
PostgreSQL and sets CSWJOBS_TEST_DATABASE_URL; without it the PostgreSQL half fails loudly rather
than skip. Run one backend with `pytest --backends sqlite`. Safe under pytest-xdist (`-n 2`).
"""
from __future__ import annotations

import fcntl
import os
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, g, request_started
from flask_migrate import upgrade

from webapp import create_app
from webapp import kept
from webapp.extensions import db, limiter
from webapp.models import Base
from webapp.search import engine as search_engine
from webapp.search import vectors
from webapp.services import matching as matching_service

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def worker_number() -> int:
    """0 without xdist or on its first worker (gw0), 1 on gw1, ..."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw") or 0)


# --- The encoder -----------------------------------------------------------------------------------
#
# By default the outbox relay embeds every vacancy and profile a test commits with a deterministic
# stand-in (tests/stand_in_encoder.py); tests that check what matching finds are marked
# `real_encoder` and get all-MiniLM-L6-v2. Vectors are cached by the encoder's name, so neither
# encoder's vectors ever serve the other.


@pytest.fixture(autouse=True)
def encoder(request):
    import matching.encoder as encoding

    if request.node.get_closest_marker("real_encoder") is not None:
        real = encoding.get_encoder()
        real.model  # loaded before the test, as `make run`'s scheduler does: a page must not wait for it
        yield real
        return
    from tests.stand_in_encoder import STAND_IN

    # A MonkeyPatch of its own: a test's monkeypatch.undo() must not bring the real model back.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(encoding, "_default", STAND_IN)
        yield STAND_IN


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
    # A database of this session's own, so two test runs (or xdist workers) never collide: a pid
    # alone is not enough when runs in other PID namespaces share the server (DROP ... FORCE).
    server = sa.make_url(_postgres_url())
    name = f"{server.database}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
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


# --- One app per backend per session -------------------------------------------------------------
#
# Building an app costs little, but its first page renders compile the Jinja templates (about 1 s
# against 0.05 s warm), so each backend's app is built once per session (per process, under xdist)
# and every test gets it back as new: its own search index file and mail folder, the settings its
# module overrides applied for the test only, the app's caches and the rate limiter emptied, and
# empty tables afterwards. A setting read only while create_app() builds the app (the rate
# limiter's, the proxy's) gets an app of its own, cached the same way.

BUILD_SETTINGS = ("RATELIMIT_", "PROXY_HOPS", "SQLALCHEMY_")
# What the app builds lazily and keeps in app.extensions from settings a test may change, and the lists and
# signed-out pages it keeps drawn (a test starts from empty tables, whose ids may come round again).
APP_CACHES = (search_engine.EXTENSION_KEY, vectors.EXTENSION_KEY, matching_service.MATCH_UNIVERSE_KEY,
              kept.EXTENSION_KEY)

_apps: dict[tuple, Flask] = {}


def _read_at_build(name: str) -> bool:
    return name.startswith(BUILD_SETTINGS)


def _app_for(database_url: str, search_path: str, build: dict) -> Flask:
    key = (database_url, tuple(sorted(build.items())))
    application = _apps.get(key)
    if application is None:
        application = create_app("test", {"SQLALCHEMY_DATABASE_URI": database_url, "SEARCH_SQLITE_PATH": search_path,
                                          "SERVER_NAME": "localhost", **build})
        # The test holds one app context open (so it can use db.session), and Flask reuses an open
        # app context for each request, which would carry `g` (and Flask-Login's cached user) from
        # one request to the next. A real request always starts with an empty `g`: so do these.
        request_started.connect(_fresh_globals, application)
        _apps[key] = application
    return application


def _drop_app_caches(application: Flask) -> None:
    for name in APP_CACHES:
        cached = application.extensions.pop(name, None)
        client = getattr(cached, "client", None)  # Elasticsearch engines and vector indices
        if client is not None and hasattr(client, "close"):
            client.close()


class _Kept:
    """Rows left in the tables on purpose, for consecutive tests that only read them (`shared_rows`)."""

    key: tuple | None = None
    app: Flask | None = None
    value: object = None
    search_path: str | None = None
    used_by_this_test = False


def _forget_kept() -> None:
    if _Kept.key is not None:
        with _Kept.app.app_context():
            db.session.remove()
            _empty_all_tables()
    _Kept.key, _Kept.app, _Kept.value, _Kept.search_path = None, None, None, None


@pytest.fixture(scope="session", autouse=True)
def _dispose_apps():
    yield
    for application in _apps.values():
        with application.app_context():
            db.engine.dispose()
    _apps.clear()


@pytest.fixture
def app_overrides() -> dict:
    """Override in a test module to change settings for its tests."""
    return {}


@pytest.fixture
def app(request, migrated, tmp_path, app_overrides):
    build = {k: v for k, v in app_overrides.items() if _read_at_build(k)}
    application = _app_for(migrated, str(tmp_path / "search.sqlite3"), build)
    saved = application.config.copy()
    shares_rows = "shared_rows" in request.fixturenames and _Kept.key is not None and _Kept.key[0] == migrated
    application.config.update({
        "SEARCH_SQLITE_PATH": (_Kept.search_path if shares_rows else None) or str(tmp_path / "search.sqlite3"),
        "MAIL_FOLDER": str(tmp_path / "mail"),
        "INSTANCE_PATH": str(tmp_path),
    })
    application.config.update(app_overrides)
    _drop_app_caches(application)
    limiter.enabled = application.config["RATELIMIT_ENABLED"]  # one Limiter serves every app built
    if limiter._storage is not None:  # no storage until an app with rate limits enabled is built
        limiter.reset()
    _Kept.used_by_this_test = False
    with application.app_context():
        if not shares_rows:
            _forget_kept()
        try:
            yield application
        finally:
            db.session.remove()
            if _Kept.used_by_this_test:
                _Kept.search_path = application.config["SEARCH_SQLITE_PATH"]
            else:
                _forget_kept()
                _empty_all_tables()
            _drop_app_caches(application)
            application.config.clear()
            application.config.update(saved)


@pytest.fixture
def shared_rows(app, migrated):
    """Load rows once for consecutive tests that only read them: ``shared_rows(key, load)``.

    The first test loads them (``load()``, committing); the next test asking for the same key gets
    the rows (and the search index) it left, and ``load``'s value, without loading again. Any other
    test starts from empty tables as usual. Only for tests that never write."""

    def rows(key: str, load):
        _Kept.used_by_this_test = True
        if _Kept.key == (migrated, key):
            return _Kept.value
        _forget_kept()
        value = load()
        db.session.commit()
        _Kept.key, _Kept.app, _Kept.value = (migrated, key), app, value
        return value

    return rows


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
def redis_url(worker_number) -> str:
    """The test Redis, in a database of this xdist worker's own (flushdb empties only that one).

    CSWJOBS_TEST_REDIS_FIRST_DB (default 1) moves the range, so two test runs sharing one Redis
    (two people's checkouts, say) never flush each other's queues."""
    from urllib.parse import urlsplit, urlunsplit

    first = int(os.environ.get("CSWJOBS_TEST_REDIS_FIRST_DB", "1"))
    parts = urlsplit(_service_url("CSWJOBS_TEST_REDIS_URL", "Redis"))
    return urlunsplit(parts._replace(path=f"/{first + worker_number}"))


class _ElasticsearchLock:
    """Under xdist, the test that stops Elasticsearch waits until no other worker is using it, and
    holds them off until it has started it again: every Elasticsearch test holds a shared lock."""

    def __init__(self) -> None:
        self.fd: int | None = None
        self.exclusive = False

    def _file(self) -> int | None:
        run = os.environ.get("PYTEST_XDIST_TESTRUNUID")  # set on xdist's workers: one per run
        if run is None:
            return None
        if self.fd is None:
            self.fd = os.open(os.path.join(tempfile.gettempdir(), f"cswjobs-tests-es-{run}.lock"),
                              os.O_CREAT | os.O_RDWR, 0o600)
        return self.fd

    @contextmanager
    def shared(self):
        fd = self._file()
        if fd is None or self.exclusive:
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_SH)
        try:
            yield
        finally:
            if not self.exclusive:
                fcntl.flock(fd, fcntl.LOCK_UN)

    @contextmanager
    def alone(self):
        fd = self._file()
        if fd is None:
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)  # converts this worker's own shared lock, if it holds one
        self.exclusive = True
        try:
            yield
        finally:
            self.exclusive = False
            fcntl.flock(fd, fcntl.LOCK_UN)


_ELASTICSEARCH_LOCK = _ElasticsearchLock()


@pytest.fixture
def elasticsearch_to_itself():
    """For a test that stops and starts Elasticsearch: no other xdist worker uses it meanwhile."""
    with _ELASTICSEARCH_LOCK.alone():
        yield


@pytest.fixture
def es_prefix(request) -> str:
    """An index prefix of this test's own (`test-...`), whose indices are deleted afterwards."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    with _ELASTICSEARCH_LOCK.shared():
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
