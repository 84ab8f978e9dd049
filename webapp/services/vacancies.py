"""A council's vacancies: the rules for a good advert, and drafting, publishing, closing and re-opening.

Recruiters call these through the recruit blueprint; a worker or a test can call them directly.
Nothing here commits: the caller commits once the whole change (with its audit entry) is made,
and the outbox hooks pick up every vacancy change in that same transaction.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from slugify import slugify

from domain.vocabulary import (
    ApplicationStatus,
    ApplyMethod,
    ContractType,
    HybridPattern,
    RoleLevel,
    ServiceArea,
    SupervisionFrequency,
    VacancyStatus,
    WorkingPattern,
)
from webapp.extensions import db
from webapp.models import ApiKey, Application, Organisation, User, Vacancy, utcnow
from webapp.services import NotAllowed, ServiceError
from webapp.services import advert_html, audit
from webapp.services.applications import can_manage_vacancy
from webapp.services.paging import one_page
from webapp.services.webhooks import events as webhook_events

log = logging.getLogger(__name__)

# Bounds that catch typing mistakes (a missing or extra nought) without second-guessing councils.
SALARY_FLOOR = 15_000
SALARY_CEILING = 150_000
FTE_MIN = Decimal("0.1")
FTE_MAX = Decimal("1.0")
CASELOAD_MAX_LIMIT = 60
PAYMENT_LIMIT = 50_000  # market supplement (a year) and retention payment
CLOSING_DATE_HORIZON_DAYS = 366
DESCRIPTION_MAX = 10_000
# Column sizes, so a form can say the limit before the database would refuse it.
TITLE_MAX = 150
SLUG_MAX = 160
TEAM_MAX = 120
SUMMARY_MAX = 300
LOCATION_MAX = 120
REFERENCE_MAX = 40
URL_MAX = 500
DEVELOPMENT_DETAILS_MAX = 300
EXTERNAL_REFERENCE_MAX = 100
# HTML sent by a council's system (tags and all) may be longer than its text; this bounds the row.
DESCRIPTION_HTML_MAX = 50_000
# Latitude and longitude that fall within England: a map position anywhere else is a typo.
LATITUDE_RANGE = (49.8, 55.9)
LONGITUDE_RANGE = (-6.5, 1.8)

# Every field a recruiter sets on a vacancy, in the order the form asks for them.
VACANCY_FIELDS: tuple[str, ...] = (
    "title", "reference", "role_level", "service_area", "team", "summary", "description",
    "salary_min", "salary_max", "contract_type", "fte", "working_pattern",
    "location_name", "latitude", "longitude", "closing_date", "apply_method", "external_apply_url",
    "caseload_max", "supervision_frequency", "protected_caseload_nqsw", "hybrid_pattern",
    "market_supplement", "retention_payment", "funded_development", "development_details",
)
# Set only by a council's own system (the API and the CSV import), never by the form.
INTEGRATION_FIELDS: tuple[str, ...] = ("external_reference", "description_html")

# Who changes a vacancy: a recruiter in the site, or a council's API key (its system).
Actor = User | ApiKey


class VacancyInvalid(ServiceError):
    """One or more answers break the rules; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# --- the rules ------------------------------------------------------------------------------------------

def slug_for(title: str) -> str:
    return slugify(title, max_length=SLUG_MAX, word_boundary=True) or "vacancy"


def clean_web_address(raw: str | None, max_length: int = URL_MAX) -> str | None:
    """A full http(s) address or None for blank; anything else (javascript:, ftp:, no host) is refused."""
    text = (raw or "").strip()
    if not text:
        return None
    if len(text) > max_length:
        raise ValueError(f"must be {max_length} characters or fewer")
    if re.search(r"\s", text):
        raise ValueError("must not contain spaces")
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        raise ValueError("must be a full web address, like https://www.example.gov.uk/jobs") from None
    if parts.scheme.lower() not in ("http", "https") or not host or "." not in host:
        raise ValueError("must be a full web address starting with https:// or http://")
    if parts.username is not None or parts.password is not None:
        # https://user:password@host puts a password on a public page, and "https://council.gov.uk@evil.example"
        # reads as the council's address but goes elsewhere.
        raise ValueError("must not contain a user name or password (nothing before an @ in the address)")
    return text


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _one_line(value: Any) -> str:
    return re.sub(r"\s+", " ", _text(value))


