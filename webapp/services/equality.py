"""Equal opportunities: a social worker's optional answers, and the application funnel broken down by them.

Answers are personal data of a special kind. They live in their own table, are never shown
to anyone for a person (only the person sees their own), never logged, included in the
person's data export and deleted with the account. Everyone else sees counts of people, by
one characteristic at a time, with small numbers suppressed (see `suppress`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from domain.equality import (
    CHARACTERISTICS,
    CHARACTERISTICS_BY_SLUG,
    NOT_ANSWERED,
    NOT_ANSWERED_LABEL,
    Characteristic,
)
from domain.vocabulary import ApplicationStatus
from webapp.extensions import db
from webapp.models import Application, ApplicationEvent, EqualityAnswers, User, Vacancy
from webapp.services import ServiceError, accounts
from webapp.services.spreadsheets import write_csv

# Counts of 1 to 4 people are never published; 0 is.
SUPPRESSION_THRESHOLD = 5
SUPPRESSED_TEXT = "fewer than 5"
SUPPRESSED_MARK = "[c]"  # the GSS symbol for "confidential", used in the CSV

# The stages of the application funnel that the breakdown counts people reaching.
STAGES: tuple[tuple[ApplicationStatus, str], ...] = (
    (ApplicationStatus.SUBMITTED, "Applied"),
    (ApplicationStatus.SHORTLISTED, "Shortlisted"),
    (ApplicationStatus.INTERVIEW, "Interviewed"),
    (ApplicationStatus.OFFERED, "Offered"),
    (ApplicationStatus.HIRED, "Hired"),
)
FIELDS = tuple(c.slug for c in CHARACTERISTICS)


class AnswersInvalid(ServiceError):
    pass


# --- a person's own answers ----------------------------------------------------------------------------

def answers_for(user: User) -> EqualityAnswers | None:
    return db.session.scalar(sa.select(EqualityAnswers).where(EqualityAnswers.user_id == user.id))


def save_answers(user: User, values: dict[str, Any]) -> EqualityAnswers:
    """Store the answers given; a question left blank is stored as unanswered. Nothing is logged."""
    if user.role.value != "candidate":
        raise AnswersInvalid("Only social workers answer these questions")
    clean: dict[str, str | None] = {}
    for characteristic in CHARACTERISTICS:
        raw = values.get(characteristic.slug)
        raw = raw.strip() if isinstance(raw, str) else raw
        if not raw:
            clean[characteristic.slug] = None
            continue
        try:
            clean[characteristic.slug] = characteristic.answers(raw).value
        except ValueError:
            raise AnswersInvalid(f"Choose an answer from the list for “{characteristic.label}”") from None
    row = answers_for(user)
    if row is None:
        row = EqualityAnswers(user_id=user.id)
        db.session.add(row)
    for name, value in clean.items():
        setattr(row, name, value)
    db.session.flush()
    return row


def delete_answers(user: User) -> bool:
    result = db.session.execute(sa.delete(EqualityAnswers).where(EqualityAnswers.user_id == user.id))
    return bool(result.rowcount)


def export_answers(user: User) -> dict[str, Any] | None:
    row = answers_for(user)
    if row is None:
        return None
    data: dict[str, Any] = {}
    for characteristic in CHARACTERISTICS:
        value = getattr(row, characteristic.slug)
        data[characteristic.slug] = {
            "question": characteristic.question,
            "answer": value,
            "answer_label": characteristic.answers.label_for(value) if value else NOT_ANSWERED_LABEL,
        }
    data["updated_at"] = row.updated_at.isoformat()
    return data


# "Download your data" and "Delete your account" reach the answers through this hook.
accounts.register_personal_data("equal_opportunities", export_answers, delete_answers)


# --- suppression -----------------------------------------------------------------------------------------

def suppress(columns: dict[str, dict[str, int]], threshold: int = SUPPRESSION_THRESHOLD
             ) -> tuple[dict[str, dict[str, bool]], dict[str, bool]]:
    """Which cells, and which column totals, to hide. ``columns`` maps a column to {row: count};
    each column's rows add up to its total, which is published unless hidden.

    Primary: a count of 1 to ``threshold - 1`` is hidden, and so is a total below the threshold.
    Secondary: in a column whose total is shown, the hidden cells must not be recoverable by
    subtracting the shown cells from the total, so more cells are hidden, smallest first,
    until at least two are hidden, they add up to at least the threshold, and they add up to
    more than their number (so they cannot all be 1). If no cell is left to hide, the total
    is hidden instead. Zeros are shown: they identify nobody.
    """
    hidden: dict[str, dict[str, bool]] = {}
    total_hidden: dict[str, bool] = {}
    for column, counts in columns.items():
        total = sum(counts.values())
        out = {row: 0 < n < threshold for row, n in counts.items()}
        total_hidden[column] = 0 < total < threshold
        if any(out.values()) and not total_hidden[column]:
            order = list(counts)
            while True:
                chosen = [r for r in order if out[r]]
                amount = sum(counts[r] for r in chosen)
                if len(chosen) >= 2 and amount >= threshold and amount > len(chosen):
                    break
                spare = sorted((counts[r], order.index(r), r) for r in order if not out[r] and counts[r] > 0)
                if not spare:
                    total_hidden[column] = True
                    break
                out[spare[0][2]] = True
        hidden[column] = out
    return hidden, total_hidden


# --- the breakdown ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """A published count: `value` is None when suppressed."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def text(self, mark: str = SUPPRESSED_TEXT) -> str:
        return mark if self.value is None else f"{self.value:,}"


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    figures: tuple[Figure, ...]  # one per stage

    def rate(self, stage_index: int) -> str:
        """The share of this row's applicants who reached a stage, only when both counts are published."""
        applied, reached = self.figures[0].value, self.figures[stage_index].value
        if applied == 0:
            return "–"
        if applied is None or reached is None:
            return "not shown"  # a rate from a hidden count would give the count away
        return f"{round(100 * reached / applied)}%"


