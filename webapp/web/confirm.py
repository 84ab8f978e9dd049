"""The one confirmation page for actions that cannot be taken back (GOV.UK's "Are you sure?" pattern).

The action's own button becomes a link to a GET of the action's address, which shows this page: what
will happen, in words, a warning, a red "Yes, …" button and a Cancel link. Only the POST from this
page (with its CSRF token) acts, so the first click changes nothing. The view keeps its own role and
ownership checks before either, so the confirmation is shown to exactly those who may act.
"""
from __future__ import annotations

from dataclasses import dataclass

from webapp.web.forms import form_page

TEMPLATE = "layouts/confirm.html"


@dataclass(frozen=True)
class Confirmation:
    heading: str  # the question: "Close ‘Social worker’?"
    does: tuple[str, ...]  # what it will do, a sentence a paragraph
    button: str  # "Yes, close this vacancy"
    cancel_url: str  # back to where the person came from, nothing done
    caption: str = ""  # what the page is about: the vacancy's or applicant's name
    warning: str | None = "You cannot undo this."


def confirm_page(confirmation: Confirmation, form, template: str = TEMPLATE, **context):
    """The confirmation page: 200 on GET; 400 when a POST could not act (a stale CSRF token, a bad field)."""
    return form_page(template, form=form, confirm=confirmation, title=confirmation.heading, **context)
