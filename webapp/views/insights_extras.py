"""Insights beyond the funnel dashboard: supply and demand, equal opportunities, the monthly bulletin.

Programme leads and platform administrators see the region. Recruiters and council
administrators see only their own council: asking for another council's figures is a 404,
exactly like a council that does not exist. Social workers and the public get 403.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from domain.equality import CHARACTERISTICS
from domain.vocabulary import RoleLevel, ServiceArea, SubRegion
from webapp.extensions import db
from webapp.models.users import COUNCIL_ROLES, REGION_ROLES
from webapp.web.access import role_required
from webapp.web.downloads import attachment, csv_download
from webapp.forms.account import ConfirmForm
from webapp.services import bulletins as bulletin_service
from webapp.services import councils as council_service
from webapp.services import equality
from webapp.services import supply_demand as sd

bp = Blueprint("insights_extras", __name__)

insights_required = role_required(*REGION_ROLES, *COUNCIL_ROLES)


def own_council_id() -> int | None:
    """None for someone who sees the region; their council's id for council staff."""
    if current_user.sees_region:
        return None
    if current_user.organisation_id is None:
        abort(403, description="Your account is not linked to a council. Ask a platform administrator to link it.")
    return current_user.organisation_id


def _choice(name: str, enum_cls, message: str):
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return enum_cls(raw)
    except ValueError:
        abort(400, description=message)


def _council_filter(own: int | None) -> int | None:
    """The council asked for in ?council=slug. Council staff only ever get their own."""
    slug = request.args.get("council", "").strip()
    if own is not None:
        if slug:
            organisation = council_service.council_by_slug(slug)
            if organisation is None or organisation.id != own:
                abort(404)
        return own
    if not slug:
        return None
    organisation = council_service.council_by_slug(slug)
    if organisation is None:
        abort(400, description="Choose a council from the list.")
    return organisation.id


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
        organisation_id=_council_filter(own),
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
    csv_url = url_for("insights_extras.supply_and_demand_csv", **request.args.to_dict())
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


# --- equal opportunities --------------------------------------------------------------------------------

def _equality_breakdown(own: int | None) -> tuple[equality.Breakdown, list[equality.Period], equality.Period]:
    choices = equality.periods()
    key = request.args.get("year", "").strip()
    try:
        chosen = equality.period(key) if key else choices[0]
    except equality.AnswersInvalid as problem:
        abort(400, description=str(problem) + ".")
    if own is None and request.args.get("council", "").strip():
        # The region's table is never split by council: next to each other, a council's table and the
        # region's could be subtracted to uncover what either hides.
        abort(400, description="Equal opportunities figures are for the whole region; each council sees its own.")
    slug = request.args.get("characteristic", "").strip() or CHARACTERISTICS[0].slug
    try:
        breakdown = equality.funnel_breakdown(slug, chosen.start, chosen.end, organisation_id=_council_filter(own))
    except equality.AnswersInvalid as problem:
        abort(400, description=str(problem) + ".")
    return breakdown, choices, chosen


@bp.get("/equality")
@insights_required
def equality_breakdown():
    own = own_council_id()
    breakdown, periods, period = _equality_breakdown(own)
    return render_template(
        "insights/equality.html", breakdown=breakdown, periods=periods, period=period,
        own_council=council_service.council_by_id(own) if own is not None else None,
        characteristics=CHARACTERISTICS, equality=equality,
        csv_url=url_for("insights_extras.equality_csv", characteristic=breakdown.characteristic.slug, year=period.key),
    )


@bp.get("/equality.csv")
@insights_required
def equality_csv():
    breakdown, _, period = _equality_breakdown(own_council_id())
    name = f"equality-{breakdown.characteristic.slug}-{period.key}.csv"
    return csv_download(equality.breakdown_csv(breakdown), name)


# --- the monthly bulletin ---------------------------------------------------------------------------------

def _me():
    return current_user._get_current_object()


@bp.get("/bulletins")
@insights_required
def bulletins():
    own = own_council_id()
    rows = bulletin_service.bulletins_for(_me())
    months: dict = {}
    for bulletin in rows:
        months.setdefault(bulletin.month, []).append(bulletin)
    own_council = council_service.council_by_id(own) if own is not None else None
    return render_template("insights/bulletins.html", months=months, own_council=own_council,
                           subscribed=bulletin_service.is_subscribed(_me()), form=ConfirmForm(),
                           month_label=bulletin_service.month_label)


def _bulletin_or_404(bulletin_id: int):
    own_council_id()  # council staff without a council: 403 before anything else
    bulletin = bulletin_service.bulletin_for(_me(), bulletin_id)
    if bulletin is None:
        abort(404)  # another council's bulletin looks exactly like one that does not exist
    return bulletin


@bp.get("/bulletins/<int:bulletin_id>.html")
@insights_required
def bulletin_html(bulletin_id: int):
    return Response(_bulletin_or_404(bulletin_id).html, mimetype="text/html")


@bp.get("/bulletins/<int:bulletin_id>.pdf")
@insights_required
def bulletin_pdf(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    name = f"bulletin-{bulletin.scope}-{bulletin.month:%Y-%m}.pdf"
    return attachment(bulletin.pdf, name, "application/pdf")


@bp.post("/bulletins/subscription")
@insights_required
def bulletin_subscription():
    own_council_id()
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    choice = request.form.get("subscribe", "")
    if choice not in ("yes", "no"):
        abort(400, description="Choose whether to get the bulletin by email.")
    bulletin_service.set_subscription(_me(), choice == "yes")
    db.session.commit()
    flash("You will get the bulletin by email each month." if choice == "yes"
          else "You will no longer get the bulletin by email.", "success")
    return redirect(url_for("insights_extras.bulletins"))
