"""Who sees which figures, every bad filter answered with a 4xx, CSV exports (and formula injection),
and the dashboard agreeing with a recomputation from the raw events."""
from __future__ import annotations

import csv
import datetime as dt
import io
import random

import pytest
import sqlalchemy as sa

from domain.funnel import VISITOR_STEPS, CampaignKind, FunnelStep
from domain.vocabulary import RoleLevel, ServiceArea, UserRole
from tests.factories import CandidateFactory, OrganisationFactory, RecruiterFactory, UserFactory, VacancyFactory
from tests.helpers import sign_in_as
from tests.pages import error_summary_links, page, table_rows, text_of
from webapp.extensions import db
from webapp.models import Campaign, FunnelEvent, Organisation, Vacancy
from webapp.services import insights, rollups

START = dt.date(2026, 9, 1)
DAYS = 20


@pytest.fixture
def region(app):
    camden = OrganisationFactory(name="Camden")
    hackney = OrganisationFactory(name="Hackney", sub_region="east")
    croydon = OrganisationFactory(name="Croydon", sub_region="south")
    jobs = [VacancyFactory(organisation=org, role_level=level, service_area=area)
            for org in (camden, hackney, croydon)
            for level, area in ((RoleLevel.SOCIAL_WORKER, ServiceArea.CHILD_PROTECTION),
                                (RoleLevel.TEAM_MANAGER, ServiceArea.FOSTERING))]
    regional = Campaign(kind=CampaignKind.RECRUITMENT, name="=HYPERLINK(\"http://evil.example\")",
                        starts_on=START, ends_on=START + dt.timedelta(days=60), budget=5000)
    camden_campaign = Campaign(organisation_id=camden.id, kind=CampaignKind.EVENT, name="Camden open day",
                               starts_on=START, ends_on=START + dt.timedelta(days=30), event_on=START,
                               event_place="Town hall")
    hackney_campaign = Campaign(organisation_id=hackney.id, kind=CampaignKind.REFER_A_FRIEND,
                                name="Hackney refer a friend", starts_on=START, ends_on=START + dt.timedelta(days=30))
    db.session.add_all([regional, camden_campaign, hackney_campaign])
    db.session.flush()
    rng = random.Random(5)
    campaigns = [None, None, regional.id, camden_campaign.id, hackney_campaign.id]
    for _ in range(600):
        kind = rng.choice(list(FunnelStep))
        job = rng.choice(jobs) if kind not in (FunnelStep.VISIT, FunnelStep.SEARCH, FunnelStep.REGISTRATION) else None
        organisation_id = job.organisation_id if job else rng.choice([None, camden.id])
        db.session.add(FunnelEvent(
            kind=kind.value, visitor_id=f"v{rng.randrange(40)}" if kind in VISITOR_STEPS else None,
            user_id=None, organisation_id=organisation_id, vacancy_id=job.id if job else None,
            campaign_id=rng.choice(campaigns),
            occurred_at=dt.datetime.combine(START + dt.timedelta(days=rng.randrange(DAYS)), dt.time(rng.randrange(24)))))
    db.session.commit()
    rollups.rollup(START, START + dt.timedelta(days=DAYS))
    return {"camden": camden, "hackney": hackney, "jobs": jobs, "regional": regional,
            "camden_campaign": camden_campaign, "hackney_campaign": hackney_campaign}


def recompute(scope: insights.Scope) -> tuple[dict[str, int], int]:
    """The funnel straight from the raw events, by the definitions the rollup documents."""
    organisations = {o.id: o for o in db.session.scalars(sa.select(Organisation))}
    vacancies = {v.id: v for v in db.session.scalars(sa.select(Vacancy))}
    people: dict[str, set] = {}
    visitors: set = set()
    for e in db.session.scalars(sa.select(FunnelEvent)):
        day = e.occurred_at.date()
        organisation, vacancy = organisations.get(e.organisation_id), vacancies.get(e.vacancy_id)
        if not scope.start <= day <= scope.end:
            continue
        if scope.organisation_id is not None and e.organisation_id != scope.organisation_id:
            continue
        if scope.sub_region is not None and (organisation is None or organisation.sub_region != scope.sub_region):
            continue
        if scope.role_level is not None and (vacancy is None or vacancy.role_level != scope.role_level):
            continue
        if scope.service_area is not None and (vacancy is None or vacancy.service_area != scope.service_area):
            continue
        if scope.campaign_id is not None and e.campaign_id != scope.campaign_id:
            continue
        key = e.visitor_id or (f"u{e.user_id}" if e.user_id else f"e{e.id}")
        people.setdefault(e.kind, set()).add((day, e.organisation_id, e.vacancy_id, e.campaign_id,
                                              e.tracked_link_id, key))
        if e.kind in {s.value for s in VISITOR_STEPS} and (e.visitor_id or e.user_id):
            visitors.add(key)
    return {kind: len(found) for kind, found in people.items()}, len(visitors)


