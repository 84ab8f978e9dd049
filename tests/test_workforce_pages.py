"""Workforce stability at /insights/workforce: known figures in, published rates out (to two decimal
places, per council, sub-region and region), all-or-nothing CSV import, access, cooling-off, glidepaths
and the census-shaped exports. Runs on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from domain import workforce as wf
from domain.vocabulary import RoleLevel, SubRegion, UserRole
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import sign_in_as
from tests.pages import error_summary, error_summary_links, field_error, links, main_text, page, table_rows, text_of, texts
from webapp.extensions import db
from webapp.models import AgencyPlacement, AuditLog, GlidepathTarget, WorkforceLeaver, WorkforceSnapshot
from webapp.services.workforce.agency import agency_summary
from webapp.services.workforce.exports import AGENCY_RETURN_COLUMNS, CENSUS_COLUMNS
from webapp.services.workforce.glidepaths import councils_behind, region_glidepath
from webapp.services.workforce.imports import CSV_COLUMNS
from webapp.services.workforce.reasons import reasons_summary
from webapp.services.workforce.settings import DEFAULT_ON_COST_RATE, day_rate_cap, region_settings

BASE = "/insights/workforce"
Q2 = wf.Quarter(2025, 2)  # 2025-26 Q2, ending on the census date 30 September 2025

# Camden's four quarters to the census date (known figures; the rates are worked out by hand in the tests).
CAMDEN_CSV_COLUMNS = ["quarter", "establishment_fte", "permanent_fte", "agency_fte", "agency_bank_fte",
                      "vacancies_fte", "starters_fte", "leavers_fte", "asye_cohort_year_ago", "asye_retained",
                      "leavers_pay_fte", "leavers_workload_fte", "caseholding_posts_fte", "caseholding_permanent_fte",
                      "cases_held", "permanent_headcount"]
CAMDEN_ROWS = [
    ["2024-25 Q3", "90", "70", "18", "1", "20", "3", "2", "2", "2", "1", "0.5", "70", "50", "1100", "74"],
    ["2024-25 Q4", "95", "75", "17", "1", "20", "5", "3", "1", "1", "2", "", "72", "55", "1150", "79"],
    ["2025-26 Q1", "98", "78", "16", "1", "20", "4", "1.5", "0", "0", "", "1.5", "75", "58", "1200", "82"],
    ["2025-26 Q2", "100", "80", "15", "2", "20", "3.5", "2.25", "3", "2", "1", "1", "78", "60", "1248", "84"],
]


def csv_bytes(columns, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(client, slug: str, data: bytes, filename: str = "figures.csv", mimetype: str = "text/csv"):
    return client.post(f"{BASE}/councils/{slug}/import", data={"file": (io.BytesIO(data), filename, mimetype)},
                       content_type="multipart/form-data")


def read_csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.fixture
def councils(app):
    camden = OrganisationFactory(name="Camden", slug="camden", sub_region=SubRegion.NORTH)
    hackney = OrganisationFactory(name="Hackney", slug="hackney", sub_region=SubRegion.NORTH)
    croydon = OrganisationFactory(name="Croydon", slug="croydon", sub_region=SubRegion.SOUTH)
    db.session.commit()
    return {"camden": camden, "hackney": hackney, "croydon": croydon}


@pytest.fixture
def people(councils):
    made = {
        "camden_admin": UserFactory(role=UserRole.ORG_ADMIN, organisation=councils["camden"]),
        "camden_recruiter": UserFactory(role=UserRole.RECRUITER, organisation=councils["camden"]),
        "hackney_admin": UserFactory(role=UserRole.ORG_ADMIN, organisation=councils["hackney"]),
        "croydon_admin": UserFactory(role=UserRole.ORG_ADMIN, organisation=councils["croydon"]),
        "lead": UserFactory(role=UserRole.PROGRAMME_LEAD),
        "admin": UserFactory(role=UserRole.ADMIN),
        "candidate": UserFactory(role=UserRole.CANDIDATE),
    }
    db.session.commit()
    return made


def snapshot_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(WorkforceSnapshot))


def audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))


@pytest.fixture
def known_figures(client, councils, people):
    """Camden's year by CSV import; Hackney's and Croydon's census quarter by the form."""
    sign_in_as(client, people["camden_admin"])
    response = upload(client, "camden", csv_bytes(CAMDEN_CSV_COLUMNS, CAMDEN_ROWS))
    assert response.status_code == 302, response.get_data(as_text=True)
    for who, slug, values in (
        ("hackney_admin", "hackney", {"establishment_fte": "53.5", "permanent_fte": "41.25", "agency_fte": "9.5",
                                      "vacancies_fte": "12.25", "starters_fte": "1", "leavers_fte": "1"}),
        ("croydon_admin", "croydon", {"establishment_fte": "30", "permanent_fte": "27", "agency_fte": "2",
                                      "vacancies_fte": "3", "starters_fte": "0", "leavers_fte": "0"}),
    ):
        sign_in_as(client, people[who])
        response = client.post(f"{BASE}/councils/{slug}/quarters/{Q2.slug}", data=values)
        assert response.status_code == 302, response.get_data(as_text=True)
    sign_in_as(client, people["lead"])
    return councils


# --- published rates ------------------------------------------------------------------------------------------


