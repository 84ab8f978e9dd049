"""A production app for tests: every setting production insists on, as an operator's environment file
gives it (.env.example), with the shared rate limiter put back afterwards."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from flask import Flask

from webapp import create_app
from webapp.extensions import limiter

PRODUCTION_ENV = {
    "CSWJOBS_CONFIG": "production",
    "CSWJOBS_SECRET_KEY": "s" * 48,
    "CSWJOBS_REDIS_URL": "redis://redis:6379/0",
    "CSWJOBS_SMTP_HOST": "smtp.example.org",
    "CSWJOBS_SMTP_USERNAME": "cswjobs",
    "CSWJOBS_SMTP_PASSWORD": "mail-password",
    "CSWJOBS_TRUSTED_HOSTS": "jobs.example.org",
    "CSWJOBS_PROXY_HOPS": "1",
}


@contextmanager
def production_app(instance: Path, **changes: str) -> Iterator[Flask]:
    """Build a production app from PRODUCTION_ENV plus ``changes`` (a SQLite database in memory)."""
    environ = {**PRODUCTION_ENV, "CSWJOBS_DATABASE_URL": "sqlite://", "CSWJOBS_INSTANCE_PATH": str(instance),
               **changes}
    # One Limiter object serves every app in the process: building this app points it at production's
    # Redis, so the tests' own apps get its memory storage back afterwards.
    saved = dict(limiter.__dict__)
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in environ.items():
                patch.setenv(name, value)
            app = create_app()
        yield app
    finally:
        limiter.__dict__.clear()
        limiter.__dict__.update(saved)
