"""Absolute addresses on the public site, built from SITE_URL: in a request, a worker or a command alike."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """The address of a page (by its endpoint name), from SITE_URL, never from a request's Host header (which a
    caller could forge), and without needing a request or SERVER_NAME (workers have neither)."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path.rstrip("/") or "/", url_scheme=site.scheme)
    return adapter.build(endpoint, values, force_external=True)
