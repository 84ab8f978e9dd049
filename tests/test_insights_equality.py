"""Equal opportunities: the optional form, export and deletion, and the suppressed funnel breakdown."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import random

import pytest
import sqlalchemy as sa

from domain.equality import CHARACTERISTICS
from domain.vocabulary import ApplicationStatus, UserRole
from tests.factories import (
    PASSWORD,
    CandidateFactory,
    OrganisationFactory,
    RecruiterFactory,
    UserFactory,
    VacancyFactory,
)
from tests.helpers import sign_in_as
from tests.pages import error_summary, heading, main_text, page, table_rows, text_of, texts
from webapp.extensions import db
from webapp.models import Application, ApplicationEvent, EqualityAnswers
from webapp.services import accounts, equality

S = ApplicationStatus
PATHS = {
    S.SUBMITTED: [S.SUBMITTED],
    S.SHORTLISTED: [S.SUBMITTED, S.SHORTLISTED],
    S.HIRED: [S.SUBMITTED, S.SHORTLISTED, S.INTERVIEW, S.OFFERED, S.HIRED],
    S.REJECTED: [S.SUBMITTED, S.SHORTLISTED, S.REJECTED],
}
WHEN = dt.datetime(2026, 10, 5, 10, 0)


def apply(candidate, vacancy, target=S.SUBMITTED, when=WHEN):
    application = Application(vacancy=vacancy, candidate=candidate, status=target, submitted_at=when)
    previous = None
    for step in PATHS[target]:
        application.events.append(ApplicationEvent(from_status=previous, to_status=step, created_at=when))
        previous = step
    db.session.add(application)
    db.session.flush()
    return application


def person(**answers):
    user = CandidateFactory()
    if answers:
        db.session.add(EqualityAnswers(user_id=user.id, **answers))
        db.session.flush()
    return user


# --- the social worker's form ------------------------------------------------------------------------------

def test_the_form_explains_itself_and_every_question_is_optional(client, app):
    user = CandidateFactory()
    sign_in_as(client, user)
    response = client.get("/account/equal-opportunities")
    soup = page(response)
    assert response.status_code == 200 and heading(soup) == "Equal opportunities (optional)"
    assert "Nobody sees them individually: not the councils you apply to, not recruiters, not our staff." in texts(
        soup, "main li")
    assert "You can change or delete your answers at any time." in main_text(soup)
    assert "Delete my answers" not in texts(soup, "main .govuk-button")  # nothing to delete yet
    for c in CHARACTERISTICS:
        [choice] = soup.select(f'main form input[type="radio"][name="{c.slug}"][value="prefer_not_to_say"]')
        assert not choice.has_attr("checked"), c.slug  # offered, never chosen for them
    assert soup.select("main form [required]") == []
    response = client.post("/account/equal-opportunities", data={})
    assert response.status_code == 302
    row = equality.answers_for(user)
    assert row is not None and all(getattr(row, c.slug) is None for c in CHARACTERISTICS)


def test_prefer_not_to_say_and_answers_are_saved_without_being_logged(client, app, caplog):
    user = CandidateFactory()
    sign_in_as(client, user)
    data = {c.slug: "prefer_not_to_say" for c in CHARACTERISTICS}
    data.update(sexual_orientation="bisexual", ethnicity="black_caribbean")
    with caplog.at_level(logging.DEBUG):
        assert client.post("/account/equal-opportunities", data=data).status_code == 302
    row = equality.answers_for(user)
    assert (row.sex, row.sexual_orientation, row.ethnicity) == ("prefer_not_to_say", "bisexual", "black_caribbean")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "bisexual" not in logged and "black_caribbean" not in logged and "prefer_not_to_say" not in logged
    soup = page(client.get("/account/equal-opportunities"))
    checked = {box["name"]: box["value"] for box in soup.select('main input[type="radio"][checked]')}
    assert checked == {**data}  # every answer shown back as chosen, and nothing else


def test_an_answer_not_on_the_list_is_400_and_changes_nothing(client, app):
    user = person(sex="female")
    sign_in_as(client, user)
    response = client.post("/account/equal-opportunities", data={"sex": "robot",
                                                                 "religion": "jedi"})
    assert response.status_code == 400
    assert "Choose an answer from the list for “sex”" in error_summary(page(response))
    db.session.expire_all()
    assert equality.answers_for(user).sex == "female"
    with pytest.raises(equality.AnswersInvalid):
        equality.save_answers(user, {"age_band": "ancient"})


def test_answers_can_be_deleted(client, app):
    user = person(sex="male")
    sign_in_as(client, user)
    assert "Delete my answers" in texts(page(client.get("/account/equal-opportunities")), "main .govuk-button")
    # The button leads to a page that asks first; opening it deletes nothing.
    confirm = page(client.get("/account/equal-opportunities/delete"))
    assert text_of(confirm, "h1") == "Delete your equal opportunities answers?"
    assert text_of(confirm, "#confirm") == "Yes, delete my answers"
    assert equality.answers_for(user).sex == "male"
    assert client.post("/account/equal-opportunities/delete", data={}).status_code == 302
    assert equality.answers_for(user) is None
    assert "Delete my answers" not in texts(page(client.get("/account/equal-opportunities")), "main .govuk-button")


def test_only_social_workers_have_the_form(client, app):
    sign_in_as(client, RecruiterFactory())
    assert client.get("/account/equal-opportunities").status_code == 403
    with pytest.raises(equality.AnswersInvalid):
        equality.save_answers(UserFactory(role=UserRole.PROGRAMME_LEAD), {})


def test_answers_are_in_the_data_export_and_deleted_with_the_account(client, app):
    user = person(religion="sikh")
    sign_in_as(client, user)
    data = json.loads(client.get("/account/your-data/download").get_data(as_text=True))
    assert data["equal_opportunities"]["religion"]["answer"] == "sikh"
    assert data["equal_opportunities"]["religion"]["answer_label"] == "Sikh"
    assert data["equal_opportunities"]["sex"]["answer_label"] == "Not answered"
    accounts.delete_account(user, PASSWORD)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EqualityAnswers)) == 0


def test_recruiters_never_see_a_persons_answers(client, app):
    council = OrganisationFactory()
    vacancy = VacancyFactory(organisation=council)
    applicant = person(sexual_orientation="gay_lesbian", religion="jewish")
    application = apply(applicant, vacancy)
    sign_in_as(client, RecruiterFactory(organisation=council))
    page = client.get(f"/recruit/applications/{application.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Gay or lesbian" not in html and "Jewish" not in html


# --- suppression ------------------------------------------------------------------------------------------

def test_primary_and_secondary_suppression():
    hidden, total_hidden = equality.suppress({"applied": {"a": 7, "b": 6, "c": 1, "d": 0}})
    assert hidden["applied"] == {"a": False, "b": True, "c": True, "d": False}  # 6 is the smallest other
    assert total_hidden["applied"] is False
    hidden, total_hidden = equality.suppress({"hired": {"a": 2, "b": 0}})
    assert hidden["hired"] == {"a": True, "b": False} and total_hidden["hired"] is True  # total 2 < 5
    # Two hidden cells adding up to under 5 would still give them away: a third is hidden.
    hidden, _ = equality.suppress({"x": {"a": 1, "b": 1, "c": 9, "d": 20}})
    assert hidden["x"] == {"a": True, "b": True, "c": True, "d": False}
    # Nothing left to hide: the total goes instead.
    hidden, total_hidden = equality.suppress({"x": {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 0}})
    assert all(hidden["x"][k] for k in "abcde") and total_hidden["x"] is True
    assert equality.suppress({"x": {"a": 0, "b": 5}}) == ({"x": {"a": False, "b": False}}, {"x": False})


def _recoverable(counts: dict[str, int], hidden: dict[str, bool], total_hidden: bool) -> bool:
    """Could someone who knows the rule's lower bound (hidden cells are at least 1) work out a hidden
    cell from the published ones? Only if the total is shown and the hidden cells leave no freedom."""
    chosen = [k for k, h in hidden.items() if h]
    if not chosen or total_hidden:
        return False
    remainder = sum(counts.values()) - sum(v for k, v in counts.items() if not hidden[k])
    return len(chosen) == 1 or remainder <= len(chosen)


def test_no_single_person_can_be_worked_out_from_any_table():
    rng = random.Random(2026)
    for _ in range(3000):
        rows = {f"g{i}": rng.choice([0, 0, 1, 1, 2, 3, 4, 5, 6, 9, 20]) for i in range(rng.randint(2, 9))}
        hidden, total_hidden = equality.suppress({"c": rows})
        for key, count in rows.items():
            if 0 < count < equality.SUPPRESSION_THRESHOLD:
                assert hidden["c"][key], rows
        if 0 < sum(rows.values()) < equality.SUPPRESSION_THRESHOLD:
            assert total_hidden["c"]
        assert not _recoverable(rows, hidden["c"], total_hidden["c"]), rows


# --- the breakdown ------------------------------------------------------------------------------------------

@pytest.fixture
def applicants(app):
    camden = OrganisationFactory(name="Camden", slug="camden")
    hackney = OrganisationFactory(name="Hackney", slug="hackney")
    camden_job, other_camden_job = VacancyFactory.create_batch(2, organisation=camden)
    hackney_job = VacancyFactory(organisation=hackney)
    women = [person(sex="female") for _ in range(7)]
    men = [person(sex="male") for _ in range(6)]
    for index, woman in enumerate(women):
        apply(woman, camden_job, S.HIRED if index < 2 else S.SHORTLISTED if index < 6 else S.SUBMITTED)
    apply(women[0], other_camden_job, S.REJECTED)  # a second application: still one person
    for man in men:
        apply(man, camden_job, S.REJECTED if man is not men[-1] else S.SUBMITTED)
    quiet = person(sex="prefer_not_to_say")
    apply(quiet, hackney_job, S.HIRED)
    apply(quiet, camden_job, S.SUBMITTED, when=dt.datetime(2025, 1, 1))  # outside the period
    return {"camden": camden, "hackney": hackney, "quiet": quiet}


def _values(breakdown, key):
    row = next(r for r in (*breakdown.rows, breakdown.total) if r.key == key)
    return [f.value for f in row.figures]


def test_breakdown_counts_people_and_suppresses_small_cells(applicants):
    result = equality.funnel_breakdown("sex", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert [r.key for r in result.rows] == ["female", "male", "prefer_not_to_say", "not_answered"]
    # applied, shortlisted, interviewed, offered, hired
    assert _values(result, "female") == [7, 6, None, None, None]   # 2 reached interview to hired: hidden
    assert _values(result, "male") == [None, None, 0, 0, 0]        # hidden so the 1 below cannot be worked out
    assert _values(result, "prefer_not_to_say") == [None, None, None, None, None]
    assert _values(result, "not_answered") == [0, 0, 0, 0, 0]
    assert _values(result, "total") == [14, 12, None, None, None]  # 3 reached interview, offer and hire: under 5
    assert result.any_suppressed


def test_a_councils_breakdown_counts_only_its_own_applications(applicants):
    result = equality.funnel_breakdown("sex", dt.date(2026, 10, 1), dt.date(2026, 10, 31),
                                       organisation_id=applicants["hackney"].id)
    assert _values(result, "total") == [None] * 5  # one person: nothing about them is shown
    assert _values(result, "prefer_not_to_say") == [None] * 5


def test_the_page_never_shows_a_count_from_1_to_4(client, applicants):
    sign_in_as(client, UserFactory(role=UserRole.PROGRAMME_LEAD))
    for c in CHARACTERISTICS:
        response = client.get(f"/insights/equality?characteristic={c.slug}&year=2026-27")
        assert response.status_code == 200
        rows = table_rows(page(response), "#equality-table")
        counts = [cell for row in rows for cell in row[1:-1]]  # the last column is a rate
        # every count a reader sees is a whole number of 0 or 5 and over, or the words for a hidden one
        assert counts and all(cell == "fewer than 5" or (cell.isdigit() and not 0 < int(cell) < 5)
                              for cell in counts), (c.slug, rows)
        # and a rate never gives away a hidden number of hires
        assert all(row[-2] != "fewer than 5" or not row[-1][:1].isdigit() for row in rows), (c.slug, rows)
    # ("fewer than 5" is also in the explanation below the table, so it is looked for in the table itself)
    soup = page(client.get("/insights/equality?characteristic=sex&year=2026-27"))
    assert "fewer than 5" in [cell for row in table_rows(soup, "#equality-table") for cell in row]
    assert "Small numbers are hidden." in texts(soup, "main .govuk-inset-text strong")


def test_recruiter_sees_only_their_councils_breakdown(client, applicants):
    sign_in_as(client, RecruiterFactory(organisation=applicants["camden"]))
    response = client.get("/insights/equality?characteristic=sex&year=2026-27")
    assert response.status_code == 200
    [row] = [row for row in table_rows(page(response), "#equality-table") if row[0] == "All applicants"]
    assert row[1:3] == ["13", "11"]  # Hackney's applicant is not in it
    assert client.get("/insights/equality?council=hackney").status_code == 404
    assert client.get("/insights/equality.csv?council=hackney").status_code == 404


def test_candidates_and_the_public_get_no_breakdown(client, applicants):
    assert client.get("/insights/equality").status_code == 302
    sign_in_as(client, applicants["quiet"])
    assert client.get("/insights/equality").status_code == 403
    assert client.get("/insights/equality.csv").status_code == 403


@pytest.mark.parametrize("query, message", [
    ("characteristic=star_sign", "Choose a characteristic from the list."),
    ("year=2026-10-01", "Choose a year from the list."),
    ("year=1999-00", "Choose a year from the list."),
    ("council=camden", "Equal opportunities figures are for the whole region"),
])
def test_bad_queries_are_400(client, applicants, query, message):
    sign_in_as(client, UserFactory(role=UserRole.ADMIN))
    response = client.get(f"/insights/equality?{query}")
    assert response.status_code == 400 and message in text_of(page(response), "main [data-error-detail]")


def test_equality_csv_marks_suppressed_cells(client, applicants):
    sign_in_as(client, UserFactory(role=UserRole.PROGRAMME_LEAD))
    response = client.get("/insights/equality.csv?characteristic=sex&year=2026-27")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Sex", "Applied", "Shortlisted", "Interviewed", "Offered", "Hired"]
    assert rows[1] == ["Female", "7", "6", "[c]", "[c]", "[c]"]
    assert rows[2] == ["Male", "[c]", "[c]", "0", "0", "0"]
    assert rows[5] == ["All applicants", "14", "12", "[c]", "[c]", "[c]"]
    assert 'filename="equality-sex-2026-27.csv"' in response.headers["Content-Disposition"]


def test_periods_are_whole_financial_years_up_to_last_month(app):
    found = equality.periods(dt.date(2026, 11, 24), first_year=2024)
    assert [(p.key, p.start, p.end) for p in found] == [
        ("2026-27", dt.date(2026, 4, 1), dt.date(2026, 10, 31)),
        ("2025-26", dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
        ("2024-25", dt.date(2024, 4, 1), dt.date(2025, 3, 31)),
    ]
    assert found[0].label == "April 2026 to March 2027 (to 31 October 2026)"
    # In April the year just ended is the latest: the new one has no whole month yet.
    assert equality.periods(dt.date(2027, 4, 10), first_year=2026)[0].key == "2026-27"


def test_a_closed_period_does_not_change_when_someone_is_hired_later(applicants):
    before = equality.funnel_breakdown("sex", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    application = db.session.scalar(sa.select(Application).where(Application.status == S.SUBMITTED,
                                                                  Application.submitted_at == WHEN))
    for step in (S.SHORTLISTED, S.INTERVIEW, S.OFFERED, S.HIRED):
        application.events.append(ApplicationEvent(from_status=None, to_status=step,
                                                   created_at=dt.datetime(2026, 11, 3, 9)))
    db.session.flush()
    after = equality.funnel_breakdown("sex", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert after == before
