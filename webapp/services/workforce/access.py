"""Who may see and change a council's workforce figures: the region's leads, and the council's own staff."""
from __future__ import annotations

from domain.vocabulary import UserRole
from webapp.models import Organisation, User
from webapp.models.users import COUNCIL_ROLES, REGION_ROLES
from webapp.services import NotAllowed
from webapp.services.councils import council_by_slug

VIEWER_ROLES = REGION_ROLES + COUNCIL_ROLES


def can_view(user: User, organisation: Organisation) -> bool:
    return user.sees_region or (user.has_role(*COUNCIL_ROLES) and user.organisation_id == organisation.id)


def can_edit(user: User, organisation: Organisation) -> bool:
    """A council's figures are its own: its council administrator enters them; its recruiters read them."""
    return user.has_role(UserRole.ORG_ADMIN) and user.organisation_id == organisation.id


def organisation_for(user: User, slug: str) -> Organisation | None:
    """The council if this user may see it; None (a 404) for another council or one that does not exist."""
    if not slug or len(slug) > 120:
        return None
    organisation = council_by_slug(slug)
    if organisation is None or not can_view(user, organisation):
        return None
    return organisation


def require_edit(user: User, organisation: Organisation) -> None:
    if not can_edit(user, organisation):
        raise NotAllowed("Only your council's administrator can change its workforce figures.")
