"""A social worker's safer-recruitment application: the task list, each section, check your answers, send.

Every page is the signed-in social worker's own draft: anyone else's draft id is a 404, like one that
does not exist. A draft for a job that has closed answers 410. Views parse, call
webapp.services.application_forms, commit and render.
"""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from domain import safer_recruitment as rules
from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.forms.account import ConfirmForm
from webapp.forms.applying import (
    CheckAnswersForm,
    DeclarationsForm,
    JobForm,
    PersonalDetailsForm,
    QualificationForm,
    RefereesForm,
    RegistrationForm,
    StatementForm,
    gaps_form,
)
from webapp.models import ApplicationDraft
from webapp.services import NotAllowed, ServiceError
from webapp.services import application_forms as forms_service
from webapp.services import applications as application_service
from webapp.web.access import role_required, signed_in_user
from webapp.web.forms import form_page, refused_post

bp = Blueprint("applying", __name__)

candidate_required = role_required(UserRole.CANDIDATE)

PAGE_FORMS = {
    "personal-details": PersonalDetailsForm,
    "registration": RegistrationForm,
    "references": RefereesForm,
    "supporting-statement": StatementForm,
    "declarations": DeclarationsForm,
}
ENTRY_FORMS = {"qualifications": QualificationForm, "employment-history": JobForm}
ENTRY_NAMES = {"qualifications": "qualification", "employment-history": "job"}


def _today() -> dt.date:
    return dt.date.today()


def _own_draft(draft_id: int) -> ApplicationDraft:
    draft = forms_service.draft_for_candidate(signed_in_user(), draft_id)
    if draft is None:
        abort(404)
    if not draft.vacancy.is_live_on(_today()):
        abort(410, description=f"{draft.vacancy.title} at {draft.vacancy.organisation.name} has closed, so this "
                               "application can no longer be sent. You can delete it from your applications.")
    return draft


def _rejected(form, errors: dict[str, str]) -> None:
    """Nothing is saved; each problem goes beside its field and what was typed stays on the page."""
    db.session.rollback()
    form.put_errors(errors)


def _saved(draft: ApplicationDraft, title: str):
    db.session.commit()
    flash(f"{title}: saved.", "success")
    return redirect(url_for("applying.task_list", draft_id=draft.id))


@bp.get("/apply/<int:draft_id>")
@candidate_required
def task_list(draft_id: int):
    draft = _own_draft(draft_id)
    tasks = forms_service.task_list(draft, _today())
    return render_template("applying/task_list.html", draft=draft, vacancy=draft.vacancy, tasks=tasks,
                           completed=sum(1 for _, done in tasks if done))


@bp.route("/apply/<int:draft_id>/<any(" + ",".join(f"'{slug}'" for slug in PAGE_FORMS) + "):slug>",
          methods=["GET", "POST"])
@candidate_required
def section(draft_id: int, slug: str):
    draft = _own_draft(draft_id)
    form = PAGE_FORMS[slug]()
    if request.method == "GET":
        form.show(forms_service.section_as_form(draft, slug))
    if form.validate_on_submit():
        try:
            forms_service.save_section(draft, slug, form.answers(), _today())
        except forms_service.SectionInvalid as invalid:
            _rejected(form, invalid.errors)
        else:
            return _saved(draft, rules.SECTIONS_BY_SLUG[slug].title)
    return form_page(f"applying/{slug}.html", form=form, draft=draft, vacancy=draft.vacancy,
                     section=rules.SECTIONS_BY_SLUG[slug], dbs_guidance=rules.DBS_FILTERING_GUIDANCE,
                     statement_max=rules.STATEMENT_MAX)


# --- lists a person adds to: qualifications and jobs ----------------------------------------------------------

def _entries_page(draft: ApplicationDraft, kind: str, gap_form=None, status: int | None = None):
    gaps = forms_service.gaps(draft, _today()) if kind == "employment-history" else []
    if gap_form is None and gaps:
        gap_form = gaps_form(gaps, formdata=None)
        saved = (draft.answers or {}).get("gaps") or {}
        gap_form.show({f"gap_{n}": saved.get(gap.key, "") for n, gap in enumerate(gaps, 1)})
    complete = rules.SECTIONS_BY_SLUG[kind].is_complete(draft.answers or {}, _today())
    return form_page("applying/entries.html", status=status, draft=draft, vacancy=draft.vacancy, kind=kind,
                     section=rules.SECTIONS_BY_SLUG[kind], entries=forms_service.entries(draft, kind),
                     gaps=gaps, gap_form=gap_form, complete=complete, noun=ENTRY_NAMES[kind],
                     month_label=rules.month_label)


