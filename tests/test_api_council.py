"""The council integration API (/api/v1/vacancies) end to end on both databases: keys, every error
code, council isolation, idempotency, external references, HTML adverts, and closing leaving search."""
from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from domain.vocabulary import UserRole, VacancyStatus
from tests.factories import OrganisationFactory, UserFactory, VacancyFactory
from webapp.extensions import db
from webapp.models import ApiKey, AuditLog, IdempotentRequest, OutboxMessage, Vacancy
from webapp.search import SearchQuery, get_engine
from webapp.services import api_keys

URL = "/api/v1/vacancies"
LONDON = ZoneInfo("Europe/London")


def advert(**overrides) -> dict:
    body = {
        "external_reference": "OLEEO-1001",
        "title": "Senior practitioner, child protection",
        "role_level": "senior_practitioner",
        "service_area": "child_protection",
        "summary": "Weekly supervision and a protected caseload.",
        "description": "Join our team.\n\nWe work with families across the borough.",
        "salary_min": 45000,
        "salary_max": 51000,
        "contract_type": "permanent",
        "working_pattern": "full_time",
        "closing_date": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
    }
    body.update(overrides)
    return body


def admin_of(council):
    return UserFactory(role=UserRole.ORG_ADMIN, organisation=council)


def key_for(council, scope: str = "write") -> str:
    made = api_keys.create_key(admin_of(council), f"Oleeo {scope}", scope)
    db.session.commit()
    return made.secret


@pytest.fixture
def camden():
    council = OrganisationFactory(name="Camden", slug="camden")
    db.session.commit()
    return council


@pytest.fixture
def key(camden) -> str:
    return key_for(camden)


def call(client, method: str, url: str, key: str | None, body=None, **headers):
    if key is not None:
        headers["X-Api-Key"] = key
    kwargs = {"headers": headers}
    if body is not None:
        kwargs["data"] = json.dumps(body)
        kwargs["content_type"] = "application/json"
    return client.open(url, method=method, **kwargs)


def vacancy_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Vacancy))


def assert_problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == status and problem["title"] and problem["detail"] and problem["type"]
    if field is not None:
        fields = {error["field"]: error["detail"] for error in problem.get("errors", [])}
        assert field in fields, problem
        assert fields[field]
    return problem


# --- the happy path ------------------------------------------------------------------------------------

def test_create_read_list_publish_and_remove(client, camden, key):
    created = call(client, "POST", URL, key, advert())
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["state"] == "draft" and body["external_reference"] == "OLEEO-1001"
    assert created.headers["Location"].endswith(f"{URL}/{body['id']}")
    assert body["url"].endswith(f"/jobs/{body['id']}-senior-practitioner-child-protection")
    vacancy = db.session.get(Vacancy, body["id"])
    assert vacancy.organisation_id == camden.id and vacancy.created_by_id is None

    assert call(client, "GET", f"{URL}/{body['id']}", key).get_json()["title"] == body["title"]
    listed = call(client, "GET", f"{URL}?state=draft", key).get_json()
    assert [item["id"] for item in listed["items"]] == [body["id"]] and listed["total"] == 1
    assert call(client, "GET", f"{URL}?state=live", key).get_json()["total"] == 0

    published = call(client, "POST", f"{URL}/{body['id']}/publish", key)
    assert published.status_code == 200 and published.get_json()["state"] == "live"
    db.session.expire_all()
    assert body["id"] in get_engine().search(SearchQuery(keywords="senior practitioner")).ids

    removed = call(client, "DELETE", f"{URL}/{body['id']}", key)
    assert removed.status_code == 204
    db.session.expire_all()
    vacancy = db.session.get(Vacancy, body["id"])
    assert vacancy.status == VacancyStatus.CLOSED and vacancy.deleted_at is not None
    assert body["id"] not in get_engine().search(SearchQuery(keywords="senior practitioner")).ids
    assert_problem(call(client, "GET", f"{URL}/{body['id']}", key), 404)
    assert client.get(body["url"]).status_code == 410  # the job page says it has gone
    actions = db.session.scalars(sa.select(AuditLog.action).where(AuditLog.subject_type == "vacancies")
                                 .order_by(AuditLog.id)).all()
    assert actions == ["vacancy.created", "vacancy.published", "vacancy.closed", "vacancy.removed"]
    # The reference is free again once its vacancy is removed.
    assert call(client, "POST", URL, key, advert()).status_code == 201


