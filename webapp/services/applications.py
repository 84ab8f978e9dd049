"""Applications: a social worker applies or withdraws; a recruiter moves it through the pipeline.

Every change of status appends an ApplicationEvent (who, when, from, to) and an audit entry.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from domain.funnel import FunnelStep
from domain.safer_recruitment import STATEMENT_MAX
from domain.vocabulary import (
    PIPELINE_TRANSITIONS,
    ApplicationStatus,
    ApplyMethod,
    OfferDeclineReason,
    UserRole,
)
from webapp.extensions import db
from webapp.models import Application, ApplicationEvent, User, Vacancy, utcnow
from webapp.services import NotAllowed, ServiceError
from webapp.services import audit, funnel, notifications
from webapp.services.webhooks import events as webhook_events

SUPPORTING_STATEMENT_MAX = STATEMENT_MAX
NOTE_MAX = 500  # ApplicationEvent.note and Application.decline_detail


def can_manage_vacancy(user: User, vacancy: Vacancy) -> bool:
    """A recruiter or council admin manages only their own council's vacancies."""
    return user.is_recruiter and user.organisation_id == vacancy.organisation_id


def _append_event(application: Application, to_status: ApplicationStatus, actor: User, note: str = "",
                  feedback: str = "") -> None:
    application.events.append(
        ApplicationEvent(from_status=application.status if application.id else None, to_status=to_status,
                         actor_id=actor.id, note=note[:500])
    )
    application.status = to_status
    # Every change of status is heard here: the social worker and the council's recruiters are told.
    notifications.application_changed(application, to_status, feedback=feedback)


def existing_application(candidate: User, vacancy: Vacancy) -> Application | None:
    return db.session.scalar(
        sa.select(Application).where(Application.vacancy_id == vacancy.id, Application.candidate_id == candidate.id)
    )


def check_can_apply(candidate: User, vacancy: Vacancy, today: dt.date) -> None:
    """Why this person may not apply for this job now (NotAllowed or ServiceError), or nothing: checked when
    the application form is started (services.application_forms) and again when it is sent."""
    if candidate.role != UserRole.CANDIDATE:
        raise NotAllowed("Only social workers can apply for jobs.")
    if not vacancy.is_live_on(today):
        raise ServiceError("This job is no longer open for applications.")
    if vacancy.apply_method != ApplyMethod.IN_PLATFORM:
        raise ServiceError("Apply for this job on the council's own website.")
    if existing_application(candidate, vacancy) is not None:
        raise ServiceError("You have already applied for this job.")


def submit(candidate: User, vacancy: Vacancy, supporting_statement: str, today: dt.date | None = None,
           answers: dict | None = None) -> Application:
    """Send an application. ``answers`` is the safer-recruitment form (webapp.services.application_forms
    checks it and adds the referees); the supporting statement is also kept on its own column."""
    today = today or dt.date.today()
    check_can_apply(candidate, vacancy, today)
    statement = (supporting_statement or "").strip()
    if not statement:
        raise ServiceError("Enter your supporting statement.")
    if len(statement) > SUPPORTING_STATEMENT_MAX:
        raise ServiceError(f"Supporting statement must be {SUPPORTING_STATEMENT_MAX} characters or fewer.")
    application = Application(vacancy=vacancy, candidate=candidate, supporting_statement=statement,
                              status=ApplicationStatus.SUBMITTED, answers=answers)
    application.events.append(ApplicationEvent(from_status=None, to_status=ApplicationStatus.SUBMITTED,
                                               actor_id=candidate.id))
    db.session.add(application)
    db.session.flush()
    audit.record(candidate, "application.submitted", application, organisation_id=vacancy.organisation_id,
                 vacancy_id=vacancy.id)
    webhook_events.application_submitted(application)
    funnel.record_visitor_step(FunnelStep.APPLICATION, candidate, vacancy=vacancy, application=application)
    notifications.application_changed(application, ApplicationStatus.SUBMITTED)
    return application


def withdraw(candidate: User, application: Application) -> Application:
    if application.candidate_id != candidate.id:
        raise NotAllowed("You can only withdraw your own applications.")
    if application.status.is_final:
        raise ServiceError(f"This application is already {application.status.label.lower()}.")
    previous = application.status
    _append_event(application, ApplicationStatus.WITHDRAWN, candidate)
    audit.record(candidate, "application.withdrawn", application,
                 organisation_id=application.vacancy.organisation_id, from_status=previous.value)
    webhook_events.application_withdrawn(application)
    return application


