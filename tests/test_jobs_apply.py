"""Applying: the start page of the in-platform safer-recruitment form for signed-in social workers
(the form itself: test_application_form), and the tracked click through to a council's own system
for external-apply jobs."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from domain.vocabulary import ApplyMethod, VacancyStatus
from tests.application_forms import SECTIONS, fill
from tests.factories import CandidateFactory, RecruiterFactory, VacancyFactory
from tests import helpers
from tests.pages import heading, links, main_text, page, text_of, texts
from webapp.extensions import db
from webapp.models import Application, ApplicationDraft, FunnelEvent


def sign_in_as(client, user) -> None:
    # tests.helpers.sign_in_as reads the request (Flask-Login's session identifier): give it one
    # that matches the client's own requests.
    with client.application.test_request_context(environ_base=client.environ_base):
        helpers.sign_in_as(client, user)


def apply_url(vacancy) -> str:
    return f"/jobs/{vacancy.id}-{vacancy.slug}/apply"


def applications() -> list[Application]:
    return db.session.scalars(sa.select(Application)).all()


@pytest.fixture
def vacancy(app):
    job = VacancyFactory(title="Social worker, assessment", slug="social-worker-assessment")
    db.session.commit()
    return job


@pytest.fixture
def candidate(app):
    person = CandidateFactory()
    db.session.commit()
    return person


def test_someone_not_signed_in_is_sent_to_sign_in_and_back(client, vacancy):
    response = client.get(apply_url(vacancy))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert response.headers["Location"].endswith(f"next={apply_url(vacancy)}")
    assert client.post(apply_url(vacancy), data={"supporting_statement": "Hello"}).status_code == 302
    assert applications() == []


def send_complete_application(client, candidate, vacancy):
    """Start from the job's apply page, fill every section (through the service), send from check your answers."""
    start = client.post(apply_url(vacancy))
    assert start.status_code == 302
    draft = fill(db.session.scalars(sa.select(ApplicationDraft)).one())
    db.session.commit()
    return client.post(f"/apply/{draft.id}/check", data={"confirm": "y"})


def test_a_social_worker_applies_and_sees_a_confirmation(client, vacancy, candidate):
    sign_in_as(client, candidate)
    form = client.get(apply_url(vacancy))
    assert form.status_code == 200
    assert text_of(page(form), "#start-application") == "Start application"
    response = send_complete_application(client, candidate, vacancy)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/jobs/{vacancy.id}-{vacancy.slug}/applied")
    [application] = applications()
    assert application.candidate_id == candidate.id and application.vacancy_id == vacancy.id
    assert application.supporting_statement == SECTIONS["supporting-statement"]["statement"]
    confirmation = client.get(response.headers["Location"])
    assert confirmation.status_code == 200
    panel = page(confirmation).select_one(".govuk-panel--confirmation")
    assert text_of(panel, ".govuk-panel__title") == "Application sent"
    assert text_of(panel, ".govuk-panel__body") == f"Your application reference CSW-{application.id:06d}"
    # The job page now says so instead of offering the button again (it was offered twice).
    job_page = page(client.get(f"/jobs/{vacancy.id}-{vacancy.slug}"))
    assert [t for t in texts(job_page, "main .govuk-inset-text") if t.startswith("You applied for this job on")] != []
    assert len(texts(job_page, "main .govuk-inset-text")) == 2
    assert links(job_page, "main a.govuk-button--start") == []


def test_a_supporting_statement_alone_is_not_an_application(client, vacancy, candidate):
    """The old short form (a statement and nothing else) no longer sends anything: posting it only starts
    the safer-recruitment form, whose statement rules are in test_application_form."""
    sign_in_as(client, candidate)
    response = client.post(apply_url(vacancy), data={"supporting_statement": "I have five years in assessment."})
    assert response.status_code == 302 and "/apply/" in response.headers["Location"]
    assert applications() == []


def test_applying_twice_keeps_one_application(client, vacancy, candidate):
    sign_in_as(client, candidate)
    send_complete_application(client, candidate, vacancy)
    again = client.get(apply_url(vacancy))
    assert again.status_code == 302 and again.headers["Location"].endswith("/applied")
    second = client.post(apply_url(vacancy))
    assert second.status_code == 302 and second.headers["Location"].endswith("/applied")
    assert len(applications()) == 1
    assert db.session.scalars(sa.select(ApplicationDraft)).all() == []


