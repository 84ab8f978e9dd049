"""Interviews: a recruiter books one (date, time, and a place or an online link) and the applicant is emailed.

Booking the first interview for a shortlisted application moves it to "interview"; booking another, or
moving one, for an application already at interview sends the applicant the new details.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa

from domain.funnel import FunnelStep
from domain.geography import LONDON_TIME
from domain.vocabulary import ApplicationStatus
from webapp.extensions import db
from webapp.models import Application, Interview, InterviewFormat, User
from webapp.services import NotAllowed, ServiceError, accounts, audit, funnel, notifications
from webapp.services import applications as pipeline

PLACE_MAX = 300
LINK_MAX = 500
DETAILS_MAX = 1000
DURATION_RANGE = (15, 480)
BOOKABLE = frozenset({ApplicationStatus.SHORTLISTED, ApplicationStatus.INTERVIEW})
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


class InterviewInvalid(ServiceError):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


@dataclass(frozen=True)
class InterviewDetails:
    """What the recruiter typed, as text (the form keeps what it could not read)."""

    day: dt.date | None
    time: str
    duration_minutes: str
    format: str
    place: str
    online_link: str
    details: str


def parse_time(text: str) -> dt.time | None:
    """10:30, 14:00, 2pm, 2.30pm: a clock time, or None if it is not one."""
    match = _TIME.match((text or "").strip())
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _checked(details: InterviewDetails, now_london: dt.datetime) -> dict:
    errors: dict[str, str] = {}
    values: dict = {}
    clock = parse_time(details.time)
    if details.day is None:
        errors["day"] = "Enter the date of the interview"
    if not details.time.strip():
        errors["time"] = "Enter the time of the interview"
    elif clock is None:
        errors["time"] = "Enter a real time, like 10:30 or 2pm"
    if details.day is not None and clock is not None:
        starts_at = dt.datetime.combine(details.day, clock)
        if starts_at <= now_london:
            errors["day"] = "The interview must be in the future"
        elif starts_at > now_london + dt.timedelta(days=366):
            errors["day"] = "The interview must be within the next year"
        values["starts_at"] = starts_at
    duration = (details.duration_minutes or "").strip() or "60"
    if not duration.isdigit() or not DURATION_RANGE[0] <= int(duration) <= DURATION_RANGE[1]:
        errors["duration_minutes"] = (f"How long must be a whole number of minutes from {DURATION_RANGE[0]} "
                                      f"to {DURATION_RANGE[1]}")
    else:
        values["duration_minutes"] = int(duration)
    try:
        values["format"] = InterviewFormat(details.format)
    except ValueError:
        errors["format"] = "Choose in person or online"
    place, link = details.place.strip(), details.online_link.strip()
    if values.get("format") == InterviewFormat.IN_PERSON:
        if not place:
            errors["place"] = "Enter the address of the interview"
        elif len(place) > PLACE_MAX:
            errors["place"] = f"Address must be {PLACE_MAX} characters or fewer"
        link = ""
    elif values.get("format") == InterviewFormat.ONLINE:
        parts = urlsplit(link)
        if not link:
            errors["online_link"] = "Enter the link to join the interview"
        elif parts.scheme != "https" or not parts.netloc or " " in link:
            errors["online_link"] = "Enter a link starting https://, like https://teams.microsoft.com/..."
        elif len(link) > LINK_MAX:
            errors["online_link"] = f"Link must be {LINK_MAX} characters or fewer"
        place = ""
    details_text = details.details.strip()
    if len(details_text) > DETAILS_MAX:
        errors["details"] = f"Details must be {DETAILS_MAX} characters or fewer"
    if errors:
        raise InterviewInvalid(errors)
    return {**values, "place": place, "online_link": link, "details": details_text}


def schedule(recruiter: User, application: Application, details: InterviewDetails,
             now: dt.datetime | None = None) -> Interview:
    """Book an interview and tell the applicant (the email goes after the commit). ``now``: London time."""
    if not pipeline.can_manage_vacancy(recruiter, application.vacancy):
        raise NotAllowed("You can only book interviews for your own council's applications.")
    if application.status not in BOOKABLE:
        raise ServiceError(f"You can book an interview once an application is shortlisted; this one is "
                           f"{application.status.label.lower()}.")
    # Interviews are booked, and read, in London time: the clock on the council's wall.
    now_london = now or dt.datetime.now(dt.UTC).astimezone(LONDON_TIME).replace(tzinfo=None)
    interview = Interview(application_id=application.id, scheduled_by_id=recruiter.id,
                          **_checked(details, now_london))
    db.session.add(interview)
    db.session.flush()
    funnel.record(FunnelStep.INTERVIEW_SCHEDULED, application=application)
    audit.record(recruiter, "application.interview_scheduled", application,
                 organisation_id=application.vacancy.organisation_id, interview_id=interview.id)
    if application.status == ApplicationStatus.SHORTLISTED:
        # The move tells the applicant, with this interview's details (services.notifications).
        pipeline.move(recruiter, application, ApplicationStatus.INTERVIEW)
    else:
        notifications.interview_rearranged(application, interview)
    return interview


def interviews_for(application: Application) -> list[Interview]:
    """Every interview booked for the application, soonest first."""
    return list(db.session.scalars(sa.select(Interview).where(Interview.application_id == application.id)
                                   .order_by(Interview.starts_at, Interview.id)))


def _empty_for_applications(application_ids: sa.Select) -> None:
    """An application emptied by the retention schedule (or its owner's deletion) keeps when its
    interviews were (the funnel counts them) but not where, the link or the notes."""
    db.session.execute(
        sa.update(Interview).where(Interview.application_id.in_(application_ids))
        .values(place="", online_link="", details="").execution_options(synchronize_session=False)
    )


accounts.register_application_content("interviews", _empty_for_applications)
