"""Invitations to apply: a recruiter invites a suggested candidate; the candidate sees it, and may dismiss it."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from matching.scoring import explain
from matching.text import CandidateFacts, VacancyFacts
from webapp.extensions import db
from webapp.models import CandidateProfile, Invitation, User, Vacancy, utcnow
from webapp.services import NotAllowed, ServiceError, audit
from webapp.services import matching
from webapp.services.accounts import register_personal_data
from webapp.services.outgoing_mail import absolute_url, queue_mail

MESSAGE_MAX = 500


class AlreadyInvited(ServiceError):
    pass


def invite(recruiter: User, vacancy: Vacancy, profile: CandidateProfile, message: str = "",
           today: dt.date | None = None) -> Invitation:
    """Invite a suggested candidate to apply. Only for the recruiter's own council's live vacancy, and only a
    candidate who may be suggested for it (opted in, and passing the hard constraints)."""
    today = today or dt.date.today()
    if recruiter.organisation_id is None or vacancy.organisation_id != recruiter.organisation_id:
        raise NotAllowed("You can only invite people to apply for your own council's vacancies.")
    if not vacancy.is_live_on(today):
        raise ServiceError("You can invite people to apply only while the vacancy is live.")
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise ServiceError(f"The message must be {MESSAGE_MAX} characters or fewer.")
    match = matching.suggestion_for(db.session, vacancy, profile)
    if match is None:
        raise NotAllowed("This person is not one of the suggested candidates for this vacancy.")
    existing = existing_invitation(vacancy, profile)
    if existing is not None:
        raise AlreadyInvited(already_invited_message(profile, existing))
    # The candidate reads these reasons, so they are worded for them ("your minimum salary").
    for_them = explain(VacancyFacts.of(vacancy), CandidateFacts.of(profile), match, for_recruiter=False)
    invitation = Invitation(vacancy_id=vacancy.id, candidate_id=profile.user_id, invited_by_id=recruiter.id,
                            message=message, reasons=list(for_them.reasons))
    db.session.add(invitation)
    db.session.flush()
    audit.record(recruiter, "candidate.invited", invitation, organisation_id=vacancy.organisation_id,
                 vacancy_id=vacancy.id, candidate_id=profile.user_id)
    queue_invitation_mail(invitation)
    return invitation


def profile_to_invite(profile_id: int, vacancy: Vacancy) -> CandidateProfile | None:
    """A profile a recruiter may invite to apply for this vacancy; someone who has not opted in, or who hid
    their profile from the vacancy's council, looks exactly like someone who does not exist (None)."""
    if not 0 < profile_id < 2**31:
        return None
    profile = db.session.get(CandidateProfile, profile_id)
    if profile is None or not profile.discoverable or vacancy.organisation.slug in (profile.hidden_from or ()):
        return None
    return profile


def existing_invitation(vacancy: Vacancy, profile: CandidateProfile) -> Invitation | None:
    return db.session.scalar(sa.select(Invitation).where(Invitation.vacancy_id == vacancy.id,
                                                         Invitation.candidate_id == profile.user_id))


def already_invited_message(profile: CandidateProfile, invitation: Invitation) -> str:
    return (f"You invited {profile.user.full_name} to apply on {invitation.created_at.day} "
            f"{invitation.created_at:%B %Y}.")


def queue_invitation_mail(invitation: Invitation) -> None:
    """Tell the candidate by email, queued with the invitation (services.outgoing_mail): it is sent after the
    commit, never for an invitation that was not saved, and never to an address that bounced."""
    vacancy = invitation.vacancy
    council = vacancy.organisation.name
    paragraphs = [f"A recruiter at {council} has seen your profile and invites you to apply for {vacancy.title}."]
    if invitation.reasons:
        paragraphs.append("Why they think it fits: " + ", ".join(invitation.reasons) + ".")
    if invitation.message:
        paragraphs.append(f"Their message: {invitation.message}")
    paragraphs += [
        "You can see your invitations, and dismiss any you are not interested in, on your ‘Jobs that fit you’ page: "
        + absolute_url("matching.jobs_that_fit"),
        "You got this email because your profile says recruiters may find you. You can change that on your profile.",
    ]
    queue_mail(invitation.candidate, f"{council} invites you to apply: {vacancy.title}", "notice",
               kind="invitation_to_apply", heading=f"{council} invites you to apply", paragraphs=paragraphs,
               link=absolute_url("jobs.vacancy", vacancy_id=vacancy.id, slug=vacancy.slug), link_text="See the job")


def invitations_for(candidate: User, today: dt.date | None = None) -> list[Invitation]:
    """A candidate's invitations still worth acting on: not dismissed, vacancy still live; newest first."""
    today = today or dt.date.today()
    rows = db.session.scalars(
        sa.select(Invitation).options(joinedload(Invitation.vacancy).joinedload(Vacancy.organisation))
        .where(Invitation.candidate_id == candidate.id, Invitation.dismissed_at.is_(None))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).all()
    return [i for i in rows if i.vacancy.is_live_on(today)]


def own_invitation(candidate: User, invitation_id: int) -> Invitation | None:
    return db.session.scalar(sa.select(Invitation).where(Invitation.id == invitation_id,
                                                         Invitation.candidate_id == candidate.id))


def dismiss(candidate: User, invitation: Invitation) -> bool:
    """Hide an invitation from the candidate's list; False if it was already dismissed."""
    if invitation.candidate_id != candidate.id:
        raise NotAllowed("This is not your invitation.")
    if invitation.dismissed_at is not None:
        return False
    invitation.dismissed_at = utcnow()
    audit.record(candidate, "invitation.dismissed", invitation, vacancy_id=invitation.vacancy_id)
    return True


def _export(user: User) -> list[dict]:
    rows = db.session.scalars(sa.select(Invitation).options(joinedload(Invitation.vacancy).joinedload(Vacancy.organisation))
                              .where(Invitation.candidate_id == user.id).order_by(Invitation.created_at)).all()
    return [{"vacancy": i.vacancy.title, "council": i.vacancy.organisation.name, "invited_at": i.created_at.isoformat(),
             "reasons": i.reasons, "message": i.message,
             "dismissed_at": i.dismissed_at.isoformat() if i.dismissed_at else None} for i in rows]


def _erase(user: User) -> None:
    db.session.execute(sa.delete(Invitation).where(Invitation.candidate_id == user.id))


def _register() -> None:
    register_personal_data("invitations_to_apply", _export, _erase)


_register()
