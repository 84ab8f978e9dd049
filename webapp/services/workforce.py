"""Workforce stability: enter and import quarterly snapshots, keep the agency register, record conversions
and glidepath targets, and compute the published measures per council, sub-region and region.

The formulas are in domain/workforce.py. This module reads and writes rows, checks who may see and
change what, and validates every input in one place (the same rules for a form and for a CSV row).
Callers commit; every change here adds an audit entry in the same transaction.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from domain import workforce as wf
from domain.vocabulary import ApplicationStatus, OfferDeclineReason, OrganisationKind, RoleLevel, SubRegion, UserRole
from domain.workforce import ConversionSource, LeavingReason, Quarter, ReasonGroup, WorkforceFigures
from webapp.extensions import db
from webapp.models import (
    AgencyConversion,
    AgencyPlacement,
    Application,
    ApplicationEvent,
    GlidepathTarget,
    Organisation,
    RegionWorkforceSettings,
    User,
    Vacancy,
    WorkforceLeaver,
    WorkforceLeaverReason,
    WorkforceSnapshot,
)
from webapp.services import NotAllowed, ServiceError
from webapp.services import audit

REGION_ROLES = (UserRole.PROGRAMME_LEAD, UserRole.ADMIN)
COUNCIL_ROLES = (UserRole.RECRUITER, UserRole.ORG_ADMIN)
VIEWER_ROLES = REGION_ROLES + COUNCIL_ROLES

FTE_MAX = Decimal("99999.99")
COUNT_MAX = 1_000_000
DAY_RATE_MAX = Decimal("5000")
SALARY_RANGE = (15_000, 250_000)
TEXT_MAX = 120
CSV_MAX_BYTES = 256 * 1024
CSV_MAX_ROWS = 400

# Illustrative agreed maximum agency day rates (pounds, 7.5-hour day) until the programme lead records
# the region's own; a real region replaces these on the settings page.
DEFAULT_DAY_RATE_CAPS: dict[str, int] = {
    RoleLevel.NQSW.value: 280,
    RoleLevel.SOCIAL_WORKER.value: 330,
    RoleLevel.SENIOR_PRACTITIONER.value: 370,
    RoleLevel.ADVANCED_PRACTITIONER.value: 400,
    RoleLevel.ASSISTANT_TEAM_MANAGER.value: 420,
    RoleLevel.TEAM_MANAGER.value: 470,
    RoleLevel.SERVICE_MANAGER.value: 560,
    RoleLevel.IRO_CP_CHAIR.value: 420,
    RoleLevel.PRINCIPAL_SOCIAL_WORKER.value: 560,
}
DEFAULT_COOLING_OFF_MONTHS = 6
DEFAULT_ON_COST_RATE = Decimal("0.280")


# --- fields: one definition and one validator for forms and CSV rows --------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # fte | count | money | salary | date | choice | text | swe | quarter
    required: bool = True
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    row: int | None = None  # the CSV line number (the header is line 1)

    def text(self) -> str:
        return f"Row {self.row}, column {self.field}: {self.message}" if self.row is not None else self.message


class InvalidInput(ServiceError):
    """Input that broke the rules; ``errors`` says where, field by field (and row by row for a CSV)."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(e.text() for e in errors[:5]))
        self.errors = errors


_FTE = re.compile(r"^\d{1,5}(\.\d{1,2})?$")
_MONEY = re.compile(r"^\d{1,5}(\.\d{1,2})?$")
_WHOLE = re.compile(r"^\d{1,7}$")


def _parse_one(spec: Field, raw: Any) -> Any:
    """The value of one field, or a ValueError whose text is the message a person reads."""
    text = (raw if isinstance(raw, str) else ("" if raw is None else str(raw))).strip()
    label = spec.label
    if text == "":
        if spec.required:
            raise ValueError(f"Enter {label.lower()}" if spec.kind not in ("choice",) else f"Select {label.lower()}")
        return None
    if spec.kind == "fte":
        cleaned = text.replace(",", "")
        if cleaned.startswith("-"):
            raise ValueError(f"{label} cannot be negative")
        if not _FTE.match(cleaned):
            raise ValueError(f"{label} must be a number of full-time equivalents, like 12.5 (at most 2 decimal places)")
        value = Decimal(cleaned)
        if value > FTE_MAX:
            raise ValueError(f"{label} must be {FTE_MAX:,} or less")
        return value
    if spec.kind == "count":
        cleaned = text.replace(",", "")
        if cleaned.startswith("-"):
            raise ValueError(f"{label} cannot be negative")
        if not _WHOLE.match(cleaned) or int(cleaned) > COUNT_MAX:
            raise ValueError(f"{label} must be a whole number, like 4")
        return int(cleaned)
    if spec.kind == "money":
        cleaned = text.replace(",", "").lstrip("£")
        if cleaned.startswith("-"):
            raise ValueError(f"{label} cannot be negative")
        if not _MONEY.match(cleaned) or Decimal(cleaned) == 0 or Decimal(cleaned) > DAY_RATE_MAX:
            raise ValueError(f"{label} must be an amount in pounds between £1 and £{DAY_RATE_MAX:,}, like 350")
        return Decimal(cleaned)
    if spec.kind == "salary":
        cleaned = text.replace(",", "").lstrip("£")
        if not cleaned.isdigit() or not SALARY_RANGE[0] <= int(cleaned) <= SALARY_RANGE[1]:
            raise ValueError(f"{label} must be a whole number of pounds a year between £{SALARY_RANGE[0]:,} and "
                             f"£{SALARY_RANGE[1]:,}, like 45000")
        return int(cleaned)
    if spec.kind == "date":
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{label} must be a real date") from None
    if spec.kind == "choice":
        allowed = {value for value, _ in spec.choices}
        if text not in allowed:
            raise ValueError(f"Select {label.lower()} from the list")
        return text
    if spec.kind == "text":
        if len(text) > TEXT_MAX:
            raise ValueError(f"{label} must be {TEXT_MAX} characters or fewer")
        return text
    if spec.kind == "swe":
        return wf.normalise_swe_number(text)
    if spec.kind == "quarter":
        return Quarter.parse(text)
    raise AssertionError(spec.kind)


def parse_fields(specs: Sequence[Field], raw: Mapping[str, Any], row: int | None = None) -> tuple[dict, list[FieldError]]:
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for spec in specs:
        try:
            values[spec.name] = _parse_one(spec, raw.get(spec.name))
        except ValueError as problem:
            errors.append(FieldError(spec.name, str(problem), row))
    return values, errors


def _fte_field(name: str, label: str, hint: str = "", required: bool = True) -> Field:
    return Field(name, label, "fte", required, hint)


