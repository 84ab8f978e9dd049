"""Platform administration: finding accounts, changing a role, switching an account off or on,
sending a password reset, and what the admin area's pages read about councils and their staff.

Every change is audited with ids and role names only, never a name or an address.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.models import Organisation, User
from webapp.models.users import COUNCIL_ROLES
from webapp.services import NotAllowed, ServiceError, accounts, audit
from webapp.services.paging import one_page

PER_PAGE = 25
QUERY_MAX = 100

NOT_YOUR_OWN = "You cannot change your own role or switch off your own account: ask another platform administrator"
LAST_ADMIN = "This is the last active platform administrator: make someone else a platform administrator first"
CHOOSE_ROLE = "Choose a role from the list"
CHOOSE_COUNCIL = "Choose the council this person works for"
SAME_ROLE = "This person already has this role"
QUERY_TOO_LONG = f"Search for {QUERY_MAX} characters or fewer"
SWITCHED_OFF = "This account is switched off: switch it on before sending a password reset"


@dataclass
class UserPage:
    users: list[User]
    total: int
    pages: int


def find_users(query: str, page: int) -> UserPage:
    """Accounts whose email address or name contains ``query`` (any case), a page at a time, by id."""
    query = (query or "").strip()
    if len(query) > QUERY_MAX:
        raise ServiceError(QUERY_TOO_LONG)
    statement = sa.select(User).order_by(User.id)
    if query:
        # LIKE's own wildcards in what was typed are matched literally.
        pattern = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(sa.or_(sa.func.lower(User.email).like(pattern, escape="\\"),
                                           sa.func.lower(User.full_name).like(pattern, escape="\\")))
    found = one_page(statement, page, PER_PAGE)
    return UserPage(list(found.items), found.total or 0, max(found.pages, 1))


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def _active_admin_count() -> int:
    # The administrators' rows are locked (PostgreSQL) so two administrators removing each other at
    # the same moment cannot both see "one other left"; SQLite writes one transaction at a time anyway.
    return len(db.session.scalars(sa.select(User.id).where(User.role == UserRole.ADMIN, User.active)
                                  .with_for_update()).all())


def _check_may_change(admin: User, user: User) -> None:
    if user.id == admin.id:
        raise NotAllowed(NOT_YOUR_OWN)


def _check_not_last_admin(user: User) -> None:
    """The service always keeps one active platform administrator, or nobody could manage it."""
    if user.role == UserRole.ADMIN and user.active and _active_admin_count() <= 1:
        raise NotAllowed(LAST_ADMIN)


class RoleInvalid(ServiceError):
    """Problems with a role change, by the form field each belongs to."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


@dataclass(frozen=True)
class RoleChange:
    role: UserRole
    organisation: Organisation | None  # council staff only


def check_role_change(admin: User, user: User, role_value: str | None,
                      organisation_id: int | None) -> RoleChange:
    """What the change would be, checked, without making it (the confirmation page shows it)."""
    _check_may_change(admin, user)
    errors: dict[str, str] = {}
    try:
        role = UserRole((role_value or "").strip())
    except ValueError:
        raise RoleInvalid({"role": CHOOSE_ROLE}) from None
    organisation = None
    if role in COUNCIL_ROLES:
        organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
        if organisation is None:
            errors["organisation"] = CHOOSE_COUNCIL
    if not errors and role == user.role and (organisation.id if organisation else None) == user.organisation_id:
        errors["role"] = SAME_ROLE
    if errors:
        raise RoleInvalid(errors)
    if role != UserRole.ADMIN:
        _check_not_last_admin(user)
    return RoleChange(role, organisation)


def change_role(admin: User, user: User, role_value: str | None, organisation_id: int | None) -> RoleChange:
    change = check_role_change(admin, user, role_value, organisation_id)
    before, before_org = user.role, user.organisation_id
    user.role = change.role
    # Only council staff belong to a council: anyone else acts for the region, or for themselves.
    user.organisation_id = change.organisation.id if change.organisation else None
    # The entry is filed under the council the person joins (or leaves), so its administrators see it too.
    audit.record(admin, "account.role_changed", user, organisation_id=user.organisation_id or before_org,
                 from_role=before.value, to_role=change.role.value)
    return change


def deactivate(admin: User, user: User) -> None:
    """Switch the account off: it cannot sign in, and every session it has ends at once."""
    _check_may_change(admin, user)
    if not user.active:
        raise ServiceError("This account is already switched off")
    _check_not_last_admin(user)
    user.active = False
    accounts.end_sessions(user)
    audit.record(admin, "account.deactivated", user, organisation_id=user.organisation_id)


def reactivate(admin: User, user: User) -> None:
    """Switch an account back on (one the retention schedule switched off for being unused, say)."""
    if user.active:
        raise ServiceError("This account is already switched on")
    if user.email.endswith("@" + accounts.DELETED_EMAIL_DOMAIN):
        raise ServiceError("This account was deleted: it cannot be switched on again")
    user.active = True
    audit.record(admin, "account.reactivated", user, organisation_id=user.organisation_id)


def send_password_reset(admin: User, user: User) -> None:
    """Email the person a link to choose a new password, through the same flow as asking for one
    themselves (queued with the change, sent after the commit)."""
    if not user.active:
        raise ServiceError(SWITCHED_OFF)
    accounts.request_password_reset(user.email)
    audit.record(admin, "account.password_reset_sent", user, organisation_id=user.organisation_id)


# --- what the admin area reads ---------------------------------------------------------------------

def users_by_role() -> dict[UserRole, int]:
    counts = dict(db.session.execute(sa.select(User.role, sa.func.count(User.id)).where(User.active)
                                     .group_by(User.role)).all())
    return {role: counts.get(role, 0) for role in UserRole}


def council_staff(organisation: Organisation) -> list[User]:
    """The council's recruiters and administrators, by name."""
    return list(db.session.scalars(
        sa.select(User).where(User.organisation_id == organisation.id, User.role.in_(COUNCIL_ROLES))
        .order_by(User.full_name, User.id)))


def staff_counts() -> dict[int, int]:
    """How many active council staff each council has, by council id."""
    return dict(db.session.execute(
        sa.select(User.organisation_id, sa.func.count(User.id))
        .where(User.organisation_id.is_not(None), User.role.in_(COUNCIL_ROLES), User.active)
        .group_by(User.organisation_id)).all())

