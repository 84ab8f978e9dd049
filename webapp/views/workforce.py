"""Workforce stability at /insights/workforce: vacancy, agency and turnover rates, the agency register,
conversions, glidepaths, reasons for leaving and declining, and census-shaped exports.

Programme leads and platform administrators see the region and every council. A council's recruiters
see their own council's figures; its council administrator also enters them. Another council's pages
answer 404, exactly like a council that does not exist; social workers get 403.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Any, Callable, Sequence

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from domain import workforce as wf
from domain.vocabulary import SubRegion
from domain.workforce import Quarter, ReasonGroup
from webapp.extensions import db
from webapp.models import Organisation
from webapp.web.access import role_required
from webapp.services import ServiceError
from webapp.services import workforce as service
from webapp.services.workforce import Field, FieldError, InvalidInput

bp = Blueprint("workforce", __name__)

TREND_QUARTERS = 8
viewer_required = role_required(*service.VIEWER_ROLES)
region_required = role_required(*service.REGION_ROLES)


def _user():
    return current_user._get_current_object()


def _today() -> dt.date:
    return dt.date.today()


def _extra_head() -> str:
    return url_for("static", filename="workforce.css")


@bp.context_processor
def workforce_helpers() -> dict:
    return {"workforce_css": _extra_head(), "ReasonGroup": ReasonGroup, "fte_text": fte_text,
            "money_text": money_text, "figure_text": figure_text}


def fte_text(value: Decimal | int | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.2f}" if isinstance(value, Decimal) else f"{value:,}"


def figure_text(value: Decimal | int | None, people: bool = False) -> str:
    """An FTE figure to two places, or a count of people as a whole number."""
    if people and value is not None:
        return f"{int(value):,}"
    return fte_text(value)


def money_text(value: Decimal | None) -> str:
    return "–" if value is None else f"£{value:,.0f}"


def council_staff_check() -> None:
    if current_user.role in service.COUNCIL_ROLES and current_user.organisation_id is None:
        abort(403, description="Your account is not linked to a council. Ask a platform administrator to link it.")


def council_page(view: Callable) -> Callable:
    """Resolve <slug> to a council this user may see (404 otherwise) and pass it on."""

    @viewer_required
    @wraps(view)
    def wrapped(slug: str, **kwargs):
        council_staff_check()
        organisation = service.organisation_for(_user(), slug)
        if organisation is None:
            abort(404)
        return view(organisation, **kwargs)

    return wrapped


def _require_editor(organisation: Organisation) -> None:
    if not service.can_edit(_user(), organisation):
        abort(403, description="Only your council's administrator can change its workforce figures.")


def _quarter_arg(default: Quarter | None) -> Quarter | None:
    raw = request.args.get("quarter", "").strip()
    if not raw:
        return default
    try:
        return Quarter.parse(raw)
    except ValueError as problem:
        abort(400, description=f"{problem}.")


def _quarter_path(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValueError:
        abort(404)


def _csv(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "X-Content-Type-Options": "nosniff"})


def _current_quarter() -> Quarter:
    """The last complete quarter: figures are reported after a quarter ends."""
    return Quarter.containing(_today()).shift(-1)


# --- charts: server-rendered SVG, each beside a table of its data -----------------------------------------------

SERIES_STYLES = (
    {"colour": "#1d70b8", "dash": ""},
    {"colour": "#d4351c", "dash": "6 4"},
    {"colour": "#00703c", "dash": "2 3"},
    {"colour": "#6f3f8b", "dash": "10 3 2 3"},
)


@dataclass
class LineChart:
    title: str
    labels: list[str]
    series: list[dict[str, Any]]
    ticks: list[dict[str, Any]]
    width: int = 640
    height: int = 260
    left: int = 52
    bottom: int = 40
    top: int = 12
    right: int = 34
    unit: str = "%"


def line_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal | None]]],
               unit: str = "%", dashed: Sequence[bool] | None = None) -> LineChart:
    chart = LineChart(title, list(labels), [], [], unit=unit)
    values = [v for _, points in series for v in points if v is not None]
    top_value = max(values, default=Decimal("1")) or Decimal("1")
    step = _nice_step(top_value)
    top_value = ((top_value / step).to_integral_value(rounding="ROUND_CEILING") or 1) * step
    plot_w = chart.width - chart.left - chart.right
    plot_h = chart.height - chart.top - chart.bottom
    n = max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return round(chart.left + plot_w * i / n, 1)

    def y(v: Decimal) -> float:
        return round(chart.top + plot_h - float(v / top_value) * plot_h, 1)

    tick = Decimal("0")
    while tick <= top_value:
        chart.ticks.append({"y": y(tick), "label": f"{tick.normalize():f}{unit}"})
        tick += step
    for index, (name, points) in enumerate(series):
        style = SERIES_STYLES[index % len(SERIES_STYLES)]
        segments, current = [], []
        for i, v in enumerate(points):
            if v is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((x(i), y(v)))
        if current:
            segments.append(current)
        chart.series.append({
            "name": name, "colour": style["colour"],
            "dash": ("6 4" if dashed[index] else "") if dashed else style["dash"],
            "segments": [" ".join(f"{px},{py}" for px, py in seg) for seg in segments],
            "dots": [pt for seg in segments for pt in seg],
        })
    chart.label_points = [{"x": x(i), "text": label} for i, label in enumerate(labels)]  # type: ignore[attr-defined]
    return chart


def _nice_step(top: Decimal) -> Decimal:
    for step in (Decimal("1"), Decimal("2"), Decimal("5"), Decimal("10"), Decimal("20"), Decimal("25"),
                 Decimal("50"), Decimal("100"), Decimal("200"), Decimal("500"), Decimal("1000")):
        if top / step <= 6:
            return step
    return Decimal("5000")


def _trend_chart(points: Sequence[tuple[Quarter, wf.Measures]]) -> LineChart:
    return line_chart(
        "Vacancy, agency and turnover rates by quarter",
        [q.label.replace(" ", "\u00a0") for q, _ in points],
        [("Vacancy rate", [m.vacancy.percent() for _, m in points]),
         ("Agency rate", [m.agency.percent() for _, m in points]),
         ("Turnover rate (12 months)", [m.turnover.percent() if m.turnover else None for _, m in points])],
    )


# --- the region -------------------------------------------------------------------------------------------------


@bp.get("/")
@viewer_required
def index():
    council_staff_check()
    if not service.sees_region(_user()):
        return redirect(url_for("workforce.council", slug=current_user.organisation.slug))
    latest = service.latest_quarter_with_data() or _current_quarter()
    quarter = _quarter_arg(latest)
    region, subs, rows = service.region_breakdown(quarter)
    sub_filter = request.args.get("sub_region", "").strip()
    if sub_filter:
        try:
            chosen = SubRegion(sub_filter)
        except ValueError:
            abort(400, description="Choose a sub-region from the list.")
        rows = [r for r in rows if r.sub_region == chosen]
    all_ids = [o.id for o in service.councils()]
    points = service.trend(all_ids, quarter, TREND_QUARTERS)
    agency = service.agency_summary(all_ids, quarter.start, quarter.end)
    reasons = service.reasons_summary(all_ids, quarter.year_ending())
    region_path = service.region_glidepath(quarter.shift(-(TREND_QUARTERS - 1)), quarter.shift(4))
    return render_template(
        "workforce/index.html", quarter=quarter, region=region, subs=subs, rows=rows, sub_filter=sub_filter,
        quarters=service.quarters_with_data() or [quarter], points=points, chart=_trend_chart(points),
        agency=agency, reasons=reasons, behind=service.councils_behind(quarter),
        settings=service.region_settings(), reason_chart=_reason_bars(reasons),
        census_year=quarter.year if quarter.number >= 2 else quarter.year - 1,
        with_targets=service.councils_with_targets(quarter),
        region_path=region_path, region_path_chart=_glidepath_chart(region_path, "The region's glidepath: "
                                                                    "councils' targets against their actual FTE"),
    )


@bp.get("/areas.csv")
@region_required
def areas_csv():
    quarter = _quarter_arg(service.latest_quarter_with_data() or _current_quarter())
    region, subs, rows = service.region_breakdown(quarter)
    return _csv(service.measures_csv([region, *subs, *rows], quarter), f"workforce-{quarter.slug}.csv")


@bp.get("/trend.csv")
@region_required
def region_trend_csv():
    quarter = _quarter_arg(service.latest_quarter_with_data() or _current_quarter())
    points = service.trend([o.id for o in service.councils()], quarter, TREND_QUARTERS)
    return _csv(service.trend_csv("Region", points), f"workforce-trend-{quarter.slug}.csv")


@bp.get("/reasons.csv")
@region_required
def region_reasons_csv():
    quarter = _quarter_arg(service.latest_quarter_with_data() or _current_quarter())
    summary = service.reasons_summary([o.id for o in service.councils()], quarter.year_ending())
    return _csv(service.reasons_csv(summary), f"workforce-reasons-{quarter.slug}.csv")


@bp.get("/census.csv")
@region_required
def region_census_csv():
    """Every council's census figures for one census year (30 September), one row per council."""
    raw = request.args.get("year", "").strip()
    if raw:
        if not raw.isdigit() or len(raw) != 4:
            abort(400, description="The census year must be a year, like 2025.")
        year = int(raw)
    else:
        latest = service.latest_quarter_with_data() or _current_quarter()
        year = latest.year if latest.number >= 2 else latest.year - 1
    rows = [row for organisation in service.councils() for row in service.census_rows(organisation, [year])]
    return _csv(service.csv_text(service.CENSUS_COLUMNS, rows), f"workforce-census-{year}.csv")


