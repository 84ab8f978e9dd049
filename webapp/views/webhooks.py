"""A council administrator's webhook endpoints: add, change, test, turn off and on, rotate the secret,
delete, and read the delivery log. Another council's endpoint answers 404, like one that does not exist."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for

from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.forms.recruit import ActionForm
from webapp.forms.webhooks import EndpointForm
from webapp.models import WebhookDelivery, WebhookEndpoint
from webapp.services import ServiceError
from webapp.services import councils as council_service
from webapp.services.paging import PageNotFound
from webapp.services.webhooks import delivery as delivery_service
from webapp.services.webhooks import endpoints as endpoint_service
from webapp.services.webhooks.signing import SIGNATURE_HEADER
from webapp.web.access import council_staff_required, linked_council_id, signed_in_user
from webapp.web.confirm import Confirmation, confirm_page
from webapp.web.forms import button_post, failed_post, form_page
from webapp.web.pagination import page_number, pagination

bp = Blueprint("webhooks", __name__)

admin_required = council_staff_required(UserRole.ORG_ADMIN)


def _own_endpoint(endpoint_id: int) -> WebhookEndpoint:
    endpoint = endpoint_service.endpoint_for_admin(signed_in_user(), endpoint_id)
    if endpoint is None:
        abort(404)
    return endpoint


def _own_delivery(endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    delivery = endpoint_service.delivery_for(endpoint, delivery_id)
    if delivery is None:
        abort(404)
    return delivery


def _secret_page(endpoint: WebhookEndpoint, secret: str, heading: str):
    """The one time the secret is shown: in the answer to the post itself, never stored or put in a cookie."""
    return render_template("webhooks/secret.html", endpoint=endpoint, secret=secret, heading=heading,
                           signature_header=SIGNATURE_HEADER)


@bp.get("/")
@admin_required
def endpoints():
    organisation = council_service.council_by_id(linked_council_id())
    return render_template("webhooks/index.html", organisation=organisation,
                           endpoints=endpoint_service.endpoints_for(organisation.id),
                           retry_schedule=delivery_service.retry_schedule(),
                           timeout=current_app.config["WEBHOOK_TIMEOUT"])


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new_endpoint():
    form = EndpointForm.for_endpoint(None)
    if form.validate_on_submit():
        try:
            endpoint, secret = endpoint_service.register(signed_in_user(), **form.values())
        except endpoint_service.EndpointInvalid as invalid:
            failed_post(form, invalid.errors)
        else:
            db.session.commit()
            return _secret_page(endpoint, secret, "Endpoint added")
    return form_page("webhooks/form.html", form=form, endpoint=None)


@bp.get("/<int:endpoint_id>")
@admin_required
def endpoint(endpoint_id: int):
    endpoint = _own_endpoint(endpoint_id)
    page = page_number()
    try:
        deliveries = endpoint_service.deliveries_page(endpoint, page)
    except PageNotFound:
        abort(404)
    return render_template(
        "webhooks/endpoint.html", endpoint=endpoint, deliveries=deliveries.items, total=deliveries.total,
        action_form=ActionForm(),
        pages=pagination(page, deliveries.pages, lambda n: url_for("webhooks.endpoint", endpoint_id=endpoint.id, page=n),
                         "Delivery log pages"),
    )


@bp.route("/<int:endpoint_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_endpoint(endpoint_id: int):
    endpoint = _own_endpoint(endpoint_id)
    form = EndpointForm.for_endpoint(endpoint)
    if form.validate_on_submit():
        try:
            changed = endpoint_service.update(signed_in_user(), endpoint, **form.values())
        except endpoint_service.EndpointInvalid as invalid:
            failed_post(form, invalid.errors)
        else:
            db.session.commit()
            flash("Your changes have been saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))
    return form_page("webhooks/form.html", form=form, endpoint=endpoint)


def _act(endpoint: WebhookEndpoint, change, done: str, send_waiting: bool = False):
    """A button on the endpoint's page: make the change, or say why not (400), then back to the page."""
    button_post(ActionForm())
    try:
        change(signed_in_user(), endpoint)
    except ServiceError as problem:
        db.session.rollback()
        abort(400, description=str(problem))
    db.session.commit()
    if send_waiting:  # deliveries made due again by the change go now, not at the next sweep
        delivery_service.nudge()
    flash(done, "success")
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))


