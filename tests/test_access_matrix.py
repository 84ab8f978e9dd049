"""The access-control matrix: every route in the app's URL map × eight sessions, with the answer expected.

Each (endpoint, method) in ``app.url_map`` needs a row in RULES; a route without one fails
``test_every_route_has_a_rule``, listing it. Adding a route? Add a row: the path (placeholders
are filled from the World below: add what your route needs to ``build_world``) and what each of
the eight sessions should get. Start from a shorthand (PUBLIC, CANDIDATES, COUNCIL_A_STAFF, ...)
and override roles with ``expect(base, role=status)``.

An answer is a status code, or SIGN_IN for a redirect to the sign-in page. POSTs are sent without
a body (CSRF checks are off in tests), so a role that may post gets its form's own answer (a 400
with the errors, or the redirect after the change) and a role that may not gets the refusal. The
roles are tried in the order of ROLES, so a change one role makes is seen only by those after it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

import pytest

from domain.funnel import CampaignKind, LinkChannel
from domain.vocabulary import ApplicationStatus, RoleLevel, UserRole, VacancyStatus
from domain.workforce import Quarter
from tests import helpers
from tests.factories import (
    CandidateFactory,
    CandidateProfileFactory,
    OrganisationFactory,
    RecruiterFactory,
    UserFactory,
    VacancyFactory,
)
from webapp.extensions import db
from webapp.models import (
    AgencyPlacement,
    ApplicationDraft,
    Application,
    Bulletin,
    Campaign,
    FeaturedSlot,
    Invitation,
    MessageTemplate,
    NewsArticle,
    Referee,
    SavedSearch,
    SentAlert,
    TrackedLink,
    WebhookDelivery,
    WebhookEvent,
    WebhookEventType,
    WorkforceSnapshot,
)
from webapp.models.webhooks import DeliveryStatus
from webapp.models.bulletins import REGION_SCOPE
from webapp.services import accounts, alert_relevance, api_keys, feeds, references, saved_searches
from webapp.services.webhooks import endpoints as webhook_endpoints

ROLES = (
    "anonymous",
    "candidate",          # owns the application, saved search, profile and invitation below
    "other_candidate",    # another social worker: must never reach the first one's things
    "recruiter",          # council A's recruiter: owns the vacancy, campaign, placement below
    "other_recruiter",    # council B's recruiter: must never reach council A's things
    "council_admin",      # council A's administrator
    "programme_lead",
    "platform_admin",
)
SIGN_IN = "sign in"  # a redirect to the sign-in page


def expect(base: dict[str, Any] | None = None, **answers: Any) -> dict[str, Any]:
    """``base`` with some roles' answers changed; a role not given anywhere is a mistake in the table."""
    merged = {**(base or {}), **answers}
    unknown = set(merged) - set(ROLES)
    assert not unknown, f"no such role: {unknown}"
    return merged


def everyone(answer: Any) -> dict[str, Any]:
    return {role: answer for role in ROLES}


PUBLIC = everyone(200)
SIGNED_IN = expect(everyone(200), anonymous=SIGN_IN)
# Social workers only: staff are refused, anonymous visitors asked to sign in.
CANDIDATES = expect(everyone(403), anonymous=SIGN_IN, candidate=200, other_candidate=200)
# A social worker's own thing: another social worker gets a 404, as if it did not exist.
CANDIDATE_OWN = expect(CANDIDATES, other_candidate=404)
# A council's staff (recruiter and administrator) of council A; council B's recruiter gets a 404.
COUNCIL_A_STAFF = expect(everyone(403), anonymous=SIGN_IN, recruiter=200, council_admin=200, other_recruiter=404)
COUNCIL_STAFF = expect(everyone(403), anonymous=SIGN_IN, recruiter=200, other_recruiter=200, council_admin=200)
# Insights: council staff see their own council, the programme team the region.
INSIGHTS = expect(everyone(200), anonymous=SIGN_IN, candidate=403, other_candidate=403)
REGION = expect(everyone(403), anonymous=SIGN_IN, programme_lead=200, platform_admin=200)
ADMIN = expect(everyone(403), anonymous=SIGN_IN, platform_admin=200)


@dataclass
class World:
    """The rows every rule's path is built from; ``path.format(**world.values)``."""

    users: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


