"""Saved jobs: a social worker saves a job from its page, sees their list, and removes jobs from it."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.forms.matching import ButtonForm
from webapp.services import NotAllowed, ServiceError
from webapp.services import jobs as job_service
from webapp.services import saved_jobs as saved_job_service
from webapp.web.access import role_required, signed_in_user
from webapp.web.templating import job_page_url

bp = Blueprint("saved_jobs", __name__)

UNREADABLE = "The form could not be read. Go back, refresh the page and try again."


def _vacancy_or_404(vacancy_id: int):
    vacancy = job_service.public_vacancy(vacancy_id) if 0 < vacancy_id < 2**31 else None
    if vacancy is None:
        abort(404)
    return vacancy


def _back(vacancy) -> str:
    # Removing from the saved jobs list returns to the list; anywhere else, to the job.
    return url_for("saved_jobs.saved_jobs") if request.args.get("from") == "saved" else job_page_url(vacancy)


@bp.post("/jobs/<int:vacancy_id>/save")
def save(vacancy_id: int):
    vacancy = _vacancy_or_404(vacancy_id)
    if not current_user.is_authenticated:
        # Signing in brings them back to the job (a POST cannot be replayed after sign-in), where they tap Save again.
        return redirect(url_for("account.sign_in", next=job_page_url(vacancy)))
    if not ButtonForm().validate_on_submit():
        abort(400, description=UNREADABLE)
    try:
        _, new = saved_job_service.save(signed_in_user(), vacancy, today=dt.date.today())
    except NotAllowed as problem:
        db.session.rollback()
        abort(403, description=str(problem))
    except ServiceError as problem:
        db.session.rollback()
        abort(400, description=str(problem))
    db.session.commit()
    if new:
        flash(f"You saved {vacancy.title}. We will email you before it closes.", "success")
    return redirect(job_page_url(vacancy))


@bp.post("/jobs/<int:vacancy_id>/unsave")
@role_required(UserRole.CANDIDATE)
def remove(vacancy_id: int):
    vacancy = _vacancy_or_404(vacancy_id)
    if not ButtonForm().validate_on_submit():
        abort(400, description=UNREADABLE)
    if saved_job_service.remove(signed_in_user(), vacancy):
        db.session.commit()
        flash(f"You removed {vacancy.title} from your saved jobs.", "success")
    return redirect(_back(vacancy))


@bp.get("/account/saved-jobs")
@role_required(UserRole.CANDIDATE)
def saved_jobs():
    return render_template("account/saved_jobs.html", saved=saved_job_service.saved_jobs_for(signed_in_user()),
                           form=ButtonForm(), remind_days=saved_job_service.REMIND_DAYS_BEFORE_CLOSING)
