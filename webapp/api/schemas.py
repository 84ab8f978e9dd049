"""Shapes the API documents: the problem, and the profession's enumerations every client codes against."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from apispec import APISpec

from domain.vocabulary import (
    ApplyMethod,
    ContractType,
    HybridPattern,
    RoleLevel,
    ServiceArea,
    SupervisionFrequency,
    VacancyStatus,
    WorkingPattern,
)
from webapp.services import vacancies as rules  # the vacancy rules' limits, documented here

# Published in the document as named schemas and frozen: a client's code maps these values, so a
# value is only ever added (tests/test_api_enums.py fails if one is removed or renamed).
ENUMS: dict[str, Any] = {
    "RoleLevel": RoleLevel,
    "ServiceArea": ServiceArea,
    "ContractType": ContractType,
    "WorkingPattern": WorkingPattern,
    "HybridPattern": HybridPattern,
    "SupervisionFrequency": SupervisionFrequency,
    "ApplyMethod": ApplyMethod,
    "VacancyStatus": VacancyStatus,
}


def enum_schema(name: str) -> dict[str, Any]:
    enum_cls = ENUMS[name]
    labels = "; ".join(f"`{member.value}`: {member.label}" for member in enum_cls)
    return {"type": "string", "enum": [member.value for member in enum_cls], "description": labels}


def publish_enums(spec: APISpec) -> None:
    for name in ENUMS:
        spec.components.schema(name, enum_schema(name))


class ProblemFieldSchema(ma.Schema):
    field = ma.fields.String(required=True, metadata={"description": "The field (or CSV column) at fault"})
    pointer = ma.fields.String(required=True, metadata={"description": "A JSON pointer to it in the body"})
    detail = ma.fields.String(required=True, metadata={"description": "What is wrong, in words for a person"})


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details: the one shape of every error."""

    type = ma.fields.String(required=True, metadata={"description": "A URI naming the kind of problem"})
    title = ma.fields.String(required=True, metadata={"description": "The HTTP status's phrase"})
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True, metadata={"description": "What happened and what to do"})
    instance = ma.fields.String(metadata={"description": "The path that answered"})
    errors = ma.fields.List(ma.fields.Nested(ProblemFieldSchema),
                            metadata={"description": "One entry per field at fault (400 and 422)"})
    existing = ma.fields.Dict(metadata={"description": "409: the vacancy that already has this reference"})

    class Meta:
        unknown = ma.INCLUDE


# --- vacancies -----------------------------------------------------------------------------------------

class Text(ma.fields.String):
    """A string PostgreSQL can keep: no NUL characters and no lone surrogates (refused with a message,
    never a database error)."""

    default_error_messages = {"unstorable": "Must not contain NUL characters or unpaired surrogates."}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise self.make_error("unstorable")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise self.make_error("unstorable") from None
        return text


def _enum_field(name: str, **kwargs: Any) -> ma.fields.Field:
    values = [member.value for member in ENUMS[name]]
    return Text(validate=ma.validate.OneOf(values, error=f"Must be one of the {name} values: {', '.join(values)}."),
                metadata={"description": enum_schema(name)["description"]}, **kwargs)


def _between(low: float, high: float) -> dict[str, float]:
    """Documents a range; the vacancy rules check it (with their own messages), not the schema."""
    return {"minimum": low, "maximum": high}


def _optional(field_cls: type, **kwargs: Any) -> ma.fields.Field:
    return field_cls(allow_none=True, **kwargs)


