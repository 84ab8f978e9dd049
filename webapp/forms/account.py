"""Forms for social workers' accounts, rendered with the GOV.UK Design System widgets."""
from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, PasswordField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional

from domain.vocabulary import FULL_TIME_HOURS, Availability, ContractType, HoursWanted, NeedLevel, RoleLevel, ServiceArea, WorkingPattern
from webapp.services import accounts, profiles

try:  # WTForms 3.3 deprecates (value, label) tuples, and 3.4 drops them
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


def options(pairs) -> list:
    """(value, label) pairs in the form this WTForms wants."""
    return [SelectChoice(value, label) for value, label in pairs] if SelectChoice else list(pairs)


class WholeNumberField(StringField):
    """A number typed as text: accepts "35,000" and "£35000", gives int or None, and a clear message otherwise.

    Ranges are the profile service's rule (one place); this field only reads the number.
    """

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, invalid_message="Enter a whole number", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = re.sub(r"[\s,£]", "", valuelist[0] or "")
        if not text:
            self.data = None
            return
        if not re.fullmatch(r"\d{1,9}", text):
            self.data = None
            raise ValueError(self.invalid_message)
        self.data = int(text)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class EmailField(StringField):
    widget = GovTextInput()

    def __init__(self, label="Email address", validators=None, **kwargs):
        kwargs.setdefault("filters", [lambda v: v.strip() if isinstance(v, str) else v])
        super().__init__(label, validators, **kwargs)


class SignInForm(FlaskForm):
    email = EmailField(validators=[InputRequired("Enter your email address")])
    password = PasswordField("Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _new_password_fields(label: str) -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        label,
        widget=GovPasswordInput(),
        description=f"Use {accounts.MIN_PASSWORD_LENGTH} characters or more. Three or four unrelated words are easy "
                    f"to remember and hard to guess.",
        validators=[
            InputRequired("Enter a password"),
            Length(min=accounts.MIN_PASSWORD_LENGTH, message=accounts.PASSWORD_TOO_SHORT),
            Length(max=accounts.MAX_PASSWORD_LENGTH, message=accounts.PASSWORD_TOO_LONG),
        ],
    )
    confirm = PasswordField(
        "Confirm your password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password again"), EqualTo("password", "The passwords do not match")],
    )
    return password, confirm


class RegisterForm(FlaskForm):
    full_name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[InputRequired("Enter your full name"), Length(max=120, message="Full name must be 120 characters or fewer")],
    )
    email = EmailField(
        description="We will only use this to sign you in and to tell you about your applications.",
        validators=[InputRequired("Enter your email address"), Email(EMAIL_FORMAT),
                    Length(max=254, message="Email address must be 254 characters or fewer")],
    )
    password, confirm_password = _new_password_fields("Create a password")
    submit = SubmitField("Create account", widget=GovSubmitInput())


class PasswordResetRequestForm(FlaskForm):
    email = EmailField(validators=[InputRequired("Enter your email address"), Email(EMAIL_FORMAT)])
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class PasswordResetForm(FlaskForm):
    password, confirm_password = _new_password_fields("New password")
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button and the CSRF token: signing out, withdrawing, following."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        "Your password",
        widget=GovPasswordInput(),
        description="To be sure it is you.",
        validators=[InputRequired("Enter your password to delete your account")],
    )
    submit = SubmitField("Delete my account", widget=GovSubmitInput())


YES_NO = [("yes", "Yes"), ("no", "No")]
# The matching profile's optional questions (issue 16): the answers' words, where the enum's label alone
# would not say what the answer does.
HOURS_CHOICES = [(HoursWanted.FULL_TIME.value, "Full time only"), (HoursWanted.PART_TIME.value, "Part time only"),
                 (HoursWanted.EITHER.value, "Either")]
SALARY_READING_CHOICES = [
    ("start", "The salary band must start at or above it"),
    ("reach", "The salary band only needs to reach it (I would start lower and move up the band)"),
]
PROTECTED_CASELOAD_CHOICES = [
    (NeedLevel.NEED.value, "Yes, only show me ASYE posts with a protected caseload"),
    (NeedLevel.PREFER.value, "I would prefer one"),
    (NeedLevel.NO_MATTER.value, "It does not matter"),
]
HYBRID_CHOICES = [
    (NeedLevel.NEED.value, "Yes, only show me jobs that say they offer hybrid or mostly home working"),
    (NeedLevel.PREFER.value, "I would prefer it"),
    (NeedLevel.NO_MATTER.value, "It does not matter"),
]


