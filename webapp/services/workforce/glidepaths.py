"""Glidepaths: each council's quarterly FTE targets, the region's sum of them, and who is behind."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping

import sqlalchemy as sa

from domain import workforce as wf
from domain.workforce import Quarter
from webapp.extensions import db
from webapp.models import GlidepathTarget, Organisation, User
from webapp.services import ServiceError
from webapp.services import audit
from webapp.services.workforce.access import require_edit
from webapp.services.workforce.fields import QUARTER_FIELD, Field, InvalidInput, fte_field, parse_fields
from webapp.services.workforce.measures import SnapshotStore

GLIDEPATH_FIELDS: tuple[Field, ...] = (
    QUARTER_FIELD,
    fte_field("permanent_fte_target", "Permanent social workers FTE target"),
    fte_field("agency_fte_target", "Agency workers FTE target"),
)


def set_glidepath_target(actor: User, organisation: Organisation, raw: Mapping[str, Any]) -> GlidepathTarget:
    require_edit(actor, organisation)
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
    require_edit(actor, organisation)
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


def council_checks(quarter: Quarter) -> list[tuple[Organisation, wf.GlidepathCheck]]:
    """Every council with a target for this quarter and its figures for it, by name, checked against the target."""
    targets = db.session.scalars(sa.select(GlidepathTarget).where(GlidepathTarget.quarter_start == quarter.start)).all()
    store = SnapshotStore([quarter], [t.organisation_id for t in targets])
    checks = []
    for t in targets:
        snapshot = store.get(t.organisation_id, quarter)
        if snapshot is None:
            continue
        checks.append((db.session.get(Organisation, t.organisation_id),
                       wf.GlidepathCheck(t.permanent_fte_target, t.agency_fte_target, snapshot.permanent_fte,
                                         snapshot.agency_fte)))
    return sorted(checks, key=lambda pair: pair[0].name)


def councils_behind(quarter: Quarter) -> list[tuple[Organisation, wf.GlidepathCheck]]:
    """Councils with a target for this quarter whose actual figures miss it by more than the tolerance."""
    return [(org, check) for org, check in council_checks(quarter) if check.behind]
