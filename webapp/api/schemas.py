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
