"""The recruiter's inbox: applications to review across the council's vacancies, bulk actions with a confirm
step, the council's message templates, booking interviews and blind shortlisting.

Every route is for a council's recruiters; another council's application, vacancy or template answers
404, exactly like an id that does not exist, and changes nothing.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from webapp.extensions import db
from webapp.forms.correspondence import BulkConfirmForm, InterviewForm, MessageTemplateForm
from webapp.services import NotAllowed, ServiceError, blind_shortlisting, inbox, interviews, message_templates
from webapp.services import applications as application_service
from webapp.services import vacancies as vacancy_service
from webapp.services.paging import PageNotFound
from webapp.web.access import RECRUITER_ROLES, council_staff_required, linked_council_id, signed_in_user
from webapp.web.confirm import Confirmation, confirm_page
from webapp.web.forms import failed_post, form_page
from webapp.web.pagination import page_number, pagination

bp = Blueprint("inbox", __name__)

recruiter_required = council_staff_required(*RECRUITER_ROLES)
UNREADABLE = "The form could not be read. Go back, refresh the page and try again."


def _require_form() -> None:
    if not BulkConfirmForm().validate_on_submit():
        abort(400, description=UNREADABLE)


# --- applications to review ----------------------------------------------------------------------------------

def _inbox_page(chosen: inbox.InboxFilter, errors: dict[str, str], status: int = 200, problem: str | None = None):
    council_id = linked_council_id()
    try:
        listing = inbox.applications_to_review(council_id, chosen, page_number())
    except PageNotFound as missing:
        abort(404, description=str(missing))
    args = chosen.as_args()
    return render_template(
        "inbox/index.html", listing=listing, chosen=chosen, errors=errors, problem=problem,
        raw={key: request.args.get(key, "") for key in ("status", "vacancy", "from", "to")} if errors else args,
        status_choices=inbox.STATUS_CHOICES, vacancies=inbox.vacancies_with_applications(council_id),
        templates=message_templates.templates_for(council_id), bulk_actions=inbox.BULK_ACTIONS,
        views={a.id: blind_shortlisting.applicant_view(a) for a in listing.items},
        pagination=pagination(listing.page, listing.pages, lambda n: url_for("inbox.index", page=n, **args)),
        form=BulkConfirmForm(formdata=None), back_query=args,
    ), status


@bp.get("/inbox")
@recruiter_required
def index():
    try:
        chosen = inbox.read_filter(request.args, linked_council_id())
    except inbox.InboxFilterInvalid as invalid:
        return _inbox_page(inbox.InboxFilter(), invalid.errors, 400)
    return _inbox_page(chosen, {})


def _plan_from_form(for_update: bool = False) -> inbox.BulkPlan:
    try:
        return inbox.plan_bulk(signed_in_user(), request.form.getlist("application"), request.form.get("action", ""),
                               request.form.get("template", ""), request.form.get("feedback", ""), for_update)
    except NotAllowed:
        abort(404)


def _back_filter() -> inbox.InboxFilter:
    try:
        return inbox.read_filter({k[5:]: v for k, v in request.form.items() if k.startswith("back_")},
                                 linked_council_id())
    except inbox.InboxFilterInvalid:
        return inbox.InboxFilter()


@bp.post("/inbox/bulk")
@recruiter_required
def bulk():
    """The confirm step: what will happen to how many applications. Changes nothing."""
    _require_form()
    try:
        plan = _plan_from_form()
    except ServiceError as problem:
        return _inbox_page(_back_filter(), {}, 400, problem=str(problem))
    return render_template("inbox/confirm.html", plan=plan, form=BulkConfirmForm(formdata=None),
                           views={a.id: blind_shortlisting.applicant_view(a)
                                  for a in plan.ready + [a for a, _ in plan.skipped]},
                           back_query=_back_filter().as_args())


@bp.post("/inbox/bulk/confirm")
@recruiter_required
def bulk_confirm():
    _require_form()
    back = _back_filter()
    try:
        plan = _plan_from_form(for_update=True)
        moved = inbox.carry_out(signed_in_user(), plan)
    except ServiceError as problem:
        db.session.rollback()
        return _inbox_page(back, {}, 400, problem=str(problem))
    db.session.commit()
    flash(f"{plan.label}: {moved} application{'' if moved == 1 else 's'} moved"
          + (f", each sent the message ‘{plan.template.name}’" if plan.template else "")
          + ". The applicants have been emailed.", "success")
    return redirect(url_for("inbox.index", **back.as_args()))


# --- the council's message templates -------------------------------------------------------------------------

@bp.get("/message-templates")
@recruiter_required
def templates():
    return render_template("inbox/templates.html", templates=message_templates.templates_for(linked_council_id()),
                           form=BulkConfirmForm(formdata=None))


def _own_template(template_id: int):
    return message_templates.template_for(signed_in_user(), template_id) or abort(404)


def _template_form(template=None):
    form = MessageTemplateForm(obj=template) if request.method == "GET" else MessageTemplateForm()
    if form.validate_on_submit():
        try:
            saved = message_templates.save(signed_in_user(), form.name.data, form.body.data, template)
        except message_templates.TemplateInvalid as invalid:
            failed_post(form, invalid.errors)
        else:
            db.session.commit()
            flash(f"The template ‘{saved.name}’ has been saved.", "success")
            return redirect(url_for("inbox.templates"))
    return form_page("inbox/template_form.html", form=form, message_template=template)


@bp.route("/message-templates/new", methods=["GET", "POST"])
@recruiter_required
def new_template():
    return _template_form()


@bp.route("/message-templates/<int:template_id>/edit", methods=["GET", "POST"])
@recruiter_required
def edit_template(template_id: int):
    return _template_form(_own_template(template_id))


@bp.route("/message-templates/<int:template_id>/delete", methods=["GET", "POST"])
@recruiter_required
def delete_template(template_id: int):
    """GET asks "Delete this template?"; only the POST from that page deletes it."""
    template = _own_template(template_id)
    form = BulkConfirmForm()
    if not form.validate_on_submit():
        return confirm_page(Confirmation(
            heading=f"Delete the template ‘{template.name}’?",
            caption="Message templates",
            does=("Nobody at your council can use it any more. Messages already sent with it are not changed.",),
            button="Yes, delete this template",
            cancel_url=url_for("inbox.templates"),
        ), form)
    name = template.name
    message_templates.delete(signed_in_user(), template)
    db.session.commit()
    flash(f"The template ‘{name}’ has been deleted.", "success")
    return redirect(url_for("inbox.templates"))


# --- interviews ---------------------------------------------------------------------------------------------

@bp.route("/applications/<int:application_id>/interview", methods=["GET", "POST"])
@recruiter_required
def schedule_interview(application_id: int):
    application = application_service.application_for_recruiter(signed_in_user(), application_id,
                                                                 for_update=request.method == "POST") or abort(404)
    form = InterviewForm()
    problem = None
    if application.status not in interviews.BOOKABLE:
        problem = (f"You can book an interview once an application is shortlisted; this one is "
                   f"{application.status.label.lower()}.")
    elif form.validate_on_submit():
        details = interviews.InterviewDetails(
            day=form.day.data, time=form.time.data or "", duration_minutes=form.duration_minutes.data or "",
            format=form.format.data or "", place=form.place.data or "", online_link=form.online_link.data or "",
            details=form.details.data or "")
        try:
            interview = interviews.schedule(signed_in_user(), application, details)
        except interviews.InterviewInvalid as invalid:
            failed_post(form, invalid.errors)
        else:
            db.session.commit()
            flash(f"Interview booked for {interview.starts_at:%-d %B %Y at %H:%M}. The applicant has been emailed.",
                  "success")
            return redirect(url_for("recruit.application", application_id=application.id))
    db.session.rollback()  # a refused post leaves nothing behind (and lets go of the row's lock)
    return form_page("inbox/interview.html", form=form, application=application, problem=problem,
                     applicant=blind_shortlisting.applicant_view(application))


# --- blind shortlisting -----------------------------------------------------------------------------------

@bp.post("/vacancies/<int:vacancy_id>/blind-shortlisting")
@recruiter_required
def blind_shortlisting_setting(vacancy_id: int):
    vacancy = vacancy_service.vacancy_for_recruiter(signed_in_user(), vacancy_id) or abort(404)
    _require_form()
    choice = request.form.get("blind", "")
    if choice not in ("on", "off"):
        abort(400, description="Choose to turn blind shortlisting on or off.")
    blind_shortlisting.set_for_vacancy(signed_in_user(), vacancy, choice == "on")
    db.session.commit()
    flash("Blind shortlisting is on: until you shortlist someone, you will not see their name, contact details "
          "or registration number." if choice == "on" else "Blind shortlisting is off.", "success")
    return redirect(url_for("recruit.vacancy", vacancy_id=vacancy.id))
