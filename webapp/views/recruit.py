"""Borough recruiters: their council's vacancies, the applications to them, and the council's offer.

Every route is for a recruiter or council administrator with a council. Another council's
vacancy or application answers 404, exactly like an id that does not exist.
"""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from domain.vocabulary import ApplicationStatus, OfferDeclineReason, UserRole
from webapp.extensions import db
from webapp.forms.applying import ReferenceStageForm
from webapp.forms.recruit import (
    ActionForm,
    CouncilOfferForm,
    FeatureForm,
    MoveApplicationForm,
    ReopenForm,
    VacancyForm,
)
from webapp.models import Application, ReferenceStage, Vacancy
from webapp.web.access import RECRUITER_ROLES, council_staff_required, signed_in_user
from webapp.web.templating import job_page_url
from webapp.web.downloads import attachment
from webapp.web.confirm import Confirmation, confirm_page
from webapp.web.forms import failed_post, form_page
from webapp.web.pagination import page_number, pagination
from webapp.services import ServiceError, audit
from webapp.services import application_forms
from webapp.services import applications as application_service
from webapp.services import blind_shortlisting, interviews
from webapp.services import councils as council_service
from webapp.services import featured as featured_service
from webapp.services import organisations as organisation_service
from webapp.services import references as reference_service
from webapp.services import vacancies as vacancy_service
from webapp.services.paging import PageNotFound

bp = Blueprint("recruit", __name__)

recruiter_required = council_staff_required(*RECRUITER_ROLES)


def _today() -> dt.date:
    return dt.date.today()



def _own_vacancy(vacancy_id: int) -> Vacancy:
    vacancy = vacancy_service.vacancy_for_recruiter(signed_in_user(), vacancy_id)
    if vacancy is None:
        abort(404)
    return vacancy


def _own_application(application_id: int, for_update: bool = False) -> Application:
    application = application_service.application_for_recruiter(signed_in_user(), application_id, for_update=for_update)
    if application is None:
        abort(404)
    return application


def live_job_page_url(vacancy: Vacancy) -> str | None:
    """The public job page while the vacancy is live (a draft or closed one has none to link to)."""
    return job_page_url(vacancy) if vacancy.is_live_on(_today()) else None


# --- vacancies ------------------------------------------------------------------------------------------

@bp.get("/vacancies")
@recruiter_required
def vacancies():
    tab = request.args.get("status", "live")
    if tab not in vacancy_service.TABS:
        abort(400, description="Choose live, draft or closed vacancies.")
    page = page_number()
    try:
        listing = vacancy_service.vacancies_for(current_user.organisation_id, tab, page, today=_today())
    except PageNotFound as problem:
        abort(404, description=str(problem))
    return render_template(
        "recruit/vacancies.html",
        tab=tab,
        tabs=vacancy_service.TABS,
        counts=vacancy_service.tab_counts(current_user.organisation_id, today=_today()),
        listing=listing,
        pagination=pagination(listing.page, listing.pages, lambda n: url_for("recruit.vacancies", status=tab, page=n)),
        organisation=current_user.organisation,
    )


@bp.route("/vacancies/new", methods=["GET", "POST"])
@recruiter_required
def new_vacancy():
    organisation = current_user.organisation
    form = VacancyForm(organisation=organisation)
    if request.method == "GET":
        form.location_name.data = organisation.town or ""
        form.fte.data = "1.0"
    if form.validate_on_submit():
        try:
            vacancy = vacancy_service.create_vacancy(signed_in_user(), form.vacancy_values(), today=_today())
        except vacancy_service.VacancyInvalid as invalid:  # the form checks the same rules; belt and braces
            failed_post(form, invalid.errors)
        else:
            db.session.commit()
            flash(f"Your draft ‘{vacancy.title}’ has been saved. Publish it when it is ready.", "success")
            return redirect(url_for("recruit.vacancy", vacancy_id=vacancy.id))
    return form_page("recruit/vacancy_form.html", form=form, vacancy=None, organisation=organisation)


