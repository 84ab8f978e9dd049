"""Forms for saved searches and job alerts."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from domain.vocabulary import AlertFrequency
from webapp.forms.jobs import options
from webapp.services.saved_searches import NAME_MAX, QUERY_MAX

ALERTS_ON_CHOICES = [("on", "On"), ("off", "Paused: keep the search, send no emails")]


class SaveSearchForm(FlaskForm):
    """The "Save this search" button on /jobs: the page's query string and the CSRF token."""

    query = HiddenField(validators=[Length(max=QUERY_MAX, message="This search is too long to save")])
    submit = SubmitField("Save this search", widget=GovSubmitInput())


class SavedSearchForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
        validators=[InputRequired("Enter a name for this search"),
                    Length(max=NAME_MAX, message=f"The name must be {NAME_MAX} characters or fewer")],
        description="So you can tell your searches apart in emails.",
    )
    frequency = RadioField(
        "How often should we email you new jobs?",
        choices=options(AlertFrequency.choices()),
        widget=GovRadioInput(),
        validators=[InputRequired("Select how often we should email you")],
    )
    alerts = RadioField(
        "Email alerts",
        choices=options(ALERTS_ON_CHOICES),
        widget=GovRadioInput(),
        validators=[InputRequired("Select whether to send email alerts for this search")],
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())
