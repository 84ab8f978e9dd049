"""Sign-in sessions (Flask-Login) and the security headers on every response."""
from __future__ import annotations

import secrets

from flask import Flask, g, request
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


def init_app(app: Flask) -> None:
    login_manager.login_view = "account.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @app.before_request
    def set_csp_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

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
