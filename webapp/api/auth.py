"""Who is calling the council API: the X-Api-Key header, checked on every request, and its rate limit."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from webapp.api import KEY_HEADER
from webapp.extensions import db
from webapp.models import ApiKey
from webapp.services import api_keys
from webapp.web.problems import Problem


def presented_key() -> str | None:
    return request.headers.get(KEY_HEADER)


def council_key_required(view: Callable) -> Callable:
    """Only with an active key; the key (and so its council) is ``g.api_key``. A revoked or rotated
    key is refused from the moment the change is committed: every request reads the key's row."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        key = api_keys.authenticate(presented_key())
        if key is None:
            raise Problem(401, "Send a valid, active API key in the X-Api-Key header. Your council "
                               "administrator creates and revokes keys in the site (Recruit → API keys).",
                          headers={"WWW-Authenticate": f'ApiKey header="{KEY_HEADER}"'})
        if db.session.is_modified(key):
            db.session.commit()  # its last use, noted by authenticate (at most once a minute)
        g.api_key = key
        return view(*args, **kwargs)

    return wrapped


def current_key() -> ApiKey:
    return g.api_key


def rate_limit_key() -> str:
    """Requests are counted per key (its public start), or per address for requests without one."""
    bucket = api_keys.rate_limit_bucket(presented_key())
    return f"api-key:{bucket}" if bucket else f"api-address:{get_remote_address()}"


def rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]