@bp.get("/template.csv")
@viewer_required
def template_csv():
    return _csv(service.template_csv(), "workforce-snapshots-template.csv")


@bp.get("/guide")
@viewer_required
def guide():
    return render_template("workforce/guide.html", snapshot_fields=service.SNAPSHOT_FIELDS,
                           reason_fields=service.LEAVER_REASON_FIELDS, columns=service.CSV_COLUMNS,
                           census_columns=service.CENSUS_COLUMNS, agency_columns=service.AGENCY_RETURN_COLUMNS,
                           settings=service.region_settings(),
                           tolerance_share=wf.GLIDEPATH_TOLERANCE_SHARE * 100,
                           tolerance_min=wf.GLIDEPATH_TOLERANCE_MIN_FTE)


@bp.route("/settings", methods=["GET", "POST"])
@region_required
def settings():
    row = service.region_settings()
    values, errors = service.settings_form_values(row), []
    if request.method == "POST":
        values = _form_values(service.SETTINGS_FIELDS)
        try:
            service.update_settings(_user(), values)
        except InvalidInput as problem:
            db.session.rollback()
            errors = problem.errors
        else:
            db.session.commit()
            flash("The region's agreement is saved.", "success")
            return redirect(url_for("workforce.index"))
    return _form_page("The region's agreement", "Agency rate caps, cooling-off and on-costs", service.SETTINGS_FIELDS,
                      values, errors, url_for("workforce.settings"), url_for("workforce.index"), "Save")


