"""The pages about the service itself, linked from every page's footer: accessibility, privacy,
cookies, contact, terms of use, and the feedback form linked from the phase banner."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from webapp.extensions import db, limiter
from webapp.forms.about import FeedbackForm
from webapp.web.forms import failed_post, form_page
from webapp.services import feedback, retention

bp = Blueprint("about", __name__)

# Anyone may send feedback without signing in, so a script could fill the table: a person writes
# a few a day at most, per address.
FEEDBACK_RATE_LIMIT = "5 per minute; 30 per day"


@bp.get("/accessibility")
def accessibility():
    return render_template("about/accessibility.html")


@bp.get("/privacy")
def privacy():
    # The retention periods come from the schedule that deletes the data (and the settings in force),
    # so the notice cannot promise a period the service does not keep.
    schedule = [(rule.what, rule.period(), rule.then) for rule in retention.SCHEDULE]
    return render_template("about/privacy.html", schedule=schedule)


@bp.get("/cookies")
def cookies():
    return render_template("about/cookies.html")


@bp.get("/contact")
def contact():
    return render_template("about/contact.html")


@bp.get("/terms")
def terms():
    return render_template("about/terms.html")


@bp.route("/feedback", methods=["GET", "POST"])
@limiter.limit(FEEDBACK_RATE_LIMIT, methods=["POST"])
def send_feedback():
    form = FeedbackForm()
    if request.method == "GET":
        form.page.data = feedback.came_from(request.args.get("page"))
    if form.validate_on_submit():
        try:
            feedback.send_feedback(form.message.data, form.satisfaction.data, form.page.data)
        except feedback.FeedbackInvalid as invalid:
            failed_post(form, invalid.errors)
        else:
            db.session.commit()
            return redirect(url_for("about.feedback_sent"))
    return form_page("about/feedback.html", form=form, max_length=feedback.MAX_MESSAGE_LENGTH)


@bp.get("/feedback/sent")
def feedback_sent():
    return render_template("about/feedback_sent.html")