def test_published_rates_per_council_sub_region_and_region(client, known_figures):
    response = client.get(f"{BASE}/areas.csv?quarter={Q2.slug}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = {row["area"]: row for row in read_csv(response)}
    region, north, south = rows["Region"], rows["North London"], rows["South London"]
    camden, hackney, croydon = rows["Camden"], rows["Hackney"], rows["Croydon"]

    # Councils: vacancies / (vacancies + permanent), agency / (agency + permanent), permanent / establishment.
    assert (camden["vacancy_rate_percent"], camden["agency_rate_percent"], camden["permanency_percent"]) == \
        ("20.00", "15.79", "80.00")
    assert (hackney["vacancy_rate_percent"], hackney["agency_rate_percent"], hackney["permanency_percent"]) == \
        ("22.90", "18.72", "77.10")
    assert (croydon["vacancy_rate_percent"], croydon["agency_rate_percent"]) == ("10.00", "6.90")
    # Camden's turnover: 2 + 3 + 1.5 + 2.25 = 8.75 FTE left in the year, over 80 FTE at the census date.
    assert (camden["turnover_rate_permanent_leavers_fte_in_year"], camden["turnover_rate_permanent_fte_at_quarter_end"],
            camden["turnover_rate_percent"]) == ("8.75", "80.00", "10.94")
    # ASYE retention: 5 of the 6 who started a year earlier are still employed.
    assert (camden["asye_retention_asye_retained_12_months"], camden["asye_retention_asye_cohort"],
            camden["asye_retention_percent"]) == ("5", "6", "83.33")
    assert hackney["turnover_rate_percent"] == ""  # one quarter only: no 12-month turnover

    # Sub-regions and the region sum the FTE, then divide (an average of the two north rates would be 21.45).
    assert (north["vacancy_rate_vacancies_fte"], north["vacancy_rate_vacancies_plus_permanent_fte"],
            north["vacancy_rate_percent"]) == ("32.25", "153.50", "21.01")
    assert (north["agency_rate_percent"], north["permanency_percent"]) == ("16.81", "78.99")
    assert south["vacancy_rate_percent"] == "10.00"
    assert (region["vacancy_rate_vacancies_fte"], region["vacancy_rate_vacancies_plus_permanent_fte"],
            region["vacancy_rate_percent"]) == ("35.25", "183.50", "19.21")
    assert (region["agency_rate_agency_fte"], region["agency_rate_agency_plus_permanent_fte"],
            region["agency_rate_percent"]) == ("26.50", "174.75", "15.16")
    assert region["permanency_percent"] == "80.79"
    assert region["turnover_rate_percent"] == "10.94"  # only Camden has the whole year
    assert region["councils_reporting"] == "3"

    # The page shows the same: the region's key figures, and the North London row of the areas table
    # (the substrings '19.21%' etc. anywhere did not say which figure they were).
    soup = page(client.get(f"{BASE}/?quarter={Q2.slug}"))
    assert texts(soup, "main .app-key-figures li")[0] == "Vacancy rate 19.21% 35.25 of 183.50 FTE"
    assert texts(soup, "#sub-north > *")[:2] == ["North London 2 of 2 councils", "21.01% 32.25 of 153.50"]


def test_a_council_page_shows_its_rates_beside_the_region(client, known_figures):
    soup = page(client.get(f"{BASE}/councils/camden?quarter=2025-26-q2"))
    # each measure's row as read: the measure, Camden's rate, the figures behind it and the region's rate
    # (the old data-rate attributes are not what anyone reads)
    rows = {row[0]: row[1:] for row in table_rows(soup, "#measures")}
    assert rows["Vacancy rate"][0].startswith("20.00%") and rows["Vacancy rate"][2] == "19.21%"
    assert rows["Turnover rate (12 months)"][0].startswith("10.94%")
    assert rows["Turnover rate (12 months)"][1].endswith(": 8.75 ÷ 80.00")
    assert rows["ASYE retention at 12 months"][0] == "83.33% 5 of 6 people"


def test_trend_covers_eight_quarters(client, known_figures):
    rows = read_csv(client.get(f"{BASE}/councils/camden/trend.csv?quarter=2025-26-q2"))
    assert [r["quarter"] for r in rows][-4:] == ["2024-25 Q3", "2024-25 Q4", "2025-26 Q1", "2025-26 Q2"]
    assert len(rows) == 8
    assert rows[-2]["vacancy_rate_percent"] == "20.41"  # 20 / (20 + 78)


# --- CSV import: all or nothing -------------------------------------------------------------------------------


def test_the_template_has_every_column(client, people):
    sign_in_as(client, people["camden_recruiter"])
    response = client.get(f"{BASE}/template.csv")
    assert response.status_code == 200
    assert next(csv.reader(io.StringIO(response.get_data(as_text=True)))) == list(CSV_COLUMNS)


BAD_FILES = {
    "wrong header": (["quarter", "establishment", "permanent_fte", "agency_fte", "vacancies_fte"],
                     [["2025-26 Q2", "10", "8", "1", "2"]], ["establishment_fte", "establishment"]),
    "bad number": (CAMDEN_CSV_COLUMNS[:8], [CAMDEN_ROWS[0][:8], ["2024-25 Q4", "95", "seventy", "17", "1", "20", "1", "1"]],
                   ["Row 3, column permanent_fte"]),
    "duplicate quarter": (CAMDEN_CSV_COLUMNS[:8], [CAMDEN_ROWS[0][:8], CAMDEN_ROWS[0][:8]],
                          ["Row 3, column quarter", "also on row 2"]),
    "negative FTE": (CAMDEN_CSV_COLUMNS[:8], [CAMDEN_ROWS[0][:8], ["2024-25 Q4", "95", "75", "-1", "0", "20", "1", "1"]],
                     ["Row 3, column agency_fte", "cannot be negative"]),
    "bad quarter": (CAMDEN_CSV_COLUMNS[:8], [["2025 Q2", "95", "75", "1", "1", "20", "1", "1"]],
                    ["Row 2, column quarter"]),
    "bank more than agency": (CAMDEN_CSV_COLUMNS[:8], [["2025-26 Q2", "95", "75", "1", "2", "20", "1", "1"]],
                              ["Row 2, column agency_bank_fte"]),
}


def import_problems(response) -> list[str]:
    """Every problem the import page reports: the error summary's messages, and each row of the table of
    problems (row, column, message) as one line. [] when there is no error summary at all."""
    soup = page(response)
    summary = error_summary(soup)
    if not summary:
        return []
    rows = [" ".join(cell for cell in row if cell) for row in table_rows(soup, "#import-errors")] \
        if soup.select("#import-errors") else []
    return summary + rows


def test_a_bad_csv_is_refused_row_by_row_and_changes_nothing(client, councils, people):
    # One test over every case (each case is one upload), so the suite sets up a database once, not six times.
    sign_in_as(client, people["camden_admin"])
    before = (snapshot_count(), audit_count())
    for case, (columns, rows, messages) in BAD_FILES.items():
        response = upload(client, "camden", csv_bytes(columns, rows))
        assert response.status_code == 400, case
        problems = import_problems(response)
        assert problems, case  # the error summary is there and lists them
        for message in messages:
            assert any(message in problem for problem in problems), (case, message, problems)
        assert (snapshot_count(), audit_count()) == before, case


def test_one_bad_row_among_good_ones_saves_none_of_them(client, councils, people):
    sign_in_as(client, people["camden_admin"])
    rows = [list(r) for r in CAMDEN_ROWS]
    rows[3][2] = "80.555"  # three decimal places on the last row
    response = upload(client, "camden", csv_bytes(CAMDEN_CSV_COLUMNS, rows))
    assert response.status_code == 400
    assert any("Row 5, column permanent_fte" in problem for problem in import_problems(response))
    assert snapshot_count() == 0


def test_a_quarter_that_already_has_figures_is_not_overwritten_by_import(client, known_figures, people):
    sign_in_as(client, people["camden_admin"])
    before = snapshot_count()
    response = upload(client, "camden", csv_bytes(CAMDEN_CSV_COLUMNS, [CAMDEN_ROWS[3]]))
    assert response.status_code == 400
    assert any("2025-26 Q2 already has figures" in problem for problem in import_problems(response))
    assert snapshot_count() == before


UNUSABLE_FILES = {
    "empty": (b"", "figures.csv", "text/csv", 400),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00", "figures.csv", "text/csv", 400),
    "spreadsheet": (b"quarter\n", "figures.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 415),
    "too large": (b"quarter," + b"x" * (300 * 1024), "figures.csv", "text/csv", 413),
    "header only": (csv_bytes(CAMDEN_CSV_COLUMNS, []), "figures.csv", "text/csv", 400),
}


def test_unusable_files_get_a_clear_4xx(client, councils, people):
    sign_in_as(client, people["camden_admin"])
    for case, (data, filename, mimetype, status) in UNUSABLE_FILES.items():
        response = upload(client, "camden", data, filename, mimetype)
        assert response.status_code == status, case
        assert snapshot_count() == 0, case
    response = client.post(f"{BASE}/councils/camden/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert error_summary(page(response))[0].startswith("Choose a CSV file")
    assert field_error(page(response), "file").startswith("Choose a CSV file")


def test_a_good_csv_imports_every_row_and_is_audited(client, councils, people):
    sign_in_as(client, people["camden_admin"])
    # As a spreadsheet saves it: a byte-order mark, capitalised headers, empty columns at the end.
    data = "\ufeff".encode() + csv_bytes([c.upper() for c in CAMDEN_CSV_COLUMNS] + ["", ""],
                                          [row + ["", ""] for row in CAMDEN_ROWS])
    response = upload(client, "camden", data)
    assert response.status_code == 302
    snapshots = db.session.scalars(sa.select(WorkforceSnapshot).order_by(WorkforceSnapshot.quarter_start)).all()
    assert [s.quarter.label for s in snapshots] == [r[0] for r in CAMDEN_ROWS]
    last = snapshots[-1]
    assert (last.permanent_fte, last.agency_bank_fte, last.cases_held) == (D("80.00"), D("2.00"), 1248)
    reasons = {r.reason.value: r.fte for r in last.leaver_reasons}
    assert reasons == {"pay": D("1.00"), "workload": D("1.00"), "not_known": D("0.25")}
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "workforce.snapshots_imported"))
    assert entry.organisation_id == councils["camden"].id and entry.detail["rows"] == 4


def test_the_form_uses_the_same_checks_and_saves_nothing_when_wrong(client, councils, people):
    sign_in_as(client, people["camden_admin"])
    response = client.post(f"{BASE}/councils/camden/quarters/{Q2.slug}", data={
        "establishment_fte": "100", "permanent_fte": "80", "agency_fte": "1", "agency_bank_fte": "2",
        "vacancies_fte": "-3", "starters_fte": "1", "leavers_fte": "1", "leavers_pay_fte": "2"})
    assert response.status_code == 400
    problems = error_summary(page(response))
    for message in ("Vacancies FTE cannot be negative", "together they cannot be more than it",
                    "more than the 1 FTE permanent leavers"):
        assert any(message in problem for problem in problems), (message, problems)
    assert snapshot_count() == 0


def test_editing_a_quarter_replaces_its_figures(client, known_figures, people):
    sign_in_as(client, people["croydon_admin"])
    response = client.post(f"{BASE}/councils/croydon/quarters/{Q2.slug}", data={
        "establishment_fte": "30", "permanent_fte": "24", "agency_fte": "5", "vacancies_fte": "6",
        "starters_fte": "0", "leavers_fte": "0"})
    assert response.status_code == 302
    snapshot = db.session.scalar(sa.select(WorkforceSnapshot).where(
        WorkforceSnapshot.organisation_id == known_figures["croydon"].id))
    assert snapshot.vacancies_fte == D("6.00")
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "workforce.snapshot_updated")) is not None


