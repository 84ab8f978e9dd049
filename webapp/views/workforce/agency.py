"""The agency register: a council's placements, recording one, its end, and its move to a permanent post."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from webapp.models import AgencyPlacement, Organisation
from webapp.services.workforce import agency
from webapp.services.workforce.access import can_edit
from webapp.services.workforce.agency import END_FIELDS, PLACEMENT_FIELDS, placement_rows
from webapp.services.workforce.fields import FieldError
from webapp.services.workforce.settings import region_settings
from webapp.web.access import signed_in_user
from webapp.views.workforce.common import (
    commit_or_errors,
    council_page,
    form_page,
    form_values,
    require_editor,
    today,
)


@council_page
def placements(organisation: Organisation):
    return render_template("workforce/placements.html", organisation=organisation,
                           rows=placement_rows(organisation, today()),
                           can_edit=can_edit(signed_in_user(), organisation), settings=region_settings())


@council_page
def new_placement(organisation: Organisation):
    require_editor(organisation)
    values: dict = {"fte": "1"}
    errors: list[FieldError] = []
    if request.method == "POST":
        values = form_values(PLACEMENT_FIELDS)
        result, errors = commit_or_errors(lambda: agency.record_placement(signed_in_user(), organisation, values))
        if not errors:
            if result.cooling_off_until:
                flash(f"Placement recorded, and flagged: this social worker left a permanent post in the region "
                      f"recently. The cooling-off period runs until {result.cooling_off_until:%d %B %Y}.", "warning")
            else:
                flash("Placement recorded.", "success")
            return redirect(url_for("workforce.placements", slug=organisation.slug))
    return form_page("Record an agency placement", organisation.name, PLACEMENT_FIELDS, values, errors,
                     url_for("workforce.new_placement", slug=organisation.slug),
                     url_for("workforce.placements", slug=organisation.slug), "Record placement")


def _own_placement(organisation: Organisation, placement_id: int) -> AgencyPlacement:
    placement = agency.placement_for(signed_in_user(), organisation, placement_id)
    if placement is None:
        abort(404)
    return placement


@council_page
def convert(organisation: Organisation, placement_id: int):
    require_editor(organisation)
    placement = _own_placement(organisation, placement_id)
    fields = agency.conversion_fields(organisation)
    values: dict = {}
    errors: list[FieldError] = []
    if placement.conversion is not None:
        abort(409, description="This placement is already recorded as converted to a permanent post.")
    if request.method == "POST":
        values = form_values(fields)
        _, errors = commit_or_errors(lambda: agency.record_conversion(signed_in_user(), placement, values))
        if not errors:
            flash("Conversion to a permanent post recorded.", "success")
            return redirect(url_for("workforce.placements", slug=organisation.slug))
    return form_page(
        "Record a move to a permanent post", f"{placement.role_level.label}, day rate £{placement.day_rate:,.2f}",
        fields, values, errors, url_for("workforce.convert", slug=organisation.slug, placement_id=placement.id),
        url_for("workforce.placements", slug=organisation.slug), "Record conversion",
        intro="The agency placement ends the day before the permanent contract starts.")


@council_page
def end_placement(organisation: Organisation, placement_id: int):
    require_editor(organisation)
    placement = _own_placement(organisation, placement_id)
    values: dict = {}
    errors: list[FieldError] = []
    if request.method == "POST":
        values = form_values(END_FIELDS)
        _, errors = commit_or_errors(lambda: agency.end_placement(signed_in_user(), placement, values))
        if not errors:
            flash("Placement end date saved.", "success")
            return redirect(url_for("workforce.placements", slug=organisation.slug))
    return form_page("Record when a placement ends", f"{placement.role_level.label}, started "
                     f"{placement.start_on:%d %B %Y}", END_FIELDS, values, errors,
                     url_for("workforce.end_placement", slug=organisation.slug, placement_id=placement.id),
                     url_for("workforce.placements", slug=organisation.slug), "Save end date")
