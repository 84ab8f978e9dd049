"""A council's glidepath: its quarterly FTE targets against what it reported."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from domain import workforce as wf
from domain.workforce import Quarter
from webapp.extensions import db
from webapp.models import Organisation
from webapp.services import ServiceError
from webapp.services.workforce import glidepaths
from webapp.services.workforce.access import can_edit
from webapp.services.workforce.fields import FieldError
from webapp.services.workforce.glidepaths import GLIDEPATH_FIELDS
from webapp.views.workforce.charts import glidepath_chart
from webapp.web.access import signed_in_user
from webapp.views.workforce.common import (
    commit_or_errors,
    council_page,
    form_values,
    quarter_path,
    require_editor,
    today,
)


@council_page
def glidepath(organisation: Organisation):
    values: dict = {"quarter": Quarter.containing(today()).label}
    errors: list[FieldError] = []
    status = 200
    if request.method == "POST":
        require_editor(organisation)
        values = form_values(GLIDEPATH_FIELDS)
        target, errors = commit_or_errors(lambda: glidepaths.set_glidepath_target(signed_in_user(), organisation, values))
        if errors:
            status = 400
        else:
            flash(f"Target for {target.quarter.label} saved.", "success")
            return redirect(url_for("workforce.glidepath", slug=organisation.slug))
    path = glidepaths.glidepath(organisation)
    return render_template("workforce/glidepath.html", organisation=organisation, path=path,
                           chart=glidepath_chart(path), can_edit=can_edit(signed_in_user(), organisation),
                           fields=GLIDEPATH_FIELDS, values=values, errors=errors,
                           error_for={e.field: e.message for e in errors},
                           tolerance_share=wf.GLIDEPATH_TOLERANCE_SHARE * 100,
                           tolerance_min=wf.GLIDEPATH_TOLERANCE_MIN_FTE,
                           remove_target_url=lambda q: url_for("workforce.remove_target", slug=organisation.slug,
                                                               quarter_slug=q.slug)), status


@council_page
def remove_target(organisation: Organisation, quarter_slug: str):
    require_editor(organisation)
    quarter = quarter_path(quarter_slug)
    try:
        glidepaths.remove_glidepath_target(signed_in_user(), organisation, quarter)
    except ServiceError:
        abort(404)
    db.session.commit()
    flash(f"Target for {quarter.label} removed.", "success")
    return redirect(url_for("workforce.glidepath", slug=organisation.slug))