# --- who sees what ------------------------------------------------------------------------------------------------


def test_candidates_get_403_and_strangers_sign_in(client, councils, people):
    assert client.get(f"{BASE}/").status_code == 302
    sign_in_as(client, people["candidate"])
    for path in ("/", "/councils/camden", "/areas.csv", "/template.csv", "/councils/camden/census.csv"):
        assert client.get(BASE + path).status_code == 403, path


def test_council_staff_see_only_their_own_council(client, known_figures, people):
    sign_in_as(client, people["camden_recruiter"])
    response = client.get(f"{BASE}/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/insights/workforce/councils/camden")
    assert client.get(f"{BASE}/councils/camden").status_code == 200
    for path in ("/councils/hackney", "/councils/hackney/placements", "/councils/hackney/census.csv",
                 "/councils/hackney/glidepath", "/councils/no-such-council"):
        assert client.get(BASE + path).status_code == 404, path
    assert client.get(f"{BASE}/areas.csv").status_code == 403  # the breakdown by council is for the region
    sign_in_as(client, people["camden_admin"])
    assert client.get(f"{BASE}/councils/hackney/quarters/{Q2.slug}").status_code == 404


def test_recruiters_read_and_only_the_council_admin_changes(client, known_figures, people):
    sign_in_as(client, people["camden_recruiter"])
    before = (snapshot_count(), audit_count())
    assert client.get(f"{BASE}/councils/camden/quarters/{Q2.slug}").status_code == 403
    assert client.post(f"{BASE}/councils/camden/quarters/2025-26-q3", data={"establishment_fte": "1"}).status_code == 403
    assert upload(client, "camden", csv_bytes(CAMDEN_CSV_COLUMNS, CAMDEN_ROWS)).status_code == 403
    assert client.post(f"{BASE}/councils/camden/placements/new", data={}).status_code == 403
    assert client.post(f"{BASE}/councils/camden/glidepath", data={}).status_code == 403
    sign_in_as(client, people["lead"])
    assert client.get(f"{BASE}/councils/hackney").status_code == 200
    assert client.post(f"{BASE}/councils/hackney/quarters/2025-26-q3", data={"establishment_fte": "1"}).status_code == 403
    assert (snapshot_count(), audit_count()) == before


