"""`flask seed`: the demo is complete and believable; --scale loads exactly N rows, deterministically."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from domain.geography import LONDON_BOROUGHS
from domain.safer_recruitment import incomplete_sections
from domain.vocabulary import (
    ApplicationStatus,
    ApplyMethod,
    RoleLevel,
    ServiceArea,
    SubRegion,
    UserRole,
    VacancyStatus,
)
from webapp.demo.words import CASELOAD_RANGE, SALARY_BANDS
from webapp.extensions import db
from webapp.models import (
    Application,
    ApplicationEvent,
    CandidateProfile,
    Follow,
    NewsArticle,
    Organisation,
    OutboxMessage,
    User,
    Vacancy,
)
from webapp.services import application_forms
from webapp.services.passwords import verify_password
from domain.vocabulary import is_valid_history
from webapp.cli.seed import seed_command
from webapp.demo.scale import seed_scale
from webapp.demo.seed import DEMO_ACCOUNTS, SeedError, seed_demo

NOW = dt.datetime(2026, 11, 20, 9, 30)


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture
def demo(app, shared_rows):
    """The demo, loaded once for the consecutive tests that only read it."""
    return shared_rows("demo seed=11", lambda: seed_demo(db.session, seed=11, now=NOW))


@pytest.fixture
def fresh_demo(app):
    """The demo, loaded for a test that changes it."""
    return seed_demo(db.session, seed=11, now=NOW)


def test_demo_loads_all_33_councils_across_the_four_sub_regions(demo):
    councils = db.session.scalars(sa.select(Organisation)).all()
    assert len(councils) == 33 == demo.councils
    assert {c.slug for c in councils} == {b.slug for b in LONDON_BOROUGHS}
    assert {c.sub_region for c in councils} == set(SubRegion)
    camden = next(c for c in councils if c.slug == "camden")
    assert camden.name == "Camden" and camden.sub_region == SubRegion.NORTH and camden.town == "King's Cross"
    for council in councils:
        assert council.offer_pay and council.offer_caseload and council.offer_supervision
        assert council.offer_development and council.offer_hybrid and council.about
        assert council.ofsted_rating is not None
        assert council.website.startswith("https://www.") and council.website.endswith(".gov.uk")
    # The offers are varied, not one text pasted 33 times.
    assert len({c.offer_pay for c in councils}) > 10


def test_demo_vacancies_cover_every_role_level_and_service_area_with_believable_terms(demo):
    live = db.session.scalars(sa.select(Vacancy).where(Vacancy.status == VacancyStatus.LIVE)).all()
    assert 300 <= len(live) <= 400
    assert {v.role_level for v in live} == set(RoleLevel)
    assert {v.service_area for v in live} == set(ServiceArea)
    assert count(Vacancy, Vacancy.status == VacancyStatus.DRAFT) > 0
    assert count(Vacancy, Vacancy.status == VacancyStatus.CLOSED) > 0
    assert len({v.organisation_id for v in live}) == 33
    today = NOW.date()
    for v in db.session.scalars(sa.select(Vacancy)):
        low, high = SALARY_BANDS[v.role_level]
        assert low <= v.salary_min <= v.salary_max <= high, (v.title, v.salary_min, v.salary_max)
        if v.caseload_max is not None:
            assert CASELOAD_RANGE[0] <= v.caseload_max <= CASELOAD_RANGE[1]
        assert v.protected_caseload_nqsw == (v.role_level == RoleLevel.NQSW)
        assert v.supervision_frequency is not None and v.hybrid_pattern is not None
        assert v.title and v.slug and v.description and len(v.summary) <= 300
        if v.apply_method == ApplyMethod.EXTERNAL:
            assert v.external_apply_url.startswith("https://www.") and ".gov.uk/jobs" in v.external_apply_url
        else:
            assert v.external_apply_url is None
        if v.status == VacancyStatus.LIVE:
            assert today + dt.timedelta(weeks=1) <= v.closing_date <= today + dt.timedelta(weeks=8)
            assert NOW - dt.timedelta(weeks=6) <= v.published_at <= NOW
            assert v.is_live_on(today)
        elif v.status == VacancyStatus.DRAFT:
            assert v.published_at is None
        else:
            assert v.closing_date < today and v.closed_at is not None
    nqsw = [v for v in live if v.role_level == RoleLevel.NQSW]
    assert nqsw and all(v.caseload_max is not None for v in nqsw)
    assert any(v.market_supplement for v in live) and any(v.retention_payment for v in live)
    assert any(v.funded_development and v.development_details for v in live)
    assert any(v.apply_method == ApplyMethod.EXTERNAL for v in live)
    assert any(v.title.startswith("Senior Practitioner") for v in live)
    assert any(v.title.startswith("Team Manager") for v in live)


def test_demo_applications_have_histories_that_follow_the_pipeline(demo):
    applications = db.session.scalars(sa.select(Application)).all()
    assert len(applications) == demo.applications == 80
    assert {a.status for a in applications} == set(ApplicationStatus)
    assert count(ApplicationEvent) == demo.application_events
    for application in applications:
        events = application.events
        path = [events[0].from_status] + [e.to_status for e in events]
        assert is_valid_history(path), (application.id, path)
        for before, after in zip(events, events[1:]):
            assert after.from_status == before.to_status
            assert before.created_at <= after.created_at
        assert events[-1].to_status == application.status
        assert application.submitted_at == events[0].created_at
        assert application.vacancy.status != VacancyStatus.DRAFT
        assert application.vacancy.apply_method == ApplyMethod.IN_PLATFORM
        assert application.submitted_at >= application.vacancy.published_at
        assert events[-1].created_at <= NOW
        for event in events:
            actor = db.session.get(User, event.actor_id)
            if event.to_status in (ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN):
                assert actor.id == application.candidate_id
            else:  # moved by a recruiter of the council that owns the vacancy
                assert actor.is_recruiter and actor.organisation_id == application.vacancy.organisation_id
        assert (application.decline_reason is not None) == (application.status == ApplicationStatus.OFFER_DECLINED)


def test_the_history_check_rejects_skipped_and_reopened_steps():
    s = ApplicationStatus
    assert is_valid_history([None, s.SUBMITTED, s.SHORTLISTED, s.INTERVIEW, s.OFFERED, s.HIRED])
    assert is_valid_history([None, s.SUBMITTED, s.WITHDRAWN])
    assert not is_valid_history([None, s.SUBMITTED, s.INTERVIEW])  # skipped the shortlist
    assert not is_valid_history([None, s.SUBMITTED, s.REJECTED, s.WITHDRAWN])  # already final
    assert not is_valid_history([None, s.SHORTLISTED])


def test_demo_candidates_follows_and_news(demo):
    profiles = db.session.scalars(sa.select(CandidateProfile)).all()
    assert 55 <= len(profiles) <= 65 and len(profiles) == demo.candidates
    assert count(User, User.role == UserRole.CANDIDATE) == len(profiles)
    assert len({p.role_level for p in profiles}) >= 6
    assert len({p.home_borough for p in profiles}) >= 15
    assert 0 < sum(p.discoverable for p in profiles) < len(profiles)
    for profile in profiles:
        if profile.role_level == RoleLevel.STUDENT:
            assert profile.swe_number is None
        else:
            assert profile.swe_number.startswith("SW") and profile.swe_number[2:].isdigit()
        assert profile.in_asye == (profile.role_level == RoleLevel.NQSW)
        assert set(profile.specialisms) <= {a.value for a in ServiceArea} and profile.specialisms
        assert profile.home_borough in profile.preferred_boroughs
    assert count(Follow) == demo.follows > 30
    news = db.session.scalars(sa.select(NewsArticle)).all()
    assert len(news) == 6
    assert any(a.organisation_id is None for a in news) and any(a.organisation_id for a in news)


def test_demo_features_five_live_jobs_from_five_councils_camden_among_them(demo):
    from webapp.services.featured import featured_vacancy_ids

    featured = db.session.scalars(sa.select(Vacancy).where(Vacancy.id.in_(featured_vacancy_ids()))).all()
    assert len(featured) == 5
    assert len({v.organisation_id for v in featured}) == 5
    assert "camden" in {v.organisation.slug for v in featured}


def test_demo_accounts_exist_for_every_role_and_their_passwords_verify(demo):
    assert {a.role for a in DEMO_ACCOUNTS} == set(UserRole)
    for account in DEMO_ACCOUNTS:
        user = db.session.scalar(sa.select(User).where(User.email == account.email))
        assert user is not None, account.email
        assert user.role == account.role and user.active
        assert verify_password(user.password_hash, account.password), account.email
    assert not verify_password(user.password_hash, DEMO_ACCOUNTS[0].password)  # each role has its own
    recruiter = db.session.scalar(sa.select(User).where(User.email == "recruiter@camden.example.org"))
    assert recruiter.organisation.slug == "camden"
    org_admin = db.session.scalar(sa.select(User).where(User.role == UserRole.ORG_ADMIN))
    assert org_admin.organisation.slug == "camden"
    sam = db.session.scalar(sa.select(User).where(User.email == "sam.social@example.org"))
    assert sam.profile is not None and sam.profile.discoverable
    assert count(Application, Application.candidate_id == sam.id) >= 3
    # Every council has a recruiter to post and move its applications.
    assert count(User, User.role == UserRole.RECRUITER) == 33


def test_demo_writes_an_outbox_row_for_every_vacancy(demo):
    vacancy_ids = set(db.session.scalars(sa.select(Vacancy.id)))
    published = set(db.session.scalars(sa.select(OutboxMessage.aggregate_id).where(
        OutboxMessage.topic == "vacancy.changed")))
    assert published == vacancy_ids
    assert demo.outbox_messages == count(OutboxMessage)


def test_demo_is_deterministic_and_refuses_to_load_twice(app):
    first = seed_demo(db.session, seed=5, now=NOW)
    titles = db.session.scalars(sa.select(Vacancy.title).order_by(Vacancy.id)).all()
    with pytest.raises(SeedError, match="--if-empty"):
        seed_demo(db.session, seed=5, now=NOW)
    _empty_database()
    second = seed_demo(db.session, seed=5, now=NOW)
    assert db.session.scalars(sa.select(Vacancy.title).order_by(Vacancy.id)).all() == titles
    assert (first.vacancies, first.applications, first.follows) == (second.vacancies, second.applications, second.follows)


def test_seed_command_if_empty_leaves_a_seeded_database_alone(app):
    runner = app.test_cli_runner()
    result = runner.invoke(seed_command, ["--if-empty", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "seeded 33 councils" in result.output and "vacancies" in result.output
    before = (count(Organisation), count(Vacancy), count(User), count(Application), count(OutboxMessage))
    again = runner.invoke(seed_command, ["--if-empty"])
    assert again.exit_code == 0, again.output
    assert "leaving it as it is" in again.output
    assert (count(Organisation), count(Vacancy), count(User), count(Application), count(OutboxMessage)) == before
    # Without --if-empty, a second load fails with advice, not a traceback.
    refused = runner.invoke(seed_command, [])
    assert refused.exit_code != 0 and "--if-empty" in refused.output


def test_seed_command_refuses_production(app):
    app.config["CONFIG_NAME"] = "production"
    result = app.test_cli_runner().invoke(seed_command, [])
    assert result.exit_code != 0 and "production" in result.output
    assert count(Organisation) == 0


def test_scale_loads_exactly_n_vacancies_and_candidates_with_outbox_rows(app):
    summary = seed_scale(db.session, 130, seed=7, now=NOW, batch_size=50)
    assert count(Organisation) == 33 and summary.councils_created == 33
    assert count(Vacancy) == 130 == summary.vacancy_count
    assert count(User, User.role == UserRole.CANDIDATE) == 130 == summary.candidates
    assert count(CandidateProfile) == 130
    vacancy_ids = set(db.session.scalars(sa.select(Vacancy.id)))
    outbox_vacancies = db.session.scalars(
        sa.select(OutboxMessage.aggregate_id).where(OutboxMessage.topic == "vacancy.changed",
                                                    OutboxMessage.aggregate_type == "vacancies")).all()
    assert sorted(outbox_vacancies) == sorted(vacancy_ids)
    profile_ids = set(db.session.scalars(sa.select(CandidateProfile.id)))
    outbox_profiles = set(db.session.scalars(
        sa.select(OutboxMessage.aggregate_id).where(OutboxMessage.topic == "profile.changed")))
    assert outbox_profiles == profile_ids
    for v in db.session.scalars(sa.select(Vacancy)):
        low, high = SALARY_BANDS[v.role_level]
        assert low <= v.salary_min <= v.salary_max <= high
    user = db.session.scalar(sa.select(User).where(User.role == UserRole.CANDIDATE).limit(1))
    assert verify_password(user.password_hash, "candidate-demo-pass")
    assert len({u for u in db.session.scalars(sa.select(User.password_hash))}) == 1  # one hash, reused


def test_scale_is_deterministic_from_its_seed(app):
    seed_scale(db.session, 60, seed=42, now=NOW, batch_size=25)
    titles = db.session.scalars(sa.select(Vacancy.title).order_by(Vacancy.id)).all()
    names = db.session.scalars(sa.select(User.full_name).order_by(User.id)).all()
    _empty_database()
    seed_scale(db.session, 60, seed=42, now=NOW, batch_size=25)
    assert db.session.scalars(sa.select(Vacancy.title).order_by(Vacancy.id)).all() == titles
    assert db.session.scalars(sa.select(User.full_name).order_by(User.id)).all() == names
    _empty_database()
    seed_scale(db.session, 60, seed=43, now=NOW, batch_size=25)
    assert db.session.scalars(sa.select(Vacancy.title).order_by(Vacancy.id)).all() != titles


def test_scale_adds_to_the_demo_without_duplicating_councils_and_refuses_the_same_seed_twice(fresh_demo):
    before = count(Vacancy)
    summary = seed_scale(db.session, 40, seed=9, now=NOW)
    assert summary.councils_created == 0 and count(Organisation) == 33
    assert count(Vacancy) == before + 40
    with pytest.raises(SeedError, match="--seed 10"):
        seed_scale(db.session, 40, seed=9, now=NOW)
    assert count(Vacancy) == before + 40


def test_scale_command_prints_a_summary_and_relays_the_outbox(app):
    result = app.test_cli_runner().invoke(seed_command, ["--scale", "25", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "25 vacancies" in result.output and "25 candidates" in result.output
    assert "relayed" in result.output
    assert count(OutboxMessage, OutboxMessage.delivered_at.is_(None)) == 0
    bad = app.test_cli_runner().invoke(seed_command, ["--scale", "0"])
    assert bad.exit_code != 0 and "positive" in bad.output


def test_seed_command_explains_a_database_without_tables(tmp_path):
    from webapp import create_app

    bare = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bare.sqlite3'}",
                               "INSTANCE_PATH": str(tmp_path), "SEARCH_SQLITE_PATH": str(tmp_path / "s.sqlite3")})
    with bare.app_context():
        result = bare.test_cli_runner().invoke(seed_command, [])
        db.session.remove()
        db.engine.dispose()
    assert result.exit_code != 0
    assert "flask db upgrade" in result.output


def _empty_database() -> None:
    """Start again inside one test (the fixture empties the tables after it)."""
    from tests.conftest import _empty_all_tables

    db.session.commit()
    db.session.close()
    _empty_all_tables()


def test_demo_applications_carry_a_complete_safer_recruitment_form_and_two_referees(demo):
    for application in db.session.scalars(sa.select(Application)):
        answers = {**application.answers, "referees": application_forms.referees_as_answers(application.referees),
                   "referee_consent": True}
        assert incomplete_sections(answers, application.submitted_at.date()) == [], application.id
        assert [(r.position, r.current_employer) for r in application.referees] == [(1, True), (2, False)]
        references_in = application.status in (ApplicationStatus.OFFERED, ApplicationStatus.HIRED,
                                                ApplicationStatus.OFFER_DECLINED)
        assert all((r.received_at is not None) == references_in for r in application.referees)


def test_demo_holds_the_last_three_months_bulletins_built_by_the_bulletin_service(demo, client):
    from tests.helpers import sign_in_as
    from tests.pages import links, page
    from webapp.models import Bulletin

    months = [dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)]  # the whole months before NOW
    built = db.session.scalars(sa.select(Bulletin)).all()
    assert sorted({b.month for b in built}) == months
    assert len(built) == demo.bulletins == 3 * 34  # the region and every council, each month
    october = db.session.scalar(sa.select(Bulletin).where(Bulletin.month == months[-1], Bulletin.scope == "region"))
    assert october.pdf.startswith(b"%PDF") and october.title in october.html
    assert october.figures["headline"]["job_views"] > 0  # built from the demo's own funnel, not left empty
    # The programme lead's bulletins page lists them, each with its page and PDF.
    lead = db.session.scalar(sa.select(User).where(User.role == UserRole.PROGRAMME_LEAD))
    sign_in_as(client, lead)
    response = client.get("/insights/bulletins")
    assert response.status_code == 200
    hrefs = [href for _, href in links(page(response), "main a")]
    assert f"/insights/bulletins/{october.id}.pdf" in hrefs and f"/insights/bulletins/{october.id}.html" in hrefs


def test_demo_bulletins_leave_out_months_that_have_not_started():
    from webapp.demo.bulletins import demo_bulletin_months

    assert demo_bulletin_months(dt.datetime(2026, 11, 20, 9), today=dt.date(2026, 11, 30)) == [
        dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
    assert demo_bulletin_months(dt.datetime(2027, 1, 10), today=dt.date(2026, 11, 30)) == [
        dt.date(2026, 10, 1), dt.date(2026, 11, 1)]
