"""Saved searches over HTTP: saving from /jobs, the "Saved searches and alerts" page (rename, how
often, pause, delete), ownership, CSRF, the limit, one-click unsubscribe, and account deletion."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import html
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from domain.vocabulary import AlertFrequency
from tests.conftest import sent_mail
from tests.factories import PASSWORD, CandidateFactory, OrganisationFactory, RecruiterFactory, VacancyFactory
from tests.pages import links as page_links, page as parsed, summary_list, tags, text_of, texts
from tests.helpers import csrf_token, sign_in_as
from webapp.extensions import db
from webapp.models import SavedSearch, SentAlert
from webapp.services import alerts, saved_searches


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}  # forms are posted with their tokens, as a browser does


@pytest.fixture
def camden(app):
    return OrganisationFactory(name="Camden", slug="camden")


@pytest.fixture
def sam(app):
    user = CandidateFactory(full_name="Sam Social", email="sam@example.org")
    db.session.commit()
    return user


def save(user, query: str, frequency=AlertFrequency.DAILY) -> SavedSearch:
    saved, _ = saved_searches.save_search(user, query, frequency)
    db.session.commit()
    return saved


def rows() -> list[SavedSearch]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SavedSearch).order_by(SavedSearch.id)))


def token_from(client, path: str = "/sign-out") -> str:
    return csrf_token(client.get(path).text)


# --- saving from /jobs -------------------------------------------------------------------------

def test_a_candidate_saves_a_search_from_the_jobs_page(client, camden, sam):
    VacancyFactory(organisation=camden, title="Fostering social worker")
    db.session.commit()
    sign_in_as(client, sam)
    page = client.get("/jobs?q=fostering&council=camden&page=1&sort=salary&utm_source=x")
    assert page.status_code == 200
    assert 'form="save-search"' in page.text and 'id="save-search"' in page.text
    query = html.unescape(re.search(r'name="query" value="([^"]*)"', page.text).group(1))

    response = client.post("/account/saved-searches", data={"csrf_token": csrf_token(page.text), "query": query})

    assert response.status_code == 302 and response.location.startswith("/account/saved-searches#saved-search-")
    [saved] = rows()
    assert saved.user_id == sam.id
    assert saved.query == "q=fostering&council=camden"  # normalised: no page, sort or tracking tags
    assert saved.name == "Fostering, Camden"
    assert saved.frequency == AlertFrequency.DAILY and saved.alerts_on
    [card] = parsed(client.get("/account/saved-searches")).select("#saved-searches .govuk-summary-card")
    assert text_of(card, ".govuk-summary-card__title") == "Fostering, Camden"
    answers = summary_list(card)
    assert "Council: Camden" in texts(card, ".govuk-summary-list__value ul li")
    assert tags(card) == ["On"] and "Once a day" in answers["Email alerts"]
    see_new = [text for text, href in page_links(card) if href == "/jobs?q=fostering&council=camden&sort=newest"]
    assert len(see_new) == 1 and see_new[0].startswith("See new jobs")


def test_saving_the_same_search_twice_keeps_one(client, sam):
    sign_in_as(client, sam)
    for _ in range(2):
        token = token_from(client, "/jobs?q=fostering")
        assert client.post("/account/saved-searches", data={"csrf_token": token, "query": "q=fostering"}).status_code == 302
    assert len(rows()) == 1
    banners = texts(parsed(client.get("/account/saved-searches")), ".govuk-notification-banner__content")
    assert [text for text in banners if "You had already saved this search" in text] != []


def test_signed_out_visitors_are_asked_to_sign_in_and_come_back(client):
    page = client.get("/jobs?q=fostering")
    assert 'id="save-search"' not in page.text
    assert "/sign-in?next=/jobs?q%3Dfostering" in page.text
    assert "to save this search" in page.text
    token = csrf_token(client.get("/sign-in").text)
    response = client.post("/account/saved-searches", data={"csrf_token": token, "query": "q=fostering"})
    assert response.status_code == 302 and response.location == "/sign-in?next=/jobs?q%3Dfostering"
    assert rows() == []


def test_saving_needs_the_csrf_token(client, sam):
    sign_in_as(client, sam)
    response = client.post("/account/saved-searches", data={"query": "q=fostering"})
    assert response.status_code == 400
    assert rows() == []


def test_only_social_workers_can_save_searches(client, camden):
    recruiter = RecruiterFactory(organisation=camden)
    db.session.commit()
    sign_in_as(client, recruiter)
    assert 'id="save-search"' not in client.get("/jobs?q=fostering").text
    token = token_from(client, "/sign-out")
    assert client.post("/account/saved-searches", data={"csrf_token": token, "query": "q=x"}).status_code == 403
    assert client.get("/account/saved-searches").status_code == 403
    assert rows() == []


def test_a_search_that_is_not_valid_is_not_saved(client, sam):
    sign_in_as(client, sam)
    token = token_from(client)
    response = client.post("/account/saved-searches", data={"csrf_token": token, "query": "role_level=wizard"})
    assert response.status_code == 400
    assert "cannot be saved" in response.text
    response = client.post("/account/saved-searches", data={"csrf_token": token, "query": "q=" + "x" * 2100})
    assert response.status_code == 400
    assert rows() == []


def test_the_number_of_saved_searches_is_limited_with_a_clear_message(client, sam):
    for n in range(saved_searches.MAX_SAVED_SEARCHES):
        save(sam, f"q=fostering{n}")
    sign_in_as(client, sam)
    response = client.post("/account/saved-searches", data={"csrf_token": token_from(client), "query": "q=adoption"})
    assert response.status_code == 400
    assert f"You already have {saved_searches.MAX_SAVED_SEARCHES} saved searches" in response.text
    assert len(rows()) == saved_searches.MAX_SAVED_SEARCHES


# --- managing saved searches ------------------------------------------------------------------------

def test_rename_change_frequency_and_pause(client, sam):
    saved = save(sam, "q=fostering")
    sign_in_as(client, sam)
    page = client.get(f"/account/saved-searches/{saved.id}/edit")
    assert page.status_code == 200 and 'value="Fostering"' in page.text
    response = client.post(f"/account/saved-searches/{saved.id}/edit", data={
        "csrf_token": csrf_token(page.text), "name": "  Fostering   near home ", "frequency": "weekly", "alerts": "off"})
    assert response.status_code == 302
    [row] = rows()
    assert (row.name, row.frequency, row.alerts_on) == ("Fostering near home", AlertFrequency.WEEKLY, False)
    [card] = parsed(client.get("/account/saved-searches")).select("#saved-searches .govuk-summary-card")
    assert text_of(card, ".govuk-summary-card__title") == "Fostering near home" and tags(card) == ["Paused"]


@pytest.mark.parametrize("data, message", [
    ({"name": "", "frequency": "daily", "alerts": "on"}, "Enter a name for this search"),
    ({"name": "x" * 101, "frequency": "daily", "alerts": "on"}, "100 characters or fewer"),
    ({"name": "Fine", "frequency": "hourly", "alerts": "on"}, "Not a valid choice"),
    ({"name": "Fine", "frequency": "daily"}, "Select whether to send email alerts"),
])
def test_bad_changes_are_refused_with_a_message_and_change_nothing(client, sam, data, message):
    saved = save(sam, "q=fostering")
    sign_in_as(client, sam)
    token = token_from(client, f"/account/saved-searches/{saved.id}/edit")
    response = client.post(f"/account/saved-searches/{saved.id}/edit", data={"csrf_token": token, **data})
    assert response.status_code == 400
    assert message in response.text and "There is a problem" in response.text
    [row] = rows()
    assert (row.name, row.frequency, row.alerts_on) == ("Fostering", AlertFrequency.DAILY, True)


def test_pause_and_resume_buttons(client, sam):
    saved = save(sam, "q=fostering")
    sign_in_as(client, sam)
    token = token_from(client)
    assert client.post(f"/account/saved-searches/{saved.id}/pause", data={"csrf_token": token}).status_code == 302
    assert rows()[0].alerts_on is False
    assert client.post(f"/account/saved-searches/{saved.id}/resume", data={"csrf_token": token}).status_code == 302
    row = rows()[0]
    assert row.alerts_on is True and row.last_checked_at is not None  # resumes from now, no backlog
    assert client.post(f"/account/saved-searches/{saved.id}/pause", data={}).status_code == 400
    assert rows()[0].alerts_on is True


def test_delete_asks_first_then_deletes(client, sam):
    saved = save(sam, "q=fostering")
    kept = save(sam, "q=adoption")
    sign_in_as(client, sam)
    page = client.get(f"/account/saved-searches/{saved.id}/delete")
    assert page.status_code == 200 and "Delete ‘Fostering’?" in html.unescape(page.text)
    assert [r.id for r in rows()] == [saved.id, kept.id]
    response = client.post(f"/account/saved-searches/{saved.id}/delete", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert [r.id for r in rows()] == [kept.id]


def test_other_peoples_saved_searches_are_not_found(client, sam):
    theirs = save(CandidateFactory(email="alex@example.org"), "q=fostering")
    sign_in_as(client, sam)
    token = token_from(client)
    assert client.get(f"/account/saved-searches/{theirs.id}/edit").status_code == 404
    assert client.get(f"/account/saved-searches/{theirs.id}/delete").status_code == 404
    for action in ("edit", "delete", "pause", "resume"):
        response = client.post(f"/account/saved-searches/{theirs.id}/{action}",
                               data={"csrf_token": token, "name": "Mine now", "frequency": "instant", "alerts": "off"})
        assert response.status_code == 404, action
    assert "Fostering" not in client.get("/account/saved-searches").text
    [row] = rows()
    assert (row.name, row.frequency, row.alerts_on) == ("Fostering", AlertFrequency.DAILY, True)


def test_the_account_navigation_links_to_saved_searches(client, sam):
    assert "/account/saved-searches" not in [href for _, href in page_links(parsed(client.get("/")), "header a")]
    sign_in_as(client, sam)
    assert "/account/saved-searches" in [href for _, href in page_links(parsed(client.get("/")), "header nav a")]


# --- one-click unsubscribe -------------------------------------------------------------------------

def alert_mail(app, camden, user, *searches) -> email.message.EmailMessage:
    """Send a real alert for these searches and return it."""
    for saved in searches:
        VacancyFactory(organisation=camden, title=f"Job for {saved.name}",
                       published_at=saved.created_at + dt.timedelta(minutes=5))
    db.session.commit()
    assert alerts.send_candidate_alerts(user.id, AlertFrequency.DAILY).mailed
    [text] = sent_mail(Path(app.config["MAIL_FOLDER"]))[-1:]
    return email.message_from_string(text, policy=email.policy.default)


def links(message, label: str) -> list[str]:
    text = message.get_body(("plain",)).get_content()
    return [urlsplit(m).path for m in re.findall(label + r": (\S+)", text)]


def test_one_click_unsubscribe_by_post_stops_that_search_only(app, client, camden, sam):
    fostering = save(sam, "q=fostering")
    adoption = save(sam, "q=adoption")
    message = alert_mail(app, camden, sam, fostering, adoption)
    first_link = links(message, "Stop emails for this search")[0]
    # A mail client's one-click button: a POST with no session and no CSRF token (RFC 8058).
    response = app.test_client().post(first_link, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "You have unsubscribed" in response.text
    assert [(r.name, r.alerts_on) for r in rows()] == [("Fostering", False), ("Adoption", True)]


def test_the_list_unsubscribe_header_stops_every_search_in_that_email(app, camden, sam):
    fostering = save(sam, "q=fostering")
    adoption = save(sam, "q=adoption")
    other = save(sam, "q=assessment")
    saved_searches.set_alerts(other, False)
    db.session.commit()
    message = alert_mail(app, camden, sam, fostering, adoption)
    saved_searches.set_alerts(other, True)
    db.session.commit()
    target = urlsplit(message["List-Unsubscribe"].strip("<>")).path
    assert app.test_client().post(target, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert [(r.name, r.alerts_on) for r in rows()] == [("Fostering", False), ("Adoption", False), ("Assessment", True)]


def test_opening_the_link_asks_to_confirm_and_changes_nothing_until_then(app, camden, sam):
    saved = save(sam, "q=fostering")
    link = links(alert_mail(app, camden, sam, saved), "Stop emails for this search")[0]
    visitor = app.test_client()  # not signed in: the link works from any browser
    page = visitor.get(link)
    assert page.status_code == 200
    assert "Unsubscribe from job alerts" in page.text and "Fostering" in page.text
    assert rows()[0].alerts_on is True  # a link scanner's GET unsubscribes no one
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    assert visitor.post(action).status_code == 200
    assert rows()[0].alerts_on is False
    assert visitor.post(action).status_code == 200  # a second click is harmless


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
    lambda t: "eyJ1IjoxLCJzIjpbMSwyXX0" + t[t.index("."):],  # payload swapped, old signature
    lambda t: "nonsense",
])
def test_a_tampered_link_is_refused_and_changes_nothing(app, sam, mangle):
    saved = save(sam, "q=fostering")
    token = saved_searches.unsubscribe_token(sam, [saved])  # as in every alert email (tested above)
    bad = f"/alerts/unsubscribe/{mangle(token)}"
    visitor = app.test_client()
    for method in (visitor.get, visitor.post):
        response = method(bad)
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.text
    assert rows()[0].alerts_on is True


def test_a_token_made_for_another_purpose_is_refused(app, sam):
    from itsdangerous import URLSafeSerializer

    saved = save(sam, "q=fostering")
    forged = URLSafeSerializer(app.config["SECRET_KEY"], salt="cswjobs.password-reset").dumps({"u": sam.id, "s": [saved.id]})
    assert app.test_client().post(f"/alerts/unsubscribe/{forged}").status_code == 400
    assert rows()[0].alerts_on is True


def test_an_unsubscribe_link_for_a_deleted_search_says_so(app, sam):
    saved = save(sam, "q=fostering")
    link = f"/alerts/unsubscribe/{saved_searches.unsubscribe_token(sam, [saved])}"
    saved_searches.delete(saved)
    db.session.commit()
    response = app.test_client().post(link)
    assert response.status_code == 200 and "already been deleted" in response.text


# --- personal data ----------------------------------------------------------------------------------

def test_downloading_your_data_includes_saved_searches(client, sam):
    save(sam, "q=fostering")
    sign_in_as(client, sam)
    data = client.get("/account/your-data/download").get_json()
    assert data["saved_searches"][0]["name"] == "Fostering"
    assert data["saved_searches"][0]["search"] == "q=fostering"


def test_deleting_the_account_removes_its_saved_searches_and_what_they_sent(app, client, camden, sam):
    saved = save(sam, "q=fostering")
    alert_mail(app, camden, sam, saved)
    other = save(CandidateFactory(email="alex@example.org"), "q=fostering")
    assert db.session.scalar(sa.select(sa.func.count(SentAlert.id))) == 1
    sign_in_as(client, sam)
    token = token_from(client, "/account/delete")
    response = client.post("/account/delete", data={"csrf_token": token, "password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    assert [r.id for r in rows()] == [other.id]
    assert db.session.scalar(sa.select(sa.func.count(SentAlert.id))) == 0


def test_the_demo_saved_searches_are_valid_normalised_searches(app):
    from webapp.demo.saved_searches import DEMO_SAVED_SEARCHES

    for _, query, *_ in DEMO_SAVED_SEARCHES:
        assert saved_searches.normalise(query) == query


def test_the_saved_searches_pages_need_signing_in(client, sam):
    saved = save(sam, "q=fostering")
    for path in ("/account/saved-searches", f"/account/saved-searches/{saved.id}/edit",
                 f"/account/saved-searches/{saved.id}/delete"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.location, path