def test_bad_query_strings_are_4xx(client, known_figures, people):
    assert client.get(f"{BASE}/?quarter=2025-27-q2").status_code == 400
    assert client.get(f"{BASE}/?sub_region=middle").status_code == 400
    assert client.get(f"{BASE}/councils/camden/census.csv?year=20x5").status_code == 400
    sign_in_as(client, people["camden_admin"])
    assert client.get(f"{BASE}/councils/camden/quarters/not-a-quarter").status_code == 404
    assert client.get(f"{BASE}/councils/camden/quarters/2099-00-q1").status_code == 404


# --- agency register, cooling-off and conversions -----------------------------------------------------------------


def date_parts(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def test_a_placement_inside_the_cooling_off_period_is_flagged(client, councils, people):
    today = dt.date.today()
    sign_in_as(client, people["hackney_admin"])
    response = client.post(f"{BASE}/councils/hackney/leavers/new",
                           data={"swe_number": "SW 123456", **date_parts("left_on", today - dt.timedelta(days=60))})
    assert response.status_code == 302
    leaver = db.session.scalar(sa.select(WorkforceLeaver))
    assert "123456" not in leaver.worker_key  # a keyed hash, never the number

    sign_in_as(client, people["camden_admin"])
    placement = {"role_level": "social_worker", "team": "CP 1", "day_rate": "350", "fte": "1",
                 **date_parts("start_on", today)}
    response = client.post(f"{BASE}/councils/camden/placements/new", data={**placement, "swe_number": "sw123456"},
                           follow_redirects=True)
    assert response.status_code == 200
    banners = texts(page(response), ".govuk-notification-banner")
    assert any("The cooling-off period runs until" in banner for banner in banners), banners
    client.post(f"{BASE}/councils/camden/placements/new", data={**placement, "swe_number": "SW654321"})
    client.post(f"{BASE}/councils/camden/placements/new", data=placement)  # no number given: nothing to check
    flags = db.session.scalars(sa.select(AgencyPlacement.cooling_off_until).order_by(AgencyPlacement.id)).all()
    assert flags == [wf.cooling_off_ends(today - dt.timedelta(days=60), 6), None, None]
    register = texts(page(client.get(f"{BASE}/councils/camden/placements")), "main table tbody tr")
    assert [row for row in register if "Cooling-off until" in row] and len(
        [row for row in register if "Cooling-off until" in row]) == 1  # only the one placement is flagged


def test_a_placement_after_the_cooling_off_period_is_not_flagged(client, councils, people):
    today = dt.date.today()
    sign_in_as(client, people["hackney_admin"])
    client.post(f"{BASE}/councils/hackney/leavers/new",
                data={"swe_number": "SW777", **date_parts("left_on", wf.add_months(today, -7))})
    sign_in_as(client, people["camden_admin"])
    client.post(f"{BASE}/councils/camden/placements/new", data={
        "role_level": "social_worker", "day_rate": "350", "fte": "1", "swe_number": "SW777",
        **date_parts("start_on", today)})
    assert db.session.scalar(sa.select(AgencyPlacement.cooling_off_until)) is None


def test_day_rate_cap_conversion_rate_time_to_convert_and_saving(client, councils, people):
    sign_in_as(client, people["camden_admin"])
    base = {"role_level": "social_worker", "fte": "1", "team": "=HYPERLINK(\"http://x\")"}
    assert client.post(f"{BASE}/councils/camden/placements/new", data={
        **base, "day_rate": "350", **date_parts("start_on", dt.date(2025, 4, 1))}).status_code == 302
    assert client.post(f"{BASE}/councils/camden/placements/new", data={
        **base, "day_rate": "300", **date_parts("start_on", dt.date(2025, 8, 1)),
        **date_parts("end_on", dt.date(2025, 8, 29))}).status_code == 302
    first = db.session.scalar(sa.select(AgencyPlacement).order_by(AgencyPlacement.id))
    response = client.post(f"{BASE}/councils/camden/placements/{first.id}/convert", data={
        **date_parts("converted_on", dt.date(2025, 7, 1)), "source": "temp_to_perm_event", "permanent_salary": "45000"})
    assert response.status_code == 302
    db.session.expire_all()
    assert first.end_on == dt.date(2025, 6, 30)  # agency days end the day before the permanent contract
    assert client.post(f"{BASE}/councils/camden/placements/{first.id}/convert", data={}).status_code == 409

    summary = agency_summary([councils["camden"].id], Q2.start, Q2.end)
    assert summary.conversions == 1 and summary.active_placements == 2
    assert summary.conversion_rate.percent() == D("50.00")
    assert summary.median_days_to_convert == D("91")  # 1 April to 1 July
    assert summary.over_cap == 1  # £350 against the £330 cap for a social worker
    assert summary.spend == D("6000.00")  # £300 × 20 working days in August 2025 (bank holiday on the 25th)
    # Worked by hand, not through wf.conversion_saving (which the summary itself calls): 2 July 2025 to
    # 1 July 2026 has 261 weekdays less 8 bank holidays in England (25 Aug, 25 and 26 Dec, 1 Jan, 3 and 6 Apr,
    # 4 and 25 May) = 253 days at £350 = £88,550, against £45,000 plus 28% on-costs = £57,600.
    assert DEFAULT_ON_COST_RATE == D("0.280")
    assert summary.annual_saving == D("88550.00") - D("57600.00")

    rows = read_csv(client.get(f"{BASE}/councils/camden/placements.csv"))
    assert {r["within_cap"] for r in rows} == {"yes", "no"}
    assert all(r["team"].startswith("'=") for r in rows)  # never a live formula in a spreadsheet
    bad = client.post(f"{BASE}/councils/camden/placements/new", data={
        **base, "day_rate": "-5", "start_on-day": "31", "start_on-month": "4", "start_on-year": "2025"})
    assert bad.status_code == 400
    problems = error_summary(page(bad))
    assert "Day rate in pounds cannot be negative" in problems and "Start date must be a real date" in problems
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgencyPlacement)) == 2