def test_the_dashboard_equals_a_recomputation_from_raw_events(region):
    base = insights.Scope(START + dt.timedelta(days=2), START + dt.timedelta(days=15))
    scopes = [base, base.but(organisation_id=region["camden"].id), base.but(sub_region="east"),
              base.but(role_level=RoleLevel.TEAM_MANAGER), base.but(service_area=ServiceArea.CHILD_PROTECTION),
              base.but(campaign_id=region["regional"].id),
              base.but(organisation_id=region["hackney"].id, role_level=RoleLevel.SOCIAL_WORKER)]
    for scope in scopes:
        from domain.vocabulary import SubRegion

        if isinstance(scope.sub_region, str):
            scope = scope.but(sub_region=SubRegion(scope.sub_region))
        expected, visitors = recompute(scope)
        totals = insights.step_totals(scope)
        assert {k: v for k, v in totals.items() if v} == expected, scope
        assert insights.unique_visitors(scope) == visitors, scope
        funnel = {row["key"]: row["count"] for row in insights.funnel_table(scope).rows}
        assert funnel["job_views"] == expected.get("job_view", 0)
        assert funnel["applied"] == expected.get("application_submitted", 0) + expected.get("apply_click", 0)
        assert funnel["hired"] == expected.get("hired", 0)
    # A breakdown's rows add up to the whole (each row is one council's share).
    rows = insights.breakdown_table(base, "council").rows
    assert sum(r["job_views"] for r in rows) == recompute(base)[0].get("job_view", 0)


def test_a_rollup_of_any_range_can_be_rebuilt_from_the_command_line(region, app):
    before = insights.headline_figures(START, START + dt.timedelta(days=DAYS))
    db.session.execute(sa.text("DELETE FROM funnel_daily"))
    db.session.commit()
    assert insights.headline_figures(START, START + dt.timedelta(days=DAYS))["job_views"] == 0
    result = app.test_cli_runner().invoke(args=["insights", "rollup", "--from", START.isoformat(),
                                                "--to", (START + dt.timedelta(days=DAYS)).isoformat()])
    assert result.exit_code == 0, result.output
    assert "rolled up 600 events on 21 day(s)" in result.output
    assert insights.headline_figures(START, START + dt.timedelta(days=DAYS)) == before
    bad = app.test_cli_runner().invoke(args=["insights", "rollup", "--from", "yesterday"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def signed_in(client, user) -> None:
    db.session.commit()
    sign_in_as(client, user)


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.text)))


