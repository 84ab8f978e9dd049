"""CSV downloads that are safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import io
from typing import Iterable

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_safe(value: object) -> object:
    """A spreadsheet must never run a cell as a formula (CSV injection): text that starts like one
    is prefixed with an apostrophe, which Excel and LibreOffice show as plain text."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(rows: Iterable[Iterable[object]]) -> str:
    """Every CSV download on the site: CRLF lines (RFC 4180), no cell a spreadsheet would run."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    return buffer.getvalue()
