"""Importing quarterly snapshots from a council's CSV file (every row or none), and the blank template."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import sqlalchemy as sa

from domain.workforce import Quarter
from webapp.extensions import db
from webapp.models import Organisation, User, WorkforceSnapshot
from webapp.services import audit
from webapp.services.spreadsheets import UploadUnreadable, decode_upload, header_problems, read_header, write_csv
from webapp.services.workforce.access import require_edit
from webapp.services.workforce.fields import QUARTER_FIELD, FieldError, InvalidInput
from webapp.services.workforce.snapshots import LEAVER_REASON_FIELDS, SNAPSHOT_FIELDS, apply_snapshot, validate_snapshot

CSV_MAX_BYTES = 256 * 1024
CSV_MAX_ROWS = 400
CSV_COLUMNS: tuple[str, ...] = (QUARTER_FIELD.name,) + tuple(f.name for f in SNAPSHOT_FIELDS) + tuple(
    f.name for f in LEAVER_REASON_FIELDS)


def template_csv() -> str:
    return write_csv([CSV_COLUMNS])


@dataclass
class ImportResult:
    quarters: list[Quarter]


def _decode_upload(data: bytes) -> str:
    try:
        return decode_upload(data, CSV_MAX_BYTES)
    except UploadUnreadable as problem:
        raise InvalidInput([FieldError("file", str(problem))]) from None


def import_snapshots_csv(actor: User, organisation: Organisation, data: bytes) -> ImportResult:
    """Import quarterly snapshots from a CSV file: every row or none.

    Every row is checked before anything is written; one bad row rejects the file with every problem
    listed by row and column. A quarter that already has a snapshot, or appears twice, is a problem
    too: a correction is made on the quarter's own page, so an import never silently overwrites.
    """
    require_edit(actor, organisation)
    text = _decode_upload(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = read_header(reader)
    except UploadUnreadable as problem:
        raise InvalidInput([FieldError("file", str(problem))]) from None
    required = {QUARTER_FIELD.name} | {f.name for f in SNAPSHOT_FIELDS if f.required}
    errors: list[FieldError] = [FieldError("header", problem, 1)
                                for problem in header_problems(header, CSV_COLUMNS, required)]
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
        apply_snapshot(snapshot, values)
        db.session.add(snapshot)
    db.session.flush()
    quarters = sorted(q for q, _ in parsed)
    audit.record(actor, "workforce.snapshots_imported", "workforce_snapshots", organisation_id=organisation.id,
                 rows=len(parsed), first=quarters[0].label, last=quarters[-1].label)
    return ImportResult(quarters)
