"""What every request is checked for before any view runs: control characters, and ids no row can have.

A NUL byte reached PostgreSQL (which refuses it in text: a 500, with the query's parameters in the
log) and was stored by SQLite; an id above 2^63 overflowed the database driver. Both are refused
here, once, for every route and every API endpoint, so no view has to remember them.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

# Every primary key is an INTEGER column: 2^31 - 1 is the largest id PostgreSQL (and the ids SQLite
# hands out here) can hold, so a larger one names nothing.
LARGEST_ID = 2**31 - 1

# C0 controls and DEL. Tab, line feed and carriage return are allowed only in what a person typed
# into a form or a JSON document (a multi-line supporting statement), never in an address.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_EXCEPT_WHITESPACE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CONTROL_CHARACTER = ("Your request contained a control character (such as a NUL byte) that this service "
                     "does not accept. Remove it and try again.")


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number no row can have is a 404 before the view asks the database."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's argument name
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def is_id(text: str | None) -> bool:
    """Whether a submitted value (a form's hidden id, say) could be a row's id at all."""
    return bool(text) and text.isdigit() and len(text) <= 10 and 0 < int(text) <= LARGEST_ID


def has_control_character(text: str, multi_line: bool = False) -> bool:
    return bool((_CONTROL_EXCEPT_WHITESPACE if multi_line else _CONTROL).search(text))


def _json_strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def refuse_control_characters() -> None:
    """400 for a control character in the path, the query string, a form's field names or values, or JSON."""
    if has_control_character(request.path):
        abort(400, description=CONTROL_CHARACTER)
    for key, value in request.args.items(multi=True):
        if has_control_character(key) or has_control_character(value):
            abort(400, description=CONTROL_CHARACTER)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    for key, value in request.form.items(multi=True):
        if has_control_character(key) or has_control_character(value, multi_line=True):
            abort(400, description=CONTROL_CHARACTER)
    for key, upload in request.files.items(multi=True):
        if has_control_character(key) or has_control_character(upload.filename or ""):
            abort(400, description=CONTROL_CHARACTER)
    if request.is_json:
        document = request.get_json(silent=True)
        if any(has_control_character(text, multi_line=True) for text in _json_strings(document)):
            abort(400, description=CONTROL_CHARACTER)


def init_app(app: Flask) -> None:
    """Before the blueprints are registered: their `<int:...>` rules are built with this converter."""
    app.url_map.converters["int"] = IdConverter
    # First of the app's checks, so no other hook (the funnel's visitor, the session) reads the input first.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_control_characters)
