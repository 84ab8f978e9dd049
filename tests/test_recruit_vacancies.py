"""A council recruiter's vacancies: drafting, editing, publishing, closing, re-opening, and who may do it."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from domain.vocabulary import ApplicationStatus, ApplyMethod, RoleLevel, UserRole, VacancyStatus
from tests.factories import (
    CandidateFactory,
    OrganisationFactory,
    RecruiterFactory,
    UserFactory,
    VacancyFactory,
)
from tests.helpers import sign_in_as
from tests.pages import (
    error_summary,
    error_summary_links,
    field_error,
    heading,
    input_value,
    main_text,
    page,
    table_rows,
    text_of,
    texts,
)
from webapp.extensions import db
from webapp.models import Application, AuditLog, OutboxMessage, Vacancy

TODAY = dt.date.today()


def form_data(**overrides) -> dict:
    """A complete, valid vacancy form as a browser sends it."""
    closing = TODAY + dt.timedelta(days=28)
    data = {
        "title": "Senior Practitioner, Child Protection",
        "reference": "CP-0042",
        "role_level": "senior_practitioner",
        "service_area": "child_protection",
        "team": "Child protection team 3",
        "summary": "Hold a protected caseload in a stable, well-supported team.",
        "description": "You will work with families where children are at risk of significant harm.\n\nWe offer weekly supervision.",
        "salary_min": "45,000",
        "salary_max": "£52000",
        "contract_type": "permanent",
        "fte": "1.0",
        "working_pattern": "full_time",
        "location_name": "",
        "latitude": "",
        "longitude": "",
        "closing_date": [str(closing.day), str(closing.month), str(closing.year)],
        "apply_method": "in_platform",
        "external_apply_url": "",
        "caseload_max": "16",
        "supervision_frequency": "fortnightly",
        "protected_caseload_nqsw": "y",
        "hybrid_pattern": "hybrid",
        "market_supplement": "3000",
        "retention_payment": "2000",
        "funded_development": "y",
        "development_details": "Funded practice educator award",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def date_parts(day: dt.date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


@pytest.fixture
def recruiter(app):
    user = RecruiterFactory(organisation=OrganisationFactory(name="Camden", slug="camden", town="King's Cross"))
    db.session.commit()
    return user


@pytest.fixture
def signed_in(client, recruiter):
    sign_in_as(client, recruiter)
    return client


def vacancy_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Vacancy))


def audit_entries(action: str | None = None) -> list[AuditLog]:
    query = sa.select(AuditLog).order_by(AuditLog.id)
    if action:
        query = query.where(AuditLog.action == action)
    return list(db.session.scalars(query))


# --- creating -------------------------------------------------------------------------------------------

def test_recruiter_creates_a_draft_with_the_practice_promise(signed_in, recruiter):
    response = signed_in.post("/recruit/vacancies/new", data=form_data())
    assert response.status_code == 302
    vacancy = db.session.scalar(sa.select(Vacancy))
    assert response.headers["Location"].endswith(f"/recruit/vacancies/{vacancy.id}")
    assert vacancy.status == VacancyStatus.DRAFT
    assert vacancy.published_at is None
    assert vacancy.organisation_id == recruiter.organisation_id
    assert vacancy.created_by_id == recruiter.id
    assert vacancy.slug == "senior-practitioner-child-protection"
    assert vacancy.role_level == RoleLevel.SENIOR_PRACTITIONER
    assert (vacancy.salary_min, vacancy.salary_max) == (45000, 52000)
    assert vacancy.fte == Decimal("1.00")
    assert vacancy.closing_date == TODAY + dt.timedelta(days=28)
    assert vacancy.description.startswith("You will work") and "\n\nWe offer" in vacancy.description
    # Defaults from the council: its town and its map position.
    assert vacancy.location_name == "King's Cross"
    assert (vacancy.latitude, vacancy.longitude) == (recruiter.organisation.latitude, recruiter.organisation.longitude)
    # The practice promise, as structured fields.
    assert vacancy.caseload_max == 16
    assert vacancy.supervision_frequency.value == "fortnightly"
    assert vacancy.protected_caseload_nqsw is True
    assert vacancy.hybrid_pattern.value == "hybrid"
    assert (vacancy.market_supplement, vacancy.retention_payment) == (3000, 2000)
    assert vacancy.funded_development is True and vacancy.development_details == "Funded practice educator award"


def test_new_vacancy_form_renders_with_council_defaults(signed_in):
    response = signed_in.get("/recruit/vacancies/new")
    assert response.status_code == 200
    soup = page(response)
    assert heading(soup) == "Post a vacancy"
    assert input_value(soup, "location_name") == "King's Cross"
    assert soup.find(id="closing_date-day")["name"] == "closing_date"
    assert soup.select("main .govuk-character-count")
    assert "Practice promise" in texts(soup, "main legend, main h2")


def test_creating_writes_an_audit_entry_with_field_names_only(signed_in, recruiter):
    signed_in.post("/recruit/vacancies/new", data=form_data())
    vacancy = db.session.scalar(sa.select(Vacancy))
    [entry] = audit_entries("vacancy.created")
    assert entry.actor_id == recruiter.id
    assert entry.organisation_id == recruiter.organisation_id
    assert (entry.subject_type, entry.subject_id) == ("vacancies", vacancy.id)
    assert "title" in entry.detail["changed"] and "salary_min" in entry.detail["changed"]
    # Field names, never what was typed.
    flattened = repr(entry.detail)
    assert "Senior Practitioner" not in flattened and "45000" not in flattened
    assert recruiter.full_name not in flattened and recruiter.email not in flattened


def test_creating_writes_an_outbox_row_so_search_stays_in_step(signed_in):
    signed_in.post("/recruit/vacancies/new", data=form_data())
    vacancy = db.session.scalar(sa.select(Vacancy))
    topics = db.session.execute(
        sa.select(OutboxMessage.topic, OutboxMessage.aggregate_id).where(OutboxMessage.aggregate_type == "vacancies")
    ).all()
    assert ("vacancy.changed", vacancy.id) in topics


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a job title"),
        ({"title": "x" * 151}, "title", "Job title must be 150 characters or fewer"),
        ({"role_level": ""}, "role_level", "Select a role level"),
        ({"role_level": "wizard"}, "role_level", "Select a role level"),
        ({"service_area": "nope"}, "service_area", "Select a service area"),
        ({"summary": ""}, "summary", "Enter a short summary of the job"),
        ({"description": ""}, "description", "Enter a job description"),
        ({"description": "x" * 10_001}, "description", "Job description must be 10,000 characters or fewer"),
        ({"salary_min": "lots"}, "salary_min", "Minimum salary must be a whole number of pounds"),
        ({"salary_min": "1500"}, "salary_min", "Minimum salary must be £15,000 or more"),
        ({"salary_max": "1500000"}, "salary_max", "Maximum salary must be £150,000 or less"),
        ({"salary_min": "60000", "salary_max": "50000"}, "salary_max",
         "Maximum salary must be the same as or more than the minimum salary"),
        ({"fte": "1.5"}, "fte", "Full-time equivalent must be between 0.1 and 1.0"),
        ({"fte": "0"}, "fte", "Full-time equivalent must be between 0.1 and 1.0"),
        ({"fte": "half"}, "fte", "Full-time equivalent must be a number"),
        ({"fte": "NaN"}, "fte", "Full-time equivalent must be a number"),
        ({"fte": "0.333"}, "fte", "no more than 2 decimal places"),
        ({"contract_type": None}, "contract_type", "Select a contract type"),
        ({"working_pattern": "sometimes"}, "working_pattern", "Select a working pattern"),
        ({"closing_date": ["", "", ""]}, "closing_date", "Enter the closing date"),
        ({"closing_date": ["31", "2", "2027"]}, "closing_date", "Closing date must be a real date"),
        ({"closing_date": ["1", "", "2027"]}, "closing_date", "Closing date must include a month"),
        ({"closing_date": ["1", "2", "27"]}, "closing_date", "Year must include 4 numbers"),
        ({"closing_date": ["a", "b", "cdef"]}, "closing_date", "Closing date must be a real date"),
        ({"closing_date": "5"}, "closing_date", "Closing date must include a month and a year"),
        ({"closing_date": None}, "closing_date", "Enter the closing date"),
        ({"closing_date": date_parts(TODAY + dt.timedelta(days=400))}, "closing_date",
         "Closing date must be within a year"),
        ({"apply_method": "external", "external_apply_url": ""}, "external_apply_url",
         "Enter the web address where people apply"),
        ({"apply_method": "external", "external_apply_url": "javascript:alert(1)"}, "external_apply_url",
         "must be a full web address starting with https:// or http://"),
        ({"apply_method": "external", "external_apply_url": "ftp://jobs.camden.gov.uk/x"}, "external_apply_url",
         "starting with https:// or http://"),
        ({"apply_method": "external", "external_apply_url": "https://jobs camden"}, "external_apply_url",
         "must not contain spaces"),
        ({"apply_method": "elsewhere"}, "apply_method", "Select how people apply"),
        ({"caseload_max": "200"}, "caseload_max", "Typical maximum caseload must be between 1 and 60"),
        ({"caseload_max": "-3"}, "caseload_max", "Typical maximum caseload must be a whole number"),
        ({"market_supplement": "90000"}, "market_supplement", "Market supplement must be between £0 and £50,000"),
        ({"supervision_frequency": "hourly"}, "supervision_frequency", "Select how often supervision happens"),
        ({"funded_development": "y", "development_details": ""}, "development_details",
         "Describe the development you fund"),
        ({"latitude": "51.5"}, "longitude", "Enter both latitude and longitude"),
        ({"latitude": "40.1", "longitude": "-0.1"}, "latitude", "Latitude must be between"),
        ({"location_name": "x" * 121}, "location_name", "Location must be 120 characters or fewer"),
        ({"reference": "x" * 41}, "reference", "Reference must be 40 characters or fewer"),
    ],
)
def test_invalid_vacancy_is_refused_with_a_clear_message_and_nothing_saved(signed_in, overrides, field, message):
    response = signed_in.post("/recruit/vacancies/new", data=form_data(**overrides))
    assert response.status_code == 400
    soup = page(response)
    # The message is in the summary, linked to the field, and beside the field itself.
    [(href, summary_message)] = error_summary_links(soup).items()
    assert href in (f"#{field}", f"#{field}-day") and message in summary_message
    assert message in (field_error(soup, field) or "")
    assert text_of(soup, "title").startswith("Error: ")
    assert vacancy_count() == 0
    assert audit_entries() == []


def test_several_problems_are_reported_at_once(signed_in):
    response = signed_in.post("/recruit/vacancies/new",
                              data=form_data(title="", salary_min="9", fte="3", closing_date=["", "", ""]))
    assert response.status_code == 400
    soup = page(response)
    summary = error_summary_links(soup)
    assert summary["#title"] == "Enter a job title" == field_error(soup, "title")
    assert summary["#salary_min"] == "Minimum salary must be £15,000 or more" == field_error(soup, "salary_min")
    assert summary["#fte"].startswith("Full-time equivalent must be between")
    assert summary["#closing_date-day"] == "Enter the closing date" == field_error(soup, "closing_date")
    assert len(summary) == 4


def test_external_apply_keeps_the_address_and_in_platform_drops_a_hidden_one(signed_in):
    signed_in.post("/recruit/vacancies/new", data=form_data(apply_method="external",
                                                             external_apply_url="https://jobs.camden.gov.uk/123"))
    signed_in.post("/recruit/vacancies/new", data=form_data(title="Social worker, MASH", apply_method="in_platform",
                                                             external_apply_url="https://left.over/in-the-box"))
    external, in_platform = db.session.scalars(sa.select(Vacancy).order_by(Vacancy.id)).all()
    assert external.apply_method == ApplyMethod.EXTERNAL
    assert external.external_apply_url == "https://jobs.camden.gov.uk/123"
    assert in_platform.external_apply_url is None


def test_a_draft_may_be_saved_with_a_past_closing_date_but_not_published(signed_in):
    response = signed_in.post("/recruit/vacancies/new",
                              data=form_data(closing_date=date_parts(TODAY - dt.timedelta(days=1))))
    assert response.status_code == 302
    vacancy = db.session.scalar(sa.select(Vacancy))
    response = signed_in.post(f"/recruit/vacancies/{vacancy.id}/publish")
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Closing date must be in the future. Edit the vacancy to fix this."]
    db.session.refresh(vacancy)
    assert vacancy.status == VacancyStatus.DRAFT and vacancy.published_at is None
    assert audit_entries("vacancy.published") == []


# --- editing --------------------------------------------------------------------------------------------------

def test_edit_form_is_filled_in_from_the_vacancy(signed_in, recruiter):
    vacancy = VacancyFactory(organisation=recruiter.organisation, title="Team manager, MASH", fte=Decimal("0.60"),
                             caseload_max=12, reference="MASH-7")
    db.session.commit()
    soup = page(signed_in.get(f"/recruit/vacancies/{vacancy.id}/edit"))
    assert input_value(soup, "title") == "Team manager, MASH"
    assert input_value(soup, "fte") == "0.6"
    assert input_value(soup, "caseload_max") == "12"
    assert input_value(soup, "reference") == "MASH-7"
    closing = vacancy.closing_date
    assert [box.get("value") for box in soup.select('input[name="closing_date"]')] == [
        f"{closing.day:02d}", f"{closing.month:02d}", str(closing.year)]


def test_editing_changes_the_fields_and_records_which(signed_in, recruiter):
    signed_in.post("/recruit/vacancies/new", data=form_data())
    vacancy = db.session.scalar(sa.select(Vacancy))
    response = signed_in.post(f"/recruit/vacancies/{vacancy.id}/edit",
                              data=form_data(title="Advanced Practitioner, Child Protection", salary_max="56000"))
    assert response.status_code == 302
    db.session.refresh(vacancy)
    assert vacancy.title == "Advanced Practitioner, Child Protection"
    assert vacancy.slug == "advanced-practitioner-child-protection"
    assert vacancy.salary_max == 56000
    [entry] = audit_entries("vacancy.updated")
    assert sorted(entry.detail["changed"]) == ["salary_max", "title"]
    assert "56000" not in repr(entry.detail)


def test_an_exact_map_position_is_kept_and_shown_again(signed_in, recruiter):
    signed_in.post("/recruit/vacancies/new", data=form_data(latitude="51.55", longitude="-0.1"))
    vacancy = db.session.scalar(sa.select(Vacancy))
    assert (vacancy.latitude, vacancy.longitude) == (51.55, -0.1)
    soup = page(signed_in.get(f"/recruit/vacancies/{vacancy.id}/edit"))
    assert (input_value(soup, "latitude"), input_value(soup, "longitude")) == ("51.55", "-0.1")
    # Clearing both goes back to the council's own position.
    signed_in.post(f"/recruit/vacancies/{vacancy.id}/edit", data=form_data())
    db.session.refresh(vacancy)
    assert (vacancy.latitude, vacancy.longitude) == (recruiter.organisation.latitude, recruiter.organisation.longitude)


def test_saving_without_changes_records_nothing(signed_in):
    signed_in.post("/recruit/vacancies/new", data=form_data())
    vacancy = db.session.scalar(sa.select(Vacancy))
    response = signed_in.post(f"/recruit/vacancies/{vacancy.id}/edit", data=form_data(), follow_redirects=True)
    banners = texts(page(response), ".govuk-notification-banner__content")
    assert [text for text in banners if "Nothing was changed" in text] != []
    assert audit_entries("vacancy.updated") == []


def test_invalid_edit_changes_nothing(signed_in, recruiter):
    vacancy = VacancyFactory(organisation=recruiter.organisation, title="Social worker, CIN")
    db.session.commit()
    response = signed_in.post(f"/recruit/vacancies/{vacancy.id}/edit",
                              data=form_data(title="Changed title", salary_min="70000", salary_max="60000"))
    assert response.status_code == 400
    db.session.expire_all()
    vacancy = db.session.get(Vacancy, vacancy.id)
    assert vacancy.title == "Social worker, CIN" and vacancy.salary_min == 42000
    assert audit_entries() == []


def test_a_live_vacancy_cannot_be_edited_to_close_in_the_past(signed_in, recruiter):
    vacancy = VacancyFactory(organisation=recruiter.organisation)
    db.session.commit()
    response = signed_in.post(f"/recruit/vacancies/{vacancy.id}/edit",
                              data=form_data(closing_date=date_parts(TODAY - dt.timedelta(days=3))))
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == ["Closing date must be in the future"]
    assert field_error(soup, "closing_date") == "Closing date must be in the future"


def test_oversized_request_is_refused_not_crashed(signed_in):
    response = signed_in.post("/recruit/vacancies/new", data=form_data(description="x" * (3 * 1024 * 1024)))
    assert response.status_code == 413
    assert vacancy_count() == 0


# --- publishing, closing, re-opening -------------------------------------------------------------------------

def test_publish_close_and_reopen(signed_in, recruiter):
    signed_in.post("/recruit/vacancies/new", data=form_data())
    vacancy = db.session.scalar(sa.select(Vacancy))

    response = signed_in.post(f"/recruit/vacancies/{vacancy.id}/publish")
    assert response.status_code == 302
    db.session.refresh(vacancy)
    assert vacancy.status == VacancyStatus.LIVE and vacancy.published_at is not None
    assert vacancy.is_live_on(TODAY)

    response = signed_in.post(f"/recruit/vacancies/{vacancy.id}/close")
    assert response.status_code == 302
    db.session.refresh(vacancy)
    assert vacancy.status == VacancyStatus.CLOSED and vacancy.closed_at is not None

    new_closing = TODAY + dt.timedelta(days=14)
    response = signed_in.post(f"/recruit/vacancies/{vacancy.id}/reopen", data={"closing_date": date_parts(new_closing)})
    assert response.status_code == 302
    db.session.refresh(vacancy)
    assert vacancy.status == VacancyStatus.LIVE and vacancy.closing_date == new_closing and vacancy.closed_at is None

    actions = [(e.action, sorted(e.detail["changed"])) for e in audit_entries()]
    # Creating records every field the form filled in; the empty external address is not one.
    filled_in = {"title", "reference", "role_level", "service_area", "team", "summary", "description", "salary_min",
                 "salary_max", "contract_type", "fte", "working_pattern", "closing_date", "caseload_max",
                 "supervision_frequency", "protected_caseload_nqsw", "hybrid_pattern", "market_supplement",
                 "retention_payment", "funded_development", "development_details"}
    assert actions[0][0] == "vacancy.created"
    assert filled_in <= set(actions[0][1]) and "external_apply_url" not in actions[0][1]
    assert actions[1:] == [
        ("vacancy.published", ["published_at", "status"]),
        ("vacancy.closed", ["closed_at", "status"]),
        ("vacancy.reopened", ["closed_at", "closing_date", "status"]),
    ]
    assert all(e.actor_id == recruiter.id and e.organisation_id == recruiter.organisation_id for e in audit_entries())
    outbox_ids = db.session.scalars(
        sa.select(OutboxMessage.aggregate_id).where(OutboxMessage.topic == "vacancy.changed")
    ).all()
    assert outbox_ids.count(vacancy.id) >= 4  # created, published, closed, re-opened


def test_reopen_needs_a_future_closing_date(signed_in, recruiter):
    vacancy = VacancyFactory(organisation=recruiter.organisation, status=VacancyStatus.CLOSED,
                             closing_date=TODAY - dt.timedelta(days=5))
    db.session.commit()
    for parts, message in ((date_parts(TODAY), "Closing date must be in the future"),
                           (["", "", ""], "Enter the closing date"),
                           (["30", "2", str(TODAY.year + 1)], "Closing date must be a real date")):
        response = signed_in.post(f"/recruit/vacancies/{vacancy.id}/reopen", data={"closing_date": parts})
        assert response.status_code == 400
        soup = page(response)
        assert error_summary(soup) == [message] and field_error(soup, "closing_date") == message
    db.session.refresh(vacancy)
    assert vacancy.status == VacancyStatus.CLOSED
    assert audit_entries() == []


def test_an_expired_live_vacancy_can_be_reopened_with_a_new_date(signed_in, recruiter):
    vacancy = VacancyFactory(organisation=recruiter.organisation, closing_date=TODAY - dt.timedelta(days=2))
    db.session.commit()
    new_closing = TODAY + dt.timedelta(days=10)
    response = signed_in.post(f"/recruit/vacancies/{vacancy.id}/reopen", data={"closing_date": date_parts(new_closing)})
    assert response.status_code == 302
    db.session.refresh(vacancy)
    assert vacancy.is_live_on(TODAY) and vacancy.closing_date == new_closing
    [entry] = audit_entries("vacancy.reopened")
    assert entry.detail["changed"] == ["closing_date"]


def test_wrong_state_actions_are_refused(signed_in, recruiter):
    draft = VacancyFactory(organisation=recruiter.organisation, status=VacancyStatus.DRAFT, published_at=None)
    live = VacancyFactory(organisation=recruiter.organisation)
    closed = VacancyFactory(organisation=recruiter.organisation, status=VacancyStatus.CLOSED)
    db.session.commit()
    assert signed_in.post(f"/recruit/vacancies/{draft.id}/close").status_code == 400
    response = signed_in.post(f"/recruit/vacancies/{live.id}/publish")
    assert response.status_code == 400
    assert "Only a draft can be published" in main_text(page(response))
    assert signed_in.post(f"/recruit/vacancies/{closed.id}/close").status_code == 400
    assert signed_in.get(f"/recruit/vacancies/{live.id}/reopen").status_code == 400
    assert signed_in.get(f"/recruit/vacancies/{draft.id}/reopen").status_code == 400
    assert signed_in.get(f"/recruit/vacancies/{live.id}/publish").status_code == 405
    db.session.expire_all()
    assert [db.session.get(Vacancy, v.id).status for v in (draft, live, closed)] == [
        VacancyStatus.DRAFT, VacancyStatus.LIVE, VacancyStatus.CLOSED]
    assert audit_entries() == []


# --- the list ---------------------------------------------------------------------------------------------------

def test_vacancy_list_tabs_counts_and_expiry(signed_in, recruiter):
    org = recruiter.organisation
    live = VacancyFactory(organisation=org, title="Live social worker job")
    expired = VacancyFactory(organisation=org, title="Expired social worker job", closing_date=TODAY - dt.timedelta(days=1))
    VacancyFactory(organisation=org, title="Draft social worker job", status=VacancyStatus.DRAFT, published_at=None)
    VacancyFactory(organisation=org, title="Closed social worker job", status=VacancyStatus.CLOSED)
    VacancyFactory(title="Another council's job")  # another council
    for n, status in enumerate((ApplicationStatus.SUBMITTED, ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED)):
        db.session.add(Application(vacancy=live, candidate=CandidateFactory(), status=status, supporting_statement="x"))
    db.session.commit()

    soup = page(signed_in.get("/recruit/vacancies"))
    assert texts(soup, ".govuk-tabs__tab") == ["Live (1)", "Drafts (1)", "Closed (2)"]
    assert [tr["id"] for tr in soup.select(".govuk-tabs__panel tbody tr")] == [f"vacancy-{live.id}"]
    [[job, closes, applications]] = table_rows(soup, ".govuk-tabs__panel table")
    assert text_of(soup, f"#vacancy-{live.id} td a") == "Live social worker job"
    assert closes == f"{live.closing_date.day} {live.closing_date:%B %Y}"
    assert applications == "3 2 to review"  # three applications, two still at "submitted"

    closed = page(signed_in.get("/recruit/vacancies?status=closed"))
    assert sorted(texts(closed, ".govuk-tabs__panel tbody td:first-child a")) == [
        "Closed social worker job", "Expired social worker job"]
    assert texts(closed, f"#vacancy-{expired.id} .govuk-tag") == ["Closed (closing date passed)"]

    drafts = page(signed_in.get("/recruit/vacancies?status=draft"))
    assert texts(drafts, ".govuk-tabs__panel tbody td:first-child a") == ["Draft social worker job"]


def test_vacancy_page_shows_expiry_without_any_job_running(signed_in, recruiter):
    vacancy = VacancyFactory(organisation=recruiter.organisation, closing_date=TODAY - dt.timedelta(days=1))
    db.session.commit()
    soup = page(signed_in.get(f"/recruit/vacancies/{vacancy.id}"))
    assert texts(soup, "main .govuk-tag")[0] == "Closed (closing date passed)"
    buttons = texts(soup, "main .govuk-button")
    assert "Re-open vacancy" in buttons and "Close vacancy" not in buttons


@pytest.mark.parametrize("query", ["status=archived", "page=0", "page=abc", "page=-1", "page=99999999999"])
def test_bad_list_query_strings_are_a_4xx(signed_in, query):
    response = signed_in.get(f"/recruit/vacancies?{query}")
    assert response.status_code == 400


def test_a_page_past_the_end_is_not_found(signed_in):
    assert signed_in.get("/recruit/vacancies?page=2").status_code == 404


# --- who may -----------------------------------------------------------------------------------------------------

def test_another_councils_vacancy_is_not_found(signed_in, recruiter):
    theirs = VacancyFactory(title="Hackney job")
    db.session.commit()
    for method, path in (("get", ""), ("get", "/edit"), ("post", "/edit"), ("post", "/publish"), ("post", "/close"),
                         ("get", "/reopen"), ("post", "/reopen")):
        response = getattr(signed_in, method)(f"/recruit/vacancies/{theirs.id}{path}", data=form_data())
        assert response.status_code == 404, (method, path)
    db.session.expire_all()
    assert db.session.get(Vacancy, theirs.id).title == "Hackney job"
    assert audit_entries() == []


def test_ids_that_do_not_exist_or_overflow_are_not_found(signed_in):
    for vacancy_id in ("999", "99999999999999999999"):
        assert signed_in.get(f"/recruit/vacancies/{vacancy_id}").status_code == 404
        assert signed_in.post(f"/recruit/vacancies/{vacancy_id}/publish").status_code == 404


def test_candidates_are_forbidden_and_strangers_sent_to_sign_in(client, app):
    vacancy = VacancyFactory()
    candidate = CandidateFactory()
    db.session.commit()
    for path in ("/recruit/vacancies", "/recruit/vacancies/new", f"/recruit/vacancies/{vacancy.id}",
                 "/recruit/council"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], path
    sign_in_as(client, candidate)
    for path in ("/recruit/vacancies", "/recruit/vacancies/new", f"/recruit/vacancies/{vacancy.id}"):
        assert client.get(path).status_code == 403, path
    assert client.post("/recruit/vacancies/new", data=form_data()).status_code == 403
    assert client.post(f"/recruit/vacancies/{vacancy.id}/close").status_code == 403
    assert vacancy_count() == 1


def test_a_recruiter_without_a_council_is_forbidden(client, app):
    orphan = UserFactory(role=UserRole.RECRUITER)
    db.session.commit()
    sign_in_as(client, orphan)
    response = client.get("/recruit/vacancies")
    assert response.status_code == 403
    assert "not linked to a council" in response.get_data(as_text=True)


def test_org_admin_manages_vacancies_too(client, app):
    org_admin = UserFactory(role=UserRole.ORG_ADMIN, organisation=OrganisationFactory())
    db.session.commit()
    sign_in_as(client, org_admin)
    assert client.post("/recruit/vacancies/new", data=form_data()).status_code == 302
    assert db.session.scalar(sa.select(Vacancy)).organisation_id == org_admin.organisation_id


@pytest.mark.parametrize("app_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_forms_need_their_csrf_token(client, recruiter, app_overrides):
    sign_in_as(client, recruiter)
    vacancy = VacancyFactory(organisation=recruiter.organisation, status=VacancyStatus.DRAFT, published_at=None)
    db.session.commit()
    assert client.post("/recruit/vacancies/new", data=form_data()).status_code == 400
    assert client.post(f"/recruit/vacancies/{vacancy.id}/publish").status_code == 400
    db.session.refresh(vacancy)
    assert vacancy.status == VacancyStatus.DRAFT
    assert vacancy_count() == 1


def test_close_vacancy_asks_first_on_its_own_page_and_the_first_click_changes_nothing(signed_in, recruiter):
    vacancy = VacancyFactory(organisation=recruiter.organisation, title="Fostering social worker",
                             status=VacancyStatus.LIVE)
    db.session.commit()
    soup = page(signed_in.get(f"/recruit/vacancies/{vacancy.id}"))
    [close] = soup.select("#close")
    assert close.name == "a" and close["href"] == f"/recruit/vacancies/{vacancy.id}/close"  # a link, not a post

    response = signed_in.get(close["href"])
    assert response.status_code == 200
    soup = page(response)
    assert text_of(soup, "h1") == "Close ‘Fostering social worker’?"
    assert "Nobody new can apply" in text_of(soup, "main") and soup.select(".govuk-warning-text")
    assert text_of(soup, "#confirm") == "Yes, close this vacancy" and "govuk-button--warning" in soup.select_one("#confirm")["class"]
    assert ("Cancel", f"/recruit/vacancies/{vacancy.id}") in [(a.get_text(strip=True), a["href"]) for a in soup.select("main a")]
    db.session.refresh(vacancy)
    assert vacancy.status == VacancyStatus.LIVE

    assert signed_in.post(f"/recruit/vacancies/{vacancy.id}/close").status_code == 302
    db.session.refresh(vacancy)
    assert vacancy.status == VacancyStatus.CLOSED
    # Closed: there is nothing left to confirm.
    assert signed_in.get(f"/recruit/vacancies/{vacancy.id}/close").status_code == 400
