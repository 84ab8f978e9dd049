"""Entering a council's quarterly figures: one quarter by form, many by CSV import, and removing a quarter."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from domain.workforce import Quarter
from webapp.extensions import db
from webapp.models import Organisation
from webapp.services import ServiceError
from webapp.services.spreadsheets import looks_like_csv
from webapp.services.workforce import imports, snapshots
from webapp.services.workforce.fields import FieldError
from webapp.services.workforce.snapshots import LEAVER_REASON_FIELDS, SNAPSHOT_FIELDS
from webapp.web.access import signed_in_user
from webapp.views.workforce.common import (
    commit_or_errors,
    council_page,
    form_page,
    form_values,
    quarter_path,
    require_editor,
    today,
    viewer_required,
)
from webapp.web.downloads import csv_download



@council_page
def snapshot(organisation: Organisation, quarter_slug: str):
    require_editor(organisation)
    quarter = quarter_path(quarter_slug)
    if quarter > Quarter.containing(today()):
        abort(404)
    existing = snapshots.snapshot_for(organisation, quarter)
    values, errors = snapshots.snapshot_form_values(existing), []
    fields = SNAPSHOT_FIELDS + LEAVER_REASON_FIELDS
    if request.method == "POST":
        values = form_values(fields)
        _, errors = commit_or_errors(lambda: snapshots.save_snapshot(signed_in_user(), organisation, quarter, values))
        if not errors:
            flash(f"{quarter.label} figures saved.", "success")
            return redirect(url_for("workforce.council", slug=organisation.slug, quarter=quarter.slug))
    return form_page(
        f"{quarter.label} workforce figures ({quarter.months})", organisation.name, fields, values, errors,
        url_for("workforce.snapshot", slug=organisation.slug, quarter_slug=quarter.slug),
        url_for("workforce.council", slug=organisation.slug), "Save figures",
        intro="Children's social workers, counted as in your workforce census return: FTE on the quarter's last "
              "day, and starters and leavers during the quarter.",
        remove_action=url_for("workforce.remove_snapshot", slug=organisation.slug, quarter_slug=quarter.slug)
        if existing else None,
        split_at=len(SNAPSHOT_FIELDS), split_heading="Why permanent staff left",
        split_intro="FTE by main reason. Whatever is not given here counts as 'not known'.")


@council_page
def remove_snapshot(organisation: Organisation, quarter_slug: str):
    require_editor(organisation)
    quarter = quarter_path(quarter_slug)
    try:
        snapshots.remove_snapshot(signed_in_user(), organisation, quarter)
    except ServiceError:
        abort(404)
    db.session.commit()
    flash(f"{quarter.label} figures removed.", "success")
    return redirect(url_for("workforce.council", slug=organisation.slug))


@council_page
def import_snapshots(organisation: Organisation):
    require_editor(organisation)
    errors: list[FieldError] = []
    status = 200
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors, status = [FieldError("file", "Choose a CSV file")], 400
        elif not looks_like_csv(upload.filename, upload.mimetype):
            errors, status = [FieldError("file", "The file must be a CSV file, ending .csv")], 415
        else:
            data = upload.stream.read(imports.CSV_MAX_BYTES + 1)
            result, errors = commit_or_errors(lambda: imports.import_snapshots_csv(signed_in_user(), organisation, data))
            if errors:
                status = 413 if len(data) > imports.CSV_MAX_BYTES else 400
            else:
                flash(f"Imported {len(result.quarters)} quarter{'s' if len(result.quarters) != 1 else ''}: "
                      f"{result.quarters[0].label} to {result.quarters[-1].label}.", "success")
                return redirect(url_for("workforce.council", slug=organisation.slug))
    return render_template("workforce/import.html", organisation=organisation, errors=errors,
                           max_kb=imports.CSV_MAX_BYTES // 1024, max_rows=imports.CSV_MAX_ROWS), status


@viewer_required
def template_csv():
    return csv_download(imports.template_csv(), "workforce-snapshots-template.csv")
