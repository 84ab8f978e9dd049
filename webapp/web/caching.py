"""Answers that programs poll (feeds, the sitemap, the public API): how long they may be kept, a
validator (ETag, Last-Modified) so asking again for something unchanged costs a 304 and no body,
and the one rate limit per client address they all share."""
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, g, request, session
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from webapp.extensions import limiter
from webapp.kept import kept_values


def _public_read_limit() -> str:
    return current_app.config["PUBLIC_READ_RATE_LIMIT"]


# One bucket per client address for everything programs read: feeds and the public API alike.
public_read_limit = limiter.shared_limit(_public_read_limit, scope="public-read", key_func=get_remote_address)


def _cacheable(response: Response, private: bool) -> Response:
    response.cache_control.max_age = current_app.config["FEED_CACHE_SECONDS"]
    # A private link's feed is one person's: shared caches must not keep it.
    if private:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    return response


def conditional(response: Response, last_modified: dt.datetime | None = None, private: bool = False) -> Response:
    """Mark ``response`` cacheable for FEED_CACHE_SECONDS, with a strong ETag of its body and the
    moment its content last changed (naive UTC), then answer 304 if the reader already has it."""
    _cacheable(response, private)
    if last_modified is not None:
        response.last_modified = last_modified.replace(tzinfo=dt.UTC)
    response.add_etag()
    return response.make_conditional(request)


def unchanged_since(fingerprint: str) -> Response | None:
    """A 304 when the reader's If-None-Match names this fingerprint, before anything is built: for
    answers too large to build just to find they have not changed (the sitemap, the aggregator feed)."""
    if fingerprint in request.if_none_match:
        return _cacheable(Response(status=304, headers={"ETag": f'"{fingerprint}"'}), private=False)
    return None


def fingerprinted(response: Response, fingerprint: str) -> Response:
    """A large (or streamed) answer, cacheable, whose ETag is its content's fingerprint, not a hash
    of its body (which would mean building it all first)."""
    _cacheable(response, private=False)
    response.set_etag(fingerprint)
    return response


# --- pages drawn once for everyone signed out -------------------------------------------------------

# Stand-ins drawn into a kept page where each request's own values go: unguessable (random per process)
# so no text in an advert can be taken for one, and plain letters so escaping leaves them as they are.
_NONCE_MARK = f"cspnonce{secrets.token_hex(12)}"
_CSRF_MARK = f"csrftoken{secrets.token_hex(12)}"

Drawn = tuple[str, int, Any]  # the page's HTML, its status, and anything the view needs again on a kept page


def signed_out_page(kind: str, key: tuple | Callable[[], tuple], draw: Callable[[], Drawn], kept_seconds: float,
                    kept_max: int) -> Drawn:
    """A page that is the same for everyone signed out, drawn once per ``key`` and kept up to ``kept_seconds``
    in this process (at most ``kept_max`` pages of this kind, the oldest dropped first), with this request's CSP nonce and
    CSRF token put in. ``key`` must name everything the page shows: the versions of the rows it reads, the
    day, the address with its query string. Only a 200 is kept. Anyone signed in, or with a message waiting
    to be shown, gets a page drawn for them. ``key`` may be a function, asked only for someone signed out."""
    if current_user.is_authenticated or session.get("_flashes"):
        return draw()
    if callable(key):
        key = key()
    kept = kept_values(f"signed-out {kind} pages", kept_seconds, kept_max)
    found = kept.get(key)
    if found is not None:
        html, status, extra = found[0], 200, found[1]
    else:
        html, status, extra = _draw_with_marks(draw)
        if status == 200:
            kept.put(key, (html, extra))
    html = html.replace(_NONCE_MARK, g.csp_nonce)
    if _CSRF_MARK in html:
        html = html.replace(_CSRF_MARK, generate_csrf())
    return html, status, extra


def _draw_with_marks(draw: Callable[[], Drawn]) -> Drawn:
    nonce = g.csp_nonce
    token_key = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    g.csp_nonce = _NONCE_MARK
    setattr(g, token_key, _CSRF_MARK)  # generate_csrf() answers with what g holds, touching no session
    try:
        return draw()
    finally:
        g.csp_nonce = nonce
        g.pop(token_key, None)