def build_world() -> World:
    council = OrganisationFactory(name="Camden", slug="camden")
    other_council = OrganisationFactory(name="Hackney", slug="hackney")
    candidate = CandidateFactory(email="sam@example.org")
    profile = CandidateProfileFactory(user=candidate)
    other_candidate = CandidateFactory(email="alex@example.org")
    CandidateProfileFactory(user=other_candidate)
    users = {
        "candidate": candidate,
        "other_candidate": other_candidate,
        "recruiter": RecruiterFactory(organisation=council),
        "other_recruiter": RecruiterFactory(organisation=other_council),
        "council_admin": UserFactory(role=UserRole.ORG_ADMIN, organisation=council),
        "programme_lead": UserFactory(role=UserRole.PROGRAMME_LEAD),
        "platform_admin": UserFactory(role=UserRole.ADMIN),
    }
    vacancy = VacancyFactory(organisation=council, title="Senior Practitioner", slug="senior-practitioner")
    draft = VacancyFactory(organisation=council, status=VacancyStatus.DRAFT, published_at=None)
    application = Application(vacancy=vacancy, candidate=candidate, status=ApplicationStatus.SUBMITTED,
                              supporting_statement="I have five years in child protection.",
                              answers={"statement": "I have five years in child protection."})
    saved = SavedSearch(user=candidate, name="CP in Camden", query="q=child+protection")
    invitation = Invitation(vacancy=vacancy, candidate_id=candidate.id, invited_by_id=users["recruiter"].id)
    today = dt.date.today()
    campaign = Campaign(organisation_id=council.id, kind=CampaignKind.RECRUITMENT, name="Camden spring",
                        starts_on=today, ends_on=today + dt.timedelta(days=30))
    regional = Campaign(organisation_id=None, kind=CampaignKind.RECRUITMENT, name="London together",
                        starts_on=today, ends_on=today + dt.timedelta(days=30))
    db.session.add_all([application, saved, invitation, campaign, regional])
    db.session.flush()
    link = TrackedLink(campaign_id=campaign.id, code="camspring", channel=LinkChannel.EMAIL, destination="/jobs")
    slot = FeaturedSlot(vacancy_id=vacancy.id, starts_on=today, ends_on=today + dt.timedelta(days=7))
    month = today.replace(day=1)
    bulletin = Bulletin(month=month, scope=REGION_SCOPE, title="London bulletin", html="<p>London</p>", pdf=b"%PDF-1.4")
    council_bulletin = Bulletin(month=month, scope=council.slug, organisation_id=council.id, title="Camden bulletin",
                                html="<p>Camden</p>", pdf=b"%PDF-1.4")
    quarter = Quarter.containing(today).shift(-1)
    snapshot = WorkforceSnapshot(organisation_id=council.id, quarter_start=quarter.start,
                                 establishment_fte=Decimal("100"), permanent_fte=Decimal("80"),
                                 agency_fte=Decimal("12"), vacancies_fte=Decimal("8"))
    placement = AgencyPlacement(organisation_id=council.id, role_level=RoleLevel.SOCIAL_WORKER, agency_name="Agency",
                                start_on=today - dt.timedelta(days=60), day_rate=Decimal("350"))
    news = NewsArticle(title="Camden's new hubs", slug="camdens-new-hubs", body="Hubs.",
                       published_at=dt.datetime(2026, 11, 1, 9, 0), organisation_id=council.id)
    sent_alert = SentAlert(saved_search_id=saved.id, vacancy_id=vacancy.id)  # a job mailed for the saved search
    db.session.add_all([link, slot, bulletin, council_bulletin, snapshot, placement, news, sent_alert])
    db.session.flush()
    # Council A's webhook endpoint (port 9 on this machine refuses at once: nothing waits on a send) and a
    # delivery to it that failed, for its log's pages.
    endpoint, _ = webhook_endpoints.register(users["council_admin"], "http://127.0.0.1:9/hook", "HR system",
                                             ["vacancy.closed"])
    event = WebhookEvent(public_id="evt_matrix", organisation_id=council.id, event_type=WebhookEventType.VACANCY_CLOSED,
                         payload={"id": "evt_matrix"})
    webhook_delivery = WebhookDelivery(event=event, endpoint_id=endpoint.id, status=DeliveryStatus.FAILED,
                                       next_attempt_at=None)
    db.session.add(webhook_delivery)
    db.session.flush()
    # The social worker's application form in progress for another job (one qualification, one current job),
    # and a referee of the application above with a live link.
    app_draft = ApplicationDraft(
        candidate_id=candidate.id, vacancy_id=VacancyFactory(organisation=council, title="Social worker").id,
        answers={"qualifications": [{"name": "BA Social Work", "institution": "Kent", "year": 2018}],
                 "employment": [{"employer": "Camden", "job_title": "Social worker", "duties": "CP casework",
                                 "start": "2018-09", "current": True, "end": None, "reason_for_leaving": ""}]})
    referee = Referee(application=application, position=1, name="Rita Manager", email="rita@example.org",
                      requested_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                      link_expires_at=dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1))
    db.session.add_all([app_draft, referee])
    message_template = MessageTemplate(organisation_id=council.id, name="Shortlisted", body="We would like to meet you.")
    db.session.add(message_template)
    db.session.flush()
    values = {
        "council": council.slug,
        "other_council": other_council.slug,
        "vacancy": vacancy.id,
        "vacancy_slug": vacancy.slug,
        "draft": draft.id,
        "application": application.id,
        "saved_search": saved.id,
        "invitation": invitation.id,
        "profile": profile.id,
        "campaign": campaign.id,
        "regional_campaign": regional.id,
        "link": link.code,
        "slot": slot.id,
        "bulletin": bulletin.id,
        "council_bulletin": council_bulletin.id,
        "quarter": quarter.slug,
        "placement": placement.id,
        "news": news.slug,
        "unsubscribe_token": saved_searches.unsubscribe_token(candidate, [saved]),
        "relevance_token": alert_relevance.relevance_token(sent_alert.id),
        "feed_token": feeds.new_feed_link(saved),
        "reset_token": accounts.make_reset_token(candidate),
        "api_key": api_keys.create_key(users["council_admin"], "Oleeo live", "write").key.id,
        "webhook": endpoint.id,
        "webhook_delivery": webhook_delivery.id,
        "app_draft": app_draft.id,
        "referee_token": references.issue_link_token(referee),
        "message_template": message_template.id,
        "staff_user": users["other_recruiter"].id,  # the account the admin area's rows act on
    }
    db.session.commit()
    return World(users=users, values=values)


@dataclass(frozen=True)
class Rule:
    path: str  # with {placeholders} from World.values
    answers: dict[str, Any]
    data: dict[str, str] | None = None  # a POST's body, when an empty one would not reach the check
    headers: dict[str, str] | None = None


def rule(path: str, answers: dict[str, Any], **extra) -> Rule:
    missing = set(ROLES) - set(answers)
    assert not missing, f"{path}: no answer for {sorted(missing)}"
    return Rule(path, answers, **extra)


# Workforce figures: council A's staff read them (council B's recruiter gets a 404), the council's
# administrator and the programme team change them (a recruiter reads only: 403).
WORKFORCE_READ = expect(INSIGHTS, other_recruiter=404)
# Only the council's own administrator changes its figures (services.workforce.access.can_edit): the
# programme team reads them across the region but enters nothing for a council.
WORKFORCE_EDIT = expect(WORKFORCE_READ, recruiter=403, programme_lead=403, platform_admin=403)
JOB = "/jobs/{vacancy}-{vacancy_slug}"
DRAFT = "/apply/{app_draft}"
# Council A's administrator only; other staff are refused (403), like the council's own page.
COUNCIL_ADMIN_ONLY = expect(COUNCIL_STAFF, recruiter=403, other_recruiter=403)
HOOK = "/recruit/webhooks/{webhook}"
COUNCIL_ADMIN = expect(everyone(403), anonymous=SIGN_IN, council_admin=200)
WF = "/insights/workforce/councils/{council}"