def test_a_recruiter_cannot_apply(client, vacancy):
    recruiter = RecruiterFactory()
    db.session.commit()
    sign_in_as(client, recruiter)
    response = client.post(apply_url(vacancy), data={"supporting_statement": "Let me in"})
    assert response.status_code == 403
    assert "Only social workers can apply for jobs" in main_text(page(response))
    assert applications() == []


def test_a_closed_job_cannot_be_applied_for(client, vacancy, candidate):
    vacancy.closing_date = dt.date.today() - dt.timedelta(days=1)
    db.session.commit()
    sign_in_as(client, candidate)
    response = client.post(apply_url(vacancy), data={"supporting_statement": "Too late?"})
    assert response.status_code == 410 and heading(page(response)) == "This job has closed"
    assert applications() == []


def test_a_draft_or_unknown_job_cannot_be_applied_for(client, vacancy, candidate):
    vacancy.status = VacancyStatus.DRAFT
    db.session.commit()
    sign_in_as(client, candidate)
    assert client.post(apply_url(vacancy), data={"supporting_statement": "Hi"}).status_code == 404
    assert client.get("/jobs/424242-nothing/apply").status_code == 404
    assert applications() == []


def test_the_apply_form_for_an_external_job_sends_you_to_the_job_page(client, vacancy, candidate):
    vacancy.apply_method = ApplyMethod.EXTERNAL
    vacancy.external_apply_url = "https://jobs.example.gov.uk/123"
    db.session.commit()
    sign_in_as(client, candidate)
    response = client.post(apply_url(vacancy), data={"supporting_statement": "Hi"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/jobs/{vacancy.id}-{vacancy.slug}")
    assert applications() == []


def test_the_confirmation_page_is_only_for_someone_who_applied(client, vacancy, candidate):
    sign_in_as(client, candidate)
    assert client.get(f"/jobs/{vacancy.id}-{vacancy.slug}/applied").status_code == 404


# --- applying on the council's own site --------------------------------------------------------

@pytest.fixture
def external(app):
    job = VacancyFactory(apply_method=ApplyMethod.EXTERNAL, external_apply_url="https://jobs.example.gov.uk/apply?id=7")
    db.session.commit()
    return job


def clicks() -> list[FunnelEvent]:
    return db.session.scalars(sa.select(FunnelEvent).where(FunnelEvent.kind == "apply_click")).all()


def test_a_click_through_is_recorded_then_redirected(client, external):
    response = client.get(f"/jobs/{external.id}/apply-external", environ_base={"REMOTE_ADDR": "198.51.100.4"})
    assert response.status_code == 302
    assert response.headers["Location"] == "https://jobs.example.gov.uk/apply?id=7"
    [click] = clicks()
    assert click.vacancy_id == external.id and click.organisation_id == external.organisation_id
    assert len(click.visitor_id) == 64 and "198.51.100.4" not in click.visitor_id
    assert click.user_id is None


def test_a_signed_in_click_through_records_who(client, external, candidate):
    sign_in_as(client, candidate)
    client.get(f"/jobs/{external.id}/apply-external")
    assert clicks()[0].user_id == candidate.id


@pytest.mark.parametrize("url", [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example/phish",
    "ftp://files.example.org/form",
    "https://user:pass@evil.example/",
    "https://exa mple.org/",
    "https://localhost/",
    "https://example.org:99999/",
    "",
    None,
])
def test_only_plain_web_addresses_are_followed(client, external, url):
    external.external_apply_url = url
    db.session.commit()
    response = client.get(f"/jobs/{external.id}/apply-external")
    assert response.status_code == 404
    assert "Contact the council to apply" in response.text
    assert clicks() == []


def test_an_in_platform_job_has_no_click_through(client, vacancy):
    response = client.get(f"/jobs/{vacancy.id}/apply-external")
    assert response.status_code == 302 and response.headers["Location"].endswith("/apply")
    assert clicks() == []


def test_a_closed_external_job_does_not_redirect(client, external):
    external.status = VacancyStatus.CLOSED
    db.session.commit()
    assert client.get(f"/jobs/{external.id}/apply-external").status_code == 410
    assert clicks() == []


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_ENABLED": True, "APPLY_RATE_LIMIT": "2 per minute"}])
def test_applying_is_rate_limited_per_person(client, vacancy, candidate):
    sign_in_as(client, candidate)
    statuses = [client.post(apply_url(vacancy)).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert client.get(apply_url(vacancy)).status_code == 302  # reading is never limited (it resumes the draft)
