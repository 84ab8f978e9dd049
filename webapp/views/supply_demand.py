"""Supply and demand: live vacancies against the social workers looking for that kind of role.

The programme team sees the region; council staff see their own council by role level and service area.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from domain.vocabulary import RoleLevel, ServiceArea, SubRegion
from webapp.services import councils as council_service
from webapp.services import supply_demand as sd
from webapp.web.access import council_asked_for, insights_required, own_council_id
from webapp.web.downloads import csv_download

bp = Blueprint("supply_demand", __name__)


def _choice(name: str, enum_cls, message: str):
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return enum_cls(raw)
    except ValueError:
        abort(400, description=message)


def _supply_demand_filters(own: int | None) -> sd.Filters:
    rows = request.args.get("rows", "").strip() or "role_level"
    columns = request.args.get("columns", "").strip() or "service_area"
    if own is not None and ("council" in (rows, columns) or "sub_region" in (rows, columns)):
        abort(400, description="Your council's figures are by role level and service area.")
    filters = sd.Filters(
        rows=rows,
        columns=columns,
        role_level=_choice("role_level", RoleLevel, "Choose a role level from the list."),
        service_area=_choice("service_area", ServiceArea, "Choose a service area from the list."),
        sub_region=None if own is not None else _choice("sub_region", SubRegion, "Choose a sub-region from the list."),
        organisation_id=council_asked_for(own),
    )
    try:
        return filters.check()
    except sd.FiltersInvalid as problem:
        abort(400, description=str(problem))


@bp.get("/supply-and-demand")
@insights_required
def supply_and_demand():
    own = own_council_id()
    filters = _supply_demand_filters(own)
    result = sd.supply_and_demand(filters)
    organisations = council_service.councils_seen_by(own)
    chosen = next((o for o in organisations if o.id == filters.organisation_id), None)
    csv_url = url_for("supply_demand.supply_and_demand_csv", **request.args.to_dict())
    return render_template(
        "insights/supply_demand.html", result=result, filters=filters, organisations=organisations,
        chosen_council=chosen, own_council=chosen if own is not None else None, sd=sd, csv_url=csv_url,
        dimensions=sd.DIMENSIONS if own is None else {k: v for k, v in sd.DIMENSIONS.items()
                                                       if k in ("role_level", "service_area")},
    )


@bp.get("/supply-and-demand.csv")
@insights_required
def supply_and_demand_csv():
    own = own_council_id()
    result = sd.supply_and_demand(_supply_demand_filters(own))
    return csv_download(sd.as_csv(result), f"supply-and-demand-{result.as_of.isoformat()}.csv")
