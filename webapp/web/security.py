"""Sign-in sessions (Flask-Login), the site's own address in every link, and the security headers on every response."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, current_app, g, request
from flask.globals import request_ctx
from flask_login import current_user

from webapp.extensions import db, login_manager
from webapp.models import User
from webapp.web.edge import is_id


@login_manager.user_loader
def load_user(user_id: str):
    """The user a session belongs to, if the session is still current (User.get_id: "<id>:<generation>").

    A session from before the account's latest sign-out, password change or closure carries an older
    generation: it is refused here, so a copied cookie stops working once its owner signs out."""
    user_part, _, generation = user_id.partition(":")
    if not is_id(user_part) or not generation.isdigit() or len(generation) > 9:
        return None
    user = db.session.get(User, int(user_part))
    if user is None or not user.active or int(generation) != (user.session_generation or 0):
        return None
    return user


def submitted_account_key() -> str:
    """The rate limits' key for the account a form names (its email address), wherever the attempt
    comes from: rotating addresses (or forging X-Forwarded-For) does not buy more guesses at one
    account. Keyed with the secret key, so the limiter's store never holds an email address."""
    email = (request.form.get("email") or "").strip().lower()
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), email.encode(), hashlib.sha256).hexdigest()
    return f"account:{digest[:32]}"


def init_app(app: Flask) -> None:
    login_manager.login_view = "account.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    def links_name_the_site() -> None:
        # Canonical links, JSON-LD, feeds and every other url_for(_external=True) take the host and
        # scheme from SITE_URL, never from the request's Host (or X-Forwarded-Host) header, which
        # anyone can set: a forged Host must not reach a page, a cache or a search engine.
        adapter = request_ctx.url_adapter
        site = urlsplit(app.config["SITE_URL"])
        if adapter is not None:
            adapter.server_name = site.netloc
            adapter.url_scheme = site.scheme

    # First of all the hooks, so every link a page or an error page builds already names the site.
    app.before_request_funcs.setdefault(None, []).insert(0, links_name_the_site)

    @app.before_request
    def set_csp_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def redirects_name_the_site(response):
        # Werkzeug's own redirects (a missing trailing slash, say) are built while the request is
        # routed, before any hook runs, from the request's Host: give them the site's host instead.
        location = response.headers.get("Location")
        site = urlsplit(app.config["SITE_URL"])
        if location and response.status_code in (301, 302, 303, 307, 308):
            parts = urlsplit(location)
            if parts.netloc and parts.netloc == request.host and parts.netloc != site.netloc:
                response.headers["Location"] = urlunsplit((site.scheme, site.netloc, *parts[2:]))
        return response

    @app.after_request
    def security_headers(response):
        nonce = getattr(g, "csp_nonce", "")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if current_user.is_authenticated:
            # Pages for a signed-in person hold their data: never let a shared computer's cache keep them.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
