"""'Was this relevant?' under each job in an alert email: signed links that need no sign-in, carry no
personal data, ask before recording (link scanners follow GETs), record once (a second answer replaces
the first), and reach the programme team's insights and its CSV, never a council's."""
from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from flask import url_for

from domain.vocabulary import AlertFrequency, ServiceArea, UserRole
from tests.factories import OrganisationFactory, RecruiterFactory, UserFactory
from tests.helpers import sign_in_as
from tests.pages import error_summary, heading, page, table_rows, texts
from tests.test_job_alerts import body, camden, job, mails, run, sam, save  # noqa: F401  (fixtures and builders)
from webapp.extensions import db
from webapp.models import AlertFeedback, SavedSearch, SentAlert
from webapp.services import alert_relevance, saved_searches


@pytest.fixture
def mailed(app, camden, sam):  # noqa: F811
    saved = save(sam, "q=fostering", AlertFrequency.DAILY)
    first = job(camden, saved, title="Fostering social worker", service_area=ServiceArea.FOSTERING)
    second = job(camden, saved, title="Fostering team manager", service_area=ServiceArea.FOSTERING)
    db.session.commit()
    assert run(sam).jobs_sent == 2
    [message] = mails(app)
    text = body(message)
    links = dict(re.findall(r"(\w[^\n]*)\n[^\n]*\nhttp[^\n]+\nWas this relevant\? Yes: (http\S+)", text))
    return dict(saved=saved, first=first, second=second, text=text, links=links,
                html=message.get_body(("html",)).get_content())


