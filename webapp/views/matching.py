"""Matching pages: "jobs that fit you" and invitations for social workers; "suggested candidates"
and "invite to apply" for recruiters (own council only; only candidates who opted in)."""
from __future__ import annotations

import datetime as dt
import logging

from elasticsearch import ApiError
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.forms.matching import ButtonForm, InviteForm
from webapp.search.engine import SearchUnavailable
from webapp.web.access import RECRUITER_ROLES, linked_council_id, role_required, signed_in_user
from webapp.web.forms import form_page, refused_post
from webapp.web.pagination import page_number, pagination
from webapp.services import NotAllowed, ServiceError
from webapp.services import invitations as invitation_service
from webapp.services import matching_words, profiles
from webapp.services import saved_searches as saved_search_service
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

# "Fewer, better": the best fifty at most, ten to a page (a longer list is a search, and /jobs does that).
FIT_PER_PAGE = 10
FIT_MOST = 50


def _page_of(items: list, page: int, per_page: int) -> tuple[list, int]:
    """One page of an already-ranked list, and how many pages there are; a page past the end is a 404."""
    pages = max(1, -(-len(items) // per_page))
    if page > pages:
        abort(404, description=f"There is no page {page}: the last page is {pages}.")
    return items[(page - 1) * per_page:page * per_page], pages


@bp.get("/account/jobs-that-fit")
@candidate_required
def jobs_that_fit():
    page = page_number()
    user = signed_in_user()
    invitations = invitation_service.invitations_for(user, today=_today())
    try:
        fit = matching_service.jobs_that_fit(db.session, user, limit=FIT_MOST, today=_today())
    except (SearchUnavailable, ApiError):
        return render_template("matching/jobs_that_fit.html", fit=None, invitations=invitations,
                               problem=UNAVAILABLE, form=ButtonForm()), 503
    shown, pages = _page_of(fit.items, page, FIT_PER_PAGE)
    profile = user.profile
    nothing = None
    if profile is not None and not fit.items and not fit.pending:
        # Say what "nothing" is, in their own answers, and offer the alert that would find it.
        council_choices = profiles.council_choices()
        query = matching_words.alert_query(profile, council_choices)
        nothing = {"needs": matching_words.stated_needs(profile), "query": query,
                   "filters": saved_search_service.describe(query)}
    return render_template(
        "matching/jobs_that_fit.html", fit=fit, shown=shown, first=(page - 1) * FIT_PER_PAGE + 1, most=FIT_MOST,
        invitations=invitations if page == 1 else [], problem=None, form=ButtonForm(), nothing=nothing,
        miles=lambda vacancy: matching_words.miles_from_home(profile, vacancy),
        pagination=pagination(page, pages, lambda number: url_for("matching.jobs_that_fit", page=number),
                              label="Jobs that fit you, pages"))


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


SUGGESTED_PER_PAGE = 10
SUGGESTED_MOST = 50
SUGGESTION_SORTS = {"fit": "Best fit", "distance": "Nearest", "active": "Most recently active"}


@bp.get("/recruit/vacancies/<int:vacancy_id>/suggested-candidates")
@role_required(*RECRUITER_ROLES)
def suggested_candidates(vacancy_id: int):
    vacancy = _recruiter_vacancy(vacancy_id)
    sort = request.args.get("sort", "").strip() or "fit"
    if sort not in SUGGESTION_SORTS:
        abort(400, description="Sort by best fit, nearest or most recently active.")
    page = page_number()
    context = dict(vacancy=vacancy, live=vacancy.is_live_on(_today()), sort=sort, sorts=SUGGESTION_SORTS,
                   fit_scale=matching_words.FIT_MEANING.items())
    try:
        suggestions = matching_service.suggested_candidates(db.session, vacancy, limit=SUGGESTED_MOST, today=_today())
    except (SearchUnavailable, ApiError):
        return render_template("matching/suggested_candidates.html", suggestions=None, problem=UNAVAILABLE,
                               **context), 503
    rows = [(item, item.summary) for item in suggestions.items]
    if sort == "distance":  # nearest first; people whose home we do not know last, best fit first among equals
        def miles(row):
            away = matching_words.miles_from_home(row[0].profile, vacancy)
            return away if away is not None else float("inf")

        rows.sort(key=miles)
    elif sort == "active":
        rows.sort(key=lambda row: row[0].profile.last_visit_at or dt.datetime.min, reverse=True)
    shown, pages = _page_of(rows, page, SUGGESTED_PER_PAGE)
    nobody = None
    if not suggestions.items and not suggestions.pending:
        nobody = matching_words.why_nobody(db.session, vacancy)
    return render_template(
        "matching/suggested_candidates.html", suggestions=suggestions, shown=shown, problem=None, nobody=nobody,
        first=(page - 1) * SUGGESTED_PER_PAGE + 1,
        pagination=pagination(page, pages, lambda number: url_for(
            "matching.suggested_candidates", vacancy_id=vacancy.id, page=number, **({"sort": sort} if sort != "fit" else {})),
            label="Suggested candidates, pages"),
        **context)


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
