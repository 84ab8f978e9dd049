"""The region's agreement (day-rate caps, cooling-off, on-costs), kept by programme leads."""
from __future__ import annotations

from flask import flash, redirect, request, url_for

from webapp.services.workforce.settings import SETTINGS_FIELDS, region_settings, settings_form_values, update_settings
from webapp.web.access import signed_in_user
from webapp.views.workforce.common import commit_or_errors, form_page, form_values, region_required


@region_required
def settings():
    values, errors = settings_form_values(region_settings()), []
    if request.method == "POST":
        values = form_values(SETTINGS_FIELDS)
        _, errors = commit_or_errors(lambda: update_settings(signed_in_user(), values))
        if not errors:
            flash("The region's agreement is saved.", "success")
            return redirect(url_for("workforce.index"))
    return form_page("The region's agreement", "Agency rate caps, cooling-off and on-costs", SETTINGS_FIELDS,
                     values, errors, url_for("workforce.settings"), url_for("workforce.index"), "Save")
