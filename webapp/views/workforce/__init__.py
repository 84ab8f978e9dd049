"""Workforce stability at /insights/workforce: the blueprint and its URLs; the views live in one module each by page.

Programme leads and platform administrators see the region and every council. A council's recruiters
see their own council's figures; its council administrator also enters them. Another council's pages
answer 404, exactly like a council that does not exist; social workers get 403.
"""
from __future__ import annotations

from flask import Blueprint, url_for

from domain.workforce import ReasonGroup
from webapp.views.workforce import agency, council, exports, glidepaths, leavers, region, settings, snapshots

bp = Blueprint("workforce", __name__)

# One table of every URL, so the whole blueprint reads in one place. (rule, view, methods)
_GET, _FORM, _POST = ("GET",), ("GET", "POST"), ("POST",)
URLS = (
    ("/", region.index, _GET),
    ("/guide", region.guide, _GET),
    ("/settings", settings.settings, _FORM),
    ("/areas.csv", exports.areas_csv, _GET),
    ("/trend.csv", exports.region_trend_csv, _GET),
    ("/reasons.csv", exports.region_reasons_csv, _GET),
    ("/census.csv", exports.region_census_csv, _GET),
    ("/template.csv", snapshots.template_csv, _GET),
    ("/councils/<slug>", council.council, _GET),
    ("/councils/<slug>/trend.csv", exports.council_trend_csv, _GET),
    ("/councils/<slug>/reasons.csv", exports.council_reasons_csv, _GET),
    ("/councils/<slug>/census.csv", exports.census_csv, _GET),
    ("/councils/<slug>/agency-return.csv", exports.agency_return_csv, _GET),
    ("/councils/<slug>/quarters/<quarter_slug>", snapshots.snapshot, _FORM),
    ("/councils/<slug>/quarters/<quarter_slug>/remove", snapshots.remove_snapshot, _POST),
    ("/councils/<slug>/import", snapshots.import_snapshots, _FORM),
    ("/councils/<slug>/leavers/new", leavers.new_leaver, _FORM),
    ("/councils/<slug>/leavers/remove", leavers.remove_leaver, _FORM),
    ("/councils/<slug>/placements", agency.placements, _GET),
    ("/councils/<slug>/placements.csv", exports.placements_csv, _GET),
    ("/councils/<slug>/placements/new", agency.new_placement, _FORM),
    ("/councils/<slug>/placements/<int:placement_id>/convert", agency.convert, _FORM),
    ("/councils/<slug>/placements/<int:placement_id>/end", agency.end_placement, _FORM),
    ("/councils/<slug>/glidepath", glidepaths.glidepath, _FORM),
    ("/councils/<slug>/glidepath/<quarter_slug>/remove", glidepaths.remove_target, _POST),
    ("/councils/<slug>/glidepath.csv", exports.glidepath_csv, _GET),
)
for rule, view, methods in URLS:
    bp.add_url_rule(rule, view.__name__, view, methods=list(methods))


@bp.context_processor
def workforce_page_globals() -> dict:
    return {"workforce_css": url_for("static", filename="workforce.css"), "ReasonGroup": ReasonGroup}