def test_create_live_at_once_and_replace(client, key):
    created = call(client, "POST", URL, key, advert(status="live")).get_json()
    assert created["state"] == "live" and created["published_at"]
    replaced = call(client, "PUT", f"{URL}/{created['id']}", key, advert(title="Team manager, MASH",
                                                                          role_level="team_manager"))
    assert replaced.status_code == 200, replaced.get_json()
    assert replaced.get_json()["title"] == "Team manager, MASH" and replaced.get_json()["state"] == "live"
    back_to_draft = call(client, "PUT", f"{URL}/{created['id']}", key, advert(status="draft"))
    assert_problem(back_to_draft, 409)


def test_times_without_a_zone_are_london_time(client, key):
    # 23:30 on a summer evening in London is already the next day in UTC, and the other way round.
    day = dt.date.today() + dt.timedelta(days=40)
    late = call(client, "POST", URL, key, advert(external_reference="A", closing_date=f"{day}T23:30:00")).get_json()
    assert late["closing_date"] == day.isoformat()
    utc = call(client, "POST", URL, key, advert(external_reference="B", closing_date=f"{day}T23:30:00Z")).get_json()
    london_date = dt.datetime.combine(day, dt.time(23, 30), tzinfo=dt.UTC).astimezone(LONDON).date()
    assert utc["closing_date"] == london_date.isoformat()
    since = (dt.datetime.now(LONDON) - dt.timedelta(minutes=5)
             ).replace(tzinfo=None).isoformat(timespec="seconds")
    assert call(client, "GET", f"{URL}?updated_since={since}", key).get_json()["total"] == 2
    ahead = (dt.datetime.now(LONDON) + dt.timedelta(minutes=5)
             ).replace(tzinfo=None).isoformat(timespec="seconds")
    assert call(client, "GET", f"{URL}?updated_since={ahead}", key).get_json()["total"] == 0


def test_html_adverts_are_sanitised_and_shown_as_html(client, key):
    html = ('<h2>About the team</h2><p>We <strong>value</strong> supervision.<script>alert(1)</script></p>'
            '<ul><li>Caseloads of 15</li><li>Hybrid</li></ul><a href="javascript:alert(2)" onclick="x()">x</a>'
            '<img src="https://tracker.example/p.gif">')
    created = call(client, "POST", URL, key, advert(description=html, status="live")).get_json()
    stored = created["description_html"]
    assert "<script" not in stored and "javascript:" not in stored and "onclick" not in stored
    assert "<img" not in stored and "<strong>value</strong>" in stored and "<li>Caseloads of 15</li>" in stored
    assert created["description"].startswith("About the team\n\nWe value supervision.")
    page = client.get(created["url"])
    assert page.status_code == 200
    from bs4 import BeautifulSoup  # noqa: PLC0415  (only this test reads the page)
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    heading = soup.find("h2", string="About the team")
    assert heading is not None and "govuk-heading-m" in heading["class"]
    assert [li.get_text() for li in soup.select("ul.govuk-list--bullet li")][:2] == ["Caseloads of 15", "Hybrid"]
    assert not soup.find("script", string=lambda text: text and "alert(1)" in text)


# --- keys ----------------------------------------------------------------------------------------------

def test_a_key_reads_and_changes_only_its_own_council(client, camden, key):
    hackney = OrganisationFactory(name="Hackney", slug="hackney")
    theirs = VacancyFactory(organisation=hackney, external_reference="H-1")
    db.session.commit()
    before = (theirs.title, theirs.status, theirs.updated_at)
    for method, url, body in (("GET", f"{URL}/{theirs.id}", None), ("PUT", f"{URL}/{theirs.id}", advert()),
                              ("POST", f"{URL}/{theirs.id}/publish", None), ("DELETE", f"{URL}/{theirs.id}", None)):
        assert_problem(call(client, method, url, key, body), 404)
    assert call(client, "GET", f"{URL}?external_reference=H-1", key).get_json()["total"] == 0
    assert call(client, "GET", URL, key).get_json()["items"] == []
    # Hackney's reference is not Camden's business: Camden may use the same one.
    assert call(client, "POST", URL, key, advert(external_reference="H-1")).status_code == 201
    db.session.expire_all()
    assert (theirs.title, theirs.status, theirs.updated_at) == before


