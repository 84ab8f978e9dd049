"""A council administrator's API keys: create, rotate and revoke them, and see when each was last used.

A key's secret is shown once, in the answer to the post that made it, and never again. Another
council's key answers 404, like one that does not exist.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.forms.api_keys import ApiKeyForm
from webapp.forms.recruit import ActionForm
from webapp.models import ApiKey
from webapp.services import ServiceError
from webapp.services import api_keys as key_service
from webapp.services import councils as council_service
from webapp.web.access import council_staff_required, linked_council_id, signed_in_user
from webapp.web.confirm import Confirmation, confirm_page
from webapp.web.forms import failed_post, form_page

bp = Blueprint("api_keys", __name__)

admin_required = council_staff_required(UserRole.ORG_ADMIN)


def _own_key(key_id: int) -> ApiKey:
    key = key_service.key_for_admin(signed_in_user(), key_id)
    if key is None:
        abort(404)
    return key


def _secret_page(made: key_service.NewKey, heading: str):
    """The one time the key is shown: in the answer to the post itself, never stored or put in a cookie."""
    response = render_template("api_keys/secret.html", key=made.key, secret=made.secret, heading=heading)
    return response, 200, {"Cache-Control": "no-store"}


@bp.get("/")
@admin_required
def keys():
    organisation = council_service.council_by_id(linked_council_id())
    return render_template("api_keys/index.html", organisation=organisation,
                           keys=key_service.keys_for(signed_in_user()), action_form=ActionForm())


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new_key():
    form = ApiKeyForm()
    if form.validate_on_submit():
        try:
            made = key_service.create_key(signed_in_user(), form.name.data, form.scope.data)
        except key_service.ApiKeyInvalid as invalid:
            failed_post(form, invalid.errors)
        except ServiceError as problem:
            failed_post(form, {"name": str(problem)})
        else:
            db.session.commit()
            return _secret_page(made, "API key created")
    return form_page("api_keys/form.html", form=form)


@bp.route("/<int:key_id>/rotate", methods=["GET", "POST"])
@admin_required
def rotate_key(key_id: int):
    """GET asks "Rotate this key?" (the old key stops at once); only the POST from that page rotates it."""
    key = _own_key(key_id)
    form = ActionForm()
    if not form.validate_on_submit():
        if not key.is_active:
            abort(400, description="This key has been revoked: create a new key instead.")
        return confirm_page(Confirmation(
            heading=f"Rotate ‘{key.name}’?",
            caption="API keys",
            does=(f"You get a new key with the same name and scope, shown once. The key starting {key.prefix} "
                  "stops working at once, so the system using it is refused until you give it the new key.",),
            button="Yes, rotate this key",
            cancel_url=url_for("api_keys.keys"),
        ), form)
    try:
        made = key_service.rotate_key(signed_in_user(), key)
    except ServiceError as problem:
        db.session.rollback()
        abort(400, description=str(problem))
    db.session.commit()
    return _secret_page(made, "API key rotated")


@bp.route("/<int:key_id>/revoke", methods=["GET", "POST"])
@admin_required
def revoke_key(key_id: int):
    key = _own_key(key_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            key_service.revoke_key(signed_in_user(), key)
        except ServiceError as problem:
            db.session.rollback()
            abort(400, description=str(problem))
        db.session.commit()
        flash(f"The key ‘{key.name}’ ({key.prefix}…) has been revoked. Requests with it are refused from now on.",
              "success")
        return redirect(url_for("api_keys.keys"))
    if not key.is_active:
        abort(400, description="This key has already been revoked.")
    return form_page("api_keys/revoke.html", form=form, key=key)
