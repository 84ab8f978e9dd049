"""Forms for council recruiters: a vacancy, re-opening it, moving an application, the council's offer."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import abort
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, StopValidation

from domain.vocabulary import (
    ApplicationStatus,
    ApplyMethod,
    ContractType,
    HybridPattern,
    OfferDeclineReason,
    RoleLevel,
    ServiceArea,
    SupervisionFrequency,
    WorkingPattern,
)
from webapp.forms.account import WholeNumberField
from webapp.models import Organisation, Vacancy
from webapp.services import organisations as organisation_service
from webapp.services import vacancies as vacancy_service
from webapp.services.applications import NOTE_MAX
from webapp.services.notifications import FEEDBACK_MAX


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class GovDateField(DateField):
    """Day, month and year boxes, read into a date with the Design System's messages.

    Always leaves three raw parts behind, so the widget can redisplay whatever was sent
    (even a request that left the boxes out altogether) instead of failing to render.
    """

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, what: str = "Date", **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.what = what

    def process_formdata(self, valuelist):
        parts = [(part or "").strip() for part in list(valuelist)[:3]]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        day, month, year = parts
        if not any(parts):
            return
        missing = [name for name, part in zip(("day", "month", "year"), parts) if not part]
        if missing:
            raise ValueError(f"{self.what} must include a {' and a '.join(missing)}")
        if not all(re.fullmatch(r"\d{1,4}", part) for part in parts):
            raise ValueError(f"{self.what} must be a real date, written in numbers")
        if len(year) != 4:
            raise ValueError("Year must include 4 numbers")
        try:
            self.data = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"{self.what} must be a real date") from None


class DateRequired:
    """Like InputRequired for a date, but leaves a more precise message from reading the date in place."""

    def __init__(self, message: str):
        self.message = message
        self.field_flags = {"required": True}

    def __call__(self, form, field):
        if field.data is None and not field.errors:
            raise StopValidation(self.message)


class OptionalChoice:
    """A choice that may be left unanswered (or left out of the request): only a wrong answer is refused."""

    def pre_validate(self, form):
        if self.data in (None, ""):
            return
        super().pre_validate(form)


class OptionalRadioField(OptionalChoice, RadioField):
    pass


class OptionalSelectField(OptionalChoice, SelectField):
    pass


class DecimalTextField(StringField):
    """A number typed as text, kept as text: the service decides what is valid and says so."""

    widget = GovTextInput()

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = (valuelist[0] or "").strip()


def _choices(enum_cls, placeholder: str | None = None) -> list[tuple[str, str]]:
    return ([("", placeholder)] if placeholder is not None else []) + enum_cls.choices()


def _closing_date_field(label: str, description: str) -> GovDateField:
    return GovDateField(label, what="Closing date", description=description,
                        validators=[DateRequired("Enter the closing date")])


class VacancyForm(FlaskForm):
    title = StringField(
        "Job title", widget=GovTextInput(), filters=[_strip],
        description="Say the role and the team, like 'Senior practitioner, child protection'.",
        validators=[InputRequired("Enter a job title"),
                    Length(max=vacancy_service.TITLE_MAX,
                           message=f"Job title must be {vacancy_service.TITLE_MAX} characters or fewer")],
    )
    reference = StringField(
        "Reference (optional)", widget=GovTextInput(), filters=[_strip],
        description="Your council's own job reference, if it has one.",
        validators=[Length(max=vacancy_service.REFERENCE_MAX,
                           message=f"Reference must be {vacancy_service.REFERENCE_MAX} characters or fewer")],
    )
    role_level = SelectField("Role level", choices=_choices(RoleLevel, "Choose a role level"), widget=GovSelect(),
                             invalid_choice_message="Select a role level",
                               validators=[InputRequired("Select a role level")])
    service_area = SelectField("Service area", choices=_choices(ServiceArea, "Choose a service area"),
                               widget=GovSelect(), invalid_choice_message="Select a service area",
                               validators=[InputRequired("Select a service area")])
    team = StringField(
        "Team (optional)", widget=GovTextInput(), filters=[_strip],
        description="Like 'Referral and assessment team 2'.",
        validators=[Length(max=vacancy_service.TEAM_MAX,
                           message=f"Team must be {vacancy_service.TEAM_MAX} characters or fewer")],
    )
    summary = StringField(
        "Summary", widget=GovCharacterCount(),
        description="One or two sentences shown in search results.",
        validators=[InputRequired("Enter a short summary of the job"),
                    Length(max=vacancy_service.SUMMARY_MAX,
                           message=f"Summary must be {vacancy_service.SUMMARY_MAX} characters or fewer")],
    )
    description = StringField(
        "Job description", widget=GovCharacterCount(),
        description="The work, the team, what you are looking for and what you offer. Do not include details "
                    "about children or families.",
        validators=[InputRequired("Enter a job description"),
                    Length(max=vacancy_service.DESCRIPTION_MAX,
                           message=f"Job description must be {vacancy_service.DESCRIPTION_MAX:,} characters or fewer")],
    )
    salary_min = WholeNumberField(
        "Minimum salary", invalid_message="Minimum salary must be a whole number of pounds, like 42000",
        validators=[InputRequired("Enter the minimum salary")],
    )
    salary_max = WholeNumberField(
        "Maximum salary", invalid_message="Maximum salary must be a whole number of pounds, like 48000",
        validators=[InputRequired("Enter the maximum salary")],
        description="The same as the minimum if the salary is fixed.",
    )
    contract_type = RadioField("Contract type", choices=ContractType.choices(), widget=GovRadioInput(),
                               invalid_choice_message="Select a contract type",
                               validators=[InputRequired("Select a contract type")])
    fte = DecimalTextField(
        "Full-time equivalent (FTE)", description="1.0 is full time; 0.6 is three days a week.",
        validators=[InputRequired("Enter the full-time equivalent, like 1.0 for full time")],
    )
    working_pattern = RadioField("Working pattern", choices=WorkingPattern.choices(), widget=GovRadioInput(),
                                 invalid_choice_message="Select a working pattern",
                               validators=[InputRequired("Select a working pattern")])
    location_name = StringField(
        "Location (optional)", widget=GovTextInput(), filters=[_strip],
        validators=[Length(max=vacancy_service.LOCATION_MAX,
                           message=f"Location must be {vacancy_service.LOCATION_MAX} characters or fewer")],
    )
    latitude = DecimalTextField("Latitude (optional)")
    longitude = DecimalTextField("Longitude (optional)")
    closing_date = _closing_date_field("Closing date", "Applications close at the end of this day. For example, 27 3 2027.")
    apply_method = RadioField("How do people apply?", choices=ApplyMethod.choices(), widget=GovRadioInput(),
                              invalid_choice_message="Select how people apply",
                               validators=[InputRequired("Select how people apply")])
    external_apply_url = StringField(
        "Web address of the application form", widget=GovTextInput(), filters=[_strip],
        description="Starting with https://",
    )
    caseload_max = WholeNumberField(
        "Typical maximum caseload (optional)",
        description="The most children a social worker in this team typically holds.",
        invalid_message="Typical maximum caseload must be a whole number, like 18",
    )
    supervision_frequency = OptionalSelectField(
        "How often is supervision? (optional)", choices=_choices(SupervisionFrequency, "Not stated"), widget=GovSelect(),
        invalid_choice_message="Select how often supervision happens",
    )
    protected_caseload_nqsw = BooleanField(
        "Newly qualified social workers have a protected caseload", widget=GovCheckboxInput(),
    )
    hybrid_pattern = OptionalSelectField("Hybrid working (optional)", choices=_choices(HybridPattern, "Not stated"),
                                 widget=GovSelect(), invalid_choice_message="Select the hybrid working pattern")
    market_supplement = WholeNumberField(
        "Market supplement (optional)", description="Paid each year on top of the salary.",
        invalid_message="Market supplement must be a whole number of pounds, like 3000",
    )
    retention_payment = WholeNumberField(
        "Retention payment (optional)", description="Paid after a qualifying period.",
        invalid_message="Retention payment must be a whole number of pounds, like 2000",
    )
    funded_development = BooleanField("We fund professional development for this role", widget=GovCheckboxInput())
    development_details = StringField(
        "What development do you fund?", widget=GovCharacterCount(),
        description="Like a funded ASYE programme, a practice educator award or a Masters.",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, organisation: Organisation, require_future_closing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.require_future_closing = require_future_closing
        self.location_name.description = (
            f"Where the team is based. Leave blank to use {organisation.town or organisation.name}."
        )

    @classmethod
    def for_vacancy(cls, vacancy: Vacancy, today: dt.date | None = None, **kwargs: Any) -> "VacancyForm":
        form = cls(organisation=vacancy.organisation,
                   require_future_closing=vacancy.is_live_on(today or dt.date.today()), **kwargs)
        if not form.is_submitted():
            for name in vacancy_service.VACANCY_FIELDS:
                value = getattr(vacancy, name)
                if name in ("latitude", "longitude"):
                    default = getattr(vacancy.organisation, name)
                    value = "" if value is None or value == default else f"{value:.5f}".rstrip("0").rstrip(".")
                elif name == "fte":
                    value = "" if value is None else f"{value.normalize():f}"
                    value = value if "." in value else f"{value}.0"
                elif hasattr(value, "value"):
                    value = value.value
                elif value is None and name not in ("closing_date",):
                    value = "" if name not in ("caseload_max", "market_supplement", "retention_payment") else None
                getattr(form, name).data = value
        return form

    def vacancy_values(self) -> dict[str, Any]:
        """The answers in the shape the vacancy service takes."""
        return {name: getattr(self, name).data for name in vacancy_service.VACANCY_FIELDS}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Then the service's own rules, for every field that was read, so one submission shows every problem.
        values = {name: value for name, value in self.vacancy_values().items() if not getattr(self, name).errors}
        try:
            vacancy_service.clean_vacancy(values, self.organisation, require_future_closing=self.require_future_closing,
                                          partial=True)
        except vacancy_service.VacancyInvalid as invalid:
            for name, message in invalid.errors.items():
                field = getattr(self, name)
                if message not in field.errors:
                    field.errors = list(field.errors) + [message]
            ok = False
        return ok


class ReopenForm(FlaskForm):
    closing_date = _closing_date_field("New closing date", "For example, 27 3 2027.")
    submit = SubmitField("Re-open vacancy", widget=GovSubmitInput())


class FeatureForm(FlaskForm):
    starts_on = GovDateField("First featured day", what="First featured day", description="For example, 1 12 2026.",
                             validators=[DateRequired("Enter the first featured day")])
    ends_on = GovDateField("Last featured day", what="Last featured day",
                           description="The job is featured all day on this day too. For example, 14 12 2026.",
                           validators=[DateRequired("Enter the last featured day")])
    submit = SubmitField("Feature this job", widget=GovSubmitInput())


class ActionForm(FlaskForm):
    """A button and the CSRF token: publish, close, record a registration check."""

    submit = SubmitField("Continue", widget=GovSubmitInput())

    @classmethod
    def require_posted(cls) -> None:
        """A button's post with nothing else to read: a 400 if its CSRF token is missing or stale."""
        if not cls().validate_on_submit():
            abort(400, description="The form could not be read. Go back, refresh the page and try again.")