class VacancyInSchema(ma.Schema):
    """What a council's system sends to create or replace a vacancy. The rules (lengths, salary range,
    dates, the practice promise) are the form's, checked by the same service; answers that break them
    come back as a 422 naming each field."""

    class Meta:
        unknown = ma.RAISE

    status = Text(validate=ma.validate.OneOf(["draft", "live"]), metadata={
        "description": "`live` publishes at once; `draft` (the default when creating) keeps it unpublished. "
                       "Left out when replacing, the vacancy keeps its state."})
    external_reference = _optional(Text, validate=ma.validate.Length(max=rules.EXTERNAL_REFERENCE_MAX), metadata={
        "description": "Your system's own id for the vacancy: unique among your council's vacancies "
                       "(a repeat answers 409 with the existing one)"})
    title = Text(required=True, metadata={"maxLength": rules.TITLE_MAX})
    reference = _optional(Text, metadata={"description": "The job reference shown to applicants",
                                          "maxLength": rules.REFERENCE_MAX})
    role_level = _enum_field("RoleLevel", required=True)
    service_area = _enum_field("ServiceArea", required=True)
    team = _optional(Text, metadata={"maxLength": rules.TEAM_MAX})
    summary = Text(required=True, metadata={"description": "One or two sentences shown in search results",
                                            "maxLength": rules.SUMMARY_MAX})
    description = Text(required=True, metadata={
        "description": "The advert: plain text, or HTML (p, br, h2-h4, strong, em, ul, ol, li, a, "
                       "blockquote are kept; everything else is removed). Its text may be "
                       f"{rules.DESCRIPTION_MAX:,} characters.", "maxLength": rules.DESCRIPTION_HTML_MAX})
    salary_min = ma.fields.Integer(required=True, strict=True, metadata=_between(rules.SALARY_FLOOR, rules.SALARY_CEILING))
    salary_max = ma.fields.Integer(required=True, strict=True, metadata={
        **_between(rules.SALARY_FLOOR, rules.SALARY_CEILING), "description": "The same as or more than salary_min"})
    contract_type = _enum_field("ContractType", required=True)
    fte = _optional(ma.fields.Decimal, allow_nan=False, as_string=False,
                    metadata={"description": "Full-time equivalent, 0.1 to 1.0 (default 1.0)",
                              **_between(float(rules.FTE_MIN), float(rules.FTE_MAX))})
    working_pattern = _enum_field("WorkingPattern", required=True)
    location_name = _optional(Text, metadata={"maxLength": rules.LOCATION_MAX})
    latitude = _optional(ma.fields.Float, allow_nan=False, metadata=_between(*rules.LATITUDE_RANGE))
    longitude = _optional(ma.fields.Float, allow_nan=False, metadata=_between(*rules.LONGITUDE_RANGE))
    closing_date = Text(required=True, metadata={
        "description": "A date (2027-03-31), or a date and time; a time without a zone is read as "
                       "Europe/London. Applications close at the end of that London day."})
    apply_method = _enum_field("ApplyMethod", allow_none=True)
    external_apply_url = _optional(Text, metadata={"description": "Required when apply_method is external",
                                                   "maxLength": rules.URL_MAX})
    caseload_max = _optional(ma.fields.Integer, strict=True, metadata=_between(1, rules.CASELOAD_MAX_LIMIT))
    supervision_frequency = _enum_field("SupervisionFrequency", allow_none=True)
    protected_caseload_nqsw = _optional(ma.fields.Boolean)
    hybrid_pattern = _enum_field("HybridPattern", allow_none=True)
    market_supplement = _optional(ma.fields.Integer, strict=True, metadata=_between(0, rules.PAYMENT_LIMIT))
    retention_payment = _optional(ma.fields.Integer, strict=True, metadata=_between(0, rules.PAYMENT_LIMIT))
    funded_development = _optional(ma.fields.Boolean)
    development_details = _optional(Text, metadata={"maxLength": rules.DEVELOPMENT_DETAILS_MAX})


class VacancyOutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    external_reference = ma.fields.String(allow_none=True)
    state = ma.fields.String(required=True, validate=ma.validate.OneOf(["draft", "live", "closed"]))
    url = ma.fields.String(required=True, metadata={"description": "The public job page (live while state is live)"})
    title = ma.fields.String(required=True)
    reference = ma.fields.String(allow_none=True)
    role_level = ma.fields.String(required=True)
    service_area = ma.fields.String(required=True)
    team = ma.fields.String()
    summary = ma.fields.String()
    description = ma.fields.String(metadata={"description": "The advert as plain text"})
    description_html = ma.fields.String(allow_none=True, metadata={
        "description": "The advert as the sanitised HTML shown on the job page, when HTML was sent"})
    salary_min = ma.fields.Integer()
    salary_max = ma.fields.Integer()
    contract_type = ma.fields.String()
    fte = ma.fields.Float()
    working_pattern = ma.fields.String()
    location_name = ma.fields.String()
    latitude = ma.fields.Float()
    longitude = ma.fields.Float()
    closing_date = ma.fields.String(metadata={"format": "date"})
    apply_method = ma.fields.String()
    external_apply_url = ma.fields.String(allow_none=True)
    caseload_max = ma.fields.Integer(allow_none=True)
    supervision_frequency = ma.fields.String(allow_none=True)
    protected_caseload_nqsw = ma.fields.Boolean()
    hybrid_pattern = ma.fields.String(allow_none=True)
    market_supplement = ma.fields.Integer(allow_none=True)
    retention_payment = ma.fields.Integer(allow_none=True)
    funded_development = ma.fields.Boolean()
    development_details = ma.fields.String()
    created_at = ma.fields.String(required=True, metadata={"format": "date-time", "description": "UTC"})
    updated_at = ma.fields.String(required=True, metadata={"format": "date-time", "description": "UTC"})
    published_at = ma.fields.String(allow_none=True, metadata={"format": "date-time"})
    closed_at = ma.fields.String(allow_none=True, metadata={"format": "date-time"})


class VacancyListQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    state = Text(validate=ma.validate.OneOf(["draft", "live", "closed"]))
    updated_since = Text(metadata={"description": "Only vacancies changed at or after this time "
                                                  "(ISO 8601; without a zone, Europe/London)"})
    external_reference = Text(validate=ma.validate.Length(min=1, max=100))
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    per_page = ma.fields.Integer(load_default=25, validate=ma.validate.Range(min=1, max=100))


class VacancyListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(VacancyOutSchema), required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True)
    pages = ma.fields.Integer(required=True)
    next = ma.fields.String(allow_none=True, metadata={"description": "The next page's address, or null"})
