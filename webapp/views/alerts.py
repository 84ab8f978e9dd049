"""Saved searches and job alerts: saving a /jobs search, the "Saved searches and alerts" page
(rename, how often, pause, delete, see new jobs) and the one-click unsubscribe link in every alert.
Views parse, call webapp.services.saved_searches, commit and render."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from domain.vocabulary import AlertFrequency, UserRole
from webapp.extensions import csrf, db
from webapp.forms.account import ConfirmForm
from webapp.forms.alerts import SavedSearchForm, SaveSearchForm
from webapp.web.access import role_required, signed_in_user
from webapp.web.forms import failed_post, form_page
from webapp.services import NotAllowed, accounts, alert_relevance
from webapp.services import saved_searches as service
from webapp.services.saved_searches import InvalidSavedSearch, SavedSearchLimit

bp = Blueprint("alerts", __name__)

candidate_required = role_required(UserRole.CANDIDATE)



def _own_or_404(saved_search_id: int):
    saved = service.own_saved_search(signed_in_user(), saved_search_id)
    if saved is None:
        abort(404)
    return saved


def _list_page(status: int = 200, problem: str | None = None):
    searches = service.saved_searches_for(signed_in_user())
    return render_template(
        "alerts/saved_searches.html",
        title="Saved searches and alerts",
        searches=searches,
        criteria={s.id: service.criteria(s) for s in searches},
        jobs_url=lambda s: url_for("jobs.search", **service.jobs_url_args(s)),
        action_form=ConfirmForm(),
        problem=problem,
        limit=service.MAX_SAVED_SEARCHES,
    ), status


def _search_path(query: str) -> str:
    return url_for("jobs.search") + (f"?{query}" if query else "")


@bp.post("/account/saved-searches")
def save():
    """"Save this search" on /jobs posts the page's query string here."""
    form = SaveSearchForm()
    query = (form.query.data or "").lstrip("?")
    if not current_user.is_authenticated:
        flash("Sign in or create an account to save this search and get emails about new jobs.", "info")
        return redirect(url_for("account.sign_in", next=accounts.safe_local_path(_search_path(query))))
    if not current_user.is_candidate:
        abort(403, description="Only social workers can save searches. Sign in with a social worker's account.")
    if not form.validate_on_submit():
        abort(400, description=next(iter(form.errors.values()))[0] if form.errors else None)
    try:
        saved, created = service.save_search(signed_in_user(), query)
    except SavedSearchLimit as problem:
        db.session.rollback()
        return _list_page(400, str(problem))
    except (InvalidSavedSearch, NotAllowed) as problem:
        db.session.rollback()
        abort(400, description=str(problem))
    db.session.commit()
    if created:
        flash(f"Search saved as ‘{saved.name}’. We will email you new jobs that match it "
              f"{saved.frequency.label.lower()}. You can rename it or change how often below.", "success")
    else:
        flash(f"You had already saved this search as ‘{saved.name}’.", "success")
    return redirect(url_for("alerts.saved_searches") + f"#saved-search-{saved.id}")


@bp.get("/account/saved-searches")
@candidate_required
def saved_searches():
    return _list_page()


@bp.route("/account/saved-searches/<int:saved_search_id>/edit", methods=["GET", "POST"])
@candidate_required
def edit(saved_search_id: int):
    saved = _own_or_404(saved_search_id)
    form = SavedSearchForm(data={"name": saved.name, "frequency": saved.frequency.value,
                                 "alerts": "on" if saved.alerts_on else "off"})
    if form.validate_on_submit():
        try:
            changed = service.update(saved, form.name.data, form.frequency.data, form.alerts.data == "on")
        except InvalidSavedSearch as problem:
            failed_post(form, {"name": str(problem)})
        else:
            db.session.commit()
            flash(f"Your changes to ‘{saved.name}’ have been saved." if changed else "Nothing changed.", "success")
            return redirect(url_for("alerts.saved_searches") + f"#saved-search-{saved.id}")
    return form_page("alerts/edit.html", title="Change a saved search", form=form, saved=saved,
                     criteria=service.criteria(saved))