SNAPSHOT_FIELDS: tuple[Field, ...] = (
    _fte_field("establishment_fte", "Establishment FTE", "Funded social worker posts, filled or not."),
    _fte_field("permanent_fte", "Permanent social workers FTE", "Staff on permanent contracts at the quarter's end."),
    _fte_field("agency_fte", "Agency workers FTE",
               "Everyone covering posts through an agency, bank staff and project teams included."),
    _fte_field("agency_bank_fte", "of which bank staff FTE", "Part of the agency figure above.", required=False),
    _fte_field("agency_project_fte", "of which project teams FTE", "Managed teams; part of the agency figure above.",
               required=False),
    _fte_field("vacancies_fte", "Vacancies FTE", "Posts with no permanent social worker, covered by agency or not."),
    _fte_field("starters_fte", "Permanent starters FTE", "Joined in the quarter."),
    _fte_field("leavers_fte", "Permanent leavers FTE", "Left in the quarter; give their reasons below."),
    _fte_field("caseholding_posts_fte", "Case-holding posts FTE", required=False),
    _fte_field("caseholding_permanent_fte", "of which held by permanent staff FTE", required=False),
    Field("asye_starters", "Newly qualified social workers who started their ASYE this quarter", "count",
          required=False),
    Field("asye_cohort_year_ago", "ASYE starters in the same quarter a year ago", "count", required=False),
    Field("asye_retained", "of whom still employed at this quarter's end", "count", required=False,
          hint="People, not FTE: this gives ASYE retention at 12 months."),
    Field("permanent_headcount", "Permanent social workers headcount", "count", required=False),
    Field("agency_headcount", "Agency workers headcount", "count", required=False),
    Field("cases_held", "Cases held by case-holding social workers", "count", required=False,
          hint="Children's cases at the quarter's end, for the average caseload."),
)
LEAVER_REASON_FIELDS: tuple[Field, ...] = tuple(
    _fte_field(f"leavers_{reason.value}_fte", f"Leavers FTE: {reason.label.lower()}", required=False)
    for reason in LeavingReason if reason != LeavingReason.NOT_KNOWN
)
QUARTER_FIELD = Field("quarter", "Quarter", "quarter", hint="A financial year and quarter, like 2025-26 Q2.")
CSV_COLUMNS: tuple[str, ...] = (QUARTER_FIELD.name,) + tuple(f.name for f in SNAPSHOT_FIELDS) + tuple(
    f.name for f in LEAVER_REASON_FIELDS)


def validate_snapshot(raw: Mapping[str, Any], row: int | None = None) -> tuple[dict, list[FieldError]]:
    """The one check of a snapshot, for the form and for every CSV row."""
    values, errors = parse_fields(SNAPSHOT_FIELDS + LEAVER_REASON_FIELDS, raw, row)
    bad = {e.field for e in errors}

    def figure(name: str) -> Decimal | int:
        value = values.get(name)
        return value if value is not None else 0

    def check(condition: bool, name: str, message: str, *depends: str) -> None:
        if not (set(depends) | {name}) & bad and not condition:
            errors.append(FieldError(name, message, row))

    check(figure("agency_bank_fte") + figure("agency_project_fte") <= figure("agency_fte"), "agency_bank_fte",
          "Bank staff and project teams are part of the agency figure, so together they cannot be more than it",
          "agency_fte", "agency_project_fte")
    check(figure("caseholding_permanent_fte") <= figure("caseholding_posts_fte"), "caseholding_permanent_fte",
          "Case-holding posts held by permanent staff cannot be more than the case-holding posts",
          "caseholding_posts_fte")
    check(figure("asye_retained") <= figure("asye_cohort_year_ago"), "asye_retained",
          "ASYE starters still employed cannot be more than the ASYE starters a year ago", "asye_cohort_year_ago")
    reasons_total = sum((figure(f.name) for f in LEAVER_REASON_FIELDS), Decimal("0"))
    check(reasons_total <= figure("leavers_fte"), LEAVER_REASON_FIELDS[0].name,
          f"Leavers by reason add up to {reasons_total} FTE, more than the {figure('leavers_fte')} FTE permanent leavers",
          "leavers_fte", *(f.name for f in LEAVER_REASON_FIELDS))
    return values, errors


def _apply_snapshot(snapshot: WorkforceSnapshot, values: dict) -> list[str]:
    changed = []
    for spec in SNAPSHOT_FIELDS:
        value = values.get(spec.name)
        if value is None and spec.kind == "fte":
            value = Decimal("0")
        if value is None and spec.name.startswith("asye_"):
            value = 0
        if getattr(snapshot, spec.name) != value:
            changed.append(spec.name)
            setattr(snapshot, spec.name, value)
    by_reason = {r.reason: r for r in snapshot.leaver_reasons}
    for spec in LEAVER_REASON_FIELDS:
        reason = LeavingReason(spec.name.removeprefix("leavers_").removesuffix("_fte"))
        value = values.get(spec.name) or Decimal("0")
        existing = by_reason.get(reason)
        if value == 0 and existing is not None:
            snapshot.leaver_reasons.remove(existing)
            changed.append(spec.name)
        elif value and existing is None:
            snapshot.leaver_reasons.append(WorkforceLeaverReason(reason=reason, fte=value))
            changed.append(spec.name)
        elif value and existing.fte != value:
            existing.fte = value
            changed.append(spec.name)
    # Leavers whose reason was not given keep the reasons adding up to the total.
    unknown = values.get("leavers_fte", Decimal("0")) or Decimal("0")
    unknown -= sum((values.get(f.name) or Decimal("0") for f in LEAVER_REASON_FIELDS), Decimal("0"))
    existing = by_reason.get(LeavingReason.NOT_KNOWN)
    if unknown > 0:
        if existing is None:
            snapshot.leaver_reasons.append(WorkforceLeaverReason(reason=LeavingReason.NOT_KNOWN, fte=unknown))
        else:
            existing.fte = unknown
    elif existing is not None:
        snapshot.leaver_reasons.remove(existing)
    return changed


def snapshot_form_values(snapshot: WorkforceSnapshot | None) -> dict[str, str]:
    """A saved snapshot as the text a form shows."""
    if snapshot is None:
        return {}
    values = {spec.name: "" if getattr(snapshot, spec.name) is None else str(getattr(snapshot, spec.name))
              for spec in SNAPSHOT_FIELDS}
    for reason in snapshot.leaver_reasons:
        if reason.reason != LeavingReason.NOT_KNOWN:
            values[f"leavers_{reason.reason.value}_fte"] = str(reason.fte)
    return values


# --- who may see and change what --------------------------------------------------------------------------------


def sees_region(user: User) -> bool:
    return user.role in REGION_ROLES


def can_view(user: User, organisation: Organisation) -> bool:
    return sees_region(user) or (user.role in COUNCIL_ROLES and user.organisation_id == organisation.id)


def can_edit(user: User, organisation: Organisation) -> bool:
    """A council's figures are its own: its council administrator enters them; its recruiters read them."""
    return user.role == UserRole.ORG_ADMIN and user.organisation_id == organisation.id


def organisation_for(user: User, slug: str) -> Organisation | None:
    """The council if this user may see it; None (a 404) for another council or one that does not exist."""
    if not slug or len(slug) > 120:
        return None
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if organisation is None or not can_view(user, organisation):
        return None
    return organisation


def _require_edit(user: User, organisation: Organisation) -> None:
    if not can_edit(user, organisation):
        raise NotAllowed("Only your council's administrator can change its workforce figures.")


# --- settings -------------------------------------------------------------------------------------------------


def region_settings() -> RegionWorkforceSettings:
    row = db.session.get(RegionWorkforceSettings, 1)
    if row is None:
        row = RegionWorkforceSettings(id=1, cooling_off_months=DEFAULT_COOLING_OFF_MONTHS,
                                      day_rate_caps=dict(DEFAULT_DAY_RATE_CAPS), on_cost_rate=DEFAULT_ON_COST_RATE)
        db.session.add(row)
        db.session.flush()
    return row