def test_another_councils_placement_is_404(client, councils, people):
    sign_in_as(client, people["hackney_admin"])
    client.post(f"{BASE}/councils/hackney/placements/new", data={
        "role_level": "social_worker", "day_rate": "300", "fte": "1", **date_parts("start_on", dt.date(2025, 5, 1))})
    placement = db.session.scalar(sa.select(AgencyPlacement))
    sign_in_as(client, people["camden_admin"])
    assert client.get(f"{BASE}/councils/camden/placements/{placement.id}/convert").status_code == 404
    assert client.get(f"{BASE}/councils/hackney/placements/{placement.id}/convert").status_code == 404


# --- glidepath ------------------------------------------------------------------------------------------------------


def test_a_council_behind_its_glidepath_is_flagged(client, known_figures, people):
    sign_in_as(client, people["camden_admin"])
    # Camden has 80 permanent and 15 agency FTE in 2025-26 Q2.
    assert client.post(f"{BASE}/councils/camden/glidepath", data={
        "quarter": "2025-26 Q2", "permanent_fte_target": "85", "agency_fte_target": "15"}).status_code == 302
    sign_in_as(client, people["hackney_admin"])
    assert client.post(f"{BASE}/councils/hackney/glidepath", data={
        "quarter": "2025-26 Q2", "permanent_fte_target": "41.5", "agency_fte_target": "9.75"}).status_code == 302
    behind = councils_behind(Q2)
    assert [org.slug for org, _ in behind] == ["camden"]
    assert behind[0][1].permanent_behind and not behind[0][1].agency_behind
    sign_in_as(client, people["lead"])
    soup = page(client.get(f"{BASE}/?quarter={Q2.slug}"))
    assert "1 council is behind their glidepath" in main_text(soup)
    assert text_of(soup, "#glidepath-summary").startswith("2 councils set a target for 2025-26 Q2; 1 is behind it")
    (region,) = region_glidepath(Q2, Q2)  # the sums of both councils' targets and figures
    assert (region.check.permanent_target, region.check.permanent_actual) == (D("126.50"), D("121.25"))
    assert (region.check.agency_target, region.check.agency_actual) == (D("24.75"), D("24.50"))
    assert region.check.permanent_behind and not region.check.agency_behind
    [camden_behind] = texts(soup, "#behind li")  # only Camden, and on permanent FTE only
    assert camden_behind.startswith("Camden") and camden_behind.endswith("permanent 80.00 FTE against a target of 85.00")
    rows = read_csv(client.get(f"{BASE}/councils/camden/glidepath.csv"))
    assert rows == [{"quarter": "2025-26 Q2", "permanent_fte_target": "85.00", "permanent_fte_actual": "80.00",
                     "agency_fte_target": "15.00", "agency_fte_actual": "15.00", "behind": "yes"}]


