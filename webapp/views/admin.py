"""Platform administration: the admin area's home, accounts (find, change a role, switch off or on,
send a password reset), councils, feedback received, and the audit log.

A platform administrator sees every council's audit entries; a council administrator sees only their
own council's, at the same address. The log holds ids and field names, never personal data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from domain.vocabulary import ApplicationStatus, UserRole
from webapp.extensions import db
from webapp.forms.account import ConfirmForm
from webapp.forms.admin import RoleForm
from webapp.models import User
from webapp.web.access import linked_council_id, role_required, signed_in_user
from webapp.web.forms import button_post, failed_post, form_page
from webapp.web.pagination import page_number, pagination
from webapp.services import NotAllowed, ServiceError, administration, audit, feedback
from webapp.services import councils as council_service
from webapp.services.organisations import OFFER_FIELDS
from webapp.services.paging import PageNotFound

bp = Blueprint("admin", __name__)

admin_required = role_required(UserRole.ADMIN)

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
    "account.role_changed": "Role changed",
    "account.deactivated": "Account switched off",
    "account.reactivated": "Account switched on",
    "account.password_reset_sent": "Password reset sent by an administrator",
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
        organisation_slugs={o.id: o.slug for o in organisations},
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


# --- the admin area's home ----------------------------------------------------------------------------

@bp.get("/")
@admin_required
def home():
    return render_template("admin/home.html", users_by_role=administration.users_by_role(),
                           council_count=council_service.council_count(), feedback_count=feedback.feedback_count())


# --- accounts ---------------------------------------------------------------------------------------------

@bp.get("/users")
@admin_required
def users():
    query = request.args.get("q", "").strip()
    page = page_number()
    try:
        found = administration.find_users(query, page)
    except PageNotFound as problem:
        abort(404, description=str(problem))
    except ServiceError as problem:
        abort(400, description=str(problem))

    def page_url(number: int) -> str:
        return url_for("admin.users", page=number, **({"q": query} if query else {}))

    return render_template("admin/users.html", found=found, query=query, page=page,
                           pagination=pagination(page, found.pages, page_url))


def _user_or_404(user_id: int) -> User:
    return administration.user_by_id(user_id) or abort(404)


@bp.get("/users/<int:user_id>")
@admin_required
def user(user_id: int):
    person = _user_or_404(user_id)
    return render_template("admin/user.html", person=person, form=ConfirmForm(),
                           is_self=person.id == current_user.id)


@bp.route("/users/<int:user_id>/role", methods=["GET", "POST"])
@admin_required
def change_role(user_id: int):
    """Choose the role, then confirm it on a page that says what will change: a role is a power."""
    person = _user_or_404(user_id)
    form = RoleForm(councils=council_service.all_councils())
    if request.method == "GET":
        form.role.data = person.role.value
        form.organisation.data = str(person.organisation_id or "")
    if form.validate_on_submit():
        try:
            if request.form.get("confirmed") == "yes":
                change = administration.change_role(signed_in_user(), person, form.role.data, form.organisation_id())
                db.session.commit()
                flash(f"{person.full_name} is now {_role_words(change.role, change.organisation)}.", "success")
                return redirect(url_for("admin.user", user_id=person.id))
            change = administration.check_role_change(signed_in_user(), person, form.role.data,
                                                      form.organisation_id())
            return render_template("admin/role_confirm.html", person=person, form=form, change=change,
                                   role_words=_role_words)
        except NotAllowed as problem:
            failed_post(form, {"role": str(problem)})
        except administration.RoleInvalid as invalid:
            failed_post(form, invalid.errors)
    return form_page("admin/role.html", form=form, person=person)


def _role_words(role: UserRole, organisation) -> str:
    """'a recruiter at Camden', 'a platform administrator'."""
    words = role.label.lower() if role != UserRole.CANDIDATE else "a social worker"
    article = "" if role == UserRole.CANDIDATE else ("an " if words[0] in "aeiou" else "a ")
    return f"{article}{words}" + (f" at {organisation.name}" if organisation is not None else "")


def _act_on_account(user_id: int, change: Callable[[User, User], None], done: Callable[[User], str]):
    """A button's post on someone's account: the service makes (and audits) the change; a refusal is
    a 403 (not allowed) or 400 (not possible now) with the reason, and changes nothing."""
    person = _user_or_404(user_id)
    button_post(ConfirmForm())
    try:
        change(signed_in_user(), person)
    except ServiceError as problem:
        db.session.rollback()
        abort(403 if isinstance(problem, NotAllowed) else 400, description=str(problem))
    db.session.commit()
    flash(done(person), "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@admin_required
def deactivate(user_id: int):
    if request.method == "POST":
        return _act_on_account(user_id, administration.deactivate,
                               lambda p: f"{p.full_name}’s account is switched off and every session it had has ended.")
    person = _user_or_404(user_id)
    return render_template("admin/deactivate.html", person=person, form=ConfirmForm(),
                           is_self=person.id == current_user.id)


@bp.post("/users/<int:user_id>/reactivate")
@admin_required
def reactivate(user_id: int):
    return _act_on_account(user_id, administration.reactivate,
                           lambda p: f"{p.full_name}’s account is switched on. They can sign in again.")


@bp.post("/users/<int:user_id>/password-reset")
@admin_required
def send_password_reset(user_id: int):
    return _act_on_account(user_id, administration.send_password_reset,
                           lambda p: f"We have emailed {p.email} a link to choose a new password.")


# --- councils ---------------------------------------------------------------------------------------------

@bp.get("/councils")
@admin_required
def councils():
    return render_template("admin/councils.html", councils=council_service.all_councils(),
                           staff_counts=administration.staff_counts())


@bp.get("/councils/<slug>")
@admin_required
def council(slug: str):
    organisation = council_service.council_by_slug(slug) or abort(404)
    return render_template("admin/council.html", organisation=organisation,
                           staff=administration.council_staff(organisation), offer_fields=OFFER_FIELDS)


# --- feedback ---------------------------------------------------------------------------------------------

@bp.get("/feedback")
@admin_required
def feedback_received():
    page = page_number()
    try:
        found = feedback.feedback_page(page)
    except PageNotFound as problem:
        abort(404, description=str(problem))
    return render_template("admin/feedback.html", found=found, page=page, satisfaction=feedback.SATISFACTION,
                           pagination=pagination(page, found.pages, lambda n: url_for("admin.feedback_received",
                                                                                      page=n)))