def test_a_programme_lead_sees_the_region_and_can_download_every_table(client, region):
    signed_in(client, UserFactory(role=UserRole.PROGRAMME_LEAD))
    period = f"from={START}&to={START + dt.timedelta(days=DAYS)}"
    dashboard = client.get(f"/insights?{period}")
    assert dashboard.status_code == 200
    soup = page(dashboard)
    # Every council has its row in the comparison, with a chart (the names also sit in the filter's list,
    # so finding them anywhere on the page proved nothing).
    assert {row[0] for row in table_rows(soup, "#table-by_council")} >= {"Camden", "Hackney", "Croydon"}
    assert soup.select("main [role=img]")
    for table in ("headline", "funnel", "by_council", "by_sub_region", "by_role_level", "by_service_area",
                  "by_campaign", "over_time", "timings", "campaigns"):
        assert _csv(client.get(f"/insights/{table}.csv?{period}")), table
    councils = _csv(client.get(f"/insights/by_council.csv?{period}"))
    assert {"Camden", "Hackney", "Croydon"} <= {row["Council"] for row in councils}
    campaigns = _csv(client.get(f"/insights/campaigns.csv?{period}"))
    names = [row["Campaign"] for row in campaigns]
    assert "'=HYPERLINK(\"http://evil.example\")" in names  # never a live formula in a spreadsheet
    assert client.get(f"/insights/nonsense.csv?{period}").status_code == 404
    filtered = client.get(f"/insights?{period}&council=hackney&role_level=team_manager&by=service_area")
    assert filtered.status_code == 200
    soup = page(filtered)
    assert text_of(soup, "#filter-council option[selected]") == "Hackney"
    # The funnel shown is Hackney's team managers', as recomputed from the raw events.
    expected, _ = recompute(insights.Scope(START, START + dt.timedelta(days=DAYS), organisation_id=region["hackney"].id,
                                           role_level=RoleLevel.TEAM_MANAGER))
    funnel = {row[0]: row[1] for row in table_rows(soup, "#table-funnel")}
    assert (funnel["Job views"], funnel["Hired"]) == (str(expected.get("job_view", 0)), str(expected.get("hired", 0)))


def test_a_recruiter_sees_only_their_own_council(client, region):
    signed_in(client, RecruiterFactory(organisation=region["camden"]))
    period = f"from={START}&to={START + dt.timedelta(days=DAYS)}"
    dashboard = client.get(f"/insights?{period}")
    assert dashboard.status_code == 200
    assert "Hackney" not in dashboard.text and "Croydon" not in dashboard.text
    campaigns = [row[0] for row in table_rows(page(dashboard), "#table-campaigns")]
    assert "Camden open day" in campaigns and "Hackney refer a friend" not in campaigns
    # Camden's own figures, recomputed from the raw events (not through insights.headline_figures, the
    # function that makes the CSV, which would agree with itself whatever it counted).
    expected, visitors = recompute(insights.Scope(START, START + dt.timedelta(days=DAYS),
                                                  organisation_id=region["camden"].id))
    headline = {row["Measure"]: int(row["This period"]) for row in _csv(client.get(f"/insights/headline.csv?{period}"))}
    assert headline["Job views"] == expected["job_view"] and headline["Visitors"] == visitors
    assert client.get(f"/insights?{period}&council=hackney").status_code == 404
    assert client.get(f"/insights/funnel.csv?{period}&council=hackney").status_code == 404
    assert client.get(f"/insights?{period}&campaign={region['hackney_campaign'].id}").status_code == 404
    assert client.get(f"/insights?{period}&campaign=99999999999999").status_code == 400
    assert client.get(f"/insights/by_council.csv?{period}").status_code == 404
    assert client.get(f"/insights?{period}&by=council").status_code == 400
    regional = [r for r in _csv(client.get(f"/insights/campaigns.csv?{period}")) if r["Council"] == "Regional"]
    assert regional and regional[0]["Budget (£)"] == ""  # the region's budget is not a council's cost


BAD_FILTERS = ["from=2026-13-01", "from=yesterday", "to=2026-02-30", "from=2026-10-01&to=2026-09-01",
               "from=2020-01-01&to=2026-01-01", "council=atlantis", "role_level=wizard", "service_area=x",
               "sub_region=middle", "campaign=abc", "campaign=99999", "by=mood", "from=1999-12-31"]


def test_bad_filters_are_a_400_with_a_message(client, app):
    OrganisationFactory(name="Camden")
    signed_in(client, UserFactory(role=UserRole.PROGRAMME_LEAD))
    for query in BAD_FILTERS:
        response = client.get(f"/insights?{query}")
        assert response.status_code == 400, query
        problems = error_summary_links(page(response))
        assert problems and all(href.startswith("#filter-") for href in problems), (query, problems)
        for href in problems:  # each links to a field that is on the page
            assert page(response).select_one(href) is not None, (query, href)
        assert client.get(f"/insights/funnel.csv?{query}").status_code == 400, query


def test_candidates_and_the_public_cannot_see_insights(client, app):
    assert client.get("/insights").status_code == 302
    assert client.get("/insights/funnel.csv").status_code == 302
    signed_in(client, CandidateFactory())
    assert client.get("/insights").status_code == 403
    assert client.get("/insights/funnel.csv").status_code == 403
