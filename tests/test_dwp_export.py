"""The nightly DWP Find a job export: which jobs it carries (new or changed in the last 25 hours, and
closed early), every element the bulk upload needs (read back with an XML parser), one file a day,
the last few kept, the scheduled task, and the programme team's downloads."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from lxml import etree

from domain.vocabulary import ContractType, UserRole, VacancyStatus, WorkingPattern
from tests.factories import CandidateFactory, OrganisationFactory, RecruiterFactory, UserFactory, VacancyFactory
from tests.helpers import sign_in_as
from tests.pages import page
from webapp.extensions import db
from webapp.models import JobExport, utcnow
from webapp.services import dwp_export
from workers import export_tasks
from workers.schedules import SCHEDULES

ADVERT_ELEMENTS = ("Title", "Company", "Description", "Location/Postcode", "Location/StreetAddress", "Location/Town",
                   "Salary/Min", "Salary/Max", "Salary/Frequency", "VacancyType", "WorkingHours", "VacancyCategory",
                   "ClosingDate", "ApplyUrl")


def days_ago(days: float) -> dt.datetime:
    return utcnow() - dt.timedelta(days=days)


@pytest.fixture
def jobs(app):
    camden = OrganisationFactory(name="Camden", slug="camden", office_street_address="5 Pancras Square",
                                 office_postcode="N1C 4AG")
    old = days_ago(3)
    made = {
        "new": VacancyFactory(organisation=camden, title="New job", published_at=days_ago(0.1),
                              contract_type=ContractType.FIXED_TERM, working_pattern=WorkingPattern.PART_TIME,
                              office_street_address="Crowndale Centre", office_postcode="NW1 1BD"),
        "changed": VacancyFactory(organisation=camden, title="Changed job", published_at=old),
        "unchanged": VacancyFactory(organisation=camden, title="Unchanged job", published_at=old, updated_at=old),
        "closed_early": VacancyFactory(organisation=camden, title="Closed early", published_at=old,
                                       status=VacancyStatus.CLOSED, closed_at=days_ago(0.2)),
        "closed_long_ago": VacancyFactory(organisation=camden, title="Closed long ago", published_at=days_ago(9),
                                          status=VacancyStatus.CLOSED, closed_at=days_ago(5), updated_at=days_ago(5)),
        "reached_closing_date": VacancyFactory(organisation=camden, title="Reached its date", published_at=days_ago(20),
                                               status=VacancyStatus.CLOSED, closing_date=dt.date.today() - dt.timedelta(days=1),
                                               closed_at=days_ago(0.2)),
        "removed": VacancyFactory(organisation=camden, title="Removed", published_at=old, status=VacancyStatus.CLOSED,
                                  closed_at=days_ago(0.1), deleted_at=days_ago(0.1)),
        "draft": VacancyFactory(organisation=camden, title="Draft", status=VacancyStatus.DRAFT, published_at=None),
        "removed_draft": VacancyFactory(organisation=camden, title="Removed draft", status=VacancyStatus.CLOSED,
                                        published_at=None, closed_at=days_ago(0.1), deleted_at=days_ago(0.1)),
    }
    db.session.commit()
    # "Changed": an edit today (updated_at moves on its own with any change to the row).
    made["changed"].summary = "Now with a market supplement."
    db.session.commit()
    return made


def vacancies_in(content: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(content)
    assert root.tag == "Vacancies"
    return {element.get("vacancyRefCode"): element for element in root.findall("Vacancy")}


def ref(vacancy) -> str:
    return f"cswjobs-{vacancy.id}"


def test_the_export_carries_new_and_changed_jobs_and_expiries_for_jobs_closed_early(app, jobs):
    export = dwp_export.write_export()
    db.session.commit()
    found = vacancies_in(export.content)
    adverts = {code for code, element in found.items() if element.find("Title") is not None}
    expiries = {code for code, element in found.items() if element.find("VacancyExpiry") is not None}
    assert adverts == {ref(jobs["new"]), ref(jobs["changed"])}
    assert expiries == {ref(jobs["closed_early"]), ref(jobs["removed"])}
    assert (export.vacancy_count, export.expired_count) == (2, 2)
    assert export.filename == f"cswjobs-dwp-find-a-job-{dwp_export.window_ending().day.isoformat()}.xml"
    assert export.covers_to - export.covers_from == dt.timedelta(hours=25)


def test_every_advert_has_every_element_the_bulk_upload_needs(app, jobs):
    app.config["SITE_URL"] = "https://jobs.example.org"  # links name the site's address, whatever the request
    found = vacancies_in(dwp_export.write_export().content)
    for code in (ref(jobs["new"]), ref(jobs["changed"])):
        for path in ADVERT_ELEMENTS:
            assert found[code].find(path) is not None, f"{code} lacks {path}"
    new = found[ref(jobs["new"])]
    assert new.findtext("Title") == "New job" and new.findtext("Company") == "Camden"
    assert (new.findtext("Location/StreetAddress"), new.findtext("Location/Postcode")) == ("Crowndale Centre", "NW1 1BD")
    changed = found[ref(jobs["changed"])]
    assert changed.findtext("Location/Postcode") == "N1C 4AG"  # the council's office
    assert (new.findtext("Salary/Min"), new.findtext("Salary/Max")) == ("42000", "48000")
    assert new.find("Salary/Frequency").get("id") == "4"
    assert new.find("VacancyType").get("id") == "3" and changed.find("VacancyType").get("id") == "1"
    assert new.find("WorkingHours").get("id") == "2" and changed.find("WorkingHours").get("id") == "1"
    assert new.findtext("ClosingDate") == jobs["new"].closing_date.isoformat()
    assert new.findtext("ApplyUrl") == f"https://jobs.example.org/jobs/{jobs['new'].id}-{jobs['new'].slug}"
    assert new.findtext("Description").startswith("<p>")
    expiry = found[ref(jobs["closed_early"])]
    closed_on = jobs["closed_early"].closed_at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo("Europe/London")).date()
    assert expiry.findtext("VacancyExpiry") == closed_on.isoformat()
    assert expiry.find("Title") is None  # an expiry names the advert and its end, nothing else


def test_running_again_the_same_day_rewrites_that_days_file(app, jobs):
    first = dwp_export.write_export()
    db.session.commit()
    jobs["unchanged"].title = "Unchanged job, now changed"
    db.session.commit()
    second = dwp_export.write_export()
    db.session.commit()
    assert second.id == first.id
    assert db.session.scalar(sa.select(sa.func.count(JobExport.id))) == 1
    assert ref(jobs["unchanged"]) in vacancies_in(second.content)


class TestKept:
    @pytest.fixture
    def app_overrides(self):
        return {"DWP_EXPORTS_KEPT": 2}

    def test_only_the_newest_exports_are_kept(self, app, jobs):
        for days in (3, 2, 1, 0):
            dwp_export.write_export(now=days_ago(days))
            db.session.commit()
        kept = dwp_export.recent_exports()
        assert [e.filename for e in kept] == [dwp_export.filename_for(dwp_export.window_ending(days_ago(d)).day)
                                              for d in (0, 1)]


def test_the_scheduled_task_writes_the_export_nightly(app, jobs):
    entry = next(e for e in SCHEDULES if e["name"] == "dwp-find-a-job-export")
    assert entry["func"] is export_tasks.write_dwp_export and entry["cron"] == "30 1 * * *"
    result = export_tasks.write_dwp_export()
    assert result["vacancies"] == 2 and result["expired"] == 2
    db.session.rollback()  # the task committed: its row is there for anyone
    assert db.session.scalar(sa.select(sa.func.count(JobExport.id))) == 1


def test_the_programme_team_lists_and_downloads_the_exports(client, jobs):
    export = dwp_export.write_export()
    db.session.commit()
    sign_in_as(client, UserFactory(role=UserRole.PROGRAMME_LEAD))
    listing = page(client.get("/insights/exports").text)
    rows = listing.select("#exports tbody tr")
    assert len(rows) == 1
    cells = [cell.get_text(strip=True) for cell in rows[0].select("td")]
    assert cells[1:] == ["2", "2", export.filename]
    href = rows[0].select_one("a")["href"]
    download = client.get(href)
    assert download.status_code == 200 and download.mimetype == "application/xml"
    assert download.headers["Content-Disposition"] == f'attachment; filename="{export.filename}"'
    assert download.data == export.content
    assert client.get("/insights/exports/999999.xml").status_code == 404


def test_with_no_export_yet_the_page_says_when_the_first_comes(client, app):
    sign_in_as(client, UserFactory(role=UserRole.ADMIN))
    assert page(client.get("/insights/exports").text).select_one("#no-exports")


@pytest.mark.parametrize("who", ["candidate", "recruiter", "council_admin"])
def test_only_the_programme_team_sees_the_exports(client, jobs, who):
    export = dwp_export.write_export()
    db.session.commit()
    camden = jobs["new"].organisation
    user = {"candidate": lambda: CandidateFactory(), "recruiter": lambda: RecruiterFactory(organisation=camden),
            "council_admin": lambda: UserFactory(role=UserRole.ORG_ADMIN, organisation=camden)}[who]()
    sign_in_as(client, user)
    assert client.get("/insights/exports").status_code == 403
    assert client.get(f"/insights/exports/{export.id}.xml").status_code == 403


def test_signed_out_the_exports_ask_you_to_sign_in(client, app):
    response = client.get("/insights/exports")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
