"""A findable profile nobody has visited for six months: a warning email two weeks ahead, then switched
off (gone from suggested candidates) with an email; any visit in between keeps it on; one button
switches it back on. Visits are signing in or opening the profile, and never touch the profile's
updated_at (no re-indexing for a visit)."""
from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest
import sqlalchemy as sa

from tests import helpers
from tests.conftest import sent_mail
from tests.factories import CandidateFactory, RecruiterFactory
from tests.pages import page, texts
from tests.test_matching_flow import camden, cp_vacancy, profile, sign_in_as  # noqa: F401  (fixtures)
from webapp.extensions import db
from webapp.models import AuditLog, CandidateProfile, OutboxMessage
from webapp.services import matching, profile_visits, profiles

NOW = dt.datetime(2026, 11, 30, 9, 0)
SIX_MONTHS = profile_visits.SWITCH_OFF_AFTER
TWO_WEEKS = profile_visits.WARN_BEFORE


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def people(app, camden):  # noqa: F811
    vacancy = cp_vacancy(camden)
    away = profile("Ada Away")
    back = profile("Bea Back")
    hidden = profile("Cal Unfindable", discoverable=False)
    db.session.commit()
    last_seen = NOW - SIX_MONTHS + TWO_WEEKS - dt.timedelta(days=1)  # just inside the warning window
    for person in (away, back, hidden):
        person.created_at = person.last_visit_at = last_seen
        person.user.last_sign_in_at = last_seen - dt.timedelta(days=30)
    db.session.commit()
    return dict(vacancy=vacancy, away=away, back=back, hidden=hidden)


def reload(profile_):
    db.session.expire_all()
    return db.session.get(CandidateProfile, profile_.id)


def mails_to(folder, name: str) -> list[str]:
    """Each mail to this person: its subject line, then its plain-text part, decoded."""
    found = []
    for raw in sent_mail(folder):
        message = email.message_from_string(raw, policy=email.policy.default)
        text = message.get_body(("plain",)).get_content()
        if f"Hello {name}" in text:
            found.append(f"Subject: {message['Subject']}\n{text}")
    return found


def test_warned_two_weeks_ahead_then_switched_off_unless_they_come_back(app, people, mail_folder):
    away, back, hidden = people["away"], people["back"], people["hidden"]
    assert profile_visits.warn_and_switch_off(NOW) == {"warned": 2, "switched_off": 0}
    [warning] = mails_to(mail_folder, "Ada Away")
    assert "Subject: Recruiters will stop finding your profile unless you visit" in warning
    assert "If we do not see you by 14 December 2026" in warning and "/account/profile" in warning
    assert mails_to(mail_folder, "Cal Unfindable") == []  # not findable: nothing to switch off
    assert profile_visits.warn_and_switch_off(NOW + dt.timedelta(days=1)) == {"warned": 0, "switched_off": 0}

    back.user.last_sign_in_at = NOW + dt.timedelta(days=3)  # Bea signs in: a visit
    db.session.commit()
    # Not yet two weeks since the warning: nobody is switched off early.
    assert profile_visits.warn_and_switch_off(NOW + TWO_WEEKS - dt.timedelta(hours=1))["switched_off"] == 0
    assert profile_visits.warn_and_switch_off(NOW + TWO_WEEKS) == {"warned": 0, "switched_off": 1}
    assert reload(away).discoverable is False and reload(away).switched_off_at == NOW + TWO_WEEKS
    assert reload(back).discoverable is True and reload(hidden).switched_off_at is None
    [off] = [m for m in mails_to(mail_folder, "Ada Away") if "Subject: Recruiters can no longer find your profile" in m]
    assert "Let recruiters find me again" in off
    assert [e.action for e in db.session.scalars(sa.select(AuditLog).where(AuditLog.action.like("profile.switched%")))] \
        == ["profile.switched_off"]
    assert profile_visits.warn_and_switch_off(NOW + TWO_WEEKS + dt.timedelta(days=1))["switched_off"] == 0
    # Gone from suggested candidates at once.
    names = [s.profile.user.full_name for s in matching.suggested_candidates(db.session, people["vacancy"]).items]
    assert names == ["Bea Back"]


def test_opening_the_profile_is_a_visit_that_changes_nothing_else(client, people):
    away = people["away"]
    updated, outbox = reload(away).updated_at, db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    sign_in_as(client, away.user)
    assert client.get("/account/profile").status_code == 200
    seen = reload(away).last_visit_at
    assert seen > NOW - dt.timedelta(days=1)
    assert reload(away).updated_at == updated  # not a change to the profile: nothing is re-indexed
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == outbox
    client.get("/account/profile")
    assert reload(away).last_visit_at == seen  # at most one visit an hour is written
    assert profile_visits.warn_and_switch_off(NOW)["warned"] == 1  # only Bea is warned now


def test_switching_back_on_with_one_button(client, people):
    away = people["away"]
    profile_visits.warn_and_switch_off(NOW)
    profile_visits.warn_and_switch_off(NOW + TWO_WEEKS)
    sign_in_as(client, away.user)
    soup = page(client.get("/account/profile"))
    [notice] = texts(soup, "#switched-off p")
    assert notice.startswith("We stopped letting recruiters find your profile on 14 December 2026")
    token = helpers.csrf_token(str(soup))
    assert client.post("/account/profile/switch-on").status_code == 400  # no CSRF token: nothing changes
    assert reload(away).discoverable is False
    response = client.post("/account/profile/switch-on", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/account/profile"
    fresh = reload(away)
    assert (fresh.discoverable, fresh.switched_off_at, fresh.switch_off_warned_at) == (True, None, None)
    assert "Recruiters can find your profile again." in texts(page(client.get("/account/profile")),
                                                              ".govuk-notification-banner")[0]


def test_switching_on_is_for_a_social_worker_with_a_profile(client, people, camden):  # noqa: F811
    token = helpers.csrf_token(client.get("/sign-in").get_data(as_text=True))
    assert client.post("/account/profile/switch-on", data={"csrf_token": token}).status_code == 302  # sign in
    sign_in_as(client, RecruiterFactory(organisation=camden))
    assert client.post("/account/profile/switch-on", data={"csrf_token": token}).status_code == 403
    newcomer = CandidateFactory()
    db.session.commit()
    sign_in_as(client, newcomer)
    response = client.post("/account/profile/switch-on", data={"csrf_token": token})
    assert response.status_code == 400 and "Create your profile first." in page(response).get_text()


def test_ticking_let_recruiters_find_me_again_also_ends_the_switch_off(app, people):
    away = people["away"]
    profile_visits.warn_and_switch_off(NOW)
    profile_visits.warn_and_switch_off(NOW + TWO_WEEKS)
    profiles.update_profile(reload(away).user, {"discoverable": True})
    db.session.commit()
    fresh = reload(away)
    assert (fresh.discoverable, fresh.switched_off_at, fresh.switch_off_warned_at) == (True, None, None)
