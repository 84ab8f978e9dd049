"""Real HTTP traffic through tracked links and pages, and the exact figures the dashboard then shows."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa

from domain.funnel import CampaignKind, LinkChannel
from domain.vocabulary import ApplicationStatus, ApplyMethod, RoleLevel, UserRole
from tests.application_forms import fill
from tests.factories import CandidateFactory, OrganisationFactory, RecruiterFactory, UserFactory, VacancyFactory
from tests.helpers import sign_in_as
from tests.pages import normalised, page
from webapp.extensions import db
from webapp.models import Application, ApplicationDraft, Campaign, FunnelEvent, TrackedLink
from webapp.services import applications as application_service
from webapp.services import insights, rollups

TODAY = dt.date.today()
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                              "Chrome/131.0 Safari/537.36"}


@pytest.fixture
def world(app):
    camden = OrganisationFactory(name="Camden")
    hackney = OrganisationFactory(name="Hackney")
    job = VacancyFactory(organisation=camden, title="Team manager, child protection", role_level=RoleLevel.TEAM_MANAGER,
                         published_at=dt.datetime.combine(TODAY, dt.time(0, 1)))
    external = VacancyFactory(organisation=hackney, apply_method=ApplyMethod.EXTERNAL,
                              external_apply_url="https://jobs.hackney.example.org/1")
    recruiter = RecruiterFactory(organisation=camden)
    lead = UserFactory(role=UserRole.PROGRAMME_LEAD)
    campaign = Campaign(organisation_id=camden.id, kind=CampaignKind.RECRUITMENT, name="Spring team managers",
                        starts_on=TODAY - dt.timedelta(days=3), ends_on=TODAY + dt.timedelta(days=20), budget=1200,
                        vacancies=[job])
    link = TrackedLink(campaign=campaign, code="spring001", channel=LinkChannel.LINKEDIN,
                       destination=f"/jobs/{job.id}-{job.slug}")
    db.session.add_all([campaign, link])
    db.session.commit()
    return {"camden": camden, "hackney": hackney, "job": job, "external": external, "recruiter": recruiter,
            "lead": lead, "campaign": campaign, "link": link}


def browser(app):
    client = app.test_client()
    client.environ_base.update(BROWSER)
    return client


def figures_on_page(html: str) -> dict[str, int]:
    """Each headline figure as the reader sees it (a figure shown twice, or not as a number, fails)."""
    figures = {}
    for element in page(html).select("main [data-figure]"):
        key = element["data-figure"]
        assert key not in figures, key
        figures[key] = int(normalised(element.get_text()).replace(",", ""))
    return figures


def test_a_tracked_link_visit_is_credited_through_to_the_hire(app, world):
    job = world["job"]
    visitor = browser(app)
    response = visitor.get("/c/spring001")
    assert response.status_code == 302 and response.headers["Location"] == f"/jobs/{job.id}-{job.slug}"
    assert visitor.get(response.headers["Location"]).status_code == 200
    visitor.get(f"/jobs/{job.id}-{job.slug}")  # a refresh: kept raw, counted once
    candidate = CandidateFactory()
    db.session.commit()
    sign_in_as(visitor, candidate)
    visitor.post(f"/jobs/{job.id}-{job.slug}/apply")  # starts the application form
    draft = fill(db.session.scalar(sa.select(ApplicationDraft)))
    db.session.commit()
    visitor.post(f"/apply/{draft.id}/check", data={"confirm": "y"})
    application = db.session.scalar(sa.select(Application))
    assert application is not None
    for status in (ApplicationStatus.SHORTLISTED, ApplicationStatus.INTERVIEW, ApplicationStatus.OFFERED,
                   ApplicationStatus.HIRED):
        application_service.move(world["recruiter"], application, status)
    db.session.commit()

    kinds = [(e.kind, e.campaign_id) for e in db.session.scalars(sa.select(FunnelEvent).order_by(FunnelEvent.id))]
    assert kinds == [("visit", world["campaign"].id), ("job_view", world["campaign"].id),
                     ("job_view", world["campaign"].id), ("application_started", world["campaign"].id),
                     ("application_submitted", world["campaign"].id),
                     ("shortlisted", world["campaign"].id), ("interview", world["campaign"].id),
                     ("offered", world["campaign"].id), ("hired", world["campaign"].id)]

    lead = browser(app)
    sign_in_as(lead, world["lead"])
    dashboard = lead.get(f"/insights?from={TODAY}&to={TODAY}")
    assert dashboard.status_code == 200
    assert figures_on_page(dashboard.text) == {"visitors": 1, "jobs_posted": 1, "job_views": 1, "apply_clicks": 0,
                                               "registrations": 0, "applications": 1, "hires": 1, "followers": 0}
    campaigns = list(csv.DictReader(io.StringIO(lead.get(f"/insights/campaigns.csv?from={TODAY}&to={TODAY}").text)))
    spring = next(row for row in campaigns if row["Campaign"] == "Spring team managers")
    assert (spring["Visitors"], spring["Job views"], spring["Hires"], spring["Cost per hire (£)"]) == ("1", "1", "1", "1200")


def test_bots_and_staff_are_left_out_and_refreshes_count_once(app, world):
    job = world["job"]
    job_page = f"/jobs/{job.id}-{job.slug}"
    bot = app.test_client()
    bot.get(job_page, headers={"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"})
    app.test_client().get(job_page, headers={"User-Agent": ""})
    staff = browser(app)
    sign_in_as(staff, world["recruiter"])
    staff.get(job_page)
    assert db.session.scalar(sa.select(sa.func.count(FunnelEvent.id))) == 0

    person = browser(app)
    for _ in range(3):
        assert person.get(job_page).status_code == 200
    person.get("/jobs?q=team+manager")
    person.get("/jobs?q=team+manager&page=2")  # paging is not another search
    kinds = sorted(e.kind for e in db.session.scalars(sa.select(FunnelEvent)))
    assert kinds == ["job_view", "job_view", "job_view", "search", "visit"]  # every raw event kept
    rollups.rollup(TODAY, TODAY)
    scope = insights.Scope(TODAY, TODAY)
    assert insights.step_totals(scope)["job_view"] == 1 and insights.step_totals(scope)["search"] == 1
    assert insights.unique_visitors(scope) == 1


def test_registration_follow_and_apply_click_are_counted_for_the_campaign(app, world):
    visitor = browser(app)
    visitor.get("/c/spring001")
    response = visitor.post("/register", data={"email": "new.sw@example.org", "full_name": "New Social Worker",
                                               "password": "a long enough password 42",
                                               "confirm_password": "a long enough password 42"})
    assert response.status_code == 302, response.text[:500]
    visitor.post(f"/councils/{world['camden'].slug}/follow")
    visitor.get(f"/jobs/{world['external'].id}/apply-external")
    events = {e.kind: e for e in db.session.scalars(sa.select(FunnelEvent))}
    assert set(events) >= {"visit", "registration", "follow", "apply_click"}
    campaign_id = world["campaign"].id
    assert {k: e.campaign_id for k, e in events.items()} == {k: campaign_id for k in events}
    user_id = events["registration"].user_id
    assert user_id is not None and events["follow"].user_id == user_id
    assert events["registration"].visitor_id == events["visit"].visitor_id  # the same browser after signing in
    rollups.rollup(TODAY, TODAY)
    figures = insights.headline_figures(TODAY, TODAY)
    assert (figures["registrations"], figures["followers"], figures["apply_clicks"]) == (1, 1, 1)


def test_events_are_kept_when_redis_is_down(app, world):
    app.config.update(TASKS_MODE="rq", REDIS_URL="redis://127.0.0.1:1/0")
    job = world["job"]
    visitor = browser(app)
    assert visitor.get(f"/jobs/{job.id}-{job.slug}").status_code == 200
    assert visitor.get(f"/jobs/{world['external'].id}/apply-external").status_code == 302
    kinds = sorted(e.kind for e in db.session.scalars(sa.select(FunnelEvent)))
    assert kinds == ["apply_click", "job_view", "visit"]
    rollups.rollup(TODAY, TODAY)  # whenever the analytics worker next runs
    assert insights.headline_figures(TODAY, TODAY)["apply_clicks"] == 1
