"""CSV bulk import of a council's vacancies: the template, row-by-row checks named by row and column,
all or nothing, drafts by default, the same rules as the form and the API (services/vacancies.py)."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from domain.vocabulary import VacancyStatus
from tests.factories import OrganisationFactory, RecruiterFactory, VacancyFactory
from tests.helpers import sign_in_as
from webapp.extensions import db
from webapp.models import AuditLog, OutboxMessage, Vacancy
from webapp.search import SearchQuery, get_engine
from webapp.services import vacancy_import

URL = "/recruit/vacancies/import/"
CLOSING = (dt.date.today() + dt.timedelta(days=30)).strftime("%d/%m/%Y")


def row(**overrides) -> dict[str, str]:
    cells = {
        "external_reference": "TP-1", "title": "Social worker, assessment", "role_level": "Social worker",
        "service_area": "assessment", "summary": "Assessment work in a settled team.",
        "description": "<p>Join us.</p><ul><li>Caseloads of 18</li></ul>",
        "salary_min": "£40,000", "salary_max": "44000", "contract_type": "permanent",
        "working_pattern": "Full time", "closing_date": CLOSING,
    }
    cells.update(overrides)
    return cells


def csv_file(*rows: dict[str, str], columns: tuple[str, ...] | None = None) -> bytes:
    columns = columns or vacancy_import.COLUMNS
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for cells in rows:
        writer.writerow({c: cells.get(c, "") for c in columns})
    return out.getvalue().encode("utf-8-sig")  # as Excel saves "CSV UTF-8"


@pytest.fixture
def recruiter(client):
    council = OrganisationFactory(name="Camden", slug="camden")
    person = RecruiterFactory(organisation=council)
    db.session.commit()
    sign_in_as(client, person)
    return person


def upload(client, data: bytes, filename: str = "vacancies.csv", mimetype: str = "text/csv"):
    return client.post(URL, data={"file": (io.BytesIO(data), filename, mimetype)}, content_type="multipart/form-data")


def problems(response) -> list[tuple[str, str, str]]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    table = soup.find(id="import-errors")
    return [tuple(td.get_text(strip=True) for td in tr.find_all("td")) for tr in table.tbody.find_all("tr")]


def vacancies() -> list[Vacancy]:
    return db.session.scalars(sa.select(Vacancy).order_by(Vacancy.id)).all()


def test_the_template_has_every_column(client, recruiter):
    response = client.get(URL + "template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(header) == vacancy_import.COLUMNS
    page = BeautifulSoup(client.get(URL).get_data(as_text=True), "html.parser")
    guide = {tr.find("code").get_text(): tr.find_all("td")[1].get_text() for tr in page.select("#columns + table tbody tr")}
    assert guide["title"] == "Required" and guide["team"] == "Optional" and set(guide) == set(vacancy_import.COLUMNS)


def test_a_good_file_imports_drafts_and_live_ones(client, recruiter):
    data = csv_file(row(), row(external_reference="TP-2", title="Team manager, MASH", role_level="team_manager",
                               service_area="MASH and front door", status="live", fte="0.6",
                               working_pattern="part_time", funded_development="yes",
                               development_details="A funded Masters"))
    response = upload(client, data)
    assert response.status_code == 302, problems(response)
    made = vacancies()
    assert [(v.external_reference, v.status) for v in made] == [("TP-1", VacancyStatus.DRAFT), ("TP-2", VacancyStatus.LIVE)]
    first, second = made
    assert first.salary_min == 40000 and first.role_level.value == "social_worker"
    assert first.description_html == "<p>Join us.</p><ul><li>Caseloads of 18</li></ul>"
    assert first.description == "Join us.\n\n- Caseloads of 18" and first.created_by_id == recruiter.id
    assert float(second.fte) == 0.6 and second.funded_development
    assert get_engine().search(SearchQuery(keywords="team manager")).ids == [second.id]
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "vacancies.imported"))
    assert entry.detail == {"rows": 2, "live": 1} and entry.actor_id == recruiter.id


def test_every_problem_by_row_and_column_and_nothing_imported(client, recruiter):
    VacancyFactory(organisation=recruiter.organisation, external_reference="OLD-1")
    db.session.commit()
    data = csv_file(
        row(),
        row(external_reference="TP-1", salary_min="50000", salary_max="45000"),
        row(external_reference="OLD-1", role_level="wizard", closing_date="31/02/2027"),
        row(external_reference="TP-4", title="", status="maybe", protected_caseload_nqsw="perhaps"),
        row(external_reference="TP-5", apply_method="external", closing_date="2020-01-01", status="live"),
    )
    response = upload(client, data)
    assert response.status_code == 400
    found = problems(response)
    columns_by_row = {}
    for line, column, message in found:
        assert message
        columns_by_row.setdefault(int(line), set()).add(column)
    assert columns_by_row == {
        3: {"external_reference", "salary_max"},
        4: {"external_reference", "role_level", "closing_date"},
        5: {"title", "status", "protected_caseload_nqsw"},
        6: {"external_apply_url", "closing_date"},
    }
    assert len(vacancies()) == 1  # only the one made before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.aggregate_type == "vacancies")) == 1
    summary = BeautifulSoup(response.get_data(as_text=True), "html.parser").select(".govuk-error-summary li")
    assert summary[0].get_text(strip=True).startswith("Row 3, column")


@pytest.mark.parametrize(("data", "filename", "status", "message"), [
    (b"", "v.csv", 400, "The file is empty"),
    (b"PK\x03\x04\x00\x00binary", "v.csv", 400, "The file must be a CSV file (text), not a spreadsheet or other file"),
    (b"title,colour\r\nx,red\r\n", "v.csv", 400, None),
    (b"title\r\n", "v.txt", 415, "The file must be a CSV file, ending .csv"),
])
def test_unreadable_files_are_refused(client, recruiter, data, filename, status, message):
    response = upload(client, data, filename)
    assert response.status_code == status
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    texts = [li.get_text(strip=True) for li in soup.select(".govuk-error-summary li")]
    if message:
        assert texts == [message]
    else:
        assert any("missing the column" in t for t in texts) and any("colour" in t for t in texts)
    assert vacancies() == []


def test_a_file_with_only_a_header_and_no_file_at_all(client, recruiter):
    assert upload(client, csv_file()).status_code == 400
    assert client.post(URL, data={}, content_type="multipart/form-data").status_code == 400
    assert vacancies() == []


def test_too_many_rows_are_refused(client, recruiter, monkeypatch):
    monkeypatch.setattr(vacancy_import, "CSV_MAX_ROWS", 2)
    data = csv_file(row(), row(external_reference="TP-2"), row(external_reference="TP-3"))
    response = upload(client, data)
    assert response.status_code == 400 and vacancies() == []
    assert "more than 2 vacancies" in response.get_data(as_text=True)


def test_only_council_staff_may_import(client):
    assert client.get(URL).status_code == 302  # to sign in
    council = OrganisationFactory(name="Camden", slug="camden")
    db.session.commit()
    from tests.factories import CandidateFactory  # noqa: PLC0415  (only this test needs a social worker)
    candidate = CandidateFactory()
    db.session.commit()
    sign_in_as(client, candidate)
    assert upload(client, csv_file(row())).status_code == 403
    assert vacancies() == [] and council.id