def _set_alerts(saved_search_id: int, on: bool):
    saved = _own_or_404(saved_search_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if service.set_alerts(saved, on):
        db.session.commit()
    if on:
        flash(f"Emails for ‘{saved.name}’ are on again: {saved.frequency.label.lower()}.", "success")
    else:
        flash(f"Emails for ‘{saved.name}’ are paused. The search is still saved.", "success")
    return redirect(url_for("alerts.saved_searches") + f"#saved-search-{saved.id}")


@bp.post("/account/saved-searches/<int:saved_search_id>/pause")
@candidate_required
def pause(saved_search_id: int):
    return _set_alerts(saved_search_id, False)


@bp.post("/account/saved-searches/<int:saved_search_id>/resume")
@candidate_required
def resume(saved_search_id: int):
    return _set_alerts(saved_search_id, True)


@bp.route("/account/saved-searches/<int:saved_search_id>/delete", methods=["GET", "POST"])
@candidate_required
def delete(saved_search_id: int):
    saved = _own_or_404(saved_search_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = saved.name
        service.delete(saved)
        db.session.commit()
        flash(f"‘{name}’ has been deleted. We will not email you about it again.", "success")
        return redirect(url_for("alerts.saved_searches"))
    status = 400 if request.method == "POST" else 200
    return render_template("alerts/delete.html", title="Delete a saved search", form=form, saved=saved), status


# --- one-click unsubscribe (no sign-in) -------------------------------------------------------------

@bp.route("/alerts/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail provider POSTs with no session; the signed token is the proof
def unsubscribe(token: str):
    """GET asks to confirm (link scanners follow GETs, and must not unsubscribe anyone);
    POST, from that page or a mail client's one-click button, stops the emails at once."""
    try:
        searches = service.searches_for_token(token)
    except service.BadUnsubscribeLink:
        return render_template("alerts/unsubscribe_invalid.html", title="This unsubscribe link is not valid"), 400
    if request.method == "POST":
        service.unsubscribe(searches)
        db.session.commit()
        return render_template("alerts/unsubscribed.html", title="You have unsubscribed", searches=searches)
    return render_template("alerts/unsubscribe.html", title="Unsubscribe from job alerts", searches=searches,
                           token=token, frequencies=AlertFrequency)


# --- "was this relevant?" under each job in an alert (no sign-in) -------------------------------------------

@bp.route("/alerts/relevance/<token>", methods=["GET", "POST"])  # older emails: a token per job
@bp.route("/alerts/relevance/<token>/<int:vacancy_id>", methods=["GET", "POST"])  # a token per search in an email
@csrf.exempt  # the signed token is the proof, as for unsubscribing: a phone's mail app may keep no session
def relevance(token: str, vacancy_id: int | None = None):
    """GET shows the job and the question with the emailed answer first (link scanners follow GETs, and must
    not answer for anyone); POST records the answer, or changes it."""
    try:
        sent = alert_relevance.sent_alert_for(token, vacancy_id)
    except alert_relevance.BadRelevanceLink as problem:
        return render_template("alerts/relevance_invalid.html", title="This link is not valid", problem=str(problem)), 400
    vacancy = alert_relevance.vacancy_of(sent)
    answer = request.values.get("answer", "")
    if request.method == "POST":
        if answer not in ("yes", "no"):
            return render_template("alerts/relevance.html", title="Was this job relevant?", vacancy=vacancy,
                                   token=token, vacancy_id=vacancy_id, suggested="yes", recorded=None,
                                   problem="Select yes or no to say whether the job was relevant"), 400
        alert_relevance.record(sent, answer == "yes")
        db.session.commit()
        return render_template("alerts/relevance.html", title="Thank you", vacancy=vacancy, token=token,
                               vacancy_id=vacancy_id, suggested=None, recorded=answer == "yes", problem=None)
    return render_template("alerts/relevance.html", title="Was this job relevant?", vacancy=vacancy, token=token,
                           vacancy_id=vacancy_id, suggested=answer if answer in ("yes", "no") else "yes",
                           recorded=alert_relevance.answer_for(sent), problem=None)
