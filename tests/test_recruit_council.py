"""A council administrator edits their council's page and offer; nobody else can."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain.vocabulary import UserRole
from tests.helpers import sign_in_as
from tests.factories import CandidateFactory, OrganisationFactory, RecruiterFactory, UserFactory
from webapp.extensions import db
from webapp.models import AuditLog, Organisation, OutboxMessage
from webapp.services import NotAllowed
from webapp.services import organisations as organisation_service


def offer(**overrides) -> dict:
    data = {
        "about": "A borough of 300,000 people.\n\nOur teams are stable.",
        "offer_pay": "Pay from £40,000 with a £3,000 market supplement.",
        "offer_caseload": "Caseloads of 15 to 18 children.",
        "offer_supervision": "Monthly supervision with your manager.",
        "offer_development": "A funded ASYE academy.",
        "offer_hybrid": "Two days in the office.",
        "website": "https://www.camden.gov.uk/jobs",
        "office_street_address": "5 Pancras Square",
        "office_postcode": "n1c4ag",
        "logo_url": "https://www.camden.gov.uk/logo.png",
    }
    data.update(overrides)
    return data


@pytest.fixture
def council(app):
    return OrganisationFactory(name="Camden", slug="camden", about="Old about")


@pytest.fixture
def org_admin(council):
    user = UserFactory(role=UserRole.ORG_ADMIN, organisation=council)
    db.session.commit()
    return user


def reload(council) -> Organisation:
    db.session.expire_all()
    return db.session.get(Organisation, council.id)


def test_org_admin_edits_the_offer(client, council, org_admin):
    sign_in_as(client, org_admin)
    page = client.get("/recruit/council")
    assert page.status_code == 200 and "Old about" in page.get_data(as_text=True)
    response = client.post("/recruit/council", data=offer())
    assert response.status_code == 302
    council = reload(council)
    assert council.about == "A borough of 300,000 people.\n\nOur teams are stable."
    assert council.offer_caseload == "Caseloads of 15 to 18 children."
    assert council.website == "https://www.camden.gov.uk/jobs"
    # The office a job advert names, the postcode written in full; the logo search engines show.
    assert (council.office_street_address, council.office_postcode) == ("5 Pancras Square", "N1C 4AG")
    assert council.logo_url == "https://www.camden.gov.uk/logo.png"
    [entry] = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "organisation.offer_updated")).all()
    assert entry.organisation_id == council.id and entry.actor_id == org_admin.id
    assert sorted(entry.detail["changed"]) == sorted(organisation_service.OFFER_FIELDS)
    assert "300,000" not in repr(entry.detail)
    assert db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == "organisation.changed",
                                                            OutboxMessage.aggregate_id == council.id)) is not None


def test_the_vacancies_page_links_an_org_admin_to_the_council_page(client, org_admin):
    sign_in_as(client, org_admin)
    assert "/recruit/council" in client.get("/recruit/vacancies").get_data(as_text=True)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"website": "javascript:alert(1)"}, "Website must be a full web address starting with https:// or http://"),
    ({"website": "www.camden.gov.uk"}, "Website must be a full web address"),
    ({"about": "x" * 5001}, "About the council must be 5,000 characters or fewer"),
    ({"offer_pay": "x" * 2001}, "Pay and benefits must be 2,000 characters or fewer"),
    ({"office_postcode": "Camden"}, "Enter the office postcode in full, like N1C 4AG"),
    ({"office_street_address": "x" * 201}, "Office address must be 200 characters or fewer"),
    ({"logo_url": "http://www.camden.gov.uk/logo.png"}, "Logo must be an address starting with https://"),
    ({"logo_url": "javascript:alert(1)"}, "Logo must be a full web address starting with https:// or http://"),
])
def test_invalid_offer_changes_nothing(client, council, org_admin, overrides, message):
    sign_in_as(client, org_admin)
    response = client.post("/recruit/council", data=offer(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    council = reload(council)
    assert council.about == "Old about" and council.offer_pay == ""
    assert db.session.scalar(sa.select(AuditLog)) is None


def test_recruiters_and_candidates_cannot_edit_the_offer(client, council):
    recruiter = RecruiterFactory(organisation=council)
    candidate = CandidateFactory()
    db.session.commit()
    sign_in_as(client, recruiter)
    assert client.get("/recruit/council").status_code == 403
    assert client.post("/recruit/council", data=offer()).status_code == 403
    assert "/recruit/council" not in client.get("/recruit/vacancies").get_data(as_text=True)
    sign_in_as(client, candidate)
    assert client.post("/recruit/council", data=offer()).status_code == 403
    assert reload(council).about == "Old about"


def test_the_service_allows_only_that_councils_admin(app, council):
    other_admin = UserFactory(role=UserRole.ORG_ADMIN, organisation=OrganisationFactory())
    with pytest.raises(NotAllowed):
        organisation_service.update_offer(other_admin, council, offer())
    assert council.about == "Old about"
