"""The council API's rate limit is per key: over it, 429 with Retry-After as a problem; another key,
or the same council's other key, is unaffected. Rate limits are on in this module only."""
from __future__ import annotations

import pytest

from domain.vocabulary import UserRole
from tests.factories import OrganisationFactory, UserFactory
from webapp.extensions import db
from webapp.services import api_keys


@pytest.fixture
def app_overrides() -> dict:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://", "API_RATE_LIMIT": "3 per minute"}


def test_429_with_retry_after_per_key(client):
    council = OrganisationFactory(name="Camden", slug="camden")
    admin = UserFactory(role=UserRole.ORG_ADMIN, organisation=council)
    first = api_keys.create_key(admin, "Oleeo", "write").secret
    second = api_keys.create_key(admin, "Tribepad", "write").secret
    db.session.commit()
    for _ in range(3):
        assert client.get("/api/v1/vacancies", headers={"X-Api-Key": first}).status_code == 200
    refused = client.get("/api/v1/vacancies", headers={"X-Api-Key": first})
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["status"] == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert client.get("/api/v1/vacancies", headers={"X-Api-Key": second}).status_code == 200
