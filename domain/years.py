"""The years the service's figures can name: a date or year outside them is a mistake in the request.

Figures start with the region's first census year of interest and end well before the calendar's
end, so adding a period to any accepted date (the previous period, a quarter's end) stays a date.
"""
from __future__ import annotations

FIRST_YEAR = 2000
LAST_YEAR = 2100


def year_problem(year: int, what: str) -> str | None:
    """A message if ``year`` is outside the range, naming ``what`` was asked for; else None."""
    if year < FIRST_YEAR:
        return f"{what} must be in {FIRST_YEAR} or later"
    if year > LAST_YEAR:
        return f"{what} must be in {LAST_YEAR} or earlier"
    return None
