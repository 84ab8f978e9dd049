"""Social workers' accounts: register, sign in and out, password reset, profile, applications, follows,
and their personal data. Views parse, call a service in webapp.services, commit and render."""
from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from domain.vocabulary import UserRole
from webapp.extensions import db, limiter
from webapp.forms.account import (
    ConfirmForm,
    DeleteAccountForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    RegisterForm,
    SignInForm,
)
from webapp.forms import profile_steps
from webapp.models import Application
from webapp.web.access import role_required, signed_in_user
from webapp.web.security import submitted_account_key
from webapp.web.downloads import attachment
from webapp.web.forms import button_post, failed_post, form_page, refused_post
from webapp.services import NotAllowed, ServiceError, accounts, audit, follows, funnel, profile_visits, profiles
from webapp.services import application_forms
from webapp.services import applications as application_service
from webapp.services import councils as council_service

bp = Blueprint("account", __name__)

candidate_required = role_required(UserRole.CANDIDATE)


def _sign_in_limit() -> str:
    return current_app.config.get("SIGN_IN_RATE_LIMIT", "10 per minute")


def _account_limit() -> str:
    return current_app.config["ACCOUNT_RATE_LIMIT"]


# Two limits on every form that names an account: per address (one machine trying many accounts)
# and per account (many machines trying one account).
per_account = limiter.limit(_account_limit, key_func=submitted_account_key, methods=["POST"])


def _start_session(user) -> None:
    carried = funnel.carried_over()  # the pseudonymous visitor and campaign credit (nothing about the person)
    session.clear()  # start a fresh session: nothing from before signing in carries over
    session.update(carried)
    login_user(user)


def _next_path() -> str | None:
    return accounts.safe_local_path(request.values.get("next"))


def _back_path() -> str | None:
    """Where a button-only form came from: its `next` field, else the referring page on this site."""
    explicit = _next_path()
    if explicit:
        return explicit
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    return accounts.safe_local_path(parts.path + (f"?{parts.query}" if parts.query else ""))


# --- signing in and out ----------------------------------------------------------------------------

@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@per_account
def sign_in():
    next_path = _next_path()
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_path or url_for(accounts.home_endpoint(current_user)))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            _start_session(user)
            return redirect(next_path or url_for(accounts.home_endpoint(user)))
        # One message whether the address is unknown or the password wrong: nobody learns who has an account.
        failed_post(form, {"email": accounts.WRONG_CREDENTIALS})
    return form_page("account/sign_in.html", form=form, next_path=next_path)


@bp.route("/sign-out", methods=["GET", "POST"])
def sign_out():
    if not current_user.is_authenticated:
        return redirect(url_for("jobs.home"))
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return form_page("account/sign_out.html", form=form)
        accounts.end_sessions(signed_in_user())  # on the server too: a copy of the cookie stops working
        db.session.commit()
        logout_user()
        session.clear()
        flash("You have signed out.", "success")
        return redirect(url_for("jobs.home"))
    return render_template("account/sign_out.html", form=form)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@per_account
def register():
    next_path = _next_path()
    if current_user.is_authenticated:
        return redirect(next_path or url_for(accounts.home_endpoint(current_user)))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_candidate(form.email.data, form.full_name.data, form.password.data)
        except accounts.EmailTaken as error:
            failed_post(form, {"email": str(error)})
        except ServiceError as error:
            failed_post(form, {"password": str(error)})
        else:
            db.session.commit()
            _start_session(user)
            flash("Your account has been created. Tell us what you are looking for so we can show you jobs that fit.",
                  "success")
            return redirect(next_path or url_for("account.edit_profile"))
    return form_page("account/register.html", form=form, next_path=next_path)


# --- password reset ---------------------------------------------------------------------------------

@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@per_account
def request_password_reset():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        db.session.commit()
        # The same page whether or not the address has an account.
        return render_template("account/password_reset_sent.html", email=form.email.data)
    return form_page("account/password_reset_request.html", form=form)


# The reset link's token moves from the address into the session at once, so the page where the new
# password is chosen has a plain address: no token in the browser's history, in a Referer header or
# in a proxy's log beyond that first request (which the access log redacts).
_RESET_TOKEN = "password_reset_token"


