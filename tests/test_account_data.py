"""Personal data: download everything as JSON; delete the account, keeping councils' counts anonymous."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from domain.vocabulary import ApplicationStatus
from tests import helpers
from tests.factories import PASSWORD, CandidateFactory, CandidateProfileFactory, OrganisationFactory, VacancyFactory
from tests.pages import error_summary, field_error, heading, links, page
from webapp.extensions import db
from webapp.models import Application, ApplicationEvent, AuditLog, CandidateProfile, Follow, OutboxMessage, User
from webapp.services import accounts, follows
from webapp.services import applications as application_service

STATEMENT = "I led the MASH duty rota for two years and want to move into assessment."


def sign_in_as(client, user) -> None:
    with client.application.test_request_context(environ_base=client.environ_base):
        helpers.sign_in_as(client, user)


def a_candidate_with_everything():
    profile = CandidateProfileFactory(user__email="ife@example.org", user__full_name="Ife Adeyemi",
                                      swe_number="SW765432", cv_text="Ten years in front door services.")
    user = profile.user
    camden = OrganisationFactory(name="Camden", slug="camden")
    vacancy = VacancyFactory(title="Social Worker, Assessment", organisation=camden, reference="CAM-101")
    application = application_service.submit(user, vacancy, STATEMENT)
    follows.follow(user, camden)
    db.session.commit()
    return user, application


def test_download_has_user_profile_applications_and_follows(client):
    user, application = a_candidate_with_everything()
    sign_in_as(client, user)
    response = client.get("/account/your-data/download")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["user"]["email"] == "ife@example.org"
    assert data["user"]["full_name"] == "Ife Adeyemi"
    assert "password_hash" not in json.dumps(data)
    assert data["profile"]["swe_number"] == "SW765432"
    assert data["profile"]["cv_text"] == "Ten years in front door services."
    [exported] = data["applications"]
    assert exported["vacancy"] == "Social Worker, Assessment"
    assert exported["council"] == "Camden"
    assert exported["status"] == "submitted"
    assert exported["supporting_statement"] == STATEMENT
    assert [e["to_status"] for e in exported["events"]] == ["submitted"]
    # (followed_at was compared with itself: now it must be a real timestamp of the follow, made just now)
    [followed] = data["follows"]
    followed_at = dt.datetime.fromisoformat(followed.pop("followed_at"))
    if followed_at.tzinfo is not None:
        followed_at = followed_at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    assert followed == {"council": "Camden", "slug": "camden"}
    assert abs(dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - followed_at) < dt.timedelta(minutes=5)
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "account.data_exported")).actor_id == user.id


def test_download_holds_only_my_data(client):
    a_candidate_with_everything()
    me = CandidateFactory(email="me@example.org")
    db.session.commit()
    sign_in_as(client, me)
    data = json.loads(client.get("/account/your-data/download").get_data(as_text=True))
    assert data["user"]["email"] == "me@example.org"
    assert data["profile"] is None and data["applications"] == [] and data["follows"] == []
    assert "ife@example.org" not in json.dumps(data)


def test_your_data_page_links_to_download_and_delete(client):
    user = CandidateFactory()
    db.session.commit()
    sign_in_as(client, user)
    offered = [href for _, href in links(page(client.get("/account/your-data")), "main a")]
    assert "/account/your-data/download" in offered and "/account/delete" in offered


def test_delete_with_the_wrong_password_changes_nothing(client):
    user, application = a_candidate_with_everything()
    sign_in_as(client, user)
    assert heading(page(client.get("/account/delete"))) == "Delete your account"
    response = client.post("/account/delete", data={"password": "not my password"})
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Your password is wrong"]
    assert field_error(page(response), "password") == "Your password is wrong"
    empty = client.post("/account/delete", data={"password": ""})
    assert empty.status_code == 400
    assert error_summary(page(empty)) == ["Enter your password to delete your account"]
    assert field_error(page(empty), "password") == "Enter your password to delete your account"
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.active and user.email == "ife@example.org" and user.profile is not None
    assert db.session.get(Application, application.id).supporting_statement == STATEMENT
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Follow)) == 1


def test_delete_erases_personal_data_and_keeps_anonymous_application_rows(client):
    user, application = a_candidate_with_everything()
    user_id, application_id, vacancy_id = user.id, application.id, application.vacancy_id
    db.session.get(ApplicationEvent, application.events[0].id).note = "Called Ife on her mobile"
    profile_id = user.profile.id
    db.session.commit()
    sign_in_as(client, user)

    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/account/profile").status_code == 302  # signed out

    db.session.expire_all()
    tombstone = db.session.get(User, user_id)
    assert tombstone.active is False
    assert "ife" not in tombstone.email and tombstone.full_name == accounts.DELETED_NAME
    assert not tombstone.password_hash.startswith("$argon2")
    assert db.session.get(CandidateProfile, profile_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Follow)) == 0
    kept = db.session.get(Application, application_id)
    assert kept is not None and kept.vacancy_id == vacancy_id  # the council's counts are unchanged
    assert kept.status == ApplicationStatus.SUBMITTED
    assert kept.supporting_statement == ""
    assert all(event.note == "" for event in kept.events)
    # Search and matching hear that the profile has gone.
    assert db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == "profile.changed",
                                                            OutboxMessage.aggregate_id == profile_id))
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "account.deleted")).detail == {}


def test_after_deletion_nobody_can_sign_in_and_the_address_is_free_again(client):
    user, _ = a_candidate_with_everything()
    sign_in_as(client, user)
    client.post("/account/delete", data={"password": PASSWORD})
    assert client.post("/sign-in", data={"email": "ife@example.org", "password": PASSWORD}).status_code == 400
    again = client.post("/register", data={"full_name": "Ife Adeyemi", "email": "ife@example.org",
                                           "password": "a fresh start passphrase",
                                           "confirm_password": "a fresh start passphrase"})
    assert again.status_code == 302
    data = json.loads(client.get("/account/your-data/download").get_data(as_text=True))
    assert data["applications"] == [] and data["profile"] is None


def test_other_parts_of_the_service_can_plug_into_export_and_erase(app, monkeypatch):
    erased = []
    monkeypatch.setattr(accounts, "PERSONAL_DATA_SOURCES", {})
    accounts.register_personal_data("saved_searches", lambda user: [{"q": "CP"}], lambda user: erased.append(user.id))
    user = CandidateFactory()
    db.session.commit()
    assert accounts.export_personal_data(user)["saved_searches"] == [{"q": "CP"}]
    accounts.delete_account(user, PASSWORD)
    assert erased == [user.id]
