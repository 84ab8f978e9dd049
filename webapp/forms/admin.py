"""Forms for platform administrators: changing someone's role (and the council staff belong to)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput
from wtforms import RadioField, SelectField, SubmitField

from domain.vocabulary import UserRole
from webapp.forms.account import options


class RoleForm(FlaskForm):
    """Read only: the rules (a council for council staff, never the last administrator) are the
    service's (services/administration.py), shown beside each field."""

    role = RadioField("Role", widget=GovRadioInput(), choices=options(UserRole.choices()), validate_choice=False)
    organisation = SelectField("Council", widget=GovSelect(), choices=[], validate_choice=False,
                               description="For recruiters and council administrators only: the council they act for.")
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args, councils=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = options([("", "Not a council’s staff"),
                                             *[(str(c.id), c.name) for c in councils]])

    def organisation_id(self) -> int | None:
        raw = (self.organisation.data or "").strip()
        return int(raw) if raw.isdigit() and len(raw) < 10 else None