# (endpoint, method) → Rule, grouped by blueprint.
RULES: dict[tuple[str, str], Rule] = {
    # --- jobs: public pages; applying is for social workers
    ("jobs.home", "GET"): rule("/", PUBLIC),
    ("jobs.search", "GET"): rule("/jobs?q=practitioner", PUBLIC),
    ("jobs.suggest", "GET"): rule("/jobs/suggest?q=sen", PUBLIC),
    ("jobs.vacancy_by_id", "GET"): rule("/jobs/{vacancy}", everyone(301)),
    ("jobs.vacancy", "GET"): rule(JOB, PUBLIC),
    ("jobs.apply", "GET"): rule(JOB + "/apply", expect(CANDIDATES, candidate=302)),  # applied: to its page
    # Applied: to the application's page; not yet: the application form is started (or resumed).
    ("jobs.apply", "POST"): rule(JOB + "/apply", expect(CANDIDATES, candidate=302, other_candidate=302)),
    # Only someone who applied has an "application sent" page: everyone else's is a 404.
    ("jobs.applied", "GET"): rule(JOB + "/applied", expect(everyone(404), anonymous=SIGN_IN, candidate=200)),
    ("jobs.apply_external", "GET"): rule("/jobs/{vacancy}/apply-external", everyone(302)),  # in-platform: to apply
    # --- applying: the social worker's own application form; another's draft is a 404
    ("applying.task_list", "GET"): rule(DRAFT, CANDIDATE_OWN),
    ("applying.section", "GET"): rule(DRAFT + "/personal-details", CANDIDATE_OWN),
    ("applying.section", "POST"): rule(DRAFT + "/personal-details", expect(CANDIDATE_OWN, candidate=400)),
    ("applying.entries", "GET"): rule(DRAFT + "/employment-history", CANDIDATE_OWN),
    ("applying.entries", "POST"): rule(DRAFT + "/employment-history", expect(CANDIDATE_OWN, candidate=302)),
    ("applying.entry", "GET"): rule(DRAFT + "/qualifications/1", CANDIDATE_OWN),
    ("applying.entry", "POST"): rule(DRAFT + "/qualifications/add", expect(CANDIDATE_OWN, candidate=400)),
    ("applying.remove_entry", "GET"): rule(DRAFT + "/qualifications/1/remove", CANDIDATE_OWN),
    ("applying.remove_entry", "POST"): rule(DRAFT + "/qualifications/1/remove", expect(CANDIDATE_OWN, candidate=302)),
    ("applying.check", "GET"): rule(DRAFT + "/check", CANDIDATE_OWN),
    ("applying.check", "POST"): rule(DRAFT + "/check", expect(CANDIDATE_OWN, candidate=400)),  # not complete
    ("applying.delete", "GET"): rule(DRAFT + "/delete", CANDIDATE_OWN),
    ("applying.delete", "POST"): rule(DRAFT + "/delete", expect(CANDIDATE_OWN, candidate=302)),
    ("applying.sent", "GET"): rule("/account/applications/{application}/form", CANDIDATE_OWN),
    # --- references: a referee's form needs only the link (the link is tested in test_references)
    ("references.give", "GET"): rule("/references/{referee_token}", PUBLIC),
    ("references.give", "POST"): rule("/references/{referee_token}", everyone(400)),
    ("references.decline", "GET"): rule("/references/{referee_token}/cannot-give", PUBLIC),
    ("references.decline", "POST"): rule("/references/{referee_token}/cannot-give", everyone(400)),
    ("jobs.councils", "GET"): rule("/councils", PUBLIC),
    ("jobs.council", "GET"): rule("/councils/{council}", PUBLIC),
    ("jobs.news", "GET"): rule("/news", PUBLIC),
    ("jobs.news_article", "GET"): rule("/news/{news}", PUBLIC),
    ("static", "GET"): rule("/static/app.js", PUBLIC),
    ("health.healthz", "GET"): rule("/healthz", PUBLIC),
    # For load balancers: nothing but each dependency's state (tests/test_readiness_and_metrics.py).
    ("health.readyz", "GET"): rule("/readyz", PUBLIC),
    # Open only in the embedded and test profiles; production needs CSWJOBS_METRICS_TOKEN or answers 404
    # (tests/test_readiness_and_metrics.py).
    ("health.prometheus_metrics", "GET"): rule("/metrics", PUBLIC),
    ("tracked.follow_link", "GET"): rule("/c/{link}", everyone(302)),
    # --- account: signing in, registering and resetting are open; the rest is the social worker's own
    ("account.sign_in", "GET"): rule("/sign-in", expect(everyone(302), anonymous=200)),
    ("account.sign_in", "POST"): rule("/sign-in", everyone(400)),
    ("account.sign_out", "GET"): rule("/sign-out", expect(everyone(200), anonymous=302)),
    ("account.sign_out", "POST"): rule("/sign-out", everyone(302)),
    ("account.register", "GET"): rule("/register", expect(everyone(302), anonymous=200)),
    ("account.register", "POST"): rule("/register", expect(everyone(302), anonymous=400)),
    ("account.request_password_reset", "GET"): rule("/password-reset", PUBLIC),
    ("account.request_password_reset", "POST"): rule("/password-reset", everyone(400)),
    # The link moves its token into the session and goes on to a plain address (no token, no session: 400).
    ("account.reset_password", "GET"): rule("/password-reset/{reset_token}", everyone(302)),
    ("account.choose_new_password", "GET"): rule("/password-reset/new", everyone(400)),
    ("account.choose_new_password", "POST"): rule("/password-reset/new", everyone(400)),
    ("account.profile", "GET"): rule("/account/profile", CANDIDATES),
    # The profile a step at a time; the old one-page address leads into the steps (or to the answers).
    ("account.edit_profile", "GET"): rule("/account/profile/edit", expect(CANDIDATES, candidate=302,
                                                                            other_candidate=302)),
    ("account.profile_step", "GET"): rule("/account/profile/role-and-registration", CANDIDATES),
    ("account.profile_step", "POST"): rule("/account/profile/role-and-registration",
                                           expect(CANDIDATES, candidate=400, other_candidate=400)),
    ("account.check_profile_answers", "GET"): rule("/account/profile/check-answers", CANDIDATES),
    ("account.check_profile_answers", "POST"): rule("/account/profile/check-answers",
                                                    expect(CANDIDATES, candidate=302, other_candidate=302)),
    ("account.profile_set_up", "GET"): rule("/account/profile/set-up", CANDIDATES),
    ("account.applications", "GET"): rule("/account/applications", CANDIDATES),
    ("account.withdraw_application", "GET"): rule("/account/applications/{application}/withdraw", CANDIDATE_OWN),
    ("account.withdraw_application", "POST"): rule("/account/applications/{application}/withdraw",
                                                   expect(CANDIDATE_OWN, candidate=302)),
    ("account.follow", "POST"): rule("/councils/{council}/follow", expect(everyone(403), anonymous=SIGN_IN,
                                                                           candidate=302, other_candidate=302)),
    ("account.unfollow", "POST"): rule("/councils/{council}/unfollow", expect(everyone(403), anonymous=SIGN_IN,
                                                                               candidate=302, other_candidate=302)),
    ("account.your_data", "GET"): rule("/account/your-data", CANDIDATES),
    ("account.download_data", "GET"): rule("/account/your-data/download", CANDIDATES),
    ("account.delete_account", "GET"): rule("/account/delete", CANDIDATES),
    ("account.delete_account", "POST"): rule("/account/delete", expect(CANDIDATES, candidate=400,
                                                                        other_candidate=400)),
    ("equal_opportunities.answers", "GET"): rule("/account/equal-opportunities", CANDIDATES),
    # Every question is optional ("prefer not to say" included): an empty answer is saved.
    ("equal_opportunities.answers", "POST"): rule("/account/equal-opportunities",
                                                  expect(CANDIDATES, candidate=302, other_candidate=302)),
    ("equal_opportunities.delete", "POST"): rule("/account/equal-opportunities/delete",
                                                 expect(CANDIDATES, candidate=302, other_candidate=302)),
    ("equal_opportunities.delete", "GET"): rule("/account/equal-opportunities/delete", CANDIDATES),
    # --- saved searches and alerts: the social worker's own
    ("alerts.save", "POST"): rule("/account/saved-searches", expect(CANDIDATES, candidate=302, other_candidate=302)),
    ("alerts.saved_searches", "GET"): rule("/account/saved-searches", CANDIDATES),
    ("alerts.edit", "GET"): rule("/account/saved-searches/{saved_search}/edit", CANDIDATE_OWN),
    ("alerts.edit", "POST"): rule("/account/saved-searches/{saved_search}/edit", expect(CANDIDATE_OWN, candidate=400)),
    ("alerts.delete", "GET"): rule("/account/saved-searches/{saved_search}/delete", CANDIDATE_OWN),
    ("alerts.delete", "POST"): rule("/account/saved-searches/{saved_search}/delete",
                                    expect(CANDIDATE_OWN, candidate=302)),
    ("alerts.pause", "POST"): rule("/account/saved-searches/{saved_search}/pause", expect(CANDIDATE_OWN, candidate=302)),
    ("alerts.resume", "POST"): rule("/account/saved-searches/{saved_search}/resume",
                                    expect(CANDIDATE_OWN, candidate=302)),
    # The token is the permission: whoever holds the link from the email may unsubscribe.
    ("alerts.unsubscribe", "GET"): rule("/alerts/unsubscribe/{unsubscribe_token}", PUBLIC),
    ("alerts.unsubscribe", "POST"): rule("/alerts/unsubscribe/{unsubscribe_token}", PUBLIC),
    # "Was this relevant?" under a job in an alert: the signed link is the proof, no sign-in. A POST with no
    # answer is refused with its message.
    ("alerts.relevance", "GET"): rule("/alerts/relevance/{relevance_token}?answer=yes", PUBLIC),
    ("alerts.relevance", "POST"): rule("/alerts/relevance/{relevance_token}", everyone(400)),
    # --- syndication: search engines, feeds and aggregators read everything public; a saved search's
    # feed link is opened by its secret alone, and made or turned off only by its owner
    ("syndication.robots", "GET"): rule("/robots.txt", PUBLIC),
    ("syndication.sitemap", "GET"): rule("/sitemap.xml", PUBLIC),
    ("syndication.sitemap_file", "GET"): rule("/sitemaps/1.xml", everyone(404)),  # one file: no index
    ("syndication.jobs_feed", "GET"): rule("/feeds/jobs.rss?q=practitioner", PUBLIC),
    ("syndication.council_feed", "GET"): rule("/feeds/councils/{council}.atom", PUBLIC),
    ("syndication.saved_search_feed", "GET"): rule("/feeds/saved-searches/{saved_search}/{feed_token}.atom", PUBLIC),
    ("syndication.aggregator_feed", "GET"): rule("/feeds/aggregator.xml", PUBLIC),
    ("syndication.council_logo", "GET"): rule("/councils/{council}/logo.svg", PUBLIC),
    # --- the public read API: open to anyone, no key
    ("public_jobs.search_jobs", "GET"): rule("/api/v1/jobs?q=practitioner", PUBLIC),
    ("public_jobs.get_job", "GET"): rule("/api/v1/jobs/{vacancy}", PUBLIC),
    ("public_councils.list_councils", "GET"): rule("/api/v1/councils", PUBLIC),
    ("public_councils.get_council", "GET"): rule("/api/v1/councils/{council}", PUBLIC),
    # --- exports to other services: the programme team's (an export not kept is a 404)
    ("exports.exports", "GET"): rule("/insights/exports", REGION),
    ("exports.download", "GET"): rule("/insights/exports/999999.xml", expect(REGION, programme_lead=404,
                                                                             platform_admin=404)),
    ("syndication.saved_search_feed_link", "GET"): rule("/account/saved-searches/{saved_search}/feed", CANDIDATE_OWN),
    ("syndication.saved_search_feed_link", "POST"): rule("/account/saved-searches/{saved_search}/feed",
                                                          expect(CANDIDATE_OWN, candidate=400)),
    # --- matching
    ("matching.jobs_that_fit", "GET"): rule("/account/jobs-that-fit", CANDIDATES),
    # --- saved jobs: a social worker's own list; anyone else is refused (anonymous visitors asked to sign in)
    ("saved_jobs.save", "POST"): rule("/jobs/{vacancy}/save",
                                      expect(CANDIDATES, candidate=302, other_candidate=302)),
    ("saved_jobs.remove", "POST"): rule("/jobs/{vacancy}/unsave",
                                        expect(CANDIDATES, candidate=302, other_candidate=302)),
    ("saved_jobs.saved_jobs", "GET"): rule("/account/saved-jobs", CANDIDATES),
    ("account.switch_profile_on", "POST"): rule("/account/profile/switch-on",
                                                expect(CANDIDATES, candidate=302, other_candidate=302)),
    ("matching.dismiss_invitation", "POST"): rule("/account/invitations/{invitation}/dismiss",
                                                  expect(CANDIDATE_OWN, candidate=302)),
    ("matching.suggested_candidates", "GET"): rule("/recruit/vacancies/{vacancy}/suggested-candidates",
                                                   COUNCIL_A_STAFF),
    ("matching.invite", "GET"): rule("/recruit/vacancies/{vacancy}/suggested-candidates/{profile}/invite",
                                     COUNCIL_A_STAFF),
    ("matching.invite", "POST"): rule("/recruit/vacancies/{vacancy}/suggested-candidates/{profile}/invite",
                                      expect(COUNCIL_A_STAFF, recruiter=400, council_admin=400)),
    # --- recruit: a council's staff, their own council's vacancies and applications only
    ("recruit.vacancies", "GET"): rule("/recruit/vacancies", COUNCIL_STAFF),
    ("recruit.new_vacancy", "GET"): rule("/recruit/vacancies/new", COUNCIL_STAFF),
    ("recruit.new_vacancy", "POST"): rule("/recruit/vacancies/new", expect(COUNCIL_STAFF, recruiter=400,
                                                                           other_recruiter=400, council_admin=400)),
    ("recruit.vacancy", "GET"): rule("/recruit/vacancies/{vacancy}", COUNCIL_A_STAFF),
    ("recruit.edit_vacancy", "GET"): rule("/recruit/vacancies/{vacancy}/edit", COUNCIL_A_STAFF),
    ("recruit.edit_vacancy", "POST"): rule("/recruit/vacancies/{vacancy}/edit",
                                           expect(COUNCIL_A_STAFF, recruiter=400, council_admin=400)),
    # The roles run in order: once the recruiter has published, closed or ended it, the administrator is told so.
    ("recruit.publish_vacancy", "POST"): rule("/recruit/vacancies/{draft}/publish",
                                              expect(COUNCIL_A_STAFF, recruiter=302, council_admin=400)),
    ("recruit.close_vacancy", "POST"): rule("/recruit/vacancies/{vacancy}/close",
                                            expect(COUNCIL_A_STAFF, recruiter=302, council_admin=400)),
    # "Close vacancy?" is asked on a page of its own, to exactly those who may close it.
    ("recruit.close_vacancy", "GET"): rule("/recruit/vacancies/{vacancy}/close", COUNCIL_A_STAFF),
    # A live vacancy cannot be re-opened: its own staff are told so.
    ("recruit.reopen_vacancy", "GET"): rule("/recruit/vacancies/{vacancy}/reopen",
                                            expect(COUNCIL_A_STAFF, recruiter=400, council_admin=400)),
    ("recruit.reopen_vacancy", "POST"): rule("/recruit/vacancies/{vacancy}/reopen",
                                             expect(COUNCIL_A_STAFF, recruiter=400, council_admin=400)),
    ("recruit.feature_vacancy", "GET"): rule("/recruit/vacancies/{vacancy}/feature", COUNCIL_A_STAFF),
    ("recruit.feature_vacancy", "POST"): rule("/recruit/vacancies/{vacancy}/feature",
                                              expect(COUNCIL_A_STAFF, recruiter=400, council_admin=400)),
    ("recruit.end_featured_slot", "POST"): rule("/recruit/featured-slots/{slot}/end",
                                                expect(COUNCIL_A_STAFF, recruiter=302, council_admin=404)),
    ("recruit.end_featured_slot", "GET"): rule("/recruit/featured-slots/{slot}/end",
                                               expect(COUNCIL_A_STAFF, other_recruiter=404)),
    ("recruit.application", "GET"): rule("/recruit/applications/{application}", COUNCIL_A_STAFF),
    ("recruit.move_application", "POST"): rule("/recruit/applications/{application}/move",
                                               expect(COUNCIL_A_STAFF, recruiter=400, council_admin=400)),
    # "Do not progress?" on its own page; once the recruiter has, the administrator is told it is final.
    ("recruit.do_not_progress", "GET"): rule("/recruit/applications/{application}/do-not-progress",
                                             COUNCIL_A_STAFF),
    ("recruit.do_not_progress", "POST"): rule("/recruit/applications/{application}/do-not-progress",
                                              expect(COUNCIL_A_STAFF, recruiter=302, council_admin=400),
                                              data={"to_status": "rejected"}),
    ("recruit.record_swe_check", "POST"): rule("/recruit/applications/{application}/registration-check",
                                               expect(COUNCIL_A_STAFF, recruiter=302, council_admin=302)),
    ("recruit.council", "GET"): rule("/recruit/council", expect(COUNCIL_STAFF, recruiter=403, other_recruiter=403)),
    # Every part of the council's offer is optional: an empty form saves.
    ("recruit.council", "POST"): rule("/recruit/council", expect(COUNCIL_STAFF, recruiter=403, other_recruiter=403,
                                                                 council_admin=302)),
    # Submitted only: too early for references at the council's stage (400 with the reason).
    ("recruit.request_references", "POST"): rule("/recruit/applications/{application}/references",
                                                 expect(COUNCIL_A_STAFF, recruiter=400, council_admin=400)),
    ("recruit.application_pdf", "GET"): rule("/recruit/applications/{application}/application.pdf", COUNCIL_A_STAFF),
    ("recruit.reference_setting", "GET"): rule("/recruit/council/references", COUNCIL_ADMIN_ONLY),
    ("recruit.reference_setting", "POST"): rule("/recruit/council/references",
                                                expect(COUNCIL_ADMIN_ONLY, council_admin=400)),
    # --- campaigns: a council's under /recruit, the region's under /insights
    ("recruit_campaigns.index", "GET"): rule("/recruit/campaigns", COUNCIL_STAFF),
    ("recruit_campaigns.new", "GET"): rule("/recruit/campaigns/new", COUNCIL_STAFF),
    ("recruit_campaigns.new", "POST"): rule("/recruit/campaigns/new", expect(COUNCIL_STAFF, recruiter=400,
                                                                             other_recruiter=400, council_admin=400)),
    ("recruit_campaigns.detail", "GET"): rule("/recruit/campaigns/{campaign}", COUNCIL_A_STAFF),
    ("recruit_campaigns.edit", "GET"): rule("/recruit/campaigns/{campaign}/edit", COUNCIL_A_STAFF),
    ("recruit_campaigns.edit", "POST"): rule("/recruit/campaigns/{campaign}/edit",
                                             expect(COUNCIL_A_STAFF, recruiter=400, council_admin=400)),
    ("recruit_campaigns.add_link", "POST"): rule("/recruit/campaigns/{campaign}/links",
                                                 expect(COUNCIL_A_STAFF, recruiter=400, council_admin=400)),
    ("lead_campaigns.index", "GET"): rule("/insights/campaigns", REGION),
    ("lead_campaigns.new", "GET"): rule("/insights/campaigns/new", REGION),
    ("lead_campaigns.new", "POST"): rule("/insights/campaigns/new", expect(REGION, programme_lead=400,
                                                                           platform_admin=400)),
    ("lead_campaigns.detail", "GET"): rule("/insights/campaigns/{regional_campaign}", REGION),
    ("lead_campaigns.edit", "GET"): rule("/insights/campaigns/{regional_campaign}/edit", REGION),
    ("lead_campaigns.edit", "POST"): rule("/insights/campaigns/{regional_campaign}/edit",
                                          expect(REGION, programme_lead=400, platform_admin=400)),
    ("lead_campaigns.add_link", "POST"): rule("/insights/campaigns/{regional_campaign}/links",
                                              expect(REGION, programme_lead=400, platform_admin=400)),
    # --- insights: council staff their own council, the programme team the region
    ("insights.dashboard", "GET"): rule("/insights", INSIGHTS),
    ("insights.table_csv", "GET"): rule("/insights/funnel.csv", INSIGHTS),
    ("bulletins.bulletins", "GET"): rule("/insights/bulletins", INSIGHTS),
    ("bulletins.bulletin_html", "GET"): rule("/insights/bulletins/{council_bulletin}.html",
                                             expect(INSIGHTS, other_recruiter=404)),
    ("bulletins.bulletin_pdf", "GET"): rule("/insights/bulletins/{council_bulletin}.pdf",
                                            expect(INSIGHTS, other_recruiter=404)),
    ("bulletins.bulletin_subscription", "POST"): rule("/insights/bulletins/subscription",
                                                      expect(INSIGHTS, **{r: 400 for r in ROLES[3:]})),
    ("equality.equality_breakdown", "GET"): rule("/insights/equality", INSIGHTS),
    ("equality.equality_csv", "GET"): rule("/insights/equality.csv", INSIGHTS),
    ("supply_demand.supply_and_demand", "GET"): rule("/insights/supply-and-demand", INSIGHTS),
    ("supply_demand.supply_and_demand_csv", "GET"): rule("/insights/supply-and-demand.csv", INSIGHTS),
    # --- workforce
    # Council staff are sent on to their own council's page.
    ("workforce.index", "GET"): rule("/insights/workforce/", expect(INSIGHTS, recruiter=302, other_recruiter=302,
                                                                     council_admin=302)),
    ("workforce.guide", "GET"): rule("/insights/workforce/guide", INSIGHTS),
    ("workforce.template_csv", "GET"): rule("/insights/workforce/template.csv", INSIGHTS),
    ("workforce.areas_csv", "GET"): rule("/insights/workforce/areas.csv", REGION),
    ("workforce.region_census_csv", "GET"): rule("/insights/workforce/census.csv", REGION),
    ("workforce.region_reasons_csv", "GET"): rule("/insights/workforce/reasons.csv", REGION),
    ("workforce.region_trend_csv", "GET"): rule("/insights/workforce/trend.csv", REGION),
    ("workforce.settings", "GET"): rule("/insights/workforce/settings", REGION),
    ("workforce.settings", "POST"): rule("/insights/workforce/settings", expect(REGION, programme_lead=400,
                                                                                platform_admin=400)),
    ("workforce.council", "GET"): rule(WF, WORKFORCE_READ),
    ("workforce.census_csv", "GET"): rule(WF + "/census.csv", WORKFORCE_READ),
    ("workforce.agency_return_csv", "GET"): rule(WF + "/agency-return.csv", WORKFORCE_READ),
    ("workforce.council_reasons_csv", "GET"): rule(WF + "/reasons.csv", WORKFORCE_READ),
    ("workforce.council_trend_csv", "GET"): rule(WF + "/trend.csv", WORKFORCE_READ),
    ("workforce.glidepath", "GET"): rule(WF + "/glidepath", WORKFORCE_READ),
    ("workforce.glidepath", "POST"): rule(WF + "/glidepath", expect(WORKFORCE_EDIT, council_admin=400)),
    ("workforce.glidepath_csv", "GET"): rule(WF + "/glidepath.csv", WORKFORCE_READ),
    ("workforce.remove_target", "POST"): rule(WF + "/glidepath/{quarter}/remove",  # no target that quarter
                                              expect(WORKFORCE_EDIT, council_admin=404)),
    ("workforce.import_snapshots", "GET"): rule(WF + "/import", WORKFORCE_EDIT),
    ("workforce.import_snapshots", "POST"): rule(WF + "/import", expect(WORKFORCE_EDIT, council_admin=400)),
    ("workforce.new_leaver", "GET"): rule(WF + "/leavers/new", WORKFORCE_EDIT),
    ("workforce.new_leaver", "POST"): rule(WF + "/leavers/new", expect(WORKFORCE_EDIT, council_admin=400)),
    ("workforce.remove_leaver", "GET"): rule(WF + "/leavers/remove", WORKFORCE_EDIT),
    ("workforce.remove_leaver", "POST"): rule(WF + "/leavers/remove", expect(WORKFORCE_EDIT, council_admin=400)),
    ("workforce.placements", "GET"): rule(WF + "/placements", WORKFORCE_READ),
    ("workforce.placements_csv", "GET"): rule(WF + "/placements.csv", WORKFORCE_READ),
    ("workforce.new_placement", "GET"): rule(WF + "/placements/new", WORKFORCE_EDIT),
    ("workforce.new_placement", "POST"): rule(WF + "/placements/new", expect(WORKFORCE_EDIT, council_admin=400)),
    ("workforce.convert", "GET"): rule(WF + "/placements/{placement}/convert", WORKFORCE_EDIT),
    ("workforce.convert", "POST"): rule(WF + "/placements/{placement}/convert",
                                        expect(WORKFORCE_EDIT, council_admin=400)),
    ("workforce.end_placement", "GET"): rule(WF + "/placements/{placement}/end", WORKFORCE_EDIT),
    ("workforce.end_placement", "POST"): rule(WF + "/placements/{placement}/end",
                                              expect(WORKFORCE_EDIT, council_admin=400)),
    ("workforce.snapshot", "GET"): rule(WF + "/quarters/{quarter}", WORKFORCE_EDIT),
    ("workforce.snapshot", "POST"): rule(WF + "/quarters/{quarter}", expect(WORKFORCE_EDIT, council_admin=400)),
    ("workforce.remove_snapshot", "POST"): rule(WF + "/quarters/{quarter}/remove",
                                                expect(WORKFORCE_EDIT, council_admin=302)),
    # --- the pages about the service, linked from every footer; anyone may send feedback
    ("about.accessibility", "GET"): rule("/accessibility", PUBLIC),
    ("about.privacy", "GET"): rule("/privacy", PUBLIC),
    ("about.cookies", "GET"): rule("/cookies", PUBLIC),
    ("about.contact", "GET"): rule("/contact", PUBLIC),
    ("about.terms", "GET"): rule("/terms", PUBLIC),
    ("about.send_feedback", "GET"): rule("/feedback", PUBLIC),
    ("about.send_feedback", "POST"): rule("/feedback", everyone(400)),  # an empty message: nothing stored
    ("about.feedback_sent", "GET"): rule("/feedback/sent", PUBLIC),
    # --- administration
    ("admin.audit_log", "GET"): rule("/admin/audit", expect(ADMIN, council_admin=200)),
    ("admin.home", "GET"): rule("/admin/", ADMIN),
    ("admin.users", "GET"): rule("/admin/users?q=example", ADMIN),
    ("admin.user", "GET"): rule("/admin/users/{staff_user}", ADMIN),
    ("admin.change_role", "GET"): rule("/admin/users/{staff_user}/role", ADMIN),
    ("admin.change_role", "POST"): rule("/admin/users/{staff_user}/role", expect(ADMIN, platform_admin=400)),  # no role
    ("admin.deactivate", "GET"): rule("/admin/users/{staff_user}/deactivate", ADMIN),
    ("admin.deactivate", "POST"): rule("/admin/users/{staff_user}/deactivate", expect(ADMIN, platform_admin=302)),
    ("admin.reactivate", "POST"): rule("/admin/users/{staff_user}/reactivate", expect(ADMIN, platform_admin=400)),  # on
    ("admin.send_password_reset", "POST"): rule("/admin/users/{staff_user}/password-reset",
                                                expect(ADMIN, platform_admin=302)),
    ("admin.councils", "GET"): rule("/admin/councils", ADMIN),
    ("admin.council", "GET"): rule("/admin/councils/{council}", ADMIN),
    ("admin.feedback_received", "GET"): rule("/admin/feedback", ADMIN),
    # --- webhooks: the council's administrator alone (another council's endpoint would be a 404)
    ("webhooks.endpoints", "GET"): rule("/recruit/webhooks/", COUNCIL_ADMIN),
    ("webhooks.new_endpoint", "GET"): rule("/recruit/webhooks/new", COUNCIL_ADMIN),
    ("webhooks.new_endpoint", "POST"): rule("/recruit/webhooks/new", expect(COUNCIL_ADMIN, council_admin=400)),
    ("webhooks.endpoint", "GET"): rule(HOOK, COUNCIL_ADMIN),
    ("webhooks.edit_endpoint", "GET"): rule(HOOK + "/edit", COUNCIL_ADMIN),
    # An empty post leaves the form as the endpoint is: nothing changes, back to its page.
    ("webhooks.edit_endpoint", "POST"): rule(HOOK + "/edit", expect(COUNCIL_ADMIN, council_admin=302)),
    ("webhooks.send_test_event", "POST"): rule(HOOK + "/test", expect(COUNCIL_ADMIN, council_admin=302)),
    ("webhooks.turn_off", "POST"): rule(HOOK + "/turn-off", expect(COUNCIL_ADMIN, council_admin=302)),
    ("webhooks.turn_on", "POST"): rule(HOOK + "/turn-on", expect(COUNCIL_ADMIN, council_admin=400)),  # it is on
    ("webhooks.rotate_secret", "POST"): rule(HOOK + "/rotate-secret", COUNCIL_ADMIN),
    ("webhooks.rotate_secret", "GET"): rule(HOOK + "/rotate-secret", COUNCIL_ADMIN),
    ("webhooks.delete_endpoint", "GET"): rule(HOOK + "/delete", COUNCIL_ADMIN),
    ("webhooks.delete_endpoint", "POST"): rule(HOOK + "/delete", expect(COUNCIL_ADMIN, council_admin=302)),
    ("webhooks.delivery", "GET"): rule(HOOK + "/deliveries/{webhook_delivery}", COUNCIL_ADMIN),
    ("webhooks.send_again", "POST"): rule(HOOK + "/deliveries/{webhook_delivery}/send-again",
                                          expect(COUNCIL_ADMIN, council_admin=302)),
    # --- importing vacancies from a CSV file: any council's staff, for their own council
    ("vacancy_import.start", "GET"): rule("/recruit/vacancies/import/", COUNCIL_STAFF),
    ("vacancy_import.upload", "POST"): rule("/recruit/vacancies/import/",
                                            expect(COUNCIL_STAFF, recruiter=400, other_recruiter=400, council_admin=400)),
    ("vacancy_import.template_csv", "GET"): rule("/recruit/vacancies/import/template.csv", COUNCIL_STAFF),
    # --- a council administrator's API keys (council A's; a recruiter may not manage them)
    ("api_keys.keys", "GET"): rule("/recruit/api-keys/", COUNCIL_ADMIN),
    ("api_keys.new_key", "GET"): rule("/recruit/api-keys/new", COUNCIL_ADMIN),
    ("api_keys.new_key", "POST"): rule("/recruit/api-keys/new", expect(COUNCIL_ADMIN, council_admin=400)),
    ("api_keys.rotate_key", "POST"): rule("/recruit/api-keys/{api_key}/rotate", COUNCIL_ADMIN),
    ("api_keys.rotate_key", "GET"): rule("/recruit/api-keys/{api_key}/rotate", COUNCIL_ADMIN),
    ("api_keys.revoke_key", "GET"): rule("/recruit/api-keys/{api_key}/revoke", COUNCIL_ADMIN),
    ("api_keys.revoke_key", "POST"): rule("/recruit/api-keys/{api_key}/revoke", expect(COUNCIL_ADMIN, council_admin=302)),
    # --- the council API: its document is public; its routes take an API key, never a session (401)
    ("api_docs.openapi_json", "GET"): rule("/api/v1/openapi.json", PUBLIC),
    ("api_docs.browsable_docs", "GET"): rule("/api/v1/docs", PUBLIC),
    ("council_vacancies.list_vacancies", "GET"): rule("/api/v1/vacancies", everyone(401)),
    ("council_vacancies.create_vacancy", "POST"): rule("/api/v1/vacancies", everyone(401)),
    ("council_vacancies.get_vacancy", "GET"): rule("/api/v1/vacancies/{vacancy}", everyone(401)),
    ("council_vacancies.replace_vacancy", "PUT"): rule("/api/v1/vacancies/{vacancy}", everyone(401)),
    ("council_vacancies.publish_vacancy", "POST"): rule("/api/v1/vacancies/{draft}/publish", everyone(401)),
    ("council_vacancies.remove_vacancy", "DELETE"): rule("/api/v1/vacancies/{vacancy}", everyone(401)),
    # --- notifications, messages and the recruiter's inbox (issue 12, items 3-5)
    ("notifications.index", "GET"): rule("/notifications", SIGNED_IN),
    ("notifications.mark_all_read", "POST"): rule("/notifications/read", expect(everyone(302), anonymous=SIGN_IN)),
    ("notifications.retry_email_address", "POST"): rule("/notifications/email-address/try-again",
                                                        expect(everyone(302), anonymous=SIGN_IN)),
    ("notifications.email_settings", "GET"): rule("/notifications/email-settings", COUNCIL_STAFF),
    ("notifications.email_settings", "POST"): rule("/notifications/email-settings", expect(
        COUNCIL_STAFF, recruiter=400, other_recruiter=400, council_admin=400)),
    # The mail provider's webhook: off (404) until CSWJOBS_BOUNCE_WEBHOOK_TOKEN is set; no session counts.
    ("notifications.bounce_webhook", "POST"): rule("/mail/bounces", everyone(404)),
    ("messages.candidate_thread", "GET"): rule("/account/applications/{application}/messages", CANDIDATE_OWN),
    ("messages.candidate_thread", "POST"): rule("/account/applications/{application}/messages",
                                                expect(CANDIDATE_OWN, candidate=400)),
    ("messages.council_thread", "GET"): rule("/recruit/applications/{application}/messages", COUNCIL_A_STAFF),
    ("messages.council_thread", "POST"): rule("/recruit/applications/{application}/messages",
                                              expect(COUNCIL_A_STAFF, recruiter=400, council_admin=400)),
    ("inbox.index", "GET"): rule("/recruit/inbox", COUNCIL_STAFF),
    ("inbox.bulk", "POST"): rule("/recruit/inbox/bulk", expect(COUNCIL_STAFF, recruiter=400, other_recruiter=400,
                                                               council_admin=400)),
    ("inbox.bulk_confirm", "POST"): rule("/recruit/inbox/bulk/confirm", expect(
        COUNCIL_STAFF, recruiter=400, other_recruiter=400, council_admin=400)),
    ("inbox.templates", "GET"): rule("/recruit/message-templates", COUNCIL_STAFF),
    ("inbox.new_template", "GET"): rule("/recruit/message-templates/new", COUNCIL_STAFF),
    ("inbox.new_template", "POST"): rule("/recruit/message-templates/new", expect(
        COUNCIL_STAFF, recruiter=400, other_recruiter=400, council_admin=400)),
    ("inbox.edit_template", "GET"): rule("/recruit/message-templates/{message_template}/edit", COUNCIL_A_STAFF),
    ("inbox.edit_template", "POST"): rule("/recruit/message-templates/{message_template}/edit",
                                          expect(COUNCIL_A_STAFF, recruiter=400, council_admin=400)),
    # The recruiter deletes it; by the council administrator's turn it is gone (404).
    ("inbox.delete_template", "POST"): rule("/recruit/message-templates/{message_template}/delete",
                                            expect(COUNCIL_A_STAFF, recruiter=302, council_admin=404)),
    ("inbox.delete_template", "GET"): rule("/recruit/message-templates/{message_template}/delete",
                                           COUNCIL_A_STAFF),
    # Not shortlisted yet: the page explains (200); a booking is refused (400).
    ("inbox.schedule_interview", "GET"): rule("/recruit/applications/{application}/interview", COUNCIL_A_STAFF),
    ("inbox.schedule_interview", "POST"): rule("/recruit/applications/{application}/interview",
                                               expect(COUNCIL_A_STAFF, recruiter=400, council_admin=400)),
    ("inbox.blind_shortlisting_setting", "POST"): rule("/recruit/vacancies/{vacancy}/blind-shortlisting",
                                                       expect(COUNCIL_A_STAFF, recruiter=400, council_admin=400)),
}


