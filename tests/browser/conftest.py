"""A live server on 127.0.0.1 and Debian's Chromium driven by Playwright (never a downloaded browser)."""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from webapp import create_app
from webapp.extensions import db

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Debian's chromium is not installed: run `scripts/services install` (make test does).")
    return path


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """The embedded app on a real port, on its own migrated SQLite file."""
    root = tmp_path_factory.mktemp("live")
    app = create_app("test", {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'live.sqlite3'}",
        "SEARCH_SQLITE_PATH": str(root / "search.sqlite3"),
        "MAIL_FOLDER": str(root / "mail"),
        "INSTANCE_PATH": str(root),
        "WTF_CSRF_ENABLED": True,  # the browser goes through real forms, CSRF and all
    })
    with app.app_context():
        upgrade()
    # The stand-in encoder by default; a test marked real_encoder has the model loaded before it
    # starts (tests/conftest.py), so the browser's timeouts never measure a model load.
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
