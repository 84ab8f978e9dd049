"""Template globals and filters shared by every page."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Flask, g, request, url_for
from flask_login import current_user
from markupsafe import Markup

from domain import vocabulary
from domain.geography import LONDON_TIME
from domain.vocabulary import UserRole
from webapp.services import advert_html, notifications
from webapp.web.charts import bar_percentages, column_chart


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


LONDON = LONDON_TIME


def london_time(value: dt.datetime) -> dt.datetime:
    """A naive UTC moment from the database, as a clock in England shows it (GMT or BST)."""
    return value.replace(tzinfo=dt.UTC).astimezone(LONDON)


def paragraphs(text: str | None) -> Markup:
    """Plain text as GOV.UK paragraphs and bullet lists (services/advert_html.py's one reading of
    text: blank lines, "- " lines, line breaks). Everything is escaped: adverts, offers and articles
    typed in the site are text, never HTML."""
    return advert_html.text_as_html(text, paragraph_class="govuk-body", list_class="govuk-list govuk-list--bullet")


def job_page_url(vacancy) -> str:
    """The public job page's address (its id and slug), for views and templates alike."""
    return url_for("jobs.vacancy", vacancy_id=vacancy.id, slug=vacancy.slug)


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
                      ("Saved jobs", "saved_jobs.saved_jobs"), ("Saved searches", "alerts.saved_searches"),
                      ("Your profile", "account.profile")]
        elif current_user.has_role(UserRole.RECRUITER):
            items += [("Applications to review", "inbox.index"),
                      ("Your vacancies", "recruit.vacancies"), ("Campaigns", "recruit_campaigns.index"),
                      ("Insights", "insights.dashboard")]
        elif current_user.has_role(UserRole.ORG_ADMIN):
            items += [("Applications to review", "inbox.index"),
                      ("Your vacancies", "recruit.vacancies"), ("Your council", "recruit.council"),
                      ("Campaigns", "recruit_campaigns.index"), ("Insights", "insights.dashboard"),
                      ("Audit log", "admin.audit_log")]
        elif current_user.has_role(UserRole.PROGRAMME_LEAD):
            items += [("Insights", "insights.dashboard"), ("Campaigns", "lead_campaigns.index")]
        elif current_user.has_role(UserRole.ADMIN):
            items += [("Administration", "admin.home"), ("Insights", "insights.dashboard"),
                      ("Audit log", "admin.audit_log")]
        # How many are unread, so a social worker on a phone sees at a glance that something happened.
        unread = notifications.unread_count(current_user)
        items.append((f"Notifications ({unread})" if unread else "Notifications", "notifications.index"))
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
    app.add_template_filter(paragraphs)
    app.add_template_filter(advert_html.for_page, "advert_html")  # a council's sanitised HTML advert
    app.jinja_env.globals.update(salary_range=salary_range, vocabulary=vocabulary, navigation_items=navigation_items,
                                 bar_percentages=bar_percentages, column_chart=column_chart, london_time=london_time,
                                 job_page_url=job_page_url)

    @app.context_processor
    def page_globals() -> dict:
        return {
            "serviceName": app.config["SERVICE_NAME"],
            "cspNonce": getattr(g, "csp_nonce", None),
            "assetPath": url_for("static", filename="govuk"),
            "today": dt.date.today(),
        }