@dataclass(frozen=True)
class Breakdown:
    characteristic: Characteristic
    start: dt.date
    end: dt.date
    organisation_id: int | None
    rows: tuple[BreakdownRow, ...]
    total: BreakdownRow
    stages: tuple[tuple[ApplicationStatus, str], ...] = STAGES

    @property
    def any_suppressed(self) -> bool:
        return any(f.suppressed for row in (*self.rows, self.total) for f in row.figures)


@dataclass(frozen=True)
class Period:
    """A financial year (April to March), up to the end of the last whole month if it is still running."""

    key: str  # "2026-27"
    start: dt.date
    end: dt.date
    label: str


def periods(today: dt.date | None = None, first_year: int | None = None) -> list[Period]:
    """The periods a breakdown may cover, newest first.

    Only whole financial years (or the current one up to the end of last month), never a date
    range of the viewer's choosing: two ranges a day apart would differ by exactly the people who
    applied that day, and a table that changed daily would show what happened to one person.
    Non-overlapping periods, each changing at most once a month, leave nothing to subtract.
    """
    today = today or dt.date.today()
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    current = last_month_end.year if last_month_end.month >= 4 else last_month_end.year - 1
    if first_year is None:
        first = db.session.scalar(sa.select(sa.func.min(Application.submitted_at)))
        first_year = (first.year if first.month >= 4 else first.year - 1) if first else current
    found = []
    for year in range(current, min(first_year, current) - 1, -1):
        start, year_end = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
        end = min(year_end, last_month_end)
        key = f"{year}-{str(year + 1)[2:]}"
        label = f"April {year} to March {year + 1}"
        if end < year_end:
            label += f" (to {end.day} {end:%B %Y})"
        found.append(Period(key, start, end, label))
    return found