def test_setting_a_target_again_replaces_it_and_bad_targets_change_nothing(client, known_figures, people):
    sign_in_as(client, people["camden_admin"])
    for target in ("85", "79.5"):
        client.post(f"{BASE}/councils/camden/glidepath", data={
            "quarter": "2025-26 Q2", "permanent_fte_target": target, "agency_fte_target": "15"})
    assert db.session.scalars(sa.select(GlidepathTarget.permanent_fte_target)).all() == [D("79.50")]
    assert councils_behind(Q2) == []
    removals = page(client.get(f"{BASE}/councils/camden/glidepath")).select("main form button[aria-label^=Remove]")
    assert [button["aria-label"] for button in removals] == ["Remove the target for 2025-26 Q2"]  # the one target
    response = client.post(f"{BASE}/councils/camden/glidepath", data={
        "quarter": "2025 Q9", "permanent_fte_target": "x", "agency_fte_target": "15"})
    assert response.status_code == 400
    assert sorted(error_summary_links(page(response))) == ["#permanent_fte_target", "#quarter"]
    assert db.session.scalars(sa.select(GlidepathTarget.permanent_fte_target)).all() == [D("79.50")]


# --- reasons and returns --------------------------------------------------------------------------------------------


def test_leaving_reasons_are_summarised_by_group(client, known_figures):
    rows = {r["reason_group"]: r for r in read_csv(client.get(f"{BASE}/councils/camden/reasons.csv?quarter=2025-26-q2"))}
    # pay 1 + 2 + 1 = 4; workload 0.5 + 1.5 + 1 = 3; the rest of 8.75 not known.
    assert rows["Pay"]["leavers_fte"] == "4.00"
    assert rows["Workload"]["leavers_fte"] == "3.00"
    assert rows["Other"]["leavers_fte"] == "1.75"
    assert set(rows) == {"Pay", "Progression", "Workload", "Hours", "Work-life balance", "Other"}


def test_census_export_has_the_census_columns_and_figures(client, known_figures):
    response = client.get(f"{BASE}/councils/camden/census.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert next(csv.reader(io.StringIO(text))) == list(CENSUS_COLUMNS)
    rows = read_csv(response)
    assert len(rows) == 1
    row = rows[0]
    assert (row["la_name"], row["census_date"], row["census_year"]) == ("Camden", "2025-09-30", "2025")
    assert (row["permanent_sw_fte"], row["agency_sw_fte"], row["vacancies_fte"]) == ("80.00", "15.00", "20.00")
    assert (row["vacancy_rate"], row["agency_rate"], row["turnover_rate"]) == ("20.00", "15.79", "10.94")
    assert (row["starters_fte_in_year"], row["leavers_fte_in_year"]) == ("15.50", "8.75")
    assert (row["permanent_sw_headcount"], row["average_caseload"]) == ("84", "16.0")


def test_agency_return_has_its_columns(client, known_figures):
    response = client.get(f"{BASE}/councils/camden/agency-return.csv?quarter={Q2.slug}")
    assert next(csv.reader(io.StringIO(response.get_data(as_text=True)))) == list(AGENCY_RETURN_COLUMNS)
    row = read_csv(response)[0]
    assert (row["quarter"], row["agency_fte"], row["agency_bank_fte"], row["agency_rate"]) == \
        ("2025-26 Q2", "15.00", "2.00", "15.79")


def test_settings_are_for_programme_leads_and_are_audited(client, councils, people):
    sign_in_as(client, people["camden_admin"])
    assert client.post(f"{BASE}/settings", data={"cooling_off_months": "3"}).status_code == 403
    sign_in_as(client, people["lead"])
    response = client.post(f"{BASE}/settings", data={"cooling_off_months": "0", "on_cost_percent": "28"})
    assert response.status_code == 400
    assert list(error_summary_links(page(response))) == ["#cooling_off_months"]  # the one field that is wrong
    response = client.post(f"{BASE}/settings", data={"cooling_off_months": "9", "on_cost_percent": "30",
                                                     "cap_social_worker": "340"})
    assert response.status_code == 302
    settings = region_settings()
    assert settings.cooling_off_months == 9 and settings.on_cost_rate == D("0.300")
    assert day_rate_cap(settings, RoleLevel.SOCIAL_WORKER) == D("340")
    assert day_rate_cap(settings, RoleLevel.TEAM_MANAGER) is None
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "workforce.settings_updated")) is not None


