"""Campaigns: a council's (or, from the programme team, the region's) featured jobs, recruitment
campaigns, events and refer-a-friend schemes, each with tracked links to share.

Recruiters and council admins run their own council's campaigns over their own vacancies; a
programme lead (or platform admin) runs regional campaigns over any council's vacancies. Anyone
else's campaign is treated as absent (a 404, never a 403 that confirms it exists).
A featured-jobs campaign creates its slots through services.featured, with the campaign's dates.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from domain.funnel import CampaignKind, LinkChannel
from domain.vocabulary import VacancyStatus
from webapp.extensions import db
from webapp.models import Campaign, FeaturedSlot, Organisation, TrackedLink, User, Vacancy
from webapp.models.users import COUNCIL_ROLES
from webapp.services import NotAllowed, ServiceError, audit
from webapp.services import featured as featured_service

NAME_MAX = 120
SUMMARY_MAX = 500
PLACE_MAX = 200
LABEL_MAX = 80
DESTINATION_MAX = 300
BUDGET_MAX = 10_000_000
LONGEST_CAMPAIGN = dt.timedelta(days=366)


class CampaignInvalid(ServiceError):
    """`errors` maps a form field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def is_lead(user: User) -> bool:
    return user.sees_region


def can_manage(user: User, campaign: Campaign) -> bool:
    if campaign.organisation_id is None:
        return is_lead(user)
    return user.role in COUNCIL_ROLES and user.organisation_id == campaign.organisation_id


def campaign_for(user: User, campaign_id: int) -> Campaign | None:
    """The campaign if this user may manage it; None otherwise (so another council's looks absent)."""
    if not 0 < campaign_id < 2**31:
        return None
    campaign = db.session.get(Campaign, campaign_id)
    return campaign if campaign is not None and can_manage(user, campaign) else None


def campaigns_for(user: User) -> list[Campaign]:
    """Campaigns the user manages, newest first: their council's, or (for the programme team) the region's."""
    query = sa.select(Campaign).options(selectinload(Campaign.links), selectinload(Campaign.vacancies))
    if is_lead(user):
        query = query.where(Campaign.organisation_id.is_(None))
    elif user.role in COUNCIL_ROLES and user.organisation_id is not None:
        query = query.where(Campaign.organisation_id == user.organisation_id)
    else:
        return []
    return list(db.session.scalars(query.order_by(Campaign.starts_on.desc(), Campaign.id.desc())))


def visible_campaigns(organisation_id: int | None) -> list[Campaign]:
    """Campaigns whose figures a dashboard may show: all (region) or a council's own and the regional ones."""
    query = sa.select(Campaign).order_by(Campaign.organisation_id.is_not(None), Campaign.name, Campaign.id)
    if organisation_id is not None:
        query = query.where(sa.or_(Campaign.organisation_id == organisation_id, Campaign.organisation_id.is_(None)))
    return list(db.session.scalars(query))


def vacancy_choices(user: User, today: dt.date | None = None) -> list[Vacancy]:
    """Vacancies a campaign of this user's may include: live ones (and, for a council, its drafts)."""
    today = today or dt.date.today()
    query = sa.select(Vacancy).options(selectinload(Vacancy.organisation))
    if is_lead(user):
        query = query.join(Organisation).where(Vacancy.status == VacancyStatus.LIVE, Vacancy.closing_date >= today) \
            .order_by(Organisation.name, Vacancy.title)
    else:
        query = query.where(Vacancy.organisation_id == user.organisation_id,
                            sa.or_(Vacancy.status == VacancyStatus.DRAFT,
                                   sa.and_(Vacancy.status == VacancyStatus.LIVE, Vacancy.closing_date >= today))
                            ).order_by(Vacancy.title)
    return list(db.session.scalars(query))


# --- checking what was typed ---------------------------------------------------------------------------

def check_destination(destination: str | None) -> str:
    """A path on this site (a tracked link never sends anyone elsewhere)."""
    destination = (destination or "").strip()
    if not destination:
        raise ServiceError("Enter where the link goes, like /jobs or /councils/camden")
    if len(destination) > DESTINATION_MAX:
        raise ServiceError(f"Where the link goes must be {DESTINATION_MAX} characters or fewer")
    if (not destination.startswith("/") or destination.startswith("//") or "\\" in destination
            or any(ord(c) < 33 or ord(c) == 127 for c in destination)):
        raise ServiceError("Where the link goes must be a page on this site, starting with /, like /jobs?q=fostering")
    if re.match(r"^/c(/|$)", destination):
        raise ServiceError("A tracked link cannot go to another tracked link")
    return destination