def period(key: str, today: dt.date | None = None) -> Period:
    for candidate in periods(today):
        if candidate.key == key:
            return candidate
    raise AnswersInvalid("Choose a year from the list")


def characteristic(slug: str) -> Characteristic:
    try:
        return CHARACTERISTICS_BY_SLUG[slug]
    except KeyError:
        raise AnswersInvalid("Choose a characteristic from the list") from None


def _people_by_stage(start: dt.date, end: dt.date, organisation_id: int | None) -> dict[int, set[ApplicationStatus]]:
    """For each person who applied in the period (both days included): the stages any of their
    applications reached."""
    begin = dt.datetime.combine(start, dt.time())
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    # Stages are counted as they stood at the end of the period too, so a closed period's table
    # never changes afterwards (a hire next month cannot be spotted as a change in this one).
    query = (
        sa.select(Application.candidate_id, ApplicationEvent.to_status)
        .join(Vacancy, Vacancy.id == Application.vacancy_id)
        .outerjoin(ApplicationEvent, sa.and_(ApplicationEvent.application_id == Application.id,
                                             ApplicationEvent.created_at < finish))
        .where(Application.submitted_at >= begin, Application.submitted_at < finish)
    )
    if organisation_id is not None:
        query = query.where(Vacancy.organisation_id == organisation_id)
    reached: dict[int, set[ApplicationStatus]] = {}
    for candidate_id, status in db.session.execute(query):
        stages = reached.setdefault(candidate_id, {ApplicationStatus.SUBMITTED})
        if status is not None:
            stages.add(status)
    return reached


def funnel_breakdown(slug: str, start: dt.date, end: dt.date, organisation_id: int | None = None,
                     threshold: int = SUPPRESSION_THRESHOLD) -> Breakdown:
    """People who applied in the period and how far they got, by one characteristic, suppressed."""
    if end < start:
        raise AnswersInvalid("The end date must be the same as or after the start date")
    chosen = characteristic(slug)
    reached = _people_by_stage(start, end, organisation_id)
    answers = dict(db.session.execute(
        sa.select(EqualityAnswers.user_id, getattr(EqualityAnswers, chosen.slug))
        .where(EqualityAnswers.user_id.in_(list(reached) or [0]))
    ).all()) if reached else {}
    row_keys = [g.value for g in chosen.groups] + [NOT_ANSWERED]
    labels = dict(chosen.groups.choices()) | {NOT_ANSWERED: NOT_ANSWERED_LABEL}
    counts = {status.value: {key: 0 for key in row_keys} for status, _ in STAGES}
    for person, stages in reached.items():
        group = chosen.group_of(answers.get(person))
        for status, _ in STAGES:
            if status in stages:
                counts[status.value][group] += 1
    hidden, total_hidden = suppress(counts, threshold)
    rows = tuple(
        BreakdownRow(key, labels[key], tuple(
            Figure(None if hidden[s.value][key] else counts[s.value][key]) for s, _ in STAGES))
        for key in row_keys
    )
    total = BreakdownRow("total", "All applicants", tuple(
        Figure(None if total_hidden[s.value] else sum(counts[s.value].values())) for s, _ in STAGES))
    return Breakdown(chosen, start, end, organisation_id, rows, total)


def breakdown_csv(breakdown: Breakdown) -> str:
    """The breakdown as a CSV download, hidden figures marked and explained in a closing line."""
    header = [breakdown.characteristic.label] + [label for _, label in breakdown.stages]
    lines: list[list[object]] = [header]
    for row in (*breakdown.rows, breakdown.total):
        lines.append([row.label] + [SUPPRESSED_MARK if f.value is None else f.value for f in row.figures])
    lines.append([f"{SUPPRESSED_MARK} fewer than {SUPPRESSION_THRESHOLD} people, or hidden so that a small number "
                  f"cannot be worked out from the total. People who applied from {breakdown.start.isoformat()} "
                  f"to {breakdown.end.isoformat()}."])
    return write_csv(lines)
