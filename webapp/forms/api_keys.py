"""The form a council administrator fills in to create an API key: its name and what it may do."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField

from webapp.forms.account import options
from webapp.models import ApiKeyScope


class ApiKeyForm(FlaskForm):
    """Read only: the name's and scope's rules are the service's (services/api_keys.py), shown beside each field."""

    name = StringField(
        "Name", widget=GovTextInput(),
        description="Which system and environment uses it, like ‘Oleeo live’ or ‘Tribepad test’.",
    )
    scope = RadioField(
        "What may it do?", widget=GovRadioInput(), validate_choice=False,
        choices=options([(ApiKeyScope.WRITE.value, "Post, change, publish and close vacancies, and read them"),
                         (ApiKeyScope.READ.value, "Read your vacancies only")]),
        default=ApiKeyScope.WRITE.value,
    )
    submit = SubmitField("Create key", widget=GovSubmitInput())
