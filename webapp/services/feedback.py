"""Feedback about the service: anyone may send it (no account, no personal data asked for); platform
administrators read it in the admin area."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from webapp.extensions import db
from webapp.models import Feedback
from webapp.services import ServiceError
from webapp.services.accounts import safe_local_path
from webapp.services.paging import one_page

MAX_MESSAGE_LENGTH = 1200
MAX_PAGE_LENGTH = 200
PER_PAGE = 25

# The GOV.UK Design System's satisfaction scale, in the order the form shows it.
SATISFACTION = {
    "very_satisfied": "Very satisfied",
    "satisfied": "Satisfied",
    "neither": "Neither satisfied nor dissatisfied",
    "dissatisfied": "Dissatisfied",
    "very_dissatisfied": "Very dissatisfied",
}

ENTER_MESSAGE = "Enter your feedback"
MESSAGE_TOO_LONG = f"Your feedback must be {MAX_MESSAGE_LENGTH} characters or fewer"
CHOOSE_SATISFACTION = "Choose how you feel about the service from the list"


class FeedbackInvalid(ServiceError):
    """Problems with the feedback, by the form field each belongs to."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def came_from(path: str | None) -> str | None:
    """The page the feedback is about, kept only if it is a path on this site, without its query
    string (a search or a reset link could carry something personal) and not absurdly long."""
    path = safe_local_path(path)
    if path is None:
        return None
    path = path.split("?", 1)[0].split("#", 1)[0]
    return path if len(path) <= MAX_PAGE_LENGTH else None


def send_feedback(message: str | None, satisfaction: str | None = None, page: str | None = None) -> Feedback:
    """Store one piece of feedback; FeedbackInvalid (nothing stored) if the message is empty or too
    long, or the satisfaction is not one of the scale's."""
    message = (message or "").strip()
    satisfaction = (satisfaction or "").strip() or None
    errors: dict[str, str] = {}
    if satisfaction is not None and satisfaction not in SATISFACTION:
        errors["satisfaction"] = CHOOSE_SATISFACTION
    if not message:
        errors["message"] = ENTER_MESSAGE
    elif len(message) > MAX_MESSAGE_LENGTH:
        errors["message"] = MESSAGE_TOO_LONG
    if errors:
        raise FeedbackInvalid(errors)
    feedback = Feedback(message=message, satisfaction=satisfaction, page=came_from(page))
    db.session.add(feedback)
    db.session.flush()
    return feedback


@dataclass
class FeedbackPage:
    items: list[Feedback]
    total: int
    pages: int


def feedback_page(page: int) -> FeedbackPage:
    """One page of what people have sent, newest first; PageNotFound past the last page."""
    found = one_page(sa.select(Feedback).order_by(Feedback.created_at.desc(), Feedback.id.desc()), page, PER_PAGE)
    return FeedbackPage(list(found.items), found.total or 0, max(found.pages, 1))


def feedback_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Feedback.id))) or 0
