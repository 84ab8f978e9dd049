"""The audit log page: who may see which entries, filters, pages, and bad query strings."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain.vocabulary import UserRole
from tests.helpers import sign_in_as
from tests.factories import CandidateFactory, OrganisationFactory, RecruiterFactory, UserFactory, VacancyFactory
from tests.pages import links, page, text_of, texts
from webapp.extensions import db
from webapp.models import AuditLog
from webapp.services import audit
from webapp.services import audit as audit_service


@pytest.fixture
def two_councils(app):
    camden = OrganisationFactory(name="Camden", slug="camden")
    hackney = OrganisationFactory(name="Hackney", slug="hackney")
    camden_recruiter = RecruiterFactory(organisation=camden, full_name="Cam Recruiter")
    hackney_recruiter = RecruiterFactory(organisation=hackney, full_name="Hack Recruiter")
    camden_job = VacancyFactory(organisation=camden)
    hackney_job = VacancyFactory(organisation=hackney)
    audit.record(camden_recruiter, "vacancy.created", camden_job, organisation_id=camden.id, changed=["title"])
    audit.record(camden_recruiter, "vacancy.published", camden_job, organisation_id=camden.id,
                 changed=["status", "published_at"])
    audit.record(hackney_recruiter, "vacancy.closed", hackney_job, organisation_id=hackney.id,
                 changed=["status", "closed_at"])
    db.session.commit()
    return camden, hackney


def entry_rows(html: str) -> dict[int, list[str]]:
    """The entries listed in the audit table, by id: who, what (and the council, for a platform admin).
    An error page or a page without the table fails rather than passing as 'no entries'."""
    soup = page(html)
    assert text_of(soup, "h1") == "Audit log"
    if soup.select_one("#audit-entries") is None:
        assert "No entries match." in texts(soup, "main p")
        return {}
    return {int(row["id"].removeprefix("audit-")): texts(row, "td")[1:]
            for row in soup.select("#audit-entries tbody tr[id^=audit-]")}


def entry_ids(html: str) -> set[int]:
    return set(entry_rows(html))


def ids_for(organisation) -> set[int]:
    return set(db.session.scalars(sa.select(AuditLog.id).where(AuditLog.organisation_id == organisation.id)))


def test_platform_admin_sees_every_council(client, two_councils):
    camden, hackney = two_councils
    admin = UserFactory(role=UserRole.ADMIN)
    db.session.commit()
    sign_in_as(client, admin)
    response = client.get("/admin/audit")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = entry_rows(html)
    assert set(rows) == ids_for(camden) | ids_for(hackney)
    by_action = {action: rows[entry_id] for entry_id, action in
                 db.session.execute(sa.select(AuditLog.id, AuditLog.action))}
    camden_job, hackney_job = camden.vacancies[0].id, hackney.vacancies[0].id
    # who, what (with the fields changed) and the council, each entry on its own row
    assert by_action == {
        "vacancy.created": ["Cam Recruiter Recruiter", f"Vacancy drafted Vacancy {camden_job} Changed: title", "Camden"],
        "vacancy.published": ["Cam Recruiter Recruiter",
                              f"Vacancy published Vacancy {camden_job} Changed: status, published at", "Camden"],
        "vacancy.closed": ["Hack Recruiter Recruiter",
                           f"Vacancy closed Vacancy {hackney_job} Changed: status, closed at", "Hackney"]}


def test_platform_admin_filters_by_action_and_council(client, two_councils):
    camden, hackney = two_councils
    admin = UserFactory(role=UserRole.ADMIN)
    db.session.commit()
    sign_in_as(client, admin)
    html = client.get(f"/admin/audit?organisation={hackney.id}").get_data(as_text=True)
    assert entry_ids(html) == ids_for(hackney)
    html = client.get("/admin/audit?action=vacancy.published").get_data(as_text=True)
    published = set(db.session.scalars(sa.select(AuditLog.id).where(AuditLog.action == "vacancy.published")))
    assert entry_ids(html) == published and len(published) == 1
    html = client.get(f"/admin/audit?action=vacancy.published&organisation={hackney.id}").get_data(as_text=True)
    assert entry_ids(html) == set()  # (entry_rows finds the "No entries match." paragraph)
    # A well-formed action nobody has done yet is simply empty.
    assert entry_ids(client.get("/admin/audit?action=vacancy.deleted").get_data(as_text=True)) == set()


def test_org_admin_sees_only_their_own_council(client, two_councils):
    camden, hackney = two_councils
    org_admin = UserFactory(role=UserRole.ORG_ADMIN, organisation=camden)
    db.session.commit()
    sign_in_as(client, org_admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert entry_ids(html) == ids_for(camden)
    assert "Hack Recruiter" not in html
    # the entries link to Camden's own vacancy (a platform admin's do not: it is not their council's)
    assert (f"Vacancy {camden.vacancies[0].id}", f"/recruit/vacancies/{camden.vacancies[0].id}") in links(
        page(html), "#audit-entries a")
    # Asking for another council does not widen the view.
    html = client.get(f"/admin/audit?organisation={hackney.id}").get_data(as_text=True)
    assert entry_ids(html) == ids_for(camden)
    assert page(html).select('main form [name="action"]')  # the filters are there ...
    assert page(html).select('[name="organisation"]') == []  # ... but no council filter to offer


@pytest.mark.parametrize("role", [UserRole.CANDIDATE, UserRole.RECRUITER, UserRole.PROGRAMME_LEAD])
def test_everyone_else_is_forbidden(client, two_councils, role):
    camden, _ = two_councils
    user = UserFactory(role=role, organisation=camden if role == UserRole.RECRUITER else None)
    db.session.commit()
    sign_in_as(client, user)
    assert client.get("/admin/audit").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, app):
    response = client.get("/admin/audit")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_org_admin_without_a_council_is_forbidden(client, app):
    user = UserFactory(role=UserRole.ORG_ADMIN)
    db.session.commit()
    sign_in_as(client, user)
    assert client.get("/admin/audit").status_code == 403


@pytest.mark.parametrize("query", [
    "page=0", "page=two", "page=-3", "page=1e9", "organisation=abc", "organisation=999999",
    "organisation=99999999999999999999", "action=%3Cscript%3E", "action=" + "a" * 200,
])
def test_bad_query_strings_are_a_400_not_a_500(client, two_councils, query):
    admin = UserFactory(role=UserRole.ADMIN)
    db.session.commit()
    sign_in_as(client, admin)
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 400
    soup = page(response)
    assert text_of(soup, "h1").startswith("There is a problem"), query
    expected = {"page": "Page must be a whole number, like 2.", "organisation": "Choose a council from the list.",
                "action": "Choose an action from the list."}[query.split("=")[0]]
    assert text_of(soup, "main [data-error-detail]") == expected, query


def test_pages(client, app):
    council = OrganisationFactory()
    recruiter = RecruiterFactory(organisation=council)
    vacancy = VacancyFactory(organisation=council)
    for _ in range(audit_service.PER_PAGE + 3):
        audit.record(recruiter, "vacancy.updated", vacancy, organisation_id=council.id, changed=["team"])
    admin = UserFactory(role=UserRole.ADMIN)
    db.session.commit()
    sign_in_as(client, admin)
    first = client.get("/admin/audit").get_data(as_text=True)
    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert len(entry_ids(first)) == audit_service.PER_PAGE and len(entry_ids(second)) == 3
    assert not entry_ids(first) & entry_ids(second)
    assert text_of(page(first), "#audit-total") == f"{audit_service.PER_PAGE + 3} entries, page 1 of 2"
    assert ("Next", "/admin/audit?page=2") in [(text.split(" ")[0], href) for text, href in
                                                 links(page(first), ".govuk-pagination a")]
    assert client.get("/admin/audit?page=3").status_code == 404


def test_a_candidate_actor_is_shown_without_their_name(client, app):
    council = OrganisationFactory()
    candidate = CandidateFactory(full_name="Private Person")
    vacancy = VacancyFactory(organisation=council)
    audit.record(candidate, "application.submitted", vacancy, organisation_id=council.id, vacancy_id=vacancy.id)
    admin = UserFactory(role=UserRole.ADMIN)
    db.session.commit()
    sign_in_as(client, admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Private Person" not in html
    [(who, what, _)] = entry_rows(html).values()
    assert who == f"Social worker (account {candidate.id})"


def test_recruiter_journey_leaves_no_personal_data_in_the_log(client, app):
    """Everything a recruiter does, end to end: the log holds ids, actions and field names only."""
    from tests.factories import CandidateProfileFactory
    from webapp.services import applications as pipeline

    council = OrganisationFactory(name="Newham", slug="newham", town="Stratford")
    recruiter = RecruiterFactory(organisation=council, full_name="Nadia Recruiter", email="nadia@newham.example")
    org_admin = UserFactory(role=UserRole.ORG_ADMIN, organisation=council)
    profile = CandidateProfileFactory(user=CandidateFactory(full_name="Pat Applicant", email="pat@example.org"),
                                      swe_number="SW654321")
    db.session.commit()
    sign_in_as(client, recruiter)
    import datetime as dt
    closing = dt.date.today() + dt.timedelta(days=20)
    response = client.post("/recruit/vacancies/new", data={
        "title": "Youth justice social worker", "role_level": "social_worker", "service_area": "youth_justice",
        "summary": "Work with young people in the youth justice service.", "description": "A description.",
        "salary_min": "40000", "salary_max": "44000", "contract_type": "permanent", "fte": "1",
        "working_pattern": "full_time", "closing_date": [str(closing.day), str(closing.month), str(closing.year)],
        "apply_method": "in_platform",
    })
    assert response.status_code == 302  # the optional questions may be left out of the request altogether
    vacancy_id = db.session.scalar(sa.select(sa.func.max(AuditLog.subject_id)).where(AuditLog.action == "vacancy.created"))
    assert vacancy_id is not None
    client.post(f"/recruit/vacancies/{vacancy_id}/publish")
    from webapp.models import Vacancy
    application = pipeline.submit(profile.user, db.session.get(Vacancy, vacancy_id), "My statement about Pat")
    db.session.commit()
    client.post(f"/recruit/applications/{application.id}/registration-check")
    client.post(f"/recruit/applications/{application.id}/move", data={"to_status": "shortlisted", "note": "Strong Pat"})
    sign_in_as(client, org_admin)
    client.post("/recruit/council", data={"about": "Newham about text", "website": "https://www.newham.gov.uk"})

    entries = db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id)).all()
    assert [e.action for e in entries] == [
        "vacancy.created", "vacancy.published", "application.submitted", "application.swe_checked",
        "application.moved", "organisation.offer_updated",
    ]
    dumped = repr([(e.action, e.subject_type, e.detail) for e in entries])
    for secret in ("Pat", "pat@example.org", "SW654321", "Nadia", "nadia@newham", "statement", "Strong",
                   "Newham about text", "newham.gov.uk", "Youth justice social worker", "40000"):
        assert secret not in dumped, secret
