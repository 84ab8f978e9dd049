"""A referee's reference form, reached from the link in their email, with no account.

A link that was never ours is a 404; one that was used, replaced or has expired is a 410 saying
which; nothing changes. Recruiters request references from their application page (views.recruit).
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from webapp.extensions import db, limiter
from webapp.forms.applying import DeclineReferenceForm, ReferenceForm
from webapp.services import references as reference_service
from webapp.web.forms import form_page

bp = Blueprint("references", __name__)


# --- the referee ---------------------------------------------------------------------------------------------

def _referee_or_stop(token: str):
    try:
        referee = reference_service.referee_for_link(token)
    except reference_service.LinkUnusable as problem:
        return None, (render_template("references/unusable.html", message=str(problem)), 410)
    if referee is None:
        abort(404, description="This link is not recognised. Check you copied the whole link from the email.")
    return referee, None


@bp.route("/references/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def give(token: str):
    referee, stop = _referee_or_stop(token)
    if stop:
        return stop
    form = ReferenceForm()
    if request.method == "GET":
        form.show({"referee_name": referee.name, "referee_job_title": referee.job_title})
    if form.validate_on_submit():
        try:
            reference_service.give_reference(token, form.answers())
        except reference_service.ReferenceInvalid as invalid:
            db.session.rollback()
            form.put_errors(invalid.errors)
        else:
            db.session.commit()
            return render_template("references/thanks.html", council=referee.application.vacancy.organisation.name,
                                   declined=False)
    return form_page("references/form.html", form=form, referee=referee, application=referee.application,
                     vacancy=referee.application.vacancy)


@bp.route("/references/<token>/cannot-give", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def decline(token: str):
    referee, stop = _referee_or_stop(token)
    if stop:
        return stop
    form = DeclineReferenceForm()
    if form.validate_on_submit():
        try:
            reference_service.decline_reference(token, form.answers())
        except reference_service.ReferenceInvalid as invalid:
            db.session.rollback()
            form.put_errors(invalid.errors)
        else:
            db.session.commit()
            return render_template("references/thanks.html", council=referee.application.vacancy.organisation.name,
                                   declined=True)
    return form_page("references/decline.html", form=form, referee=referee, token=token,
                     vacancy=referee.application.vacancy, applicant=referee.application.candidate.full_name)
