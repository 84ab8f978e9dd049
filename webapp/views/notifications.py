"""Notifications for anyone signed in, a recruiter's email choice, an address that bounced, and the mail
provider's bounce webhook."""
from __future__ import annotations

import hmac

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from webapp.extensions import csrf, db
from webapp.forms.correspondence import BulkConfirmForm, MailFrequencyForm
from webapp.services import ServiceError, notifications, outgoing_mail
from webapp.services.paging import PageNotFound
from webapp.web.access import RECRUITER_ROLES, council_staff_required, signed_in_user
from webapp.web.forms import failed_post, form_page
from webapp.web.pagination import page_number, pagination

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    user = signed_in_user()
    try:
        listing = notifications.notifications_for(user, page_number())
    except PageNotFound as problem:
        abort(404, description=str(problem))
    return render_template(
        "notifications/index.html", listing=listing, unread=notifications.unread_count(user),
        pagination=pagination(listing.page, listing.pages, lambda n: url_for("notifications.index", page=n)),
        bounce=outgoing_mail.bounce_for(user.email), form=BulkConfirmForm(formdata=None),
    )


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    if not BulkConfirmForm().validate_on_submit():
        abort(400, description="The form could not be read. Go back, refresh the page and try again.")
    count = notifications.mark_all_read(signed_in_user())
    db.session.commit()
    flash(f"{count} notification{'' if count == 1 else 's'} marked as read." if count else "Nothing was unread.",
          "success")
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/email-address/try-again")
@login_required
def retry_email_address():
    """The person says their mailbox works again: mail them again (it will be recorded anew if it bounces)."""
    if not BulkConfirmForm().validate_on_submit():
        abort(400, description="The form could not be read. Go back, refresh the page and try again.")
    if outgoing_mail.clear_bounce(signed_in_user().email):
        db.session.commit()
        flash(f"We will email {signed_in_user().email} again.", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/email-settings", methods=["GET", "POST"])
@council_staff_required(*RECRUITER_ROLES)
def email_settings():
    user = signed_in_user()
    form = MailFrequencyForm()
    if request.method == "GET":
        form.application_mail.data = user.application_mail.value
    if form.validate_on_submit():
        try:
            chosen = notifications.set_application_mail(user, form.application_mail.data)
        except ServiceError as problem:
            failed_post(form, {"application_mail": str(problem)})
        else:
            db.session.commit()
            flash(f"Emails about new applications and messages: {chosen.label.lower()}.", "success")
            return redirect(url_for("notifications.email_settings"))
    return form_page("notifications/settings.html", form=form)


# --- the mail provider's bounce webhook ------------------------------------------------------------------------

def _webhook_allowed() -> bool:
    """HTTP Basic auth whose password is BOUNCE_WEBHOOK_TOKEN (how Postmark's webhooks authenticate)."""
    token = current_app.config.get("BOUNCE_WEBHOOK_TOKEN")
    if not token:
        abort(404)  # not set up: as if the address did not exist
    given = request.authorization.password if request.authorization else None
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


@bp.post("/mail/bounces")
@csrf.exempt  # called by the mail provider, authenticated by its token, not by a browser session
def bounce_webhook():
    if not _webhook_allowed():
        return {"error": "Give the webhook's token as the password of HTTP Basic authentication."}, 401
    payload = request.get_json(silent=True)
    try:
        recorded = outgoing_mail.record_provider_bounce(payload)
    except ServiceError as problem:
        db.session.rollback()
        return {"error": str(problem)}, 400
    db.session.commit()
    return {"recorded": recorded}, 200
