"""Featured jobs: the rules for slots, the recruiter's pages, and featuring reaching search."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from domain.vocabulary import UserRole, VacancyStatus
from tests.factories import CandidateFactory, OrganisationFactory, RecruiterFactory, UserFactory, VacancyFactory
from tests.helpers import csrf_token, sign_in_as
from tests.pages import error_summary, error_summary_links, field_error, links, page, table_rows, tags, texts
from webapp.extensions import db
from webapp.models import AuditLog, FeaturedSlot, OutboxMessage
from webapp.services import NotAllowed, ServiceError
from webapp.services import featured as featured_service

TODAY = dt.date.today()


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}  # these pages' forms are posted with their tokens, as a browser does


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def date_fields(prefix: str, day: dt.date) -> dict:
    return {prefix: [str(day.day), str(day.month), str(day.year)]}


# --- the rules ---------------------------------------------------------------------------------


def test_a_recruiter_features_their_own_vacancy_and_it_is_audited_and_republished(app):
    recruiter = RecruiterFactory()
    vacancy = VacancyFactory(organisation=recruiter.organisation)
    db.session.commit()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    slot = featured_service.feature_vacancy(vacancy, TODAY, days(6), recruiter)
    db.session.commit()
    assert vacancy.is_featured_on(TODAY) and vacancy.is_featured_on(days(6)) and not vacancy.is_featured_on(days(7))
    assert featured_service.featured_vacancy_ids(TODAY) == {vacancy.id}
    assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.subject_id == vacancy.id)) == "vacancy.featured"
    topics = db.session.scalars(sa.select(OutboxMessage.topic).offset(before)).all()
    assert "vacancy.changed" in topics
    assert slot.created_by_id == recruiter.id


@pytest.mark.parametrize("start, end, field, message", [
    (-1, 3, "starts_on", "today or later"),
    (3, 2, "ends_on", "on or after the first"),
    (0, 31, "ends_on", "at most 31 days"),
    (20, 31, "ends_on", "on or before the closing date"),
])
def test_slot_dates_that_break_a_rule_are_refused_with_a_message(app, start, end, field, message):
    vacancy = VacancyFactory(closing_date=days(25))
    recruiter = RecruiterFactory(organisation=vacancy.organisation)
    with pytest.raises(featured_service.SlotInvalid) as refused:
        featured_service.feature_vacancy(vacancy, days(start), days(end), recruiter)
    assert message in refused.value.errors[field]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeaturedSlot)) == 0


def test_slots_for_one_vacancy_never_overlap(app):
    vacancy = VacancyFactory()
    recruiter = RecruiterFactory(organisation=vacancy.organisation)
    featured_service.feature_vacancy(vacancy, days(1), days(5), recruiter)
    with pytest.raises(featured_service.SlotInvalid, match="already featured"):
        featured_service.feature_vacancy(vacancy, days(5), days(9), recruiter)
    featured_service.feature_vacancy(vacancy, days(6), days(9), recruiter)  # the next day is fine


def test_a_council_has_only_a_few_jobs_featured_on_any_day(app):
    app.config["FEATURED_SLOTS_PER_COUNCIL"] = 2
    organisation = OrganisationFactory()
    recruiter = RecruiterFactory(organisation=organisation)
    first, second, third = VacancyFactory.create_batch(3, organisation=organisation)
    featured_service.feature_vacancy(first, days(0), days(3), recruiter)
    featured_service.feature_vacancy(second, days(3), days(6), recruiter)
    with pytest.raises(featured_service.SlotInvalid, match="already has 2 jobs featured"):
        featured_service.feature_vacancy(third, days(2), days(4), recruiter)  # day 3 is full
    featured_service.feature_vacancy(third, days(4), days(6), recruiter)  # only the second then
    other_council = VacancyFactory()
    featured_service.feature_vacancy(other_council, days(3), days(3), RecruiterFactory(organisation=other_council.organisation))


def test_only_the_council_or_a_programme_lead_may_feature_a_job(app):
    vacancy = VacancyFactory()
    with pytest.raises(NotAllowed):
        featured_service.feature_vacancy(vacancy, TODAY, days(1), RecruiterFactory())
    with pytest.raises(NotAllowed):
        featured_service.feature_vacancy(vacancy, TODAY, days(1), CandidateFactory())
    lead = UserFactory(role=UserRole.PROGRAMME_LEAD)
    featured_service.feature_vacancy(vacancy, TODAY, days(1), lead, campaign_id=None)  # a regional campaign


def test_a_closed_vacancy_cannot_be_featured(app):
    vacancy = VacancyFactory(status=VacancyStatus.CLOSED)
    with pytest.raises(ServiceError, match="closed"):
        featured_service.feature_vacancy(vacancy, TODAY, days(1), RecruiterFactory(organisation=vacancy.organisation))


def test_ending_a_running_slot_stops_it_yesterday_and_a_future_one_is_removed(app):
    vacancy = VacancyFactory()
    recruiter = RecruiterFactory(organisation=vacancy.organisation)
    running = featured_service.feature_vacancy(vacancy, days(0), days(5), recruiter, today=days(-2))
    running.starts_on = days(-2)
    future = featured_service.feature_vacancy(vacancy, days(10), days(12), recruiter)
    featured_service.end_featured_slot(running, recruiter)
    assert running.ends_on == days(-1) and not vacancy.is_featured_on(TODAY)
    featured_service.end_featured_slot(future, recruiter)
    db.session.flush()
    assert [s.id for s in vacancy.featured_slots] == [running.id]
    with pytest.raises(ServiceError, match="already ended"):
        featured_service.end_featured_slot(running, recruiter)


# --- the recruiter's pages ----------------------------------------------------------------------


def test_a_recruiter_features_a_job_from_its_page_and_search_shows_it_first(app, client):
    recruiter = RecruiterFactory()
    older = VacancyFactory(organisation=recruiter.organisation, title="Fostering social worker",
                           published_at=dt.datetime(2026, 10, 1, 9))
    VacancyFactory(organisation=recruiter.organisation, title="Adoption social worker",
                   published_at=dt.datetime(2026, 11, 20, 9))
    db.session.commit()
    sign_in_as(client, recruiter)
    assert texts(page(client.get(f"/recruit/vacancies/{older.id}")), "h2#featured ~ p")[0].startswith(
        "This job is not featured.")
    form = client.get(f"/recruit/vacancies/{older.id}/feature")
    assert form.status_code == 200
    response = client.post(f"/recruit/vacancies/{older.id}/feature", data={
        "csrf_token": csrf_token(form.text), **date_fields("starts_on", TODAY), **date_fields("ends_on", days(6)),
    }, follow_redirects=True)
    soup = page(response)
    [banner] = texts(soup, ".govuk-notification-banner")
    assert "‘Fostering social worker’ will be featured at the top of search" in banner
    [slot_row] = table_rows(soup, "h2#featured + table")
    assert slot_row[0].endswith("Featured now") and tags(soup, "h2#featured + table .govuk-tag") == ["Featured now"]

    def results(query=""):
        """Each result's title and whether it is marked Featured, in the order shown."""
        return [(links(item, "h2 a")[0][0], tags(item) == ["Featured"])
                for item in page(client.get(f"/jobs{query}")).select("ul.app-vacancy-list > li")]

    assert results() == [("Fostering social worker", True), ("Adoption social worker", False)]
    assert results("?sort=newest") == [("Adoption social worker", False), ("Fostering social worker", True)]

    slot = db.session.scalar(sa.select(FeaturedSlot))
    # "Stop featuring" asks first on its own page; opening it changes nothing.
    [stop] = page(client.get(f"/recruit/vacancies/{older.id}")).select("h2#featured + table a.govuk-button")
    confirm = client.get(stop["href"])
    assert page(confirm).select_one("#confirm").get_text(strip=True) == "Yes, stop featuring"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeaturedSlot)) == 1
    ended = client.post(stop["href"], data={"csrf_token": csrf_token(confirm.text)}, follow_redirects=True)
    assert "‘Fostering social worker’ is no longer featured." in texts(page(ended), ".govuk-notification-banner")[0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeaturedSlot)) == 0
    assert results() == [("Adoption social worker", False), ("Fostering social worker", False)]


