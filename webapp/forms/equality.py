"""The optional equal-opportunities questions, one GOV.UK radio group each."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import AnyOf, Optional

from domain.equality import CHARACTERISTICS
from webapp.forms.account import options


class EqualityForm(FlaskForm):
    """Every question may be left blank; each offers "Prefer not to say"."""

    submit = SubmitField("Save your answers", widget=GovSubmitInput())

    def answers(self) -> dict[str, str | None]:
        return {c.slug: getattr(self, c.slug).data or None for c in CHARACTERISTICS}

    @classmethod
    def for_answers(cls, row) -> "EqualityForm":
        data = {c.slug: getattr(row, c.slug) for c in CHARACTERISTICS} if row is not None else {}
        return cls(data=data)


for _c in CHARACTERISTICS:
    setattr(EqualityForm, _c.slug, RadioField(
        _c.question,
        choices=options(_c.answers.choices()),
        widget=GovRadioInput(),
        description=_c.hint,
        # Blank is a real answer here ("I'd rather skip this one"): only a value not on the list is wrong.
        validate_choice=False,
        validators=[Optional(), AnyOf([v for v, _ in _c.answers.choices()],
                                      message=f"Choose an answer from the list for “{_c.label.lower()}”")],
    ))