def path(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def answers() -> list[tuple]:
    db.session.expire_all()
    return [tuple(r) for r in db.session.execute(
        sa.select(AlertFeedback.vacancy_id, AlertFeedback.frequency, AlertFeedback.relevant).order_by(AlertFeedback.id))]


def test_every_job_in_the_email_asks_and_the_links_hold_no_personal_data(mailed, sam):  # noqa: F811
    assert mailed["text"].count("Was this relevant? Yes: ") == 2
    assert mailed["html"].count(">Yes</a> · <a") == 2
    urls = re.findall(r"http\S+/alerts/relevance/\S+", mailed["text"])
    assert len(urls) == 4
    for url in urls:
        assert "sam" not in url.lower() and "fostering" not in url.lower()
    # One signed token for the search's jobs in this email: it names the search and its claims, nothing else.
    tokens = {url.split("/alerts/relevance/")[1].split("/")[0] for url in urls}
    [token] = tokens
    assert set(alert_relevance.serializer().loads(token)) == {"s", "c"}
    assert {url.split("?")[0].rsplit("/", 1)[1] for url in urls} == {str(mailed["first"].id), str(mailed["second"].id)}


def test_a_link_asks_first_then_records_without_signing_in(client, mailed):
    yes_url = path(mailed["links"]["Fostering social worker"])
    asked = page(client.get(yes_url))
    assert heading(asked) == "Was this job relevant to your search?"
    assert texts(asked, "form#answer button") == ["Yes, it was relevant", "No, it was not relevant"]
    assert answers() == []  # following the link (as a mail scanner does) records nothing
    token_path = yes_url.split("?")[0]
    thanks = client.post(token_path, data={"answer": "yes"})
    assert thanks.status_code == 200
    assert "You said this job was relevant to your search" in page(thanks).get_text()
    client.post(token_path, data={"answer": "yes"})  # a double tap
    assert answers() == [(mailed["first"].id, AlertFrequency.DAILY, True)]
    client.post(token_path, data={"answer": "no"})  # changed their mind
    assert answers() == [(mailed["first"].id, AlertFrequency.DAILY, False)]
    no_first = page(client.get(token_path + "?answer=no"))
    assert texts(no_first, "form#answer button")[0] == "No, it was not relevant"
    assert "You said it was not relevant." in no_first.get_text()


def test_bad_links_and_answers_are_refused_and_record_nothing(client, mailed):
    token_path = path(mailed["links"]["Fostering social worker"]).split("?")[0]
    prefix, token, vacancy_id = token_path.rsplit("/", 2)
    cut_path = f"{prefix}/{token[:-6]}/{vacancy_id}"
    cut = client.get(cut_path)
    assert cut.status_code == 400 and "This link is not complete" in page(cut).get_text()
    assert client.post(cut_path, data={"answer": "yes"}).status_code == 400
    # The token without a job, or with a job this email did not list for the search, answers nothing.
    assert client.post(f"{prefix}/{token}", data={"answer": "yes"}).status_code == 400
    other_job = job(mailed["first"].organisation, mailed["saved"], title="Adoption social worker")
    db.session.commit()
    altered = client.post(f"{prefix}/{token}/{other_job.id}", data={"answer": "yes"})
    assert altered.status_code == 400 and "This link is not complete" in page(altered).get_text()
    # A link for another kind of signed thing (an unsubscribe token) is not an answer link.
    other = saved_searches.unsubscribe_token(mailed["saved"].user, [mailed["saved"]])
    assert client.post(f"/alerts/relevance/{other}", data={"answer": "yes"}).status_code == 400
    wrong = client.post(token_path, data={"answer": "maybe"})
    assert wrong.status_code == 400
    assert error_summary(page(wrong)) == ["Select yes or no to say whether the job was relevant"]
    assert answers() == []
    # Once the search is deleted, its links say so.
    saved_searches.delete(db.session.get(SavedSearch, mailed["saved"].id))
    db.session.commit()
    gone = client.get(token_path)
    assert gone.status_code == 400 and "the saved search it was sent for has been deleted" in page(gone).get_text()


def test_answers_outlive_the_search_and_reach_the_programme_team_only(client, mailed, camden):  # noqa: F811
    tokens = {title: path(url).split("?")[0] for title, url in mailed["links"].items()}
    client.post(tokens["Fostering social worker"], data={"answer": "yes"})
    client.post(tokens["Fostering team manager"], data={"answer": "no"})
    saved_searches.delete(db.session.get(SavedSearch, mailed["saved"].id))  # the search goes; the answers stay
    db.session.commit()
    assert db.session.scalars(sa.select(AlertFeedback.sent_alert_id)).all() == [None, None]
    assert db.session.scalar(sa.select(sa.func.count(SentAlert.id))) == 0
    assert len(answers()) == 2

    sign_in_as(client, UserFactory(role=UserRole.PROGRAMME_LEAD))
    db.session.commit()
    soup = page(client.get("/insights"))
    rows = {row[0]: row[1:] for row in table_rows(soup, "#table-alert_relevance")}
    assert rows["Daily"] == ["2", "1", "1", "50.0"]
    assert rows["Instant"] == ["0", "0", "0", "–"]
    assert rows["All alerts"] == ["2", "1", "1", "50.0"]
    lines = list(csv.reader(io.StringIO(client.get("/insights/alert_relevance.csv").get_data(as_text=True))))
    assert lines[0] == ["Alerts sent", "Answers", "Relevant", "Not relevant", "Relevant (%)"]
    assert ["All alerts", "2", "1", "1", "50.0"] in lines
    # Filtered to another council's jobs, none of these answers count.
    hackney = OrganisationFactory(name="Hackney", slug="hackney")
    db.session.commit()
    rows = {row[0]: row[1:] for row in table_rows(page(client.get("/insights?council=hackney")), "#table-alert_relevance")}
    assert rows["All alerts"] == ["0", "0", "0", "–"]

    sign_in_as(client, RecruiterFactory(organisation=hackney))
    db.session.commit()
    assert page(client.get("/insights")).select("#table-alert_relevance") == []
    assert client.get("/insights/alert_relevance.csv").status_code == 404


def test_a_search_s_token_answers_only_for_the_jobs_it_mailed_and_older_links_still_work(app, client, mailed):
    sent = db.session.scalars(sa.select(SentAlert).order_by(SentAlert.id)).all()
    token = alert_relevance.search_token(mailed["saved"].id, [s.id for s in sent])
    for claim in sent:
        assert alert_relevance.sent_alert_for(token, claim.vacancy_id).id == claim.id
    with pytest.raises(alert_relevance.BadRelevanceLink):
        alert_relevance.sent_alert_for(token)  # which job?
    with pytest.raises(alert_relevance.BadRelevanceLink):
        alert_relevance.sent_alert_for(token + "x", sent[0].vacancy_id)
    # A token for the first claim only does not reach the second job.
    narrow = alert_relevance.search_token(mailed["saved"].id, [sent[0].id])
    with pytest.raises(alert_relevance.BadRelevanceLink):
        alert_relevance.sent_alert_for(narrow, sent[1].vacancy_id)
    # Emails sent before carry one signed claim per job: those links still ask and record.
    old = alert_relevance.relevance_token(sent[1].id)
    assert alert_relevance.sent_alert_for(old).id == sent[1].id
    with pytest.raises(alert_relevance.BadRelevanceLink):
        alert_relevance.sent_alert_for(old, sent[0].vacancy_id)
    asked = page(client.get(f"/alerts/relevance/{old}?answer=no"))
    assert texts(asked, "form#answer button")[0] == "No, it was not relevant"
    assert asked.select_one("form#answer")["action"] == f"/alerts/relevance/{old}"
    assert client.post(f"/alerts/relevance/{old}", data={"answer": "no"}).status_code == 200
    assert answers() == [(mailed["second"].id, AlertFrequency.DAILY, False)]


def test_the_links_written_by_hand_are_the_routes_own(app, mailed):
    """The email formats its 60 job links from SITE_URL rather than url_for each: the same addresses."""
    token = alert_relevance.search_token(mailed["saved"].id, [1, 2])
    with app.test_request_context("/"):
        assert alert_relevance.relevance_path(token, 42, "yes") == url_for(
            "alerts.relevance", token=token, vacancy_id=42, answer="yes")
        first = mailed["first"]
        assert f"http://localhost{url_for('jobs.vacancy', vacancy_id=first.id, slug=first.slug)}\n" in mailed["text"]
