"""What every workforce page shares: the role checks, resolving a council, quarters from the URL, and the forms."""
from __future__ import annotations

import datetime as dt
from functools import wraps
from typing import Any, Callable, Sequence

from flask import abort, request
from flask_login import current_user

from domain.workforce import Quarter
from domain.years import year_problem
from webapp.extensions import db
from webapp.models import Organisation
from webapp.models.users import COUNCIL_ROLES, REGION_ROLES
from webapp.services.workforce.access import VIEWER_ROLES, can_edit, organisation_for
from webapp.services.workforce.fields import Field, FieldError, InvalidInput
from webapp.web import forms
from webapp.web.access import linked_council_id, role_required, signed_in_user

TREND_QUARTERS = 8
viewer_required = role_required(*VIEWER_ROLES)
region_required = role_required(*REGION_ROLES)


def today() -> dt.date:
    return dt.date.today()


def council_staff_check() -> None:
    if current_user.has_role(*COUNCIL_ROLES):
        linked_council_id()


def council_page(view: Callable) -> Callable:
    """Resolve <slug> to a council this user may see (404 otherwise) and pass it on."""

    @viewer_required
    @wraps(view)
    def wrapped(slug: str, **kwargs):
        council_staff_check()
        organisation = organisation_for(signed_in_user(), slug)
        if organisation is None:
            abort(404)
        return view(organisation, **kwargs)

    return wrapped


def require_editor(organisation: Organisation) -> None:
    if not can_edit(signed_in_user(), organisation):
        abort(403, description="Only your council's administrator can change its workforce figures.")


def quarter_arg(default: Quarter | None) -> Quarter | None:
    raw = request.args.get("quarter", "").strip()
    if not raw:
        return default
    try:
        return Quarter.parse(raw)
    except ValueError as problem:
        abort(400, description=f"{problem}.")


def quarter_path(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValueError:
        abort(404)


def current_quarter() -> Quarter:
    """The last complete quarter: figures are reported after a quarter ends."""
    return Quarter.containing(today()).shift(-1)


def census_year_arg() -> int | None:
    raw = request.args.get("year", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) != 4:
        abort(400, description="The census year must be a year, like 2025.")
    problem = year_problem(int(raw), "The census year")
    if problem:
        abort(400, description=f"{problem}.")
    return int(raw)


def form_values(fields: Sequence[Field]) -> dict[str, str]:
    """The submitted text of each field; a date's three boxes become one ISO date (or text that fails to parse)."""
    values: dict[str, str] = {}
    for spec in fields:
        if spec.kind == "date":
            parts = [request.form.get(f"{spec.name}-{p}", "").strip() for p in ("day", "month", "year")]
            values.update({f"{spec.name}-{p}": v for p, v in zip(("day", "month", "year"), parts)})
            if not any(parts):
                values[spec.name] = ""
            elif all(p.isdigit() for p in parts) and len(parts[2]) == 4:
                try:
                    values[spec.name] = dt.date(int(parts[2]), int(parts[1]), int(parts[0])).isoformat()
                except ValueError:
                    values[spec.name] = "not a date"
            else:
                values[spec.name] = "not a date"
        else:
            values[spec.name] = request.form.get(spec.name, "")[:200]
    return values


def form_page(title: str, caption: str, fields: Sequence[Field], values: dict, errors: list[FieldError],
              action: str, back: str, submit: str, intro: str = "", **extra):
    return forms.form_page("workforce/form.html", title=title, caption=caption, fields=fields, values=values,
                           errors=errors, error_for={e.field: e.message for e in errors}, action=action, back=back,
                           submit=submit, intro=intro, **extra)


def commit_or_errors(save: Callable[[], Any]) -> tuple[Any, list[FieldError]]:
    """Run a form post's service call: commit what it did, or roll it back and return the problems to show."""
    try:
        result = save()
    except InvalidInput as problem:
        db.session.rollback()
        return None, problem.errors
    db.session.commit()
    return result, []
