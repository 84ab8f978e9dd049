"""Settings are read and checked when the app is built, with a message naming the variable."""
from __future__ import annotations

from pathlib import Path

import pytest

import config
from config import SettingsError, load, markdown_table
from tests.production import PRODUCTION_ENV
from webapp import create_app

DOCS = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


def test_settings_are_read_when_the_app_is_built_not_when_config_is_imported(monkeypatch, tmp_path):
    monkeypatch.setenv("CSWJOBS_REGION_NAME", "West Midlands")
    monkeypatch.setenv("CSWJOBS_FEATURED_SLOTS_PER_COUNCIL", "5")
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["REGION_NAME"] == "West Midlands" and app.config["FEATURED_SLOTS_PER_COUNCIL"] == 5
    monkeypatch.setenv("CSWJOBS_REGION_NAME", "North East")
    assert create_app("test", {"SQLALCHEMY_DATABASE_URI": "sqlite://",
                               "INSTANCE_PATH": str(tmp_path)}).config["REGION_NAME"] == "North East"


@pytest.mark.parametrize("variable, value, message", [
    ("CSWJOBS_SMTP_PORT", "twenty-five", "CSWJOBS_SMTP_PORT must be a whole number, not 'twenty-five'"),
    ("CSWJOBS_SMTP_PORT", "70000", "CSWJOBS_SMTP_PORT must be from 1 to 65535, not 70000"),
    ("CSWJOBS_TASKS_MODE", "celery", "CSWJOBS_TASKS_MODE must be one of inline, rq, not 'celery'"),
    ("CSWJOBS_RATELIMIT_ENABLED", "perhaps", "CSWJOBS_RATELIMIT_ENABLED must be true or false, not 'perhaps'"),
    ("CSWJOBS_SEARCH_URL", "solr://x", "CSWJOBS_SEARCH_URL must be 'sqlite' or an Elasticsearch URL"),
    ("CSWJOBS_DATABASE_URL", "mysql://db/x", "CSWJOBS_DATABASE_URL must be a URL starting sqlite://"),
    ("CSWJOBS_REDIS_URL", "localhost:6379", "CSWJOBS_REDIS_URL must be a URL starting redis://"),
    ("CSWJOBS_SITE_URL", "cswjobs.example", "CSWJOBS_SITE_URL must be a URL starting http://"),
    ("CSWJOBS_PROXY_HOPS", "-1", "CSWJOBS_PROXY_HOPS must be from 0 to 5, not -1"),
    ("CSWJOBS_CONFIG", "staging", "CSWJOBS_CONFIG is 'staging': use one of embedded, production, test"),
])
def test_a_wrong_setting_stops_the_app_with_a_message_naming_its_variable(monkeypatch, tmp_path, variable, value,
                                                                          message):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as problem:
        create_app(None if variable == "CSWJOBS_CONFIG" else "test", {"INSTANCE_PATH": str(tmp_path)})
    assert str(problem.value).startswith(message)


def test_production_refuses_the_published_secret_key_and_takes_its_own_defaults():
    with pytest.raises(SettingsError, match="CSWJOBS_SECRET_KEY"):
        load("production", environ={})
    settings = load("production", environ={**PRODUCTION_ENV, "CSWJOBS_REDIS_URL": "redis://r:6379/0"})
    assert settings["TASKS_MODE"] == "rq" and settings["SESSION_COOKIE_SECURE"]
    assert settings["REMEMBER_COOKIE_SECURE"] and settings["RATELIMIT_STORAGE_URI"] == "redis://r:6379/0"
    embedded = load("embedded", environ={})
    assert embedded["TASKS_MODE"] == "inline" and not embedded["SESSION_COOKIE_SECURE"]


def test_the_instance_path_override_moves_flasks_instance_folder_and_everything_kept_in_it(tmp_path):
    folder = tmp_path / "elsewhere"
    app = create_app("test", {"INSTANCE_PATH": str(folder)})
    assert Path(app.instance_path) == folder.resolve() and folder.is_dir()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{folder / 'cswjobs.sqlite3'}"
    assert Path(app.config["SEARCH_SQLITE_PATH"]) == folder / "search.sqlite3"
    assert Path(app.config["MAIL_FOLDER"]) == folder / "outbox-mail"


def test_an_empty_optional_variable_means_unset():
    assert load("embedded", environ={"CSWJOBS_SMTP_HOST": ""})["SMTP_HOST"] is None


def test_docs_configuration_lists_every_setting_as_the_code_reads_it():
    text = DOCS.read_text()
    assert markdown_table() in text, "docs/configuration.md is out of date: run `python -m config --markdown`"
    assert {s.env_name for s in config.SETTINGS} <= set(text.split("`"))