def test_offer_decline_reasons_join_the_leavers_reasons(client, known_figures, people):
    from tests.factories import VacancyFactory
    from webapp.models import Application, ApplicationEvent
    from domain.vocabulary import ApplicationStatus, OfferDeclineReason

    vacancy = VacancyFactory(organisation=known_figures["camden"])
    other = VacancyFactory(organisation=known_figures["hackney"])
    when = dt.datetime(2025, 8, 14, 10, 0)
    for v, reason in ((vacancy, OfferDeclineReason.PAY), (vacancy, OfferDeclineReason.AGENCY),
                      (vacancy, OfferDeclineReason.HOURS), (other, OfferDeclineReason.PAY)):
        candidate = UserFactory(role=UserRole.CANDIDATE)
        application = Application(vacancy=v, candidate=candidate, status=ApplicationStatus.OFFER_DECLINED,
                                  decline_reason=reason)
        application.events.append(ApplicationEvent(from_status=ApplicationStatus.OFFERED,
                                                   to_status=ApplicationStatus.OFFER_DECLINED, created_at=when))
        db.session.add(application)
    db.session.commit()
    summary = reasons_summary([known_figures["camden"].id], Q2.year_ending())
    assert summary.declines_by_group[wf.ReasonGroup.PAY] == 2  # pay, and choosing agency work
    assert summary.declines_by_group[wf.ReasonGroup.HOURS] == 1
    assert summary.declines_total == 3  # Hackney's decline is Hackney's
    rows = {r["reason_group"]: r for r in read_csv(client.get(f"{BASE}/reasons.csv?quarter={Q2.slug}"))}
    assert rows["Pay"]["offers_declined"] == "3"


def test_leavers_are_forgotten_once_no_cooling_off_can_apply(app, councils):
    from workers.workforce_tasks import purge_expired_leavers

    today = dt.date(2026, 6, 1)
    for left_on in (dt.date(2024, 11, 30), dt.date(2024, 12, 2)):  # cut-off: 6 + 12 months before today
        db.session.add(WorkforceLeaver(organisation_id=councils["camden"].id, worker_key="k" * 64, left_on=left_on))
    db.session.commit()
    assert purge_expired_leavers(today) == 1
    assert db.session.scalars(sa.select(WorkforceLeaver.left_on)).all() == [dt.date(2024, 12, 2)]
    assert purge_expired_leavers(today) == 0


def test_every_councils_census_figures_for_the_region(client, known_figures, people):
    rows = read_csv(client.get(f"{BASE}/census.csv?year=2025"))
    assert [(r["la_name"], r["vacancy_rate"]) for r in rows] == [("Camden", "20.00"), ("Croydon", "10.00"),
                                                                 ("Hackney", "22.90")]
    assert client.get(f"{BASE}/census.csv?year=25").status_code == 400
    sign_in_as(client, people["camden_admin"])
    assert client.get(f"{BASE}/census.csv").status_code == 403


def test_forms_need_the_csrf_token(app, client, councils, people):
    app.config["WTF_CSRF_ENABLED"] = True
    sign_in_as(client, people["camden_admin"])
    data = csv_bytes(CAMDEN_CSV_COLUMNS, CAMDEN_ROWS)
    assert upload(client, "camden", data).status_code == 400
    assert snapshot_count() == 0
    from tests.helpers import csrf_token

    token = csrf_token(client.get(f"{BASE}/councils/camden/import").get_data(as_text=True))
    response = client.post(f"{BASE}/councils/camden/import", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(data), "figures.csv", "text/csv")})
    assert response.status_code == 302
    assert snapshot_count() == 4


