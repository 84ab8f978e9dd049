"""Supply and demand: exact counts for known data, who may see what, filters, bad input and the CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from domain.vocabulary import Availability, RoleLevel, ServiceArea, SubRegion, UserRole, VacancyStatus
from tests.factories import (
    CandidateFactory,
    CandidateProfileFactory,
    OrganisationFactory,
    RecruiterFactory,
    UserFactory,
    VacancyFactory,
)
from tests.helpers import sign_in_as
from tests.pages import page, table_rows, text_of
from webapp.services import supply_demand as sd
from webapp.services.spreadsheets import csv_safe

SW, SP = RoleLevel.SOCIAL_WORKER, RoleLevel.SENIOR_PRACTITIONER
CP, FOSTERING = ServiceArea.CHILD_PROTECTION, ServiceArea.FOSTERING


@pytest.fixture
def world(app):
    camden = OrganisationFactory(name="Camden", slug="camden", sub_region=SubRegion.NORTH)
    hackney = OrganisationFactory(name="Hackney", slug="hackney", sub_region=SubRegion.NORTH)
    croydon = OrganisationFactory(name="Croydon", slug="croydon", sub_region=SubRegion.SOUTH)
    today = dt.date.today()
    VacancyFactory.create_batch(2, organisation=camden, role_level=SW, service_area=CP, fte=Decimal("1.00"))
    VacancyFactory(organisation=camden, role_level=SW, service_area=CP, fte=Decimal("0.50"))
    VacancyFactory(organisation=camden, role_level=SW, service_area=CP, status=VacancyStatus.DRAFT, published_at=None)
    VacancyFactory(organisation=camden, role_level=SW, service_area=CP, closing_date=today - dt.timedelta(days=1))
    VacancyFactory(organisation=hackney, role_level=SP, service_area=FOSTERING)
    VacancyFactory(organisation=croydon, role_level=SW, service_area=CP)

    def looking(level, areas, boroughs, **kwargs):
        return CandidateProfileFactory(role_level=level, specialisms=[a.value for a in areas],
                                       preferred_boroughs=boroughs, **kwargs)

    people = {
        "a": looking(SW, [CP], []),  # any council
        "b": looking(SW, [CP, FOSTERING], ["camden"]),
        "c": looking(SW, [], ["croydon"]),  # any service area
        "not_looking": looking(SW, [CP], [], availability=Availability.NOT_LOOKING),
        "e": looking(SP, [FOSTERING], ["hackney"]),
        "no_level": looking(None, [CP], []),
        "inactive": looking(SW, [CP], [], user=CandidateFactory(active=False)),
    }
    return {"camden": camden, "hackney": hackney, "croydon": croydon, "people": people}


def _cell(result, row, column):
    return result.cells[(row, column)]


def test_region_counts_are_exact(world):
    result = sd.supply_and_demand(sd.Filters())
    sw_cp = _cell(result, "social_worker", "child_protection")
    assert (sw_cp.vacancies, sw_cp.fte, sw_cp.candidates) == (4, Decimal("3.5"), 3)
    assert sw_cp.ratio == Decimal(3) / Decimal("3.5") and sw_cp.shortage and sw_cp.band.slug == "shortage"
    sw_fostering = _cell(result, "social_worker", "fostering")
    assert (sw_fostering.vacancies, sw_fostering.candidates, sw_fostering.band.slug) == (0, 2, "none")
    sp_fostering = _cell(result, "senior_practitioner", "fostering")
    assert (sp_fostering.vacancies, sp_fostering.candidates, sp_fostering.band.slug) == (1, 1, "balanced")
    assert not sp_fostering.shortage
    # Totals count each person once, however many cells they are open to.
    assert (result.row_totals["social_worker"].vacancies, result.row_totals["social_worker"].candidates) == (4, 3)
    assert result.column_totals["child_protection"].candidates == 3
    assert (result.total.vacancies, result.total.fte, result.total.candidates) == (5, Decimal("4.5"), 4)
    assert [(c.row.key, c.column.key) for c in result.shortages()] == [("social_worker", "child_protection")]


def test_council_and_sub_region_filters(world):
    camden = sd.supply_and_demand(sd.Filters(organisation_id=world["camden"].id))
    cell = _cell(camden, "social_worker", "child_protection")
    assert (cell.vacancies, cell.fte, cell.candidates) == (3, Decimal("2.5"), 2)  # a (any council) and b
    south = sd.supply_and_demand(sd.Filters(sub_region=SubRegion.SOUTH))
    cell = _cell(south, "social_worker", "child_protection")
    assert (cell.vacancies, cell.candidates) == (1, 2)  # a (any council) and c (Croydon, any area)
    assert south.total.candidates == 2


def test_councils_as_rows(world):
    result = sd.supply_and_demand(sd.Filters(rows="council", columns="role_level"))
    assert [h.key for h in result.rows] == ["camden", "croydon", "hackney"]
    camden, croydon, hackney = (_cell(result, k, "social_worker") for k in ("camden", "croydon", "hackney"))
    assert (camden.vacancies, camden.candidates) == (3, 2)
    assert (croydon.vacancies, croydon.candidates, croydon.band.slug) == (1, 2, "surplus")
    assert (hackney.vacancies, hackney.candidates) == (0, 1)
    assert (_cell(result, "hackney", "senior_practitioner").candidates) == 1


def test_rows_and_columns_must_differ(world):
    with pytest.raises(sd.FiltersInvalid):
        sd.supply_and_demand(sd.Filters(rows="council", columns="sub_region"))


def test_a_past_day_uses_the_vacancies_live_then(app):
    org = OrganisationFactory()
    VacancyFactory(organisation=org, status=VacancyStatus.CLOSED, published_at=dt.datetime(2026, 10, 1, 9),
                   closed_at=dt.datetime(2026, 10, 20, 12), closing_date=dt.date(2026, 10, 31))
    VacancyFactory(organisation=org, published_at=dt.datetime(2026, 10, 25, 9), closing_date=dt.date(2027, 1, 31))
    assert sd.supply_and_demand(sd.Filters(), as_of=dt.date(2026, 10, 10)).total.vacancies == 1
    assert sd.supply_and_demand(sd.Filters(), as_of=dt.date(2026, 10, 19)).total.vacancies == 1
    assert sd.supply_and_demand(sd.Filters(), as_of=dt.date(2026, 10, 20)).total.vacancies == 0  # closed that noon
    assert sd.supply_and_demand(sd.Filters(), as_of=dt.date(2026, 10, 31)).total.vacancies == 1


def test_bands():
    assert sd.band_for(None).slug == "none"
    assert sd.band_for(Decimal("0.49")).slug == "severe"
    assert sd.band_for(Decimal("0.5")).slug == "shortage"
    assert sd.band_for(Decimal("0.99")).slug == "shortage"
    assert sd.band_for(Decimal(1)).slug == "balanced"
    assert sd.band_for(Decimal(2)).slug == "surplus"


# --- the page -----------------------------------------------------------------------------------------

def test_programme_lead_sees_the_region_heat_map(client, world):
    sign_in_as(client, UserFactory(role=UserRole.PROGRAMME_LEAD))
    response = client.get("/insights/supply-and-demand")
    assert response.status_code == 200
    soup = page(response)
    assert soup.select("#legend li") and soup.select("#heatmap tbody tr")
    # Colour plus the number: the shortage cell carries its band class and its ratio and counts as text.
    [cell] = soup.select('#heatmap td[title^="Social worker, Child protection:"]')
    assert cell["title"] == "Social worker, Child protection: 3 candidates, 4 vacancies (3.5 FTE)"
    assert cell["class"] == ["app-heat--shortage"]
    assert (text_of(cell, ".app-heatmap__value"), text_of(cell, ".app-heatmap__counts")) == ("0.9", "3/4")
    assert ["Social worker", "Child protection", "4", "3.5", "3", "0.9", "Short"] in table_rows(soup, "#sd-table")
    assert text_of(soup, "#sd-summary").startswith("5 live vacancies (4.5 FTE), ")
    filtered = client.get("/insights/supply-and-demand?council=hackney&rows=role_level&columns=service_area")
    assert filtered.status_code == 200
    assert [["Senior practitioner", "Fostering", "1", "1", "1", "1.0", "No"]] == [
        row for row in table_rows(page(filtered), "#sd-table") if row[:2] == ["Senior practitioner", "Fostering"]]


@pytest.mark.parametrize("query, message", [
    ("role_level=chief", "Choose a role level from the list."),
    ("service_area=%3Cscript%3E", "Choose a service area from the list."),
    ("sub_region=mars", "Choose a sub-region from the list."),
    ("council=atlantis", "Choose a council from the list."),
    ("rows=council&columns=sub_region", "Choose different things"),
    ("rows=salary", "Choose rows and columns from the lists."),
])
def test_bad_filters_are_400_with_a_message(client, world, query, message):
    sign_in_as(client, UserFactory(role=UserRole.PROGRAMME_LEAD))
    for path in ("/insights/supply-and-demand?", "/insights/supply-and-demand.csv?"):
        response = client.get(path + query)
        assert response.status_code == 400
        # the reason is the error page's detail, not just somewhere in the page
        assert message in text_of(page(response), "main [data-error-detail]")


def test_recruiter_sees_only_their_own_council(client, world):
    recruiter = RecruiterFactory(organisation=world["camden"])
    sign_in_as(client, recruiter)
    html = client.get("/insights/supply-and-demand").get_data(as_text=True)
    assert text_of(page(html), "#sd-summary").startswith("3 live vacancies (2.5 FTE), ")
    assert text_of(page(html), ".govuk-caption-l") == "Camden"
    assert "Hackney" not in html and "Croydon" not in html
    assert client.get("/insights/supply-and-demand?council=camden").status_code == 200
    assert client.get("/insights/supply-and-demand?council=hackney").status_code == 404
    assert client.get("/insights/supply-and-demand.csv?council=hackney").status_code == 404
    assert client.get("/insights/supply-and-demand?council=atlantis").status_code == 404
    assert client.get("/insights/supply-and-demand?rows=council&columns=role_level").status_code == 400
    rows = list(csv.reader(io.StringIO(client.get("/insights/supply-and-demand.csv").get_data(as_text=True))))
    assert sum(int(r[2]) for r in rows[1:]) == 3


def test_org_admin_without_a_council_gets_403(client, app):
    sign_in_as(client, UserFactory(role=UserRole.ORG_ADMIN, organisation=None))
    assert client.get("/insights/supply-and-demand").status_code == 403


def test_candidates_and_the_public_cannot_see_it(client, world):
    anonymous = client.get("/insights/supply-and-demand")
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]
    sign_in_as(client, world["people"]["a"].user)
    assert client.get("/insights/supply-and-demand").status_code == 403
    assert client.get("/insights/supply-and-demand.csv").status_code == 403


def test_csv_export(client, world):
    sign_in_as(client, UserFactory(role=UserRole.ADMIN))
    response = client.get("/insights/supply-and-demand.csv?role_level=social_worker")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:7] == ["Role level", "Service area", "Live vacancies", "Vacancy FTE", "Candidates looking",
                           "Candidates per vacancy FTE", "Shortage"]
    assert len(rows) == 1 + len(ServiceArea)
    assert ["Social worker", "Child protection", "4", "3.5", "3", "0.86", "yes"] == rows[1 + list(ServiceArea).index(CP)][:7]


def test_csv_cannot_carry_a_formula(client, app):
    OrganisationFactory(name="=HYPERLINK(\"http://evil.example\",\"x\")", slug="evil")
    sign_in_as(client, UserFactory(role=UserRole.PROGRAMME_LEAD))
    text = client.get("/insights/supply-and-demand.csv?rows=council&columns=role_level").get_data(as_text=True)
    first_cells = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert first_cells and all(cell.startswith("'=") for cell in first_cells)
    assert csv_safe("+1") == "'+1" and csv_safe("-2") == "'-2" and csv_safe("@x") == "'@x"
    assert csv_safe("Camden") == "Camden" and csv_safe(3) == 3
