"""Forms on the public jobs pages: the search and filter panel (a GET form) and applying for a job."""
from __future__ import annotations

import datetime as dt
import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import Form, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from domain.vocabulary import ContractType, HybridPattern, RoleLevel, ServiceArea, SubRegion, WorkingPattern
from webapp.search import MAX_KEYWORDS_LENGTH, SearchQuery, Sort
from webapp.search.places import DEFAULT_MILES, DISTANCE_CHOICES, near, resolve_place
from webapp.search.query import MAX_PAGE, MAX_SALARY, SORT_LABELS
from webapp.services.applications import SUPPORTING_STATEMENT_MAX


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms options."""
    return [SelectChoice(value, label) for value, label in pairs]


def _pairs(choices) -> list[tuple[str, str]]:
    return [(c.value, c.label) for c in choices or []]


class FilterField(SelectMultipleField):
    """Checkboxes for one facet; a value not on the list gets a message naming the filter."""

    widget = GovCheckboxesInput()

    def pre_validate(self, form) -> None:
        allowed = {value for value, _ in _pairs(self.choices)}
        unknown = [v for v in (self.data or []) if v not in allowed]
        if unknown:
            raise ValidationError(
                f"‘{unknown[0][:40]}’ is not a {self.label.text.lower()} you can filter by. Choose from the list."
            )


class ChoiceField(SelectField):
    widget = GovSelect()

    def __init__(self, *args, invalid_message: str = "Choose an option from the list", **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def pre_validate(self, form) -> None:
        if (self.data or "") not in {value for value, _ in _pairs(self.choices)}:
            raise ValidationError(self.invalid_message)


class WholeNumberField(StringField):
    """A whole number typed as text; "£40,000" reads as 40000. Empty is None."""

    widget = GovTextInput()

    def __init__(self, *args, minimum: int = 0, maximum: int = 10**9, invalid_message: str = "Enter a whole number",
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.minimum, self.maximum, self.invalid_message = minimum, maximum, invalid_message

    def process_formdata(self, valuelist) -> None:
        text = re.sub(r"[\s,£]", "", valuelist[0] if valuelist else "")
        if not text:
            self.data = None
            return
        if not re.fullmatch(r"-?\d{1,9}", text) or not self.minimum <= int(text) <= self.maximum:
            self.data = None
            raise ValueError(self.invalid_message)
        self.data = int(text)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class PlaceField(StringField):
    """A London borough or postcode district, typed; kept as the place's key (slug or district)."""

    widget = GovTextInput()

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        self.place = None
        if self.data:
            self.data = " ".join(self.data.split())[:60]
            self.place = resolve_place(self.data)
            if self.place is not None:
                self.data = self.place.key

    def pre_validate(self, form) -> None:
        if self.data and getattr(self, "place", None) is None:
            raise ValidationError("Enter a London borough or postcode district, like Hackney or SE15")


class YesField(StringField):
    """A tick box sent by GET: ticked is "y" (or yes/true/1/on); anything else is a mistake."""

    TRUE = {"y", "yes", "true", "1", "on"}

    def process_formdata(self, valuelist) -> None:
        value = (valuelist[0] if valuelist else "").strip().lower()
        if value and value not in self.TRUE:
            self.data = False
            raise ValueError(f"{self.label.text} can only be ticked or not ticked")
        self.data = bool(value)

    def process_data(self, value) -> None:
        self.data = bool(value)


class IsoDateField(StringField):
    """A date in a link (YYYY-MM-DD), as saved searches and alerts write it."""

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        try:
            self.data = dt.date.fromisoformat(text)
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a date like 2026-12-31") from None

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""


# Facet fields of the form and the SearchQuery attribute each fills.
FACET_FIELDS = {
    "council": "councils",
    "sub_region": "sub_regions",
    "role_level": "role_levels",
    "service_area": "service_areas",
    "contract_type": "contract_types",
    "working_pattern": "working_patterns",
    "hybrid": "hybrid_patterns",
}