def _enum(enum_cls: type[Enum], value: Any) -> Enum | None:
    if value is None or value == "":
        return None
    try:
        return enum_cls(value)
    except ValueError:
        raise ValueError from None


def _whole_number(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{1,9}", value.strip()):
        return int(value.strip())
    raise ValueError


def clean_vacancy(
    values: dict[str, Any],
    organisation: Organisation,
    *,
    require_future_closing: bool,
    today: dt.date | None = None,
    partial: bool = False,
    description_may_be_html: bool = False,
) -> dict[str, Any]:
    """Check and normalise a vacancy's fields; raise VacancyInvalid with a message per field.

    `partial` checks only the fields given (a form uses it to report every problem at once,
    skipping the fields it could not read); otherwise a missing field counts as blank.
    `require_future_closing` applies when the vacancy is (or is about to be) live.
    `description_may_be_html` (the API and the CSV import) reads a description with markup as HTML:
    sanitised into `description_html`, its text checked by the same rules as the form's.
    """
    today = today or dt.date.today()
    given = dict(values)
    if not partial:
        given = {name: values.get(name) for name in VACANCY_FIELDS}
        if "external_reference" in values:
            given["external_reference"] = values["external_reference"]
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    if description_may_be_html and isinstance(given.get("description"), str):
        if len(given["description"]) > DESCRIPTION_HTML_MAX:
            errors["description"] = f"Job description must be {DESCRIPTION_HTML_MAX:,} characters or fewer, with its HTML"
            del given["description"]
        else:
            given["description"], clean["description_html"] = advert_html.read_description(given["description"])

    def has(name: str) -> bool:
        return name in given

    def text(name: str, label: str, max_length: int, required: str | None = None, one_line: bool = True) -> None:
        if not has(name):
            return
        value = _one_line(given[name]) if one_line else _text(given[name])
        if required and not value:
            errors[name] = required
        elif len(value) > max_length:
            errors[name] = f"{label} must be {max_length:,} characters or fewer"
        else:
            clean[name] = value

    text("title", "Job title", TITLE_MAX, required="Enter a job title")
    text("team", "Team", TEAM_MAX)
    text("summary", "Summary", SUMMARY_MAX, required="Enter a short summary of the job")
    text("description", "Job description", DESCRIPTION_MAX, required="Enter a job description", one_line=False)
    text("location_name", "Location", LOCATION_MAX)
    text("development_details", "Development details", DEVELOPMENT_DETAILS_MAX)
    if has("reference"):
        reference = _one_line(given["reference"])
        if len(reference) > REFERENCE_MAX:
            errors["reference"] = f"Reference must be {REFERENCE_MAX} characters or fewer"
        else:
            clean["reference"] = reference or None
    if "external_reference" in given:
        external = _one_line(given["external_reference"])
        if len(external) > EXTERNAL_REFERENCE_MAX:
            errors["external_reference"] = f"External reference must be {EXTERNAL_REFERENCE_MAX} characters or fewer"
        else:
            clean["external_reference"] = external or None
    if "location_name" in clean and not clean["location_name"]:
        clean["location_name"] = organisation.town or organisation.name

    for name, enum_cls, message, required in (
        ("role_level", RoleLevel, "Select a role level", True),
        ("service_area", ServiceArea, "Select a service area", True),
        ("contract_type", ContractType, "Select a contract type", True),
        ("working_pattern", WorkingPattern, "Select a working pattern", True),
        ("apply_method", ApplyMethod, "Select how people apply", True),
        ("supervision_frequency", SupervisionFrequency, "Select how often supervision happens", False),
        ("hybrid_pattern", HybridPattern, "Select the hybrid working pattern", False),
    ):
        if not has(name):
            continue
        try:
            member = _enum(enum_cls, given[name])
        except ValueError:
            errors[name] = message
            continue
        if member is None and required:
            errors[name] = message
        else:
            clean[name] = member

    for name, label in (("salary_min", "Minimum salary"), ("salary_max", "Maximum salary")):
        if not has(name):
            continue
        try:
            amount = _whole_number(given[name])
        except ValueError:
            errors[name] = f"{label} must be a whole number of pounds, like 42000"
            continue
        if amount is None:
            errors[name] = f"Enter the {label.lower()}"
        elif amount < SALARY_FLOOR:
            errors[name] = f"{label} must be £{SALARY_FLOOR:,} or more"
        elif amount > SALARY_CEILING:
            errors[name] = f"{label} must be £{SALARY_CEILING:,} or less"
        else:
            clean[name] = amount
    if "salary_min" in clean and "salary_max" in clean and clean["salary_min"] > clean["salary_max"]:
        errors["salary_max"] = "Maximum salary must be the same as or more than the minimum salary"
        clean.pop("salary_max")

    if has("fte"):
        raw = given["fte"]
        try:
            fte = None if raw is None or raw == "" else Decimal(str(raw).strip())
            if fte is not None and not fte.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors["fte"] = "Full-time equivalent must be a number, like 1.0 or 0.6"
        else:
            if fte is None:
                errors["fte"] = "Enter the full-time equivalent, like 1.0 for full time"
            elif not FTE_MIN <= fte <= FTE_MAX:
                errors["fte"] = f"Full-time equivalent must be between {FTE_MIN} and {FTE_MAX}"
            elif fte != fte.quantize(Decimal("0.01")):
                errors["fte"] = "Full-time equivalent must have no more than 2 decimal places, like 0.75"
            else:
                clean["fte"] = fte.quantize(Decimal("0.01"))

    for name, label, low, high in (("latitude", "Latitude", *LATITUDE_RANGE), ("longitude", "Longitude", *LONGITUDE_RANGE)):
        if not has(name):
            continue
        raw = given[name]
        if raw is None or raw == "":
            clean[name] = None
            continue
        try:
            number = float(raw)
        except (TypeError, ValueError):
            errors[name] = f"{label} must be a number, like {51.5 if name == 'latitude' else -0.12}"
            continue
        if not low <= number <= high:
            errors[name] = f"{label} must be between {low} and {high} (a place in England)"
        else:
            clean[name] = number
    if "latitude" in clean and "longitude" in clean and (clean["latitude"] is None) != (clean["longitude"] is None):
        missing = "latitude" if clean["latitude"] is None else "longitude"
        errors[missing] = "Enter both latitude and longitude, or leave both blank to use the council's"
        clean.pop(missing)
    for name, default in (("latitude", organisation.latitude), ("longitude", organisation.longitude)):
        if name in clean and clean[name] is None:
            clean[name] = default

    if has("closing_date"):
        closing = given["closing_date"]
        if closing is None or closing == "":
            errors["closing_date"] = "Enter the closing date"
        elif not isinstance(closing, dt.date) or isinstance(closing, dt.datetime):
            errors["closing_date"] = "Closing date must be a real date"
        elif require_future_closing and closing <= today:
            errors["closing_date"] = "Closing date must be in the future"
        elif closing > today + dt.timedelta(days=CLOSING_DATE_HORIZON_DAYS):
            errors["closing_date"] = "Closing date must be within a year from today"
        else:
            clean["closing_date"] = closing

    if has("external_apply_url"):
        try:
            clean["external_apply_url"] = clean_web_address(given["external_apply_url"])
        except ValueError as problem:
            errors["external_apply_url"] = f"Web address {problem}"
    if clean.get("apply_method") == ApplyMethod.EXTERNAL and "external_apply_url" in clean \
            and not clean["external_apply_url"]:
        errors["external_apply_url"] = "Enter the web address where people apply"
    if clean.get("apply_method") == ApplyMethod.IN_PLATFORM and "external_apply_url" in clean:
        clean["external_apply_url"] = None  # the revealed box was hidden again: nothing to keep

    for name, label, low, high in (
        ("caseload_max", "Typical maximum caseload", 1, CASELOAD_MAX_LIMIT),
        ("market_supplement", "Market supplement", 0, PAYMENT_LIMIT),
        ("retention_payment", "Retention payment", 0, PAYMENT_LIMIT),
    ):
        if not has(name):
            continue
        try:
            number = _whole_number(given[name])
        except ValueError:
            errors[name] = f"{label} must be a whole number" + (" of pounds" if name != "caseload_max" else "")
            continue
        if number is not None and not low <= number <= high:
            unit = "£" if name != "caseload_max" else ""
            errors[name] = f"{label} must be between {unit}{low:,} and {unit}{high:,}"
        else:
            clean[name] = number or None  # nought is the same as not offered

    for name in ("protected_caseload_nqsw", "funded_development"):
        if has(name):
            clean[name] = bool(given[name])
    if has("funded_development") and not clean["funded_development"] and "development_details" in clean:
        clean["development_details"] = ""
    if clean.get("funded_development") and "development_details" in clean and not clean["development_details"]:
        errors["development_details"] = "Describe the development you fund, like a funded ASYE or a Masters"

    if errors:
        raise VacancyInvalid(errors)
    return clean


# --- who may do what -------------------------------------------------------------------------------------

def _check_manage(actor: Actor, vacancy: Vacancy) -> None:
    if isinstance(actor, ApiKey):
        allowed = actor.is_active and actor.organisation_id == vacancy.organisation_id
    else:
        allowed = can_manage_vacancy(actor, vacancy)
    if not allowed:
        raise NotAllowed("You can only manage your own council's vacancies.")


def _record(actor: Actor, action: str, vacancy: Vacancy, **detail: Any) -> None:
    """The audit entry: a person by their id; a council's system by its API key's id."""
    if isinstance(actor, ApiKey):
        audit.record(None, action, vacancy, organisation_id=vacancy.organisation_id, api_key_id=actor.id, **detail)
    else:
        audit.record(actor, action, vacancy, organisation_id=vacancy.organisation_id, **detail)


def reference_holder(organisation_id: int, external_reference: str | None, except_id: int | None = None) -> Vacancy | None:
    """The council's vacancy (not removed) that already has this external reference, if any."""
    if not external_reference:
        return None
    query = sa.select(Vacancy).where(Vacancy.organisation_id == organisation_id,
                                     Vacancy.external_reference == external_reference, Vacancy.deleted_at.is_(None))
    if except_id is not None:
        query = query.where(Vacancy.id != except_id)
    return db.session.scalar(query)


def vacancy_for_recruiter(user: User, vacancy_id: int) -> Vacancy | None:
    """The vacancy if this user manages it; None for another council's (so it looks like one that does not exist)."""
    if user.organisation_id is None or not 0 < vacancy_id < 2**31:
        return None
    return db.session.scalar(
        sa.select(Vacancy).where(Vacancy.id == vacancy_id, Vacancy.organisation_id == user.organisation_id)
    )


# --- changes ------------------------------------------------------------------------------------------------

def _apply(vacancy: Vacancy, clean: dict[str, Any]) -> list[str]:
    changed = []
    if "description" in clean and "description_html" not in clean and clean["description"] != vacancy.description:
        clean = {**clean, "description_html": None}  # new text from the form: the council's HTML no longer says it
    for name in VACANCY_FIELDS + INTEGRATION_FIELDS:
        if name in clean and getattr(vacancy, name) != clean[name]:
            setattr(vacancy, name, clean[name])
            changed.append(name)
    if "title" in changed:
        vacancy.slug = slug_for(vacancy.title)
    return changed


def create_vacancy(recruiter: Actor, values: dict[str, Any], today: dt.date | None = None,
                   clean: dict[str, Any] | None = None) -> Vacancy:
    """A new draft for the recruiter's (or API key's) own council. ``clean``: values already checked
    by clean_vacancy (the API and CSV import check first, to report every problem before any change)."""
    organisation = _posting_council(recruiter)
    if clean is None:
        clean = clean_vacancy(values, organisation, require_future_closing=False, today=today)
    return create_vacancies(recruiter, [clean])[0]


def _posting_council(recruiter: Actor) -> Organisation:
    is_key = isinstance(recruiter, ApiKey)
    if (not is_key and not recruiter.is_recruiter) or recruiter.organisation_id is None \
            or (is_key and not recruiter.is_active):
        raise NotAllowed("Only a council's recruiters can post its vacancies.")
    return db.session.get(Organisation, recruiter.organisation_id)


def create_vacancies(recruiter: Actor, cleans: list[dict[str, Any]]) -> list[Vacancy]:
    """New drafts from values clean_vacancy has checked, written in one flush (a CSV import's
    thousand rows are one batch of inserts, not a thousand round trips), each with its audit entry."""
    organisation = _posting_council(recruiter)
    created_by = None if isinstance(recruiter, ApiKey) else recruiter.id
    made = []
    for clean in cleans:
        vacancy = Vacancy(organisation=organisation, created_by_id=created_by, status=VacancyStatus.DRAFT)
        made.append((vacancy, _apply(vacancy, clean)))
    db.session.add_all([vacancy for vacancy, _ in made])
    db.session.flush()
    for vacancy, changed in made:
        _record(recruiter, "vacancy.created", vacancy, changed=changed)
    return [vacancy for vacancy, _ in made]


def update_vacancy(recruiter: Actor, vacancy: Vacancy, values: dict[str, Any], today: dt.date | None = None,
                   clean: dict[str, Any] | None = None) -> list[str]:
    """Save edits; returns the names of the fields that changed (nothing is recorded if none did)."""
    _check_manage(recruiter, vacancy)
    today = today or dt.date.today()
    if clean is None:
        clean = clean_vacancy(values, vacancy.organisation, require_future_closing=vacancy.is_live_on(today),
                              today=today)
    changed = _apply(vacancy, clean)
    if changed:
        db.session.flush()
        _record(recruiter, "vacancy.updated", vacancy, changed=changed)
    return changed


def _current_values(vacancy: Vacancy) -> dict[str, Any]:
    return {name: getattr(vacancy, name) for name in VACANCY_FIELDS}


def publish(recruiter: Actor, vacancy: Vacancy, today: dt.date | None = None) -> Vacancy:
    """Draft → live. The whole advert is checked again, with a closing date that must be in the future."""
    _check_manage(recruiter, vacancy)
    if vacancy.status != VacancyStatus.DRAFT:
        raise ServiceError(f"Only a draft can be published; this vacancy is {vacancy.status.label.lower()}.")
    clean_vacancy(_current_values(vacancy), vacancy.organisation, require_future_closing=True, today=today)
    vacancy.status = VacancyStatus.LIVE
    vacancy.published_at = utcnow()
    vacancy.closed_at = None
    _record(recruiter, "vacancy.published", vacancy, changed=["status", "published_at"])
    return vacancy


def close(recruiter: Actor, vacancy: Vacancy) -> Vacancy:
    """Live → closed: it leaves search at once; applications already made carry on."""
    _check_manage(recruiter, vacancy)
    if vacancy.status != VacancyStatus.LIVE:
        raise ServiceError(f"Only a live vacancy can be closed; this vacancy is {vacancy.status.label.lower()}.")
    vacancy.status = VacancyStatus.CLOSED
    vacancy.closed_at = utcnow()
    _record(recruiter, "vacancy.closed", vacancy, changed=["status", "closed_at"])
    webhook_events.vacancy_closed(vacancy, webhook_events.CLOSED_BY_COUNCIL)
    return vacancy


def remove(actor: Actor, vacancy: Vacancy) -> Vacancy:
    """Close and remove (a soft delete, the API's DELETE): a live vacancy is closed as `close` does,
    leaving search, feeds and the sitemap through the outbox; a draft is closed unpublished. The row
    stays for its applications and the audit trail; its external reference is free to use again."""
    _check_manage(actor, vacancy)
    if vacancy.deleted_at is not None:
        raise ServiceError("This vacancy has already been removed.")
    if vacancy.status == VacancyStatus.LIVE:
        close(actor, vacancy)
    elif vacancy.status == VacancyStatus.DRAFT:
        vacancy.status = VacancyStatus.CLOSED
        vacancy.closed_at = utcnow()
    vacancy.deleted_at = utcnow()
    _record(actor, "vacancy.removed", vacancy, changed=["status", "closed_at", "deleted_at"])
    return vacancy


def close_expired_vacancies(today: dt.date | None = None) -> int:
    """Mark live vacancies past their closing date as closed, and say how many.

    Search already hides them from the day after closing (a query-time filter); this makes the
    status say so too, for recruiters' lists and reports, and lets the outbox remove them from
    the index. Idempotent: a second run finds nothing to do.
    """
    today = today or dt.date.today()
    expired = db.session.scalars(
        sa.select(Vacancy).where(Vacancy.status == VacancyStatus.LIVE, Vacancy.closing_date < today)
    ).all()
    for vacancy in expired:
        vacancy.status = VacancyStatus.CLOSED
        vacancy.closed_at = utcnow()
        audit.record(None, "vacancy.expired", vacancy, organisation_id=vacancy.organisation_id,
                     changed=["status", "closed_at"])
        webhook_events.vacancy_closed(vacancy, webhook_events.CLOSING_DATE_PASSED)
    db.session.commit()
    log.info("closed %d vacancies past their closing date", len(expired))
    return len(expired)


def can_reopen(vacancy: Vacancy, today: dt.date | None = None) -> bool:
    """Closed by hand, or still marked live but past its closing date."""
    today = today or dt.date.today()
    return vacancy.status == VacancyStatus.CLOSED or (
        vacancy.status == VacancyStatus.LIVE and not vacancy.is_live_on(today)
    )


def reopen(recruiter: User, vacancy: Vacancy, closing_date: dt.date | None, today: dt.date | None = None) -> Vacancy:
    """Closed (or expired) → live again, with a new closing date in the future."""
    _check_manage(recruiter, vacancy)
    today = today or dt.date.today()
    if not can_reopen(vacancy, today):
        raise ServiceError(f"Only a closed vacancy can be re-opened; this vacancy is {display_status(vacancy, today)[0].lower()}.")
    clean = clean_vacancy({"closing_date": closing_date}, vacancy.organisation, require_future_closing=True,
                          today=today, partial=True)
    changed = ["status", "closing_date"] if vacancy.status != VacancyStatus.LIVE else ["closing_date"]
    vacancy.status = VacancyStatus.LIVE
    vacancy.closing_date = clean["closing_date"]
    if vacancy.closed_at is not None:
        vacancy.closed_at = None
        changed.append("closed_at")
    if vacancy.published_at is None:
        vacancy.published_at = utcnow()
        changed.append("published_at")
    audit.record(recruiter, "vacancy.reopened", vacancy, organisation_id=vacancy.organisation_id, changed=changed)
    return vacancy


# --- what a recruiter sees ----------------------------------------------------------------------------------

TABS: dict[str, str] = {"live": "Live", "draft": "Drafts", "closed": "Closed"}
PER_PAGE = 25


def display_status(vacancy: Vacancy, today: dt.date | None = None) -> tuple[str, str]:
    """What the vacancy is now, as a recruiter reads it, and the tag colour for it."""
    today = today or dt.date.today()
    if vacancy.status == VacancyStatus.DRAFT:
        return "Draft", "govuk-tag--grey"
    if vacancy.status == VacancyStatus.LIVE:
        if vacancy.is_live_on(today):
            return "Live", "govuk-tag--green"
        return "Closed (closing date passed)", "govuk-tag--orange"
    return "Closed", "govuk-tag--red"


def state_filter(tab: str, today: dt.date) -> sa.ColumnElement[bool]:
    """live (published, closing date not passed), draft, or closed (by hand or past its closing date)."""
    if tab == "live":
        return sa.and_(Vacancy.status == VacancyStatus.LIVE, Vacancy.closing_date >= today)
    if tab == "draft":
        return Vacancy.status == VacancyStatus.DRAFT
    return sa.or_(Vacancy.status == VacancyStatus.CLOSED,
                  sa.and_(Vacancy.status == VacancyStatus.LIVE, Vacancy.closing_date < today))


def tab_counts(organisation_id: int, today: dt.date | None = None) -> dict[str, int]:
    today = today or dt.date.today()
    return {
        tab: db.session.scalar(
            sa.select(sa.func.count()).select_from(Vacancy)
            .where(Vacancy.organisation_id == organisation_id, state_filter(tab, today))
        ) or 0
        for tab in TABS
    }


@dataclass(frozen=True)
class VacancyRow:
    vacancy: Vacancy
    applications: int
    awaiting_review: int  # submitted and not yet shortlisted or turned down
    status_label: str
    status_class: str


@dataclass(frozen=True)
class VacancyPage:
    rows: list[VacancyRow]
    total: int
    page: int
    pages: int


def application_counts(vacancy_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per vacancy: (all applications, those still awaiting review)."""
    if not vacancy_ids:
        return {}
    awaiting = sa.func.sum(sa.case((Application.status == ApplicationStatus.SUBMITTED, 1), else_=0))
    rows = db.session.execute(
        sa.select(Application.vacancy_id, sa.func.count(), awaiting)
        .where(Application.vacancy_id.in_(vacancy_ids))
        .group_by(Application.vacancy_id)
    ).all()
    return {vacancy_id: (int(total), int(waiting or 0)) for vacancy_id, total, waiting in rows}


def vacancies_for(organisation_id: int, tab: str, page: int = 1, today: dt.date | None = None) -> VacancyPage:
    """One tab of a council's vacancies, a page at a time, with their application counts."""
    if tab not in TABS:
        raise ServiceError("Choose live, draft or closed vacancies.")
    today = today or dt.date.today()
    where = sa.and_(Vacancy.organisation_id == organisation_id, state_filter(tab, today))
    order = {
        "live": (Vacancy.closing_date.asc(), Vacancy.id.asc()),
        "draft": (Vacancy.updated_at.desc(), Vacancy.id.desc()),
        "closed": (Vacancy.closing_date.desc(), Vacancy.id.desc()),
    }[tab]
    found = one_page(sa.select(Vacancy).where(where).order_by(*order), page, PER_PAGE)
    vacancies, total, pages = list(found.items), found.total or 0, max(found.pages, 1)
    counts = application_counts([v.id for v in vacancies])
    rows = []
    for vacancy in vacancies:
        total_apps, waiting = counts.get(vacancy.id, (0, 0))
        label, css = display_status(vacancy, today)
        rows.append(VacancyRow(vacancy, total_apps, waiting, label, css))
    return VacancyPage(rows, total, page, pages)
