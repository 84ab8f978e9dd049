"""The pages about the service (accessibility, privacy, cookies, contact, terms) and the feedback form."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tests import helpers
from tests.factories import PASSWORD, CandidateFactory
from tests.pages import page, text_of, texts
from webapp.extensions import db
from webapp.models import Feedback
from webapp.services import feedback, retention

FOOTER_LINKS = {"Accessibility": "/accessibility", "Privacy": "/privacy", "Cookies": "/cookies",
                "Contact": "/contact", "Terms of use": "/terms", "Feedback": "/feedback"}


def _footer_links(response) -> dict[str, str]:
    soup = page(response)
    return {a.get_text(strip=True): a["href"].split("?")[0] for a in soup.select("footer a.govuk-footer__link")}


@pytest.mark.parametrize("path", ["/", "/jobs", "/councils", "/sign-in", "/privacy", "/feedback", "/no-such-page"])
def test_every_page_s_footer_links_to_the_pages_about_the_service(client, path):
    links = _footer_links(client.get(path))
    for text, href in FOOTER_LINKS.items():
        assert links.get(text) == href, (path, text, links)


def test_the_phase_banner_links_to_feedback_naming_the_page(client):
    soup = page(client.get("/councils"))
    link = soup.select_one(".govuk-phase-banner a")
    assert link.get_text(strip=True) == "feedback"
    assert link["href"] == "/feedback?page=/councils"


@pytest.mark.parametrize(("path", "heading"), [
    ("/accessibility", "Accessibility statement for Children's Social Work Jobs"),
    ("/privacy", "Privacy notice"),
    ("/cookies", "Cookies"),
    ("/contact", "Contact us"),
    ("/terms", "Terms of use"),
    ("/feedback", "Give feedback on Children's Social Work Jobs"),
])
def test_each_page_opens_for_anyone(client, path, heading):
    response = client.get(path)
    assert response.status_code == 200
    assert text_of(page(response), "h1") == heading


def test_the_accessibility_statement_has_what_the_regulations_ask_for(client):
    soup = page(client.get("/accessibility"))
    headings = texts(soup, "h2")
    for needed in ("How accessible this service is", "Feedback and contact information",
                   "Reporting accessibility problems with this website", "Enforcement procedure",
                   "Technical information about this service’s accessibility", "What we’re doing to improve accessibility",
                   "Preparation of this accessibility statement"):
        assert needed in headings
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard" \
        in text_of(soup, "#compliance-status + p")
    assert soup.select_one('a[href="mailto:help@cswjobs.example"]') is not None
    assert soup.select_one('#reporting ~ p a[href^="/feedback"]') is not None


def test_the_contact_address_is_a_setting(app, client):
    app.config["CONTACT_EMAIL"] = "workforce@londoncouncils.example"
    for path in ("/contact", "/privacy", "/accessibility", "/terms"):
        soup = page(client.get(path))
        assert soup.select_one('a[href="mailto:workforce@londoncouncils.example"]') is not None, path


def test_the_privacy_notice_names_each_kind_of_personal_data_and_its_lawful_basis(client):
    soup = page(client.get("/privacy"))
    rows = {row["id"]: text_of(soup, f"#{row['id']}") for row in soup.select("#data-kinds .govuk-summary-list__row")}
    assert set(rows) >= {"data-account", "data-profile", "data-applications", "data-criminal", "data-referees",
                         "data-equality", "data-alerts", "data-mail", "data-funnel", "data-staff", "data-workforce",
                         "data-security", "data-feedback"}
    assert "Special category data (Article 9)" in rows["data-equality"]
    assert "Kept apart from your profile" in rows["data-equality"]
    assert "Article 10" in rows["data-criminal"]
    assert "random visitor id" in rows["data-funnel"]
    for row in rows.values():
        assert "Article 6(1)" in row or "Article 9" in row or "Article 10" in row
    assert "ico.org.uk" in text_of(soup, "#complaints + p")


def test_the_privacy_notice_states_the_retention_schedule_in_force(app, client):
    app.config["RETENTION_APPLICATION_YEARS"] = 3
    soup = page(client.get("/privacy"))
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("td")] for row in soup.select("#retention tbody tr")]
    assert len(rows) == len(retention.SCHEDULE)
    periods = {what: period for what, period, _ in rows}
    emptied = next(rule for rule in retention.SCHEDULE if rule.name == "applications-emptied")
    assert periods[emptied.what] == "3 years"
    assert periods["Messages sent through the feedback form"] == "24 months"


def _cookie_names(response) -> set[str]:
    """Cookies the response stores: not those it tells the browser to delete (an empty value that
    expired in 1970, which Flask-Login sends for a "remember me" cookie the site never sets)."""
    names = set()
    for header in response.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        if not (rest.startswith(";") and "Expires=Thu, 01 Jan 1970" in rest):
            names.add(name)
    return names


def test_the_cookies_page_lists_every_cookie_the_site_sets(app, client):
    listed = {code.get_text(strip=True) for code in page(client.get("/cookies")).select("#cookie-list code")}
    CandidateFactory(email="kofi@example.org")
    db.session.commit()
    seen = set()
    for response in (client.get("/"), client.get("/jobs"), client.get("/sign-in"),
                     client.post("/sign-in", data={"email": "kofi@example.org", "password": PASSWORD}),
                     client.get("/account/profile"), client.get("/feedback"),
                     client.post("/feedback", data={"message": "Good"})):
        assert response.status_code < 500
        seen |= _cookie_names(response)
    assert seen, "the journey set no cookie at all: the test would prove nothing"
    assert seen <= listed, f"cookies set but not on the cookies page: {seen - listed}"
    assert listed == {app.config["SESSION_COOKIE_NAME"]}


# --- the feedback form ---------------------------------------------------------------------------------

def test_anyone_can_send_feedback_and_it_is_stored_without_who_sent_it(client):
    form = page(client.get("/feedback?page=/jobs%3Fq%3Dsam.social%40example.org"))
    assert form.select_one('input[name="page"]')["value"] == "/jobs"  # the path only: a query can hold anything
    response = client.post("/feedback", data={"satisfaction": "satisfied", "message": "  The filters are clear. ",
                                              "page": "/jobs?q=sam"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/feedback/sent")
    stored = db.session.scalars(sa.select(Feedback)).one()
    assert (stored.message, stored.satisfaction, stored.page) == ("The filters are clear.", "satisfied", "/jobs")
    assert text_of(page(client.get("/feedback/sent")), "h1") == "Thank you for your feedback"


def test_a_signed_in_person_s_feedback_is_not_linked_to_them(client):
    user = CandidateFactory()
    db.session.commit()
    helpers.sign_in_as(client, user)
    assert client.post("/feedback", data={"message": "Hard to find my applications"}).status_code == 302
    columns = set(Feedback.__table__.columns.keys())
    assert columns == {"id", "satisfaction", "message", "page", "created_at"}


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"message": ""}, "message", feedback.ENTER_MESSAGE),
    ({"message": "   "}, "message", feedback.ENTER_MESSAGE),
    ({"message": "x" * (feedback.MAX_MESSAGE_LENGTH + 1)}, "message", feedback.MESSAGE_TOO_LONG),
    ({"message": "Fine", "satisfaction": "ecstatic"}, "satisfaction", feedback.CHOOSE_SATISFACTION),
])
def test_bad_feedback_is_refused_with_a_message_and_nothing_stored(client, data, field, message):
    response = client.post("/feedback", data=data)
    assert response.status_code == 400
    soup = page(response)
    assert message in text_of(soup, ".govuk-error-summary")
    assert message in text_of(soup, f"#{field}-error")
    assert db.session.scalar(sa.select(sa.func.count(Feedback.id))) == 0


@pytest.mark.parametrize("came_from", ["https://evil.example/x", "//evil.example", "/\\evil", "/" + "a" * 300, ""])
def test_a_page_that_is_not_a_path_on_this_site_is_dropped(client, came_from):
    assert client.post("/feedback", data={"message": "Hello", "page": came_from}).status_code == 302
    assert db.session.scalars(sa.select(Feedback)).one().page is None


def test_feedback_is_deleted_by_the_retention_schedule(app):
    now = dt.datetime(2026, 11, 30, 1, 0)
    db.session.add_all([Feedback(message="old", created_at=now - dt.timedelta(days=800)),
                        Feedback(message="recent", created_at=now - dt.timedelta(days=30))])
    db.session.commit()
    assert retention.apply_schedule(now)["feedback-deleted"] == 1
    assert [f.message for f in db.session.scalars(sa.select(Feedback))] == ["recent"]


class TestWithProductionProtections:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True}

    def test_feedback_without_the_csrf_token_is_refused(self, client):
        assert client.post("/feedback", data={"message": "Hello"}).status_code == 400
        assert db.session.scalar(sa.select(sa.func.count(Feedback.id))) == 0

    def test_feedback_is_rate_limited(self, client):
        token = helpers.csrf_token(client.get("/feedback").get_data(as_text=True))
        answers = [client.post("/feedback", data={"message": f"Note {n}", "csrf_token": token}).status_code
                   for n in range(6)]
        assert answers == [302] * 5 + [429]
        assert db.session.scalar(sa.select(sa.func.count(Feedback.id))) == 5