class JobSearchForm(Form):
    """The /jobs query string. Unknown parameters (e.g. tracking tags) are ignored; known ones
    with values we cannot use are errors with a message, never silently dropped."""

    q = StringField(
        "Keywords",
        widget=GovTextInput(),
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
        validators=[Length(max=MAX_KEYWORDS_LENGTH,
                           message=f"Search words must be {MAX_KEYWORDS_LENGTH} characters or fewer")],
        description="For example, child protection, NQSW or fostering",
    )
    council = FilterField("Council")
    sub_region = FilterField("Part of London", choices=options(SubRegion.choices()))
    role_level = FilterField("Role level", choices=options(RoleLevel.choices()))
    service_area = FilterField("Service area", choices=options(ServiceArea.choices()))
    contract_type = FilterField("Contract", choices=options(ContractType.choices()))
    working_pattern = FilterField("Working pattern", choices=options(WorkingPattern.choices()))
    hybrid = FilterField("Hybrid working", choices=options(HybridPattern.choices()))
    salary = WholeNumberField("Minimum salary, in pounds a year", minimum=0, maximum=MAX_SALARY,
                              invalid_message=f"Minimum salary must be a whole number of pounds "
                                              f"between 0 and {MAX_SALARY:,}, like 40000")
    max_caseload = WholeNumberField("Maximum caseload, in children", minimum=1, maximum=100,
                                    invalid_message="Maximum caseload must be a number of children from 1 to 100")
    protected_nqsw = YesField("Protected caseload for newly qualified social workers")
    funded_development = YesField("Funded training and development")
    near = PlaceField("Near a borough or postcode", description="For example, Hackney or SE15")
    miles = ChoiceField("Within", choices=options((str(m), f"{m} mile{'s' if m > 1 else ''}") for m in DISTANCE_CHOICES),
                        default=str(DEFAULT_MILES), invalid_message="Choose a distance from the list")
    closing_after = IsoDateField("Closing on or after")
    sort = ChoiceField("Sort by", choices=options((s.value, SORT_LABELS[s]) for s in Sort), default=Sort.RELEVANCE.value,
                       invalid_message="Sort by most relevant, newest, highest salary or closing soonest")
    page = WholeNumberField("Page", minimum=1, maximum=MAX_PAGE,
                            invalid_message=f"Page must be a whole number from 1 to {MAX_PAGE}, like 2")

    def __init__(self, formdata, council_choices: list[tuple[str, str]]):
        super().__init__(formdata)
        self.council.choices = options(council_choices)
        # An empty select means the default, not an error.
        for field in (self.sort, self.miles):
            if not field.data:
                field.data = field.default

    def to_query(self, per_page: int) -> SearchQuery:
        return SearchQuery(
            keywords=self.q.data or "",
            **{attr: tuple(getattr(self, name).data or ()) for name, attr in FACET_FIELDS.items()},
            salary_min=self.salary.data,
            max_caseload=self.max_caseload.data,
            protected_nqsw_caseload=bool(self.protected_nqsw.data),
            funded_development=bool(self.funded_development.data),
            near=near(self.near.data, float(self.miles.data or DEFAULT_MILES)),
            closing_after=self.closing_after.data,
            sort=Sort(self.sort.data),
            page=self.page.data or 1,
            per_page=per_page,
        )

    def show_facet_counts(self, facets: dict[str, list[tuple[str, int]]]) -> None:
        """Relabel each filter's options with how many jobs it would show; options with none
        are hidden unless already ticked (so they can be unticked)."""
        for name, attr in FACET_FIELDS.items():
            field = getattr(self, name)
            counts = dict(facets.get(attr, []))
            chosen = set(field.data or [])
            field.choices = options(
                (value, f"{label} ({counts.get(value, 0)})")
                for value, label in _pairs(field.choices)
                if counts.get(value) or value in chosen
            )

    def chosen_filters(self) -> list[tuple[str, str, str]]:
        """(parameter, value, what it reads as) for each filter set, for "remove filter" links."""
        chosen = []
        for name in FACET_FIELDS:
            field = getattr(self, name)
            labels = dict(_pairs(field.choices))
            for value in field.data or []:
                chosen.append((name, value, f"{field.label.text}: {labels.get(value, value)}"))
        if self.salary.data is not None:
            chosen.append(("salary", str(self.salary.data), f"Salary at least £{self.salary.data:,}"))
        if self.max_caseload.data is not None:
            chosen.append(("max_caseload", str(self.max_caseload.data),
                           f"Caseload at most {self.max_caseload.data} children"))
        if self.protected_nqsw.data:
            chosen.append(("protected_nqsw", "y", "Protected NQSW caseload"))
        if self.funded_development.data:
            chosen.append(("funded_development", "y", "Funded development"))
        if self.near.data and getattr(self.near, "place", None) is not None:
            chosen.append(("near", self.near.data, f"Within {self.miles.data} miles of {self.near.place.label}"))
        if self.closing_after.data:
            chosen.append(("closing_after", self.closing_after.data.isoformat(),
                           f"Closing on or after {self.closing_after.data:%-d %B %Y}"))
        return chosen


class ApplyForm(FlaskForm):
    supporting_statement = TextAreaField(
        "Supporting statement",
        widget=GovCharacterCount(),
        description="Tell the council why you want this job and how your practice meets what it asks for.",
        validators=[
            InputRequired("Enter your supporting statement"),
            Length(max=SUPPORTING_STATEMENT_MAX,
                   message=f"Supporting statement must be {SUPPORTING_STATEMENT_MAX:,} characters or fewer"),
        ],
    )
    submit = SubmitField("Send application", widget=GovSubmitInput())
