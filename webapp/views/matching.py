"""Matching pages: "jobs that fit you" and invitations for social workers; "suggested candidates"
and "invite to apply" for recruiters (own council only; only candidates who opted in)."""
from __future__ import annotations

import datetime as dt
import logging

from elasticsearch import ApiError
from flask import Blueprint, abort, flash, redirect, render_template, url_for

from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.forms.matching import ButtonForm, InviteForm
from webapp.search.engine import SearchUnavailable
from webapp.web.access import RECRUITER_ROLES, linked_council_id, role_required, signed_in_user
from webapp.web.forms import form_page, refused_post
from webapp.services import NotAllowed, ServiceError
from webapp.services import invitations as invitation_service
from webapp.services import matching as matching_service
from webapp.services import vacancies as vacancy_service

log = logging.getLogger(__name__)

bp = Blueprint("matching", __name__)

candidate_required = role_required(UserRole.CANDIDATE)
UNAVAILABLE = ("Suggestions are not available at the moment because the search service cannot be reached. "
               "Nothing you saved is lost; try again in a few minutes.")



def _today() -> dt.date:
    return dt.date.today()


# --- social workers ----------------------------------------------------------------------------------------

@bp.get("/account/jobs-that-fit")
@candidate_required
def jobs_that_fit():
    invitations = invitation_service.invitations_for(signed_in_user(), today=_today())
    try:
        fit = matching_service.jobs_that_fit(db.session, signed_in_user(), limit=20, today=_today())
    except (SearchUnavailable, ApiError):
        return render_template("matching/jobs_that_fit.html", fit=None, invitations=invitations,
                               problem=UNAVAILABLE, form=ButtonForm()), 503
    return render_template("matching/jobs_that_fit.html", fit=fit, invitations=invitations, problem=None,
                           form=ButtonForm())


@bp.post("/account/invitations/<int:invitation_id>/dismiss")
@candidate_required
def dismiss_invitation(invitation_id: int):
    invitation = invitation_service.own_invitation(signed_in_user(), invitation_id) if 0 < invitation_id < 2**31 else None
    if invitation is None:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400, description="The form could not be read. Go back, refresh the page and try again.")
    if invitation_service.dismiss(signed_in_user(), invitation):
        db.session.commit()
        flash(f"You have dismissed the invitation to apply for {invitation.vacancy.title}.", "success")
    return redirect(url_for("matching.jobs_that_fit"))


# --- recruiters --------------------------------------------------------------------------------------------

def _recruiter_vacancy(vacancy_id: int):
    linked_council_id()
    vacancy = vacancy_service.vacancy_for_recruiter(signed_in_user(), vacancy_id)
    if vacancy is None:
        abort(404)
    return vacancy


@bp.get("/recruit/vacancies/<int:vacancy_id>/suggested-candidates")
@role_required(*RECRUITER_ROLES)
def suggested_candidates(vacancy_id: int):
    vacancy = _recruiter_vacancy(vacancy_id)
    try:
        suggestions = matching_service.suggested_candidates(db.session, vacancy, limit=20, today=_today())
    except (SearchUnavailable, ApiError):
        return render_template("matching/suggested_candidates.html", vacancy=vacancy, suggestions=None,
                               problem=UNAVAILABLE, live=vacancy.is_live_on(_today()),
                               describe=matching_service.describe_candidate), 503
    return render_template("matching/suggested_candidates.html", vacancy=vacancy, suggestions=suggestions,
                           problem=None, live=vacancy.is_live_on(_today()),
                           describe=matching_service.describe_candidate)


@bp.route("/recruit/vacancies/<int:vacancy_id>/suggested-candidates/<int:profile_id>/invite", methods=["GET", "POST"])
@role_required(*RECRUITER_ROLES)
def invite(vacancy_id: int, profile_id: int):
    vacancy = _recruiter_vacancy(vacancy_id)
    profile = invitation_service.profile_to_invite(profile_id, vacancy) or abort(404)
    match = matching_service.suggestion_for(db.session, vacancy, profile)
    form = InviteForm()
    problem = None
    already = invitation_service.existing_invitation(vacancy, profile)
    if already is not None:
        problem = invitation_service.already_invited_message(profile, already)
    elif match is None:
        problem = "This person is no longer one of the suggested candidates for this vacancy."
    elif not vacancy.is_live_on(_today()):
        problem = "You can invite people to apply only while the vacancy is live."
    elif form.validate_on_submit():
        try:
            invitation_service.invite(signed_in_user(), vacancy, profile, form.message.data or "", today=_today())
        except NotAllowed as error:
            refused_post(error)
        except ServiceError as error:
            db.session.rollback()
            problem = str(error)
        else:
            db.session.commit()  # the invitation's email was queued with it, and is sent now
            flash(f"You have invited {profile.user.full_name} to apply. They will see it on their ‘Jobs that fit "
                  "you’ page and by email.", "success")
            return redirect(url_for("matching.suggested_candidates", vacancy_id=vacancy.id))
    return form_page("matching/invite.html", vacancy=vacancy, profile=profile, match=match, form=form,
                     problem=problem, describe=matching_service.describe_candidate(profile))
