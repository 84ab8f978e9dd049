"""The vacancy service's rules and state changes, called directly as a worker or another blueprint would."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from domain.vocabulary import ApplyMethod, VacancyStatus
from tests.factories import CandidateFactory, OrganisationFactory, RecruiterFactory, VacancyFactory
from webapp.extensions import db
from webapp.models import AuditLog, Organisation, Vacancy
from webapp.services import NotAllowed, ServiceError
from webapp.services import vacancies as vacancy_service

TODAY = dt.date(2027, 3, 1)
ORG = Organisation(name="Camden", slug="camden", town="King's Cross", latitude=51.529, longitude=-0.1255)


def values(**overrides) -> dict:
    data = {
        "title": "  Social   worker, MASH  ", "reference": "", "role_level": "social_worker", "service_area": "mash",
        "team": "", "summary": "Front door work.", "description": "Description\r\nline two",
        "salary_min": 40000, "salary_max": 44000, "contract_type": "permanent", "fte": "0.5",
        "working_pattern": "part_time", "location_name": "", "latitude": "", "longitude": "",
        "closing_date": TODAY + dt.timedelta(days=10), "apply_method": "in_platform", "external_apply_url": "",
        "caseload_max": None, "supervision_frequency": "", "protected_caseload_nqsw": False, "hybrid_pattern": "",
        "market_supplement": 0, "retention_payment": None, "funded_development": False, "development_details": "stale",
    }
    data.update(overrides)
    return data


def test_clean_normalises_and_fills_defaults():
    clean = vacancy_service.clean_vacancy(values(), ORG, require_future_closing=True, today=TODAY)
    assert clean["title"] == "Social worker, MASH"
    assert clean["description"] == "Description\nline two"
    assert clean["reference"] is None
    assert clean["fte"] == Decimal("0.50")
    assert clean["location_name"] == "King's Cross"
    assert (clean["latitude"], clean["longitude"]) == (51.529, -0.1255)
    assert clean["supervision_frequency"] is None and clean["hybrid_pattern"] is None
    assert clean["market_supplement"] is None  # nought means none offered
    assert clean["development_details"] == ""  # not funded: the hidden box's text is dropped
    assert clean["external_apply_url"] is None


def test_missing_fields_count_as_blank():
    with pytest.raises(vacancy_service.VacancyInvalid) as raised:
        vacancy_service.clean_vacancy({}, ORG, require_future_closing=False, today=TODAY)
    for name in ("title", "role_level", "service_area", "summary", "description", "salary_min", "salary_max",
                 "contract_type", "fte", "working_pattern", "closing_date", "apply_method"):
        assert name in raised.value.errors, name


@pytest.mark.parametrize(("overrides", "field"), [
    ({"salary_min": 14999}, "salary_min"),
    ({"salary_max": 150001}, "salary_max"),
    ({"salary_min": True}, "salary_min"),
    ({"salary_min": "12.5"}, "salary_min"),
    ({"fte": "0.09"}, "fte"),
    ({"fte": "Infinity"}, "fte"),
    ({"closing_date": TODAY}, "closing_date"),
    ({"closing_date": "2027-04-01"}, "closing_date"),
    ({"closing_date": dt.datetime(2027, 4, 1, 9)}, "closing_date"),
    ({"apply_method": "external", "external_apply_url": "http://localhost/apply"}, "external_apply_url"),
    ({"apply_method": "external", "external_apply_url": "https://" + "a" * 500 + ".uk"}, "external_apply_url"),
    ({"role_level": "dragon"}, "role_level"),
    ({"longitude": "2.5", "latitude": "51.5"}, "longitude"),
])
def test_rules(overrides, field):
    with pytest.raises(vacancy_service.VacancyInvalid) as raised:
        vacancy_service.clean_vacancy(values(**overrides), ORG, require_future_closing=True, today=TODAY)
    assert list(raised.value.errors) == [field]


def test_bounds_are_inclusive():
    clean = vacancy_service.clean_vacancy(values(salary_min=15000, salary_max=150000, fte="1.0", caseload_max=60,
                                                 closing_date=TODAY + dt.timedelta(days=366)),
                                          ORG, require_future_closing=True, today=TODAY)
    assert (clean["salary_min"], clean["salary_max"], clean["fte"]) == (15000, 150000, Decimal("1.00"))


def test_a_past_closing_date_is_fine_for_a_draft_only():
    past = TODAY - dt.timedelta(days=3)
    assert vacancy_service.clean_vacancy(values(closing_date=past), ORG, require_future_closing=False,
                                         today=TODAY)["closing_date"] == past


def test_web_addresses():
    assert vacancy_service.clean_web_address("  https://jobs.example.gov.uk/a?b=1 ") == "https://jobs.example.gov.uk/a?b=1"
    assert vacancy_service.clean_web_address("") is None
    for bad in ("javascript:alert(1)", "data:text/html,x", "//jobs.example.gov.uk", "https://", "mailto:a@b.uk",
                "https://[::1", "http://intranet/x"):
        with pytest.raises(ValueError):
            vacancy_service.clean_web_address(bad)


def test_slug():
    assert vacancy_service.slug_for("Senior Practitioner – Child Protection (CP)") == "senior-practitioner-child-protection-cp"
    assert vacancy_service.slug_for("!!!") == "vacancy"
    assert len(vacancy_service.slug_for("word " * 100)) <= vacancy_service.SLUG_MAX


def test_display_status():
    today = dt.date.today()
    assert vacancy_service.display_status(Vacancy(status=VacancyStatus.LIVE, closing_date=today), today)[0] == "Live"
    assert vacancy_service.display_status(
        Vacancy(status=VacancyStatus.LIVE, closing_date=today - dt.timedelta(days=1)), today
    )[0] == "Closed (closing date passed)"
    assert vacancy_service.display_status(Vacancy(status=VacancyStatus.DRAFT, closing_date=today), today)[0] == "Draft"
    assert vacancy_service.display_status(Vacancy(status=VacancyStatus.CLOSED, closing_date=today), today)[0] == "Closed"


# --- with the database ----------------------------------------------------------------------------------------

def test_create_update_publish_close_reopen_through_the_service(app):
    recruiter = RecruiterFactory()
    today = dt.date.today()
    vacancy = vacancy_service.create_vacancy(recruiter, values(closing_date=today + dt.timedelta(days=5)), today=today)
    assert vacancy.status == VacancyStatus.DRAFT and vacancy.slug == "social-worker-mash"
    assert vacancy_service.update_vacancy(recruiter, vacancy, values(closing_date=today + dt.timedelta(days=5)),
                                          today=today) == []
    changed = vacancy_service.update_vacancy(
        recruiter, vacancy, values(closing_date=today + dt.timedelta(days=5), apply_method="external",
                                   external_apply_url="https://jobs.example.gov.uk/1"), today=today)
    assert changed == ["apply_method", "external_apply_url"]
    assert vacancy.apply_method == ApplyMethod.EXTERNAL
    vacancy_service.publish(recruiter, vacancy, today=today)
    assert vacancy.is_live_on(today)
    with pytest.raises(ServiceError):
        vacancy_service.publish(recruiter, vacancy, today=today)
    vacancy_service.close(recruiter, vacancy)
    with pytest.raises(ServiceError):
        vacancy_service.close(recruiter, vacancy)
    with pytest.raises(vacancy_service.VacancyInvalid):
        vacancy_service.reopen(recruiter, vacancy, today, today=today)
    vacancy_service.reopen(recruiter, vacancy, today + dt.timedelta(days=1), today=today)
    assert vacancy.is_live_on(today)
    db.session.commit()
    actions = db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["vacancy.created", "vacancy.updated", "vacancy.published", "vacancy.closed", "vacancy.reopened"]


def test_only_the_councils_own_staff_may_change_a_vacancy(app):
    vacancy = VacancyFactory()
    outsider = RecruiterFactory()
    candidate = CandidateFactory()
    for user in (outsider, candidate):
        with pytest.raises(NotAllowed):
            vacancy_service.update_vacancy(user, vacancy, values())
        with pytest.raises(NotAllowed):
            vacancy_service.close(user, vacancy)
        with pytest.raises(NotAllowed):
            vacancy_service.reopen(user, vacancy, dt.date.today() + dt.timedelta(days=3))
    with pytest.raises(NotAllowed):
        vacancy_service.create_vacancy(candidate, values())
    assert vacancy_service.vacancy_for_recruiter(outsider, vacancy.id) is None
    assert vacancy_service.vacancy_for_recruiter(outsider, 2**40) is None
    assert vacancy.status == VacancyStatus.LIVE


def test_listing_pages_and_counts(app):
    council = OrganisationFactory()
    for n in range(vacancy_service.PER_PAGE + 2):
        VacancyFactory(organisation=council, closing_date=dt.date.today() + dt.timedelta(days=n + 1))
    db.session.commit()
    first = vacancy_service.vacancies_for(council.id, "live", 1)
    second = vacancy_service.vacancies_for(council.id, "live", 2)
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (vacancy_service.PER_PAGE + 2, 2,
                                                                           vacancy_service.PER_PAGE, 2)
    assert first.rows[0].vacancy.closing_date < second.rows[0].vacancy.closing_date  # closing soonest first
    assert vacancy_service.tab_counts(council.id) == {"live": vacancy_service.PER_PAGE + 2, "draft": 0, "closed": 0}
    with pytest.raises(ServiceError):
        vacancy_service.vacancies_for(council.id, "live", 3)
    with pytest.raises(ServiceError):
        vacancy_service.vacancies_for(council.id, "everything", 1)


def test_expired_vacancies_are_closed_once_with_an_audit_entry(app):
    today = dt.date.today()
    expired = VacancyFactory(closing_date=today - dt.timedelta(days=1))
    closing_today = VacancyFactory(closing_date=today)
    db.session.commit()
    assert vacancy_service.close_expired_vacancies(today) == 1
    assert vacancy_service.close_expired_vacancies(today) == 0  # idempotent
    assert db.session.get(Vacancy, expired.id).status == VacancyStatus.CLOSED
    assert db.session.get(Vacancy, expired.id).closed_at is not None
    assert db.session.get(Vacancy, closing_today.id).status == VacancyStatus.LIVE
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "vacancy.expired"))
    assert entry.subject_id == expired.id and entry.actor_id is None and entry.detail["changed"] == ["status", "closed_at"]