class MoveApplicationForm(FlaskForm):
    """Where the application goes next: the button pressed carries the status (name="to_status")."""

    to_status = SelectField(choices=ApplicationStatus.choices(), validate_choice=False)
    note = StringField(
        "Note (optional)", widget=GovCharacterCount(),
        description="Saved in the application's history. Only your council's recruiters see it.",
        validators=[Length(max=NOTE_MAX, message=f"Note must be {NOTE_MAX} characters or fewer")],
    )
    decline_reason = OptionalRadioField("Why did they decline the offer?", choices=OfferDeclineReason.choices(),
                                        widget=GovRadioInput(),
                                        invalid_choice_message="Select why the offer was declined")
    decline_detail = StringField(
        "Details (optional)", widget=GovCharacterCount(),
        validators=[Length(max=NOTE_MAX, message=f"Details must be {NOTE_MAX} characters or fewer")],
    )
    # Emailed to the applicant with "not progressing" (webapp.services.notifications), unlike the note.
    feedback = StringField(
        "Feedback for the applicant if you do not progress them (optional)", widget=GovCharacterCount(),
        description="Emailed to them with the decision.",
        validators=[Length(max=FEEDBACK_MAX, message=f"Feedback must be {FEEDBACK_MAX} characters or fewer")],
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.to_status.data not in {status.value for status in ApplicationStatus}:
            self.to_status.errors = list(self.to_status.errors) + ["Choose what happens to the application next"]
            ok = False
        if self.to_status.data == ApplicationStatus.OFFER_DECLINED.value and not self.decline_reason.data \
                and not self.decline_reason.errors:
            self.decline_reason.errors = list(self.decline_reason.errors) + ["Select why the offer was declined"]
            ok = False
        return ok


def _offer_field(name: str, description: str, widget=None) -> StringField:
    label, limit = organisation_service.OFFER_FIELDS[name]
    optional = name in ("website", "office_street_address", "office_postcode", "logo_url")
    return StringField(f"{label} (optional)" if optional else label, widget=widget or GovCharacterCount(),
                       description=description, filters=[_strip],
                       validators=[Length(max=limit, message=f"{label} must be {limit:,} characters or fewer")])


class CouncilOfferForm(FlaskForm):
    about = _offer_field("about", "What it is like to work here: the borough, the families, the teams.")
    offer_pay = _offer_field("offer_pay", "Pay scales, market supplements, retention payments, pension, leave.")
    offer_caseload = _offer_field("offer_caseload", "Typical caseloads by team, and how you protect newly qualified staff.")
    offer_supervision = _offer_field("offer_supervision", "How often, with whom, and reflective or group supervision.")
    offer_development = _offer_field("offer_development", "ASYE, academy, funded courses, progression routes.")
    offer_hybrid = _offer_field("offer_hybrid", "Office, home and visits; flexible hours; equipment.")
    website = _offer_field("website", "Your council's careers page, starting with https://", widget=GovTextInput())
    office_street_address = _offer_field("office_street_address", "Where your children's services team works, "
                                         "like 5 Pancras Square. Job adverts name it unless a job says otherwise.",
                                         widget=GovTextInput())
    office_postcode = _offer_field("office_postcode", "Like N1C 4AG", widget=GovTextInput())
    logo_url = _offer_field("logo_url", "An image of your council's logo on your website, starting with https://. "
                            "Search engines show it beside your jobs; without one they show your initials.",
                            widget=GovTextInput())
    submit = SubmitField("Save", widget=GovSubmitInput())

    @classmethod
    def for_organisation(cls, organisation: Organisation, **kwargs: Any) -> "CouncilOfferForm":
        form = cls(**kwargs)
        if not form.is_submitted():
            for name in organisation_service.OFFER_FIELDS:
                getattr(form, name).data = getattr(organisation, name) or ""
        return form

    def offer_values(self) -> dict[str, Any]:
        return {name: getattr(self, name).data for name in organisation_service.OFFER_FIELDS}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        values = {name: value for name, value in self.offer_values().items() if not getattr(self, name).errors}
        try:
            organisation_service.clean_offer(values, partial=True)
        except organisation_service.OfferInvalid as invalid:
            for name, message in invalid.errors.items():
                field = getattr(self, name)
                field.errors = list(field.errors) + [message]
            ok = False
        return ok
