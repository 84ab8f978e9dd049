"""Answers that programs poll (feeds, the sitemap, the public API): how long they may be kept, a
validator (ETag, Last-Modified) so asking again for something unchanged costs a 304 and no body,
and the one rate limit per client address they all share."""
from __future__ import annotations

import datetime as dt

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address

from webapp.extensions import limiter


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