def test_a_conversion_can_name_the_councils_own_or_a_regional_campaign_only(client, councils, people):
    from domain.funnel import CampaignKind
    from webapp.models import AgencyConversion, Campaign

    def campaign(name, organisation):
        row = Campaign(name=name, organisation=organisation, kind=CampaignKind.EVENT,
                       starts_on=dt.date(2025, 5, 1), ends_on=dt.date(2025, 6, 30))
        db.session.add(row)
        return row

    own, regional, other = (campaign("Camden temp-to-perm day", councils["camden"]),
                            campaign("London open day", None), campaign("Hackney fair", councils["hackney"]))
    db.session.commit()
    sign_in_as(client, people["camden_admin"])
    for start in (dt.date(2025, 3, 1), dt.date(2025, 3, 2)):
        client.post(f"{BASE}/councils/camden/placements/new", data={
            "role_level": "social_worker", "day_rate": "320", "fte": "1", **date_parts("start_on", start)})
    first, second = db.session.scalars(sa.select(AgencyPlacement).order_by(AgencyPlacement.id)).all()
    form = page(client.get(f"{BASE}/councils/camden/placements/{first.id}/convert"))
    offered = [option.get_text(strip=True) for option in form.select('select[name="campaign_id"] option')
               if option.get("value")]
    assert sorted(offered) == ["Camden temp-to-perm day (from 01 May 2025)",
                               "London open day (regional, from 01 May 2025)"]  # not Hackney's
    conversion = {**date_parts("converted_on", dt.date(2025, 6, 2)), "source": "temp_to_perm_event",
                  "permanent_salary": "44000"}
    refused = client.post(f"{BASE}/councils/camden/placements/{first.id}/convert",
                          data={**conversion, "campaign_id": str(other.id)})
    assert refused.status_code == 400 and "Select campaign from the list" in error_summary(page(refused))
    assert client.post(f"{BASE}/councils/camden/placements/{first.id}/convert",
                       data={**conversion, "campaign_id": str(own.id)}).status_code == 302
    assert client.post(f"{BASE}/councils/camden/placements/{second.id}/convert",
                       data={**conversion, "campaign_id": str(regional.id)}).status_code == 302
    assert sorted(db.session.scalars(sa.select(AgencyConversion.campaign_id)).all()) == sorted([own.id, regional.id])


def test_pages_work_before_any_figures_are_entered(client, councils, people):
    sign_in_as(client, people["lead"])
    soup = page(client.get(f"{BASE}/"))
    assert any(p.startswith("0 of 3 councils reported figures") for p in texts(soup, "main p"))
    assert texts(soup, "main .app-key-figures__value") == ["no data"] * 4
    sign_in_as(client, people["camden_recruiter"])
    response = client.get(f"{BASE}/councils/camden")
    assert response.status_code == 200
    no_figures = text_of(page(response), "#no-figures")
    assert no_figures.startswith("Camden has no figures for") and "Enter" not in no_figures  # recruiters read only
    assert not any(href.startswith(f"{BASE}/councils/camden/quarters/")
                   for _, href in links(page(response), "main a"))  # and are offered no form
    for path in ("/councils/camden/placements", "/councils/camden/glidepath", "/councils/camden/census.csv",
                 "/councils/camden/agency-return.csv", "/guide"):
        assert client.get(BASE + path).status_code == 200, path


def test_a_quarter_entered_by_mistake_can_be_removed_by_its_council_only(client, known_figures, people):
    before = snapshot_count()
    sign_in_as(client, people["camden_recruiter"])
    assert client.post(f"{BASE}/councils/camden/quarters/{Q2.slug}/remove").status_code == 403
    sign_in_as(client, people["hackney_admin"])
    assert client.post(f"{BASE}/councils/camden/quarters/{Q2.slug}/remove").status_code == 404
    assert snapshot_count() == before
    sign_in_as(client, people["camden_admin"])
    assert "Remove this quarter's figures" in texts(page(client.get(f"{BASE}/councils/camden/quarters/{Q2.slug}")),
                                          "main form button")
    assert client.post(f"{BASE}/councils/camden/quarters/{Q2.slug}/remove").status_code == 302
    assert snapshot_count() == before - 1
    assert client.post(f"{BASE}/councils/camden/quarters/{Q2.slug}/remove").status_code == 404
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "workforce.snapshot_removed")) is not None


def test_a_council_can_remove_its_own_leaver_records(client, councils, people):
    left = date_parts("left_on", dt.date.today() - dt.timedelta(days=10))
    for who, slug in (("camden_admin", "camden"), ("hackney_admin", "hackney")):
        sign_in_as(client, people[who])
        client.post(f"{BASE}/councils/{slug}/leavers/new", data={"swe_number": "SW4242", **left})
    sign_in_as(client, people["camden_admin"])
    response = client.post(f"{BASE}/councils/camden/leavers/remove", data={"swe_number": "SW999"})
    assert response.status_code == 400
    assert any("no leaver recorded with this number" in problem for problem in error_summary(page(response)))
    assert client.post(f"{BASE}/councils/camden/leavers/remove", data={"swe_number": "sw 4242"}).status_code == 302
    owners = db.session.scalars(sa.select(WorkforceLeaver.organisation_id)).all()
    assert owners == [councils["hackney"].id]  # Hackney's record is Hackney's to remove


def test_a_target_can_be_removed_by_its_council(client, known_figures, people):
    sign_in_as(client, people["camden_admin"])
    client.post(f"{BASE}/councils/camden/glidepath", data={
        "quarter": "2025-26 Q2", "permanent_fte_target": "85", "agency_fte_target": "15"})
    sign_in_as(client, people["camden_recruiter"])
    assert client.post(f"{BASE}/councils/camden/glidepath/{Q2.slug}/remove").status_code == 403
    sign_in_as(client, people["camden_admin"])
    assert client.post(f"{BASE}/councils/camden/glidepath/{Q2.slug}/remove").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GlidepathTarget)) == 0
    assert client.post(f"{BASE}/councils/camden/glidepath/{Q2.slug}/remove").status_code == 404
