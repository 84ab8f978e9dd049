"""A social worker's profile, a topic at a time: every answer checked with a clear message, each step saved
whole or not at all as the person goes, "Check your answers" with Change links, and a confirmation."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain.vocabulary import Availability, HoursWanted, NeedLevel, RoleLevel
from tests import helpers
from tests.pages import (
    error_summary,
    error_summary_links,
    field_error,
    heading,
    input_value,
    links,
    page,
    summary_list,
    summary_lists,
    text_of,
    texts,
)
from tests.factories import CandidateFactory, CandidateProfileFactory, OrganisationFactory, RecruiterFactory
from webapp.extensions import db
from webapp.forms.account import ProfileForm
from webapp.forms.profile_steps import PROFILE_STEPS, STEPS_BY_SLUG, step_of
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
    """Every answer of a complete profile, as the step pages post them."""
    data = {
        "swe_number": "sw 123 456",
        "in_asye": "no",
        "years_qualified": "4",
        "role_level": "senior_practitioner",
        "considers_step_down": "no",
        "specialisms": ["child_protection", "children_in_need"],
        "home_borough": "hackney",
        "max_commute_miles": "10",
        "preferred_boroughs": ["camden", "hackney"],
        "hours_wanted": "full_time",
        "working_patterns": ["full_time"],
        "hybrid_working": "prefer",
        "contract_types": ["permanent", "fixed_term"],
        "min_salary": "£45,000",
        "min_salary_anywhere_in_band": "start",
        "availability": "one_month",
        "cv_text": "Seven years in child protection.\r\nSenior practitioner since 2023.",
        "discoverable": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def step_data(slug: str, **changes) -> dict:
    """What one step's page posts: its own answers from valid_form(**changes)."""
    return {k: v for k, v in valid_form(**changes).items() if k in STEPS_BY_SLUG[slug].fields}


def step_url(slug: str) -> str:
    return f"/account/profile/{slug}"


def save_profile(client, **changes) -> list:
    """Answer every step in turn, as a person would; the responses, one per step."""
    return [client.post(step_url(step.slug), data=step_data(step.slug, **changes)) for step in PROFILE_STEPS]


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


def test_every_question_is_asked_on_exactly_one_step(app):
    with app.test_request_context():
        questions = [name for name in ProfileForm(council_choices=[])._fields if name not in ("csrf_token", "submit")]
    asked = [name for step in PROFILE_STEPS for name in step.fields]
    assert sorted(asked) == sorted(questions) == sorted(profiles.PROFILE_FIELDS)


def test_first_visit_shows_an_empty_profile_with_a_start_button(client, candidate):
    first = page(client.get("/account/profile"))
    assert links(first, "main a.govuk-button") == [("Create your profile", step_url(PROFILE_STEPS[0].slug))]
    assert summary_lists(first) == []
    # The old one-page form's address starts the steps.
    assert client.get("/account/profile/edit").headers["Location"] == step_url(PROFILE_STEPS[0].slug)
    for step in PROFILE_STEPS:
        response = client.get(step_url(step.slug))
        assert response.status_code == 200
        soup = page(response)
        assert heading(soup) == step.title
        for name in profiles.PROFILE_FIELDS:  # this step's questions, and no other step's
            assert bool(soup.select(f'main form [name="{name}"]')) == (name in step.fields), (step.slug, name)
    soup = page(client.get(step_url("where-you-would-work")))
    # The 33 councils come from the organisations table: here, the three made for this test.
    boxes = soup.select('input[name="preferred_boroughs"]')
    assert [text_of(soup, f'label[for="{box["id"]}"]') for box in boxes] == ["Camden", "Croydon", "Hackney"]
    soup = page(client.get(step_url("about-you")))
    assert soup.select_one('.govuk-character-count[data-maxlength="10000"] textarea[name="cv_text"]') is not None


