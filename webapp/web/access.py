"""Who may open a page: the signed-in person, the role checks every view uses, and which council's insights a person sees."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort, request
from flask_login import current_user

from domain.vocabulary import UserRole
from webapp.extensions import login_manager
from webapp.models import User
from webapp.models.users import COUNCIL_ROLES, REGION_ROLES
from webapp.services import councils as council_service

NOT_LINKED = "Your account is not linked to a council. Ask a platform administrator to link it."


def signed_in_user() -> User:
    """The signed-in person as the model itself (services store it and compare it; a proxy would not do)."""
    return current_user._get_current_object()


def linked_council_id() -> int:
    """Council staff act only for their own council: an account linked to none can do nothing here (403)."""
    if current_user.organisation_id is None:
        abort(403, description=NOT_LINKED)
    return current_user.organisation_id


def role_required(*roles: UserRole) -> Callable:
    """Allow only signed-in users with one of these roles; others are sent to sign in or get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def council_staff_required(*roles: UserRole) -> Callable:
    """Signed in, one of these roles, and linked to a council."""

    def decorator(view: Callable) -> Callable:
        @role_required(*roles)
        @wraps(view)
        def wrapped(*args, **kwargs):
            linked_council_id()
            return view(*args, **kwargs)

        return wrapped

    return decorator


RECRUITER_ROLES = COUNCIL_ROLES

# Insights: the programme team sees the region; a council's staff see only their own council, and
# another council's figures are a 404, exactly like a council that does not exist.
insights_required = role_required(*REGION_ROLES, *COUNCIL_ROLES)


def own_council_id() -> int | None:
    """None for someone who sees the region; their council's id for council staff."""
    if current_user.sees_region:
        return None
    return linked_council_id()


def council_asked_for(own: int | None) -> int | None:
    """The council asked for in ?council=slug. Council staff only ever get their own."""
    slug = request.args.get("council", "").strip()
    if own is not None:
        if slug:
            organisation = council_service.council_by_slug(slug)
            if organisation is None or organisation.id != own:
                abort(404)
        return own
    if not slug:
        return None
    organisation = council_service.council_by_slug(slug)
    if organisation is None:
        abort(400, description="Choose a council from the list.")
    return organisation.id
