"""The programme team's exports to other services: the nightly DWP Find a job file, to download
and upload to Find a job. The region's jobs, so the programme team's alone (REGION_ROLES)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template

from webapp.models.users import REGION_ROLES
from webapp.services import dwp_export
from webapp.web.access import role_required
from webapp.web.downloads import attachment

bp = Blueprint("exports", __name__)
programme_team_required = role_required(*REGION_ROLES)


@bp.get("/exports")
@programme_team_required
def exports():
    return render_template("insights/exports.html", title="Exports for Find a job", exports=dwp_export.recent_exports())


@bp.get("/exports/<int:export_id>.xml")
@programme_team_required
def download(export_id: int):
    export = dwp_export.export_by_id(export_id)
    if export is None:
        abort(404, description="That export is no longer kept. Download one of the exports listed.")
    return attachment(export.content, export.filename, "application/xml")