# --- a council ---------------------------------------------------------------------------------------------------


@bp.get("/councils/<slug>")
@council_page
def council(organisation: Organisation):
    latest = service.latest_quarter_with_data([organisation.id]) or _current_quarter()
    quarter = _quarter_arg(latest)
    store = service.SnapshotStore(quarter.year_ending(), [organisation.id])
    measures = store.measures([organisation.id], quarter)
    snapshot = store.get(organisation.id, quarter)
    region_measures = None
    region_ids = [o.id for o in service.councils()]
    region_measures = service.SnapshotStore(quarter.year_ending()).measures(region_ids, quarter)
    points = service.trend([organisation.id], quarter, TREND_QUARTERS)
    recent = [quarter.shift(-i) for i in range(TREND_QUARTERS)]
    have = {q for q, m in points if m.figures.councils}
    agency = service.agency_summary([organisation.id], quarter.start, quarter.end)
    reasons = service.reasons_summary([organisation.id], quarter.year_ending())
    path = service.glidepath(organisation)
    return render_template(
        "workforce/council.html", organisation=organisation, quarter=quarter, measures=measures, snapshot=snapshot,
        region_measures=region_measures, points=points, chart=_trend_chart(points), recent=recent, have=have,
        can_edit=service.can_edit(_user(), organisation), agency=agency, reasons=reasons,
        reason_chart=_reason_bars(reasons), path=path, path_chart=_glidepath_chart(path),
        quarters=service.quarters_with_data([organisation.id]) or [quarter], sees_region=service.sees_region(_user()),
        census_years=_census_years(organisation),
    )