@bp.post("/<int:endpoint_id>/test")
@admin_required
def send_test_event(endpoint_id: int):
    return _act(_own_endpoint(endpoint_id), endpoint_service.send_test_event,
                "A test event has been sent. Its delivery is at the top of the log below.")


@bp.post("/<int:endpoint_id>/turn-off")
@admin_required
def turn_off(endpoint_id: int):
    return _act(_own_endpoint(endpoint_id), endpoint_service.turn_off,
                "The endpoint is off. Events are not sent to it until you turn it back on.")


@bp.post("/<int:endpoint_id>/turn-on")
@admin_required
def turn_on(endpoint_id: int):
    return _act(_own_endpoint(endpoint_id), endpoint_service.turn_on,
                "The endpoint is on. Deliveries still waiting are being sent.", send_waiting=True)


@bp.route("/<int:endpoint_id>/rotate-secret", methods=["GET", "POST"])
@admin_required
def rotate_secret(endpoint_id: int):
    """GET asks "Make a new secret?" (the old one is dropped after a day); only the POST from that page makes it."""
    endpoint = _own_endpoint(endpoint_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return confirm_page(Confirmation(
            heading="Make a new signing secret?",
            caption=endpoint.url,
            does=("You get a new secret, shown once. For the next day deliveries are signed with both the old "
                  "and the new secret; after that only with the new one, so give your system the new secret "
                  "within a day.",),
            warning="You cannot get the old secret back.",
            button="Yes, make a new secret",
            cancel_url=url_for("webhooks.endpoint", endpoint_id=endpoint.id),
        ), form)
    secret = endpoint_service.rotate_secret(signed_in_user(), endpoint)
    db.session.commit()
    return _secret_page(endpoint, secret, "New signing secret")


@bp.route("/<int:endpoint_id>/delete", methods=["GET", "POST"])
@admin_required
def delete_endpoint(endpoint_id: int):
    endpoint = _own_endpoint(endpoint_id)
    form = ActionForm()
    if form.validate_on_submit():
        endpoint_service.delete(signed_in_user(), endpoint)
        db.session.commit()
        flash("The endpoint and its delivery log have been deleted.", "success")
        return redirect(url_for("webhooks.endpoints"))
    return form_page("webhooks/delete.html", form=form, endpoint=endpoint)


@bp.get("/<int:endpoint_id>/deliveries/<int:delivery_id>")
@admin_required
def delivery(endpoint_id: int, delivery_id: int):
    endpoint = _own_endpoint(endpoint_id)
    delivery = _own_delivery(endpoint, delivery_id)
    return render_template("webhooks/delivery.html", endpoint=endpoint, delivery=delivery, action_form=ActionForm())


@bp.post("/<int:endpoint_id>/deliveries/<int:delivery_id>/send-again")
@admin_required
def send_again(endpoint_id: int, delivery_id: int):
    endpoint = _own_endpoint(endpoint_id)
    delivery = _own_delivery(endpoint, delivery_id)
    button_post(ActionForm())
    try:
        endpoint_service.send_again(signed_in_user(), delivery)
    except ServiceError as problem:
        db.session.rollback()
        abort(400, description=str(problem))
    db.session.commit()
    delivery_service.nudge([delivery.id])
    flash("The delivery is being sent again.", "success")
    return redirect(url_for("webhooks.delivery", endpoint_id=endpoint.id, delivery_id=delivery.id))
