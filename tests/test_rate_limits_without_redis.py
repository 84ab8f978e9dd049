"""Production counts rate limits in Redis; when Redis is unreachable, sign-in still works and is still
limited (each process counts on its own until Redis is back) rather than failing with a 500."""
from __future__ import annotations

import pytest

from webapp import create_app
from webapp.extensions import limiter


@pytest.fixture
def app_without_redis(migrated, tmp_path):
    saved = dict(limiter.__dict__)  # one Limiter serves every app in the process: put the tests' back after
    try:
        yield create_app("test", {"SQLALCHEMY_DATABASE_URI": migrated, "INSTANCE_PATH": str(tmp_path),
                                  "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",
                                  "SIGN_IN_RATE_LIMIT": "3 per minute"})
    finally:
        limiter.__dict__.clear()
        limiter.__dict__.update(saved)


def test_sign_in_is_limited_in_memory_while_redis_is_down(app_without_redis):
    client = app_without_redis.test_client()
    answers = [client.post("/sign-in", data={"email": "nobody@example.org", "password": "wrong password"}).status_code
               for _ in range(4)]
    assert 500 not in answers
    assert answers[-1] == 429 and all(code != 429 for code in answers[:3])
