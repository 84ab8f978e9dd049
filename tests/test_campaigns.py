"""Campaigns over HTTP: a council's own, the programme team's regional ones, tracked links and featured slots."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from domain.funnel import CampaignKind
from domain.vocabulary import UserRole, VacancyStatus
from tests.factories import OrganisationFactory, RecruiterFactory, UserFactory, VacancyFactory
from tests.helpers import sign_in_as
from tests.pages import error_summary, error_summary_links, field_error, page, summary_list, table_rows, text_of, texts
from webapp.extensions import db
from webapp.models import AuditLog, Campaign, FeaturedSlot, FunnelEvent, TrackedLink

TODAY = dt.date.today()
BROWSER = {"User-Agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15"}


def date_parts(day: dt.date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


@pytest.fixture
def councils(app):
    camden = OrganisationFactory(name="Camden")
    hackney = OrganisationFactory(name="Hackney")
    camden_job = VacancyFactory(organisation=camden, title="Senior practitioner, MASH")
    camden_job_2 = VacancyFactory(organisation=camden, title="Social worker, fostering",
                                  closing_date=TODAY + dt.timedelta(days=120))
    hackney_job = VacancyFactory(organisation=hackney, title="Team manager, assessment")
    recruiter = RecruiterFactory(organisation=camden)
    lead = UserFactory(role=UserRole.PROGRAMME_LEAD)
    db.session.commit()
    return {"camden": camden, "hackney": hackney, "camden_job": camden_job, "camden_job_2": camden_job_2,
            "hackney_job": hackney_job, "recruiter": recruiter, "lead": lead}


def day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def campaign_form(**changes) -> dict:
    data = {"name": "Spring open day", "kind": "recruitment", "summary": "Meet our teams.",
            "starts_on": date_parts(TODAY), "ends_on": date_parts(TODAY + dt.timedelta(days=20)),
            "budget": "£1,500", "event_on": ["", "", ""], "event_place": "", "channel": "linkedin"}
    data.update(changes)
    return data


def test_a_recruiter_runs_a_campaign_with_a_tracked_link(client, councils):
    sign_in_as(client, councils["recruiter"])
    job = councils["camden_job"]
    response = client.post("/recruit/campaigns/new", data=campaign_form(vacancies=[str(job.id)]))
    assert response.status_code == 302
    campaign = db.session.scalar(sa.select(Campaign))
    assert (campaign.organisation_id, campaign.budget, campaign.kind) == (councils["camden"].id, 1500,
                                                                          CampaignKind.RECRUITMENT)
    [link] = campaign.links
    assert link.destination == f"/jobs/{job.id}-{job.slug}" and link.channel.value == "linkedin"
    detail = page(client.get(response.headers["Location"]))
    assert summary_list(detail)["Jobs"] == job.title and summary_list(detail)["Budget"] == "£1,500"
    [[shared, goes_to, visits, applied, hires]] = table_rows(detail, "#links ~ div table")
    assert text_of(detail, "#links ~ div table tbody code").endswith(f"/c/{link.code}")
    assert shared.endswith("LinkedIn") and goes_to == link.destination and (visits, applied, hires) == ("0", "0", "0")
    actions = db.session.scalars(sa.select(AuditLog.action).where(AuditLog.subject_type == "campaigns")).all()
    assert sorted(actions) == ["campaign.created", "campaign.link_added"]

    added = client.post(f"/recruit/campaigns/{campaign.id}/links",
                        data={"channel": "poster", "label": "Staff room", "destination": "/councils/camden"})
    assert added.status_code == 302
    for bad in ("https://evil.example/", "//evil.example", "/c/abc", "jobs", "/jobs\\..", ""):
        refused = client.post(f"/recruit/campaigns/{campaign.id}/links",
                              data={"channel": "email", "label": "", "destination": bad})
        assert refused.status_code == 400, bad
        assert error_summary(page(refused)) and field_error(page(refused), "destination"), bad
    assert db.session.scalar(sa.select(sa.func.count(TrackedLink.id))) == 2

    # The link works for anyone: a visit credited to the campaign, then on to the page.
    visitor = client.application.test_client()
    followed = visitor.get(f"/c/{link.code}", headers=BROWSER)
    assert followed.status_code == 302 and followed.headers["Location"] == link.destination
    visit = db.session.scalar(sa.select(FunnelEvent).where(FunnelEvent.kind == "visit"))
    assert (visit.campaign_id, visit.tracked_link_id, visit.organisation_id) == (campaign.id, link.id,
                                                                                 councils["camden"].id)
    assert visitor.get("/c/nosuchcode", headers=BROWSER).status_code == 404


def test_a_featured_jobs_campaign_features_its_jobs(client, councils):
    sign_in_as(client, councils["recruiter"])
    job = councils["camden_job"]
    response = client.post("/recruit/campaigns/new", data=campaign_form(
        kind="featured", ends_on=date_parts(TODAY + dt.timedelta(days=10)), vacancies=[str(job.id)]))
    assert response.status_code == 302
    campaign = db.session.scalar(sa.select(Campaign))
    [slot] = db.session.scalars(sa.select(FeaturedSlot)).all()
    assert (slot.vacancy_id, slot.campaign_id, slot.starts_on, slot.ends_on) == (
        job.id, campaign.id, TODAY, TODAY + dt.timedelta(days=10))
    detail = page(client.get(response.headers["Location"]))
    assert texts(detail, "h2:-soup-contains('Featured slots') + ul li") == [
        f"{job.title}: featured {day(TODAY)} to {day(TODAY + dt.timedelta(days=10))}"]
    none_chosen = client.post("/recruit/campaigns/new", data=campaign_form(kind="featured"))
    assert none_chosen.status_code == 400 and error_summary(page(none_chosen)) == ["Select the jobs to feature"]
    too_long = client.post("/recruit/campaigns/new", data=campaign_form(
        kind="featured", ends_on=date_parts(TODAY + dt.timedelta(days=90)), vacancies=[str(councils["camden_job_2"].id)]))
    assert too_long.status_code == 400
    [too_long_message] = error_summary(page(too_long))
    assert "at most 31 days" in too_long_message
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 1


BAD_CAMPAIGNS = [
    ({"name": ""}, "Enter the campaign's name"),
    ({"kind": "lottery"}, "Not a valid choice."),
    ({"starts_on": ["31", "2", "2027"]}, "Start date must be a real date"),
    ({"ends_on": date_parts(TODAY - dt.timedelta(days=40)), "starts_on": date_parts(TODAY - dt.timedelta(days=50))},
     "The end date must be today or later"),
    ({"ends_on": date_parts(TODAY - dt.timedelta(days=1))}, "The end date must be on or after the start date"),
    ({"budget": "lots"}, "Budget must be a whole number of pounds"),
    ({"kind": "event"}, "Enter the day of the event"),
    ({"kind": "event", "event_on": date_parts(TODAY + dt.timedelta(days=2))}, "Enter where the event is"),
    ({"vacancies": ["abc"]}, "Select jobs from the list"),
]


def test_bad_campaigns_are_refused_with_a_message(client, councils):
    sign_in_as(client, councils["recruiter"])
    for changes, message in BAD_CAMPAIGNS:
        response = client.post("/recruit/campaigns/new", data=campaign_form(**changes))
        assert response.status_code == 400, changes
        soup = page(response)
        assert message in error_summary(soup), changes
        # the summary links to the field, which repeats the message beside it
        [field] = [href for href, text in error_summary_links(soup).items() if text == message]
        assert field_error(soup, field.lstrip("#")) == message, changes
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0


def test_councils_only_see_and_use_their_own(client, councils):
    hackney_campaign = Campaign(organisation_id=councils["hackney"].id, kind=CampaignKind.REFER_A_FRIEND,
                                name="Hackney referrals", starts_on=TODAY, ends_on=TODAY)
    camden_campaign = Campaign(organisation_id=councils["camden"].id, kind=CampaignKind.REFER_A_FRIEND,
                               name="Camden referrals", starts_on=TODAY, ends_on=TODAY)
    db.session.add_all([hackney_campaign, camden_campaign])
    db.session.commit()
    sign_in_as(client, councils["recruiter"])
    # the list is shown, and holds only Camden's own (an empty page would not prove the filter)
    listed = [row[0] for row in table_rows(page(client.get("/recruit/campaigns")))]
    assert listed == ["Camden referrals Refer a friend Running"]
    for path in (f"/recruit/campaigns/{hackney_campaign.id}", f"/recruit/campaigns/{hackney_campaign.id}/edit"):
        assert client.get(path).status_code == 404
    assert client.post(f"/recruit/campaigns/{hackney_campaign.id}/links",
                       data={"channel": "email", "destination": "/jobs"}).status_code == 404
    other = client.post("/recruit/campaigns/new", data=campaign_form(vacancies=[str(councils["hackney_job"].id)]))
    assert other.status_code == 400 and error_summary(page(other)) == ["Select jobs from the list"]
    assert client.get("/insights/campaigns").status_code == 403  # the regional pages are the programme team's


def test_a_programme_lead_runs_a_regional_campaign_across_councils(client, councils):
    sign_in_as(client, councils["lead"])
    jobs = [councils["camden_job"], councils["hackney_job"]]
    response = client.post("/insights/campaigns/new", data=campaign_form(
        name="Pan-London team managers", vacancies=[str(j.id) for j in jobs]))
    assert response.status_code == 302 and response.headers["Location"].startswith("/insights/campaigns/")
    campaign = db.session.scalar(sa.select(Campaign))
    assert campaign.organisation_id is None and {v.id for v in campaign.vacancies} == {j.id for j in jobs}
    assert campaign.links[0].destination == "/jobs"
    form = campaign_form(name="Pan-London team managers", budget="20000", vacancies=[str(jobs[0].id)])
    del form["kind"]  # not on the edit page: the kind is fixed once made
    edit_page = page(client.get(f"/insights/campaigns/{campaign.id}/edit"))
    assert edit_page.find(attrs={"name": "name"}) is not None  # the form is there ...
    assert edit_page.find(attrs={"name": "kind"}) is None  # ... without the kind
    edited = client.post(f"/insights/campaigns/{campaign.id}/edit", data=form)
    assert edited.status_code == 302
    db.session.refresh(campaign)
    assert campaign.budget == 20000 and [v.id for v in campaign.vacancies] == [jobs[0].id]
    assert client.get("/recruit/campaigns").status_code == 403
    sign_in_as(client, councils["recruiter"])
    assert client.get(f"/insights/campaigns/{campaign.id}").status_code == 403


def test_closed_jobs_cannot_be_featured(client, councils):
    job = councils["camden_job"]
    job.status = VacancyStatus.CLOSED
    db.session.commit()
    sign_in_as(client, councils["recruiter"])
    response = client.post("/recruit/campaigns/new", data=campaign_form(kind="featured", vacancies=[str(job.id)]))
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == ["Select jobs from the list"]
    offered = [box["value"] for box in soup.select('input[name="vacancies"]')]
    assert str(councils["camden_job_2"].id) in offered and str(job.id) not in offered  # not even offered
    assert db.session.scalar(sa.select(sa.func.count(FeaturedSlot.id))) == 0
