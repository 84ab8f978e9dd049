"""What a council's own system does through the API: list, create, replace, publish and remove its
vacancies, with the same rules as the form (services/vacancies.py), its own external references and
Idempotency-Key retries. No request objects: the API's views (webapp/api/vacancies.py) call these.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from domain.geography import LONDON_TIME
from domain.vocabulary import ApplyMethod, VacancyStatus
from webapp.extensions import db
from webapp.models import ApiKey, ApiKeyScope, IdempotentRequest, Organisation, Vacancy, utcnow
from webapp.services import NotAllowed, ServiceError
from webapp.services import vacancies as vacancy_service
from webapp.services.paging import one_page

IDEMPOTENCY_WINDOW = dt.timedelta(hours=24)  # a retry a day later is a new request, as Stripe's are
IDEMPOTENCY_KEY_MAX = 255
# What a council's system may leave out: the answers the form starts with.
DEFAULTS: dict[str, Any] = {
    "fte": "1.0",
    "apply_method": ApplyMethod.IN_PLATFORM.value,
    "location_name": "",
    "team": "",
    "protected_caseload_nqsw": False,
    "funded_development": False,
    "development_details": "",
}


class ReferenceTaken(ServiceError):
    """Another of the council's vacancies already has this external reference."""

    def __init__(self, existing: Vacancy):
        super().__init__(f"Your council already has a vacancy with the external reference "
                         f"'{existing.external_reference}' (id {existing.id}). Update that one, or remove it first.")
        self.existing = existing


class StateConflict(ServiceError):
    """The change does not fit the vacancy's state (like making a live vacancy a draft again)."""


class IdempotencyMismatch(ServiceError):
    """The Idempotency-Key was used before with a different request."""


