"""The feedback form linked from the phase banner: how the service felt, and what to tell us."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField

from webapp.forms.account import options
from webapp.services.feedback import SATISFACTION


class FeedbackForm(FlaskForm):
    """Read only: the rules are the service's (services/feedback.py), shown beside each field."""

    satisfaction = RadioField(
        "Overall, how do you feel about this service? (optional)", widget=GovRadioInput(),
        choices=options(SATISFACTION.items()), validate_choice=False,
    )
    message = TextAreaField(
        "How could we improve it?", widget=GovCharacterCount(),
        description="Do not include personal details, such as your name, email address or anything about a child "
                    "or family. We cannot reply to feedback sent here.",
    )
    page = HiddenField()
    submit = SubmitField("Send feedback", widget=GovSubmitInput())