def test_revoked_and_rotated_keys_are_refused_at_once(client, camden):
    admin = admin_of(camden)
    made = api_keys.create_key(admin, "Tribepad", "write")
    db.session.commit()
    assert call(client, "GET", URL, made.secret).status_code == 200
    rotated = api_keys.rotate_key(admin, made.key)
    db.session.commit()
    assert_problem(call(client, "GET", URL, made.secret), 401)
    assert call(client, "GET", URL, rotated.secret).status_code == 200
    api_keys.revoke_key(admin, rotated.key)
    db.session.commit()
    assert_problem(call(client, "POST", URL, rotated.secret, advert()), 401)
    assert vacancy_count() == 0
    stored = db.session.scalars(sa.select(ApiKey.key_hash)).all()
    assert made.secret not in stored and all(len(h) == 64 for h in stored)
    assert db.session.get(ApiKey, made.key.id).last_used_at is not None


@pytest.mark.parametrize("presented", [None, "", "nonsense", "csw_AAAAAAAAAA_" + "x" * 40])
def test_missing_or_unknown_keys_get_401(client, camden, presented):
    response = call(client, "GET", URL, presented)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("ApiKey")


def test_a_read_only_key_cannot_write(client, camden):
    reader = key_for(camden, "read")
    assert call(client, "GET", URL, reader).status_code == 200
    assert_problem(call(client, "POST", URL, reader, advert()), 403)
    assert vacancy_count() == 0


# --- every error code, and nothing changed ------------------------------------------------------------

def test_400_unreadable_json_and_bad_query(client, key):
    response = client.post(URL, data="{not json", content_type="application/json", headers={"X-Api-Key": key})
    assert_problem(response, 400)
    assert_problem(call(client, "GET", f"{URL}?updated_since=yesterday", key), 400, "query.updated_since")
    assert_problem(call(client, "POST", URL, key, advert(), **{"Idempotency-Key": " "}), 400,
                   "header.Idempotency-Key")
    assert vacancy_count() == 0


def test_404_past_the_last_page_and_unknown_ids(client, key):
    assert_problem(call(client, "GET", f"{URL}?page=2", key), 404)
    assert_problem(call(client, "GET", f"{URL}/99999", key), 404)
    assert_problem(call(client, "GET", f"{URL}/nonsense", key), 404)


def test_405_wrong_method(client, key):
    response = call(client, "PATCH", URL, key, advert())
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_409_repeated_external_reference_links_to_the_existing_vacancy(client, key):
    first = call(client, "POST", URL, key, advert()).get_json()
    problem = assert_problem(call(client, "POST", URL, key, advert(title="Another")), 409)
    assert problem["existing"]["id"] == first["id"] and problem["existing"]["href"].endswith(f"{URL}/{first['id']}")
    second = call(client, "POST", URL, key, advert(external_reference="OLEEO-2")).get_json()
    assert_problem(call(client, "PUT", f"{URL}/{second['id']}", key, advert()), 409)
    assert vacancy_count() == 2


def test_413_too_large(client, key):
    response = call(client, "POST", URL, key, advert(description="x" * 600_000))
    assert_problem(response, 413)
    assert vacancy_count() == 0


def test_415_not_json(client, key):
    response = client.post(URL, data="title=x", content_type="application/x-www-form-urlencoded",
                           headers={"X-Api-Key": key})
    assert_problem(response, 415)
    assert vacancy_count() == 0


def test_422_names_each_field(client, key):
    bad = advert(salary_min=60000, salary_max=50000, role_level="wizard", unknown_field=1,
                 closing_date="2020-01-01", title="")
    problem = assert_problem(call(client, "POST", URL, key, bad), 422)
    fields = {error["field"] for error in problem["errors"]}
    assert {"role_level", "unknown_field"} <= fields  # read by the schema first
    rules = assert_problem(call(client, "POST", URL, key, advert(salary_min=60000, salary_max=50000, title="",
                                                                 status="live", closing_date="2020-01-01")), 422)
    assert {e["field"] for e in rules["errors"]} == {"salary_max", "title", "closing_date"}
    # A NUL byte is refused before it reaches the database (by the site's own check of every request,
    # or by the API's schema): a problem either way, never a 500.
    nul = call(client, "POST", URL, key, advert(title="nul\x00byte"))
    assert_problem(nul, nul.status_code) and nul.status_code in (400, 422)
    assert_problem(call(client, "POST", URL, key, advert(closing_date="31/03/2027")), 422, "closing_date")
    assert_problem(call(client, "POST", URL, key, advert(apply_method="external")), 422, "external_apply_url")
    assert vacancy_count() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.aggregate_type == "vacancies")) == 0