def _routes(app) -> set[tuple[str, str]]:
    return {
        (r.endpoint, method)
        for r in app.url_map.iter_rules()
        for method in r.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_has_a_rule(app):
    missing = sorted(_routes(app) - set(RULES))
    assert not missing, "routes with no rule in tests/test_access_matrix.py RULES:\n" + "\n".join(
        f"  {endpoint} {method}" for endpoint, method in missing)
    stale = sorted(set(RULES) - _routes(app))
    assert not stale, f"rules for routes that no longer exist: {stale}"


def _answer(response) -> Any:
    if response.status_code == 302 and "/sign-in" in response.headers.get("Location", ""):
        return SIGN_IN
    return response.status_code


def _ask(app, world: World, role: str, method: str, rule_: Rule):
    client = app.test_client()
    if role != "anonymous":
        helpers.sign_in_as(client, world.users[role])
    path = rule_.path.format(**world.values)
    return client.open(path, method=method, data=rule_.data or {}, headers=rule_.headers or {})


@pytest.mark.parametrize(("endpoint", "method"), sorted(RULES), ids=[f"{e}-{m}" for e, m in sorted(RULES)])
def test_access(app, endpoint, method):
    world = build_world()
    rule_ = RULES[(endpoint, method)]
    got = {}
    for role in ROLES:
        got[role] = _answer(_ask(app, world, role, method, rule_))
        db.session.rollback()
    wrong = {role: f"expected {rule_.answers[role]!r}, got {got[role]!r}"
             for role in ROLES if got[role] != rule_.answers[role]}
    assert not wrong, f"{method} {rule_.path}: " + "; ".join(f"{r} {w}" for r, w in wrong.items())

