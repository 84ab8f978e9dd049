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


def _answer_page(token: str, form, declined: bool, template: str, **context):
    """The reference form or the "cannot give one" form: checked by the service, nothing saved if wrong."""
    referee, stop = _referee_or_stop(token)
    if stop:
        return stop
    if request.method == "GET" and not declined:
        form.show({"referee_name": referee.name, "referee_job_title": referee.job_title})
    if form.validate_on_submit():
        answer = reference_service.decline_reference if declined else reference_service.give_reference
        try:
            answer(token, form.answers())
        except reference_service.ReferenceInvalid as invalid:
            db.session.rollback()
            form.put_errors(invalid.errors)
        else:
            db.session.commit()
            return render_template("references/thanks.html", council=referee.application.vacancy.organisation.name,
                                   declined=declined)
    return form_page(template, form=form, referee=referee, token=token, application=referee.application,
                     vacancy=referee.application.vacancy, applicant=referee.application.candidate.full_name)


@bp.route("/references/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def give(token: str):
    return _answer_page(token, ReferenceForm(), False, "references/form.html")


@bp.route("/references/<token>/cannot-give", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def decline(token: str):
    return _answer_page(token, DeclineReferenceForm(), True, "references/decline.html")