def day_rate_cap(settings: RegionWorkforceSettings, level: RoleLevel) -> Decimal | None:
    value = (settings.day_rate_caps or {}).get(level.value)
    return None if value in (None, "") else Decimal(str(value))


SETTINGS_FIELDS: tuple[Field, ...] = (
    Field("cooling_off_months", "Cooling-off period in months", "count",
          hint="How long after leaving a permanent post in the region a social worker may not be placed by an "
               "agency in the region."),
    Field("on_cost_percent", "Employer on-costs, percent of salary", "fte",
          hint="National Insurance and pension on top of salary, like 28."),
) + tuple(Field(f"cap_{level.value}", f"Day-rate cap: {level.label}", "money", required=False)
          for level in RoleLevel if level != RoleLevel.STUDENT)


def settings_form_values(settings: RegionWorkforceSettings) -> dict[str, str]:
    values = {"cooling_off_months": str(settings.cooling_off_months),
              "on_cost_percent": str((settings.on_cost_rate * 100).normalize())}
    for level, amount in (settings.day_rate_caps or {}).items():
        values[f"cap_{level}"] = str(amount)
    return values


def update_settings(actor: User, raw: Mapping[str, Any]) -> RegionWorkforceSettings:
    if not sees_region(actor):
        raise NotAllowed("Only programme leads change the region's agreement.")
    values, errors = parse_fields(SETTINGS_FIELDS, raw)
    if not errors and not 0 < values["cooling_off_months"] <= 36:
        errors.append(FieldError("cooling_off_months", "Cooling-off period must be between 1 and 36 months"))
    if not errors and values["on_cost_percent"] > 100:
        errors.append(FieldError("on_cost_percent", "Employer on-costs must be 100 percent or less"))
    if errors:
        raise InvalidInput(errors)
    settings = region_settings()
    settings.cooling_off_months = values["cooling_off_months"]
    settings.on_cost_rate = (values["on_cost_percent"] / 100).quantize(Decimal("0.001"))
    settings.day_rate_caps = {level.value: str(values[f"cap_{level.value}"])
                              for level in RoleLevel if values.get(f"cap_{level.value}") is not None}
    settings.updated_by_id = actor.id
    audit.record(actor, "workforce.settings_updated", settings, cooling_off_months=settings.cooling_off_months)
    return settings


# --- snapshots: enter, edit, import ----------------------------------------------------------------------------


def snapshot_for(organisation: Organisation, quarter: Quarter) -> WorkforceSnapshot | None:
    return db.session.scalar(sa.select(WorkforceSnapshot).where(
        WorkforceSnapshot.organisation_id == organisation.id, WorkforceSnapshot.quarter_start == quarter.start))


def save_snapshot(actor: User, organisation: Organisation, quarter: Quarter, raw: Mapping[str, Any]) -> WorkforceSnapshot:
    """Create or replace a quarter's snapshot from a form."""
    _require_edit(actor, organisation)
    values, errors = validate_snapshot(raw)
    if errors:
        raise InvalidInput(errors)
    snapshot = snapshot_for(organisation, quarter)
    created = snapshot is None
    if created:
        snapshot = WorkforceSnapshot(organisation_id=organisation.id, quarter_start=quarter.start)
        db.session.add(snapshot)
    changed = _apply_snapshot(snapshot, values)
    snapshot.entered_by_id = actor.id
    db.session.flush()
    audit.record(actor, "workforce.snapshot_created" if created else "workforce.snapshot_updated", snapshot,
                 organisation_id=organisation.id, quarter=quarter.label, changed=changed)
    return snapshot


def remove_snapshot(actor: User, organisation: Organisation, quarter: Quarter) -> None:
    _require_edit(actor, organisation)
    snapshot = snapshot_for(organisation, quarter)
    if snapshot is None:
        raise ServiceError(f"{quarter.label} has no figures to remove.")
    audit.record(actor, "workforce.snapshot_removed", snapshot, organisation_id=organisation.id,
                 quarter=quarter.label)
    db.session.delete(snapshot)


def template_csv() -> str:
    return csv_text(CSV_COLUMNS, [])


@dataclass
class ImportResult:
    quarters: list[Quarter]