def test_each_step_saves_and_leads_to_the_next_then_to_check_your_answers(client, candidate):
    responses = save_profile(client)
    assert [r.status_code for r in responses] == [302] * len(PROFILE_STEPS)
    assert [r.headers["Location"] for r in responses] == (
        [step_url(step.slug) for step in PROFILE_STEPS[1:]] + ["/account/profile/check-answers"])
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


def test_stopping_halfway_keeps_what_was_answered(client, candidate):
    for step in PROFILE_STEPS[:2]:
        assert client.post(step_url(step.slug), data=step_data(step.slug)).status_code == 302
    profile = saved_profile(candidate)
    assert profile.role_level == RoleLevel.SENIOR_PRACTITIONER and profile.specialisms == ["child_protection", "children_in_need"]
    assert profile.home_borough is None  # a later step, not reached yet
    # Coming back, the answered step is filled in and the profile link goes to the answers.
    assert input_value(page(client.get(step_url("role-and-registration"))), "swe_number") == "SW123456"
    assert client.get("/account/profile/edit").headers["Location"] == "/account/profile/check-answers"


def test_check_your_answers_has_a_change_link_per_answer_that_comes_back(client, candidate):
    save_profile(client)
    soup = page(client.get("/account/profile/check-answers"))
    assert heading(soup) == "Check your answers"
    assert texts(soup, "main h2")[:len(PROFILE_STEPS)] == [step.title for step in PROFILE_STEPS]
    answers = summary_list(soup)
    assert answers["Social Work England number"] == "SW123456"
    assert answers["Qualified"] == "4 years"
    assert answers["Role level"] == "Senior practitioner"
    assert answers["Specialisms"] == "Child protection Children in need"
    assert answers["Councils you would prefer"] == "Camden Hackney"
    assert answers["Home borough"] == "Hackney"
    assert answers["Longest commute"] == "10 miles"
    assert answers["Lowest salary"] == "£45,000"
    assert answers["When you could start"] == "Within a month"
    assert answers["Let recruiters find me"] == "Yes"
    changes = [href for text, href in links(soup, ".govuk-summary-list__actions a") if text.startswith("Change")]
    # Every answer has its own Change link to its question on its step (ASYE and years share a row).
    assert len(changes) == len(answers) == len(profiles.PROFILE_FIELDS) - 1
    assert f"{step_url('role-and-registration')}?return_to=check#swe_number" in changes
    assert f"{step_url('where-you-would-work')}?return_to=check#preferred_boroughs" in changes

    changed = client.post(f"{step_url('contract-and-salary')}?return_to=check",
                          data=step_data("contract-and-salary", min_salary="50000"))
    assert changed.headers["Location"] == "/account/profile/check-answers#contract-and-salary"
    assert saved_profile(candidate).min_salary == 50000
    back = page(client.get(f"{step_url('contract-and-salary')}?return_to=check"))
    assert links(back, "a.govuk-back-link") == [("Back", "/account/profile/check-answers")]


def test_confirming_shows_that_the_profile_is_set_up_and_what_happens_next(client, candidate):
    save_profile(client)
    done = client.post("/account/profile/check-answers")
    assert done.headers["Location"] == "/account/profile/set-up"
    soup = page(client.get("/account/profile/set-up"))
    assert text_of(soup, ".govuk-panel__title") == "Your profile is set up"
    assert "What happens next" in texts(soup, "main h2")
    assert ("See jobs that fit you", "/account/jobs-that-fit") in links(soup, "main a")


def test_confirming_without_a_role_level_sends_them_back_to_answer_it(client, candidate):
    client.post(step_url("practice-areas"), data=step_data("practice-areas"))  # started at step two
    response = client.post("/account/profile/check-answers")
    assert response.status_code == 400
    [problem] = error_summary(page(response))
    assert "Role level" in problem and "Your role and registration" in problem
    assert client.get("/account/profile/set-up").headers["Location"] == "/account/profile/check-answers"


