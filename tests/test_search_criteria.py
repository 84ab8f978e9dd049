"""Reading a /jobs query string (webapp.search.criteria): plain Python, no app, no database.

The /jobs page, saved searches and job alerts all read a search this way, so these are the rules
for all three: the messages a person sees, what each parameter reads as, and the saved form."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl

import pytest

from webapp.search import Sort
from webapp.search.criteria import JobSearchCriteria, parse

COUNCILS = [("camden", "Camden"), ("croydon", "Croydon")]


def read(query_string: str) -> tuple[JobSearchCriteria, dict[str, str]]:
    return parse(parse_qsl(query_string, keep_blank_values=True), COUNCILS)


def criteria(query_string: str) -> JobSearchCriteria:
    search, problems = read(query_string)
    assert problems == {}
    return search


def problems(query_string: str) -> dict[str, str]:
    return read(query_string)[1]


# --- what each parameter reads as ---------------------------------------------------------------

def test_nothing_asked_for_is_every_job_by_relevance_within_the_default_distance():
    assert criteria("") == JobSearchCriteria()
    assert criteria("") == JobSearchCriteria(keywords="", sort=Sort.RELEVANCE, miles=5, page=1, near="", place=None)


def test_blank_values_are_the_defaults_not_mistakes():
    assert criteria("q=&salary=&max_caseload=&protected_nqsw=&near=&miles=&closing_after=&sort=&page=") \
        == JobSearchCriteria()


def test_keywords_are_tidied_to_single_spaces():
    assert criteria("q=%20%20child%20%20%0Aprotection%09").keywords == "child protection"


def test_a_salary_reads_as_typed_with_pound_sign_commas_and_spaces():
    assert criteria("salary=%C2%A340%2C000").salary == 40000
    assert criteria("salary=%2040%20000%20").salary == 40000
    assert criteria("max_caseload=%2018%20").max_caseload == 18


@pytest.mark.parametrize("value", ["y", "yes", "true", "1", "on", "ON", "%20Yes%20"])
def test_a_tick_box_is_ticked_by_any_of_the_usual_values(value):
    search = criteria(f"protected_nqsw={value}&funded_development={value}")
    assert search.protected_nqsw and search.funded_development


def test_a_place_is_a_borough_by_slug_or_name_or_a_postcode_district():
    camden = criteria("near=camden")
    assert (camden.near, camden.place.label) == ("camden", "Camden")
    kingston = criteria("near=Kingston%20upon%20Thames&miles=10")
    assert (kingston.near, kingston.miles, kingston.place.label) == ("kingston-upon-thames", 10, "Kingston upon Thames")
    peckham = criteria("near=%20se15%20")
    assert (peckham.near, peckham.place.label) == ("SE15", "SE15 (Peckham)")


def test_a_closing_date_sort_and_page():
    search = criteria("closing_after=2026-12-31&sort=closing&page=3")
    assert (search.closing_after, search.sort, search.page) == (dt.date(2026, 12, 31), Sort.CLOSING, 3)


def test_filters_keep_every_value_in_the_order_sent():
    search = criteria("council=croydon&council=camden&role_level=nqsw&hybrid=hybrid&sub_region=north"
                      "&service_area=child_protection&contract_type=permanent&working_pattern=part_time")
    assert search.councils == ("croydon", "camden")
    assert (search.role_levels, search.hybrid_patterns, search.sub_regions) == (("nqsw",), ("hybrid",), ("north",))
    assert (search.service_areas, search.contract_types, search.working_patterns) \
        == (("child_protection",), ("permanent",), ("part_time",))


def test_the_first_value_wins_for_a_parameter_that_takes_one():
    search = criteria("q=fostering&q=adoption&salary=40000&salary=x&sort=salary&sort=bad&miles=10&miles=2"
                      "&near=camden&near=mars&page=2&page=0&closing_after=2026-01-01&closing_after=x")
    assert (search.keywords, search.salary, search.sort, search.miles, search.near, search.page,
            search.closing_after) == ("fostering", 40000, Sort.SALARY, 10, "camden", 2, dt.date(2026, 1, 1))
    assert problems("sort=bad&sort=salary") == {"sort": "Sort by most relevant, newest, highest salary, closing soonest or nearest first"}


def test_unknown_parameters_such_as_tracking_tags_are_ignored():
    assert criteria("utm_source=newsletter&utm_campaign=x&q=social&fbclid=abc") == JobSearchCriteria(keywords="social")


# --- every problem, with the message the person sees -------------------------------------------------

@pytest.mark.parametrize(
    ("query_string", "field", "message"),
    [
        ("q=" + "a" * 201, "q", "Search words must be 200 characters or fewer"),
        ("council=atlantis", "council", "‘atlantis’ is not a council you can filter by. Choose from the list."),
        ("council=", "council", "‘’ is not a council you can filter by. Choose from the list."),
        ("sub_region=moon", "sub_region", "‘moon’ is not a part of london you can filter by. Choose from the list."),
        ("role_level=wizard", "role_level", "‘wizard’ is not a role level you can filter by. Choose from the list."),
        ("service_area=astronomy", "service_area",
         "‘astronomy’ is not a service area you can filter by. Choose from the list."),
        ("contract_type=forever", "contract_type", "‘forever’ is not a contract you can filter by. Choose from the list."),
        ("working_pattern=never", "working_pattern",
         "‘never’ is not a working pattern you can filter by. Choose from the list."),
        ("hybrid=moon", "hybrid", "‘moon’ is not a hybrid working you can filter by. Choose from the list."),
        ("council=" + "x" * 50, "council", f"‘{'x' * 40}’ is not a council you can filter by. Choose from the list."),
        ("salary=lots", "salary",
         "Minimum salary must be a whole number of pounds between 0 and 500,000, like 40000"),
        ("salary=-5", "salary", "Minimum salary must be a whole number of pounds between 0 and 500,000, like 40000"),
        ("salary=500001", "salary",
         "Minimum salary must be a whole number of pounds between 0 and 500,000, like 40000"),
        ("salary=40000.50", "salary",
         "Minimum salary must be a whole number of pounds between 0 and 500,000, like 40000"),
        ("max_caseload=0", "max_caseload", "Maximum caseload must be a number of children from 1 to 100"),
        ("max_caseload=101", "max_caseload", "Maximum caseload must be a number of children from 1 to 100"),
        ("protected_nqsw=maybe", "protected_nqsw",
         "Protected caseload for newly qualified social workers can only be ticked or not ticked"),
        ("funded_development=no", "funded_development",
         "Funded training and development can only be ticked or not ticked"),
        ("near=mars", "near", "Enter a London borough or postcode district, like Hackney or SE15"),
        ("miles=7", "miles", "Choose a distance from the list"),
        ("closing_after=2026-13-45", "closing_after", "Closing on or after must be a date like 2026-12-31"),
        ("sort=cheapest", "sort", "Sort by most relevant, newest, highest salary, closing soonest or nearest first"),
        ("page=abc", "page", "Page must be a whole number from 1 to 500, like 2"),
        ("page=0", "page", "Page must be a whole number from 1 to 500, like 2"),
        ("page=501", "page", "Page must be a whole number from 1 to 500, like 2"),
    ],
)
def test_each_problem_has_its_message(query_string, field, message):
    assert problems(query_string) == {field: message}


def test_two_hundred_characters_of_keywords_are_fine():
    assert criteria("q=" + "a" * 200).keywords == "a" * 200


def test_problems_come_in_the_order_the_page_shows_its_fields():
    found = problems("page=0&sort=bad&closing_after=x&miles=9&near=mars&funded_development=no&protected_nqsw=no"
                     "&max_caseload=0&salary=x&hybrid=x&working_pattern=x&contract_type=x&service_area=x"
                     "&role_level=x&sub_region=x&council=x&q=" + "b" * 201)
    assert list(found) == ["q", "council", "sub_region", "role_level", "service_area", "contract_type",
                           "working_pattern", "hybrid", "salary", "max_caseload", "protected_nqsw",
                           "funded_development", "near", "miles", "closing_after", "sort", "page"]


def test_read_with_problems_the_criteria_keep_what_was_sent_for_showing_back():
    search, found = read("council=camden&council=atlantis&near=%20the%20%20moon&salary=lots&q=" + "c" * 201)
    assert set(found) == {"council", "near", "salary", "q"}
    assert search.councils == ("camden", "atlantis")
    assert (search.near, search.place, search.salary, search.keywords) == ("the moon", None, None, "c" * 201)


# --- the search as the engines take it, as a saved search keeps it, and in words -----------------------

def test_to_query_carries_every_filter():
    query = criteria("q=fostering&council=camden&hybrid=hybrid&salary=40000&max_caseload=18&protected_nqsw=y"
                     "&funded_development=y&near=camden&miles=10&closing_after=2026-01-01&sort=newest&page=2"
                     ).to_query(per_page=20)
    assert (query.keywords, query.councils, query.hybrid_patterns) == ("fostering", ("camden",), ("hybrid",))
    assert (query.salary_min, query.max_caseload) == (40000, 18)
    assert query.protected_nqsw_caseload and query.funded_development
    assert (query.near.miles, query.near.label) == (10.0, "Camden")
    assert (query.closing_after, query.sort, query.page, query.per_page) == (dt.date(2026, 1, 1), Sort.NEWEST, 2, 20)
    assert criteria("").to_query(per_page=5).near is None


def test_normalised_is_one_canonical_order_without_page_or_sort():
    search = criteria("page=3&sort=salary&closing_after=2026-01-01&miles=10&near=Camden&funded_development=on"
                      "&protected_nqsw=yes&max_caseload=%2018&salary=%C2%A340%2C000&hybrid=office&hybrid=hybrid"
                      "&working_pattern=full_time&contract_type=permanent&service_area=mash&role_level=nqsw"
                      "&sub_region=north&council=croydon&council=camden&council=croydon&q=%20child%20%20protection")
    assert search.normalised() == (
        "q=child+protection&council=camden&council=croydon&sub_region=north&role_level=nqsw&service_area=mash"
        "&contract_type=permanent&working_pattern=full_time&hybrid=hybrid&hybrid=office&salary=40000"
        "&max_caseload=18&protected_nqsw=y&funded_development=y&near=camden&miles=10&closing_after=2026-01-01"
    )
    assert criteria("near=se15").normalised() == "near=SE15&miles=5"
    assert criteria("sort=newest&page=2&utm_source=x").normalised() == ""


def test_chosen_filters_name_each_filter_in_words():
    search = criteria("q=fostering&council=croydon&sub_region=north&hybrid=hybrid&salary=40000&max_caseload=18"
                      "&protected_nqsw=y&funded_development=y&near=camden&miles=1&closing_after=2026-01-01")
    assert search.chosen_filters(COUNCILS) == [
        ("council", "croydon", "Council: Croydon"),
        ("sub_region", "north", "Part of London: North London"),
        ("hybrid", "hybrid", "Hybrid working: Hybrid (office, visits and home)"),
        ("salary", "40000", "Salary at least £40,000"),
        ("max_caseload", "18", "Caseload at most 18 children"),
        ("protected_nqsw", "y", "Protected NQSW caseload"),
        ("funded_development", "y", "Funded development"),
        ("near", "camden", "Within 1 miles of Camden"),
        ("closing_after", "2026-01-01", "Closing on or after 1 January 2026"),
    ]
    assert criteria("q=fostering").chosen_filters(COUNCILS) == []


def test_a_filter_value_with_no_name_reads_as_itself():
    """A saved search whose council has since gone still says which one it was."""
    search, _ = read("council=hackney&role_level=wizard")
    assert search.chosen_filters(COUNCILS) == [("council", "hackney", "Council: hackney"),
                                               ("role_level", "wizard", "Role level: wizard")]
