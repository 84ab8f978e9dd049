"""Recording and removing permanent leavers for the agency cooling-off check."""
from __future__ import annotations

from flask import flash, redirect, request, url_for

from webapp.models import Organisation
from webapp.services.workforce import leavers
from webapp.services.workforce.leavers import LEAVER_FIELDS, REMOVE_LEAVER_FIELDS
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
def new_leaver(organisation: Organisation):
    require_editor(organisation)
    values, errors = {}, []
    if request.method == "POST":
        values = form_values(LEAVER_FIELDS)
        _, errors = commit_or_errors(lambda: leavers.record_leaver(signed_in_user(), organisation, values, today()))
        if not errors:
            flash("Leaver recorded for the cooling-off check.", "success")
            return redirect(url_for("workforce.placements", slug=organisation.slug))
    months = region_settings().cooling_off_months
    return form_page(
        "Record a permanent leaver", organisation.name, LEAVER_FIELDS, values, errors,
        url_for("workforce.new_leaver", slug=organisation.slug), url_for("workforce.placements", slug=organisation.slug),
        "Record leaver",
        intro=f"The region agreed that a social worker who leaves a permanent post is not placed by an agency in the "
              f"region for {months} months. Record who left so a placement inside that period is flagged. Only a "
              f"keyed hash of the number is stored, and it is deleted once no cooling-off period can apply.")


@council_page
def remove_leaver(organisation: Organisation):
    require_editor(organisation)
    values, errors = {}, []
    if request.method == "POST":
        values = form_values(REMOVE_LEAVER_FIELDS)
        removed, errors = commit_or_errors(lambda: leavers.remove_leaver(signed_in_user(), organisation, values))
        if not errors:
            flash(f"Removed {removed} leaver record{'s' if removed != 1 else ''}.", "success")
            return redirect(url_for("workforce.placements", slug=organisation.slug))
    return form_page(
        "Remove a leaver record", organisation.name, REMOVE_LEAVER_FIELDS, values, errors,
        url_for("workforce.remove_leaver", slug=organisation.slug),
        url_for("workforce.placements", slug=organisation.slug), "Remove",
        intro="If a leaver was recorded by mistake, or the social worker asks, enter their number to remove every "
              "record your council holds for it.")
