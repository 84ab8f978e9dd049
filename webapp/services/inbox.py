"""The recruiter's inbox: "Applications to review" across all the council's vacancies, and bulk actions.

A bulk action (shortlist, or do not progress) is planned first (what will happen to how many, and
which cannot be moved and why) for the confirm page, and only then carried out: each application
moves through services.applications (so the applicant is told, as for a single move) and, if the
recruiter chose one of the council's templates, gets it as a message in its thread.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Mapping

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from domain.vocabulary import FINAL_APPLICATION_STATUSES, PIPELINE_TRANSITIONS, ApplicationStatus
from webapp.extensions import db
from webapp.models import Application, MessageTemplate, User, Vacancy
from webapp.services import NotAllowed, ServiceError, blind_shortlisting, messages, notifications
from webapp.services import applications as pipeline
from webapp.services import message_templates
from webapp.services.paging import one_page

PER_PAGE = 25
BULK_MAX = 100
OPEN = "open"  # every application still in the pipeline: the default view
ALL = "all"
STATUS_CHOICES = [(OPEN, "Still in progress"), *ApplicationStatus.choices(), (ALL, "All applications")]
BULK_ACTIONS = {
    "shortlist": (ApplicationStatus.SHORTLISTED, "Shortlist"),
    "reject": (ApplicationStatus.REJECTED, "Do not progress"),
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class InboxFilterInvalid(ServiceError):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


@dataclass(frozen=True)
class InboxFilter:
    status: str = OPEN  # OPEN, ALL or an ApplicationStatus value
    vacancy_id: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None

    def as_args(self) -> dict[str, str]:
        """The query string that shows this view again (for links and after a bulk action)."""
        args = {"status": self.status}
        if self.vacancy_id:
            args["vacancy"] = str(self.vacancy_id)
        if self.received_from:
            args["from"] = self.received_from.isoformat()
        if self.received_to:
            args["to"] = self.received_to.isoformat()
        return args


def _date(text: str, what: str, errors: dict[str, str], key: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    if _DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    errors[key] = f"{what} must be a real date, like 2027-03-27"
    return None


def read_filter(args: Mapping[str, str], organisation_id: int) -> InboxFilter:
    """The inbox's filters from a query string; InboxFilterInvalid names each one that is wrong."""
    errors: dict[str, str] = {}
    status = (args.get("status") or OPEN).strip()
    if status not in {value for value, _ in STATUS_CHOICES}:
        errors["status"] = "Choose a status from the list"
    vacancy_id = None
    vacancy_text = (args.get("vacancy") or "").strip()
    if vacancy_text:
        if not vacancy_text.isdigit() or not 0 < int(vacancy_text) < 2**31 or db.session.scalar(
                sa.select(Vacancy.id).where(Vacancy.id == int(vacancy_text),
                                            Vacancy.organisation_id == organisation_id)) is None:
            errors["vacancy"] = "Choose one of your council's vacancies"
        else:
            vacancy_id = int(vacancy_text)
    received_from = _date(args.get("from", ""), "Received from", errors, "from")
    received_to = _date(args.get("to", ""), "Received to", errors, "to")
    if received_from and received_to and received_from > received_to:
        errors["to"] = "Received to must be the same as or after received from"
    if errors:
        raise InboxFilterInvalid(errors)
    return InboxFilter(status, vacancy_id, received_from, received_to)


def _query(organisation_id: int, chosen: InboxFilter) -> sa.Select:
    query = (sa.select(Application).join(Vacancy, Vacancy.id == Application.vacancy_id)
             .where(Vacancy.organisation_id == organisation_id))
    if chosen.status == OPEN:
        query = query.where(Application.status.not_in(FINAL_APPLICATION_STATUSES))
    elif chosen.status != ALL:
        query = query.where(Application.status == ApplicationStatus(chosen.status))
    if chosen.vacancy_id:
        query = query.where(Application.vacancy_id == chosen.vacancy_id)
    if chosen.received_from:
        query = query.where(Application.submitted_at >= dt.datetime.combine(chosen.received_from, dt.time()))
    if chosen.received_to:
        query = query.where(Application.submitted_at < dt.datetime.combine(chosen.received_to + dt.timedelta(days=1),
                                                                            dt.time()))
    return query


