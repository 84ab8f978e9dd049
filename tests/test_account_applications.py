"""'Your applications': a candidate sees and withdraws only their own applications."""
from __future__ import annotations

import re

import sqlalchemy as sa

from domain.vocabulary import ApplicationStatus
from tests import helpers
from tests.factories import CandidateFactory, OrganisationFactory, RecruiterFactory, VacancyFactory
from tests.pages import error_summary, heading, links, page, summary_list, texts
from webapp.extensions import db
from webapp.models import Application, AuditLog
from webapp.services import applications as application_service


def sign_in_as(client, user) -> None:
    with client.application.test_request_context(environ_base=client.environ_base):
        helpers.sign_in_as(client, user)


def apply(candidate, vacancy, statement="I have five years in child protection."):
    application = application_service.submit(candidate, vacancy, statement)
    db.session.commit()
    return application


def test_no_applications_yet(client):
    user = CandidateFactory()
    db.session.commit()
    sign_in_as(client, user)
    soup = page(client.get("/account/applications"))
    assert "You have not applied for any jobs yet." in texts(soup, "main p")
    assert soup.select("main .govuk-summary-card") == []


def test_lists_only_my_applications_with_council_status_dates_and_history(client):
    me, someone_else = CandidateFactory(), CandidateFactory()
    camden = OrganisationFactory(name="Camden", slug="camden")
    mine = VacancyFactory(title="Senior Practitioner, Assessment", organisation=camden)
    theirs = VacancyFactory(title="Team Manager, Fostering")
    recruiter = RecruiterFactory(organisation=camden)
    application = apply(me, mine)
    apply(someone_else, theirs)
    application_service.move(recruiter, application, ApplicationStatus.SHORTLISTED)
    db.session.commit()

    sign_in_as(client, me)
    soup = page(client.get("/account/applications"))
    assert texts(soup, "main .govuk-summary-card__title") == ["Senior Practitioner, Assessment"]  # not theirs
    card = summary_list(soup, "main")
    assert card["Council"] == "Camden" and card["Status"] == "Shortlisted"
    [tag] = soup.select("main .govuk-summary-card .govuk-tag")
    assert "govuk-tag--turquoise" in tag["class"]
    history = texts(soup, "main .govuk-summary-card ol li")  # oldest first, each with its date
    assert [re.fullmatch(r"(\w+) on \d{1,2} [A-Z][a-z]+ \d{4}", step).group(1) for step in history] == [
        "Submitted", "Shortlisted"]
    assert [href for _, href in links(soup, "main .govuk-summary-card__actions a")] == [
        f"/jobs/{mine.id}-{mine.slug}", f"/account/applications/{application.id}/messages",
        f"/account/applications/{application.id}/withdraw"]


def test_final_applications_offer_no_withdraw_link(client):
    me = CandidateFactory()
    application = apply(me, VacancyFactory())
    application_service.withdraw(me, application)
    db.session.commit()
    sign_in_as(client, me)
    soup = page(client.get("/account/applications"))
    assert summary_list(soup, "main")["Status"] == "Withdrawn"
    actions = [text for text, _ in links(soup, "main .govuk-summary-card__actions a")]
    assert len(actions) == 2 and actions[0].startswith("View job")  # and no Withdraw
    assert actions[1].startswith("Messages and interviews")


def test_withdraw_asks_first_then_withdraws_on_post(client):
    me = CandidateFactory()
    application = apply(me, VacancyFactory(title="Social Worker, MASH"))
    sign_in_as(client, me)

    confirm = client.get(f"/account/applications/{application.id}/withdraw")
    assert confirm.status_code == 200
    assert heading(page(confirm)) == "Withdraw your application"
    assert texts(page(confirm), "main form button") == ["Withdraw application"]
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == ApplicationStatus.SUBMITTED  # GET changed nothing

    response = client.post(f"/account/applications/{application.id}/withdraw")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/applications"
    db.session.expire_all()
    withdrawn = db.session.get(Application, application.id)
    assert withdrawn.status == ApplicationStatus.WITHDRAWN
    assert [e.to_status for e in withdrawn.events] == [ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN]
    assert withdrawn.events[-1].actor_id == me.id
    assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.action == "application.withdrawn"))
    banner = texts(page(client.get("/account/applications")), ".govuk-notification-banner")
    assert len(banner) == 1 and "You have withdrawn your application for Social Worker, MASH" in banner[0]


def test_withdrawing_twice_is_a_400_with_a_message(client):
    me = CandidateFactory()
    application = apply(me, VacancyFactory())
    sign_in_as(client, me)
    assert client.post(f"/account/applications/{application.id}/withdraw").status_code == 302
    again = client.post(f"/account/applications/{application.id}/withdraw")
    assert again.status_code == 400
    assert error_summary(page(again)) == ["This application is already withdrawn."]
    db.session.expire_all()
    assert len(db.session.get(Application, application.id).events) == 2


def test_another_persons_application_is_a_404(client):
    me, someone_else = CandidateFactory(), CandidateFactory()
    theirs = apply(someone_else, VacancyFactory())
    sign_in_as(client, me)
    assert client.get(f"/account/applications/{theirs.id}/withdraw").status_code == 404
    assert client.post(f"/account/applications/{theirs.id}/withdraw").status_code == 404
    assert client.post("/account/applications/999999/withdraw").status_code == 404
    db.session.expire_all()
    assert db.session.get(Application, theirs.id).status == ApplicationStatus.SUBMITTED


def test_recruiters_cannot_use_the_candidate_withdraw(client):
    me = CandidateFactory()
    vacancy = VacancyFactory()
    application = apply(me, vacancy)
    recruiter = RecruiterFactory(organisation=vacancy.organisation)
    db.session.commit()
    sign_in_as(client, recruiter)
    assert client.post(f"/account/applications/{application.id}/withdraw").status_code == 403
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == ApplicationStatus.SUBMITTED
