"""Messages: one thread on each application, between the council's recruiters and the applicant.

Only that council's recruiters and that applicant can read or write in it (services.applications'
application_for_recruiter / application_for_candidate find the application, or nothing). The other side
is notified on the site at once and by email in batches (services.notifications.mail_message_notices).
A thread is part of the applicant's data export and is deleted with their account.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import Application, ApplicationMessage, MessageSide, User, utcnow
from webapp.services import NotAllowed, ServiceError, accounts, blind_shortlisting, notifications, outgoing_mail
from webapp.services.applications import can_manage_vacancy

MESSAGE_MAX = 5000


def side_of(user: User, application: Application) -> MessageSide | None:
    """Which side of this application's thread the person is on, or None if it is not theirs to read."""
    if user.id == application.candidate_id:
        return MessageSide.CANDIDATE
    if can_manage_vacancy(user, application.vacancy):
        return MessageSide.COUNCIL
    return None


def check_body(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise ServiceError("Enter your message")
    if len(text) > MESSAGE_MAX:
        raise ServiceError(f"Your message must be {MESSAGE_MAX} characters or fewer")
    return text


def thread(application: Application) -> list[ApplicationMessage]:
    return list(db.session.scalars(
        sa.select(ApplicationMessage).where(ApplicationMessage.application_id == application.id)
        .options(selectinload(ApplicationMessage.sender))
        .order_by(ApplicationMessage.created_at, ApplicationMessage.id)
    ))


def send(sender: User, application: Application, body: str) -> ApplicationMessage:
    """Add a message to the thread and notify the other side (email in the next batch)."""
    side = side_of(sender, application)
    if side is None:
        raise NotAllowed("You can only message about your own applications, or your own council's.")
    if not application.candidate.active:
        raise ServiceError("This applicant's account has been closed, so they cannot receive messages.")
    message = ApplicationMessage(application_id=application.id, side=side, sender_id=sender.id,
                                 body=check_body(body))
    db.session.add(message)
    vacancy = application.vacancy
    if side == MessageSide.COUNCIL:
        notifications.notify(application.candidate, notifications.NEW_MESSAGE,
                             f"New message from {vacancy.organisation.name} about {vacancy.title}",
                             notifications.candidate_link(application), application=application, email_pending=True)
    else:
        title = f"New message from an applicant for {vacancy.title}"
        body_text = f"Reference {blind_shortlisting.reference(application)}."
        for recruiter in notifications.council_recruiters(vacancy.organisation_id):
            notifications.notify(recruiter, notifications.NEW_MESSAGE, title,
                                 outgoing_mail.site_path("messages.council_thread", application_id=application.id), body=body_text,
                                 application=application, email_pending=True)
    return message


def mark_read(reader: User, application: Application) -> None:
    """The reader has seen the thread: the other side's messages, and the notifications about them."""
    side = side_of(reader, application)
    if side is None:
        return
    db.session.execute(
        sa.update(ApplicationMessage)
        .where(ApplicationMessage.application_id == application.id, ApplicationMessage.side != side,
               ApplicationMessage.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False)
    )
    notifications.mark_read_for_application(reader, application)


# --- the applicant's personal data ----------------------------------------------------------------------

def _export(user: User) -> list[dict[str, Any]]:
    messages = db.session.scalars(
        sa.select(ApplicationMessage).join(Application, Application.id == ApplicationMessage.application_id)
        .where(Application.candidate_id == user.id)
        .options(selectinload(ApplicationMessage.sender))
        .order_by(ApplicationMessage.application_id, ApplicationMessage.created_at, ApplicationMessage.id)
    )
    return [
        {
            "application_id": message.application_id,
            "from": "you" if message.side == MessageSide.CANDIDATE else "the council",
            "sent_at": message.created_at.isoformat(),
            "body": message.body,
        }
        for message in messages
    ]


def _erase(user: User) -> None:
    db.session.execute(
        sa.delete(ApplicationMessage).where(ApplicationMessage.application_id.in_(
            sa.select(Application.id).where(Application.candidate_id == user.id)))
        .execution_options(synchronize_session=False)
    )


def _erase_for_applications(application_ids: sa.Select) -> None:
    """An application emptied by the retention schedule (or its owner's deletion) loses its messages."""
    db.session.execute(
        sa.delete(ApplicationMessage).where(ApplicationMessage.application_id.in_(application_ids))
        .execution_options(synchronize_session=False)
    )


accounts.register_personal_data("messages", _export, _erase)
accounts.register_application_content("messages", _erase_for_applications)
