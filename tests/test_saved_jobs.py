"""Saved jobs and similar jobs: saving from a job's page (only social workers, only live jobs, once),
the saved jobs list, the reminder email before a saved job closes (once, never after applying), and the
few similar jobs on every job page (live, and for a social worker, the same hard constraints as jobs that fit)."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from domain.vocabulary import ContractType, VacancyStatus
from tests import helpers
from tests.conftest import sent_mail
from tests.factories import CandidateFactory, CandidateProfileFactory, OrganisationFactory, RecruiterFactory, VacancyFactory
from tests.pages import heading, links, page, texts
from tests.test_matching_flow import sign_in_as
from webapp.extensions import db
from webapp.models import Application, SavedJob
from webapp.services import accounts, saved_jobs

TODAY = dt.date.today()


@pytest.fixture
def engine() -> str:
    return "exact"  # similar jobs' test runs on Elasticsearch's kNN too


@pytest.fixture
def app_overrides(request, engine):
    overrides = {"WTF_CSRF_ENABLED": True}  # forms are posted with their tokens, as a browser does
    if engine == "elasticsearch":
        overrides.update(SEARCH_URL=request.getfixturevalue("elasticsearch_url"),
                         SEARCH_INDEX_PREFIX=request.getfixturevalue("es_prefix"))
    return overrides


@pytest.fixture
def scene(app):
    camden = OrganisationFactory(name="Camden", slug="camden")
    job = VacancyFactory(organisation=camden, title="Social Worker, Child Protection", slug="social-worker-cp")
    closed = VacancyFactory(organisation=camden, title="Fostering Social Worker", slug="fostering",
                            status=VacancyStatus.CLOSED)
    candidate = CandidateFactory(full_name="Sam Social-Worker", email="sam@example.org")
    db.session.commit()
    return dict(council=camden, job=job, closed=closed, candidate=candidate,
                recruiter=RecruiterFactory(organisation=camden))


def job_url(vacancy) -> str:
    return f"/jobs/{vacancy.id}-{vacancy.slug}"


def token(client, url: str) -> str:
    return helpers.csrf_token(client.get(url).get_data(as_text=True))


def saved_rows() -> list[tuple[int, int]]:
    db.session.expire_all()
    return [tuple(r) for r in db.session.execute(sa.select(SavedJob.user_id, SavedJob.vacancy_id).order_by(SavedJob.id))]


# --- saving ----------------------------------------------------------------------------------------------------

def test_a_social_worker_saves_a_job_from_its_page_once(client, scene):
    job, sam = scene["job"], scene["candidate"]
    sign_in_as(client, sam)
    before = page(client.get(job_url(job)))
    [save_form] = before.select(f'form[action="/jobs/{job.id}/save"]')
    assert texts(save_form, "button") == ["Save this job"]
    csrf = token(client, job_url(job))
    response = client.post(f"/jobs/{job.id}/save", data={"csrf_token": csrf})
    assert response.status_code == 302 and response.headers["Location"] == job_url(job)
    after = page(client.get(job_url(job)))
    assert "You saved Social Worker, Child Protection. We will email you before it closes." in texts(after, ".govuk-notification-banner")[0]
    assert texts(after, ".app-save-job button") == ["Remove from saved jobs"]
    assert client.post(f"/jobs/{job.id}/save", data={"csrf_token": csrf}).status_code == 302  # a double tap
    assert saved_rows() == [(sam.id, job.id)]


def test_saving_needs_signing_in_as_a_social_worker_and_a_live_job(client, scene):
    job = scene["job"]
    csrf = token(client, job_url(job))
    response = client.post(f"/jobs/{job.id}/save", data={"csrf_token": csrf})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sign-in?next={job_url(job)}"  # back to the job after signing in
    sign_in_as(client, scene["recruiter"])
    assert texts(page(client.get(job_url(job))), ".app-save-job button") == []  # staff are not offered it
    refused = client.post(f"/jobs/{job.id}/save", data={"csrf_token": csrf})
    assert refused.status_code == 403
    assert "Only social workers can save jobs" in page(refused).get_text()
    sign_in_as(client, scene["candidate"])
    closed = client.post(f"/jobs/{scene['closed'].id}/save", data={"csrf_token": csrf})
    assert closed.status_code == 400
    assert "This job has closed, so it cannot be saved." in page(closed).get_text()
    assert client.post("/jobs/99999999/save", data={"csrf_token": csrf}).status_code == 404
    assert client.post("/jobs/99999999999/save", data={"csrf_token": csrf}).status_code == 404
    assert client.post(f"/jobs/{job.id}/save").status_code == 400  # no CSRF token
    assert saved_rows() == []


def test_the_saved_jobs_list_and_removing_from_it(client, scene):
    job, closed, sam = scene["job"], scene["closed"], scene["candidate"]
    db.session.add_all([SavedJob(user_id=sam.id, vacancy_id=job.id), SavedJob(user_id=sam.id, vacancy_id=closed.id)])
    db.session.commit()
    sign_in_as(client, sam)
    soup = page(client.get("/account/saved-jobs"))
    assert heading(soup) == "Saved jobs"
    assert texts(soup, "h2") [:2] == ["Open (1)", "Closed (1)"]
    assert links(soup, "#open h3 + p, #open ~ ul h3 a") == [("Social Worker, Child Protection", job_url(job))]
    assert ("Saved jobs", "/account/saved-jobs") in links(soup, ".govuk-service-navigation a")
    csrf = token(client, "/account/saved-jobs")
    response = client.post(f"/jobs/{closed.id}/unsave?from=saved", data={"csrf_token": csrf})
    assert response.status_code == 302 and response.headers["Location"] == "/account/saved-jobs"
    assert saved_rows() == [(sam.id, job.id)]
    response = client.post(f"/jobs/{job.id}/unsave", data={"csrf_token": csrf})
    assert response.headers["Location"] == job_url(job)
    assert saved_rows() == []
    assert "You have not saved any jobs." in page(client.get("/account/saved-jobs")).get_text()


def test_the_saved_jobs_pages_are_a_social_workers_own(client, scene):
    csrf = token(client, job_url(scene["job"]))
    assert client.get("/account/saved-jobs").status_code == 302  # to sign in
    sign_in_as(client, scene["recruiter"])
    assert client.get("/account/saved-jobs").status_code == 403
    assert client.post(f"/jobs/{scene['job'].id}/unsave", data={"csrf_token": csrf}).status_code == 403
    other = CandidateFactory()
    db.session.add(SavedJob(user_id=other.id, vacancy_id=scene["job"].id))
    db.session.commit()
    sign_in_as(client, scene["candidate"])
    assert "Social Worker, Child Protection" not in page(client.get("/account/saved-jobs")).select_one("main").get_text()
    client.post(f"/jobs/{scene['job'].id}/unsave", data={"csrf_token": csrf})
    assert saved_rows() == [(other.id, scene["job"].id)]  # removing one's own entry never touches another's


# --- the reminder before a saved job closes ----------------------------------------------------------------

def test_one_reminder_email_before_saved_jobs_close_and_never_twice(app, scene, mail_folder):
    sam, council = scene["candidate"], scene["council"]
    tomorrow = VacancyFactory(organisation=council, title="Team Manager, MASH", closing_date=TODAY + dt.timedelta(days=1))
    today = VacancyFactory(organisation=council, title="Senior Practitioner, CIN", closing_date=TODAY)
    later = VacancyFactory(organisation=council, title="Not yet", closing_date=TODAY + dt.timedelta(days=10))
    applied = VacancyFactory(organisation=council, title="Applied already", closing_date=TODAY)
    for vacancy in (tomorrow, today, later, applied, scene["closed"]):
        db.session.add(SavedJob(user_id=sam.id, vacancy_id=vacancy.id))
    db.session.add(Application(vacancy=applied, candidate_id=sam.id))
    db.session.commit()

    assert saved_jobs.queue_closing_reminders(TODAY) == 1
    [mail] = sent_mail(mail_folder)
    assert "Subject: 2 jobs you saved close soon" in mail
    assert "To: sam@example.org" in mail
    assert "Senior Practitioner, CIN, Camden (closes today)" in mail
    assert "Team Manager, MASH, Camden (closes tomorrow)" in mail
    assert mail.index("Senior Practitioner, CIN") < mail.index("Team Manager, MASH")
    assert "Not yet" not in mail and "Applied already" not in mail and "Fostering" not in mail
    assert f"/jobs/{today.id}-" in mail and "/account/saved-jobs" in mail

    assert saved_jobs.queue_closing_reminders(TODAY) == 0  # run again (a retry, a second scheduler)
    assert len(sent_mail(mail_folder)) == 1
    # Ten days on, the later job is in its last days: its own reminder, alone.
    assert saved_jobs.queue_closing_reminders(TODAY + dt.timedelta(days=8)) == 1
    [second] = [m for m in sent_mail(mail_folder) if "Subject: A job you saved closes in 2 days: Not yet" in m]
    assert "Senior Practitioner, CIN" not in second


def test_no_reminder_for_an_account_that_is_closed(app, scene, mail_folder):
    sam = scene["candidate"]
    VacancyFactory(organisation=scene["council"], closing_date=TODAY)
    db.session.add(SavedJob(user_id=sam.id, vacancy_id=scene["job"].id))
    scene["job"].closing_date = TODAY
    sam.active = False
    db.session.commit()
    assert saved_jobs.queue_closing_reminders(TODAY) == 0
    assert sent_mail(mail_folder) == []


def test_saved_jobs_are_in_the_data_export_and_leave_with_the_account(client, scene):
    sam = scene["candidate"]
    db.session.add(SavedJob(user_id=sam.id, vacancy_id=scene["job"].id))
    db.session.commit()
    exported = accounts.export_personal_data(sam)
    assert [(e["job"], e["council"]) for e in exported["saved_jobs"]] == [("Social Worker, Child Protection", "Camden")]
    json.dumps(exported)
    accounts.PERSONAL_DATA_SOURCES["saved_jobs"].erase(sam)
    db.session.commit()
    assert saved_rows() == []


# --- similar jobs on every job page --------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ["exact", "elasticsearch"])
def test_similar_jobs_are_live_jobs_like_this_one(client, scene, engine):
    council, job = scene["council"], scene["job"]
    like = VacancyFactory(organisation=council, title="Social Worker, Child Protection Team 2", slug="cp-2",
                          description=job.description, summary=job.summary)
    locum = VacancyFactory(organisation=council, title="Locum Social Worker, Child Protection", slug="cp-locum",
                           description=job.description, contract_type=ContractType.LOCUM)
    VacancyFactory(organisation=council, title="Closed twin", slug="cp-closed", description=job.description,
                   status=VacancyStatus.CLOSED)
    VacancyFactory(organisation=council, title="Past its date", slug="cp-old", description=job.description,
                   closing_date=TODAY - dt.timedelta(days=1))
    db.session.commit()
    shown = links(page(client.get(job_url(job))), ".app-similar-jobs a")
    # Never the job itself, a closed job or one past its closing date.
    assert sorted(shown) == [("Locum Social Worker, Child Protection", job_url(locum)),
                             ("Social Worker, Child Protection Team 2", job_url(like))]

    # Signed out, the page is kept, but it names each similar job's version: one that changes or closes
    # changes the kept page at once, without working the list out again.
    locum.title = "Locum Social Worker, Child Protection (renewed)"
    db.session.commit()
    shown = links(page(client.get(job_url(job))), ".app-similar-jobs a")
    assert ("Locum Social Worker, Child Protection (renewed)", job_url(locum)) in shown
    locum.status = VacancyStatus.CLOSED
    db.session.commit()
    shown = links(page(client.get(job_url(job))), ".app-similar-jobs a")
    assert shown == [("Social Worker, Child Protection Team 2", job_url(like))]

    # A social worker who wants permanent work only is shown only what fits them.
    sam = scene["candidate"]
    CandidateProfileFactory(user=sam, contract_types=["permanent"])
    db.session.commit()
    sign_in_as(client, sam)
    shown = links(page(client.get(job_url(job))), ".app-similar-jobs a")
    assert shown == [("Social Worker, Child Protection Team 2", job_url(like))]
