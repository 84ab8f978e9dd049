"""Platform administration: the audit log.

A platform administrator sees every council's entries; a council administrator sees only their
own council's, at the same address. The log holds ids and field names, never personal data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from domain.vocabulary import ApplicationStatus, UserRole
from webapp.web.access import linked_council_id, role_required
from webapp.web.pagination import page_number, pagination
from webapp.services import audit
from webapp.services import councils as council_service
from webapp.services.paging import PageNotFound

bp = Blueprint("admin", __name__)

_ACTION_FORMAT = re.compile(r"[a-z_]{1,30}\.[a-z_]{1,29}")


@dataclass(frozen=True)
class AuditFilters:
    action: str | None
    organisation_id: int | None  # None: every council the viewer may see
    page: int


def _parse_filters(is_platform_admin: bool) -> AuditFilters:
    """Read the query string; anything malformed is a 400 with a message, never a 500."""
    action = request.args.get("action", "").strip() or None
    if action is not None and not _ACTION_FORMAT.fullmatch(action):
        abort(400, description="Choose an action from the list.")
    organisation_id = None
    raw_org = request.args.get("organisation", "").strip()
    if raw_org and is_platform_admin:  # a council administrator's view is always their own council
        if not raw_org.isdigit() or not 0 < int(raw_org) < 2**31:
            abort(400, description="Choose a council from the list.")
        organisation_id = int(raw_org)
        if council_service.council_by_id(organisation_id) is None:
            abort(400, description="Choose a council from the list.")
    return AuditFilters(action, organisation_id, page_number())


# Plain words for the actions people look for most; any other action reads from its own name.
ACTION_LABELS = {
    "vacancy.created": "Vacancy drafted",
    "vacancy.updated": "Vacancy edited",
    "vacancy.published": "Vacancy published",
    "vacancy.closed": "Vacancy closed",
    "vacancy.reopened": "Vacancy re-opened",
    "application.submitted": "Application submitted",
    "application.withdrawn": "Application withdrawn",
    "application.moved": "Application moved",
    "application.swe_checked": "Registration check recorded",
    "organisation.offer_updated": "Council page edited",
    "vacancy.featured": "Vacancy featured",
    "vacancy.featuring_ended": "Featuring stopped",
    "vacancy.removed": "Vacancy closed and removed",
    "vacancies.imported": "Vacancies imported from a spreadsheet",
    "api_key.created": "API key created",
    "api_key.rotated": "API key rotated",
    "api_key.revoked": "API key revoked",
}
SUBJECT_LABELS = {"vacancies": "Vacancy", "applications": "Application", "organisations": "Council",
                  "users": "Account", "candidate_profiles": "Profile", "api_keys": "API key"}


def action_label(action: str) -> str:
    """'vacancy.closed' → 'Vacancy closed'; an action not listed → 'Subject: verb'."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    subject, _, verb = action.partition(".")
    return f"{subject.replace('_', ' ').capitalize()}: {verb.replace('_', ' ')}" if verb else action


def subject_label(subject_type: str) -> str:
    return SUBJECT_LABELS.get(subject_type, subject_type.replace("_", " ").capitalize())


def detail_lines(detail: dict[str, Any] | None) -> list[str]:
    """The entry's detail as short lines: changed fields, status moves and any other ids or flags."""
    lines: list[str] = []
    detail = dict(detail or {})
    changed = detail.pop("changed", None)
    if changed:
        lines.append("Changed: " + ", ".join(str(name).replace("_", " ") for name in changed))
    from_status, to_status = detail.pop("from_status", None), detail.pop("to_status", None)
    if from_status or to_status:
        parts = [ApplicationStatus.label_for(s) for s in (from_status, to_status) if s]
        lines.append(" → ".join(parts))
    for key, value in sorted(detail.items()):
        if isinstance(value, (str, int, float, bool)) or value is None:
            lines.append(f"{key.replace('_', ' ').capitalize()}: {value}")
    return lines


@bp.get("/audit")
@role_required(UserRole.ADMIN, UserRole.ORG_ADMIN)
def audit_log():
    is_platform_admin = current_user.has_role(UserRole.ADMIN)
    if not is_platform_admin:
        linked_council_id()
    filters = _parse_filters(is_platform_admin)
    try:
        found = audit.audit_page(current_user, filters.action, filters.organisation_id, filters.page)
    except PageNotFound as problem:
        abort(404, description=str(problem))
    organisations = council_service.all_councils() if is_platform_admin else []

    def page_url(number: int) -> str:
        args = {"page": number}
        if filters.action:
            args["action"] = filters.action
        if filters.organisation_id and is_platform_admin:
            args["organisation"] = filters.organisation_id
        return url_for("admin.audit_log", **args)

    return render_template(
        "admin/audit_log.html",
        entries=found.entries,
        actors=found.actors,
        organisation_names={o.id: o.name for o in organisations},
        organisations=organisations,
        own_organisation=None if is_platform_admin else current_user.organisation,
        actions=found.actions,
        filters=filters,
        total=found.total,
        pages=found.pages,
        pagination=pagination(filters.page, found.pages, page_url),
        action_label=action_label,
        subject_label=subject_label,
        detail_lines=detail_lines,
        is_platform_admin=is_platform_admin,
    )
