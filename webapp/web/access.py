"""Who may open a page: the role check every view uses."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort
from flask_login import current_user

from domain.vocabulary import UserRole
from webapp.extensions import login_manager
from webapp.models.users import COUNCIL_ROLES


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


RECRUITER_ROLES = COUNCIL_ROLES
