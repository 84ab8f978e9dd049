"""Importing a council's vacancies from a CSV file: the template, the column guide, and the upload
(every row or none, every problem by row and column)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from webapp.extensions import db
from webapp.services import vacancy_import
from webapp.services.spreadsheets import looks_like_csv
from webapp.services.vacancy_import import RowProblem
from webapp.web.access import RECRUITER_ROLES, council_staff_required, signed_in_user
from webapp.web.downloads import csv_download

bp = Blueprint("vacancy_import", __name__)

recruiter_required = council_staff_required(*RECRUITER_ROLES)


def _page(problems: list[RowProblem], status: int):
    return render_template("recruit/import.html", problems=problems, guide=vacancy_import.column_guide(),
                           max_kb=vacancy_import.CSV_MAX_BYTES // 1024, max_rows=vacancy_import.CSV_MAX_ROWS), status


@bp.get("/")
@recruiter_required
def start():
    return _page([], 200)


@bp.post("/")
@recruiter_required
def upload():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page([RowProblem(0, "file", "Choose a CSV file")], 400)
    if not looks_like_csv(upload.filename, upload.mimetype):
        return _page([RowProblem(0, "file", "The file must be a CSV file, ending .csv")], 415)
    data = upload.stream.read(vacancy_import.CSV_MAX_BYTES + 1)
    try:
        result = vacancy_import.import_vacancies_csv(signed_in_user(), data)
    except vacancy_import.ImportInvalid as invalid:
        db.session.rollback()
        return _page(invalid.problems, 413 if len(data) > vacancy_import.CSV_MAX_BYTES else 400)
    db.session.commit()
    made = result.drafts + result.live
    flash(f"Imported {made} vacanc{'ies' if made != 1 else 'y'}: {result.drafts} as draft{'s' if result.drafts != 1 else ''}"
          f" and {result.live} live.", "success")
    return redirect(url_for("recruit.vacancies", status="live" if result.live and not result.drafts else "draft"))


@bp.get("/template.csv")
@recruiter_required
def template_csv():
    return csv_download(vacancy_import.template_csv(), "vacancies-template.csv")
