"""The monthly bulletin: each month's figures as a page or PDF, and getting it by email."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from webapp.extensions import db
from webapp.forms.account import ConfirmForm
from webapp.services import bulletins as bulletin_service
from webapp.services import councils as council_service
from webapp.web.access import insights_required, own_council_id, signed_in_user
from webapp.web.downloads import attachment

bp = Blueprint("bulletins", __name__)



@bp.get("/bulletins")
@insights_required
def bulletins():
    own = own_council_id()
    rows = bulletin_service.bulletins_for(signed_in_user())
    months: dict = {}
    for bulletin in rows:
        months.setdefault(bulletin.month, []).append(bulletin)
    own_council = council_service.council_by_id(own) if own is not None else None
    return render_template("insights/bulletins.html", months=months, own_council=own_council,
                           subscribed=bulletin_service.is_subscribed(signed_in_user()), form=ConfirmForm(),
                           month_label=bulletin_service.month_label)


def _bulletin_or_404(bulletin_id: int):
    own_council_id()  # council staff without a council: 403 before anything else
    bulletin = bulletin_service.bulletin_for(signed_in_user(), bulletin_id)
    if bulletin is None:
        abort(404)  # another council's bulletin looks exactly like one that does not exist
    return bulletin


@bp.get("/bulletins/<int:bulletin_id>.html")
@insights_required
def bulletin_html(bulletin_id: int):
    return Response(_bulletin_or_404(bulletin_id).html, mimetype="text/html")


@bp.get("/bulletins/<int:bulletin_id>.pdf")
@insights_required
def bulletin_pdf(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    name = f"bulletin-{bulletin.scope}-{bulletin.month:%Y-%m}.pdf"
    return attachment(bulletin.pdf, name, "application/pdf")


@bp.post("/bulletins/subscription")
@insights_required
def bulletin_subscription():
    own_council_id()
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    choice = request.form.get("subscribe", "")
    if choice not in ("yes", "no"):
        abort(400, description="Choose whether to get the bulletin by email.")
    bulletin_service.set_subscription(signed_in_user(), choice == "yes")
    db.session.commit()
    flash("You will get the bulletin by email each month." if choice == "yes"
          else "You will no longer get the bulletin by email.", "success")
    return redirect(url_for("bulletins.bulletins"))
