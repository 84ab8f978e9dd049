"""Accounts: registering social workers, signing in, password resets, and their personal data.

Everything here is callable without a request: views, CLI commands and tests share it.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from domain.funnel import FunnelStep
from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.models import Application, ApplicationEvent, Follow, FunnelEvent, User, utcnow
from webapp.services import passwords
from webapp.services.passwords import hash_password, verify_password
from webapp.services import ServiceError
from webapp.services import audit, funnel, outgoing_mail
from webapp.services.follows import follows_for
from webapp.services.profiles import profile_as_dict

# The password rules live in services.passwords; the forms read the lengths from here.
MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH
MAX_PASSWORD_LENGTH = passwords.MAX_LENGTH
PASSWORD_TOO_SHORT = passwords.TOO_SHORT
PASSWORD_TOO_LONG = passwords.TOO_LONG
EMAIL_TAKEN = "An account already exists for this email address. Sign in, or reset your password if you have forgotten it"
WRONG_CREDENTIALS = "Your email address or password is wrong"

_RESET_SALT = "cswjobs.password-reset"
# Where a deleted account's row points once its personal data is gone (see delete_account).
DELETED_EMAIL_DOMAIN = "deleted.invalid"
DELETED_NAME = "Deleted account"


class EmailTaken(ServiceError):
    pass


class WrongPassword(ServiceError):
    pass


def normalise_email(email: str) -> str:
    """Addresses are compared and stored in lower case: Sam@X.org and sam@x.org are one person."""
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    email = normalise_email(email)
    if not email:
        return None
    # lower() on the column too, so a row created elsewhere in mixed case is still found.
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email))


def end_sessions(user: User) -> None:
    """End every session this account has, on every device: each one carries the old generation
    (web.security.load_user), so even a copied cookie is refused from the next request on."""
    user.session_generation = (user.session_generation or 0) + 1


def set_password(user: User, password: str) -> None:
    problem = passwords.password_problem(password, (user.email, user.full_name))
    if problem:
        raise ServiceError(problem)
    user.password_hash = hash_password(password)
    # Moving this on kills every outstanding reset link for the account.
    user.password_changed_at = utcnow()
    # A new password (a reset after a laptop was lost, say) signs out everyone who knew the old one.
    end_sessions(user)


def register_candidate(email: str, full_name: str, password: str) -> User:
    """Create a social worker's account. Only candidates register themselves; staff are invited."""
    email = normalise_email(email)
    full_name = (full_name or "").strip()
    if not email:
        raise ServiceError("Enter your email address")
    if not full_name:
        raise ServiceError("Enter your full name")
    if find_user_by_email(email) is not None:
        raise EmailTaken(EMAIL_TAKEN)
    user = User(email=email, full_name=full_name, role=UserRole.CANDIDATE, active=True)
    set_password(user, password)
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:  # two sign-ups for one address at the same moment
        raise EmailTaken(EMAIL_TAKEN) from None
    audit.record(user, "account.registered", user)
    funnel.record_visitor_step(FunnelStep.REGISTRATION, user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None. Unknown addresses take as long as wrong passwords."""
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.active:
        return None
    user.last_sign_in_at = utcnow()
    user.inactivity_warned_at = None  # back before the retention schedule deletes the account
    return user


# Where each role lands after signing in when no page asked for them: its own home, the first of
# these pages the app has (council staff land on their vacancies in a build without the inbox).
HOME_ENDPOINTS: dict[UserRole, tuple[str, ...]] = {
    UserRole.CANDIDATE: ("account.applications",),
    UserRole.RECRUITER: ("inbox.index", "recruit.vacancies"),
    UserRole.ORG_ADMIN: ("inbox.index", "recruit.vacancies"),
    UserRole.PROGRAMME_LEAD: ("insights.dashboard",),
    UserRole.ADMIN: ("admin.home",),
}


def home_endpoint(user: User) -> str:
    """Where someone lands after signing in when no page asked for them."""
    pages = current_app.view_functions
    return next((endpoint for endpoint in HOME_ENDPOINTS.get(user.role, ()) if endpoint in pages), "jobs.home")


def safe_local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site (so a `next` link cannot send anyone elsewhere), else None."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None  # browsers read "/\evil.example" as another host; control characters hide tricks
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


# --- password reset -------------------------------------------------------------------------

def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def password_fingerprint(user: User) -> str:
    """Changes whenever the password does, so a used (or superseded) reset link, or a session
    signed in before the change, stops working."""
    changed = user.password_changed_at.isoformat() if user.password_changed_at else ""
    return hashlib.sha256(f"{changed}|{user.password_hash}".encode()).hexdigest()[:20]


def make_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"u": user.id, "p": password_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """The user a reset link was made for, if it is genuine, in date and not yet used."""
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.active or not secrets.compare_digest(str(data.get("p", "")), password_fingerprint(user)):
        return None
    return user


def request_password_reset(email: str) -> None:
    """Queue the reset mail: a link if the address has an active account, else a note saying it has none.

    Either way one mail is queued (with the change, sent by a task after the commit), so the page,
    and the time it takes, say nothing about who is registered; and no mail server is called inside
    the request."""
    email = normalise_email(email)
    user = find_user_by_email(email)
    service = current_app.config["SERVICE_NAME"]
    if user is None or not user.active:
        outgoing_mail.queue_mail(
            email, f"Resetting your password for {service}", "notice", kind="password_reset",
            heading="No account with this email address",
            paragraphs=[f"Someone asked to reset the password for this email address on {service}, but there is "
                        "no active account with this address, so nothing has changed.",
                        "If you did not ask for this, you can ignore this email.",
                        "If you are a social worker and want an account, you can create one:"],
            link=outgoing_mail.absolute_url("account.register"), link_text="Create an account",
        )
        return
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    outgoing_mail.queue_mail(
        user, f"Reset your password for {service}", "notice", kind="password_reset",
        heading="Reset your password",
        paragraphs=["Someone asked to reset the password for your account. To choose a new password, open this link:",
                    f"The link works once, for {minutes} minutes.",
                    "If you did not ask for this, you can ignore this email: your password has not changed."],
        # From SITE_URL, never the request's Host header, which a caller could forge to have a
        # working reset link mailed to a site of their choosing.
        link=outgoing_mail.absolute_url("account.reset_password", token=make_reset_token(user)),
        link_text="Choose a new password",
    )
    audit.record(user, "account.password_reset_requested", user)


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    if user is None:
        raise ServiceError("This link to reset your password has expired or has already been used")
    set_password(user, new_password)
    audit.record(user, "account.password_reset", user)
    return user


# --- personal data ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PersonalDataSource:
    """Another part of the service that keeps a person's data (saved searches, say) plugs in here,
    so "Download your data" and "Delete your account" reach it without this module knowing it."""

    name: str
    export: Callable[[User], Any]
    erase: Callable[[User], None]


PERSONAL_DATA_SOURCES: dict[str, PersonalDataSource] = {}


def register_personal_data(name: str, export: Callable[[User], Any], erase: Callable[[User], None]) -> None:
    PERSONAL_DATA_SOURCES[name] = PersonalDataSource(name, export, erase)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def export_personal_data(user: User) -> dict[str, Any]:
    """Everything the service holds about a person, as plain JSON-ready data."""
    applications = db.session.scalars(
        sa.select(Application).where(Application.candidate_id == user.id).order_by(Application.submitted_at)
    ).all()
    data: dict[str, Any] = {
        "exported_at": _iso(utcnow()),
        "user": {
            "email": user.email,
            "full_name": user.full_name,
            "role": user.role.value,
            "created_at": _iso(user.created_at),
            "last_sign_in_at": _iso(user.last_sign_in_at),
            "password_changed_at": _iso(user.password_changed_at),
        },
        "profile": profile_as_dict(user.profile) if user.profile else None,
        "applications": [
            {
                "vacancy": application.vacancy.title,
                "vacancy_reference": application.vacancy.reference,
                "council": application.vacancy.organisation.name,
                "status": application.status.value,
                "status_label": application.status.label,
                "submitted_at": _iso(application.submitted_at),
                "supporting_statement": application.supporting_statement,
                "decline_reason": application.decline_reason.value if application.decline_reason else None,
                "events": [
                    {
                        "from_status": event.from_status.value if event.from_status else None,
                        "to_status": event.to_status.value,
                        "at": _iso(event.created_at),
                        "note": event.note,
                    }
                    for event in application.events
                ],
            }
            for application in applications
        ],
        "follows": [
            {"council": follow.organisation.name, "slug": follow.organisation.slug, "followed_at": _iso(follow.created_at)}
            for follow in follows_for(user)
        ],
    }
    for source in PERSONAL_DATA_SOURCES.values():
        data[source.name] = source.export(user)
    return data


# Other parts of the service that keep text about an application (messages, interviews) plug in
# here, so an application emptied by account deletion or by retention loses that text too.
APPLICATION_CONTENT_ERASERS: dict[str, Callable[[sa.Select], None]] = {}


def register_application_content(name: str, erase: Callable[[sa.Select], None]) -> None:
    """``erase(application_ids)`` empties or deletes this part's rows for the applications selected."""
    APPLICATION_CONTENT_ERASERS[name] = erase


def empty_applications(application_ids: sa.Select) -> None:
    """Empty every piece of free text the selected applications hold, keeping the rows.

    What stays says only "someone applied for this job on this date and got this far": councils'
    funnel counts, time to hire and pipeline history do not change. ``updated_at`` is kept, so
    emptying is not mistaken for a change to the application."""
    db.session.execute(
        sa.update(Application).where(Application.id.in_(application_ids))
        .values(supporting_statement="", decline_detail="", answers=sa.null(), updated_at=Application.updated_at)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(ApplicationEvent).where(ApplicationEvent.application_id.in_(application_ids))
        .values(note="").execution_options(synchronize_session=False)
    )
    for erase in APPLICATION_CONTENT_ERASERS.values():
        erase(application_ids)


def delete_account(user: User, password: str) -> None:
    """Erase a social worker's personal data once they confirm with their password (see erase_account)."""
    if user.role != UserRole.CANDIDATE:
        raise ServiceError("Only social workers can delete their own account here. Ask a platform administrator")
    if not verify_password(user.password_hash, password or ""):
        raise WrongPassword("Your password is wrong")
    erase_account(user, "account.deleted")


def erase_account(user: User, action: str) -> None:
    """Erase a social worker's personal data: asked for by them, or by the retention schedule.

    The choice: the users row stays as an anonymous tombstone (no name, no address, no usable
    password, inactive) and their applications stay with every piece of free text emptied.
    Application.candidate_id cannot be null, and councils' funnel counts, time-to-hire and
    pipeline history must not change when a person leaves. Profile and follows are deleted
    outright, which also sends the profile's removal to search and matching through the outbox.
    """
    for source in PERSONAL_DATA_SOURCES.values():
        source.erase(user)
    if user.profile is not None:
        db.session.delete(user.profile)
        user.profile = None
    db.session.execute(sa.delete(Follow).where(Follow.user_id == user.id))
    empty_applications(sa.select(Application.id).where(Application.candidate_id == user.id))
    db.session.execute(
        sa.update(FunnelEvent).where(FunnelEvent.user_id == user.id).values(user_id=None)
        .execution_options(synchronize_session=False)
    )
    user.email = f"deleted-{user.id}@{DELETED_EMAIL_DOMAIN}"
    user.full_name = DELETED_NAME
    user.password_hash = "!"  # not an Argon2 hash: nothing verifies against it
    user.active = False
    user.last_sign_in_at = None
    user.inactivity_warned_at = None
    end_sessions(user)
    audit.record(user, action, user)
    db.session.flush()
    db.session.expire_all()  # the bulk updates above bypassed any application rows already loaded
