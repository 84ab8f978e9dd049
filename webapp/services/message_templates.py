"""The messages a council keeps to send again (with a bulk shortlist or "not progressing", say)."""
from __future__ import annotations

import sqlalchemy as sa

from webapp.extensions import db
from webapp.models import MessageTemplate, User
from webapp.services import NotAllowed, ServiceError, audit
from webapp.services.messages import MESSAGE_MAX

NAME_MAX = 100
TEMPLATE_MAX = MESSAGE_MAX  # a template is sent as a message


class TemplateInvalid(ServiceError):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def templates_for(organisation_id: int) -> list[MessageTemplate]:
    return list(db.session.scalars(sa.select(MessageTemplate).where(MessageTemplate.organisation_id == organisation_id)
                                   .order_by(MessageTemplate.name)))


def template_for(user: User, template_id: int) -> MessageTemplate | None:
    """The template if it is this recruiter's council's; None otherwise (a 404, like an id that does not exist)."""
    if not user.is_recruiter or user.organisation_id is None or not 0 < template_id < 2**31:
        return None
    return db.session.scalar(sa.select(MessageTemplate).where(MessageTemplate.id == template_id,
                                                              MessageTemplate.organisation_id == user.organisation_id))


def _checked(organisation_id: int, name: str, body: str, template_id: int | None) -> tuple[str, str]:
    name, body = (name or "").strip(), (body or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Enter a name for the template"
    elif len(name) > NAME_MAX:
        errors["name"] = f"Name must be {NAME_MAX} characters or fewer"
    elif db.session.scalar(sa.select(MessageTemplate.id).where(
            MessageTemplate.organisation_id == organisation_id, sa.func.lower(MessageTemplate.name) == name.lower(),
            MessageTemplate.id != (template_id or 0))) is not None:
        errors["name"] = "Your council already has a template with this name"
    if not body:
        errors["body"] = "Enter the message"
    elif len(body) > TEMPLATE_MAX:
        errors["body"] = f"Message must be {TEMPLATE_MAX} characters or fewer"
    if errors:
        raise TemplateInvalid(errors)
    return name, body


def save(user: User, name: str, body: str, template: MessageTemplate | None = None) -> MessageTemplate:
    if not user.is_recruiter or user.organisation_id is None:
        raise NotAllowed("Only a council's recruiters keep its message templates.")
    if template is not None and template.organisation_id != user.organisation_id:
        raise NotAllowed("You can only change your own council's templates.")
    name, body = _checked(user.organisation_id, name, body, template.id if template else None)
    if template is None:
        template = MessageTemplate(organisation_id=user.organisation_id, name=name, body=body)
        db.session.add(template)
    else:
        template.name, template.body = name, body
    db.session.flush()
    audit.record(user, "message_template.saved", template, organisation_id=user.organisation_id)
    return template


def delete(user: User, template: MessageTemplate) -> None:
    if template.organisation_id != user.organisation_id or not user.is_recruiter:
        raise NotAllowed("You can only delete your own council's templates.")
    audit.record(user, "message_template.deleted", template, organisation_id=user.organisation_id)
    db.session.delete(template)
