"""A social worker's profile: every answer checked with a clear message, saved whole or not at all."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain.vocabulary import Availability, RoleLevel
from tests import helpers
from tests.pages import (
    error_summary_links,
    field_error,
    input_value,
    links,
    page,
    summary_list,
    summary_lists,
    text_of,
)
from tests.factories import CandidateFactory, CandidateProfileFactory, OrganisationFactory, RecruiterFactory
from webapp.extensions import db
from webapp.models import AuditLog, CandidateProfile, OutboxMessage
from webapp.services import ServiceError, profiles


def sign_in_as(client, user) -> None:
    with client.application.test_request_context(environ_base=client.environ_base):
        helpers.sign_in_as(client, user)


@pytest.fixture
def councils():
    names = [("Camden", "camden"), ("Hackney", "hackney"), ("Croydon", "croydon")]
    return [OrganisationFactory(name=name, slug=slug) for name, slug in names]


@pytest.fixture
def candidate(client, councils):
    user = CandidateFactory(full_name="Ama Mensah")
    db.session.commit()
    sign_in_as(client, user)
    return user


def valid_form(**changes):
    data = {
        "swe_number": "sw 123 456",
        "in_asye": "no",
        "years_qualified": "4",
        "role_level": "senior_practitioner",
        "specialisms": ["child_protection", "children_in_need"],
        "preferred_boroughs": ["camden", "hackney"],
        "home_borough": "hackney",
        "max_commute_miles": "10",
        "working_patterns": ["full_time"],
        "contract_types": ["permanent", "fixed_term"],
        "min_salary": "£45,000",
        "availability": "one_month",
        "cv_text": "Seven years in child protection.\r\nSenior practitioner since 2023.",
        "discoverable": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def saved_profile(user) -> CandidateProfile | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(CandidateProfile).where(CandidateProfile.user_id == user.id))


@pytest.mark.parametrize("raw, normalised", [
    ("SW123456", "SW123456"),
    ("sw123456", "SW123456"),
    ("sw 123 456", "SW123456"),
    ("  Sw-12345 ", "SW12345"),
    ("SW1", "SW1"),
    ("", None),
    ("   ", None),
    (None, None),
])
def test_swe_numbers_are_normalised(raw, normalised):
    assert profiles.normalise_swe_number(raw) == normalised


@pytest.mark.parametrize("raw", ["123456", "SW", "SWE123456", "SW12A456", "XX123456", "SW12345678901", "SW 12.3", "WS123", "SW١٢٣"])
def test_malformed_swe_numbers_are_refused(raw):
    with pytest.raises(ServiceError, match="SW followed by numbers"):
        profiles.normalise_swe_number(raw)


def test_first_visit_shows_an_empty_profile_with_a_create_button(client, candidate):
    first = page(client.get("/account/profile"))
    assert links(first, "main a.govuk-button") == [("Create your profile", "/account/profile/edit")]
    assert summary_lists(first) == []
    form = client.get("/account/profile/edit")
    assert form.status_code == 200
    soup = page(form)
    for name in profiles.PROFILE_FIELDS:
        assert soup.select(f'main form [name="{name}"]'), name
    # The 33 councils come from the organisations table: here, the three made for this test.
    boxes = soup.select('input[name="preferred_boroughs"]')
    assert [text_of(soup, f'label[for="{box["id"]}"]') for box in boxes] == ["Camden", "Croydon", "Hackney"]
    assert soup.select_one('.govuk-character-count[data-maxlength="10000"] textarea[name="cv_text"]') is not None


def test_saving_a_valid_profile_normalises_and_stores_every_answer(client, candidate):
    response = client.post("/account/profile/edit", data=valid_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/profile"
    profile = saved_profile(candidate)
    assert profile.swe_number == "SW123456"
    assert profile.in_asye is False
    assert profile.years_qualified == 4
    assert profile.role_level == RoleLevel.SENIOR_PRACTITIONER
    assert profile.specialisms == ["child_protection", "children_in_need"]
    assert profile.preferred_boroughs == ["camden", "hackney"]
    assert profile.home_borough == "hackney"
    assert profile.max_commute_miles == 10
    assert profile.working_patterns == ["full_time"]
    assert profile.contract_types == ["permanent", "fixed_term"]
    assert profile.min_salary == 45000
    assert profile.availability == Availability.ONE_MONTH
    assert profile.cv_text == "Seven years in child protection.\nSenior practitioner since 2023."
    assert profile.discoverable is True


def test_the_summary_shows_answers_with_change_links(client, candidate):
    client.post("/account/profile/edit", data=valid_form())
    soup = page(client.get("/account/profile"))
    answers = summary_list(soup)
    assert answers["Social Work England number"] == "SW123456"
    assert answers["Qualified"] == "4 years"
    assert answers["Role level"] == "Senior practitioner"
    assert answers["Specialisms"] == "Child protection Children in need"
    assert answers["Councils you would like to work for"] == "Camden Hackney"
    assert answers["Home borough"] == "Hackney"
    assert answers["Longest commute"] == "10 miles"
    assert answers["Lowest salary"] == "£45,000"
    assert answers["When you could start"] == "Within a month"
    assert answers["Let recruiters find me"] == "Yes"
    # Every answer has its own Change link to its field (ASYE and years share a row).
    changes = [href for text, href in links(soup, ".govuk-summary-list__actions a") if text.startswith("Change")]
    assert len(changes) == len(answers) == len(profiles.PROFILE_FIELDS) - 1
    assert {"/account/profile/edit#swe_number", "/account/profile/edit#preferred_boroughs"} <= set(changes)


def test_the_edit_form_is_filled_in_from_the_saved_profile(client, candidate):
    client.post("/account/profile/edit", data=valid_form())
    soup = page(client.get("/account/profile/edit"))
    assert input_value(soup, "swe_number") == "SW123456"
    assert input_value(soup, "min_salary") == "45000"
    ticked = [box["value"] for box in soup.select('input[name="preferred_boroughs"][checked]')]
    assert ticked == ["camden", "hackney"]


def test_in_asye_needs_no_years_and_stores_zero(client, candidate):
    response = client.post("/account/profile/edit", data=valid_form(in_asye="yes", years_qualified="", role_level="nqsw"))
    assert response.status_code == 302
    profile = saved_profile(candidate)
    assert profile.in_asye is True and profile.years_qualified == 0
    assert summary_list(page(client.get("/account/profile")))["Qualified"] == "In my ASYE"


def test_saving_writes_an_audit_entry_with_field_names_never_values(client, candidate):
    client.post("/account/profile/edit", data=valid_form())
    client.post("/account/profile/edit", data=valid_form(min_salary="50000", cv_text="A new CV with secrets"))
    entries = db.session.scalars(sa.select(AuditLog).where(AuditLog.action.like("profile.%")).order_by(AuditLog.id)).all()
    assert [e.action for e in entries] == ["profile.created", "profile.updated"]
    assert entries[1].detail == {"fields": ["cv_text", "min_salary"]}
    assert set(entries[0].detail["fields"]) == set(profiles.PROFILE_FIELDS)
    for entry in entries:
        text = str(entry.detail)
        assert "50000" not in text and "secrets" not in text and "SW123456" not in text
        assert entry.actor_id == candidate.id


def test_saving_without_changes_writes_no_audit_entry(client, candidate):
    client.post("/account/profile/edit", data=valid_form())
    client.post("/account/profile/edit", data=valid_form())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.action == "profile.updated")) == 0


def test_saving_a_profile_emits_an_outbox_row(client, candidate):
    client.post("/account/profile/edit", data=valid_form())
    profile = saved_profile(candidate)
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.topic == "profile.changed")).all()
    assert [r.aggregate_id for r in rows] == [profile.id]


@pytest.mark.parametrize("field, value, message", [
    ("swe_number", "123456", "SW followed by numbers, like SW123456"),
    ("swe_number", "SWX1", "SW followed by numbers"),
    ("in_asye", None, "Select yes if you are in your ASYE"),
    ("years_qualified", "", "Enter how many years you have been qualified"),
    ("years_qualified", "four", "Years qualified must be a whole number"),
    ("years_qualified", "51", "between 0 and 50"),
    ("years_qualified", "-1", "Years qualified must be a whole number"),
    ("role_level", None, "Select your role level"),
    ("role_level", "wizard", "Not a valid choice"),
    ("max_commute_miles", "0", "between 1 and 50"),
    ("max_commute_miles", "51", "between 1 and 50"),
    ("max_commute_miles", "ten", "Longest commute must be a whole number of miles"),
    ("min_salary", "150001", "between £0 and £150,000"),
    ("min_salary", "45k", "Lowest salary must be a whole number of pounds"),
    ("availability", None, "Select when you could start"),
    ("home_borough", "atlantis", "Not a valid choice"),
    ("preferred_boroughs", ["camden", "atlantis"], "not a valid choice"),
    ("specialisms", ["wizardry"], "not a valid choice"),
    ("cv_text", "x" * 10001, "Your CV must be 10,000 characters or fewer"),
])
def test_bad_answers_are_refused_with_a_clear_message_and_nothing_changes(client, candidate, field, value, message):
    assert client.post("/account/profile/edit", data=valid_form()).status_code == 302
    before = profiles.profile_as_dict(saved_profile(candidate))
    audit_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))

    # A valid change rides along with the bad one: it must not be saved either.
    response = client.post("/account/profile/edit", data=valid_form(**{"min_salary": "60000", field: value}))
    assert response.status_code == 400
    soup = page(response)
    summary = error_summary_links(soup)
    assert message.lower() in summary[f"#{field}"].lower()  # the summary links to the field
    assert message.lower() in (field_error(soup, field) or "").lower()  # and the message is beside it
    assert profiles.profile_as_dict(saved_profile(candidate)) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == audit_before


def test_every_problem_is_shown_at_once(client, candidate):
    response = client.post("/account/profile/edit", data=valid_form(swe_number="12", max_commute_miles="99",
                                                                   role_level=None, min_salary="lots"))
    assert response.status_code == 400
    soup = page(response)
    assert set(error_summary_links(soup)) == {"#swe_number", "#max_commute_miles", "#role_level", "#min_salary"}
    for field in ("swe_number", "max_commute_miles", "role_level", "min_salary"):
        assert field_error(soup, field), field
    assert saved_profile(candidate) is None


def test_the_cv_limit_counts_a_line_break_once(client, candidate):
    # 10,000 characters as the page's counter sees them; the browser sends each break as CRLF.
    cv = ("y" * 99 + "\r\n") * 100
    assert len(cv.replace("\r\n", "\n")) == 10000
    response = client.post("/account/profile/edit", data=valid_form(cv_text=cv))
    assert response.status_code == 302
    assert len(saved_profile(candidate).cv_text) == 9999  # the final break is trimmed


def test_blank_optional_answers_are_stored_as_not_given(client, candidate):
    response = client.post("/account/profile/edit", data=valid_form(
        swe_number="", home_borough="", max_commute_miles="", min_salary="", cv_text="", discoverable=None,
        specialisms=None, preferred_boroughs=None, working_patterns=None, contract_types=None))
    assert response.status_code == 302
    profile = saved_profile(candidate)
    assert profile.swe_number is None and profile.home_borough is None
    assert profile.max_commute_miles is None and profile.min_salary is None
    assert profile.specialisms == [] and profile.preferred_boroughs == []
    assert profile.discoverable is False
    answers = summary_list(page(client.get("/account/profile")))
    assert answers["Councils you would like to work for"] == "Any council"
    assert answers["Social Work England number"] == "Not given" and answers["Let recruiters find me"] == "No"


def test_update_profile_service_refuses_bad_values_without_changing_anything(app):
    profile = CandidateProfileFactory(min_salary=40000)
    db.session.commit()
    with pytest.raises(profiles.ProfileInvalid) as raised:
        profiles.update_profile(profile.user, {"min_salary": 200000, "max_commute_miles": 3, "role_level": "boss"})
    assert set(raised.value.errors) == {"min_salary", "role_level"}
    db.session.rollback()
    assert db.session.get(CandidateProfile, profile.id).min_salary == 40000


def test_update_profile_service_refuses_non_candidates(app):
    recruiter = RecruiterFactory()
    with pytest.raises(ServiceError):
        profiles.update_profile(recruiter, {"min_salary": 1})


def test_a_recruiter_gets_403_on_the_profile_pages(client):
    recruiter = RecruiterFactory()
    db.session.commit()
    sign_in_as(client, recruiter)
    assert client.get("/account/profile/edit").status_code == 403
    assert client.post("/account/profile/edit", data=valid_form()).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CandidateProfile)) == 0
