"""Campaigns and their tracked links.

One blueprint, registered twice: /recruit/campaigns for a council's recruiters and
administrators (their council's campaigns), /insights/campaigns for the programme team
(regional campaigns across councils). Plus the public /c/<code> that a tracked link is.
"""
from __future__ import annotations

import datetime as dt
from functools import wraps
from typing import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from domain.funnel import LinkChannel
from webapp.extensions import db
from webapp.forms.campaigns import CampaignForm, LinkForm
from webapp.models.users import COUNCIL_ROLES, REGION_ROLES
from webapp.web.access import linked_council_id, role_required, signed_in_user
from webapp.web.forms import failed_post, form_page, refused_post
from webapp.services import NotAllowed, ServiceError, funnel, insights
from webapp.services import campaigns as campaign_service

bp = Blueprint("campaigns", __name__)
tracked = Blueprint("tracked", __name__)

COUNCIL = "recruit_campaigns"  # the names the blueprint is registered under
REGION = "lead_campaigns"


def _today() -> dt.date:
    return dt.date.today()



def campaigns_access(view: Callable) -> Callable:
    """Council staff with a council under /recruit/campaigns; the programme team under /insights/campaigns."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        roles = COUNCIL_ROLES if request.blueprint == COUNCIL else REGION_ROLES

        @role_required(*roles)
        def checked():
            if request.blueprint == COUNCIL:
                linked_council_id()
            return view(*args, **kwargs)

        return checked()

    return wrapped


def _here(endpoint: str, **values) -> str:
    return url_for(f"{request.blueprint}.{endpoint}", **values)


def _own_campaign(campaign_id: int):
    campaign = campaign_service.campaign_for(signed_in_user(), campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _tracked_url(code: str) -> str:
    return url_for("tracked.follow_link", code=code, _external=True)


@bp.context_processor
def helpers() -> dict:
    return {"here": _here, "tracked_url": _tracked_url, "regional": request.blueprint == REGION}


def _form(campaign=None) -> CampaignForm:
    choices = campaign_service.vacancy_choices(signed_in_user(), _today())
    if campaign is not None:  # keep showing jobs already in it that have since closed
        choices += [v for v in campaign.vacancies if v not in choices]
    kwargs = {"vacancies": choices, "show_council": request.blueprint == REGION}
    return CampaignForm.for_campaign(campaign, **kwargs) if campaign is not None else CampaignForm(**kwargs)


def _form_page(form, campaign=None):
    return form_page("campaigns/form.html", form=form, campaign=campaign)


@bp.get("")
@campaigns_access
def index():
    return render_template("campaigns/index.html", campaigns=campaign_service.campaigns_for(signed_in_user()),
                           today=_today())


@bp.route("/new", methods=["GET", "POST"])
@campaigns_access
def new():
    form = _form()
    if form.validate_on_submit():
        try:
            campaign = campaign_service.create_campaign(signed_in_user(), form.values(), form.vacancies.data or [],
                                                        today=_today(), channel=LinkChannel(form.channel.data))
        except campaign_service.CampaignInvalid as invalid:
            failed_post(form, invalid.errors, fallback="name")
        except NotAllowed as problem:
            refused_post(problem)
        else:
            db.session.commit()
            flash(f"‘{campaign.name}’ has been saved. Share its tracked link to see what it brings in.", "success")
            return redirect(_here("detail", campaign_id=campaign.id))
    return _form_page(form)


@bp.get("/<int:campaign_id>")
@campaigns_access
def detail(campaign_id: int):
    campaign = _own_campaign(campaign_id)
    return _detail_page(campaign, LinkForm(formdata=None, destination=campaign_service.default_destination(campaign)))


def _detail_page(campaign, link_form, status: int = 200):
    organisation_id = None if request.blueprint == REGION else current_user.organisation_id
    return render_template(
        "campaigns/detail.html",
        campaign=campaign,
        link_form=link_form,
        results=insights.campaign_table([campaign], None).rows[0],
        links_table=insights.channel_table(campaign, organisation_id if campaign.organisation_id is None else None),
        slots=campaign_service.featured_slots(campaign),
        dashboard_url=url_for("insights.dashboard", campaign=campaign.id,
                              **{"from": campaign.starts_on.isoformat(),
                                 "to": min(max(campaign.ends_on, campaign.starts_on), _today()).isoformat()})
        if campaign.starts_on <= _today() else None,
    ), status


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@campaigns_access
def edit(campaign_id: int):
    campaign = _own_campaign(campaign_id)
    form = _form(campaign)
    del form.kind  # fixed once made (featured slots hang on it), so not asked again
    if form.validate_on_submit():
        try:
            changed = campaign_service.update_campaign(signed_in_user(), campaign, form.values(), form.vacancies.data or [],
                                                       today=_today())
        except campaign_service.CampaignInvalid as invalid:
            failed_post(form, invalid.errors, fallback="name")
        except NotAllowed as problem:
            refused_post(problem)
        else:
            db.session.commit()
            flash("Your changes have been saved." if changed else "Nothing was changed.", "success")
            return redirect(_here("detail", campaign_id=campaign.id))
    return _form_page(form, campaign)


@bp.post("/<int:campaign_id>/links")
@campaigns_access
def add_link(campaign_id: int):
    campaign = _own_campaign(campaign_id)
    form = LinkForm()
    if form.validate_on_submit():
        try:
            link = campaign_service.add_link(signed_in_user(), campaign, LinkChannel(form.channel.data), form.label.data or "",
                                             form.destination.data)
        except campaign_service.CampaignInvalid as invalid:
            failed_post(form, invalid.errors, fallback="name")
        except ServiceError as problem:
            failed_post(form, {"destination": str(problem)})
        else:
            db.session.commit()
            flash(f"Your new link is {_tracked_url(link.code)}", "success")
            return redirect(_here("detail", campaign_id=campaign.id) + "#links")
    return _detail_page(campaign, form, 400)


# --- the tracked link itself ----------------------------------------------------------------------------

@tracked.get("/c/<code>")
def follow_link(code: str):
    """Count the visit, credit the campaign (last touch) and send the visitor to the page."""
    link = campaign_service.link_by_code(code[:16].lower())
    if link is None:
        abort(404, description="This link is not working. Search for jobs instead.")
    campaign = link.campaign
    funnel.record_daily_visit(current_user, organisation_id=campaign.organisation_id,
                              campaign=(campaign.id, link.id), force=True)
    if funnel.is_tracked(current_user):
        funnel.remember_campaign(campaign.id, link.id)
    return redirect(link.destination, code=302)


@tracked.after_app_request
def count_daily_visit(response):
    """The first page a visitor sees each day counts as a visit (pages that worked, not redirects)."""
    return funnel.count_daily_visit(response)
