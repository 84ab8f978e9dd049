"""A council's own vacancies, by API key: list, create, read, replace, publish and remove (close).

Thin views: the schemas read the request's shape, services/council_api.py applies the vacancy rules
(the same as the form's) and every change is committed with its audit entry and outbox row, so the
search index, feeds and sitemap follow through the outbox.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Response, request, url_for
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from webapp.api import document_problems
from webapp.api.auth import council_key_required, current_key, rate_limit, rate_limit_key
from webapp.api.schemas import VacancyInSchema, VacancyListQuerySchema, VacancyListSchema, VacancyOutSchema
from webapp.extensions import db, limiter
from webapp.models import Vacancy
from webapp.services import NotAllowed, ServiceError
from webapp.services import council_api
from webapp.services import vacancies as vacancy_service
from webapp.services.paging import PageNotFound
from webapp.web.problems import Problem

blp = Blueprint("council_vacancies", __name__,
                description="Your council's vacancies: post and manage them from your own system.")
limiter.limit(rate_limit, key_func=rate_limit_key)(blp)

API_BODY_MAX = 512 * 1024  # an advert with its HTML is a few kilobytes; this is far more than any needs
JSON_TYPES = ("application/json",)

# Stateful testing (schemathesis) and client generators follow these from a created vacancy.
VACANCY_LINKS = {
    "GetVacancy": {"operationId": "getVacancy", "parameters": {"vacancy_id": "$response.body#/id"}},
    "ReplaceVacancy": {"operationId": "replaceVacancy", "parameters": {"vacancy_id": "$response.body#/id"}},
    "PublishVacancy": {"operationId": "publishVacancy", "parameters": {"vacancy_id": "$response.body#/id"}},
    "RemoveVacancy": {"operationId": "removeVacancy", "parameters": {"vacancy_id": "$response.body#/id"}},
}


@blp.before_request
def body_is_json_and_small() -> None:
    """415 for a body that is not JSON, 413 for one too large: before any view reads it."""
    request.max_content_length = API_BODY_MAX
    if "" in request.args:
        raise Problem(400, "A query parameter has no name: check the address.", errors={"query": "A parameter has no name"})
    if request.method in ("POST", "PUT", "PATCH"):
        if request.content_length and request.content_length > API_BODY_MAX:
            raise Problem(413, f"The request body is larger than {API_BODY_MAX // 1024} KB.")
        has_body = bool(request.content_length) or request.headers.get("Transfer-Encoding") == "chunked"
        if has_body and request.mimetype not in JSON_TYPES:
            raise Problem(415, "Send the body as JSON with Content-Type: application/json "
                               f"(this request said {request.mimetype or 'nothing'}).")


# --- answers -------------------------------------------------------------------------------------------

def vacancy_body(vacancy: Vacancy) -> dict[str, Any]:
    body = {name: getattr(vacancy, name) for name in vacancy_service.VACANCY_FIELDS}
    for name, value in body.items():
        if hasattr(value, "value"):
            body[name] = value.value  # enums by their frozen values
    body.update(
        id=vacancy.id,
        external_reference=vacancy.external_reference,
        description_html=vacancy.description_html,
        state=council_api.state_of(vacancy),
        url=url_for("jobs.vacancy", vacancy_id=vacancy.id, slug=vacancy.slug, _external=True),
        fte=float(vacancy.fte),
        closing_date=vacancy.closing_date.isoformat(),
        created_at=council_api.utc_text(vacancy.created_at),
        updated_at=council_api.utc_text(vacancy.updated_at),
        published_at=council_api.utc_text(vacancy.published_at),
        closed_at=council_api.utc_text(vacancy.closed_at),
    )
    return body


def _own_vacancy(vacancy_id: int) -> Vacancy:
    vacancy = council_api.vacancy_for_key(current_key(), vacancy_id)
    if vacancy is None:
        raise Problem(404, f"Your council has no vacancy {vacancy_id} (or it has been removed).")
    return vacancy


def _existing(vacancy: Vacancy) -> dict[str, Any]:
    return {"id": vacancy.id, "external_reference": vacancy.external_reference,
            "href": url_for("council_vacancies.get_vacancy", vacancy_id=vacancy.id, _external=True)}


def _change(action, *args) -> Any:
    """Run a change and commit it; a broken rule answers its problem and nothing is kept."""
    try:
        result = action(*args)
        db.session.flush()
    except vacancy_service.VacancyInvalid as invalid:
        db.session.rollback()
        raise Problem(422, f"The vacancy breaks {len(invalid.errors)} rule{'s' if len(invalid.errors) != 1 else ''}; "
                           "see errors.", errors=invalid.errors) from None
    except council_api.ReferenceTaken as taken:
        db.session.rollback()
        raise Problem(409, str(taken), existing=_existing(taken.existing)) from None
    except NotAllowed as refused:
        db.session.rollback()
        raise Problem(403, str(refused)) from None
    except ServiceError as conflict:
        db.session.rollback()
        raise Problem(409, str(conflict)) from None
    except IntegrityError:
        # Two requests with the same external reference (or Idempotency-Key) at the same moment:
        # the database's unique index refused the second.
        db.session.rollback()
        raise Problem(409, "Another request made the same change at the same moment: fetch the vacancy "
                           "(GET /api/v1/vacancies?external_reference=...) and try again if it is not there.") from None
    return result


def _answer(status: int, body: dict[str, Any], location: str | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    if location:
        response.headers["Location"] = location
    return response


# --- routes --------------------------------------------------------------------------------------------

@blp.get("")
@council_key_required
@blp.doc(operationId="listVacancies")
@blp.arguments(VacancyListQuerySchema, location="query")
@blp.response(200, VacancyListSchema)
@document_problems(blp, 400, 401, 404, 429)
def list_vacancies(query: dict[str, Any]):
    """Your council's vacancies (not removed), oldest change first: follow `updated_since` to pick up changes."""
    since = None
    if "updated_since" in query:
        try:
            since = council_api.utc_moment(query["updated_since"], "updated_since")
        except council_api.TimeInvalid as problem:
            raise Problem(400, str(problem), errors={"query.updated_since": str(problem)}) from None
    try:
        found = council_api.list_vacancies(current_key(), state=query.get("state"), updated_since=since,
                                           external_reference=query.get("external_reference"),
                                           page=query["page"], per_page=query["per_page"])
    except PageNotFound as problem:
        raise Problem(404, str(problem)) from None
    following = None
    if found.page < found.pages:
        args = {**request.args.to_dict(), "page": found.page + 1}
        following = url_for("council_vacancies.list_vacancies", _external=True, **args)
    return {"items": [vacancy_body(v) for v in found.items], "page": found.page, "per_page": found.per_page,
            "total": found.total, "pages": found.pages, "next": following}