def allowed_moves(application: Application) -> list[ApplicationStatus]:
    return sorted(PIPELINE_TRANSITIONS.get(application.status, frozenset()), key=lambda s: list(ApplicationStatus).index(s))


def move(
    recruiter: User,
    application: Application,
    to_status: ApplicationStatus,
    note: str = "",
    decline_reason: OfferDeclineReason | None = None,
    decline_detail: str = "",
    feedback: str = "",
) -> Application:
    """Move an application on; ``feedback`` (optional, when not progressing it) is emailed to the applicant."""
    if not can_manage_vacancy(recruiter, application.vacancy):
        raise NotAllowed("You can only manage applications to your own council's vacancies.")
    if to_status not in PIPELINE_TRANSITIONS.get(application.status, frozenset()):
        raise ServiceError(
            f"An application that is {application.status.label.lower()} cannot be moved to {to_status.label.lower()}."
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ServiceError(f"Note must be {NOTE_MAX} characters or fewer.")
    if to_status == ApplicationStatus.OFFER_DECLINED:
        if decline_reason is None:
            raise ServiceError("Select why the offer was declined.")
        detail = (decline_detail or "").strip()
        if len(detail) > NOTE_MAX:
            raise ServiceError(f"Details of why the offer was declined must be {NOTE_MAX} characters or fewer.")
        application.decline_reason = decline_reason
        application.decline_detail = detail
    previous = application.status
    _append_event(application, to_status, recruiter, note,
                  feedback=feedback if to_status == ApplicationStatus.REJECTED else "")
    funnel.record_pipeline_step(application, to_status)  # shortlisted ... hired, credited to its campaign
    audit.record(recruiter, "application.moved", application, organisation_id=application.vacancy.organisation_id,
                 from_status=previous.value, to_status=to_status.value)
    return application


def record_swe_check(recruiter: User, application: Application) -> Application:
    """Record that the applicant's Social Work England registration was checked, by whom and when."""
    if not can_manage_vacancy(recruiter, application.vacancy):
        raise NotAllowed("You can only check applicants to your own council's vacancies.")
    application.swe_checked_at = utcnow()
    application.swe_checked_by_id = recruiter.id
    audit.record(recruiter, "application.swe_checked", application,
                 organisation_id=application.vacancy.organisation_id)
    return application


# --- what a recruiter sees ----------------------------------------------------------------------------------

def application_for_recruiter(user: User, application_id: int, for_update: bool = False) -> Application | None:
    """The application if it is to one of this user's council's vacancies; None otherwise (a 404, not a 403,
    so nobody learns which ids exist). `for_update` locks the row (PostgreSQL) while its status changes."""
    if user.organisation_id is None or not user.is_recruiter \
            or not 0 < application_id < 2**31:
        return None
    query = (
        sa.select(Application)
        .join(Vacancy, Vacancy.id == Application.vacancy_id)
        .where(Application.id == application_id, Vacancy.organisation_id == user.organisation_id)
    )
    if for_update:
        query = query.with_for_update(of=Application)
    return db.session.scalar(query)


def application_for_candidate(candidate: User, application_id: int) -> Application | None:
    """The candidate's own application; None for anyone else's (a 404, like an id that does not exist)."""
    if not 0 < application_id < 2**31:
        return None
    return db.session.scalar(
        sa.select(Application).where(Application.id == application_id, Application.candidate_id == candidate.id)
    )


def applications_for_candidate(candidate: User) -> list[Application]:
    """Everything the candidate applied for, newest first, with each vacancy, council and history loaded."""
    return list(db.session.scalars(
        sa.select(Application)
        .where(Application.candidate_id == candidate.id)
        .options(
            selectinload(Application.vacancy).selectinload(Vacancy.organisation),
            selectinload(Application.events),
        )
        .order_by(Application.submitted_at.desc(), Application.id.desc())
    ).all())


def applications_for_vacancy(vacancy: Vacancy) -> list[Application]:
    """Everyone who applied, newest first, with what the applicants list shows loaded in one go."""
    return list(db.session.scalars(
        sa.select(Application)
        .where(Application.vacancy_id == vacancy.id)
        .options(
            selectinload(Application.candidate).selectinload(User.profile),
            selectinload(Application.swe_checked_by),
        )
        .order_by(Application.submitted_at.desc(), Application.id.desc())
    ).all())