def test_the_profile_page_shows_the_answers_with_change_links(client, candidate):
    save_profile(client)
    soup = page(client.get("/account/profile"))
    assert summary_list(soup)["Role level"] == "Senior practitioner"
    changes = [href for text, href in links(soup, ".govuk-summary-list__actions a") if text.startswith("Change")]
    assert f"{step_url('visibility')}?return_to=profile#discoverable" in changes
    response = client.post(f"{step_url('visibility')}?return_to=profile", data={"hidden_from": ["croydon"]})
    assert response.headers["Location"] == "/account/profile#visibility"
    profile = saved_profile(candidate)
    assert profile.discoverable is False and profile.hidden_from == ["croydon"]


def test_an_unknown_step_is_not_found(client, candidate):
    assert client.get(step_url("favourite-colour")).status_code == 404
    assert client.post(step_url("favourite-colour"), data={}).status_code == 404


def test_the_step_form_is_filled_in_from_the_saved_profile(client, candidate):
    save_profile(client)
    soup = page(client.get(step_url("role-and-registration")))
    assert input_value(soup, "swe_number") == "SW123456"
    soup = page(client.get(step_url("contract-and-salary")))
    assert input_value(soup, "min_salary") == "45000"
    soup = page(client.get(step_url("where-you-would-work")))
    ticked = [box["value"] for box in soup.select('input[name="preferred_boroughs"][checked]')]
    assert ticked == ["camden", "hackney"]


def test_in_asye_needs_no_years_and_stores_zero(client, candidate):
    response = client.post(step_url("role-and-registration"),
                           data=step_data("role-and-registration", in_asye="yes", years_qualified="", role_level="nqsw"))
    assert response.status_code == 302
    profile = saved_profile(candidate)
    assert profile.in_asye is True and profile.years_qualified == 0
    assert summary_list(page(client.get("/account/profile")))["Qualified"] == "In my ASYE"


def test_saving_writes_an_audit_entry_with_field_names_never_values(client, candidate):
    save_profile(client)
    client.post(step_url("contract-and-salary"), data=step_data("contract-and-salary", min_salary="50000"))
    client.post(step_url("about-you"), data=step_data("about-you", cv_text="A new CV with secrets"))
    entries = db.session.scalars(sa.select(AuditLog).where(AuditLog.action.like("profile.%")).order_by(AuditLog.id)).all()
    assert entries[0].action == "profile.created"
    assert set(entries[0].detail["fields"]) == set(PROFILE_STEPS[0].fields)
    assert {e.action for e in entries[1:]} == {"profile.updated"}
    assert [e.detail for e in entries[-2:]] == [{"fields": ["min_salary"]}, {"fields": ["cv_text"]}]
    for entry in entries:
        text = str(entry.detail)
        assert "50000" not in text and "secrets" not in text and "SW123456" not in text
        assert entry.actor_id == candidate.id


def test_saving_without_changes_writes_no_audit_entry(client, candidate):
    save_profile(client)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.action == "profile.updated"))
    save_profile(client)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.action == "profile.updated")) == before


def test_saving_a_profile_emits_outbox_rows(client, candidate):
    save_profile(client)
    profile = saved_profile(candidate)
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.topic == "profile.changed")).all()
    assert rows and {r.aggregate_id for r in rows} == {profile.id}


# A valid change to another answer on the same step rides along with the bad one: it must not be saved either.
RIDE_ALONG = {"role-and-registration": {"swe_number": "SW999"}, "where-you-would-work": {"max_commute_miles": "12"},
              "contract-and-salary": {"min_salary": "60000"}, "visibility": {"discoverable": None}}


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
    ("hidden_from", ["atlantis"], "not a valid choice"),
    ("specialisms", ["wizardry"], "not a valid choice"),
    ("cv_text", "x" * 10001, "Your CV must be 10,000 characters or fewer"),
])
def test_bad_answers_are_refused_with_a_clear_message_and_nothing_changes(client, candidate, field, value, message):
    assert all(r.status_code == 302 for r in save_profile(client))
    before = profiles.profile_as_dict(saved_profile(candidate))
    audit_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))

    step = step_of(field)
    response = client.post(step_url(step.slug), data=step_data(step.slug, **{**RIDE_ALONG.get(step.slug, {}), field: value}))
    assert response.status_code == 400
    soup = page(response)
    summary = error_summary_links(soup)
    assert message.lower() in summary[f"#{field}"].lower()  # the summary links to the field
    assert message.lower() in (field_error(soup, field) or "").lower()  # and the message is beside it
    assert profiles.profile_as_dict(saved_profile(candidate)) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == audit_before


