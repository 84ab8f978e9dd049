"""A council administrator's API keys in the site: created and shown once, named, rotated, revoked,
last use shown, every change audited; nobody else (not a recruiter, not another council) reaches them."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from bs4 import BeautifulSoup

from domain.vocabulary import UserRole
from tests.factories import OrganisationFactory, RecruiterFactory, UserFactory
from tests.helpers import sign_in_as
from webapp.extensions import db
from webapp.models import ApiKey, ApiKeyScope, AuditLog

KEYS = "/recruit/api-keys/"


def _admin(slug="camden"):
    council = OrganisationFactory(name=slug.title(), slug=slug)
    admin = UserFactory(role=UserRole.ORG_ADMIN, organisation=council)
    db.session.commit()
    return admin


def _page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _shown_key(response) -> str:
    return _page(response).find(id="api-key").get_text(strip=True)


def _api_status(client, secret: str) -> int:
    return client.get("/api/v1/vacancies", headers={"X-Api-Key": secret}).status_code


def test_create_shows_the_key_once_and_keeps_only_its_hash(client):
    admin = _admin()
    sign_in_as(client, admin)
    created = client.post(KEYS + "new", data={"name": "  Oleeo   live ", "scope": "write"})
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    secret = _shown_key(created)
    assert re.fullmatch(r"csw_[A-Za-z0-9]{10}_[A-Za-z0-9_-]{40}", secret)
    key = db.session.scalar(sa.select(ApiKey))
    assert key.name == "Oleeo live" and key.scope == ApiKeyScope.WRITE and key.prefix == secret[:14]
    assert secret not in (key.key_hash, key.prefix) and key.last_used_at is None

    listing = client.get(KEYS)
    assert secret not in listing.get_data(as_text=True)
    row = _page(listing).find("td", string="Oleeo live").find_parent("tr")
    cells = [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
    assert cells[1] == key.prefix + "…" and cells[4] == "Never" and cells[5] == "Active"

    assert _api_status(client, secret) == 200
    db.session.expire_all()
    assert db.session.get(ApiKey, key.id).last_used_at is not None
    assert "Never" not in [c.get_text(strip=True) for c in
                           _page(client.get(KEYS)).find("td", string="Oleeo live").find_parent("tr").find_all("td")]
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "api_key.created"))
    assert entry.actor_id == admin.id and entry.organisation_id == admin.organisation_id
    assert secret not in str(entry.detail) and key.key_hash not in str(entry.detail)


def test_a_bad_name_or_scope_is_shown_beside_its_field_and_nothing_is_made(client):
    sign_in_as(client, _admin())
    response = client.post(KEYS + "new", data={"name": "   ", "scope": "everything"})
    assert response.status_code == 400
    page = _page(response)
    summary = [a.get_text(strip=True) for a in page.select(".govuk-error-summary a")]
    assert summary == ["Enter a name for the key, like 'Oleeo live'", "Select what the key may do"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiKey)) == 0


def test_rotate_gives_a_new_key_and_stops_the_old_one_at_once(client):
    admin = _admin()
    sign_in_as(client, admin)
    old = _shown_key(client.post(KEYS + "new", data={"name": "Tribepad", "scope": "read"}))
    old_id = db.session.scalar(sa.select(ApiKey.id))
    # "Rotate" asks first on its own page; opening it changes nothing.
    confirm = _page(client.get(f"{KEYS}{old_id}/rotate"))
    assert confirm.select_one("h1").get_text(strip=True) == "Rotate ‘Tribepad’?"
    assert confirm.select_one("#confirm").get_text(strip=True) == "Yes, rotate this key"
    assert _api_status(client, old) == 200
    rotated = client.post(f"{KEYS}{old_id}/rotate")
    new = _shown_key(rotated)
    assert new != old and _api_status(client, old) == 401 and _api_status(client, new) == 200
    keys = db.session.scalars(sa.select(ApiKey).order_by(ApiKey.id)).all()
    assert [k.name for k in keys] == ["Tribepad", "Tribepad"] and keys[1].scope == ApiKeyScope.READ
    assert keys[0].replaced_by_id == keys[1].id and keys[0].revoked_by_id == admin.id
    statuses = [row.find_all("td")[5].get_text(strip=True) for row in _page(client.get(KEYS)).select("tbody tr")]
    assert sorted(statuses) == ["Active", "Rotated"]
    assert client.post(f"{KEYS}{old_id}/rotate").status_code == 400  # a rotated key cannot be rotated again
    assert client.get(f"{KEYS}{old_id}/rotate").status_code == 400


def test_revoke_asks_first_then_stops_the_key(client):
    admin = _admin()
    sign_in_as(client, admin)
    secret = _shown_key(client.post(KEYS + "new", data={"name": "Jobtrain", "scope": "write"}))
    key_id = db.session.scalar(sa.select(ApiKey.id))
    confirm = client.get(f"{KEYS}{key_id}/revoke")
    assert confirm.status_code == 200 and _page(confirm).h1.get_text(strip=True) == "Revoke ‘Jobtrain’?"
    assert _api_status(client, secret) == 200
    done = client.post(f"{KEYS}{key_id}/revoke")
    assert done.status_code == 302 and done.headers["Location"].endswith(KEYS)
    assert _api_status(client, secret) == 401
    assert client.get(f"{KEYS}{key_id}/revoke").status_code == 400
    actions = db.session.scalars(sa.select(AuditLog.action).where(AuditLog.subject_type == "api_keys")
                                 .order_by(AuditLog.id)).all()
    assert actions == ["api_key.created", "api_key.revoked"]


def test_only_the_councils_own_administrator_reaches_its_keys(client):
    admin = _admin()
    sign_in_as(client, admin)
    client.post(KEYS + "new", data={"name": "Camden's ATS", "scope": "write"})
    key_id = db.session.scalar(sa.select(ApiKey.id))

    other_admin = _admin("hackney")
    sign_in_as(client, other_admin)
    assert _page(client.get(KEYS)).find("td", string="Camden's ATS") is None
    for method, path in (("GET", f"{KEYS}{key_id}/revoke"), ("POST", f"{KEYS}{key_id}/revoke"),
                         ("POST", f"{KEYS}{key_id}/rotate")):
        assert client.open(path, method=method).status_code == 404

    recruiter = RecruiterFactory(organisation=admin.organisation)
    db.session.commit()
    sign_in_as(client, recruiter)
    assert client.get(KEYS).status_code == 403
    assert client.post(f"{KEYS}{key_id}/rotate").status_code == 403
    db.session.expire_all()
    assert db.session.get(ApiKey, key_id).is_active


def test_the_audit_log_names_the_key_behind_an_api_change(client):
    admin = _admin()
    sign_in_as(client, admin)
    secret = _shown_key(client.post(KEYS + "new", data={"name": "Oleeo", "scope": "write"}))
    key_id = db.session.scalar(sa.select(ApiKey.id))
    body = {"title": "Social worker, MASH", "role_level": "social_worker", "service_area": "mash", "summary": "MASH.",
            "description": "MASH work.", "salary_min": 40000, "salary_max": 44000, "contract_type": "permanent",
            "working_pattern": "full_time", "closing_date": str(dt.date.today() + dt.timedelta(days=30))}
    assert client.post("/api/v1/vacancies", json=body, headers={"X-Api-Key": secret}).status_code == 201
    page = _page(client.get("/admin/audit"))
    rows = {row.find_all("td")[2].strong.get_text(strip=True): row.find_all("td")[1].get_text(" ", strip=True)
            for row in page.select("tbody tr")}
    assert rows["Vacancy drafted"] == f"Council's system API key {key_id}"
    assert rows["API key created"].startswith(admin.full_name)