def _census_years(organisation: Organisation) -> list[int]:
    return sorted({q.year for q in service.quarters_with_data([organisation.id]) if q.number == 2}, reverse=True)


@bp.get("/councils/<slug>/trend.csv")
@council_page
def council_trend_csv(organisation: Organisation):
    quarter = _quarter_arg(service.latest_quarter_with_data([organisation.id]) or _current_quarter())
    points = service.trend([organisation.id], quarter, TREND_QUARTERS)
    return _csv(service.trend_csv(organisation.name, points), f"{organisation.slug}-workforce-trend.csv")


@bp.get("/councils/<slug>/reasons.csv")
@council_page
def council_reasons_csv(organisation: Organisation):
    quarter = _quarter_arg(service.latest_quarter_with_data([organisation.id]) or _current_quarter())
    summary = service.reasons_summary([organisation.id], quarter.year_ending())
    return _csv(service.reasons_csv(summary), f"{organisation.slug}-reasons-{quarter.slug}.csv")


@bp.get("/councils/<slug>/census.csv")
@council_page
def census_csv(organisation: Organisation):
    years = _census_years(organisation)
    raw = request.args.get("year", "").strip()
    if raw:
        if not raw.isdigit() or len(raw) != 4:
            abort(400, description="The census year must be a year, like 2025.")
        years = [int(raw)]
    return _csv(service.census_csv(organisation, years), f"{organisation.slug}-workforce-census.csv")


@bp.get("/councils/<slug>/agency-return.csv")
@council_page
def agency_return_csv(organisation: Organisation):
    quarter = _quarter_arg(None)
    if quarter is not None:
        quarters = [quarter]
    else:
        quarters = sorted(service.quarters_with_data([organisation.id]))
    return _csv(service.agency_return_csv(organisation, quarters), f"{organisation.slug}-agency-return.csv")


# --- entering figures -------------------------------------------------------------------------------------------


def _form_values(fields: Sequence[Field]) -> dict[str, str]:
    """The submitted text of each field; a date's three boxes become one ISO date (or text that fails to parse)."""
    values: dict[str, str] = {}
    for spec in fields:
        if spec.kind == "date":
            parts = [request.form.get(f"{spec.name}-{p}", "").strip() for p in ("day", "month", "year")]
            values.update({f"{spec.name}-{p}": v for p, v in zip(("day", "month", "year"), parts)})
            if not any(parts):
                values[spec.name] = ""
            elif all(p.isdigit() for p in parts) and len(parts[2]) == 4:
                try:
                    values[spec.name] = dt.date(int(parts[2]), int(parts[1]), int(parts[0])).isoformat()
                except ValueError:
                    values[spec.name] = "not a date"
            else:
                values[spec.name] = "not a date"
        else:
            values[spec.name] = request.form.get(spec.name, "")[:200]
    return values


def _form_page(title: str, caption: str, fields: Sequence[Field], values: dict, errors: list[FieldError],
               action: str, back: str, submit: str, intro: str = "", status: int | None = None, **extra):
    if status is None:
        status = 400 if errors else 200
    return render_template("workforce/form.html", title=title, caption=caption, fields=fields, values=values,
                           errors=errors, error_for={e.field: e.message for e in errors}, action=action, back=back,
                           submit=submit, intro=intro, **extra), status


@bp.route("/councils/<slug>/quarters/<quarter_slug>", methods=["GET", "POST"])
@council_page
def snapshot(organisation: Organisation, quarter_slug: str):
    _require_editor(organisation)
    quarter = _quarter_path(quarter_slug)
    if quarter > Quarter.containing(_today()):
        abort(404)
    existing = service.snapshot_for(organisation, quarter)
    values, errors = service.snapshot_form_values(existing), []
    fields = service.SNAPSHOT_FIELDS + service.LEAVER_REASON_FIELDS
    if request.method == "POST":
        values = _form_values(fields)
        try:
            service.save_snapshot(_user(), organisation, quarter, values)
        except InvalidInput as problem:
            db.session.rollback()
            errors = problem.errors
        else:
            db.session.commit()
            flash(f"{quarter.label} figures saved.", "success")
            return redirect(url_for("workforce.council", slug=organisation.slug, quarter=quarter.slug))
    return _form_page(
        f"{quarter.label} workforce figures ({quarter.months})", organisation.name, fields, values, errors,
        url_for("workforce.snapshot", slug=organisation.slug, quarter_slug=quarter.slug),
        url_for("workforce.council", slug=organisation.slug), "Save figures",
        intro="Children's social workers, counted as in your workforce census return: FTE on the quarter's last "
              "day, and starters and leavers during the quarter.",
        remove_action=url_for("workforce.remove_snapshot", slug=organisation.slug, quarter_slug=quarter.slug)
        if existing else None,
        split_at=len(service.SNAPSHOT_FIELDS), split_heading="Why permanent staff left",
        split_intro="FTE by main reason. Whatever is not given here counts as 'not known'.")