def test_every_problem_on_a_step_is_shown_at_once(client, candidate):
    response = client.post(step_url("role-and-registration"),
                           data=step_data("role-and-registration", swe_number="12", years_qualified="lots", role_level=None))
    assert response.status_code == 400
    soup = page(response)
    assert set(error_summary_links(soup)) == {"#swe_number", "#years_qualified", "#role_level"}
    for field in ("swe_number", "years_qualified", "role_level"):
        assert field_error(soup, field), field
    assert saved_profile(candidate) is None


def test_the_cv_limit_counts_a_line_break_once(client, candidate):
    # 10,000 characters as the page's counter sees them; the browser sends each break as CRLF.
    cv = ("y" * 99 + "\r\n") * 100
    assert len(cv.replace("\r\n", "\n")) == 10000
    response = client.post(step_url("about-you"), data={"cv_text": cv})
    assert response.status_code == 302
    assert len(saved_profile(candidate).cv_text) == 9999  # the final break is trimmed


def test_blank_optional_answers_are_stored_as_not_given(client, candidate):
    responses = save_profile(client, swe_number="", home_borough="", max_commute_miles="", min_salary="", cv_text="",
                             discoverable=None, specialisms=None, preferred_boroughs=None, working_patterns=None,
                             contract_types=None, hours_wanted=None, hybrid_working=None,
                             min_salary_anywhere_in_band=None, considers_step_down=None)
    assert [r.status_code for r in responses] == [302] * len(PROFILE_STEPS)
    profile = saved_profile(candidate)
    assert profile.swe_number is None and profile.home_borough is None
    assert profile.max_commute_miles is None and profile.min_salary is None
    assert profile.specialisms == [] and profile.preferred_boroughs == []
    assert profile.discoverable is False
    answers = summary_list(page(client.get("/account/profile")))
    assert answers["Councils you would prefer"] == "No preference"
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
    for path in ("/account/profile/edit", step_url("role-and-registration"), "/account/profile/check-answers",
                 "/account/profile/set-up"):
        assert client.get(path).status_code == 403, path
    assert client.post(step_url("role-and-registration"), data=step_data("role-and-registration")).status_code == 403
    assert client.post("/account/profile/check-answers").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CandidateProfile)) == 0


def test_the_stated_needs_are_asked_on_their_steps_and_read_back(client, candidate):
    save_profile(client)
    response = client.post(step_url("working-pattern"), data=step_data(
        "working-pattern", hours_wanted="part_time", part_time_hours_max="22", working_patterns=["part_time"],
        hybrid_working="need", protected_caseload="no_matter"))
    assert response.status_code == 302
    client.post(step_url("role-and-registration"), data=step_data("role-and-registration", considers_step_down="yes"))
    client.post(step_url("where-you-would-work"), data=step_data("where-you-would-work", only_boroughs=["camden"]))
    profile = saved_profile(candidate)
    assert profile.hours_wanted == HoursWanted.PART_TIME and profile.part_time_hours_max == 22
    assert profile.hybrid_working == NeedLevel.NEED and profile.considers_step_down is True
    assert profile.only_boroughs == ["camden"]
    answers = summary_list(page(client.get("/account/profile/check-answers")))
    assert answers["Most hours a week"] == "22 hours"
    assert answers["Only jobs at"] == "Camden"
    assert answers["Would consider a lower level"] == "Yes"