@bp.route("/apply/<int:draft_id>/<any('qualifications','employment-history'):kind>", methods=["GET", "POST"])
@candidate_required
def entries(draft_id: int, kind: str):
    """The list, with (for employment) a box to explain each gap of more than three months."""
    draft = _own_draft(draft_id)
    if request.method == "GET":
        return _entries_page(draft, kind)
    if kind != "employment-history":
        abort(405)
    gaps = forms_service.gaps(draft, _today())
    form = gaps_form(gaps, formdata=request.form)
    if not form.validate_on_submit():
        return _entries_page(draft, kind, form, status=400)
    try:
        forms_service.save_gap_explanations(draft, form.answers(), _today())
    except forms_service.SectionInvalid as invalid:
        _rejected(form, invalid.errors)
        return _entries_page(draft, kind, form, status=400)
    if not rules.SECTIONS_BY_SLUG[kind].is_complete(draft.answers, _today()):
        db.session.commit()  # the explanations are kept; the history still needs a job
        flash("Your explanations are saved. Add your jobs to complete this section.", "success")
        return redirect(url_for("applying.entries", draft_id=draft.id, kind=kind))
    return _saved(draft, "Employment history")


@bp.route("/apply/<int:draft_id>/<any('qualifications','employment-history'):kind>/add", methods=["GET", "POST"])
@bp.route("/apply/<int:draft_id>/<any('qualifications','employment-history'):kind>/<int:number>",
          methods=["GET", "POST"])
@candidate_required
def entry(draft_id: int, kind: str, number: int | None = None):
    draft = _own_draft(draft_id)
    index = None if number is None else number - 1
    form = ENTRY_FORMS[kind]()
    if index is not None:
        saved = forms_service.entry_as_form(draft, kind, index)
        if saved is None:
            abort(404)
        if request.method == "GET":
            form.show(saved)
    if form.validate_on_submit():
        try:
            forms_service.save_entry(draft, kind, index, form.answers(), _today())
        except forms_service.SectionInvalid as invalid:
            _rejected(form, invalid.errors)
        except ServiceError as problem:
            _rejected(form, {"submit": str(problem)})
        else:
            db.session.commit()
            flash(f"The {ENTRY_NAMES[kind]} has been saved.", "success")
            return redirect(url_for("applying.entries", draft_id=draft.id, kind=kind))
    return form_page(f"applying/{ENTRY_NAMES[kind]}.html", form=form, draft=draft, vacancy=draft.vacancy,
                     kind=kind, number=number, section=rules.SECTIONS_BY_SLUG[kind])


@bp.route("/apply/<int:draft_id>/<any('qualifications','employment-history'):kind>/<int:number>/remove",
          methods=["GET", "POST"])
@candidate_required
def remove_entry(draft_id: int, kind: str, number: int):
    draft = _own_draft(draft_id)
    saved = forms_service.entries(draft, kind)
    if not 0 < number <= len(saved):
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        forms_service.remove_entry(draft, kind, number - 1)
        db.session.commit()
        flash(f"The {ENTRY_NAMES[kind]} has been removed.", "success")
        return redirect(url_for("applying.entries", draft_id=draft.id, kind=kind))
    entry = saved[number - 1]
    return form_page("applying/remove.html", form=form, draft=draft, vacancy=draft.vacancy, kind=kind,
                     noun=ENTRY_NAMES[kind], name=entry.get("job_title") or entry.get("name"),
                     detail=entry.get("employer") or entry.get("institution"))


# --- checking and sending ------------------------------------------------------------------------------------

@bp.route("/apply/<int:draft_id>/check", methods=["GET", "POST"])
@candidate_required
def check(draft_id: int):
    draft = _own_draft(draft_id)
    form = CheckAnswersForm()
    missing = rules.incomplete_sections(draft.answers or {}, _today())
    if form.validate_on_submit():
        try:
            forms_service.submit(signed_in_user(), draft, bool(form.confirm.data), _today())
        except NotAllowed as problem:
            refused_post(problem)
        except forms_service.SectionInvalid as invalid:
            db.session.rollback()
            form.confirm.errors = [invalid.errors["confirm"]]
        except ServiceError as problem:  # incomplete, or the job closed or was applied for meanwhile
            db.session.rollback()
            form.submit.errors = [str(problem)]
        else:
            vacancy = draft.vacancy
            db.session.commit()
            return redirect(url_for("jobs.applied", vacancy_id=vacancy.id, slug=vacancy.slug))
    return form_page("applying/check.html", form=form, draft=draft, vacancy=draft.vacancy, missing=missing,
                     summary=forms_service.summary(draft.answers or {}, today=_today()))


@bp.route("/apply/<int:draft_id>/delete", methods=["GET", "POST"])
@candidate_required
def delete(draft_id: int):
    # A closed job's draft can still be deleted, so it is looked up without the closing check.
    draft = forms_service.draft_for_candidate(signed_in_user(), draft_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = draft.vacancy.title
        forms_service.delete_draft(signed_in_user(), draft)
        db.session.commit()
        flash(f"Your application for {title} has been deleted.", "success")
        return redirect(url_for("account.applications"))
    return form_page("applying/delete.html", form=form, draft=draft, vacancy=draft.vacancy)


@bp.get("/account/applications/<int:application_id>/form")
@candidate_required
def sent(application_id: int):
    """What the social worker sent, as the council reads it (their referees as they gave them)."""
    application = application_service.application_for_candidate(signed_in_user(), application_id)
    if application is None or application.answers is None:
        abort(404)
    return render_template("applying/sent.html", application=application, vacancy=application.vacancy,
                           summary=forms_service.summary(application.answers, forms_service.referees_as_answers(
                               application.referees), today=application.submitted_at.date()))
