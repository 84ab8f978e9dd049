"""'Was this relevant?' under each job in an alert email: signed links that need no sign-in, carry no
personal data, ask before recording (link scanners follow GETs), record once (a second answer replaces
the first), and reach the programme team's insights and its CSV, never a council's."""
from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

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
    for url in re.findall(r"http\S+/alerts/relevance/\S+", mailed["text"]):
        assert "sam" not in url.lower() and "fostering" not in url.lower() and str(sam.id) not in url.split("/")[-1][:2]


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
    cut = client.get(token_path[:-6])
    assert cut.status_code == 400 and "This link is not complete" in page(cut).get_text()
    assert client.post(token_path[:-6], data={"answer": "yes"}).status_code == 400
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


def test_the_token_names_only_the_sent_alert(app, mailed):
    sent = db.session.scalars(sa.select(SentAlert).order_by(SentAlert.id)).first()
    assert alert_relevance.sent_alert_for(alert_relevance.relevance_token(sent.id)).id == sent.id
    with pytest.raises(alert_relevance.BadRelevanceLink):
        alert_relevance.sent_alert_for(alert_relevance.relevance_token(sent.id) + "x")
