"""Forms for matching: a recruiter's invitation to apply, and a button-only form (dismiss)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length

from webapp.services.invitations import MESSAGE_MAX


class InviteForm(FlaskForm):
    message = TextAreaField(
        "Message to the social worker (optional)",
        description="Say why you think the role fits them, or who to talk to. Do not include personal details.",
        validators=[Length(max=MESSAGE_MAX, message=f"The message must be {MESSAGE_MAX} characters or fewer")],
        widget=GovTextArea(),
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class ButtonForm(FlaskForm):
    submit = SubmitField("Continue", widget=GovSubmitInput())
