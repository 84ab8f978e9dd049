"""The workforce input rules: one field definition and one validator, shared by every form and CSV row."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping, Sequence

from domain import workforce as wf
from domain.workforce import Quarter
from webapp.services import ServiceError

FTE_MAX = Decimal("99999.99")
COUNT_MAX = 1_000_000
DAY_RATE_MAX = Decimal("5000")
SALARY_RANGE = (15_000, 250_000)
TEXT_MAX = 120


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # fte | count | money | salary | date | choice | text | swe | quarter
    required: bool = True
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    row: int | None = None  # the CSV line number (the header is line 1)

    def text(self) -> str:
        return f"Row {self.row}, column {self.field}: {self.message}" if self.row is not None else self.message


class InvalidInput(ServiceError):
    """Input that broke the rules; ``errors`` says where, field by field (and row by row for a CSV)."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(e.text() for e in errors[:5]))
        self.errors = errors


_FTE = re.compile(r"^\d{1,5}(\.\d{1,2})?$")
_MONEY = re.compile(r"^\d{1,5}(\.\d{1,2})?$")
_WHOLE = re.compile(r"^\d{1,7}$")


def _parse_one(spec: Field, raw: Any) -> Any:
    """The value of one field, or a ValueError whose text is the message a person reads."""
    text = (raw if isinstance(raw, str) else ("" if raw is None else str(raw))).strip()
    label = spec.label
    if text == "":
        if spec.required:
            raise ValueError(f"Enter {label.lower()}" if spec.kind not in ("choice",) else f"Select {label.lower()}")
        return None
    if spec.kind == "fte":
        cleaned = text.replace(",", "")
        if cleaned.startswith("-"):
            raise ValueError(f"{label} cannot be negative")
        if not _FTE.match(cleaned):
            raise ValueError(f"{label} must be a number of full-time equivalents, like 12.5 (at most 2 decimal places)")
        value = Decimal(cleaned)
        if value > FTE_MAX:
            raise ValueError(f"{label} must be {FTE_MAX:,} or less")
        return value
    if spec.kind == "count":
        cleaned = text.replace(",", "")
        if cleaned.startswith("-"):
            raise ValueError(f"{label} cannot be negative")
        if not _WHOLE.match(cleaned) or int(cleaned) > COUNT_MAX:
            raise ValueError(f"{label} must be a whole number, like 4")
        return int(cleaned)
    if spec.kind == "money":
        cleaned = text.replace(",", "").lstrip("£")
        if cleaned.startswith("-"):
            raise ValueError(f"{label} cannot be negative")
        if not _MONEY.match(cleaned) or Decimal(cleaned) == 0 or Decimal(cleaned) > DAY_RATE_MAX:
            raise ValueError(f"{label} must be an amount in pounds between £1 and £{DAY_RATE_MAX:,}, like 350")
        return Decimal(cleaned)
    if spec.kind == "salary":
        cleaned = text.replace(",", "").lstrip("£")
        if not cleaned.isdigit() or not SALARY_RANGE[0] <= int(cleaned) <= SALARY_RANGE[1]:
            raise ValueError(f"{label} must be a whole number of pounds a year between £{SALARY_RANGE[0]:,} and "
                             f"£{SALARY_RANGE[1]:,}, like 45000")
        return int(cleaned)
    if spec.kind == "date":
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{label} must be a real date") from None
    if spec.kind == "choice":
        allowed = {value for value, _ in spec.choices}
        if text not in allowed:
            raise ValueError(f"Select {label.lower()} from the list")
        return text
    if spec.kind == "text":
        if len(text) > TEXT_MAX:
            raise ValueError(f"{label} must be {TEXT_MAX} characters or fewer")
        return text
    if spec.kind == "swe":
        return wf.normalise_swe_number(text)
    if spec.kind == "quarter":
        return Quarter.parse(text)
    raise AssertionError(spec.kind)


def parse_fields(specs: Sequence[Field], raw: Mapping[str, Any], row: int | None = None) -> tuple[dict, list[FieldError]]:
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for spec in specs:
        try:
            values[spec.name] = _parse_one(spec, raw.get(spec.name))
        except ValueError as problem:
            errors.append(FieldError(spec.name, str(problem), row))
    return values, errors


def fte_field(name: str, label: str, hint: str = "", required: bool = True) -> Field:
    return Field(name, label, "fte", required, hint)


QUARTER_FIELD = Field("quarter", "Quarter", "quarter", hint="A financial year and quarter, like 2025-26 Q2.")
