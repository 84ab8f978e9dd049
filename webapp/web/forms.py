"""How a view ends a form post: the page's status, a rejected post's errors, a refused one."""
from __future__ import annotations

from collections.abc import Mapping
from typing import NoReturn

from flask import abort, render_template, request

from webapp.extensions import db


def form_page(template: str, status: int | None = None, **context):
    """Render a page with a form: 400 when a POST failed, so nothing mistakes a rejected form for success."""
    if status is None:
        status = 400 if request.method == "POST" else 200
    return render_template(template, **context), status


def failed_post(form, errors: Mapping[str, str], fallback: str | None = None) -> None:
    """Undo the post's half-made changes and show each problem beside its field.

    ``errors`` maps a field's name to its message; a name the form does not have goes to
    ``fallback`` (a service may name a rule rather than a field).
    """
    db.session.rollback()
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is None:  # without a fallback, a name the form lacks is a bug: let getattr say so
            field = getattr(form, fallback or name)
        field.errors = [*field.errors, message]


def button_post(form) -> None:
    """A post from a button (its form holds only the CSRF token): 400 if the form could not be read."""
    if not form.validate_on_submit():
        abort(400, description="The form could not be read. Go back, refresh the page and try again.")


def refused_post(problem: Exception | str | None = None) -> NoReturn:
    """Undo the post's half-made changes and answer 403: the person may not do this (and why, if given)."""
    db.session.rollback()
    abort(403, description=str(problem) if problem is not None else None)
