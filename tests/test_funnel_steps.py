"""The funnel's steps of one application (started, reference received, interview scheduled): recorded once
each through funnel.record, rolled up, shown on the dashboard and in its CSVs, and used by time to hire."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain.funnel import FunnelStep
from domain.vocabulary import ApplicationStatus
from tests.factories import CandidateFactory, CandidateProfileFactory, OrganisationFactory, RecruiterFactory, VacancyFactory
from webapp.extensions import db
from webapp.models import FunnelEvent
from webapp.services import applications as pipeline
from webapp.services import funnel


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
