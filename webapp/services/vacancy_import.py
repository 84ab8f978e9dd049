"""Importing a council's vacancies from a CSV file: the template, every row checked by the vacancy rules
(the form's and the API's, services/vacancies.py), every problem named by row and column, and all
or nothing. Imported as drafts unless a row's status says live.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

import sqlalchemy as sa

from domain.vocabulary import (
    ApplyMethod,
    ContractType,
    HybridPattern,
    RoleLevel,
    ServiceArea,
    SupervisionFrequency,
    WorkingPattern,
)
from webapp.extensions import db
from webapp.models import Organisation, User, Vacancy
from webapp.services import NotAllowed, ServiceError
from webapp.services import audit, council_api
from webapp.services import vacancies as vacancy_service
from webapp.services.spreadsheets import UploadUnreadable, decode_upload, header_problems, read_header, write_csv

CSV_MAX_BYTES = 1536 * 1024  # under the site's 2 MB request limit, with room for the form around it
CSV_MAX_ROWS = 1000

# The template's columns, in the form's order; the status column says draft (the default) or live.
COLUMNS: tuple[str, ...] = ("external_reference", *vacancy_service.VACANCY_FIELDS, "status")
REQUIRED: set[str] = {"title", "role_level", "service_area", "summary", "description", "salary_min", "salary_max",
                      "contract_type", "working_pattern", "closing_date"}
CHOICES: dict[str, type[Enum]] = {
    "role_level": RoleLevel, "service_area": ServiceArea, "contract_type": ContractType,
    "working_pattern": WorkingPattern, "apply_method": ApplyMethod,
    "supervision_frequency": SupervisionFrequency, "hybrid_pattern": HybridPattern,
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
WHOLE_NUMBERS = {"salary_min", "salary_max", "caseload_max", "market_supplement", "retention_payment"}
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(frozen=True)
class RowProblem:
    row: int  # the line in the file (the header is row 1); 0 for the file as a whole
    column: str
    message: str

    def text(self) -> str:
        return f"Row {self.row}, column {self.column}: {self.message}"


class ImportInvalid(ServiceError):
    """The file was refused; nothing was imported. ``problems`` lists each by row and column."""

    def __init__(self, problems: list[RowProblem]):
        super().__init__("; ".join(p.text() for p in problems[:5]))
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    drafts: int
    live: int


def template_csv() -> str:
    return write_csv([COLUMNS])


def column_guide() -> list[tuple[str, str, str]]:
    """(column, needed?, what to put in it) for the import page."""
    def choices(enum_cls: type[Enum]) -> str:
        return "One of: " + "; ".join(f"{m.value} ({m.label})" for m in enum_cls)

    notes = {
        "external_reference": "Your system's own id for the vacancy; must be new for your council",
        "description": "Plain text, or HTML (headings, lists, links are kept; anything else is removed)",
        "salary_min": "Whole pounds a year, like 42000",
        "salary_max": "Whole pounds a year, the same as or more than salary_min",
        "fte": "1.0 for full time (the default), 0.6 for three days",
        "closing_date": "2027-03-31 or 31/03/2027",
        "latitude": "Leave blank to use your council's", "longitude": "Leave blank to use your council's",
        "external_apply_url": "Needed when apply_method is external",
        "protected_caseload_nqsw": "yes or no", "funded_development": "yes or no",
        "status": "draft (the default) or live to publish at once",
    }
    guide = []
    for column in COLUMNS:
        note = choices(CHOICES[column]) if column in CHOICES else notes.get(column, "Text")
        guide.append((column, "Required" if column in REQUIRED else "Optional", note))
    return guide


# --- reading a row ---------------------------------------------------------------------------------------

def _choice(enum_cls: type[Enum], raw: str) -> str:
    """A value or its label, in any case ("Child protection" or child_protection)."""
    text = raw.strip()
    for member in enum_cls:
        if text.lower() in (member.value, member.label.lower()):
            return member.value
    return text  # the vacancy rules name it as the wrong answer


def _row_values(raw: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """A row's cells as the vacancy rules read them (as the API sends them), and the cells that could
    not be read at all."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for column, cell in raw.items():
        text = cell.strip()
        if column in CHOICES:
            values[column] = _choice(CHOICES[column], text) if text else None
        elif column in WHOLE_NUMBERS:
            values[column] = re.sub(r"[£,\s]", "", text)  # "£42,000" as a spreadsheet shows it
        elif column in ("protected_caseload_nqsw", "funded_development"):
            if text.lower() not in YES | NO:
                problems[column] = "Write yes or no"
            values[column] = text.lower() in YES
        elif column == "closing_date":
            uk = _UK_DATE.fullmatch(text)
            values[column] = f"{uk.group(3)}-{int(uk.group(2)):02d}-{int(uk.group(1)):02d}" if uk else text
        elif column == "status":
            if text.lower() not in ("", "draft", "live"):
                problems[column] = "Write draft or live (or leave it blank for a draft)"
            values[column] = text.lower() or "draft"
        else:
            values[column] = cell if column == "description" else text
    # A blank cell is an answer left out: the API's defaults (full time, apply here) fill it, as they
    # do for a field a council's system leaves out.
    return {k: v for k, v in values.items() if v not in ("", None) and not (isinstance(v, str) and not v.strip())}, \
        problems


