"""Long lists a page at a time: Flask-SQLAlchemy's paginator and the one answer for a page past the last."""
from __future__ import annotations

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from webapp.extensions import db
from webapp.services import ServiceError


class PageNotFound(ServiceError):
    """A page after the last one (or before the first): views answer 404, as GOV.UK services do."""

    def __init__(self, page: int, last: int):
        self.page, self.last = page, last
        super().__init__(f"There is no page {page}: the last page is {last}.")


def one_page(statement: sa.Select, page: int, per_page: int) -> Pagination:
    """The rows of one page and the count behind them. Page 1 of an empty list is an empty page."""
    found = db.paginate(statement, page=page, per_page=per_page, error_out=False, count=True)
    last = max(found.pages, 1)
    if not 1 <= page <= last:
        raise PageNotFound(page, last)
    return found