def applications_to_review(organisation_id: int, chosen: InboxFilter, page: int = 1):
    """One page of the council's applications, oldest waiting first (first come, first read)."""
    query = _query(organisation_id, chosen).options(
        selectinload(Application.vacancy), selectinload(Application.candidate).selectinload(User.profile),
        selectinload(Application.events),
    ).order_by(Application.submitted_at, Application.id)
    return one_page(query, page, PER_PAGE)


def vacancies_with_applications(organisation_id: int) -> list[Vacancy]:
    return list(db.session.scalars(
        sa.select(Vacancy).where(Vacancy.organisation_id == organisation_id,
                                 Vacancy.id.in_(sa.select(Application.vacancy_id)))
        .order_by(Vacancy.title, Vacancy.id)
    ))


# --- bulk actions -------------------------------------------------------------------------------------------

@dataclass
class BulkPlan:
    action: str
    label: str
    to_status: ApplicationStatus
    template: MessageTemplate | None
    feedback: str
    ready: list[Application] = field(default_factory=list)
    skipped: list[tuple[Application, str]] = field(default_factory=list)


def _ids(raw_ids: list[str]) -> list[int]:
    ids: list[int] = []
    for raw in raw_ids:
        if not raw.strip().isdigit() or not 0 < int(raw) < 2**31:
            raise ServiceError("The applications chosen could not be read. Go back and choose them again.")
        if int(raw) not in ids:
            ids.append(int(raw))
    return ids


def plan_bulk(recruiter: User, raw_ids: list[str], action: str, template_id: str = "",
              feedback: str = "", for_update: bool = False) -> BulkPlan:
    """What a bulk action would do, changing nothing. NotAllowed if any application is not this council's
    (the view answers 404, as for one application); ServiceError for anything else that is wrong.
    ``for_update`` locks the rows (PostgreSQL) when the plan is about to be carried out, so two recruiters
    confirming at once cannot move one application twice."""
    if action not in BULK_ACTIONS:
        raise ServiceError("Choose shortlist or do not progress.")
    ids = _ids(raw_ids)
    if not ids:
        raise ServiceError("Select at least one application.")
    if len(ids) > BULK_MAX:
        raise ServiceError(f"Select {BULK_MAX} applications or fewer at a time.")
    template = None
    if (template_id or "").strip():
        if not template_id.strip().isdigit():
            raise ServiceError("Choose one of your council's message templates.")
        template = message_templates.template_for(recruiter, int(template_id))
        if template is None:
            raise NotAllowed("That message template is not your council's.")
    feedback = (feedback or "").strip()
    if len(feedback) > notifications.FEEDBACK_MAX:
        raise ServiceError(f"Feedback must be {notifications.FEEDBACK_MAX} characters or fewer.")
    to_status, label = BULK_ACTIONS[action]
    if feedback and to_status != ApplicationStatus.REJECTED:
        feedback = ""
    found = {a.id: a for a in (pipeline.application_for_recruiter(recruiter, ident, for_update=for_update)
                               for ident in sorted(ids)) if a}  # locked in one order: no deadlock
    if len(found) != len(ids):
        raise NotAllowed("One or more of those applications is not your council's.")
    plan = BulkPlan(action, label, to_status, template, feedback)
    for ident in ids:
        application = found[ident]
        if to_status in PIPELINE_TRANSITIONS.get(application.status, frozenset()):
            plan.ready.append(application)
        else:
            plan.skipped.append((application, f"already {application.status.label.lower()}"))
    return plan


def carry_out(recruiter: User, plan: BulkPlan) -> int:
    """Move every application that is ready, and send the template as a message to each; how many moved."""
    if not plan.ready:
        raise ServiceError("None of the applications chosen can be moved: " +
                           "; ".join(f"{blind_shortlisting.reference(a)} is {reason}" for a, reason in plan.skipped))
    for application in plan.ready:
        pipeline.move(recruiter, application, plan.to_status, feedback=plan.feedback)
        if plan.template is not None and application.candidate.active:  # a closed account gets no message
            messages.send(recruiter, application, plan.template.body)
    return len(plan.ready)