def _check(values: dict[str, Any], user: User, vacancies: list[Vacancy], today: dt.date, creating: bool) -> None:
    errors: dict[str, str] = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = "Enter the campaign's name"
    elif len(name) > NAME_MAX:
        errors["name"] = f"Name must be {NAME_MAX} characters or fewer"
    if len(values.get("summary") or "") > SUMMARY_MAX:
        errors["summary"] = f"Description must be {SUMMARY_MAX} characters or fewer"
    kind = values.get("kind")
    if not isinstance(kind, CampaignKind):
        errors["kind"] = "Select the kind of campaign"
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if starts_on is None:
        errors["starts_on"] = "Enter the day the campaign starts"
    if ends_on is None:
        errors["ends_on"] = "Enter the day the campaign ends"
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = "The end date must be on or after the start date"
        elif ends_on - starts_on > LONGEST_CAMPAIGN:
            errors["ends_on"] = "A campaign can run for at most a year"
        elif creating and ends_on < today:
            errors["ends_on"] = "The end date must be today or later"
    budget = values.get("budget")
    if budget is not None and not 0 <= budget <= BUDGET_MAX:
        errors["budget"] = f"Budget must be between £0 and £{BUDGET_MAX:,}"
    if kind == CampaignKind.EVENT:
        event_on = values.get("event_on")
        if event_on is None:
            errors["event_on"] = "Enter the day of the event"
        elif starts_on and ends_on and not starts_on <= event_on <= ends_on:
            errors["event_on"] = "The event must be on a day the campaign is running"
        if not (values.get("event_place") or "").strip():
            errors["event_place"] = "Enter where the event is"
    if len(values.get("event_place") or "") > PLACE_MAX:
        errors["event_place"] = f"Place must be {PLACE_MAX} characters or fewer"
    if kind == CampaignKind.FEATURED and creating and not vacancies:
        errors["vacancies"] = "Select the jobs to feature"
    if kind == CampaignKind.FEATURED and any(v.status != VacancyStatus.LIVE for v in vacancies):
        errors["vacancies"] = "Only live jobs can be featured: publish the draft first"
    if not is_lead(user) and any(v.organisation_id != user.organisation_id for v in vacancies):
        raise NotAllowed("A council's campaign can only include its own vacancies.")
    if errors:
        raise CampaignInvalid(errors)


def _vacancies(ids: list[int], user: User, today: dt.date) -> list[Vacancy]:
    allowed = {v.id: v for v in vacancy_choices(user, today)}
    chosen = []
    for vacancy_id in dict.fromkeys(ids):
        if vacancy_id not in allowed:
            raise CampaignInvalid({"vacancies": "Select jobs from the list"})
        chosen.append(allowed[vacancy_id])
    return chosen


_FIELDS = ("name", "summary", "kind", "starts_on", "ends_on", "budget", "event_on", "event_place")


def _apply(campaign: Campaign, values: dict[str, Any]) -> list[str]:
    changed = []
    for field in _FIELDS:
        value = values.get(field)
        if type(value) is str:  # not the kind: an enum is a str too
            value = value.strip()
        if field in ("summary", "event_place") and value is None:
            value = ""
        if field in ("event_on", "event_place") and values.get("kind") != CampaignKind.EVENT:
            value = None if field == "event_on" else ""
        if getattr(campaign, field) != value:
            setattr(campaign, field, value)
            changed.append(field)
    return changed


def default_destination(campaign: Campaign) -> str:
    if len(campaign.vacancies) == 1:
        vacancy = campaign.vacancies[0]
        return f"/jobs/{vacancy.id}-{vacancy.slug}"
    if campaign.organisation is not None:
        return f"/councils/{campaign.organisation.slug}"
    return "/jobs"


# --- changing campaigns ---------------------------------------------------------------------------------

