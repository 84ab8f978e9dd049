"""A council's quarterly snapshot: its fields, the one check of its figures, and entering, editing and removing it."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

import sqlalchemy as sa

from domain.workforce import LeavingReason, Quarter
from webapp.extensions import db
from webapp.models import Organisation, User, WorkforceLeaverReason, WorkforceSnapshot
from webapp.services import ServiceError
from webapp.services import audit
from webapp.services.workforce.access import require_edit
from webapp.services.workforce.fields import Field, FieldError, InvalidInput, fte_field, parse_fields

SNAPSHOT_FIELDS: tuple[Field, ...] = (
    fte_field("establishment_fte", "Establishment FTE", "Funded social worker posts, filled or not."),
    fte_field("permanent_fte", "Permanent social workers FTE", "Staff on permanent contracts at the quarter's end."),
    fte_field("agency_fte", "Agency workers FTE",
               "Everyone covering posts through an agency, bank staff and project teams included."),
    fte_field("agency_bank_fte", "of which bank staff FTE", "Part of the agency figure above.", required=False),
    fte_field("agency_project_fte", "of which project teams FTE", "Managed teams; part of the agency figure above.",
               required=False),
    fte_field("vacancies_fte", "Vacancies FTE", "Posts with no permanent social worker, covered by agency or not."),
    fte_field("starters_fte", "Permanent starters FTE", "Joined in the quarter."),
    fte_field("leavers_fte", "Permanent leavers FTE", "Left in the quarter; give their reasons below."),
    fte_field("caseholding_posts_fte", "Case-holding posts FTE", required=False),
    fte_field("caseholding_permanent_fte", "of which held by permanent staff FTE", required=False),
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
    fte_field(f"leavers_{reason.value}_fte", f"Leavers FTE: {reason.label.lower()}", required=False)
    for reason in LeavingReason if reason != LeavingReason.NOT_KNOWN
)


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


def apply_snapshot(snapshot: WorkforceSnapshot, values: dict) -> list[str]:
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


def snapshot_for(organisation: Organisation, quarter: Quarter) -> WorkforceSnapshot | None:
    return db.session.scalar(sa.select(WorkforceSnapshot).where(
        WorkforceSnapshot.organisation_id == organisation.id, WorkforceSnapshot.quarter_start == quarter.start))


def save_snapshot(actor: User, organisation: Organisation, quarter: Quarter, raw: Mapping[str, Any]) -> WorkforceSnapshot:
    """Create or replace a quarter's snapshot from a form."""
    require_edit(actor, organisation)
    values, errors = validate_snapshot(raw)
    if errors:
        raise InvalidInput(errors)
    snapshot = snapshot_for(organisation, quarter)
    created = snapshot is None
    if created:
        snapshot = WorkforceSnapshot(organisation_id=organisation.id, quarter_start=quarter.start)
        db.session.add(snapshot)
    changed = apply_snapshot(snapshot, values)
    snapshot.entered_by_id = actor.id
    db.session.flush()
    audit.record(actor, "workforce.snapshot_created" if created else "workforce.snapshot_updated", snapshot,
                 organisation_id=organisation.id, quarter=quarter.label, changed=changed)
    return snapshot


def remove_snapshot(actor: User, organisation: Organisation, quarter: Quarter) -> None:
    require_edit(actor, organisation)
    snapshot = snapshot_for(organisation, quarter)
    if snapshot is None:
        raise ServiceError(f"{quarter.label} has no figures to remove.")
    audit.record(actor, "workforce.snapshot_removed", snapshot, organisation_id=organisation.id,
                 quarter=quarter.label)
    db.session.delete(snapshot)
