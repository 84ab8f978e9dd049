"""The retention schedule, run with a clock: what is warned, deleted and emptied, when, and only once."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

import config
from domain.vocabulary import ApplicationStatus, UserRole
from tests import helpers
from tests.factories import PASSWORD, CandidateFactory, CandidateProfileFactory, UserFactory, VacancyFactory
from webapp.extensions import db
from webapp.models import (
    Application,
    ApplicationEvent,
    ApplicationMessage,
    AuditLog,
    Interview,
    InterviewFormat,
    MailStatus,
    MessageSide,
    OutgoingMail,
    Referee,
    User,
    WorkforceLeaver,
)
from webapp.services import accounts, retention
from workers import retention_tasks
from workers.schedules import SCHEDULES

NOW = dt.datetime(2026, 11, 30, 0, 45)
DOCS = Path(config.PROJECT_ROOT) / "docs" / "retention.md"


def ago(**kwargs) -> dt.datetime:
    return NOW - dt.timedelta(**kwargs)


def warnings_to(address: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail).where(
        OutgoingMail.to_address == address, OutgoingMail.kind == "retention_warning"))


def test_an_unused_account_is_warned_once_then_deleted(app):
    user = CandidateFactory(email="quiet@example.org", last_sign_in_at=ago(days=750), created_at=ago(days=900))
    CandidateProfileFactory(user=user)
    db.session.commit()

    assert retention.warn_inactive_accounts(NOW) == 1
    db.session.commit()
    assert warnings_to("quiet@example.org") == 1
    mail = db.session.scalar(sa.select(OutgoingMail.body_text))
    assert "30 December 2026" in mail and "/sign-in" in mail
    assert retention.warn_inactive_accounts(NOW + dt.timedelta(days=1)) == 0  # not warned twice
    assert retention.delete_inactive_accounts(NOW + dt.timedelta(days=29)) == 0  # not before the warning runs out

    assert retention.delete_inactive_accounts(NOW + dt.timedelta(days=30)) == 1
    db.session.commit()
    gone = db.session.get(User, user.id)
    assert gone.email == f"deleted-{user.id}@{accounts.DELETED_EMAIL_DOMAIN}" and not gone.active
    assert gone.profile is None
    assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.action == "account.deleted_for_inactivity"))
    assert retention.delete_inactive_accounts(NOW + dt.timedelta(days=31)) == 0


def test_signing_in_after_the_warning_keeps_the_account(app):
    user = CandidateFactory(email="back@example.org", last_sign_in_at=ago(days=750))
    db.session.commit()
    retention.warn_inactive_accounts(NOW)
    user.last_sign_in_at = NOW + dt.timedelta(days=3)  # came back
    db.session.commit()
    assert retention.delete_inactive_accounts(NOW + dt.timedelta(days=40)) == 0
    assert db.session.get(User, user.id).email == "back@example.org"
    # Two years on, unused again: warned again.
    assert retention.warn_inactive_accounts(NOW + dt.timedelta(days=3 + 750)) == 1


def test_the_sign_in_form_clears_the_warning(client):
    user = CandidateFactory(email="back@example.org", last_sign_in_at=ago(days=750), inactivity_warned_at=ago(days=5))
    db.session.commit()
    assert client.post("/sign-in", data={"email": "back@example.org", "password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).inactivity_warned_at is None


def test_recent_accounts_and_staff_are_left_alone(app):
    CandidateFactory(email="recent@example.org", last_sign_in_at=ago(days=300))
    CandidateFactory(email="new@example.org", last_sign_in_at=None, created_at=ago(days=10))
    UserFactory(email="recruiter@camden.example.org", role=UserRole.RECRUITER, last_sign_in_at=ago(days=2000))
    db.session.commit()
    assert retention.warn_inactive_accounts(NOW) == 0


def test_dormant_staff_accounts_are_switched_off_and_their_sessions_end(client):
    dormant = UserFactory(email="old.recruiter@camden.example.org", role=UserRole.RECRUITER,
                          last_sign_in_at=ago(days=400))
    busy = UserFactory(email="lead@london.example.org", role=UserRole.PROGRAMME_LEAD, last_sign_in_at=ago(days=3))
    db.session.commit()
    helpers.sign_in_as(client, dormant)
    assert retention.deactivate_dormant_staff(NOW) == 1
    db.session.commit()
    assert not db.session.get(User, dormant.id).active and db.session.get(User, busy.id).active
    assert client.get("/recruit/vacancies").status_code == 302  # signed out: to the sign-in page
    assert retention.deactivate_dormant_staff(NOW) == 0


def test_the_period_is_a_setting(app):
    CandidateFactory(email="quiet@example.org", last_sign_in_at=ago(days=400))
    db.session.commit()
    assert retention.warn_inactive_accounts(NOW) == 0
    app.config["RETENTION_INACTIVE_ACCOUNT_MONTHS"] = 12
    assert retention.warn_inactive_accounts(NOW) == 1


def _application(updated_at: dt.datetime, status=ApplicationStatus.REJECTED) -> Application:
    candidate = CandidateFactory()
    application = Application(vacancy=VacancyFactory(), candidate=candidate, status=status,
                              supporting_statement="I led a child protection team in Leeds.",
                              answers={"personal": {"phone": "07700 900123"}}, decline_detail="")
    db.session.add(application)
    db.session.flush()
    db.session.add(ApplicationEvent(application_id=application.id, to_status=status, note="Strong on CP"))
    db.session.flush()
    db.session.execute(sa.update(Application).where(Application.id == application.id).values(updated_at=updated_at))
    return application


def test_old_applications_are_emptied_and_the_rows_stay(app):
    old = _application(ago(days=800))
    recent = _application(ago(days=300))
    db.session.commit()
    assert retention.empty_old_applications(NOW) == 1
    db.session.commit()
    db.session.expire_all()
    emptied, kept = db.session.get(Application, old.id), db.session.get(Application, recent.id)
    assert (emptied.supporting_statement, emptied.answers, emptied.status) == ("", None,
                                                                             ApplicationStatus.REJECTED)
    assert emptied.updated_at == ago(days=800)  # emptying is not a change to the application
    assert [e.note for e in emptied.events] == [""]
    assert kept.supporting_statement and kept.answers and kept.events[0].note
    assert retention.empty_old_applications(NOW) == 0  # nothing left to empty


def test_an_emptied_application_loses_its_messages_and_interview_details(app):
    old = _application(ago(days=800))
    db.session.add_all([
        ApplicationMessage(application_id=old.id, side=MessageSide.CANDIDATE, body="My phone is 07700 900123"),
        Interview(application_id=old.id, starts_at=ago(days=810), format=InterviewFormat.IN_PERSON,
                  place="5 Pancras Square", details="Bring your passport"),
    ])
    db.session.commit()
    assert retention.empty_old_applications(NOW) == 1
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationMessage)) == 0
    interview = db.session.scalar(sa.select(Interview))
    assert (interview.place, interview.details, interview.starts_at) == ("", "", ago(days=810))


def test_referees_of_ended_applications_go_after_their_period(app):
    ended = _application(ago(days=200))
    live = _application(ago(days=200), status=ApplicationStatus.INTERVIEW)
    for application in (ended, live):
        db.session.add(Referee(application_id=application.id, position=1, name="Dr A Referee",
                               email="referee@example.org"))
    db.session.commit()
    assert retention.delete_referees(NOW) == 1
    assert db.session.scalars(sa.select(Referee.application_id)).all() == [live.id]


def test_leavers_mail_and_audit_entries_go_after_their_periods(app):
    council = VacancyFactory().organisation
    db.session.add_all([
        WorkforceLeaver(organisation_id=council.id, worker_key="a" * 64, left_on=(NOW - dt.timedelta(days=800)).date()),
        WorkforceLeaver(organisation_id=council.id, worker_key="b" * 64, left_on=(NOW - dt.timedelta(days=100)).date()),
        OutgoingMail(message_id="old", to_address="a@example.org", kind="notice", subject="s", body_text="b",
                     status=MailStatus.SENT, created_at=ago(days=91)),
        OutgoingMail(message_id="waiting", to_address="a@example.org", kind="notice", subject="s", body_text="b",
                     status=MailStatus.SENDING, created_at=ago(days=91)),  # claimed by a worker, not yet sent
        OutgoingMail(message_id="recent", to_address="a@example.org", kind="notice", subject="s", body_text="b",
                     status=MailStatus.SENT, created_at=ago(days=100), sent_at=ago(days=10)),  # sent late
        AuditLog(action="old.thing", subject_type="users", created_at=ago(days=6 * 366)),
        AuditLog(action="recent.thing", subject_type="users", created_at=ago(days=300)),
    ])
    db.session.commit()
    done = retention.apply_schedule(NOW)
    db.session.commit()
    assert done["leavers-deleted"] == 1 and done["mail-deleted"] == 1 and done["audit-deleted"] == 1
    assert db.session.scalars(sa.select(WorkforceLeaver.worker_key)).all() == ["b" * 64]
    assert sorted(db.session.scalars(sa.select(OutgoingMail.message_id))) == ["recent", "waiting"]
    assert "old.thing" not in db.session.scalars(sa.select(AuditLog.action)).all()
    # The run itself is recorded, with what it did.
    assert db.session.scalar(sa.select(AuditLog.detail).where(AuditLog.action == "retention.applied")) == done


def test_the_nightly_task_runs_the_schedule_and_commits(app):
    CandidateFactory(email="quiet@example.org", last_sign_in_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)
                     - dt.timedelta(days=800))
    db.session.commit()
    entry = next(e for e in SCHEDULES if e["name"] == "apply-retention")
    assert entry["func"] is retention_tasks.apply_retention and entry["cron"] == "45 0 * * *"
    assert entry["func"]()["inactive-accounts-warned"] == 1
    db.session.rollback()  # what the task committed stays
    assert warnings_to("quiet@example.org") == 1
    assert entry["func"]()["inactive-accounts-warned"] == 0


def test_the_privacy_notice_s_schedule_states_every_rule_and_period(app):
    text = DOCS.read_text()
    for rule in retention.SCHEDULE:
        assert f"`{rule.name}`" in text, rule.name
        if rule.name != "leavers-deleted":
            assert rule.period() in text, (rule.name, rule.period())
    for setting in config.SETTINGS:
        if setting.name.startswith("RETENTION_"):
            assert setting.env_name in text


@pytest.mark.parametrize("name", [s.name for s in config.SETTINGS if s.name.startswith("RETENTION_")])
def test_a_period_of_zero_is_refused(name):
    with pytest.raises(config.SettingsError):
        config.load("test", {name: "0"}, environ={})