def import_vacancies_csv(actor: User, data: bytes, today: dt.date | None = None) -> ImportResult:
    """Import a council's vacancies from a CSV file: every row checked before anything is written,
    every problem reported by row and column; one bad row and nothing is imported."""
    if not actor.is_recruiter or actor.organisation_id is None:
        raise NotAllowed("Only a council's recruiters can import its vacancies.")
    organisation = db.session.get(Organisation, actor.organisation_id)
    try:
        text = decode_upload(data, CSV_MAX_BYTES)
        reader = csv.reader(io.StringIO(text, newline=""))
        header = read_header(reader)
    except UploadUnreadable as problem:
        raise ImportInvalid([RowProblem(0, "file", str(problem))]) from None
    problems = [RowProblem(1, "header", message) for message in header_problems(header, COLUMNS, REQUIRED)]
    if problems:
        raise ImportInvalid(problems)

    taken = set(db.session.scalars(sa.select(Vacancy.external_reference).where(
        Vacancy.organisation_id == organisation.id, Vacancy.deleted_at.is_(None),
        Vacancy.external_reference.is_not(None))))
    seen: dict[str, int] = {}
    checked: list[tuple[dict[str, Any], bool]] = []
    line, rows = 1, 0
    try:
        for cells in reader:
            line += 1
            if not any(cell.strip() for cell in cells):
                continue
            rows += 1
            if rows > CSV_MAX_ROWS:
                raise ImportInvalid([RowProblem(line, "file", f"The file has more than {CSV_MAX_ROWS:,} vacancies: "
                                                               "split it into smaller files")])
            if len(cells) > len(header) and not any(c.strip() for c in cells[len(header):]):
                cells = cells[:len(header)]
            if len(cells) != len(header):
                problems.append(RowProblem(line, "row", f"has {len(cells)} cells but the header has {len(header)}"))
                continue
            row_problems, checked_row = _check_row(dict(zip(header, cells, strict=True)), organisation, line, taken, seen, today)
            problems += row_problems
            if checked_row is not None:
                checked.append(checked_row)
    except csv.Error as problem:
        problems.append(RowProblem(line, "file", f"could not be read as CSV ({problem})"))
    if problems:
        raise ImportInvalid(problems)
    if not checked:
        raise ImportInvalid([RowProblem(0, "file", "The file has a header but no vacancies")])

    made = vacancy_service.create_vacancies(actor, [clean for clean, _ in checked])
    live = 0
    for vacancy, (_, going_live) in zip(made, checked, strict=True):
        if going_live:
            vacancy_service.publish(actor, vacancy, today=today)
            live += 1
    audit.record(actor, "vacancies.imported", "vacancies", organisation_id=organisation.id, rows=len(checked), live=live)
    return ImportResult(drafts=len(checked) - live, live=live)


def _check_row(raw: dict[str, str], organisation: Organisation, line: int, taken: set[str], seen: dict[str, int],
               today: dt.date | None) -> tuple[list[RowProblem], tuple[dict[str, Any], bool] | None]:
    values, unreadable = _row_values(raw)
    going_live = values.pop("status", "draft") == "live"
    problems = [RowProblem(line, column, message) for column, message in unreadable.items()]
    clean: dict[str, Any] | None = None
    try:
        clean = council_api.checked_vacancy(organisation, values, going_live=going_live, today=today)
    except vacancy_service.VacancyInvalid as invalid:
        problems += [RowProblem(line, column, message) for column, message in invalid.errors.items()]
    reference = re.sub(r"\s+", " ", values.get("external_reference", "")).strip()
    if reference:
        if reference in seen:
            problems.append(RowProblem(line, "external_reference", f"'{reference}' is also on row {seen[reference]}: "
                                                                   "give each vacancy its own reference"))
        elif reference in taken:
            problems.append(RowProblem(line, "external_reference", f"Your council already has a vacancy with the "
                                                                   f"reference '{reference}'"))
        else:
            seen[reference] = line
    if problems or clean is None:
        return problems, None
    return [], (clean, going_live)
