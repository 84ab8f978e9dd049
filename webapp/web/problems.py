"""Errors from the API as RFC 9457 problem details: one JSON shape for every 4xx (and the rare 5xx).

Every error under /api/ answers ``application/problem+json``::

    {"type": "about:blank", "title": "Unprocessable Content", "status": 422,
     "detail": "The vacancy has 2 problems", "instance": "/api/v1/vacancies",
     "errors": [{"field": "salary_max", "pointer": "#/salary_max", "detail": "Maximum salary must be ..."}]}

``errors`` names each field a client sent wrong (RFC 9457 §3's own example uses this member);
other members (like ``existing`` on a 409) are extensions documented per route. The site's error
handlers (web/errors.py) send every error under /api/ here, so a 404 for an unknown address or a
405 for a wrong method has the same shape as an error a view raised.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Response, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

MEDIA_TYPE = "application/problem+json"
API_PREFIX = "/api/"

# What a client should do about each code, when the raiser gave no more precise message.
DETAILS = {
    400: "The request could not be read: check it is well-formed JSON and the parameters are valid.",
    401: "Send a valid API key in the X-Api-Key header. Your council administrator creates keys in the site.",
    403: "This API key may not do that.",
    404: "Nothing was found at this address.",
    405: "That method is not allowed at this address.",
    409: "That conflicts with something that already exists.",
    413: "The request body is too large.",
    415: "Send the request body as JSON, with Content-Type: application/json.",
    422: "Some values break the rules; see errors for each field.",
    429: "Too many requests (counted per API key, or per address for the public API): wait for the number "
         "of seconds in Retry-After.",
    500: "Sorry, something went wrong on our side. Nothing you sent has been saved; try again later.",
}


class Problem(HTTPException):
    """Raise to answer with a problem: a status, a message for the developer, and per-field errors.

    ``errors`` maps a field name (dotted for nested fields, or a CSV column) to its message;
    ``extra`` adds documented extension members (e.g. ``existing`` on a 409).
    """

    def __init__(self, status: int, detail: str | None = None, *, errors: dict[str, str] | None = None,
                 type_: str = "about:blank", headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(description=detail or DETAILS.get(status))
        self.code = status
        self.errors = errors or {}
        self.type = type_
        self.extra = extra
        self.extra_headers = headers or {}

    def get_response(self, environ=None, scope=None) -> Response:  # type: ignore[override]
        return problem_response(self.code or 500, self.description, errors=self.errors, type_=self.type,
                                headers=self.extra_headers, **self.extra)


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def problem_response(status: int, detail: str | None = None, *, errors: dict[str, str] | None = None,
                     type_: str = "about:blank", headers: dict[str, str] | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {
        "type": type_,
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail or DETAILS.get(status) or HTTP_STATUS_CODES.get(status, "Error"),
        "instance": request.path,
    }
    if errors:
        body["errors"] = [{"field": field, "pointer": "#/" + field.replace(".", "/"), "detail": message}
                          for field, message in errors.items()]
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    """webargs/marshmallow's nested {location: {field: [messages]}} as {"field": "message"}."""
    flat: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, name))
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(item, str) for item in messages):
            flat[prefix or "body"] = " ".join(messages)
        else:
            for index, item in enumerate(messages):
                flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "body"] = str(messages)
    return flat


def from_http_exception(error: HTTPException) -> Response:
    """Any HTTPException (a routing 404 or 405, webargs' 422, Flask-Limiter's 429, a too-large body)
    as a problem, keeping what each knows: per-field messages, allowed methods, Retry-After."""
    if isinstance(error, Problem):
        return error.get_response()
    status = error.code or 500
    headers: dict[str, str] = {}
    errors: dict[str, str] = {}
    data = getattr(error, "data", None) or {}
    if "messages" in data:
        # webargs reports by location ({"json": {...}, "query": {...}}); a client thinks in fields.
        for location, messages in data["messages"].items():
            flat = _flatten(messages)
            errors.update(flat if location == "json" else {f"{location}.{k}": v for k, v in flat.items()})
    for name, value in (data.get("headers") or {}).items():
        headers[name] = value
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    if status == 429:
        limit = getattr(error, "limit", None)
        # Flask-Limiter knows the window; a client needs whole seconds to wait.
        retry = getattr(getattr(limit, "limit", None), "get_expiry", lambda: 60)()
        headers.setdefault("Retry-After", str(int(retry)))
    default = type(error).description
    detail = error.description if error.description and error.description != default else None
    if status == 429:
        detail = DETAILS[429]
    if status == 422 and errors and not detail:
        detail = f"{len(errors)} value{'s' if len(errors) != 1 else ''} could not be read; see errors"
    return problem_response(status, detail, errors=errors, headers=headers)