@blp.post("")
@council_key_required
@blp.doc(operationId="createVacancy")
@blp.arguments(VacancyInSchema)
@blp.response(201, VacancyOutSchema, description="Created: the vacancy, its id and its page's address",
              headers={"Location": {"description": "The vacancy's address in this API", "schema": {"type": "string"}}})
@blp.doc(parameters=[{"in": "header", "name": "Idempotency-Key", "required": False, "schema": {
    "type": "string", "minLength": 1, "maxLength": 255},
    "description": "Send the same key again with the same body to get the first answer back, not a second vacancy"}],
    responses={201: {"links": VACANCY_LINKS}})
@document_problems(blp, 400, 401, 403, 409, 413, 415, 422, 429)
def create_vacancy(payload: dict[str, Any]):
    """Post a vacancy: a draft unless `status` is `live`. Your `external_reference` must be new (409 if not)."""
    key = current_key()
    try:
        idempotency_key = council_api.clean_idempotency_key(request.headers.get("Idempotency-Key"))
    except ServiceError as problem:
        raise Problem(400, str(problem), errors={"header.Idempotency-Key": str(problem)}) from None
    print_ = council_api.fingerprint(request.method, request.path, request.get_data())
    if idempotency_key:
        try:
            earlier = council_api.earlier_answer(key, idempotency_key, print_)
        except council_api.IdempotencyMismatch as mismatch:
            raise Problem(422, str(mismatch), errors={"header.Idempotency-Key": str(mismatch)}) from None
        if earlier is not None:
            response = _answer(earlier.status_code, json.loads(earlier.response_body), earlier.location)
            response.headers["Idempotent-Replayed"] = "true"
            return response
    vacancy = _change(council_api.create, key, payload)
    body = vacancy_body(vacancy)
    location = url_for("council_vacancies.get_vacancy", vacancy_id=vacancy.id, _external=True)
    if idempotency_key:
        _change(council_api.remember_answer, key, idempotency_key, print_, 201, body, location)
    db.session.commit()
    return _answer(201, body, location)


@blp.get("/<int:vacancy_id>")
@council_key_required
@blp.doc(operationId="getVacancy")
@blp.response(200, VacancyOutSchema)
@document_problems(blp, 401, 404, 429)
def get_vacancy(vacancy_id: int):
    """One of your council's vacancies."""
    return vacancy_body(_own_vacancy(vacancy_id))


@blp.put("/<int:vacancy_id>")
@council_key_required
@blp.doc(operationId="replaceVacancy")
@blp.arguments(VacancyInSchema)
@blp.response(200, VacancyOutSchema)
@document_problems(blp, 400, 401, 403, 404, 409, 413, 415, 422, 429)
def replace_vacancy(payload: dict[str, Any], vacancy_id: int):
    """Replace every field. `status: live` publishes a draft; a live vacancy stays live (DELETE closes it)."""
    vacancy = _own_vacancy(vacancy_id)
    _change(council_api.replace, current_key(), vacancy, payload)
    db.session.commit()
    return vacancy_body(vacancy)


@blp.post("/<int:vacancy_id>/publish")
@council_key_required
@blp.doc(operationId="publishVacancy")
@blp.response(200, VacancyOutSchema)
@document_problems(blp, 401, 403, 404, 409, 413, 415, 422, 429)
def publish_vacancy(vacancy_id: int):
    """Publish a draft: it is checked again, with a closing date that must be in the future."""
    vacancy = _own_vacancy(vacancy_id)
    _change(council_api.publish, current_key(), vacancy)
    db.session.commit()
    return vacancy_body(vacancy)


@blp.delete("/<int:vacancy_id>")
@council_key_required
@blp.doc(operationId="removeVacancy")
@blp.response(204, description="Closed and removed: gone from search, feeds and the sitemap")
@document_problems(blp, 401, 403, 404, 429)
def remove_vacancy(vacancy_id: int):
    """Close and remove a vacancy (a soft delete): applications already made carry on in the site."""
    vacancy = _own_vacancy(vacancy_id)
    _change(council_api.remove, current_key(), vacancy)
    db.session.commit()
    return Response(status=204)