def create_campaign(user: User, values: dict[str, Any], vacancy_ids: list[int], today: dt.date | None = None,
                    channel: LinkChannel = LinkChannel.OTHER) -> Campaign:
    """A new campaign with one tracked link to start with; for featured jobs, their slots too."""
    today = today or dt.date.today()
    if is_lead(user):
        organisation_id = None
    elif user.role in COUNCIL_ROLES and user.organisation_id is not None:
        organisation_id = user.organisation_id
    else:
        raise NotAllowed("Only council recruiters and the programme team run campaigns.")
    vacancies = _vacancies(vacancy_ids, user, today)
    _check(values, user, vacancies, today, creating=True)
    campaign = Campaign(organisation_id=organisation_id, created_by_id=user.id)
    _apply(campaign, values)
    campaign.vacancies = vacancies
    db.session.add(campaign)
    db.session.flush()
    if campaign.kind == CampaignKind.FEATURED:
        for vacancy in vacancies:
            _feature(campaign, vacancy, user, today)
    add_link(user, campaign, channel, "", default_destination(campaign))
    audit.record(user, "campaign.created", campaign, organisation_id=organisation_id, kind=campaign.kind.value,
                 vacancies=[v.id for v in vacancies])
    return campaign


def _feature(campaign: Campaign, vacancy: Vacancy, user: User, today: dt.date) -> None:
    starts_on = max(campaign.starts_on, today)
    ends_on = min(campaign.ends_on, vacancy.closing_date)
    try:
        featured_service.feature_vacancy(vacancy, starts_on, ends_on, user, campaign_id=campaign.id, today=today)
    except featured_service.SlotInvalid as invalid:
        raise CampaignInvalid({"vacancies" if key == "vacancy" else key: f"{vacancy.title}: {message}"
                               for key, message in invalid.errors.items()}) from None
    except ServiceError as problem:
        raise CampaignInvalid({"vacancies": f"{vacancy.title}: {problem}"}) from None


def update_campaign(user: User, campaign: Campaign, values: dict[str, Any], vacancy_ids: list[int],
                    today: dt.date | None = None) -> list[str]:
    today = today or dt.date.today()
    if not can_manage(user, campaign):
        raise NotAllowed("You can only change your own campaigns.")
    vacancies = _vacancies(vacancy_ids, user, today) if campaign.kind != CampaignKind.FEATURED else campaign.vacancies
    values = {**values, "kind": campaign.kind}  # the kind is fixed once made (featured slots hang on it)
    _check(values, user, vacancies, today, creating=False)
    changed = _apply(campaign, values)
    if [v.id for v in vacancies] != [v.id for v in campaign.vacancies]:
        campaign.vacancies = vacancies
        changed.append("vacancies")
    if changed:
        audit.record(user, "campaign.updated", campaign, organisation_id=campaign.organisation_id, changed=changed)
    return changed


def featured_slots(campaign: Campaign) -> list[FeaturedSlot]:
    return list(db.session.scalars(
        sa.select(FeaturedSlot).where(FeaturedSlot.campaign_id == campaign.id).order_by(FeaturedSlot.starts_on)))


def new_code() -> str:
    """Short, unguessable and unambiguous in print (for posters): 8 characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


def add_link(user: User, campaign: Campaign, channel: LinkChannel, label: str, destination: str) -> TrackedLink:
    if not can_manage(user, campaign):
        raise NotAllowed("You can only add links to your own campaigns.")
    label = (label or "").strip()
    if len(label) > LABEL_MAX:
        raise CampaignInvalid({"label": f"Label must be {LABEL_MAX} characters or fewer"})
    try:
        destination = check_destination(destination)
    except ServiceError as problem:
        raise CampaignInvalid({"destination": str(problem)}) from None
    while True:
        code = new_code()
        if db.session.scalar(sa.select(TrackedLink.id).where(TrackedLink.code == code)) is None:
            break
    link = TrackedLink(campaign=campaign, code=code, channel=channel, label=label, destination=destination)
    db.session.add(link)
    db.session.flush()
    audit.record(user, "campaign.link_added", campaign, organisation_id=campaign.organisation_id, link=link.id,
                 channel=channel.value)
    return link


def link_by_code(code: str) -> TrackedLink | None:
    if not re.fullmatch(r"[a-z0-9]{4,16}", code or ""):
        return None
    return db.session.scalar(
        sa.select(TrackedLink).options(selectinload(TrackedLink.campaign)).where(TrackedLink.code == code))
