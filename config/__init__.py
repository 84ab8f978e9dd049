"""Settings for the three ways cswjobs runs: embedded (default), production and test.

Every setting is read from an environment variable with the prefix ``CSWJOBS_``; the
class is chosen by ``CSWJOBS_CONFIG`` (``embedded``, ``production`` or ``test``).
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"CSWJOBS_{name}", default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class BaseConfig:
    NAME = "base"
    INSTANCE_PATH = Path(env("INSTANCE_PATH", str(PROJECT_ROOT / "instance")))
    SECRET_KEY = env("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = env("DATABASE_URL") or f"sqlite:///{INSTANCE_PATH / 'cswjobs.sqlite3'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # "sqlite" (or unset) is the embedded FTS5 engine; an http(s):// URL is Elasticsearch.
    SEARCH_URL = env("SEARCH_URL", "sqlite")
    SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", "cswjobs")
    # Where the SQLite FTS5 engine keeps its index file, beside the database.
    SEARCH_SQLITE_PATH = env("SEARCH_SQLITE_PATH", str(INSTANCE_PATH / "search.sqlite3"))
    REDIS_URL = env("REDIS_URL")
    # "inline": tasks run in-process right after the commit; "rq": enqueued on Redis.
    TASKS_MODE = env("TASKS_MODE", "inline")
    # Run the periodic tasks (alerts, rollups, expiry ...) in a thread of the web process: only
    # `make run` sets this, as the embedded default has no RQ cron (workers/embedded_scheduler.py).
    EMBEDDED_SCHEDULER = env_bool("EMBEDDED_SCHEDULER", False)
    MAIL_FOLDER = Path(env("MAIL_FOLDER", str(INSTANCE_PATH / "outbox-mail")))
    MAIL_SENDER = env("MAIL_SENDER", "no-reply@cswjobs.example")
    SMTP_HOST = env("SMTP_HOST")
    SMTP_PORT = int(env("SMTP_PORT", "25"))
    SITE_URL = env("SITE_URL", "http://127.0.0.1:5000")
    SERVICE_NAME = "Children's Social Work Jobs"
    REGION_NAME = env("REGION_NAME", "London")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    PASSWORD_RESET_MAX_AGE = 3600
    PROXY_HOPS = int(env("PROXY_HOPS", "0"))
    JOBS_PER_PAGE = 20
    APPLY_RATE_LIMIT = env("APPLY_RATE_LIMIT", "10 per minute")
    # Featured jobs are pinned above everything else, so each council gets only a few at once
    # (fair shares of the top of the page across 33 councils), each for at most a month.
    FEATURED_SLOTS_PER_COUNCIL = int(env("FEATURED_SLOTS_PER_COUNCIL", "3"))
    FEATURED_SLOT_MAX_DAYS = int(env("FEATURED_SLOT_MAX_DAYS", "31"))


class EmbeddedConfig(BaseConfig):
    """`make run`: one SQLite file, SQLite search, tasks in-process. Nothing else runs."""

    NAME = "embedded"


class ProductionConfig(BaseConfig):
    NAME = "production"
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    TASKS_MODE = env("TASKS_MODE", "rq")
    # Several gunicorn workers must share one count of sign-in attempts: keep it in Redis.
    RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI") or BaseConfig.REDIS_URL or "memory://"
    # Behind one TLS-terminating proxy (the usual deployment), trust its X-Forwarded-* headers.
    PROXY_HOPS = int(env("PROXY_HOPS", "1"))

    @staticmethod
    def check(settings) -> None:
        key = settings.get("SECRET_KEY")
        if not key or key == DEFAULT_SECRET_KEY or len(key) < 32:
            raise RuntimeError(
                "Production refuses to start with the default or a short secret key: "
                "set CSWJOBS_SECRET_KEY to at least 32 random characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )


class TestConfig(BaseConfig):
    NAME = "test"
    TESTING = True
    WTF_CSRF_ENABLED = env_bool("TEST_CSRF", False)
    RATELIMIT_ENABLED = False
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}


CONFIGS = {"embedded": EmbeddedConfig, "production": ProductionConfig, "test": TestConfig}


def config_class(name: str | None = None) -> type[BaseConfig]:
    name = name or env("CONFIG", "embedded")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"Unknown CSWJOBS_CONFIG {name!r}: use one of {', '.join(CONFIGS)}.") from None
