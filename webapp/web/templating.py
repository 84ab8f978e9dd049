"""Template globals and filters shared by every page."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Flask, g, request, url_for
from flask_login import current_user

from domain import vocabulary
from domain.vocabulary import UserRole
from webapp.web.charts import bar_percentages


def money(value: int | Decimal | None) -> str:
    if value is None:
        return ""
    return f"£{int(value):,}"


def salary_range(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return ""
    if low == high or high is None:
        return money(low)
    return f"{money(low)} to {money(high)}"


def pounds(value: Decimal | None) -> str:
    """An amount to the nearest pound, or a dash when there is none (a figure that is missing, not zero)."""
    return "–" if value is None else f"£{value:,.0f}"


def fte(value: Decimal | int | None) -> str:
    """Full-time equivalents to two places (a whole count as it is), or a dash when missing."""
    if value is None:
        return "–"
    return f"{value:,.2f}" if isinstance(value, Decimal) else f"{value:,}"


def fte_or_count(value: Decimal | int | None, people: bool = False) -> str:
    """An FTE figure to two places, or a count of people as a whole number."""
    if people and value is not None:
        return f"{int(value):,}"
    return fte(value)


def long_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def navigation_items() -> list[dict]:
    """The service navigation for whoever is signed in."""
    items = [
        ("Find a job", "jobs.search"),
        ("Councils", "jobs.councils"),
        ("News", "jobs.news"),
    ]
    if current_user.is_authenticated:
        if current_user.has_role(UserRole.CANDIDATE):
            items += [("Jobs that fit you", "matching.jobs_that_fit"), ("Your applications", "account.applications"),
                      ("Saved searches", "alerts.saved_searches"), ("Your profile", "account.profile")]
        elif current_user.has_role(UserRole.RECRUITER):
            items += [("Your vacancies", "recruit.vacancies"), ("Campaigns", "recruit_campaigns.index"),
                      ("Insights", "insights.dashboard")]
        elif current_user.has_role(UserRole.ORG_ADMIN):
            items += [("Your vacancies", "recruit.vacancies"), ("Your council", "recruit.council"),
                      ("Campaigns", "recruit_campaigns.index"), ("Insights", "insights.dashboard"),
                      ("Audit log", "admin.audit_log")]
        elif current_user.has_role(UserRole.PROGRAMME_LEAD):
            items += [("Insights", "insights.dashboard"), ("Campaigns", "lead_campaigns.index")]
        elif current_user.has_role(UserRole.ADMIN):
            items += [("Insights", "insights.dashboard"), ("Audit log", "admin.audit_log")]
        items.append(("Sign out", "account.sign_out"))
    else:
        items += [("Sign in", "account.sign_in"), ("Create an account", "account.register")]
    current = request.endpoint or ""
    nav = []
    for text, endpoint in items:
        try:
            href = url_for(endpoint)
        except Exception:  # a blueprint not registered in this build
            continue
        nav.append({"text": text, "href": href, "active": current == endpoint})
    return nav


def init_app(app: Flask) -> None:
    app.add_template_filter(money)
    app.add_template_filter(long_date)
    app.add_template_filter(pounds)
    app.add_template_filter(fte)
    app.add_template_filter(fte_or_count)
    app.jinja_env.globals.update(salary_range=salary_range, vocabulary=vocabulary, navigation_items=navigation_items,
                                 bar_percentages=bar_percentages)

    @app.context_processor
    def page_globals() -> dict:
        return {
            "serviceName": app.config["SERVICE_NAME"],
            "cspNonce": getattr(g, "csp_nonce", None),
            "assetPath": url_for("static", filename="govuk"),
            "today": dt.date.today(),
        }
