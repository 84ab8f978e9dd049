"""The message thread on an application: the applicant's side and the council's side of one conversation.

Another person's (or another council's) application answers 404, exactly like an id that does not exist.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for

from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.forms.correspondence import MessageForm
from webapp.models import Application
from webapp.services import ServiceError, blind_shortlisting, interviews, messages
from webapp.services import applications as application_service
from webapp.web.access import RECRUITER_ROLES, council_staff_required, role_required, signed_in_user
from webapp.web.forms import failed_post, form_page

bp = Blueprint("messages", __name__)


def _thread_page(application: Application, form: MessageForm, endpoint: str, council_side: bool):
    if form.validate_on_submit():
        try:
            messages.send(signed_in_user(), application, form.body.data)
        except ServiceError as problem:
            failed_post(form, {"body": str(problem)})
        else:
            db.session.commit()
            flash("Your message has been sent.", "success")
            return redirect(url_for(endpoint, application_id=application.id, _anchor="latest"))
    messages.mark_read(signed_in_user(), application)
    db.session.commit()  # what was read stays read, even when a failed post re-shows the page
    return form_page("messages/thread.html", form=form, application=application, vacancy=application.vacancy,
                     thread=messages.thread(application), council_side=council_side,
                     applicant=blind_shortlisting.applicant_view(application) if council_side else None,
                     interviews=interviews.interviews_for(application), action=url_for(endpoint, application_id=application.id))


@bp.route("/account/applications/<int:application_id>/messages", methods=["GET", "POST"])
@role_required(UserRole.CANDIDATE)
def candidate_thread(application_id: int):
    application = application_service.application_for_candidate(signed_in_user(), application_id) or abort(404)
    return _thread_page(application, MessageForm(), "messages.candidate_thread", council_side=False)


@bp.route("/recruit/applications/<int:application_id>/messages", methods=["GET", "POST"])
@council_staff_required(*RECRUITER_ROLES)
def council_thread(application_id: int):
    application = application_service.application_for_recruiter(signed_in_user(), application_id) or abort(404)
    return _thread_page(application, MessageForm(), "messages.council_thread", council_side=True)