@bp.get("/password-reset/<token>")
def reset_password(token: str):
    if accounts.user_for_reset_token(token) is None:
        return render_template("account/password_reset_invalid.html"), 400
    session[_RESET_TOKEN] = token
    return redirect(url_for("account.choose_new_password"))


@bp.route("/password-reset/new", methods=["GET", "POST"])
def choose_new_password():
    token = session.get(_RESET_TOKEN, "")
    if not isinstance(token, str) or accounts.user_for_reset_token(token) is None:
        return render_template("account/password_reset_invalid.html"), 400
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except ServiceError as error:
            failed_post(form, {"password": str(error)})
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            session.clear()  # the token too: it is spent
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("account.sign_in"))
    return form_page("account/password_reset.html", form=form)


# --- profile ------------------------------------------------------------------------------------------

@bp.get("/account/profile")
@candidate_required
def profile():
    council_names = dict(profiles.council_choices())
    # Opening their profile is a visit: it keeps a findable profile switched on (services.profile_visits).
    profile_visits.record_visit(signed_in_user())
    db.session.commit()
    profile = current_user.profile
    return render_template("account/profile.html", profile=profile, steps=profile_steps.PROFILE_STEPS,
                           answers=profile_steps.answers(profile, council_names) if profile else None,
                           switch_on_form=ConfirmForm())


@bp.post("/account/profile/switch-on")
@candidate_required
def switch_profile_on():
    """Let recruiters find me again: one button on the profile page, after the profile was switched off."""
    button_post(ConfirmForm())
    try:
        profile_visits.switch_back_on(signed_in_user())
    except ServiceError as problem:
        db.session.rollback()
        abort(400, description=str(problem))
    db.session.commit()
    flash("Recruiters can find your profile again.", "success")
    return redirect(url_for("account.profile"))


# The profile a topic at a time (GOV.UK question pages): each step saves its answers as it goes, so
# nothing is lost if someone stops halfway; "Check your answers" reads them all back with Change links.

_RETURN_TO = {"check": "account.check_profile_answers", "profile": "account.profile"}


def _return_to() -> str | None:
    """Where a Change link asked to come back to after its step (only the two pages that have them)."""
    value = request.args.get("return_to", "")
    return value if value in _RETURN_TO else None


@bp.get("/account/profile/edit")
@candidate_required
def edit_profile():
    """The old one-page form's address: the steps from the start, or the answers to change one."""
    if current_user.profile is None:
        return redirect(url_for("account.profile_step", step_slug=profile_steps.PROFILE_STEPS[0].slug))
    return redirect(url_for("account.check_profile_answers"))


@bp.route("/account/profile/<step_slug>", methods=["GET", "POST"])
@candidate_required
def profile_step(step_slug: str):
    step = profile_steps.STEPS_BY_SLUG.get(step_slug) or abort(404)
    return_to = _return_to()
    form = profile_steps.step_form(step, current_user.profile)
    if form.validate_on_submit():
        try:
            profiles.update_profile(signed_in_user(), form.profile_values())
        except profiles.ProfileInvalid as invalid:  # the form checks the same rules; this is belt and braces
            failed_post(form, invalid.errors)
        else:
            db.session.commit()
            following = profile_steps.next_step(step)
            if return_to:
                return redirect(url_for(_RETURN_TO[return_to]) + f"#{step.slug}")
            if following is None:
                return redirect(url_for("account.check_profile_answers"))
            return redirect(url_for("account.profile_step", step_slug=following.slug))
    previous = profile_steps.previous_step(step)
    if return_to:
        back = url_for(_RETURN_TO[return_to])
    elif previous is not None:
        back = url_for("account.profile_step", step_slug=previous.slug)
    else:
        back = url_for("account.profile")
    return form_page("account/profile_step.html", form=form, step=step, back=back, return_to=return_to,
                     number=profile_steps.PROFILE_STEPS.index(step) + 1, steps=len(profile_steps.PROFILE_STEPS))