class ProfileForm(FlaskForm):
    swe_number = StringField(
        "Social Work England registration number",
        widget=GovTextInput(),
        description="SW followed by numbers, like SW123456. Leave this blank if you are a student.",
    )
    in_asye = RadioField(
        "Are you in your assessed and supported year in employment (ASYE)?",
        choices=options(YES_NO),
        widget=GovRadioInput(),
        validators=[InputRequired("Select yes if you are in your ASYE")],
    )
    years_qualified = WholeNumberField(
        "How many years have you been qualified?",
        invalid_message="Years qualified must be a whole number, like 3",
    )
    role_level = RadioField(
        "Role level",
        choices=options(RoleLevel.choices()),
        widget=GovRadioInput(),
        description="The level of role you are looking for.",
        validators=[InputRequired("Select your role level")],
    )
    specialisms = SelectMultipleField(
        "Specialisms",
        choices=options(ServiceArea.choices()),
        widget=GovCheckboxesInput(),
        description="Select all the areas you have worked in or want to work in.",
    )
    preferred_boroughs = SelectMultipleField(
        "Councils you would prefer to work for",
        choices=[],
        widget=GovCheckboxesInput(),
        description="Jobs at these councils are shown higher up. You still see jobs at other councils.",
    )
    only_boroughs = SelectMultipleField(
        "Only show me jobs at these councils",
        choices=[],
        widget=GovCheckboxesInput(),
        description="Tick councils only if you would not work anywhere else. Leave all unticked to see jobs at any "
                    "council within your commute.",
    )
    home_borough = SelectField("Home borough", choices=[], widget=GovSelect(),
                               description="Used to work out how far jobs are from you.")
    max_commute_miles = WholeNumberField(
        "Longest commute, in miles",
        description=f"Between {profiles.COMMUTE_MILES_MIN} and {profiles.COMMUTE_MILES_MAX}.",
        invalid_message="Longest commute must be a whole number of miles, like 10",
    )
    hours_wanted = RadioField(
        "Do you want to work full time or part time?",
        choices=options(HOURS_CHOICES),
        widget=GovRadioInput(),
        validators=[Optional()],
        description="If you say part time, we do not show you full-time jobs. If you say full time, we do not show "
                    "you part-time jobs or job shares.",
    )
    part_time_hours_max = WholeNumberField(
        "Most hours a week you can work",
        description=f"A full-time week is {FULL_TIME_HOURS} hours. Leave this blank if any part-time hours suit you.",
        invalid_message="Hours a week must be a whole number, like 22",
    )
    working_patterns = SelectMultipleField(
        "Working patterns you would like", choices=options(WorkingPattern.choices()), widget=GovCheckboxesInput(),
        description="Jobs with these patterns are shown higher up.",
    )
    contract_types = SelectMultipleField(
        "Contract types", choices=options(ContractType.choices()), widget=GovCheckboxesInput(),
        description="Select all you would consider.",
    )
    min_salary = WholeNumberField(
        "Lowest salary you would accept",
        description=f"A yearly amount in pounds, up to £{profiles.SALARY_MAX:,}.",
        invalid_message="Lowest salary must be a whole number of pounds, like 42000",
    )
    min_salary_anywhere_in_band = RadioField(
        "How should we use your lowest salary?",
        choices=options(SALARY_READING_CHOICES),
        widget=GovRadioInput(),
        validators=[Optional()],
        description="Councils advertise a salary band, like £41,398 to £45,000.",
    )
    considers_step_down = RadioField(
        "Would you consider a job at a lower level than yours?",
        choices=options(YES_NO),
        widget=GovRadioInput(),
        validators=[Optional()],
        description="For example, a senior practitioner taking a social worker post. If you do not say yes, we do "
                    "not show you jobs below your level.",
    )
    protected_caseload = RadioField(
        "Do you need a protected caseload?",
        choices=options(PROTECTED_CASELOAD_CHOICES),
        widget=GovRadioInput(),
        validators=[Optional()],
        description="For newly qualified social workers in their ASYE: a smaller caseload while you learn. Councils "
                    "say on their ASYE adverts whether the caseload is protected.",
    )
    hybrid_working = RadioField(
        "Do you need hybrid working?",
        choices=options(HYBRID_CHOICES),
        widget=GovRadioInput(),
        validators=[Optional()],
        description="Hybrid working means working some of the week from home as well as in the office and on visits.",
    )
    availability = RadioField(
        "When could you start?",
        choices=options(Availability.choices()),
        widget=GovRadioInput(),
        validators=[InputRequired("Select when you could start")],
    )
    cv_text = StringField(
        "Your CV",
        widget=GovCharacterCount(),
        filters=[profiles.normalise_cv_text],
        description="Paste your CV or describe your experience. Do not include details about children or families "
                    "you have worked with.",
    )
    discoverable = BooleanField("Let recruiters find me", widget=GovCheckboxInput(),
                                description="Recruiters at the region's councils can see your profile and invite you "
                                            "to apply. You can change your mind at any time.")
    hidden_from = SelectMultipleField(
        "Hide my profile from these councils", choices=[], widget=GovCheckboxesInput(),
        description="Recruiters at the councils you tick never see your profile, for example your current "
                    "employer. You still see and can apply for their jobs.",
    )
    submit = SubmitField("Save profile", widget=GovSubmitInput())

    def __init__(self, *args: Any, council_choices: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = council_choices if council_choices is not None else profiles.council_choices()
        self.preferred_boroughs.choices = options(choices)
        self.only_boroughs.choices = options(choices)
        self.hidden_from.choices = options(choices)
        self.home_borough.choices = options([("", "Choose a borough")] + list(choices))

    @classmethod
    def for_profile(cls, profile, **kwargs: Any) -> "ProfileForm":
        """The form filled in from a saved profile (or empty, for a first visit)."""
        form = cls(**kwargs)
        if profile is not None and not form.is_submitted():
            for name in form.profile_fields():
                value = getattr(profile, name)
                if name == "in_asye":
                    value = "yes" if value else "no"
                elif name in ("role_level", "availability", "hours_wanted", "protected_caseload", "hybrid_working"):
                    value = value.value if value is not None else None
                elif name == "min_salary_anywhere_in_band":
                    value = "reach" if value else "start"
                elif name == "considers_step_down":
                    value = "yes" if value else "no"
                elif name in ("swe_number", "home_borough"):
                    value = value or ""
                getattr(form, name).data = value
            if profile.in_asye and "years_qualified" in form:
                form.years_qualified.data = None
        return form

    def profile_fields(self) -> list[str]:
        """The profile's answers this form asks for: all of them, or one step's (webapp.forms.profile_steps)."""
        return [name for name in profiles.PROFILE_FIELDS if name in self]

    def profile_values(self) -> dict[str, Any]:
        """The answers in the shape the profile service takes."""
        values: dict[str, Any] = {name: getattr(self, name).data for name in self.profile_fields()}
        if "in_asye" in values:
            values["in_asye"] = self.in_asye.data == "yes"
        if "home_borough" in values:
            values["home_borough"] = self.home_borough.data or None
        if "cv_text" in values:
            values["cv_text"] = self.cv_text.data or ""
        for name in ("hours_wanted", "protected_caseload", "hybrid_working"):
            if name in values:  # a step of the profile asks only some questions (webapp.forms.profile_steps)
                values[name] = getattr(self, name).data or None
        if "min_salary_anywhere_in_band" in values:
            values["min_salary_anywhere_in_band"] = self.min_salary_anywhere_in_band.data == "reach"
        if "considers_step_down" in values:
            values["considers_step_down"] = self.considers_step_down.data == "yes"
        return values

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Then the service's own rules (formats, ranges, real councils), for every field that
        # parsed, so one submission shows every problem at once.
        values = self.profile_values()
        if "in_asye" in self and self.in_asye.errors:
            values.pop("years_qualified", None)
        values = {name: value for name, value in values.items() if not getattr(self, name).errors}
        try:
            profiles.clean_profile(values)
        except profiles.ProfileInvalid as invalid:
            for name, message in invalid.errors.items():
                field = getattr(self, name)
                field.errors = list(field.errors) + [message]
            ok = False
        return ok

