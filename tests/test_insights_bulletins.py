"""The monthly bulletin: exact figures in HTML and PDF, rebuilding in place, who sees it and who is mailed."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from domain.funnel import FunnelStep
from domain.vocabulary import UserRole
from tests.conftest import sent_mail
from tests.factories import CandidateFactory, OrganisationFactory, RecruiterFactory, UserFactory, VacancyFactory
from tests.helpers import sign_in_as
from tests.pages import links, page, table_rows, text_of, texts
from webapp.extensions import db
from webapp.models import Bulletin, FunnelEvent
from webapp.services import bulletins

OCTOBER = dt.date(2026, 10, 1)


def event(kind: FunnelStep, when: dt.datetime, visitor: str, vacancy) -> None:
    db.session.add(FunnelEvent(kind=kind.value, occurred_at=when, visitor_id=visitor,
                               organisation_id=vacancy.organisation_id, vacancy_id=vacancy.id))


@pytest.fixture
def month_of_data(app):
    camden = OrganisationFactory(name="Camden", slug="camden")
    hackney = OrganisationFactory(name="Hackney", slug="hackney")
    posted = dt.datetime(2026, 10, 2, 9)
    camden_jobs = VacancyFactory.create_batch(2, organisation=camden, published_at=posted,
                                              closing_date=dt.date(2027, 6, 30))
    hackney_job = VacancyFactory(organisation=hackney, published_at=dt.datetime(2026, 9, 10, 9),
                                 closing_date=dt.date(2027, 6, 30))
    for visitor in ("v1", "v2", "v3"):
        event(FunnelStep.JOB_VIEW, dt.datetime(2026, 10, 5, 12), visitor, camden_jobs[0])
    for visitor in ("v1", "v2"):
        event(FunnelStep.APPLICATION, dt.datetime(2026, 10, 6, 12), visitor, camden_jobs[0])
    event(FunnelStep.HIRED, dt.datetime(2026, 10, 20, 12), "v1", camden_jobs[0])
    event(FunnelStep.JOB_VIEW, dt.datetime(2026, 9, 15, 12), "v9", hackney_job)
    db.session.commit()  # the rollups read committed events on their own connection
    return {"camden": camden, "hackney": hackney}


def _bulletin(scope: str) -> Bulletin:
    return db.session.scalar(sa.select(Bulletin).where(Bulletin.month == OCTOBER, Bulletin.scope == scope))


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_builds_html_and_pdf_with_the_exact_figures(month_of_data):
    report = bulletins.build_bulletins(OCTOBER)
    assert report.bulletins == 3  # the region and both councils
    camden, region = _bulletin("camden"), _bulletin("region")
    assert camden.title == "Camden recruitment bulletin: October 2026"
    assert camden.figures["headline"] | {"visitors": 0} == {
        "visitors": 0, "jobs_posted": 2, "job_views": 3, "apply_clicks": 0, "registrations": 0, "applications": 2,
        "hires": 1, "followers": 0}
    assert camden.figures["previous"]["job_views"] == 0
    assert region.figures["headline"]["jobs_posted"] == 2 and region.figures["previous"]["jobs_posted"] == 1
    assert region.figures["previous"]["job_views"] == 1
    assert [(c["name"], c["applications"], c["hires"]) for c in region.figures["councils"]] == [
        ("Camden", 2, 1), ("Hackney", 0, 0)]

    html = camden.html
    soup = page(html)
    assert html.startswith("<!DOCTYPE html>") and text_of(soup, "title") == "Camden recruitment bulletin: October 2026"
    assert text_of(soup, "h1") == "Camden recruitment bulletin: October 2026"
    # the row as read: the measure, then October, September, the change and the region
    assert texts(soup, "tr#headline-applications > *")[1:] == ["2", "0", "up 2", "2"]
    assert texts(soup, "tr#headline-hires > *")[1:] == ["1", "0", "up 1", "1"]
    assert " 2 live vacancies (2 FTE) and " in text_of(soup, "#supply-summary")
    assert "Hackney" not in html  # a council's bulletin holds no other council's figures

    assert camden.pdf.startswith(b"%PDF-")
    text = _pdf_text(camden.pdf)
    assert "Camden recruitment bulletin: October 2026" in text
    assert "Applications 2 0 up 2 2" in text and "Hires 1 0 up 1 1" in text and "Job views 3 0 up 3 3" in text
    region_text = _pdf_text(region.pdf)
    assert "Jobs posted 2 1 up 1 (100%)" in region_text and "Camden 2 3 2 1" in region_text


def test_rebuilding_a_month_replaces_it_in_place(month_of_data):
    bulletins.build_bulletins(OCTOBER)
    ids = {b.scope: b.id for b in db.session.scalars(sa.select(Bulletin))}
    camden_job = db.session.scalar(sa.select(FunnelEvent.vacancy_id).where(FunnelEvent.kind == "hired"))
    db.session.add(FunnelEvent(kind="hired", occurred_at=dt.datetime(2026, 10, 21, 9), visitor_id="v2",
                               organisation_id=month_of_data["camden"].id, vacancy_id=camden_job))
    db.session.commit()
    bulletins.build_bulletins(OCTOBER)
    db.session.expire_all()
    assert {b.scope: b.id for b in db.session.scalars(sa.select(Bulletin))} == ids
    assert _bulletin("camden").figures["headline"]["hires"] == 2
    assert "Hires 2 0 up 2 2" in _pdf_text(_bulletin("camden").pdf)


def test_mailed_to_subscribers_only_and_only_once(month_of_data, mail_folder):
    lead = UserFactory(role=UserRole.PROGRAMME_LEAD, email="lead@example.org")
    camden_recruiter = RecruiterFactory(organisation=month_of_data["camden"], email="camden@example.org")
    RecruiterFactory(organisation=month_of_data["hackney"], email="hackney@example.org")  # not subscribed
    gone = UserFactory(role=UserRole.PROGRAMME_LEAD, email="gone@example.org")
    for user in (lead, camden_recruiter, gone):
        bulletins.set_subscription(user, True)
    gone.active = False
    with pytest.raises(Exception):
        bulletins.set_subscription(CandidateFactory(), True)
    db.session.commit()
    bulletins.build_bulletins(OCTOBER)
    assert bulletins.mail_bulletins(OCTOBER) == 2
    mails = sent_mail(mail_folder)
    assert len(mails) == 2
    by_recipient = {re.search(r"^To: (.+)$", m, re.M).group(1): m for m in mails}
    assert set(by_recipient) == {"lead@example.org", "camden@example.org"}
    assert f"/insights/bulletins/{_bulletin('region').id}.pdf" in by_recipient["lead@example.org"]
    assert "Subject: London recruitment bulletin: October 2026" in by_recipient["lead@example.org"]
    assert f"/insights/bulletins/{_bulletin('camden').id}.pdf" in by_recipient["camden@example.org"]
    bulletins.build_bulletins(OCTOBER)  # a rebuild does not send it again
    assert bulletins.mail_bulletins(OCTOBER) == 0
    assert len(sent_mail(mail_folder)) == 2


def test_programme_lead_lists_views_and_downloads_every_bulletin(client, month_of_data):
    bulletins.build_bulletins(OCTOBER)
    sign_in_as(client, UserFactory(role=UserRole.PROGRAMME_LEAD))
    offered = {href for _, href in links(page(client.get("/insights/bulletins")), "main table a")}
    for scope in ("region", "camden", "hackney"):
        bulletin_id = _bulletin(scope).id
        assert {f"/insights/bulletins/{bulletin_id}.pdf", f"/insights/bulletins/{bulletin_id}.html"} <= offered, scope
    hackney = client.get(f"/insights/bulletins/{_bulletin('hackney').id}.html")
    assert hackney.status_code == 200 and hackney.mimetype == "text/html"
    assert text_of(page(hackney), "h1") == "Hackney recruitment bulletin: October 2026"
    pdf = client.get(f"/insights/bulletins/{_bulletin('region').id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    assert 'filename="bulletin-region-2026-10.pdf"' in pdf.headers["Content-Disposition"]
    assert client.get("/insights/bulletins/999999.pdf").status_code == 404


def test_a_council_sees_only_its_own_bulletin(client, month_of_data):
    bulletins.build_bulletins(OCTOBER)
    sign_in_as(client, RecruiterFactory(organisation=month_of_data["camden"]))
    html = client.get("/insights/bulletins").get_data(as_text=True)
    listed = [row[0] for row in table_rows(page(html), "main table")]
    assert listed == ["Camden recruitment bulletin: October 2026"]  # and neither Hackney's nor the region's
    assert {href for _, href in links(page(html), "main table a")} == {
        f"/insights/bulletins/{_bulletin('camden').id}.html", f"/insights/bulletins/{_bulletin('camden').id}.pdf"}
    assert "Hackney" not in html and "London recruitment bulletin" not in html
    assert client.get(f"/insights/bulletins/{_bulletin('camden').id}.pdf").status_code == 200
    for scope in ("hackney", "region"):
        assert client.get(f"/insights/bulletins/{_bulletin(scope).id}.html").status_code == 404
        assert client.get(f"/insights/bulletins/{_bulletin(scope).id}.pdf").status_code == 404


def test_candidates_and_the_public_get_no_bulletins(client, month_of_data):
    bulletins.build_bulletins(OCTOBER)
    region_id = _bulletin("region").id
    assert client.get(f"/insights/bulletins/{region_id}.pdf").status_code == 302
    sign_in_as(client, CandidateFactory())
    assert client.get("/insights/bulletins").status_code == 403
    assert client.get(f"/insights/bulletins/{region_id}.pdf").status_code == 403
    assert client.post("/insights/bulletins/subscription", data={"subscribe": "yes"}).status_code == 403


def test_subscription_toggle(client, app):
    user = RecruiterFactory()
    sign_in_as(client, user)
    def status():
        soup = page(client.get("/insights/bulletins"))
        return text_of(soup, "#subscription-status"), texts(soup, "main form button")

    assert status() == ("You do not get the bulletin by email.", ["Email me the bulletin each month"])
    assert client.post("/insights/bulletins/subscription", data={"subscribe": "yes"}).status_code == 302
    assert bulletins.is_subscribed(user)
    assert status() == (f"You get the bulletin by email each month ({user.organisation.name}'s).",
                        ["Stop emailing me the bulletin"])
    assert client.post("/insights/bulletins/subscription", data={"subscribe": "maybe"}).status_code == 400
    assert bulletins.is_subscribed(user)
    assert client.post("/insights/bulletins/subscription", data={"subscribe": "no"}).status_code == 302
    assert not bulletins.is_subscribed(user)
    assert status()[0] == "You do not get the bulletin by email."


def test_months(app):
    assert bulletins.parse_month("2026-02") == dt.date(2026, 2, 1)
    assert bulletins.month_end(dt.date(2028, 2, 1)) == dt.date(2028, 2, 29)
    assert bulletins.previous_month(dt.date(2027, 1, 1)) == dt.date(2026, 12, 1)
    for bad in ("2026-13", "2026-1", "Oct 2026", "", "1999-12"):
        with pytest.raises(bulletins.MonthInvalid):
            bulletins.parse_month(bad)
    with pytest.raises(bulletins.MonthInvalid):
        bulletins.build_bulletins(bulletins.previous_month(dt.date.today()).replace(year=dt.date.today().year + 1))


def test_cli_builds_any_month_and_rejects_a_bad_one(app, month_of_data):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["insights", "bulletin", "--month", "2026-10"])
    assert result.exit_code == 0, result.output
    assert "built 3 bulletin(s) for October 2026" in result.output
    again = runner.invoke(args=["insights", "bulletin", "--month", "2026-10"])
    assert again.exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Bulletin)) == 3
    bad = runner.invoke(args=["insights", "bulletin", "--month", "October"])
    assert bad.exit_code == 2 and "Enter the month as YYYY-MM" in bad.output


def test_the_scheduled_task_builds_last_month_and_mails(app, month_of_data, mail_folder):
    from workers import schedules, tasks

    entry = next(e for e in schedules.SCHEDULES if e["name"] == "monthly-bulletin")
    assert entry["queue_name"] == "analytics" and entry["cron"] == "30 5 1 * *"
    assert entry["func"] is tasks.build_monthly_bulletin
    bulletins.set_subscription(UserFactory(role=UserRole.ADMIN), True)
    db.session.commit()
    assert tasks.build_monthly_bulletin("2026-10") == {"month": "2026-10", "bulletins": 3, "mailed": 1}
    assert len(sent_mail(mail_folder)) == 1