@pytest.mark.parametrize("starts, ends, message", [
    ({"starts_on": ["31", "2", str(TODAY.year + 1)]}, None, "must be a real date"),
    ({"starts_on": ["", "", ""]}, None, "Enter the first featured day"),
    (None, {"ends_on": ["1", "1", str(TODAY.year - 1)]}, "on or after the first"),
])
def test_bad_dates_get_a_400_with_the_message_and_change_nothing(app, client, starts, ends, message):
    recruiter = RecruiterFactory()
    vacancy = VacancyFactory(organisation=recruiter.organisation)
    db.session.commit()
    sign_in_as(client, recruiter)
    form = client.get(f"/recruit/vacancies/{vacancy.id}/feature")
    data = {"csrf_token": csrf_token(form.text), **date_fields("starts_on", TODAY), **date_fields("ends_on", days(3))}
    data.update(starts or {})
    data.update(ends or {})
    response = client.post(f"/recruit/vacancies/{vacancy.id}/feature", data=data)
    assert response.status_code == 400
    soup = page(response)
    [problem] = error_summary(soup)
    assert message in problem
    [field] = error_summary_links(soup)  # and the same message beside the field it links to
    assert field_error(soup, field.lstrip("#")) == problem
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeaturedSlot)) == 0


def test_another_councils_job_or_slot_is_not_found_and_csrf_is_required(app, client):
    recruiter = RecruiterFactory()
    theirs = VacancyFactory()
    their_slot = featured_service.feature_vacancy(theirs, TODAY, days(2), RecruiterFactory(organisation=theirs.organisation))
    own = VacancyFactory(organisation=recruiter.organisation)
    db.session.commit()
    sign_in_as(client, recruiter)
    assert client.get(f"/recruit/vacancies/{theirs.id}/feature").status_code == 404
    token = csrf_token(client.get(f"/recruit/vacancies/{own.id}/feature").text)
    assert client.post(f"/recruit/featured-slots/{their_slot.id}/end", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/recruit/featured-slots/{2**40}/end", data={"csrf_token": token}).status_code == 404
    no_token = client.post(f"/recruit/vacancies/{own.id}/feature",
                           data={**date_fields("starts_on", TODAY), **date_fields("ends_on", days(3))})
    assert no_token.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeaturedSlot)) == 1


def test_a_social_worker_cannot_reach_the_feature_page(app, client):
    vacancy = VacancyFactory()
    candidate = CandidateFactory()
    db.session.commit()
    sign_in_as(client, candidate)
    assert client.get(f"/recruit/vacancies/{vacancy.id}/feature").status_code == 403
