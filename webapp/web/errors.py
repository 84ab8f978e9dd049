"""Every error is a page that says what happened and what to do, with the right 4xx or 5xx."""
from __future__ import annotations

import logging
import traceback

import sqlalchemy.exc

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from webapp.extensions import db
from webapp.web import problems

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("There is a problem with your request", "Check the address or the form and try again."),
    403: ("You do not have permission to see this page", "Sign in with an account that has access, or go back."),
    404: ("Page not found", "If you typed the web address, check it is correct. The job may have closed."),
    405: ("That action is not allowed here", "Go back and try again from the page's own buttons."),
    409: ("That has already been done", "Go back and refresh the page to see the latest."),
    413: ("What you sent is too large", "Shorten the text or choose a smaller file and try again."),
    429: ("Too many attempts", "Wait a minute and try again."),
    500: ("Sorry, there is a problem with the service", "Try again later. Nothing you entered has been lost."),
    503: ("Sorry, the service is briefly unavailable",
          "Nothing you sent has been saved. Wait a minute and try again."),
}
# Seconds a client is asked to wait when the database cannot be reached (a restart takes about this).
DATABASE_RETRY_AFTER = 30


def _render(status: int, detail: str | None = None):
    title, advice = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    if problems.is_api_request():
        return problems.problem_response(status, detail)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=title, detail=detail or advice), status
    return render_template("errors/error.html", status=status, title=title, advice=advice, detail=detail), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(400, "The form had expired or was sent from somewhere else. Go back, refresh and try again.")

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        # A Host outside CSWJOBS_TRUSTED_HOSTS: no page can be drawn (links would need that host), and
        # nothing the request named is echoed back.
        return "Bad request: this site does not answer to that host name.\n", 400, {"Content-Type": "text/plain"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if problems.is_api_request():
            return problems.from_http_exception(error)
        # abort(400, description="...") carries a message meant for the user.
        default = type(error).description
        detail = error.description if error.description and error.description != default else None
        return _render(error.code or 500, detail)

    @app.errorhandler(sqlalchemy.exc.OperationalError)
    def database_unreachable(error: sqlalchemy.exc.OperationalError):
        # The database restarting or out of reach: a 503 that says so, even under tests, because this
        # is an expected state of a real deployment rather than a bug. The request's transaction was
        # never committed, so nothing half-saved is left. The error's text carries the query's
        # parameters (personal data), so only its class is logged.
        log.error("database unreachable on %s %s (%s)", request.method, request.path, type(error.orig).__name__)
        db.session.rollback()  # the dead connection's transaction, so the next use reconnects
        response = make_response(_render(503))
        response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if app.testing:
            raise error  # let the test fail loudly rather than read a friendly 500 page
        if isinstance(error, sqlalchemy.exc.DBAPIError):
            # The database's own message repeats the values it refused (PostgreSQL's "Key (email)=(...)
            # already exists"): log where it happened, the statement without its values, and the
            # class and SQLSTATE, never the message (the engine's hide_parameters keeps the values
            # out of SQLAlchemy's part).
            log.error("unhandled database error on %s %s: %s, %s (SQLSTATE %s) in %s\n%s", request.method,
                      request.path, type(error).__name__, type(error.orig).__name__,
                      getattr(error.orig, "sqlstate", None), error.statement,
                      "".join(traceback.format_tb(error.__traceback__)))
            return _render(500)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _render(500)
