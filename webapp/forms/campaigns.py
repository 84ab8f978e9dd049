"""Forms for campaigns and their tracked links (the service checks the rules; these read the input)."""
from __future__ import annotations

from typing import Any

from flask import request
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from domain.funnel import CampaignKind, LinkChannel
from webapp.forms.account import WholeNumberField
from webapp.forms.recruit import DateRequired, GovDateField, _strip
from webapp.models import Campaign, Vacancy
from webapp.services import campaigns as campaign_service


class LenientMultipleField(SelectMultipleField):
    """Checkboxes of ids: a value that is not a whole number is simply not a choice (a clear error)."""

    widget = GovCheckboxesInput()

    def process_formdata(self, valuelist):
        try:
            self.data = [int(v) for v in valuelist]
        except ValueError:
            self.data = []
            raise ValueError("Select jobs from the list") from None

    def pre_validate(self, form):
        valid = {value for value, _ in self.choices}
        if any(v not in valid for v in self.data or []):
            raise ValidationError("Select jobs from the list")


class CampaignForm(FlaskForm):
    name = StringField("Campaign name", widget=GovTextInput(), filters=[_strip],
                       description="What you call it in reports, like 'Spring open day' or 'Pan-London team managers'.",
                       validators=[InputRequired("Enter the campaign's name"),
                                   Length(max=campaign_service.NAME_MAX,
                                          message=f"Name must be {campaign_service.NAME_MAX} characters or fewer")])
    kind = RadioField("What kind of campaign is it?", widget=GovRadioInput(), choices=CampaignKind.choices(),
                      validators=[InputRequired("Select the kind of campaign")])
    summary = StringField("Description (optional)", widget=GovCharacterCount(), filters=[_strip],
                          validators=[Length(max=campaign_service.SUMMARY_MAX,
                                             message=f"Description must be {campaign_service.SUMMARY_MAX} characters or fewer")])
    starts_on = GovDateField("Start date", what="Start date", description="For example, 1 12 2026.",
                             validators=[DateRequired("Enter the day the campaign starts")])
    ends_on = GovDateField("End date", what="End date",
                           description="Featured jobs are featured until this day (or their closing date).",
                           validators=[DateRequired("Enter the day the campaign ends")])
    budget = WholeNumberField("Budget in pounds (optional)", invalid_message="Budget must be a whole number of pounds",
                              description="What the campaign costs, for cost per application and per hire.")
    event_on = GovDateField("Day of the event", what="Day of the event",
                            description="Events only. For example, 14 3 2027.")
    event_place = StringField("Where the event is", widget=GovTextInput(), filters=[_strip],
                              description="Events only, like 'Camden Town Hall, Judd Street'.",
                              validators=[Length(max=campaign_service.PLACE_MAX,
                                                 message=f"Place must be {campaign_service.PLACE_MAX} characters or fewer")])
    vacancies = LenientMultipleField("Jobs in this campaign", choices=[], coerce=int)
    channel = SelectField("Where will you share the first link?", widget=GovSelect(), choices=LinkChannel.choices(),
                          default=LinkChannel.EMAIL.value)
    submit = SubmitField("Save campaign", widget=GovSubmitInput())

    def __init__(self, *args, vacancies: list[Vacancy] = (), show_council: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.vacancies.choices = [
            (v.id, (f"{v.organisation.name}: " if show_council else "") + v.title
             + (" (draft)" if v.status.value == "draft" else ""))
            for v in vacancies
        ]

    @classmethod
    def for_campaign(cls, campaign: Campaign, **kwargs) -> "CampaignForm":
        form = cls(**kwargs)
        if request.method == "GET":
            for field in ("name", "summary", "starts_on", "ends_on", "budget", "event_on", "event_place"):
                getattr(form, field).data = getattr(campaign, field)
            if form.kind is not None:
                form.kind.data = campaign.kind.value
            form.vacancies.data = [v.id for v in campaign.vacancies]
        return form

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data, "summary": self.summary.data or "",
            "kind": CampaignKind(self.kind.data) if self.kind is not None else None,
            "starts_on": self.starts_on.data, "ends_on": self.ends_on.data, "budget": self.budget.data,
            "event_on": self.event_on.data, "event_place": self.event_place.data or "",
        }


class LinkForm(FlaskForm):
    channel = SelectField("Where will you share it?", widget=GovSelect(), choices=LinkChannel.choices(),
                          validators=[InputRequired("Select where you will share the link")])
    label = StringField("Label (optional)", widget=GovTextInput(), filters=[_strip],
                        description="To tell links apart, like 'March newsletter' or 'Poster in the staff room'.",
                        validators=[Length(max=campaign_service.LABEL_MAX,
                                           message=f"Label must be {campaign_service.LABEL_MAX} characters or fewer")])
    destination = StringField("Where does it go?", widget=GovTextInput(), filters=[_strip],
                              description="A page on this site, like /jobs?q=fostering or /councils/camden.",
                              validators=[InputRequired("Enter where the link goes")])
    submit = SubmitField("Add link", widget=GovSubmitInput())