def _vacancy_page(vacancy: Vacancy, status: int = 200, problems: list[dict] | None = None):
    applications = application_service.applications_for_vacancy(vacancy)
    label, css = vacancy_service.display_status(vacancy, _today())
    return render_template(
        "recruit/vacancy.html",
        vacancy=vacancy,
        status_label=label,
        status_class=css,
        applications=applications,
        applicants={a.id: blind_shortlisting.applicant_view(a) for a in applications},
        can_reopen=vacancy_service.can_reopen(vacancy, _today()),
        action_form=ActionForm(),
        problems=problems or [],
        public_url=live_job_page_url(vacancy),
        today=_today(),
    ), status


@bp.get("/vacancies/<int:vacancy_id>")
@recruiter_required
def vacancy(vacancy_id: int):
    return _vacancy_page(_own_vacancy(vacancy_id))


@bp.route("/vacancies/<int:vacancy_id>/edit", methods=["GET", "POST"])
@recruiter_required
def edit_vacancy(vacancy_id: int):
    vacancy = _own_vacancy(vacancy_id)
    form = VacancyForm.for_vacancy(vacancy, today=_today())
    if form.validate_on_submit():
        try:
            changed = vacancy_service.update_vacancy(signed_in_user(), vacancy, form.vacancy_values(), today=_today())
        except vacancy_service.VacancyInvalid as invalid:
            failed_post(form, invalid.errors)
        else:
            db.session.commit()
            flash("Your changes have been saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("recruit.vacancy", vacancy_id=vacancy.id))
    return form_page("recruit/vacancy_form.html", form=form, vacancy=vacancy, organisation=vacancy.organisation)


@bp.post("/vacancies/<int:vacancy_id>/publish")
@recruiter_required
def publish_vacancy(vacancy_id: int):
    vacancy = _own_vacancy(vacancy_id)
    ActionForm.require_posted()
    try:
        vacancy_service.publish(signed_in_user(), vacancy, today=_today())
    except vacancy_service.VacancyInvalid as invalid:
        db.session.rollback()
        edit = url_for("recruit.edit_vacancy", vacancy_id=vacancy.id)
        problems = [{"text": f"{message}. Edit the vacancy to fix this.", "href": edit} for message in invalid.errors.values()]
        return _vacancy_page(vacancy, 400, problems)
    except ServiceError as problem:
        db.session.rollback()
        return _vacancy_page(vacancy, 400, [{"text": str(problem)}])
    db.session.commit()
    flash(f"‘{vacancy.title}’ is live. Social workers can find it and apply until {vacancy.closing_date.day} "
          f"{vacancy.closing_date:%B %Y}.", "success")
    return redirect(url_for("recruit.vacancy", vacancy_id=vacancy.id))


@bp.route("/vacancies/<int:vacancy_id>/close", methods=["GET", "POST"])
@recruiter_required
def close_vacancy(vacancy_id: int):
    """GET asks "Close this vacancy?"; only the POST from that page closes it."""
    vacancy = _own_vacancy(vacancy_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            vacancy_service.close(signed_in_user(), vacancy)
        except ServiceError as problem:
            db.session.rollback()
            return _vacancy_page(vacancy, 400, [{"text": str(problem)}])
        db.session.commit()
        flash(f"‘{vacancy.title}’ is closed. It no longer shows in search; you can still manage its applications.",
              "success")
        return redirect(url_for("recruit.vacancy", vacancy_id=vacancy.id))
    if request.method == "GET" and vacancy.status.value != "live":
        abort(400, description=f"Only a live vacancy can be closed; this vacancy is {vacancy.status.label.lower()}.")
    return confirm_page(Confirmation(
        heading=f"Close ‘{vacancy.title}’?",
        caption=vacancy.organisation.name,
        does=(f"The job comes off the jobs board, job alerts and feeds now, before its closing date of "
              f"{vacancy.closing_date.day} {vacancy.closing_date:%B %Y}. Nobody new can apply.",
              "Applications already made stay with you to carry on with."),
        warning="You can re-open it later with a new closing date, but anyone who looked for it meanwhile will not have found it.",
        button="Yes, close this vacancy",
        cancel_url=url_for("recruit.vacancy", vacancy_id=vacancy.id),
    ), form)


@bp.route("/vacancies/<int:vacancy_id>/reopen", methods=["GET", "POST"])
@recruiter_required
def reopen_vacancy(vacancy_id: int):
    vacancy = _own_vacancy(vacancy_id)
    if not vacancy_service.can_reopen(vacancy, _today()):
        label = vacancy_service.display_status(vacancy, _today())[0].lower()
        abort(400, description=f"Only a closed vacancy can be re-opened; this vacancy is {label}.")
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            vacancy_service.reopen(signed_in_user(), vacancy, form.closing_date.data, today=_today())
        except ServiceError as problem:
            errors = problem.errors if isinstance(problem, vacancy_service.VacancyInvalid) else {"closing_date": str(problem)}
            failed_post(form, {"closing_date": message for message in errors.values()})
        else:
            db.session.commit()
            flash(f"‘{vacancy.title}’ is live again until {vacancy.closing_date.day} {vacancy.closing_date:%B %Y}.",
                  "success")
            return redirect(url_for("recruit.vacancy", vacancy_id=vacancy.id))
    return form_page("recruit/reopen.html", form=form, vacancy=vacancy)


@bp.route("/vacancies/<int:vacancy_id>/feature", methods=["GET", "POST"])
@recruiter_required
def feature_vacancy(vacancy_id: int):
    vacancy = _own_vacancy(vacancy_id)
    form = FeatureForm()
    if form.validate_on_submit():
        try:
            slot = featured_service.feature_vacancy(vacancy, form.starts_on.data, form.ends_on.data, signed_in_user(),
                                                    today=_today())
        except featured_service.SlotInvalid as invalid:
            failed_post(form, invalid.errors)
        except ServiceError as problem:
            failed_post(form, {"starts_on": str(problem)})
        else:
            db.session.commit()
            flash(f"‘{vacancy.title}’ will be featured at the top of search from {slot.starts_on.day} "
                  f"{slot.starts_on:%B} to {slot.ends_on.day} {slot.ends_on:%B %Y}.", "success")
            return redirect(url_for("recruit.vacancy", vacancy_id=vacancy.id, _anchor="featured"))
    return form_page("recruit/feature.html", form=form, vacancy=vacancy,
                      slots_per_council=current_app.config["FEATURED_SLOTS_PER_COUNCIL"],
                      max_days=current_app.config["FEATURED_SLOT_MAX_DAYS"])


@bp.route("/featured-slots/<int:slot_id>/end", methods=["GET", "POST"])
@recruiter_required
def end_featured_slot(slot_id: int):
    """GET asks "Stop featuring?"; only the POST from that page ends (or cancels) the slot."""
    slot = featured_service.slot_for(signed_in_user(), slot_id)
    if slot is None:
        abort(404)
    vacancy = slot.vacancy
    form = ActionForm()
    if not form.validate_on_submit():
        if slot.ends_on < _today():
            abort(400, description="This featured slot has already ended.")
        running = slot.is_live_on(_today())  # as the vacancy page labels its button
        dates = f"{slot.starts_on.day} {slot.starts_on:%B} to {slot.ends_on.day} {slot.ends_on:%B %Y}"
        return confirm_page(Confirmation(
            heading=f"{'Stop featuring' if running else 'Cancel featuring'} ‘{vacancy.title}’?",
            caption=vacancy.organisation.name,
            does=(f"The job {'stops being' if running else 'will not be'} featured first in search "
                  f"({dates}). It stays on the jobs board in its usual place.",),
            warning="The days given up cannot be got back, though you can feature the job again if your council has a slot free.",
            button="Yes, stop featuring" if running else "Yes, cancel this slot",
            cancel_url=url_for("recruit.vacancy", vacancy_id=vacancy.id, _anchor="featured"),
        ), form)
    try:
        featured_service.end_featured_slot(slot, signed_in_user(), today=_today())
    except ServiceError as problem:
        db.session.rollback()
        return _vacancy_page(vacancy, 400, [{"text": str(problem)}])
    db.session.commit()
    flash(f"‘{vacancy.title}’ is no longer featured.", "success")
    return redirect(url_for("recruit.vacancy", vacancy_id=vacancy.id, _anchor="featured"))


# --- applications ----------------------------------------------------------------------------------------

def _application_page(application: Application, form: MoveApplicationForm | None = None, status: int = 200,
                      problem: str | None = None):
    form = form or MoveApplicationForm(formdata=None)
    return render_template(
        "recruit/application.html",
        application=application,
        vacancy=application.vacancy,
        candidate=application.candidate,
        profile=application.candidate.profile,
        moves=application_service.allowed_moves(application),
        form=form,
        action_form=ActionForm(formdata=None),
        problem=problem,
        statuses=ApplicationStatus,
        decline_reasons=OfferDeclineReason,
        applicant=blind_shortlisting.applicant_view(application),
        interviews=interviews.interviews_for(application),
        answers=application_forms.summary(application.answers, application_forms.referees_as_answers(
            application.referees), today=application.submitted_at.date(),
            hide_identity=blind_shortlisting.is_hidden(application)) if application.answers is not None else None,
        referees=[(r, reference_service.referee_state(r), application_forms.reference_rows(r))
                  for r in application.referees],
        reference_problem=reference_service.request_problem(application),
        reference_stage=reference_service.reference_stage(application.vacancy.organisation_id),
    ), status


@bp.get("/applications/<int:application_id>")
@recruiter_required
def application(application_id: int):
    return _application_page(_own_application(application_id))


@bp.post("/applications/<int:application_id>/move")
@recruiter_required
def move_application(application_id: int):
    application = _own_application(application_id, for_update=True)
    form = MoveApplicationForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _application_page(application, form, 400)
    return _move(application, form)


def _move(application: Application, form: MoveApplicationForm):
    """Move a checked form's application to its ``to_status``, then back to the application."""
    to_status = ApplicationStatus(form.to_status.data)
    reason = OfferDeclineReason(form.decline_reason.data) if form.decline_reason.data else None
    try:
        application_service.move(signed_in_user(), application, to_status, note=form.note.data or "",
                                 decline_reason=reason, decline_detail=form.decline_detail.data or "",
                                 feedback=form.feedback.data or "")
    except ServiceError as problem:
        db.session.rollback()
        return _application_page(application, form, 400, problem=str(problem))
    db.session.commit()
    flash(f"{blind_shortlisting.applicant_view(application).display_name}'s application is now: "
          f"{to_status.label.lower()}.", "success")
    return redirect(url_for("recruit.application", application_id=application.id))


@bp.route("/applications/<int:application_id>/do-not-progress", methods=["GET", "POST"])
@recruiter_required
def do_not_progress(application_id: int):
    """"Do not progress" asks first, on its own page with the feedback the applicant is sent; only
    the POST from that page moves the application (final: it cannot be moved back)."""
    application = _own_application(application_id, for_update=request.method == "POST")
    if ApplicationStatus.REJECTED not in application_service.allowed_moves(application):
        abort(400, description=f"This application is {application.status.label.lower()}: "
                               "it can no longer be marked as not progressed.")
    form = MoveApplicationForm()
    if form.validate_on_submit() and form.to_status.data == ApplicationStatus.REJECTED.value:
        return _move(application, form)
    db.session.rollback()
    name = blind_shortlisting.applicant_view(application).display_name
    return confirm_page(Confirmation(
        heading=f"Do not progress {name}?",
        caption=application.vacancy.title,
        does=(f"{name}'s application will be marked ‘not progressed’ and they will be emailed the decision, "
              "with any feedback you write below.",),
        warning="You cannot undo this: the application cannot be moved on again.",
        button="Yes, do not progress",
        cancel_url=url_for("recruit.application", application_id=application.id),
    ), form, template="recruit/do_not_progress.html")


@bp.post("/applications/<int:application_id>/registration-check")
@recruiter_required
def record_swe_check(application_id: int):
    application = _own_application(application_id)
    ActionForm.require_posted()
    try:
        application_service.record_swe_check(signed_in_user(), application)
    except ServiceError as problem:
        db.session.rollback()
        return _application_page(application, status=400, problem=str(problem))
    db.session.commit()
    flash("You have recorded that the Social Work England registration was checked.", "success")
    return redirect(url_for("recruit.application", application_id=application.id) + "#registration")


@bp.post("/applications/<int:application_id>/references")
@recruiter_required
def request_references(application_id: int):
    application = _own_application(application_id, for_update=True)
    ActionForm.require_posted()
    try:
        referees = reference_service.request_references(signed_in_user(), application)
    except ServiceError as problem:
        db.session.rollback()
        return _application_page(application, status=400, problem=str(problem))
    db.session.commit()
    flash(f"We have emailed {' and '.join(r.name for r in referees)} a link to give a reference.", "success")
    return redirect(url_for("recruit.application", application_id=application.id) + "#references")


@bp.get("/applications/<int:application_id>/application.pdf")
@recruiter_required
def application_pdf(application_id: int):
    application = _own_application(application_id)
    data = application_forms.application_pdf(application, hide_identity=blind_shortlisting.is_hidden(application))
    audit.record(signed_in_user(), "application.downloaded", application,
                 organisation_id=application.vacancy.organisation_id)
    db.session.commit()
    return attachment(data, f"application-CSW-{application.id:06d}.pdf", "application/pdf")


# --- the council's offer ----------------------------------------------------------------------------------

@bp.route("/council", methods=["GET", "POST"])
@council_staff_required(UserRole.ORG_ADMIN)
def council():
    organisation = council_service.council_by_id(current_user.organisation_id)
    form = CouncilOfferForm.for_organisation(organisation)
    if form.validate_on_submit():
        try:
            changed = organisation_service.update_offer(signed_in_user(), organisation, form.offer_values())
        except organisation_service.OfferInvalid as invalid:
            failed_post(form, invalid.errors)
        else:
            db.session.commit()
            flash(f"{organisation.name}'s page has been saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("recruit.council"))
    return form_page("recruit/council.html", form=form, organisation=organisation)


@bp.route("/council/references", methods=["GET", "POST"])
@council_staff_required(UserRole.ORG_ADMIN)
def reference_setting():
    """When this council requests references: at shortlisting (the default) or after an offer."""
    organisation = council_service.council_by_id(current_user.organisation_id)
    form = ReferenceStageForm()
    if request.method == "GET":
        form.references_at.data = reference_service.reference_stage(organisation.id).value
    if form.validate_on_submit():
        if form.references_at.data not in {stage.value for stage in ReferenceStage}:
            form.references_at.errors = ["Select when references should be requested"]
        else:
            stage = ReferenceStage(form.references_at.data)
            changed = reference_service.set_reference_stage(signed_in_user(), organisation, stage)
            db.session.commit()
            flash(f"References will be requested {stage.label.lower()}." if changed else "Nothing was changed.",
                  "success")
            return redirect(url_for("recruit.reference_setting"))
    return form_page("recruit/reference_setting.html", form=form, organisation=organisation)
