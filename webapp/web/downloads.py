"""Files a page hands over to save rather than show: CSV tables, PDF bulletins, a person's data."""
from __future__ import annotations

from flask import Response


def attachment(body: str | bytes, filename: str, mimetype: str) -> Response:
    """A response the browser saves as ``filename`` instead of opening it."""
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def csv_download(text: str, filename: str) -> Response:
    """A CSV table to save (Flask adds ``charset=utf-8`` to a text mimetype)."""
    return attachment(text, filename, "text/csv")
