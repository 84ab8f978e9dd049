"""The published measures per council, sub-region and region, computed from snapshots loaded once."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Sequence

import sqlalchemy as sa

from domain import workforce as wf
from domain.vocabulary import OrganisationKind, SubRegion
from domain.workforce import Quarter, WorkforceFigures
from webapp.extensions import db
from webapp.models import Organisation, WorkforceSnapshot

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