def _decode_upload(data: bytes) -> str:
    if len(data) > CSV_MAX_BYTES:
        raise InvalidInput([FieldError("file", f"The file is larger than {CSV_MAX_BYTES // 1024} KB: split it into "
                                               "smaller files")])
    if not data.strip():
        raise InvalidInput([FieldError("file", "The file is empty")])
    if b"\x00" in data:
        raise InvalidInput([FieldError("file", "The file must be a CSV file (text), not a spreadsheet or other file")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")  # Excel's "CSV" on Windows
        except UnicodeDecodeError:
            raise InvalidInput([FieldError("file", "The file must be saved as CSV (UTF-8)")]) from None


def import_snapshots_csv(actor: User, organisation: Organisation, data: bytes) -> ImportResult:
    """Import quarterly snapshots from a CSV file: every row or none.

    Every row is checked before anything is written; one bad row rejects the file with every problem
    listed by row and column. A quarter that already has a snapshot, or appears twice, is a problem
    too: a correction is made on the quarter's own page, so an import never silently overwrites.
    """
    _require_edit(actor, organisation)
    text = _decode_upload(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise InvalidInput([FieldError("file", "The file has no header row")]) from None
    while header and header[-1] == "":  # spreadsheets often save empty columns at the end
        header.pop()
    errors: list[FieldError] = []
    missing = [c for c in CSV_COLUMNS if c not in header and c in {QUARTER_FIELD.name} | {
        f.name for f in SNAPSHOT_FIELDS if f.required}]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if missing:
        errors.append(FieldError("header", "Row 1 (the header) is missing the column" + ("s " if len(missing) > 1 else " ")
                                 + ", ".join(missing), 1))
    if unknown:
        errors.append(FieldError("header", "Row 1 (the header) has column" + ("s " if len(unknown) > 1 else " ")
                                 + ", ".join(unknown[:10]) + " that the template does not have", 1))
    if duplicated:
        errors.append(FieldError("header", "Row 1 (the header) has the column " + ", ".join(duplicated) + " twice", 1))
    if errors:
        raise InvalidInput(errors)

    existing = {s.quarter_start for s in db.session.scalars(
        sa.select(WorkforceSnapshot).where(WorkforceSnapshot.organisation_id == organisation.id))}
    seen: dict[Quarter, int] = {}
    parsed: list[tuple[Quarter, dict]] = []
    line = 1
    try:
        for cells in reader:
            line += 1
            if not any(c.strip() for c in cells):
                continue
            if line - 1 > CSV_MAX_ROWS:
                raise InvalidInput([FieldError("file", f"The file has more than {CSV_MAX_ROWS} rows")])
            if len(cells) > len(header) and not any(c.strip() for c in cells[len(header):]):
                cells = cells[:len(header)]
            if len(cells) != len(header):
                errors.append(FieldError("row", f"has {len(cells)} cells but the header has {len(header)}", line))
                continue
            raw = dict(zip(header, cells))
            row_errors: list[FieldError] = []
            quarter = None
            try:
                quarter = Quarter.parse(raw.get("quarter", ""))
            except ValueError as problem:
                row_errors.append(FieldError("quarter", str(problem), line))
            if quarter is not None:
                if quarter in seen:
                    row_errors.append(FieldError("quarter", f"{quarter.label} is also on row {seen[quarter]}: give "
                                                            "each quarter once", line))
                elif quarter.start in existing:
                    row_errors.append(FieldError("quarter", f"{quarter.label} already has figures: correct them on "
                                                            "the quarter's page, or leave this row out", line))
                else:
                    seen[quarter] = line
            values, value_errors = validate_snapshot(raw, row=line)
            row_errors += value_errors
            if row_errors:
                errors += row_errors
            else:
                parsed.append((quarter, values))
    except csv.Error as problem:
        errors.append(FieldError("file", f"could not be read as CSV ({problem})", line))
    if errors:
        raise InvalidInput(errors)
    if not parsed:
        raise InvalidInput([FieldError("file", "The file has a header but no rows of figures")])
    for quarter, values in parsed:
        snapshot = WorkforceSnapshot(organisation_id=organisation.id, quarter_start=quarter.start,
                                     entered_by_id=actor.id)
        _apply_snapshot(snapshot, values)
        db.session.add(snapshot)
    db.session.flush()
    quarters = sorted(q for q, _ in parsed)
    audit.record(actor, "workforce.snapshots_imported", "workforce_snapshots", organisation_id=organisation.id,
                 rows=len(parsed), first=quarters[0].label, last=quarters[-1].label)
    return ImportResult(quarters)


# --- the measures ----------------------------------------------------------------------------------------------


def figures_of(snapshot: WorkforceSnapshot) -> WorkforceFigures:
    return WorkforceFigures(**{name: getattr(snapshot, name) for name in (
        "establishment_fte", "permanent_fte", "agency_fte", "agency_bank_fte", "agency_project_fte", "vacancies_fte",
        "starters_fte", "leavers_fte", "caseholding_posts_fte", "caseholding_permanent_fte", "asye_starters",
        "asye_cohort_year_ago", "asye_retained")})


def councils(organisation_ids: Iterable[int] | None = None) -> list[Organisation]:
    """The region's councils (FLiP providers post jobs but make no workforce return)."""
    query = sa.select(Organisation).where(Organisation.kind == OrganisationKind.COUNCIL).order_by(Organisation.name)
    if organisation_ids is not None:
        query = query.where(Organisation.id.in_(list(organisation_ids)))
    return list(db.session.scalars(query))


class SnapshotStore:
    """Snapshots for some quarters, loaded once, from which any council's or group's measures are computed."""

    def __init__(self, quarters: Iterable[Quarter], organisation_ids: Iterable[int] | None = None):
        starts = sorted({q.start for q in quarters})
        query = sa.select(WorkforceSnapshot).where(WorkforceSnapshot.quarter_start.in_(starts))
        if organisation_ids is not None:
            query = query.where(WorkforceSnapshot.organisation_id.in_(list(organisation_ids)))
        self.rows: dict[tuple[int, dt.date], WorkforceSnapshot] = {
            (s.organisation_id, s.quarter_start): s for s in db.session.scalars(query)}
        self.figures = {key: figures_of(s) for key, s in self.rows.items()}

    def get(self, organisation_id: int, quarter: Quarter) -> WorkforceSnapshot | None:
        return self.rows.get((organisation_id, quarter.start))

    def measures(self, organisation_ids: Sequence[int], quarter: Quarter) -> wf.Measures:
        """Sums the councils' FTE figures and divides once (never an average of council rates)."""
        present = [self.figures[(oid, quarter.start)] for oid in organisation_ids if (oid, quarter.start) in self.figures]
        total = wf.add_figures(present)
        year = []
        for oid in organisation_ids:
            quarters = [self.figures.get((oid, q.start)) for q in quarter.year_ending()]
            if all(quarters):
                year.append(quarters)
        return wf.measures(total, year)


def latest_quarter_with_data(organisation_ids: Sequence[int] | None = None) -> Quarter | None:
    query = sa.select(sa.func.max(WorkforceSnapshot.quarter_start))
    if organisation_ids is not None:
        query = query.where(WorkforceSnapshot.organisation_id.in_(list(organisation_ids)))
    start = db.session.scalar(query)
    return Quarter.containing(start) if start else None


def quarters_with_data(organisation_ids: Sequence[int] | None = None) -> list[Quarter]:
    query = sa.select(WorkforceSnapshot.quarter_start).distinct()
    if organisation_ids is not None:
        query = query.where(WorkforceSnapshot.organisation_id.in_(list(organisation_ids)))
    return sorted({Quarter.containing(d) for d in db.session.scalars(query)}, reverse=True)


@dataclass
class AreaMeasures:
    name: str
    kind: str  # council | sub_region | region
    measures: wf.Measures
    organisation: Organisation | None = None
    sub_region: SubRegion | None = None
    reporting: int = 0
    of: int = 0


def region_breakdown(quarter: Quarter) -> tuple[AreaMeasures, list[AreaMeasures], list[AreaMeasures]]:
    """The region, each sub-region and each council for one quarter."""
    orgs = councils()
    store = SnapshotStore(quarter.year_ending())
    region_ids = [o.id for o in orgs]
    region = AreaMeasures("Region", "region", store.measures(region_ids, quarter),
                          reporting=sum(1 for o in orgs if store.get(o.id, quarter)), of=len(orgs))
    subs = []
    for sub in SubRegion:
        ids = [o.id for o in orgs if o.sub_region == sub]
        if ids:
            subs.append(AreaMeasures(sub.label, "sub_region", store.measures(ids, quarter), sub_region=sub,
                                     reporting=sum(1 for i in ids if store.get(i, quarter)), of=len(ids)))
    rows = [AreaMeasures(o.name, "council", store.measures([o.id], quarter), organisation=o, sub_region=o.sub_region,
                         reporting=1 if store.get(o.id, quarter) else 0, of=1) for o in orgs]
    return region, subs, rows


def trend(organisation_ids: Sequence[int], last: Quarter, count: int = 8) -> list[tuple[Quarter, wf.Measures]]:
    quarters = [last.shift(-i) for i in range(count - 1, -1, -1)]
    store = SnapshotStore([q for quarter in quarters for q in quarter.year_ending()], organisation_ids)
    return [(q, store.measures(organisation_ids, q)) for q in quarters]


# --- leavers register and the cooling-off check ----------------------------------------------------------------


def worker_secret() -> str:
    return current_app.config.get("WORKFORCE_ID_KEY") or current_app.config["SECRET_KEY"]


LEAVER_FIELDS: tuple[Field, ...] = (
    Field("swe_number", "Social Work England number", "swe", hint="Like SW104527. Only a keyed hash of it is kept."),
    Field("left_on", "Last day in the permanent post", "date"),
)


def record_leaver(actor: User, organisation: Organisation, raw: Mapping[str, Any], today: dt.date) -> WorkforceLeaver:
    _require_edit(actor, organisation)
    values, errors = parse_fields(LEAVER_FIELDS, raw)
    if not errors and values["left_on"] > today:
        errors.append(FieldError("left_on", "Last day in the post must be today or in the past"))
    if errors:
        raise InvalidInput(errors)
    leaver = WorkforceLeaver(organisation_id=organisation.id, worker_key=wf.worker_key(values["swe_number"], worker_secret()),
                             left_on=values["left_on"], recorded_by_id=actor.id)
    db.session.add(leaver)
    db.session.flush()
    audit.record(actor, "workforce.leaver_recorded", leaver, organisation_id=organisation.id)
    return leaver


REMOVE_LEAVER_FIELDS: tuple[Field, ...] = (LEAVER_FIELDS[0],)


def remove_leaver(actor: User, organisation: Organisation, raw: Mapping[str, Any]) -> int:
    """Forget every leaver record this council holds for a Social Work England number (a mistake, or a
    person exercising their rights). Returns how many were removed; the audit keeps only the count."""
    _require_edit(actor, organisation)
    values, errors = parse_fields(REMOVE_LEAVER_FIELDS, raw)
    if errors:
        raise InvalidInput(errors)
    key = wf.worker_key(values["swe_number"], worker_secret())
    removed = db.session.execute(sa.delete(WorkforceLeaver).where(
        WorkforceLeaver.organisation_id == organisation.id, WorkforceLeaver.worker_key == key)).rowcount or 0
    if not removed:
        raise InvalidInput([FieldError("swe_number", "Your council has no leaver recorded with this number")])
    audit.record(actor, "workforce.leaver_removed", "workforce_leavers", organisation_id=organisation.id,
                 removed=removed)
    return removed


def cooling_off_until(worker_key: str | None, start_on: dt.date, months: int) -> dt.date | None:
    """When a placement starting ``start_on`` falls inside a cooling-off period, the day that period ends."""
    if worker_key is None:
        return None
    earliest = wf.add_months(start_on, -months)
    left = db.session.scalar(
        sa.select(sa.func.max(WorkforceLeaver.left_on))
        .where(WorkforceLeaver.worker_key == worker_key, WorkforceLeaver.left_on <= start_on,
               WorkforceLeaver.left_on >= earliest))
    if left is None or not wf.in_cooling_off(left, start_on, months):
        return None
    return wf.cooling_off_ends(left, months)


def purge_expired_leavers(today: dt.date) -> int:
    """Forget leavers once no cooling-off period can still apply (data kept no longer than needed)."""
    months = region_settings().cooling_off_months
    cutoff = wf.add_months(today, -(months + 12))  # a year's grace for placements recorded late
    result = db.session.execute(sa.delete(WorkforceLeaver).where(WorkforceLeaver.left_on < cutoff))
    return result.rowcount or 0


# --- the agency register ---------------------------------------------------------------------------------------


PLACEMENT_FIELDS: tuple[Field, ...] = (
    Field("role_level", "Role level", "choice", choices=tuple(RoleLevel.choices())),
    Field("team", "Team", "text", required=False),
    Field("agency_name", "Agency", "text", required=False),
    Field("start_on", "Start date", "date"),
    Field("end_on", "End date (planned or actual)", "date", required=False, hint="Leave empty if open-ended."),
    Field("day_rate", "Day rate in pounds", "money", hint="What the council pays the agency for a day, like 350."),
    Field("fte", "FTE", "fte", hint="1 for full time."),
    Field("swe_number", "Social Work England number", "swe", required=False,
          hint="Checked against people who recently left a permanent post in the region; only a keyed hash is kept."),
)


@dataclass
class PlacementResult:
    placement: AgencyPlacement
    cooling_off_until: dt.date | None


def record_placement(actor: User, organisation: Organisation, raw: Mapping[str, Any]) -> PlacementResult:
    _require_edit(actor, organisation)
    values, errors = parse_fields(PLACEMENT_FIELDS, raw)
    if not errors and values["end_on"] is not None and values["end_on"] < values["start_on"]:
        errors.append(FieldError("end_on", "End date must be the same as or after the start date"))
    if not errors and not Decimal("0.01") <= values["fte"] <= Decimal("1"):
        errors.append(FieldError("fte", "FTE must be between 0.01 and 1"))
    if errors:
        raise InvalidInput(errors)
    settings = region_settings()
    key = wf.worker_key(values["swe_number"], worker_secret()) if values["swe_number"] else None
    until = cooling_off_until(key, values["start_on"], settings.cooling_off_months)
    placement = AgencyPlacement(
        organisation_id=organisation.id, role_level=RoleLevel(values["role_level"]), team=values["team"] or "",
        agency_name=values["agency_name"] or "", start_on=values["start_on"], end_on=values["end_on"],
        day_rate=values["day_rate"], fte=values["fte"], worker_key=key, cooling_off_until=until,
        created_by_id=actor.id)
    db.session.add(placement)
    db.session.flush()
    audit.record(actor, "workforce.placement_recorded", placement, organisation_id=organisation.id,
                 cooling_off=until is not None)
    return PlacementResult(placement, until)


END_FIELDS: tuple[Field, ...] = (Field("end_on", "Last day of the placement", "date"),)


def end_placement(actor: User, placement: AgencyPlacement, raw: Mapping[str, Any]) -> AgencyPlacement:
    _require_edit(actor, placement_organisation(placement))
    values, errors = parse_fields(END_FIELDS, raw)
    if not errors and values["end_on"] < placement.start_on:
        errors.append(FieldError("end_on", "Last day must be the same as or after the start date"))
    if errors:
        raise InvalidInput(errors)
    placement.end_on = values["end_on"]
    audit.record(actor, "workforce.placement_ended", placement, organisation_id=placement.organisation_id)
    return placement


def placement_organisation(placement: AgencyPlacement) -> Organisation:
    return db.session.get(Organisation, placement.organisation_id)


def placement_for(user: User, organisation: Organisation, placement_id: int) -> AgencyPlacement | None:
    if not 0 < placement_id < 2**31 or not can_view(user, organisation):
        return None
    return db.session.scalar(sa.select(AgencyPlacement).where(
        AgencyPlacement.id == placement_id, AgencyPlacement.organisation_id == organisation.id))


def campaign_choices(organisation: Organisation) -> tuple[tuple[str, str], ...]:
    """The council's own campaigns and the region's shared ones, newest first."""
    from webapp.models import Campaign

    campaigns = db.session.scalars(
        sa.select(Campaign).where(sa.or_(Campaign.organisation_id == organisation.id,
                                         Campaign.organisation_id.is_(None)))
        .order_by(Campaign.starts_on.desc(), Campaign.id.desc()).limit(200)).all()
    return tuple((str(c.id), f"{c.name} ({'regional, ' if c.organisation_id is None else ''}"
                             f"from {c.starts_on:%d %b %Y})") for c in campaigns)


def conversion_fields(organisation: Organisation) -> tuple[Field, ...]:
    return (
        Field("converted_on", "Date the permanent contract started", "date"),
        Field("source", "How the worker was converted", "choice", choices=tuple(ConversionSource.choices())),
        Field("campaign_id", "Campaign", "choice", required=False,
              hint="If one of your campaigns on this site, or a regional one, brought the worker in.",
              choices=campaign_choices(organisation)),
        Field("permanent_salary", "Permanent salary in pounds a year", "salary",
              hint="Full-time salary, before on-costs, like 45000."),
    )


def record_conversion(actor: User, placement: AgencyPlacement, raw: Mapping[str, Any]) -> AgencyConversion:
    organisation = placement_organisation(placement)
    _require_edit(actor, organisation)
    # Only the council's own or the region's campaigns are offered, and only those are accepted.
    values, errors = parse_fields(conversion_fields(organisation), raw)
    if placement.conversion is not None:
        raise InvalidInput([FieldError("converted_on", "This placement is already recorded as converted")])
    if not errors and values["converted_on"] < placement.start_on:
        errors.append(FieldError("converted_on", "The permanent contract cannot start before the placement did"))
    if errors:
        raise InvalidInput(errors)
    conversion = AgencyConversion(
        organisation_id=organisation.id, placement_id=placement.id, converted_on=values["converted_on"],
        source=ConversionSource(values["source"]),
        campaign_id=int(values["campaign_id"]) if values["campaign_id"] else None,
        permanent_salary=values["permanent_salary"], recorded_by_id=actor.id)
    # The agency placement ends the day before the permanent contract starts.
    last_agency_day = values["converted_on"] - dt.timedelta(days=1)
    if placement.end_on is None or placement.end_on > last_agency_day:
        placement.end_on = max(last_agency_day, placement.start_on)
    db.session.add(conversion)
    db.session.flush()
    audit.record(actor, "workforce.conversion_recorded", conversion, organisation_id=organisation.id,
                 placement_id=placement.id, source=conversion.source.value)
    return conversion


@dataclass
class PlacementRow:
    placement: AgencyPlacement
    cap: Decimal | None
    within_cap: bool | None
    spend_to_date: Decimal
    conversion: AgencyConversion | None
    saving: wf.ConversionSaving | None
    days_to_convert: int | None


def placement_rows(organisation: Organisation, today: dt.date) -> list[PlacementRow]:
    settings = region_settings()
    placements = db.session.scalars(
        sa.select(AgencyPlacement).where(AgencyPlacement.organisation_id == organisation.id)
        .order_by(AgencyPlacement.start_on.desc(), AgencyPlacement.id.desc())).all()
    return [_placement_row(p, settings, today) for p in placements]


def _placement_row(p: AgencyPlacement, settings: RegionWorkforceSettings, today: dt.date) -> PlacementRow:
    cap = day_rate_cap(settings, p.role_level)
    span = wf.overlap(p.start_on, p.end_on, p.start_on, today)
    spend = wf.agency_cost(p.day_rate, p.fte, *span) if span else Decimal("0.00")
    conversion = p.conversion
    saving = None
    days = None
    if conversion is not None:
        saving = wf.conversion_saving(p.day_rate, Decimal(conversion.permanent_salary), settings.on_cost_rate, p.fte,
                                      conversion.converted_on)
        days = (conversion.converted_on - p.start_on).days
    return PlacementRow(p, cap, wf.within_cap(p.day_rate, cap), spend, conversion, saving, days)


@dataclass
class AgencySummary:
    first: dt.date
    last: dt.date
    active_placements: int
    active_fte: Decimal
    over_cap: int
    no_cap: int
    spend: Decimal  # estimated agency spend within [first, last]
    conversions: int
    conversion_rate: wf.Rate  # conversions in the period / placements active or converted in it
    median_days_to_convert: Decimal | None
    annual_saving: Decimal
    agency_cost_year: Decimal
    permanent_cost_year: Decimal
    cooling_off_flags: int
    by_source: dict[ConversionSource, int] = field(default_factory=dict)

    @property
    def premium(self) -> wf.Rate:
        return wf.Rate(self.agency_cost_year - self.permanent_cost_year, self.permanent_cost_year)


def agency_summary(organisation_ids: Sequence[int], first: dt.date, last: dt.date) -> AgencySummary:
    """Placements active at any time in [first, last], their estimated spend in it, and conversions in it."""
    settings = region_settings()
    placements = db.session.scalars(sa.select(AgencyPlacement).where(
        AgencyPlacement.organisation_id.in_(list(organisation_ids)), AgencyPlacement.start_on <= last,
        sa.or_(AgencyPlacement.end_on.is_(None), AgencyPlacement.end_on >= first))).all()
    conversions = db.session.scalars(sa.select(AgencyConversion).where(
        AgencyConversion.organisation_id.in_(list(organisation_ids)), AgencyConversion.converted_on >= first,
        AgencyConversion.converted_on <= last).options(selectinload(AgencyConversion.placement))).all()
    # A placement converted in the period counts among its placements even if its agency days ended
    # just before the period began (the permanent contract starts the day after the last agency day).
    seen = {p.id for p in placements}
    placements = list(placements) + [c.placement for c in conversions if c.placement_id not in seen]
    spend = Decimal("0.00")
    over = no_cap = 0
    fte_total = Decimal("0")
    flags = 0
    for p in placements:
        span = wf.overlap(p.start_on, p.end_on, first, last)
        if span:
            spend += wf.agency_cost(p.day_rate, p.fte, *span)
        inside = wf.within_cap(p.day_rate, day_rate_cap(settings, p.role_level))
        over += inside is False
        no_cap += inside is None
        fte_total += p.fte
        flags += p.cooling_off_until is not None
    days = []
    agency_year = permanent_year = Decimal("0")
    by_source: dict[ConversionSource, int] = defaultdict(int)
    for c in conversions:
        p = c.placement
        days.append((c.converted_on - p.start_on).days)
        saving = wf.conversion_saving(p.day_rate, Decimal(c.permanent_salary), settings.on_cost_rate, p.fte,
                                      c.converted_on)
        agency_year += saving.agency_cost
        permanent_year += saving.permanent_cost
        by_source[c.source] += 1
    return AgencySummary(
        first=first, last=last, active_placements=len(placements), active_fte=fte_total, over_cap=over,
        no_cap=no_cap, spend=spend, conversions=len(conversions),
        conversion_rate=wf.Rate(Decimal(len(conversions)), Decimal(len(placements))),
        median_days_to_convert=wf.median_days(days), annual_saving=agency_year - permanent_year,
        agency_cost_year=agency_year, permanent_cost_year=permanent_year, cooling_off_flags=flags,
        by_source=dict(by_source))


# --- glidepaths ------------------------------------------------------------------------------------------------


GLIDEPATH_FIELDS: tuple[Field, ...] = (
    QUARTER_FIELD,
    _fte_field("permanent_fte_target", "Permanent social workers FTE target"),
    _fte_field("agency_fte_target", "Agency workers FTE target"),
)


def set_glidepath_target(actor: User, organisation: Organisation, raw: Mapping[str, Any]) -> GlidepathTarget:
    _require_edit(actor, organisation)
    values, errors = parse_fields(GLIDEPATH_FIELDS, raw)
    if errors:
        raise InvalidInput(errors)
    quarter: Quarter = values["quarter"]
    target = db.session.scalar(sa.select(GlidepathTarget).where(
        GlidepathTarget.organisation_id == organisation.id, GlidepathTarget.quarter_start == quarter.start))
    created = target is None
    if created:
        target = GlidepathTarget(organisation_id=organisation.id, quarter_start=quarter.start)
        db.session.add(target)
    target.permanent_fte_target = values["permanent_fte_target"]
    target.agency_fte_target = values["agency_fte_target"]
    db.session.flush()
    audit.record(actor, "workforce.glidepath_set", target, organisation_id=organisation.id, quarter=quarter.label,
                 created=created)
    return target


def remove_glidepath_target(actor: User, organisation: Organisation, quarter: Quarter) -> None:
    _require_edit(actor, organisation)
    target = db.session.scalar(sa.select(GlidepathTarget).where(
        GlidepathTarget.organisation_id == organisation.id, GlidepathTarget.quarter_start == quarter.start))
    if target is None:
        raise ServiceError(f"There is no target for {quarter.label}.")
    audit.record(actor, "workforce.glidepath_removed", target, organisation_id=organisation.id, quarter=quarter.label)
    db.session.delete(target)


@dataclass
class GlidepathPoint:
    quarter: Quarter
    check: wf.GlidepathCheck


def glidepath(organisation: Organisation) -> list[GlidepathPoint]:
    targets = db.session.scalars(sa.select(GlidepathTarget).where(GlidepathTarget.organisation_id == organisation.id)
                                 .order_by(GlidepathTarget.quarter_start)).all()
    if not targets:
        return []
    store = SnapshotStore([t.quarter for t in targets], [organisation.id])
    points = []
    for t in targets:
        snapshot = store.get(organisation.id, t.quarter)
        points.append(GlidepathPoint(t.quarter, wf.GlidepathCheck(
            t.permanent_fte_target, t.agency_fte_target,
            snapshot.permanent_fte if snapshot else None, snapshot.agency_fte if snapshot else None)))
    return points


def region_glidepath(first: Quarter, last: Quarter) -> list[GlidepathPoint]:
    """The region's path: each quarter's targets summed over the councils that set one, against the same
    councils' actual FTE (shown only when every one of them has reported that quarter)."""
    quarters = wf.quarters_between(first, last)
    targets = db.session.scalars(sa.select(GlidepathTarget).where(
        GlidepathTarget.quarter_start.in_([q.start for q in quarters]))).all()
    by_quarter: dict[dt.date, list[GlidepathTarget]] = defaultdict(list)
    for t in targets:
        by_quarter[t.quarter_start].append(t)
    store = SnapshotStore(quarters, {t.organisation_id for t in targets})
    points = []
    for quarter in quarters:
        rows = by_quarter.get(quarter.start)
        if not rows:
            continue
        actual = [store.get(t.organisation_id, quarter) for t in rows]
        complete = all(actual)
        points.append(GlidepathPoint(quarter, wf.GlidepathCheck(
            sum((t.permanent_fte_target for t in rows), Decimal("0")),
            sum((t.agency_fte_target for t in rows), Decimal("0")),
            sum((s.permanent_fte for s in actual), Decimal("0")) if complete else None,
            sum((s.agency_fte for s in actual), Decimal("0")) if complete else None)))
    return points


def councils_with_targets(quarter: Quarter) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(GlidepathTarget)
                             .where(GlidepathTarget.quarter_start == quarter.start)) or 0


def councils_behind(quarter: Quarter) -> list[tuple[Organisation, wf.GlidepathCheck]]:
    """Councils with a target for this quarter whose actual figures miss it by more than the tolerance."""
    targets = db.session.scalars(sa.select(GlidepathTarget).where(GlidepathTarget.quarter_start == quarter.start)).all()
    store = SnapshotStore([quarter], [t.organisation_id for t in targets])
    behind = []
    for t in targets:
        snapshot = store.get(t.organisation_id, quarter)
        if snapshot is None:
            continue
        check = wf.GlidepathCheck(t.permanent_fte_target, t.agency_fte_target, snapshot.permanent_fte,
                                  snapshot.agency_fte)
        if check.behind:
            behind.append((db.session.get(Organisation, t.organisation_id), check))
    return sorted(behind, key=lambda pair: pair[0].name)


# --- reasons: why councils lose people -------------------------------------------------------------------------


@dataclass
class ReasonsSummary:
    leavers_by_group: dict[ReasonGroup, Decimal]
    declines_by_group: dict[ReasonGroup, int]
    leavers_by_reason: dict[LeavingReason, Decimal]
    declines_by_reason: dict[OfferDeclineReason, int]

    @property
    def leavers_total(self) -> Decimal:
        return sum(self.leavers_by_group.values(), Decimal("0"))

    @property
    def declines_total(self) -> int:
        return sum(self.declines_by_group.values())


def reasons_summary(organisation_ids: Sequence[int], quarters: Sequence[Quarter]) -> ReasonsSummary:
    """Leavers' exit reasons (FTE, from the snapshots) and offer-decline reasons (offers declined on this site
    in the same quarters), grouped into pay, progression, workload, hours, work-life balance and other."""
    leavers_by_reason: dict[LeavingReason, Decimal] = defaultdict(lambda: Decimal("0"))
    rows = db.session.execute(
        sa.select(WorkforceLeaverReason.reason, sa.func.sum(WorkforceLeaverReason.fte))
        .join(WorkforceSnapshot, WorkforceSnapshot.id == WorkforceLeaverReason.snapshot_id)
        .where(WorkforceSnapshot.organisation_id.in_(list(organisation_ids)),
               WorkforceSnapshot.quarter_start.in_([q.start for q in quarters]))
        .group_by(WorkforceLeaverReason.reason)).all()
    for reason, total in rows:
        leavers_by_reason[reason] += Decimal(str(total))
    first = min(q.start for q in quarters)
    last = max(q.end for q in quarters)
    declines_by_reason: dict[OfferDeclineReason, int] = defaultdict(int)
    declined = db.session.execute(
        sa.select(Application.decline_reason, sa.func.count(sa.distinct(Application.id)))
        .join(Vacancy, Vacancy.id == Application.vacancy_id)
        .join(ApplicationEvent, ApplicationEvent.application_id == Application.id)
        .where(Vacancy.organisation_id.in_(list(organisation_ids)),
               Application.status == ApplicationStatus.OFFER_DECLINED,
               ApplicationEvent.to_status == ApplicationStatus.OFFER_DECLINED,
               ApplicationEvent.created_at >= dt.datetime.combine(first, dt.time.min),
               ApplicationEvent.created_at < dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
        .group_by(Application.decline_reason)).all()
    for reason, count in declined:
        declines_by_reason[reason or OfferDeclineReason.OTHER] += count
    leavers_by_group = {g: Decimal("0") for g in ReasonGroup}
    for reason, total in leavers_by_reason.items():
        leavers_by_group[wf.reason_group(reason)] += total
    declines_by_group = {g: 0 for g in ReasonGroup}
    for reason, count in declines_by_reason.items():
        declines_by_group[wf.reason_group(reason)] += count
    return ReasonsSummary(leavers_by_group, declines_by_group, dict(leavers_by_reason), dict(declines_by_reason))


# --- CSV exports -----------------------------------------------------------------------------------------------


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula: text starting =, +, -, @ gets a leading apostrophe.
    Numbers (including negative ones) are written as they are."""
    if value is None:
        return ""
    if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return out.getvalue()


def _rate_cells(rate: wf.Rate | None) -> list[Any]:
    if rate is None:
        return ["", "", ""]
    percent = rate.percent()
    return [rate.numerator, rate.denominator, "" if percent is None else percent]


MEASURE_COLUMNS = ("vacancy_rate", "agency_rate", "turnover_rate", "permanency", "asye_retention")


def measures_csv_header() -> list[str]:
    header = ["area", "area_type", "quarter", "councils_reporting"]
    for name, (num, den) in (
        ("vacancy_rate", ("vacancies_fte", "vacancies_plus_permanent_fte")),
        ("agency_rate", ("agency_fte", "agency_plus_permanent_fte")),
        ("turnover_rate", ("permanent_leavers_fte_in_year", "permanent_fte_at_quarter_end")),
        ("permanency", ("permanent_fte", "establishment_fte")),
        ("asye_retention", ("asye_retained_12_months", "asye_cohort")),
    ):
        header += [f"{name}_{num}", f"{name}_{den}", f"{name}_percent"]
    return header


def measures_csv_row(area: AreaMeasures, quarter: Quarter) -> list[Any]:
    m = area.measures
    row: list[Any] = [area.name, area.kind, quarter.label, area.reporting]
    for rate in (m.vacancy, m.agency, m.turnover, m.permanency, m.asye_retention):
        row += _rate_cells(rate)
    return row


def measures_csv(areas: Sequence[AreaMeasures], quarter: Quarter) -> str:
    return csv_text(measures_csv_header(), [measures_csv_row(a, quarter) for a in areas])


def trend_csv(name: str, points: Sequence[tuple[Quarter, wf.Measures]]) -> str:
    header = measures_csv_header()
    rows = [measures_csv_row(AreaMeasures(name, "trend", m, reporting=m.figures.councils), q) for q, m in points]
    return csv_text(header, rows)


# The annual children's social work workforce census (DfE), local-authority level, at 30 September.
CENSUS_COLUMNS: tuple[str, ...] = (
    "la_name", "census_date", "census_year",
    "permanent_sw_fte", "permanent_sw_headcount", "agency_sw_fte", "agency_sw_headcount",
    "agency_bank_fte", "agency_project_team_fte", "vacancies_fte", "vacancy_rate",
    "agency_rate", "starters_fte_in_year", "leavers_fte_in_year", "turnover_rate",
    "caseholding_sw_fte", "cases_held", "average_caseload", "establishment_fte",
)


def census_rows(organisation: Organisation, years: Sequence[int]) -> list[list[Any]]:
    rows = []
    for year in years:
        quarter = wf.census_quarter(year)
        store = SnapshotStore(quarter.year_ending(), [organisation.id])
        snapshot = store.get(organisation.id, quarter)
        if snapshot is None:
            continue
        m = store.measures([organisation.id], quarter)
        year_rows = [store.get(organisation.id, q) for q in quarter.year_ending()]
        starters = sum((s.starters_fte for s in year_rows if s), Decimal("0")) if all(year_rows) else None
        caseload = None
        if snapshot.cases_held is not None and snapshot.caseholding_posts_fte:
            caseload = (Decimal(snapshot.cases_held) / snapshot.caseholding_posts_fte).quantize(Decimal("0.1"))
        rows.append([
            organisation.name, quarter.end.isoformat(), f"{year}",
            snapshot.permanent_fte, snapshot.permanent_headcount, snapshot.agency_fte, snapshot.agency_headcount,
            snapshot.agency_bank_fte, snapshot.agency_project_fte, snapshot.vacancies_fte, m.vacancy.percent(),
            m.agency.percent(), starters, m.leavers_in_year_fte, m.turnover.percent() if m.turnover else None,
            snapshot.caseholding_posts_fte, snapshot.cases_held, caseload, snapshot.establishment_fte,
        ])
    return rows


def census_csv(organisation: Organisation, years: Sequence[int]) -> str:
    return csv_text(CENSUS_COLUMNS, census_rows(organisation, years))


# The quarterly agency return: agency use, rates against the cap, spend and conversions for one quarter.
AGENCY_RETURN_COLUMNS: tuple[str, ...] = (
    "la_name", "quarter", "quarter_start", "quarter_end",
    "agency_fte", "agency_bank_fte", "agency_project_team_fte", "permanent_fte", "agency_rate",
    "placements_active", "placements_over_cap", "placements_no_cap", "cooling_off_flags",
    "estimated_agency_spend", "conversions", "conversion_rate", "median_days_to_convert",
    "annual_saving_from_conversions",
)


def agency_return_rows(organisation: Organisation, quarters: Sequence[Quarter]) -> list[list[Any]]:
    rows = []
    store = SnapshotStore(quarters, [organisation.id])
    for quarter in quarters:
        snapshot = store.get(organisation.id, quarter)
        summary = agency_summary([organisation.id], quarter.start, quarter.end)
        rate = wf.agency_rate(figures_of(snapshot)) if snapshot else None
        rows.append([
            organisation.name, quarter.label, quarter.start.isoformat(), quarter.end.isoformat(),
            snapshot.agency_fte if snapshot else None, snapshot.agency_bank_fte if snapshot else None,
            snapshot.agency_project_fte if snapshot else None, snapshot.permanent_fte if snapshot else None,
            rate.percent() if rate else None,
            summary.active_placements, summary.over_cap, summary.no_cap, summary.cooling_off_flags,
            summary.spend, summary.conversions, summary.conversion_rate.percent(), summary.median_days_to_convert,
            summary.annual_saving,
        ])
    return rows


def agency_return_csv(organisation: Organisation, quarters: Sequence[Quarter]) -> str:
    return csv_text(AGENCY_RETURN_COLUMNS, agency_return_rows(organisation, quarters))


PLACEMENT_COLUMNS = ("id", "role_level", "team", "agency", "start_on", "end_on", "day_rate", "fte", "day_rate_cap",
                     "within_cap", "estimated_spend_to_date", "cooling_off_until", "converted_on", "conversion_source",
                     "days_to_convert", "annual_saving")


def placements_csv(rows: Sequence[PlacementRow]) -> str:
    def yes_no(value: bool | None) -> str:
        return "" if value is None else ("yes" if value else "no")

    return csv_text(PLACEMENT_COLUMNS, [[
        r.placement.id, r.placement.role_level.label, r.placement.team, r.placement.agency_name,
        r.placement.start_on.isoformat(), r.placement.end_on.isoformat() if r.placement.end_on else "",
        r.placement.day_rate, r.placement.fte, r.cap, yes_no(r.within_cap), r.spend_to_date,
        r.placement.cooling_off_until.isoformat() if r.placement.cooling_off_until else "",
        r.conversion.converted_on.isoformat() if r.conversion else "",
        r.conversion.source.label if r.conversion else "", r.days_to_convert,
        r.saving.saving if r.saving else "",
    ] for r in rows])


def reasons_csv(summary: ReasonsSummary) -> str:
    rows = [[g.label, summary.leavers_by_group[g], summary.declines_by_group[g]] for g in ReasonGroup]
    return csv_text(("reason_group", "leavers_fte", "offers_declined"), rows)


def glidepath_csv(points: Sequence[GlidepathPoint]) -> str:
    return csv_text(
        ("quarter", "permanent_fte_target", "permanent_fte_actual", "agency_fte_target", "agency_fte_actual", "behind"),
        [[p.quarter.label, p.check.permanent_target, p.check.permanent_actual, p.check.agency_target,
          p.check.agency_actual, "" if not p.check.has_actual else ("yes" if p.check.behind else "no")]
         for p in points])
