"""Forms for messages, notification settings, interviews, the council's message templates and bulk actions."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from webapp.forms.recruit import DateRequired, GovDateField
from webapp.models import InterviewFormat, MailFrequency
from webapp.services.interviews import DETAILS_MAX, PLACE_MAX
from webapp.services.message_templates import NAME_MAX, TEMPLATE_MAX
from webapp.services.messages import MESSAGE_MAX


class MessageForm(FlaskForm):
    body = TextAreaField(
        "Your message", widget=GovCharacterCount(),
        validators=[InputRequired(message="Enter your message"),
                    Length(max=MESSAGE_MAX, message=f"Your message must be {MESSAGE_MAX} characters or fewer")],
    )
    submit = SubmitField("Send message", widget=GovSubmitInput())


class MailFrequencyForm(FlaskForm):
    application_mail = RadioField(
        "When do you want emails about new applications and messages?", choices=MailFrequency.choices(),
        widget=GovRadioInput(), validators=[InputRequired(message="Choose when to get emails about new applications")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class InterviewForm(FlaskForm):
    day = GovDateField("Date", validators=[DateRequired("Enter the date of the interview")], what="Date",
                       description="For example, 27 3 2027")
    time = StringField("Time", widget=GovTextInput(), description="In London time, for example 10:30 or 14:00",
                       validators=[InputRequired(message="Enter the time of the interview")])
    duration_minutes = StringField("How long, in minutes", widget=GovTextInput(), default="60")
    format = RadioField("How will it happen?", choices=InterviewFormat.choices(), widget=GovRadioInput(),
                        validators=[InputRequired(message="Choose in person or online")])
    place = StringField("Address", widget=GovTextInput(), description="Where to go, with the postcode",
                        validators=[Length(max=PLACE_MAX, message=f"Address must be {PLACE_MAX} characters or fewer")])
    online_link = StringField("Link to join", widget=GovTextInput(), description="Starting https://")
    details = TextAreaField("Anything else they need to know (optional)", widget=GovCharacterCount(),
                            description="Who is on the panel, what to bring, a presentation to prepare",
                            validators=[Length(max=DETAILS_MAX, message=f"Details must be {DETAILS_MAX} characters or fewer")])
    submit = SubmitField("Book the interview and email the applicant", widget=GovSubmitInput())


class MessageTemplateForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(), description="So your team can find it, for example ‘Shortlisted’",
                       validators=[InputRequired(message="Enter a name for the template"),
                                   Length(max=NAME_MAX, message=f"Name must be {NAME_MAX} characters or fewer")])
    body = TextAreaField("Message", widget=GovCharacterCount(),
                         description="Sent as it is to each applicant, in their application's messages",
                         validators=[InputRequired(message="Enter the message"),
                                     Length(max=TEMPLATE_MAX, message=f"Message must be {TEMPLATE_MAX} characters or fewer")])
    submit = SubmitField("Save template", widget=GovSubmitInput())


class BulkConfirmForm(FlaskForm):
    """The confirm step of a bulk action; the ids, action and template travel as hidden fields."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())

