"""Councils as social workers browse them: grouped by sub-region, with their live jobs and offer."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from domain.vocabulary import SubRegion
from webapp.extensions import db
from webapp.models import Organisation, Vacancy
from webapp.services.jobs import live_vacancies_filter


_SLUG_LENGTH = Organisation.__table__.c.slug.type.length


@dataclass(frozen=True)
class CouncilSummary:
    organisation: Organisation
    live_vacancies: int


@dataclass(frozen=True)
class SubRegionGroup:
    sub_region: SubRegion
    councils: list[CouncilSummary]

    @property
    def live_vacancies(self) -> int:
        return sum(c.live_vacancies for c in self.councils)


def live_vacancy_counts(today: dt.date | None = None) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Vacancy.organisation_id, sa.func.count(Vacancy.id))
        .where(live_vacancies_filter(today))
        .group_by(Vacancy.organisation_id)
    ).all()
    return {organisation_id: count for organisation_id, count in rows}


def councils_by_sub_region(today: dt.date | None = None) -> list[SubRegionGroup]:
    """Every organisation, alphabetically within its sub-region, sub-regions in vocabulary order."""
    counts = live_vacancy_counts(today)
    organisations = db.session.scalars(sa.select(Organisation).order_by(Organisation.name)).all()
    groups = []
    for sub_region in SubRegion:
        members = [CouncilSummary(o, counts.get(o.id, 0)) for o in organisations if o.sub_region == sub_region]
        if members:
            groups.append(SubRegionGroup(sub_region, members))
    return groups


def council_choices() -> list[tuple[str, str]]:
    """(slug, name) for every council, for search filters."""
    return [(slug, name) for slug, name in db.session.execute(
        sa.select(Organisation.slug, Organisation.name).order_by(Organisation.name))]


def all_councils() -> list[Organisation]:
    return list(db.session.scalars(sa.select(Organisation).order_by(Organisation.name)))


def council_by_id(organisation_id: int) -> Organisation | None:
    return db.session.get(Organisation, organisation_id)


def councils_seen_by(own: int | None) -> list[Organisation]:
    """Every council for someone who sees the region; only their own for council staff (``own``)."""
    if own is None:
        return all_councils()
    council = council_by_id(own)
    return [council] if council is not None else []


def council_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Organisation.id))) or 0


def council_by_slug(slug: str) -> Organisation | None:
    """The council at /councils/<slug> (and in ?council=); None for a slug no council has."""
    if len(slug) > _SLUG_LENGTH:  # longer than any stored slug: no need to ask the database
        return None
    return db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))


def live_vacancies_for(organisation: Organisation, today: dt.date | None = None) -> list[Vacancy]:
    return list(db.session.scalars(
        sa.select(Vacancy)
        .options(joinedload(Vacancy.organisation))
        .where(Vacancy.organisation_id == organisation.id, live_vacancies_filter(today))
        .order_by(Vacancy.closing_date, Vacancy.id)
    ))
