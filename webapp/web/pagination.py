"""Paged lists on a page: reading ?page= and the govukPagination links under the list."""
from __future__ import annotations

from typing import Callable

from flask import abort, request

_MAX_DIGITS = 6


def page_number() -> int:
    """The ?page= asked for; anything but a whole number from 1 is a 400 with a message, never a 500."""
    raw = request.args.get("page", "").strip() or "1"
    if not raw.isdigit() or len(raw) > _MAX_DIGITS or int(raw) < 1:
        abort(400, description="Page must be a whole number, like 2.")
    return int(raw)


def pagination(page: int, pages: int, page_url: Callable[[int], str], label: str | None = None) -> dict | None:
    """govukPagination parameters: the first and last pages and two either side of this one, with
    ellipses between (the Design System's pattern); None when everything fits on one page."""
    if pages <= 1:
        return None
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    items: list[dict] = []
    previous = 0
    for number in shown:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": page_url(number), "current": number == page})
        previous = number
    params: dict = {"items": items}
    if label:
        params["landmarkLabel"] = label
    if page > 1:
        params["previous"] = {"href": page_url(page - 1)}
    if page < pages:
        params["next"] = {"href": page_url(page + 1)}
    return params