def test_publishing_a_vacancy_twice_is_a_409_and_changes_nothing(client, key):
    created = call(client, "POST", URL, key, advert(status="live")).get_json()
    assert_problem(call(client, "POST", f"{URL}/{created['id']}/publish", key), 409)


# --- Idempotency-Key -----------------------------------------------------------------------------------

def test_idempotency_key_replays_the_first_answer(client, key):
    token = str(uuid.uuid4())
    first = call(client, "POST", URL, key, advert(), **{"Idempotency-Key": token})
    again = call(client, "POST", URL, key, advert(), **{"Idempotency-Key": token})
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert vacancy_count() == 1
    different = call(client, "POST", URL, key, advert(title="Changed"), **{"Idempotency-Key": token})
    assert_problem(different, 422, "header.Idempotency-Key")
    assert vacancy_count() == 1
    # A refused request keeps nothing, so the same key can be used once the body is put right.
    fresh = str(uuid.uuid4())
    assert_problem(call(client, "POST", URL, key, advert(external_reference="Z", title=""),
                        **{"Idempotency-Key": fresh}), 422)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotentRequest)) == 1
    assert call(client, "POST", URL, key, advert(external_reference="Z"), **{"Idempotency-Key": fresh}).status_code == 201


# --- the document --------------------------------------------------------------------------------------

def test_the_document_and_its_browsable_page(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["CouncilApiKey"]["name"] == "X-Api-Key"
    problem = document["components"]["responses"]["UNPROCESSABLE_ENTITY"]["content"]
    assert list(problem) == ["application/problem+json"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    bundle = re.search(r'src="(/static/swagger-ui/swagger-ui-bundle\.[0-9a-f]{12}\.js)"', html)
    assert bundle and "https://" not in html.split("<body>")[0]
    assert client.get(bundle.group(1)).status_code == 200


def test_kept_answers_are_forgotten_after_a_day(client, key):
    from workers.tasks import forget_old_idempotent_answers  # noqa: PLC0415  (the scheduled task itself)

    call(client, "POST", URL, key, advert(), **{"Idempotency-Key": "old"})
    call(client, "POST", URL, key, advert(external_reference="NEW"), **{"Idempotency-Key": "new"})
    old = db.session.scalar(sa.select(IdempotentRequest).where(IdempotentRequest.key == "old"))
    old.created_at -= dt.timedelta(hours=25)
    db.session.commit()
    assert forget_old_idempotent_answers() == 1
    assert db.session.scalars(sa.select(IdempotentRequest.key)).all() == ["new"]
    # A day on, the same key is a new request: here, a repeat of a reference already used (409).
    assert_problem(call(client, "POST", URL, key, advert(), **{"Idempotency-Key": "old"}), 409)


def test_editing_in_the_site_keeps_the_councils_html_until_its_text_changes(client, camden, key):
    from tests.factories import RecruiterFactory  # noqa: PLC0415  (only this test edits as a recruiter)
    from webapp.services import vacancies as vacancy_service  # noqa: PLC0415

    created = call(client, "POST", URL, key, advert(description="<p>Hello <em>team</em></p>")).get_json()
    vacancy = db.session.get(Vacancy, created["id"])
    recruiter = RecruiterFactory(organisation=camden)
    values = {name: getattr(vacancy, name) for name in vacancy_service.VACANCY_FIELDS}
    assert vacancy_service.update_vacancy(recruiter, vacancy, {**values, "title": "Renamed"}) == ["title"]
    assert vacancy.description_html == "<p>Hello <em>team</em></p>"
    changed = vacancy_service.update_vacancy(recruiter, vacancy, {**values, "title": "Renamed",
                                                                  "description": "Plain words now."})
    assert set(changed) == {"description", "description_html"} and vacancy.description_html is None


def test_removing_through_the_api_takes_the_job_out_of_the_feeds_and_the_sitemap(client, key):
    import xml.etree.ElementTree as ET  # noqa: PLC0415  (only this test reads the XML)

    created = call(client, "POST", URL, key, advert(status="live")).get_json()
    job_url = created["url"]

    def listed() -> tuple[bool, bool]:
        feed = ET.fromstring(client.get("/feeds/jobs.rss").data)
        sitemap = ET.fromstring(client.get("/sitemap.xml").data)
        in_feed = job_url in [link.text for link in feed.iter("link")]
        in_sitemap = job_url in [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
        return in_feed, in_sitemap

    assert listed() == (True, True)
    assert call(client, "DELETE", f"{URL}/{created['id']}", key).status_code == 204
    assert listed() == (False, False)