class TimeInvalid(ServiceError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


# --- times: a moment without a zone is a London clock time ---------------------------------------

def london_date(raw: Any, field: str = "closing_date") -> dt.date | None:
    """A date (2027-03-31), or a date and time whose London date is taken (with a zone, converted;
    without one, read as London's clock). None for blank."""
    if raw is None or raw == "":
        return None
    text = str(raw).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise TimeInvalid(field, "Closing date must be a real date, like 2027-03-31") from None
    moment = _moment(text, field)
    return moment.astimezone(LONDON_TIME).date()


def _moment(text: str, field: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise TimeInvalid(field, f"{field} must be a date (2027-03-31) or a date and time (2027-03-31T17:00:00, "
                                 f"with a zone like +01:00 or Z; without one it is read as London time)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON_TIME)
    return moment


def utc_moment(raw: str, field: str) -> dt.datetime:
    """A date and time as naive UTC (how the database keeps times); a bare date is its London midnight."""
    text = raw.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        text += "T00:00:00"
    moment = _moment(text, field)
    if not dt.datetime(1970, 1, 2, tzinfo=dt.UTC) <= moment <= dt.datetime(9999, 1, 1, tzinfo=dt.UTC):
        raise TimeInvalid(field, f"{field} must be a time between 1970 and 9999")
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def utc_text(moment: dt.datetime | None) -> str | None:
    """A naive UTC time as the API documents write it: ISO 8601 ending in Z."""
    return None if moment is None else moment.replace(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")


# --- reading -------------------------------------------------------------------------------------------

def state_of(vacancy: Vacancy, today: dt.date | None = None) -> str:
    """draft, live or closed, as a client reads it: a live vacancy past its closing date is closed."""
    today = today or dt.date.today()
    if vacancy.status == VacancyStatus.DRAFT:
        return "draft"
    return "live" if vacancy.is_live_on(today) else "closed"


@dataclass(frozen=True)
class VacancyList:
    items: list[Vacancy]
    page: int
    per_page: int
    total: int
    pages: int


def list_vacancies(key: ApiKey, *, state: str | None = None, updated_since: dt.datetime | None = None,
                   external_reference: str | None = None, page: int = 1, per_page: int = 25,
                   today: dt.date | None = None) -> VacancyList:
    """The key's council's vacancies (not removed), oldest change first so a client can follow
    `updated_since` forward; PageNotFound past the last page."""
    today = today or dt.date.today()
    where = [Vacancy.organisation_id == key.organisation_id, Vacancy.deleted_at.is_(None)]
    if state is not None:
        where.append(vacancy_service.state_filter(state, today))
    if updated_since is not None:
        where.append(Vacancy.updated_at >= updated_since)
    if external_reference is not None:
        where.append(Vacancy.external_reference == external_reference)
    found = one_page(sa.select(Vacancy).where(*where).order_by(Vacancy.updated_at.asc(), Vacancy.id.asc()),
                     page, per_page)
    return VacancyList(list(found.items), page, per_page, found.total or 0, max(found.pages, 1))


def vacancy_for_key(key: ApiKey, vacancy_id: int) -> Vacancy | None:
    """The vacancy if it is the key's council's and not removed; None otherwise (another council's
    vacancy looks exactly like one that does not exist)."""
    if not 0 < vacancy_id < 2**31:
        return None
    return db.session.scalar(sa.select(Vacancy).where(
        Vacancy.id == vacancy_id, Vacancy.organisation_id == key.organisation_id, Vacancy.deleted_at.is_(None)))


# --- changing ------------------------------------------------------------------------------------------

def require_write(key: ApiKey) -> None:
    if key.scope != ApiKeyScope.WRITE:
        raise NotAllowed("This API key is read only. Ask your council administrator for a key that can write.")


def checked_vacancy(organisation: Organisation, payload: dict[str, Any], *, going_live: bool,
                    today: dt.date | None = None) -> dict[str, Any]:
    """A council system's fields (the API's body, or a CSV row) checked by the vacancy rules: defaults
    for what it left out, its closing date (or date and time) read as a London date, a description
    with markup read as HTML. VacancyInvalid names every field at fault at once."""
    values = {**DEFAULTS, **{k: v for k, v in payload.items() if k != "status"}}
    unreadable: dict[str, str] = {}
    try:
        values["closing_date"] = london_date(values.get("closing_date"))
    except TimeInvalid as problem:
        unreadable[problem.field] = str(problem)
        values["closing_date"] = None
    try:
        clean = vacancy_service.clean_vacancy(values, organisation, require_future_closing=going_live, today=today,
                                              description_may_be_html=True)
    except vacancy_service.VacancyInvalid as invalid:
        raise vacancy_service.VacancyInvalid({**invalid.errors, **unreadable}) from None
    if unreadable:
        raise vacancy_service.VacancyInvalid(unreadable)
    return clean


def _checked(key: ApiKey, payload: dict[str, Any], *, going_live: bool, today: dt.date | None,
             except_id: int | None = None) -> dict[str, Any]:
    clean = checked_vacancy(key.organisation, payload, going_live=going_live, today=today)
    existing = vacancy_service.reference_holder(key.organisation_id, clean.get("external_reference"), except_id)
    if existing is not None:
        raise ReferenceTaken(existing)
    return clean


def create(key: ApiKey, payload: dict[str, Any], today: dt.date | None = None) -> Vacancy:
    """A new vacancy, a draft unless the payload's status is live (then published at once, checked as
    the form's publish is). Nothing is written if any rule is broken."""
    require_write(key)
    going_live = payload.get("status") == "live"
    clean = _checked(key, payload, going_live=going_live, today=today)
    vacancy = vacancy_service.create_vacancy(key, {}, today=today, clean=clean)
    if going_live:
        vacancy_service.publish(key, vacancy, today=today)
    return vacancy


def replace(key: ApiKey, vacancy: Vacancy, payload: dict[str, Any], today: dt.date | None = None) -> list[str]:
    """Every field set from the payload (PUT); status live publishes a draft; a live vacancy cannot
    become a draft again (remove it instead)."""
    require_write(key)
    today = today or dt.date.today()
    state = state_of(vacancy, today)
    wanted = payload.get("status", "draft" if state == "draft" else "live")
    if state == "closed":
        raise StateConflict("This vacancy is closed and can no longer be changed through the API.")
    if state == "live" and wanted == "draft":
        raise StateConflict("A live vacancy cannot become a draft again. Remove it (DELETE) to close it.")
    going_live = wanted == "live"
    clean = _checked(key, payload, going_live=going_live or state == "live", today=today, except_id=vacancy.id)
    changed = vacancy_service.update_vacancy(key, vacancy, {}, today=today, clean=clean)
    if going_live and state == "draft":
        vacancy_service.publish(key, vacancy, today=today)
        changed.append("status")
    return changed


def publish(key: ApiKey, vacancy: Vacancy, today: dt.date | None = None) -> Vacancy:
    require_write(key)
    if vacancy.status != VacancyStatus.DRAFT:
        raise StateConflict(f"Only a draft can be published; this vacancy is {state_of(vacancy, today)}.")
    return vacancy_service.publish(key, vacancy, today=today)


def remove(key: ApiKey, vacancy: Vacancy) -> Vacancy:
    require_write(key)
    return vacancy_service.remove(key, vacancy)


# --- Idempotency-Key ---------------------------------------------------------------------------------

def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def clean_idempotency_key(raw: str | None) -> str | None:
    if raw is None:
        return None
    text = raw.strip()
    if not text or len(text) > IDEMPOTENCY_KEY_MAX or not text.isprintable() or not text.isascii():
        raise ServiceError(f"Idempotency-Key must be 1 to {IDEMPOTENCY_KEY_MAX} printable ASCII characters, "
                           "like a UUID")
    return text


def earlier_answer(key: ApiKey, idempotency_key: str, print_: str, now: dt.datetime | None = None) -> IdempotentRequest | None:
    """The answer already given to this Idempotency-Key within the window; IdempotencyMismatch if the
    key came with a different request."""
    now = now or utcnow()
    found = db.session.scalar(sa.select(IdempotentRequest).where(
        IdempotentRequest.organisation_id == key.organisation_id, IdempotentRequest.key == idempotency_key))
    if found is None:
        return None
    if now - found.created_at > IDEMPOTENCY_WINDOW:
        db.session.delete(found)  # expired: this is a new request; the row goes in the same transaction
        db.session.flush()
        return None
    if found.fingerprint != print_:
        raise IdempotencyMismatch("This Idempotency-Key was used with a different request. Use a new key "
                                  "for a new request.")
    return found


def remember_answer(key: ApiKey, idempotency_key: str, print_: str, status: int, body: dict[str, Any],
                    location: str | None) -> None:
    """Keep the answer in the same transaction as the change it describes: both are saved, or neither."""
    db.session.add(IdempotentRequest(organisation_id=key.organisation_id, key=idempotency_key, fingerprint=print_,
                                     status_code=status, response_body=json.dumps(body), location=location))


def forget_old_answers(now: dt.datetime | None = None) -> int:
    """Delete kept answers older than the window (scheduled daily)."""
    cutoff = (now or utcnow()) - IDEMPOTENCY_WINDOW
    result = db.session.execute(sa.delete(IdempotentRequest).where(IdempotentRequest.created_at < cutoff))
    db.session.commit()
    return result.rowcount or 0
