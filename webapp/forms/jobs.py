"""Forms on the public jobs pages: the search and filter panel (a GET form). Applying is webapp.forms.applying."""
from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Form,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice

from webapp.search import SearchQuery, Sort
from webapp.search.criteria import (
    CLOSING_AFTER_LABEL,
    FACETS,
    FACETS_BY_PARAM,
    FUNDED_DEVELOPMENT_LABEL,
    PROTECTED_NQSW_LABEL,
    JobSearchCriteria,
)
from webapp.search.criteria import parse as parse_criteria
from webapp.search.places import DEFAULT_MILES, DISTANCE_CHOICES
from webapp.search.query import SORT_LABELS


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms options."""
    return [SelectChoice(value, label) for value, label in pairs]


def _pairs(choices) -> list[tuple[str, str]]:
    return [(c.value, c.label) for c in choices or []]


class FilterField(SelectMultipleField):
    """Checkboxes for one facet."""

    widget = GovCheckboxesInput()


def _filter(param: str) -> FilterField:
    facet = FACETS_BY_PARAM[param]
    # Council choices come from the database, so JobSearchForm sets them per request.
    return FilterField(facet.label, choices=options(facet.choices()) if facet.vocabulary else None)


class ChoiceField(SelectField):
    widget = GovSelect()


class WholeNumberField(StringField):
    """A whole number typed as text, shown back as it was typed (so "£40,000" stays as typed)."""

    widget = GovTextInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class JobSearchForm(Form):
    """The /jobs query string, shown as the GOV.UK search and filter panel.

    The reading and checking are webapp.search.criteria's (the one parser, shared with saved
    searches and alerts): the fields only show back what it read, with each of its messages
    beside its field. ``criteria`` is what was read."""

    q = StringField("Keywords", widget=GovTextInput(), description="For example, child protection, NQSW or fostering")
    council = _filter("council")
    sub_region = _filter("sub_region")
    role_level = _filter("role_level")
    service_area = _filter("service_area")
    contract_type = _filter("contract_type")
    working_pattern = _filter("working_pattern")
    hybrid = _filter("hybrid")
    salary = WholeNumberField("Minimum salary, in pounds a year")
    max_caseload = WholeNumberField("Maximum caseload, in children")
    protected_nqsw = BooleanField(PROTECTED_NQSW_LABEL)
    funded_development = BooleanField(FUNDED_DEVELOPMENT_LABEL)
    near = StringField("Near a borough or postcode", widget=GovTextInput(), description="For example, Hackney or SE15")
    miles = ChoiceField("Within", choices=options((str(m), f"{m} mile{'s' if m > 1 else ''}") for m in DISTANCE_CHOICES),
                        default=str(DEFAULT_MILES))
    closing_after = StringField(CLOSING_AFTER_LABEL)
    sort = ChoiceField("Sort by", choices=options((s.value, SORT_LABELS[s]) for s in Sort), default=Sort.RELEVANCE.value)
    page = StringField("Page")

    def __init__(self, formdata, council_choices: list[tuple[str, str]]):
        super().__init__(formdata)
        self._council_choices = list(council_choices)
        self.council.choices = options(self._council_choices)
        pairs = [(name, value) for name in formdata or () for value in formdata.getlist(name)]
        self.criteria, self._problems = parse_criteria(pairs, self._council_choices)
        self._show(self.criteria)

    def _show(self, criteria: JobSearchCriteria) -> None:
        """Each field shows what the criteria read."""
        self.q.data = criteria.keywords
        for facet in FACETS:
            self[facet.param].data = list(getattr(criteria, facet.attr))
        self.salary.data = criteria.salary  # a number we cannot read is shown back as typed (_value)
        self.max_caseload.data = criteria.max_caseload
        self.protected_nqsw.data = criteria.protected_nqsw
        self.funded_development.data = criteria.funded_development
        self.near.data = criteria.near
        # A distance or order we cannot use stays as sent, so the list shows no option as chosen.
        if "miles" not in self._problems:
            self.miles.data = str(criteria.miles)
        self.closing_after.data = criteria.closing_after
        if "sort" not in self._problems:
            self.sort.data = criteria.sort.value
        self.page.data = criteria.page

    def validate(self, extra_validators=None) -> bool:
        """Puts each of the criteria's problems beside its field; True if there are none."""
        for name, field in self._fields.items():
            field.errors = [self._problems[name]] if name in self._problems else []
        return not self._problems

    def to_query(self, per_page: int) -> SearchQuery:
        return self.criteria.to_query(per_page)

    def show_facet_counts(self, facets: dict[str, list[tuple[str, int]]]) -> None:
        """Relabel each filter's options with how many jobs it would show; options with none
        are hidden unless already ticked (so they can be unticked)."""
        for facet in FACETS:
            field = self[facet.param]
            counts = dict(facets.get(facet.attr, []))
            chosen = set(field.data or [])
            field.choices = options(
                (value, f"{label} ({counts.get(value, 0)})")
                for value, label in _pairs(field.choices)
                if counts.get(value) or value in chosen
            )

    def chosen_filters(self) -> list[tuple[str, str, str]]:
        """(parameter, value, what it reads as) for each filter set, for "remove filter" links."""
        return self.criteria.chosen_filters(self._council_choices)
