"""CSV downloads that are safe to open in a spreadsheet, and CSV uploads read as text."""
from __future__ import annotations

import csv
import io
from typing import Iterable

# What browsers call a .csv upload: Excel on Windows says vnd.ms-excel, some say octet-stream.
CSV_MEDIA_TYPES = ("text/csv", "application/csv", "text/plain", "application/vnd.ms-excel", "application/octet-stream")


def looks_like_csv(filename: str | None, mimetype: str | None) -> bool:
    return bool(filename) and filename.lower().endswith(".csv") and mimetype in CSV_MEDIA_TYPES


class UploadUnreadable(ValueError):
    """An uploaded file that is not a CSV we can read; the message says why, for the person."""


def decode_upload(data: bytes, max_bytes: int) -> str:
    """An uploaded CSV file's text: UTF-8 (with or without Excel's byte-order mark), or Windows-1252
    (Excel's "CSV" on Windows). Refuses an empty, oversized or binary file with a clear message."""
    if len(data) > max_bytes:
        raise UploadUnreadable(f"The file is larger than {max_bytes // 1024:,} KB: split it into smaller files")
    if not data.strip():
        raise UploadUnreadable("The file is empty")
    if b"\x00" in data:
        raise UploadUnreadable("The file must be a CSV file (text), not a spreadsheet or other file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise UploadUnreadable("The file must be saved as CSV (UTF-8)") from None


def read_header(reader) -> list[str]:
    """The header row, tidied (lower case, trimmed, the empty columns spreadsheets leave at the end
    dropped); UploadUnreadable if there is none."""
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except (StopIteration, csv.Error):
        raise UploadUnreadable("The file has no header row") from None
    while header and header[-1] == "":
        header.pop()
    return header


def header_problems(header: list[str], allowed: tuple[str, ...], required: set[str]) -> list[str]:
    """What is wrong with a header row, as messages for row 1: missing, unknown and repeated columns."""
    problems = []
    missing = [c for c in allowed if c in required and c not in header]
    unknown = [h for h in header if h not in allowed]
    repeated = sorted({h for h in header if header.count(h) > 1})
    if missing:
        problems.append("Row 1 (the header) is missing the column" + ("s " if len(missing) > 1 else " ")
                        + ", ".join(missing))
    if unknown:
        problems.append("Row 1 (the header) has column" + ("s " if len(unknown) > 1 else " ")
                        + ", ".join(unknown[:10]) + " that the template does not have")
    if repeated:
        problems.append("Row 1 (the header) has the column " + ", ".join(repeated) + " twice")
    return problems


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
