"""The register of permanent leavers, kept only as keyed hashes, for the agency cooling-off check."""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

import sqlalchemy as sa
from flask import current_app

from domain import workforce as wf
from webapp.extensions import db
from webapp.models import Organisation, User, WorkforceLeaver
from webapp.services import audit
from webapp.services.workforce.access import require_edit
from webapp.services.workforce.fields import Field, FieldError, InvalidInput, parse_fields
from webapp.services.workforce.settings import region_settings

def worker_secret() -> str:
    return current_app.config.get("WORKFORCE_ID_KEY") or current_app.config["SECRET_KEY"]


LEAVER_FIELDS: tuple[Field, ...] = (
    Field("swe_number", "Social Work England number", "swe", hint="Like SW104527. Only a keyed hash of it is kept."),
    Field("left_on", "Last day in the permanent post", "date"),
)


def record_leaver(actor: User, organisation: Organisation, raw: Mapping[str, Any], today: dt.date) -> WorkforceLeaver:
    require_edit(actor, organisation)
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
    require_edit(actor, organisation)
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
