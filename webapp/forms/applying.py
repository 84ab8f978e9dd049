"""Forms for the safer-recruitment application, the referee's reference and the council's reference setting.

The fields only carry what was typed: every rule is domain.safer_recruitment's, applied by the
service, whose messages the view puts beside these fields (so the rules live in one place).
``validate_on_submit`` here checks the CSRF token and nothing else.
"""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField

from domain import safer_recruitment as rules
from domain.safer_recruitment import RegistrationStatus, YesNo
from webapp.forms.jobs import options
from webapp.models import ReferenceStage


def _text(label: str, description: str = "") -> StringField:
    return StringField(label, widget=GovTextInput(), description=description)


def _area(label: str, description: str = "") -> TextAreaField:
    return TextAreaField(label, widget=GovTextArea(), description=description)


def _radios(label: str, choices, description: str = "") -> RadioField:
    # The service says what is missing or wrong, in words; WTForms' own "Not a valid choice" is off.
    return RadioField(label, choices=options(choices), widget=GovRadioInput(), description=description,
                      validate_choice=False)


def _tick(label: str) -> BooleanField:
    return BooleanField(label, widget=GovCheckboxInput(), false_values=("", "false", "no"))


class SectionForm(FlaskForm):
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def answers(self) -> dict[str, Any]:
        """What was typed, as the domain's rules read it (a ticked box is "yes")."""
        values: dict[str, Any] = {}
        for name, field in self._fields.items():
            if name in ("csrf_token", "submit"):
                continue
            if isinstance(field, BooleanField):
                values[name] = "yes" if field.data else ""
            else:
                values[name] = field.data if field.data is not None else ""
        return values

    def show(self, values: dict[str, Any]) -> None:
        """Fill the fields with saved answers (a GET)."""
        for name, value in values.items():
            field = self._fields.get(name)
            if field is None or value is None:
                continue
            if isinstance(field, BooleanField):
                field.data = value in (True, "yes")
            else:
                field.data = value if isinstance(value, str) else str(value)

    def put_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            field = self._fields.get(name) or self._fields["submit"]
            field.errors = [*field.errors, message]


class PersonalDetailsForm(SectionForm):
    full_name = _text("Full name")
    previous_names = _text("Previous names (optional)", "Any other names you have been known by, for the DBS check")
    address = _area("Address")
    postcode = _text("Postcode")
    phone = _text("Telephone number")
    email = _text("Email address")
    ni_number = _text("National Insurance number (optional)", "It’s on your payslip, P60 or letters about tax, "
                      "pensions or benefits. For example, QQ 12 34 56 C")


class RegistrationForm(SectionForm):
    status = _radios("What is your Social Work England registration status?", RegistrationStatus.choices())
    number = _text("Registration number", "SW followed by numbers, like SW123456")
    checked_day = StringField("Day")
    checked_month = StringField("Month")
    checked_year = StringField("Year")


class QualificationForm(SectionForm):
    name = _text("Qualification", "For example, BA (Hons) Social Work or MA Social Work")
    institution = _text("University or college")
    year = _text("Year awarded", "For example, 2018")


class JobForm(SectionForm):
    employer = _text("Employer")
    job_title = _text("Job title")
    duties = _area("Main duties", "A few lines on your responsibilities and the children and families you worked with")
    start_month = StringField("Month")
    start_year = StringField("Year")
    current = _tick("I still work here")
    end_month = StringField("Month")
    end_year = StringField("Year")
    reason_for_leaving = _area("Why did you leave?")


def gaps_form(gaps: list[rules.Gap], formdata: Any = None) -> SectionForm:
    """A form with one explanation box per gap (the number of gaps depends on the history)."""

    class GapsForm(SectionForm):
        pass

    for number, gap in enumerate(gaps, 1):
        setattr(GapsForm, f"gap_{number}", _area(f"Gap from {gap.label}", "For example, travelling, caring for a "
                                                 "relative, study, or looking for work"))
    return GapsForm(formdata=formdata) if formdata is not None else GapsForm()


def _referee(number: int) -> dict[str, Any]:
    p = f"referee{number}_"
    return {
        p + "name": _text("Full name"),
        p + "job_title": _text("Job title"),
        p + "organisation": _text("Organisation"),
        p + "relationship": _text("How do you know them?", "For example, my team manager"),
        p + "email": _text("Email address"),
        p + "phone": _text("Telephone number"),
    }


RefereesForm = type("RefereesForm", (SectionForm,), {
    **_referee(1), **_referee(2),
    "consent": _tick("I agree to the council contacting my referees when it is considering my application"),
})


class StatementForm(SectionForm):
    statement = TextAreaField("Supporting statement", widget=GovCharacterCount())


class DeclarationsForm(SectionForm):
    criminal_record = _radios("Do you have any convictions, cautions, reprimands or warnings that are not "
                              "protected?", YesNo.choices())
    criminal_record_details = _area("Give details", "What it was for, and when")
    related_to_council = _radios("Are you related to, or in a close personal relationship with, a councillor or a "
                                 "member of staff of this council?", YesNo.choices(),
                                 "Councils ask so they can make sure nobody involved in recruiting you is connected "
                                 "to you. Saying yes does not stop you being appointed.")
    relationship_details = _area("Give their name, their role and how you are related")
    right_to_work = _radios("Do you have the right to work in the UK?", YesNo.choices(),
                            "You will be asked for proof before you start work.")
    right_to_work_details = _area("What visa or sponsorship would you need?")


class CheckAnswersForm(FlaskForm):
    confirm = _tick("I confirm that the information I have given is true and complete. I understand that giving "
                    "false information or leaving things out may mean an offer is withdrawn or I am dismissed")
    submit = SubmitField("Send application", widget=GovSubmitInput())


class ReferenceForm(SectionForm):
    referee_name = _text("Your full name")
    referee_job_title = _text("Your job title")
    known_as = _text(rules.REFERENCE_QUESTIONS["known_as"])
    known_for = _text(rules.REFERENCE_QUESTIONS["known_for"])
    applicant_role = _text(rules.REFERENCE_QUESTIONS["applicant_role"] + " (optional)")
    suitability = TextAreaField(rules.REFERENCE_QUESTIONS["suitability"], widget=GovCharacterCount())
    safeguarding_concerns = _radios(rules.REFERENCE_QUESTIONS["safeguarding_concerns"], YesNo.choices())
    safeguarding_details = _area("Give details of your concerns")
    disciplinary = _radios(rules.REFERENCE_QUESTIONS["disciplinary"], YesNo.choices())
    disciplinary_details = _area("Give details")
    would_reemploy = _radios(rules.REFERENCE_QUESTIONS["would_reemploy"], YesNo.choices())
    reemploy_details = _area("Tell us why (optional if yes)")
    confirm = _tick("I confirm this reference is accurate to the best of my knowledge")
    submit = SubmitField("Send reference", widget=GovSubmitInput())


class DeclineReferenceForm(SectionForm):
    decline_reason = _area("Why can you not give a reference?", "For example, I do not know them well enough")
    submit = SubmitField("Tell the council I cannot give a reference", widget=GovSubmitInput())


class ReferenceStageForm(FlaskForm):
    references_at = _radios("When should we ask for references?", ReferenceStage.choices(),
                            "Safer recruitment guidance is to take up references before interview, so any concern "
                            "can be explored with the candidate.")
    submit = SubmitField("Save", widget=GovSubmitInput())
