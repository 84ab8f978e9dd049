"""The funnel's steps of one application (started, reference received, interview scheduled): recorded once
each through funnel.record, rolled up, shown on the dashboard and in its CSVs, and used by time to hire."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa

from domain.funnel import FunnelStep
from domain.vocabulary import ApplicationStatus, UserRole
from tests.factories import (
    CandidateFactory,
    CandidateProfileFactory,
    OrganisationFactory,
    RecruiterFactory,
    UserFactory,
    VacancyFactory,
)
from tests.helpers import sign_in_as
from tests.pages import page, table_rows
from webapp.extensions import db
from webapp.models import Application, ApplicationEvent, FunnelEvent
from webapp.services import applications as pipeline
from webapp.services import funnel, rollups


@pytest.fixture
def application(app):
    council = OrganisationFactory(name="Croydon", slug="croydon")
    RecruiterFactory(organisation=council)
    profile = CandidateProfileFactory(user=CandidateFactory(), swe_number="SW123456")
    vacancy = VacancyFactory(organisation=council)
    application = pipeline.submit(profile.user, vacancy, "Four years in assessment.")
    db.session.commit()
    return application


def kinds(application) -> list[str]:
    return list(db.session.scalars(sa.select(FunnelEvent.kind).where(FunnelEvent.application_id == application.id)
                                   .order_by(FunnelEvent.id)))


def test_reference_and_interview_steps_are_recorded_once_per_application(application):
    first = funnel.record(FunnelStep.REFERENCE_RECEIVED, application=application)
    again = funnel.record(FunnelStep.REFERENCE_RECEIVED, application=application)  # the second referee answers
    interview = funnel.record(FunnelStep.INTERVIEW_SCHEDULED, application=application)
    moved = funnel.record(FunnelStep.INTERVIEW_SCHEDULED, application=application)  # the interview is moved
    db.session.commit()
    assert first is not None and interview is not None
    assert again is None and moved is None
    assert kinds(application) == ["reference_received", "interview_scheduled"]
    event = db.session.scalar(sa.select(FunnelEvent).where(FunnelEvent.kind == "interview_scheduled"))
    assert (event.user_id, event.vacancy_id, event.organisation_id, event.visitor_id) == (
        application.candidate_id, application.vacancy_id, application.vacancy.organisation_id, None)


def test_a_step_that_is_not_one_applications_is_refused(application):
    for step in (FunnelStep.JOB_VIEW, FunnelStep.APPLICATION, FunnelStep.HIRED):
        with pytest.raises(ValueError, match="not a step of one application"):
            funnel.record(step, application=application)
    assert kinds(application) == []


def test_started_counts_only_a_social_worker_in_a_browser(app, application):
    # Outside a request (a worker, a script) nobody is browsing: the visitor step is not counted.
    assert funnel.record(FunnelStep.APPLICATION_STARTED, application=application) is None
    with app.test_request_context("/", headers={"User-Agent": "Mozilla/5.0 (iPhone)"}):
        assert funnel.record(FunnelStep.APPLICATION_STARTED, application=application,
                             user=application.candidate) is not None
        assert funnel.record(FunnelStep.APPLICATION_STARTED, application=application,
                             user=application.candidate) is None
    db.session.commit()
    assert kinds(application) == ["application_started"]
    assert application.status == ApplicationStatus.SUBMITTED


def test_started_before_there_is_an_application_is_once_per_social_worker_and_job(app):
    council = OrganisationFactory(name="Croydon", slug="croydon")
    candidate, other = CandidateFactory(), CandidateFactory()
    vacancy, second = VacancyFactory(organisation=council), VacancyFactory(organisation=council)
    db.session.commit()
    with app.test_request_context("/", headers={"User-Agent": "Mozilla/5.0 (iPhone)"}):
        assert funnel.record(FunnelStep.APPLICATION_STARTED, vacancy=vacancy, user=candidate) is not None
        assert funnel.record(FunnelStep.APPLICATION_STARTED, vacancy=vacancy, user=candidate) is None
        assert funnel.record(FunnelStep.APPLICATION_STARTED, vacancy=second, user=candidate) is not None
        assert funnel.record(FunnelStep.APPLICATION_STARTED, vacancy=vacancy, user=other) is not None
        with pytest.raises(ValueError, match="needs the application"):
            funnel.record(FunnelStep.APPLICATION_STARTED, vacancy=vacancy)
        with pytest.raises(ValueError, match="pass application="):
            funnel.record(FunnelStep.INTERVIEW_SCHEDULED, vacancy=vacancy, user=candidate)
    db.session.commit()
    rows = db.session.execute(sa.select(FunnelEvent.user_id, FunnelEvent.vacancy_id, FunnelEvent.kind)
                              .order_by(FunnelEvent.id)).all()
    assert [tuple(r) for r in rows] == [(candidate.id, vacancy.id, "application_started"),
                                        (candidate.id, second.id, "application_started"),
                                        (other.id, vacancy.id, "application_started")]


# --- on the dashboard, in its CSVs and in time to hire ---------------------------------------------------------

def test_the_new_steps_are_in_the_funnel_and_time_to_hire_on_the_dashboard_and_in_csv(app, client):
    council = OrganisationFactory(name="Croydon", slug="croydon")
    vacancy = VacancyFactory(organisation=council)
    day = dt.date.today() - dt.timedelta(days=10)
    at = dt.datetime.combine(day, dt.time(9))
    people = [CandidateFactory() for _ in range(3)]
    db.session.flush()

    def event(kind, user, hours, application=None):
        db.session.add(FunnelEvent(kind=kind, occurred_at=at + dt.timedelta(hours=hours), user_id=user.id,
                                   visitor_id=f"v{user.id}", organisation_id=council.id, vacancy_id=vacancy.id,
                                   application_id=application.id if application else None))

    # Three start an application; two send it (one 2 days after starting, one 4); one of those is invited to
    # interview a day after sending, has a reference back and is hired 6 days after starting.
    for person in people:
        event("application_started", person, 0)
    sent = []
    for person, days in zip(people[:2], (2, 4)):
        application = Application(vacancy=vacancy, candidate_id=person.id, supporting_statement="CP.",
                                  submitted_at=at + dt.timedelta(days=days))
        db.session.add(application)
        db.session.flush()
        event("application_submitted", person, days * 24, application)
        sent.append(application)
    hired = sent[0]
    event("shortlisted", people[0], 60, hired)
    event("interview_scheduled", people[0], 72, hired)
    event("reference_received", people[0], 90, hired)
    event("interview", people[0], 100, hired)
    event("offered", people[0], 120, hired)
    event("hired", people[0], 144, hired)
    db.session.add(ApplicationEvent(application_id=hired.id, to_status=ApplicationStatus.HIRED,
                                    created_at=at + dt.timedelta(days=6)))
    lead = UserFactory(role=UserRole.PROGRAMME_LEAD)
    db.session.commit()
    rollups.rollup(day, dt.date.today())

    sign_in_as(client, lead)
    period = f"from={day}&to={dt.date.today()}"
    soup = page(client.get(f"/insights?{period}"))
    funnel_rows = {row[0]: row[1:] for row in table_rows(soup, "#table-funnel")}
    assert funnel_rows["Applications started here"] == ["3", "–", ""]
    assert funnel_rows["Applications made here"] == ["2", "66.7", "Applications started here"]
    assert funnel_rows["Interviews scheduled"] == ["1", "100.0", "Shortlisted"]
    assert funnel_rows["Interviewed"] == ["1", "100.0", "Shortlisted"]
    assert funnel_rows["References received"] == ["1", "–", ""]
    assert funnel_rows["Hired"] == ["1", "100.0", "Offered"]
    timings = {row[0]: row[1:] for row in table_rows(soup, "#table-timings")}
    assert timings["Time to hire from starting the application (started to hire)"][:3] == ["1", "6.0", "6.0"]
    assert timings["Starting an application to sending it"] == ["2", "2.5", "3.0", "3.5"]
    assert timings["Application to interview scheduled"] == ["1", "1.0", "1.0", "1.0"]

    rows = list(csv.reader(io.StringIO(client.get(f"/insights/funnel.csv?{period}").get_data(as_text=True))))
    assert rows[0] == ["Step", "People", "Conversion (%)", "Of those at"]
    assert ["Interviews scheduled", "1", "100.0", "Shortlisted"] in rows
    assert ["References received", "1", "", ""] in rows
    timing_csv = client.get(f"/insights/timings.csv?{period}").get_data(as_text=True)
    assert "Starting an application to sending it,2,2.5,3.0,3.5" in timing_csv
