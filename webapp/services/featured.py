"""Featured jobs: slots that pin a vacancy above the rest of search between two dates.

A council features its own vacancies; a programme lead may feature any council's for a
regional campaign. Slots never overlap for one vacancy, last at most a month, end by the
vacancy's closing date, and a council has only a few featured at once, so the top of the
page is shared fairly across the region. Search decides "featured today" at query time
from each document's slot dates, so a slot starts and ends on its days without a job
having to run; changing a slot republishes its vacancy through the outbox.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

import sqlalchemy as sa
from flask import current_app

from domain.vocabulary import VacancyStatus
from webapp.extensions import db
from webapp.models import FeaturedSlot, User, Vacancy, utcnow
from webapp.services import NotAllowed, ServiceError
from webapp.services import audit


class SlotInvalid(ServiceError):
    """The dates break a rule; `errors` maps the field (starts_on/ends_on) to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def can_feature(user: User, vacancy: Vacancy) -> bool:
    if user.sees_region:
        return True
    return user.is_recruiter and user.organisation_id == vacancy.organisation_id


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _council_busy_days(organisation_id: int, start: dt.date, end: dt.date, ignore_vacancy: int) -> Counter:
    """How many of the council's other vacancies are featured on each day of the period."""
    slots = db.session.scalars(
        sa.select(FeaturedSlot)
        .join(Vacancy)
        .where(Vacancy.organisation_id == organisation_id, Vacancy.id != ignore_vacancy,
               FeaturedSlot.starts_on <= end, FeaturedSlot.ends_on >= start)
    ).all()
    busy: Counter = Counter()
    for slot in slots:
        busy.update(_days(max(slot.starts_on, start), min(slot.ends_on, end)))
    return busy


def check_slot(vacancy: Vacancy, starts_on: dt.date | None, ends_on: dt.date | None,
               today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    if starts_on is None:
        errors["starts_on"] = "Enter the day the job starts being featured"
    if ends_on is None:
        errors["ends_on"] = "Enter the last day the job is featured"
    if errors:
        raise SlotInvalid(errors)
    assert starts_on is not None and ends_on is not None
    max_days = current_app.config["FEATURED_SLOT_MAX_DAYS"]
    if vacancy.status == VacancyStatus.CLOSED:
        raise ServiceError("A closed vacancy cannot be featured; re-open it first.")
    if starts_on < today:
        errors["starts_on"] = "The first featured day must be today or later"
    elif ends_on < starts_on:
        errors["ends_on"] = "The last featured day must be on or after the first"
    elif (ends_on - starts_on).days + 1 > max_days:
        errors["ends_on"] = f"A job can be featured for at most {max_days} days at a time"
    elif ends_on > vacancy.closing_date:
        errors["ends_on"] = f"The last featured day must be on or before the closing date, {vacancy.closing_date:%-d %B %Y}"
    if errors:
        raise SlotInvalid(errors)
    for slot in vacancy.featured_slots:
        if slot.starts_on <= ends_on and slot.ends_on >= starts_on:
            raise SlotInvalid({"starts_on": f"This job is already featured from {slot.starts_on:%-d %B} "
                                            f"to {slot.ends_on:%-d %B %Y}; choose days outside that slot"})
    limit = current_app.config["FEATURED_SLOTS_PER_COUNCIL"]
    busy = _council_busy_days(vacancy.organisation_id, starts_on, ends_on, vacancy.id)
    full = sorted(day for day, count in busy.items() if count >= limit)
    if full:
        raise SlotInvalid({"starts_on": f"{vacancy.organisation.name} already has {limit} jobs featured on "
                                        f"{full[0]:%-d %B %Y}; choose other days or end another slot"})
    return starts_on, ends_on


def _republish(vacancy: Vacancy) -> None:
    """The vacancy's search document carries its slots: touching it writes the outbox row."""
    vacancy.updated_at = utcnow()


def feature_vacancy(vacancy: Vacancy, starts_on: dt.date | None, ends_on: dt.date | None, actor: User,
                    campaign_id: int | None = None, today: dt.date | None = None) -> FeaturedSlot:
    if not can_feature(actor, vacancy):
        raise NotAllowed("You can only feature your own council's vacancies.")
    starts_on, ends_on = check_slot(vacancy, starts_on, ends_on, today)
    slot = FeaturedSlot(vacancy=vacancy, starts_on=starts_on, ends_on=ends_on, campaign_id=campaign_id,
                        created_by_id=actor.id)
    db.session.add(slot)
    _republish(vacancy)
    db.session.flush()
    audit.record(actor, "vacancy.featured", vacancy, organisation_id=vacancy.organisation_id,
                 slot=slot.id, starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat())
    return slot


def end_featured_slot(slot: FeaturedSlot, actor: User, today: dt.date | None = None) -> None:
    """Stop featuring now: a slot not yet started is removed; a running one ends yesterday."""
    today = today or dt.date.today()
    vacancy = slot.vacancy
    if not can_feature(actor, vacancy):
        raise NotAllowed("You can only change your own council's featured jobs.")
    if slot.ends_on < today:
        raise ServiceError("This featured slot has already ended.")
    if slot.starts_on >= today:
        vacancy.featured_slots.remove(slot)
        db.session.delete(slot)
    else:
        slot.ends_on = today - dt.timedelta(days=1)
    _republish(vacancy)
    audit.record(actor, "vacancy.featuring_ended", vacancy, organisation_id=vacancy.organisation_id, slot=slot.id)


def slot_for(user: User, slot_id: int) -> FeaturedSlot | None:
    """The slot if this user may change it; None otherwise (so another council's looks absent)."""
    if not 0 < slot_id < 2**31:
        return None
    slot = db.session.get(FeaturedSlot, slot_id)
    return slot if slot is not None and can_feature(user, slot.vacancy) else None


def featured_vacancy_ids(on: dt.date | None = None) -> set[int]:
    on = on or dt.date.today()
    return set(db.session.scalars(
        sa.select(FeaturedSlot.vacancy_id)
        .join(Vacancy)
        .where(FeaturedSlot.starts_on <= on, FeaturedSlot.ends_on >= on,
               Vacancy.status == VacancyStatus.LIVE, Vacancy.closing_date >= on)
    ))