def _answers_page(template: str, problems=(), status: int = 200):
    profile = current_user.profile
    return render_template(template, profile=profile, steps=profile_steps.PROFILE_STEPS,
                           answers=profile_steps.answers(profile, dict(profiles.council_choices())),
                           problems=problems, form=ConfirmForm()), status


@bp.route("/account/profile/check-answers", methods=["GET", "POST"])
@candidate_required
def check_profile_answers():
    if current_user.profile is None:
        return redirect(url_for("account.profile_step", step_slug=profile_steps.PROFILE_STEPS[0].slug))
    if request.method == "POST":
        button_post(ConfirmForm())
        problems = profile_steps.unanswered(current_user.profile)
        if problems:
            return _answers_page("account/profile_check.html", problems, 400)
        return redirect(url_for("account.profile_set_up"))
    return _answers_page("account/profile_check.html")


@bp.get("/account/profile/set-up")
@candidate_required
def profile_set_up():
    """The confirmation after "Check your answers": the profile is set up, and what happens next."""
    profile = current_user.profile
    if profile is None or profile_steps.unanswered(profile):
        return redirect(url_for("account.check_profile_answers") if profile else url_for("account.edit_profile"))
    return render_template("account/profile_set_up.html", profile=profile)


# --- applications and follows -----------------------------------------------------------------------------

def _own_application(application_id: int) -> Application:
    """The signed-in candidate's application, or 404: another person's id looks like one that does not exist."""
    return application_service.application_for_candidate(signed_in_user(), application_id) or abort(404)


@bp.get("/account/applications")
@candidate_required
def applications():
    return render_template(
        "account/applications.html",
        applications=application_service.applications_for_candidate(signed_in_user()),
        drafts=application_forms.drafts_for_candidate(signed_in_user()),
        today=dt.date.today(),
        followed=follows.followed_councils(signed_in_user()),
    )


@bp.route("/account/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@candidate_required
def withdraw_application(application_id: int):
    application = _own_application(application_id)
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            application_service.withdraw(signed_in_user(), application)
        except ServiceError as problem:
            db.session.rollback()
            error = str(problem)
        else:
            db.session.commit()
            flash(f"You have withdrawn your application for {application.vacancy.title}.", "success")
            return redirect(url_for("account.applications"))
    elif application.status.is_final and request.method == "GET":
        error = f"This application is already {application.status.label.lower()}."
    return form_page("account/withdraw.html", form=form, application=application, error=error)


def _change_follow(slug: str, following: bool):
    organisation = council_service.council_by_slug(slug) or abort(404)
    back = _back_path() or url_for("account.applications")
    if not current_user.is_authenticated:
        flash("Sign in or create an account to follow councils.", "info")
        return redirect(url_for("account.sign_in", next=back))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        if following:
            follows.follow(signed_in_user(), organisation)
        else:
            follows.unfollow(signed_in_user(), organisation)
    except NotAllowed:
        refused_post()
    db.session.commit()
    if following:
        flash(f"You are following {organisation.name}.", "success")
    else:
        flash(f"You no longer follow {organisation.name}.", "success")
    return redirect(back)


@bp.post("/councils/<slug>/follow")
def follow(slug: str):
    """Follow a council. A council page posts here with the CSRF token and `next` = its own path."""
    return _change_follow(slug, True)


@bp.post("/councils/<slug>/unfollow")
def unfollow(slug: str):
    return _change_follow(slug, False)


# --- personal data -----------------------------------------------------------------------------------------

@bp.get("/account/your-data")
@candidate_required
def your_data():
    return render_template("account/your_data.html")


@bp.get("/account/your-data/download")
@candidate_required
def download_data():
    data = accounts.export_personal_data(signed_in_user())
    audit.record(signed_in_user(), "account.data_exported", signed_in_user())
    db.session.commit()
    return attachment(json.dumps(data, indent=2, ensure_ascii=False), "cswjobs-your-data.json", "application/json")


@bp.route("/account/delete", methods=["GET", "POST"])
@candidate_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            accounts.delete_account(signed_in_user(), form.password.data)
        except accounts.WrongPassword as error:
            failed_post(form, {"password": str(error)})
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash("Your account and your personal data have been deleted.", "success")
            return redirect(url_for("jobs.home"))
    return form_page("account/delete.html", form=form)
