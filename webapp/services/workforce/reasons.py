"""Why councils lose people: leavers' exit reasons and declined offers, grouped the same way."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

import sqlalchemy as sa

from domain import workforce as wf
from domain.vocabulary import ApplicationStatus, OfferDeclineReason
from domain.workforce import LeavingReason, Quarter, ReasonGroup
from webapp.extensions import db
from webapp.models import Application, ApplicationEvent, Vacancy, WorkforceLeaverReason, WorkforceSnapshot

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
