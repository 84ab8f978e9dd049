"""The application form's rules as plain Python: employment gaps, registration numbers, and that no input,
however odd, does anything but return a message."""
from __future__ import annotations

import datetime as dt
import random
import string

import pytest

from domain import safer_recruitment as rules

TODAY = dt.date(2026, 11, 30)


def job(start: str, end: str | None) -> dict:
    return {"start": start, "end": end, "current": end is None}


@pytest.mark.parametrize(("jobs", "expected"), [
    ([], []),
    # Three whole months between jobs is allowed; four is a gap to explain.
    ([job("2019-01", "2020-01"), job("2020-05", None)], []),
    ([job("2019-01", "2020-01"), job("2020-06", None)], [("2020-01/2020-06", 4, "February 2020 to May 2020 (4 months)")]),
    # Overlapping roles (a second job, a secondment) cover each other.
    ([job("2015-01", "2022-12"), job("2016-01", "2017-01"), job("2023-02", None)], []),
    # From the last role to today.
    ([job("2015-01", "2026-07")], []),
    ([job("2015-01", "2026-06")], [("2026-06/today", 4, "July 2026 to now (4 months)")]),
    # A current role anywhere means no gap after it.
    ([job("2010-01", None), job("2012-01", "2013-01")], []),
])
def test_employment_gaps(jobs, expected):
    found = rules.employment_gaps(jobs, TODAY)
    assert [(g.key, g.months, g.label) for g in found] == expected


@pytest.mark.parametrize(("typed", "number"), [("SW123456", "SW123456"), ("sw 123 456", "SW123456"),
                                               (" Sw12 ", "SW12")])
def test_registration_numbers_are_read_in_the_profession_s_format(typed, number):
    clean, problems = rules.check_registration({"status": "registered", "number": typed, "checked_day": "1",
                                                "checked_month": "11", "checked_year": "2026"}, TODAY)
    assert problems == {} and clean["number"] == number


@pytest.mark.parametrize("typed", ["123456", "SW", "SWE123456", "SW12a", "SW-1", "SW١٢٣"])
def test_other_registration_numbers_are_refused(typed):
    _, problems = rules.check_registration({"status": "registered", "number": typed, "checked_day": "1",
                                            "checked_month": "11", "checked_year": "2026"}, TODAY)
    assert "SW followed by numbers" in problems["number"]


CHECKS = [rules.check_personal_details, rules.check_registration, rules.check_qualification, rules.check_job,
          rules.check_referees, rules.check_statement, rules.check_declarations]
ODD = ["", " ", "²²²²", "٣", "9" * 5000, "-1", "0", "13", "1e3", "\x00", "😀", "<script>", "yes", "no", "on",
       "31", "02", "2026", "99999999999999999999"]


@pytest.mark.parametrize("check", CHECKS + [lambda d, t: rules.check_reference(d), lambda d, t: rules.check_decline(d)])
def test_odd_input_only_ever_gives_messages(check):
    rng = random.Random(12)
    fields = ["full_name", "address", "postcode", "phone", "email", "ni_number", "status", "number", "checked_day",
              "checked_month", "checked_year", "name", "institution", "year", "employer", "job_title", "duties",
              "start_month", "start_year", "end_month", "end_year", "current", "reason_for_leaving", "statement",
              "criminal_record", "criminal_record_details", "related_to_council", "right_to_work", "consent",
              "referee1_email", "referee2_email", "referee1_phone", "suitability", "would_reemploy", "confirm",
              "decline_reason"]
    for _ in range(300):
        data = {name: rng.choice(ODD + ["".join(rng.choices(string.printable, k=rng.randint(0, 12)))])
                for name in fields if rng.random() < 0.8}
        clean, problems = check(data, TODAY)
        assert isinstance(clean, dict) and isinstance(problems, dict)
        assert all(isinstance(message, str) and message for message in problems.values())