@bp.route("/councils/<slug>/import", methods=["GET", "POST"])
@council_page
def import_snapshots(organisation: Organisation):
    _require_editor(organisation)
    errors: list[FieldError] = []
    status = 200
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors, status = [FieldError("file", "Choose a CSV file")], 400
        elif not upload.filename.lower().endswith(".csv") or (
                upload.mimetype not in ("text/csv", "application/csv", "text/plain", "application/vnd.ms-excel",
                                        "application/octet-stream")):
            errors, status = [FieldError("file", "The file must be a CSV file, ending .csv")], 415
        else:
            data = upload.stream.read(service.CSV_MAX_BYTES + 1)
            try:
                result = service.import_snapshots_csv(_user(), organisation, data)
            except InvalidInput as problem:
                db.session.rollback()
                errors, status = problem.errors, 413 if len(data) > service.CSV_MAX_BYTES else 400
            else:
                db.session.commit()
                flash(f"Imported {len(result.quarters)} quarter{'s' if len(result.quarters) != 1 else ''}: "
                      f"{result.quarters[0].label} to {result.quarters[-1].label}.", "success")
                return redirect(url_for("workforce.council", slug=organisation.slug))
    return render_template("workforce/import.html", organisation=organisation, errors=errors,
                           max_kb=service.CSV_MAX_BYTES // 1024, max_rows=service.CSV_MAX_ROWS), status


@bp.route("/councils/<slug>/leavers/new", methods=["GET", "POST"])
@council_page
def new_leaver(organisation: Organisation):
    _require_editor(organisation)
    values, errors = {}, []
    if request.method == "POST":
        values = _form_values(service.LEAVER_FIELDS)
        try:
            service.record_leaver(_user(), organisation, values, _today())
        except InvalidInput as problem:
            db.session.rollback()
            errors = problem.errors
        else:
            db.session.commit()
            flash("Leaver recorded for the cooling-off check.", "success")
            return redirect(url_for("workforce.placements", slug=organisation.slug))
    months = service.region_settings().cooling_off_months
    return _form_page(
        "Record a permanent leaver", organisation.name, service.LEAVER_FIELDS, values, errors,
        url_for("workforce.new_leaver", slug=organisation.slug), url_for("workforce.placements", slug=organisation.slug),
        "Record leaver",
        intro=f"The region agreed that a social worker who leaves a permanent post is not placed by an agency in the "
              f"region for {months} months. Record who left so a placement inside that period is flagged. Only a "
              f"keyed hash of the number is stored, and it is deleted once no cooling-off period can apply.")


@bp.route("/councils/<slug>/leavers/remove", methods=["GET", "POST"])
@council_page
def remove_leaver(organisation: Organisation):
    _require_editor(organisation)
    values, errors = {}, []
    if request.method == "POST":
        values = _form_values(service.REMOVE_LEAVER_FIELDS)
        try:
            removed = service.remove_leaver(_user(), organisation, values)
        except InvalidInput as problem:
            db.session.rollback()
            errors = problem.errors
        else:
            db.session.commit()
            flash(f"Removed {removed} leaver record{'s' if removed != 1 else ''}.", "success")
            return redirect(url_for("workforce.placements", slug=organisation.slug))
    return _form_page(
        "Remove a leaver record", organisation.name, service.REMOVE_LEAVER_FIELDS, values, errors,
        url_for("workforce.remove_leaver", slug=organisation.slug),
        url_for("workforce.placements", slug=organisation.slug), "Remove",
        intro="If a leaver was recorded by mistake, or the social worker asks, enter their number to remove every "
              "record your council holds for it.")


@bp.post("/councils/<slug>/quarters/<quarter_slug>/remove")
@council_page
def remove_snapshot(organisation: Organisation, quarter_slug: str):
    _require_editor(organisation)
    quarter = _quarter_path(quarter_slug)
    try:
        service.remove_snapshot(_user(), organisation, quarter)
    except ServiceError:
        abort(404)
    db.session.commit()
    flash(f"{quarter.label} figures removed.", "success")
    return redirect(url_for("workforce.council", slug=organisation.slug))


# --- the agency register ----------------------------------------------------------------------------------------


@bp.get("/councils/<slug>/placements")
@council_page
def placements(organisation: Organisation):
    rows = service.placement_rows(organisation, _today())
    settings = service.region_settings()
    return render_template("workforce/placements.html", organisation=organisation, rows=rows,
                           can_edit=service.can_edit(_user(), organisation), settings=settings)


@bp.get("/councils/<slug>/placements.csv")
@council_page
def placements_csv(organisation: Organisation):
    rows = service.placement_rows(organisation, _today())
    return _csv(service.placements_csv(rows), f"{organisation.slug}-agency-placements.csv")


@bp.route("/councils/<slug>/placements/new", methods=["GET", "POST"])
@council_page
def new_placement(organisation: Organisation):
    _require_editor(organisation)
    values: dict = {"fte": "1"}
    errors: list[FieldError] = []
    if request.method == "POST":
        values = _form_values(service.PLACEMENT_FIELDS)
        try:
            result = service.record_placement(_user(), organisation, values)
        except InvalidInput as problem:
            db.session.rollback()
            errors = problem.errors
        else:
            db.session.commit()
            if result.cooling_off_until:
                flash(f"Placement recorded, and flagged: this social worker left a permanent post in the region "
                      f"recently. The cooling-off period runs until {result.cooling_off_until:%d %B %Y}.", "warning")
            else:
                flash("Placement recorded.", "success")
            return redirect(url_for("workforce.placements", slug=organisation.slug))
    return _form_page("Record an agency placement", organisation.name, service.PLACEMENT_FIELDS, values, errors,
                      url_for("workforce.new_placement", slug=organisation.slug),
                      url_for("workforce.placements", slug=organisation.slug), "Record placement")


def _own_placement(organisation: Organisation, placement_id: int):
    placement = service.placement_for(_user(), organisation, placement_id)
    if placement is None:
        abort(404)
    return placement


@bp.route("/councils/<slug>/placements/<int:placement_id>/convert", methods=["GET", "POST"])
@council_page
def convert(organisation: Organisation, placement_id: int):
    _require_editor(organisation)
    placement = _own_placement(organisation, placement_id)
    fields = service.conversion_fields(organisation)
    values: dict = {}
    errors: list[FieldError] = []
    if placement.conversion is not None:
        abort(409, description="This placement is already recorded as converted to a permanent post.")
    if request.method == "POST":
        values = _form_values(fields)
        try:
            service.record_conversion(_user(), placement, values)
        except InvalidInput as problem:
            db.session.rollback()
            errors = problem.errors
        else:
            db.session.commit()
            flash("Conversion to a permanent post recorded.", "success")
            return redirect(url_for("workforce.placements", slug=organisation.slug))
    return _form_page(
        "Record a move to a permanent post", f"{placement.role_level.label}, day rate £{placement.day_rate:,.2f}",
        fields, values, errors, url_for("workforce.convert", slug=organisation.slug, placement_id=placement.id),
        url_for("workforce.placements", slug=organisation.slug), "Record conversion",
        intro="The agency placement ends the day before the permanent contract starts.")


@bp.route("/councils/<slug>/placements/<int:placement_id>/end", methods=["GET", "POST"])
@council_page
def end_placement(organisation: Organisation, placement_id: int):
    _require_editor(organisation)
    placement = _own_placement(organisation, placement_id)
    values: dict = {}
    errors: list[FieldError] = []
    if request.method == "POST":
        values = _form_values(service.END_FIELDS)
        try:
            service.end_placement(_user(), placement, values)
        except InvalidInput as problem:
            db.session.rollback()
            errors = problem.errors
        else:
            db.session.commit()
            flash("Placement end date saved.", "success")
            return redirect(url_for("workforce.placements", slug=organisation.slug))
    return _form_page("Record when a placement ends", f"{placement.role_level.label}, started "
                      f"{placement.start_on:%d %B %Y}", service.END_FIELDS, values, errors,
                      url_for("workforce.end_placement", slug=organisation.slug, placement_id=placement.id),
                      url_for("workforce.placements", slug=organisation.slug), "Save end date")


# --- glidepath ---------------------------------------------------------------------------------------------------


@bp.route("/councils/<slug>/glidepath", methods=["GET", "POST"])
@council_page
def glidepath(organisation: Organisation):
    can_edit = service.can_edit(_user(), organisation)
    values: dict = {"quarter": Quarter.containing(_today()).label}
    errors: list[FieldError] = []
    status = 200
    if request.method == "POST":
        _require_editor(organisation)
        values = _form_values(service.GLIDEPATH_FIELDS)
        try:
            target = service.set_glidepath_target(_user(), organisation, values)
        except InvalidInput as problem:
            db.session.rollback()
            errors, status = problem.errors, 400
        else:
            db.session.commit()
            flash(f"Target for {target.quarter.label} saved.", "success")
            return redirect(url_for("workforce.glidepath", slug=organisation.slug))
    path = service.glidepath(organisation)
    return render_template("workforce/glidepath.html", organisation=organisation, path=path,
                           chart=_glidepath_chart(path), can_edit=can_edit, fields=service.GLIDEPATH_FIELDS,
                           values=values, errors=errors, error_for={e.field: e.message for e in errors},
                           tolerance_share=wf.GLIDEPATH_TOLERANCE_SHARE * 100,
                           tolerance_min=wf.GLIDEPATH_TOLERANCE_MIN_FTE,
                           remove_target_url=lambda q: url_for("workforce.remove_target", slug=organisation.slug,
                                                               quarter_slug=q.slug)), status


@bp.post("/councils/<slug>/glidepath/<quarter_slug>/remove")
@council_page
def remove_target(organisation: Organisation, quarter_slug: str):
    _require_editor(organisation)
    quarter = _quarter_path(quarter_slug)
    try:
        service.remove_glidepath_target(_user(), organisation, quarter)
    except ServiceError:
        abort(404)
    db.session.commit()
    flash(f"Target for {quarter.label} removed.", "success")
    return redirect(url_for("workforce.glidepath", slug=organisation.slug))


@bp.get("/councils/<slug>/glidepath.csv")
@council_page
def glidepath_csv(organisation: Organisation):
    return _csv(service.glidepath_csv(service.glidepath(organisation)), f"{organisation.slug}-glidepath.csv")


def _glidepath_chart(path: Sequence[service.GlidepathPoint],
                     title: str = "Glidepath: target against actual FTE") -> LineChart | None:
    if not path:
        return None
    return line_chart(
        title,
        [p.quarter.label.replace(" ", "\u00a0") for p in path],
        [("Permanent target", [p.check.permanent_target for p in path]),
         ("Permanent actual", [p.check.permanent_actual for p in path]),
         ("Agency target", [p.check.agency_target for p in path]),
         ("Agency actual", [p.check.agency_actual for p in path])],
        unit="", dashed=[True, False, True, False],
    )


@dataclass
class Bars:
    title: str
    rows: list[dict[str, Any]]
    height: int


def _reason_bars(summary: service.ReasonsSummary) -> Bars:
    """Two bars per reason group: share of leavers (FTE) and share of declined offers."""
    rows = []
    leavers_total = summary.leavers_total
    declines_total = summary.declines_total
    for i, group in enumerate(ReasonGroup):
        leavers_share = wf.Rate(summary.leavers_by_group[group], leavers_total).percent(1)
        declines_share = wf.Rate(Decimal(summary.declines_by_group[group]), Decimal(declines_total)).percent(1)
        rows.append({"label": group.label, "y": 8 + i * 44,
                     "leavers": leavers_share, "declines": declines_share,
                     "leavers_w": float(leavers_share or 0) * 3.6, "declines_w": float(declines_share or 0) * 3.6})
    return Bars("Why people leave and why offers are declined, share by reason", rows, 8 + len(rows) * 44)
