"""The API under /api/v1: councils' integration API (keys), and the public read API beside it.

Built on flask-smorest (why: docs/api.md, "Why flask-smorest"): its Blueprint documents each
route from the marshmallow schemas that also parse and check the request, so the OpenAPI document
at /api/v1/openapi.json cannot drift from the code. Every error under /api/ is an RFC 9457
problem (webapp/web/problems.py); the browsable documentation at /api/v1/docs is Swagger UI,
vendored into webapp/static/swagger-ui by `make assets` (no CDN).

Adding a blueprint (another engineer's part of the API):

1. Write ``webapp/api/<topic>.py`` with ``blp = Blueprint("<topic>", __name__, description="...")``
   (``from flask_smorest import Blueprint``), routes decorated with ``@blp.arguments(Schema)`` for
   what they read and ``@blp.response(200, Schema)`` for what they answer. Views stay thin:
   parse, call a service in webapp/services, return.
2. Add it to ``blueprints()`` below as ``(module.blp, "/api/v1/<topic>")``. Registration exempts it
   from CSRF (the API never reads the session cookie) and documents it in the OpenAPI document.
3. Authentication: council routes put ``@council_key_required`` (``webapp.api.auth``) right under the
   route decorator (so a missing key is a 401 before the body is read) and use ``current_key()``; what
   a read-only key may not do is refused by the service (``council_api.require_write``: 403). Public
   routes add ``@blp.doc(security=[])`` so the document says no key is needed.
4. Errors: ``raise Problem(status, "message", errors={"field": "message"})`` (webapp.web.problems);
   document the codes a route answers with ``@document_problems(blp, 401, 404)`` from this module.
5. Rate limits: ``@limiter.limit(...)`` from webapp.extensions, keyed as the route needs
   (``auth.rate_limit_key`` counts per key, by its public start; API_RATE_LIMIT is the setting).
"""
from __future__ import annotations

import http
from typing import Any, Callable

from flask import Blueprint as FlaskBlueprint
from flask import Flask, current_app, jsonify, make_response, render_template, url_for
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from webapp.api import schemas
from webapp.extensions import csrf
from webapp.web.problems import MEDIA_TYPE

PREFIX = "/api/v1"
TITLE = "Children's Social Work Jobs API"
VERSION = "1.0.0"
OPENAPI_VERSION = "3.0.3"
KEY_HEADER = "X-Api-Key"
SECURITY_SCHEME = "CouncilApiKey"

DESCRIPTION = (
    "Councils post, update, publish and close their vacancies from their own recruitment systems, "
    "with an API key their council administrator creates in the site. Every error is an RFC 9457 "
    "problem (`application/problem+json`) naming the field at fault. The enumerations (role levels, "
    "service areas, contract types, working patterns) are frozen: values are only ever added. "
    "The developer's guide is docs/api.md."
)


class CouncilApi(Api):
    """flask-smorest's Api, with errors documented as problem details and left to the site's handlers.

    flask-smorest would register its own app-wide HTTPException handler (a different JSON shape,
    and it would also answer the HTML pages' errors); the site's handler (web/errors.py) already
    answers every /api/ error as a problem, so this one registers none.
    """

    ERROR_SCHEMA = schemas.ProblemSchema

    def _register_error_handlers(self) -> None:
        return None

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


SPEC_KWARGS = {
    "title": TITLE,
    "version": VERSION,
    "openapi_version": OPENAPI_VERSION,
    "info": {"description": DESCRIPTION},
    "security": [{SECURITY_SCHEME: []}],
}


def document_problems(blp: Any, *statuses: int) -> Callable:
    """Say in the document which problems a route may answer, each the one Problem response."""
    def decorate(view: Callable) -> Callable:
        for status in statuses:
            view = blp.alt_response(status, response=http.HTTPStatus(status).name)(view)
        return view
    return decorate


def current_api() -> CouncilApi:
    return current_app.extensions["cswjobs-api"]


docs = FlaskBlueprint("api_docs", __name__)


@docs.get(f"{PREFIX}/openapi.json")
def openapi_json():
    response = jsonify(current_api().spec.to_dict())
    response.headers["Access-Control-Allow-Origin"] = "*"  # a public document: any site's tools may read it
    return response


@docs.get(f"{PREFIX}/docs")
def browsable_docs():
    response = make_response(render_template(
        "api/docs.html", spec_url=url_for("api_docs.openapi_json"), title=TITLE,
    ))
    # Swagger UI sets style attributes as it draws; everything else keeps the site's policy.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    return response


def blueprints() -> list[tuple[Any, str]]:
    """Every API blueprint and where it lives: the one list to add to."""
    # Imported here, not at the top: the route modules import this package (document_problems, KEY_HEADER).
    from webapp.api import public, vacancies  # noqa: PLC0415
    return [
        (vacancies.blp, f"{PREFIX}/vacancies"),
        (public.jobs_blp, f"{PREFIX}/jobs"),
        (public.councils_blp, f"{PREFIX}/councils"),
    ]


def init_app(app: Flask) -> None:
    # One Api per app (the tests build one app per database backend in a process).
    api = CouncilApi(app, spec_kwargs=SPEC_KWARGS)
    app.extensions["cswjobs-api"] = api
    api.spec.components.security_scheme(SECURITY_SCHEME, {
        "type": "apiKey", "in": "header", "name": KEY_HEADER,
        "description": "A key your council administrator creates under Recruit → API keys. Shown once.",
    })
    schemas.publish_enums(api.spec)
    for blp, url_prefix in blueprints():
        csrf.exempt(blp)
        api.register_blueprint(blp, url_prefix=url_prefix)
    app.register_blueprint(docs)
