"""Equal opportunities figures: how far applicants get, by one characteristic, small numbers hidden."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from domain.equality import CHARACTERISTICS
from webapp.services import councils as council_service
from webapp.services import equality
from webapp.web.access import council_asked_for, insights_required, own_council_id
from webapp.web.downloads import csv_download

bp = Blueprint("equality", __name__)


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
        breakdown = equality.funnel_breakdown(slug, chosen.start, chosen.end, organisation_id=council_asked_for(own))
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
        csv_url=url_for("equality.equality_csv", characteristic=breakdown.characteristic.slug, year=period.key),
    )


@bp.get("/equality.csv")
@insights_required
def equality_csv():
    breakdown, _, period = _equality_breakdown(own_council_id())
    name = f"equality-{breakdown.characteristic.slug}-{period.key}.csv"
    return csv_download(equality.breakdown_csv(breakdown), name)
