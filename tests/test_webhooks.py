"""Webhooks for councils: signed events delivered to a receiver the test starts on 127.0.0.1.

Tasks run in-process (inline), as on the embedded default, so a change's events reach the receiver
during the request that committed it; one test runs the full stack's path on a real RQ worker."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from rq import SimpleWorker

from config import SettingsError, load
from domain.vocabulary import ApplicationStatus, UserRole, VacancyStatus
from tests import helpers
from tests.conftest import sent_mail
from tests.factories import CandidateFactory, OrganisationFactory, RecruiterFactory, UserFactory, VacancyFactory
from tests.pages import error_summary, field_error, page, summary_list, table_rows, tags
from tests.production import PRODUCTION_ENV
from tests.receivers import Receiver
from webapp.dispatch import queue
from webapp.extensions import db
from webapp.models import (
    AuditLog,
    DeliveryStatus,
    OutboxMessage,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    utcnow,
)
from webapp.outbox.relay import relay_pending
from webapp.services import api_keys, applications, vacancies
from webapp.services.webhooks import addresses, delivery, endpoints, signing
from workers.webhook_tasks import purge_webhook_log

ALL_EVENTS = ["application.submitted", "application.withdrawn", "vacancy.closed"]


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def council():
    return OrganisationFactory(name="Camden", slug="camden")


@pytest.fixture
def admin(council):
    return UserFactory(role=UserRole.ORG_ADMIN, organisation=council, email="admin@camden.example")


def _endpoint(admin, url, events=ALL_EVENTS) -> tuple[WebhookEndpoint, str]:
    endpoint, secret = endpoints.register(admin, url, "HR system", events)
    db.session.commit()
    return endpoint, secret


def _body(received) -> dict:
    return json.loads(received.body)


def _verified(received, secret) -> dict:
    """What a receiver does: check the signature over the raw body, then read it."""
    signing.verify(received.headers["cswjobs-signature"], received.body, secret)
    return _body(received)


# --- signing -------------------------------------------------------------------------------------------


def test_a_signature_verifies_only_for_the_same_body_secret_and_a_recent_time(app):
    secret = signing.secret_for(signing.new_salt())
    body = b'{"id":"evt_1"}'
    header = signing.signature_header([secret], body, timestamp=1_800_000_000)
    assert header.startswith("t=1800000000,v1=") and len(header.split("v1=")[1]) == 64
    assert signing.verify(header, body, secret, now=1_800_000_100) == 1_800_000_000
    with pytest.raises(signing.SignatureInvalid, match="no signature matches"):
        signing.verify(header, body + b" ", secret, now=1_800_000_100)
    with pytest.raises(signing.SignatureInvalid, match="no signature matches"):
        signing.verify(header, body, signing.secret_for(signing.new_salt()), now=1_800_000_100)
    with pytest.raises(signing.SignatureInvalid, match="tolerance"):
        signing.verify(header, body, secret, now=1_800_000_000 + signing.TOLERANCE_SECONDS + 1)
    with pytest.raises(signing.SignatureInvalid, match="no timestamp"):
        signing.verify("v1=abc", body, secret)


def test_the_secret_is_derived_from_the_signing_key_never_stored(app, admin, receiver):
    endpoint, secret = _endpoint(admin, receiver.url + "/hook")
    assert secret.startswith("whsec_") and len(secret) == 49
    stored = db.session.execute(sa.text("SELECT * FROM webhook_endpoints")).mappings().one()
    assert secret not in " ".join(str(v) for v in stored.values())
    assert signing.secret_for(endpoint.secret_salt) == secret and endpoint.secret_hint == secret[-4:]
    app.config["WEBHOOK_SIGNING_KEY"] = "another key of at least thirty-two characters"
    assert signing.secret_for(endpoint.secret_salt) != secret


# --- where webhooks may go ------------------------------------------------------------------------------


@pytest.mark.parametrize("url, reason", [
    ("http://8.8.8.8/hook", "must start with https://"),
    ("https://10.1.2.3/hook", "private, local or reserved"),
    ("https://169.254.169.254/latest/meta-data", "private, local or reserved"),
    ("https://127.0.0.1:8443/hook", "private, local or reserved"),
    ("https://[::1]/hook", "private, local or reserved"),
    ("https://[::ffff:192.168.0.1]/hook", "private, local or reserved"),
    ("https://user:pw@8.8.8.8/hook", "user name or password"),
    ("ftp://8.8.8.8/hook", "full web address"),
    ("https://8.8.8.8/hook#x", "fragment"),
    ("", "Enter the address"),
])
def test_only_https_addresses_on_the_public_internet_are_accepted(app, url, reason):
    app.config["WEBHOOKS_ALLOW_LOCAL_HTTP"] = False  # as in production
    with pytest.raises(addresses.AddressRefused, match=reason):
        addresses.check(url)
    assert addresses.check("https://8.8.8.8/cswjobs/hook?token=x") == "https://8.8.8.8/cswjobs/hook?token=x"


def test_plain_http_to_this_machine_needs_the_setting_and_production_refuses_it(app):
    app.config["WEBHOOKS_ALLOW_LOCAL_HTTP"] = True
    assert addresses.check("http://127.0.0.1:5001/hook") == "http://127.0.0.1:5001/hook"
    with pytest.raises(addresses.AddressRefused, match="private"):
        addresses.check("https://10.0.0.5/hook")  # the setting opens this machine only, never the network
    with pytest.raises(SettingsError, match="WEBHOOKS_ALLOW_LOCAL_HTTP"):
        load("production", environ={**PRODUCTION_ENV, "CSWJOBS_REDIS_URL": "redis://r:6379/0",
                                    "CSWJOBS_WEBHOOKS_ALLOW_LOCAL_HTTP": "true"})
    assert load("production", environ={**PRODUCTION_ENV, "CSWJOBS_REDIS_URL": "redis://r:6379/0"})[
        "WEBHOOKS_ALLOW_LOCAL_HTTP"] is False


def test_an_address_that_became_private_since_it_was_saved_is_refused_before_connecting(app, admin, receiver):
    endpoint, _ = _endpoint(admin, receiver.url + "/hook")
    app.config["WEBHOOKS_ALLOW_LOCAL_HTTP"] = False
    client = app.test_client()
    helpers.sign_in_as(client, admin)
    assert client.post(f"/recruit/webhooks/{endpoint.id}/test").status_code == 302
    assert receiver.requests == []
    attempt = db.session.scalars(sa.select(WebhookDelivery)).one().attempt_log[0]
    assert attempt.response_status is None and "must start with https://" in attempt.error


def test_an_https_endpoint_whose_certificate_does_not_verify_gets_nothing(app, admin, tmp_path):
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True)
    with Receiver(tls=(str(certificate), str(key))) as receiver:
        endpoint, _ = _endpoint(admin, receiver.url + "/hook")
        assert endpoint.url.startswith("https://127.0.0.1:")
        endpoints.send_test_event(admin, endpoint)
        db.session.commit()
        assert receiver.requests == []  # the handshake failed: nothing was sent in the clear or to an impostor
    attempt = db.session.scalars(sa.select(WebhookAttempt)).one()
    assert attempt.response_status is None and attempt.error == "The endpoint's HTTPS certificate could not be verified."


# --- the pages ----------------------------------------------------------------------------------------


def test_an_administrator_adds_an_endpoint_sees_the_secret_once_and_sends_a_test_event(app, client, admin, receiver):
    helpers.sign_in_as(client, admin)
    response = client.post("/recruit/webhooks/new", data={
        "url": receiver.url + "/cswjobs", "description": "  iTrent   live ", "event_types": ALL_EVENTS})
    assert response.status_code == 200
    secret = page(response).select_one("#signing-secret").get_text()
    endpoint = db.session.scalars(sa.select(WebhookEndpoint)).one()
    assert endpoint.description == "iTrent live" and endpoint.event_types == ALL_EVENTS
    assert endpoint.organisation_id == admin.organisation_id and endpoint.enabled
    assert signing.secret_for(endpoint.secret_salt) == secret

    shown = page(client.get(f"/recruit/webhooks/{endpoint.id}"))
    assert secret not in str(shown) and summary_list(shown)["Signing secret"] == f"whsec_…{secret[-4:]}"

    assert client.post(f"/recruit/webhooks/{endpoint.id}/test").status_code == 302
    [received] = receiver.requests
    payload = _verified(received, secret)
    assert received.path == "/cswjobs" and received.headers["content-type"] == "application/json"
    assert received.headers["cswjobs-event"] == "webhook.test" == payload["type"]
    assert received.headers["cswjobs-event-id"] == payload["id"] and payload["id"].startswith("evt_")
    assert payload["council"] == {"slug": "camden", "name": "Camden"}

    log = page(client.get(f"/recruit/webhooks/{endpoint.id}"))
    [row] = table_rows(log, "#delivery-log")
    assert row[0].startswith("webhook.test") and row[2] == "Delivered" and row[3] == "1" and row[4] == "HTTP 200"
    assert client.get(f"/recruit/webhooks/{endpoint.id}?page=2").status_code == 404  # past the last page
    assert client.get(f"/recruit/webhooks/{endpoint.id}?page=two").status_code == 400
    delivery_id = db.session.scalar(sa.select(WebhookDelivery.id))
    assert client.get(f"/recruit/webhooks/{endpoint.id}/deliveries/{delivery_id + 1}").status_code == 404
    detail = page(client.get(f"/recruit/webhooks/{endpoint.id}/deliveries/{delivery_id}"))
    assert table_rows(detail, "#attempts")[0][1] == "HTTP 200"
    assert json.loads(detail.select_one("#payload").get_text()) == payload
    actions = db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["webhook_endpoint.created", "webhook_endpoint.test_sent"]
    assert "cswjobs" not in json.dumps(db.session.scalars(sa.select(AuditLog.detail)).all())  # host only, no path


def test_bad_input_gets_its_message_and_changes_nothing(app, client, admin):
    app.config["WEBHOOKS_ALLOW_LOCAL_HTTP"] = False
    helpers.sign_in_as(client, admin)
    response = client.post("/recruit/webhooks/new", data={"url": "https://192.168.1.10/hook", "description": "x" * 201,
                                                          "event_types": ["vacancy.deleted"]})
    assert response.status_code == 400
    soup = page(response)
    assert "private, local or reserved" in field_error(soup, "url")
    assert "200 characters or fewer" in field_error(soup, "description")
    assert "Select the events" in field_error(soup, "event_types")
    assert len(error_summary(soup)) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == 0


@pytest.mark.parametrize("app_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_a_post_without_its_csrf_token_is_refused(app, client, admin, receiver):
    endpoint, _ = _endpoint(admin, receiver.url)
    helpers.sign_in_as(client, admin)
    assert client.post(f"/recruit/webhooks/{endpoint.id}/test").status_code == 400
    assert client.post(f"/recruit/webhooks/{endpoint.id}/rotate-secret").status_code == 400
    assert receiver.requests == [] and db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEvent)) == 0


def test_only_the_councils_own_administrators_reach_its_endpoints(app, client, council, admin, receiver):
    endpoint, _ = _endpoint(admin, receiver.url)
    other_admin = UserFactory(role=UserRole.ORG_ADMIN, organisation=OrganisationFactory(name="Hackney", slug="hackney"))
    recruiter = RecruiterFactory(organisation=council)
    candidate = CandidateFactory()
    db.session.commit()
    paths = ["/recruit/webhooks/", "/recruit/webhooks/new", f"/recruit/webhooks/{endpoint.id}",
             f"/recruit/webhooks/{endpoint.id}/edit", f"/recruit/webhooks/{endpoint.id}/delete"]
    assert client.get(paths[0]).status_code == 302  # anonymous: sign in first
    for user, answers in ((recruiter, [403] * 5), (candidate, [403] * 5), (other_admin, [200, 200, 404, 404, 404])):
        helpers.sign_in_as(client, user)
        assert [client.get(p).status_code for p in paths] == answers, user.role
        assert client.post(f"/recruit/webhooks/{endpoint.id}/test").status_code in (403, 404)
        assert client.post(f"/recruit/webhooks/{endpoint.id}/delete").status_code in (403, 404)
    assert receiver.requests == [] and db.session.get(WebhookEndpoint, endpoint.id) is not None
    assert endpoints.endpoints_for(other_admin.organisation_id) == []


def test_rotating_the_secret_signs_with_both_secrets_for_a_day(app, client, admin, receiver):
    endpoint, old = _endpoint(admin, receiver.url)
    helpers.sign_in_as(client, admin)
    # Asked first on its own page; opening it changes nothing.
    confirm = page(client.get(f"/recruit/webhooks/{endpoint.id}/rotate-secret"))
    assert confirm.select_one("#confirm").get_text(strip=True) == "Yes, make a new secret"
    db.session.refresh(endpoint)
    assert endpoint.previous_secret_expires_at is None
    response = client.post(f"/recruit/webhooks/{endpoint.id}/rotate-secret")
    new = page(response).select_one("#signing-secret").get_text()
    assert new != old and new.startswith("whsec_")
    client.post(f"/recruit/webhooks/{endpoint.id}/test")
    [received] = receiver.requests
    assert received.headers["cswjobs-signature"].count("v1=") == 2
    _verified(received, new)
    _verified(received, old)
    db.session.refresh(endpoint)
    endpoint.previous_secret_expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    client.post(f"/recruit/webhooks/{endpoint.id}/test")
    assert receiver.requests[1].headers["cswjobs-signature"].count("v1=") == 1
    with pytest.raises(signing.SignatureInvalid):
        _verified(receiver.requests[1], old)
    assert "webhook_endpoint.secret_rotated" in db.session.scalars(sa.select(AuditLog.action)).all()


def test_changing_turning_off_and_deleting_an_endpoint(app, client, admin, receiver):
    endpoint, _ = _endpoint(admin, receiver.url)
    helpers.sign_in_as(client, admin)
    response = client.post(f"/recruit/webhooks/{endpoint.id}/edit", data={
        "url": receiver.url + "/v2", "description": "HR system", "event_types": ["vacancy.closed"]})
    assert response.status_code == 302
    db.session.refresh(endpoint)
    assert endpoint.url == receiver.url + "/v2" and endpoint.event_types == ["vacancy.closed"]
    assert client.post(f"/recruit/webhooks/{endpoint.id}/turn-off").status_code == 302
    assert client.post(f"/recruit/webhooks/{endpoint.id}/turn-off").status_code == 400  # already off
    db.session.refresh(endpoint)
    assert not endpoint.enabled and tags(page(client.get("/recruit/webhooks/")), "table .govuk-tag") == ["Off"]
    assert client.post(f"/recruit/webhooks/{endpoint.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint)) == 0
    actions = db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["webhook_endpoint.created", "webhook_endpoint.updated", "webhook_endpoint.turned_off",
                       "webhook_endpoint.deleted"]


# --- the events -----------------------------------------------------------------------------------------


def test_application_submitted_and_withdrawn_reach_the_endpoint_without_personal_data(app, council, admin, receiver):
    _, secret = _endpoint(admin, receiver.url)
    vacancy = VacancyFactory(organisation=council, title="Senior Practitioner", reference="CAM-123")
    candidate = CandidateFactory(full_name="Sam Example", email="sam@example.org")
    db.session.commit()
    application = applications.submit(candidate, vacancy, "I have five years in child protection.")
    db.session.commit()
    [received] = receiver.requests
    payload = _verified(received, secret)
    assert payload["type"] == "application.submitted" and received.headers["cswjobs-event"] == "application.submitted"
    assert payload["data"]["application"] == {
        "id": application.id, "status": "submitted",
        "submitted_at": application.submitted_at.replace(microsecond=0).isoformat() + "Z",
        "url": f"{app.config['SITE_URL']}/recruit/applications/{application.id}"}
    assert payload["data"]["vacancy"]["reference"] == "CAM-123"
    assert payload["data"]["vacancy"]["url"] == f"{app.config['SITE_URL']}/jobs/{vacancy.id}-{vacancy.slug}"
    for personal in ("Sam Example", "sam@example.org", "five years", str(candidate.id) + ","):
        assert personal not in received.body.decode()

    applications.withdraw(candidate, application)
    db.session.commit()
    payload = _verified(receiver.requests[1], secret)
    assert payload["type"] == "application.withdrawn" and payload["data"]["application"]["status"] == "withdrawn"
    assert payload["id"] != _body(received)["id"]
    assert db.session.get(type(application), application.id).status == ApplicationStatus.WITHDRAWN


def test_a_vacancy_closed_by_a_recruiter_or_by_its_closing_date_reaches_the_endpoint(app, council, admin, receiver):
    _, secret = _endpoint(admin, receiver.url)
    recruiter = RecruiterFactory(organisation=council)
    closed_by_hand = VacancyFactory(organisation=council)
    expired = VacancyFactory(organisation=council, closing_date=dt.date.today() - dt.timedelta(days=1))
    db.session.commit()
    vacancies.close(recruiter, closed_by_hand)
    db.session.commit()
    vacancies.close_expired_vacancies()
    payloads = [_verified(r, secret) for r in receiver.requests]
    assert [(p["type"], p["data"]["vacancy"]["id"], p["data"]["reason"]) for p in payloads] == [
        ("vacancy.closed", closed_by_hand.id, "closed_by_council"),
        ("vacancy.closed", expired.id, "closing_date_passed")]
    assert payloads[0]["data"]["vacancy"]["status"] == "closed" and payloads[0]["data"]["vacancy"]["closed_at"]


def test_a_vacancy_closed_through_the_council_api_reaches_the_endpoint(app, client, council, admin, receiver):
    _, secret = _endpoint(admin, receiver.url)
    vacancy = VacancyFactory(organisation=council)
    key = api_keys.create_key(admin, "Oleeo", "write").secret
    db.session.commit()
    assert client.delete(f"/api/v1/vacancies/{vacancy.id}", headers={"X-Api-Key": key}).status_code == 204
    [payload] = [_verified(r, secret) for r in receiver.requests]
    assert (payload["type"], payload["data"]["vacancy"]["id"], payload["data"]["reason"]) == (
        "vacancy.closed", vacancy.id, "closed_by_council")


def test_only_the_events_an_endpoint_chose_and_only_its_own_councils(app, council, admin, receiver):
    _endpoint(admin, receiver.url, ["vacancy.closed"])
    other_council = OrganisationFactory(name="Hackney", slug="hackney")
    vacancy = VacancyFactory(organisation=council)
    other_vacancy = VacancyFactory(organisation=other_council)
    candidate = CandidateFactory()
    db.session.commit()
    applications.submit(candidate, vacancy, "Statement")
    vacancies.close(RecruiterFactory(organisation=other_council), other_vacancy)
    db.session.commit()
    assert receiver.requests == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEvent)) == 0  # nobody listens: not recorded


def test_a_rolled_back_change_sends_nothing(app, council, admin, receiver):
    _endpoint(admin, receiver.url)
    vacancy = VacancyFactory(organisation=council)
    db.session.commit()
    applications.submit(CandidateFactory(), vacancy, "Statement")
    db.session.rollback()
    relay_pending()
    delivery.deliver_due()
    assert receiver.requests == [] and db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEvent)) == 0


# --- retries, backoff, turning off ------------------------------------------------------------------------


def test_a_failed_delivery_is_retried_with_backoff_and_the_same_body(app, council, admin):
    with Receiver([500, 503, 200]) as receiver:
        _, secret = _endpoint(admin, receiver.url)
        vacancy = VacancyFactory(organisation=council)
        db.session.commit()
        applications.submit(CandidateFactory(), vacancy, "Statement")
        db.session.commit()
        [row] = db.session.scalars(sa.select(WebhookDelivery)).all()
        first_try = row.last_attempt_at
        assert (row.status, row.attempts, row.response_status) == (DeliveryStatus.PENDING, 1, 500)
        assert row.next_attempt_at == first_try + delivery.RETRY_DELAYS[0]

        assert delivery.deliver_due(now=first_try + dt.timedelta(seconds=59)).failed == 0  # not due yet
        assert len(receiver.requests) == 1
        assert delivery.deliver_due(now=first_try + dt.timedelta(minutes=1)).failed == 1
        later = first_try + dt.timedelta(minutes=1) + delivery.RETRY_DELAYS[1]
        assert delivery.deliver_due(now=later).delivered == 1
        assert delivery.deliver_due(now=later + dt.timedelta(days=9)).delivered == 0  # delivered once only

    db.session.expire_all()
    row = db.session.scalars(sa.select(WebhookDelivery)).one()
    assert (row.status, row.attempts, row.next_attempt_at) == (DeliveryStatus.DELIVERED, 3, None)
    assert [a.response_status for a in row.attempt_log] == [500, 503, 200]
    assert len({r.body for r in receiver.requests}) == 1  # every retry sends the same bytes
    assert [r.headers["cswjobs-attempt"] for r in receiver.requests] == ["1", "2", "3"]
    assert len({r.headers["cswjobs-event-id"] for r in receiver.requests}) == 1
    for received in receiver.requests:
        _verified(received, secret)


def test_after_every_retry_the_delivery_fails_and_can_be_sent_again(app, client, council, admin):
    with Receiver([302, 500, 200]) as receiver:  # a redirect is a failure: never followed
        receiver.answers = [302] + [500] * len(delivery.RETRY_DELAYS) + [200]
        endpoint, _ = _endpoint(admin, receiver.url)
        app.config["WEBHOOK_DISABLE_AFTER_FAILURES"] = 100
        vacancies.close(RecruiterFactory(organisation=admin.organisation), VacancyFactory(organisation=admin.organisation))
        db.session.commit()
        moment = utcnow()
        for _ in delivery.RETRY_DELAYS:
            moment += dt.timedelta(days=1)
            delivery.deliver_due(now=moment)
        row = db.session.scalars(sa.select(WebhookDelivery)).one()
        db.session.refresh(row)
        assert (row.status, row.attempts) == (DeliveryStatus.FAILED, len(delivery.RETRY_DELAYS) + 1)
        assert row.attempt_log[0].error == "The endpoint answered 302; redirects are not followed."
        delivery.deliver_due(now=moment + dt.timedelta(days=30))
        assert len(receiver.requests) == len(delivery.RETRY_DELAYS) + 1  # given up: no more attempts

        helpers.sign_in_as(client, admin)
        assert client.post(f"/recruit/webhooks/{endpoint.id}/deliveries/{row.id}/send-again").status_code == 302
        db.session.refresh(row)
        assert row.status == DeliveryStatus.DELIVERED and receiver.requests[-1].headers["cswjobs-attempt"] == "10"
        assert client.post(f"/recruit/webhooks/{endpoint.id}/deliveries/{row.id}/send-again").status_code == 400


@pytest.mark.parametrize("app_overrides", [{"WEBHOOK_DISABLE_AFTER_FAILURES": 3, "WEBHOOK_DISABLE_AFTER_HOURS": 1}])
def test_an_endpoint_failing_for_long_enough_is_turned_off_and_the_administrators_told(
        app, client, council, admin, mail_folder):
    with Receiver([500]) as receiver:
        endpoint, _ = _endpoint(admin, receiver.url)
        recruiter = RecruiterFactory(organisation=council)
        for _ in range(3):
            vacancies.close(recruiter, VacancyFactory(organisation=council))
            db.session.commit()
        db.session.refresh(endpoint)
        assert endpoint.enabled and endpoint.consecutive_failures == 3  # three failures, but within the hour
        report = delivery.deliver_due(now=utcnow() + dt.timedelta(hours=1))
        assert (report.failed, report.delivered) == (1, 0)  # the first retry turns it off; the others wait
        db.session.refresh(endpoint)
        assert not endpoint.enabled and endpoint.disabled_reason.startswith("Turned off after 4 failed attempts")
        [mail] = sent_mail(mail_folder)
        assert "To: admin@camden.example" in mail and "webhook endpoint has been turned off" in mail
        entry = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "webhook_endpoint.turned_off")).one()
        assert entry.actor_id is None and entry.subject_id == endpoint.id

        # While off: nothing is attempted, and new events are not recorded for it.
        sent = len(receiver.requests)
        assert delivery.deliver_due(now=utcnow() + dt.timedelta(days=2)).failed == 0
        vacancies.close(recruiter, VacancyFactory(organisation=council))
        db.session.commit()
        assert len(receiver.requests) == sent
        helpers.sign_in_as(client, admin)
        assert "This endpoint is off. Turned off after" in page(client.get(f"/recruit/webhooks/{endpoint.id}")).get_text()

        # Fixed, and turned back on: what was waiting is sent at once.
        receiver.answers = [200]
        assert client.post(f"/recruit/webhooks/{endpoint.id}/turn-on").status_code == 302
        db.session.expire_all()
        statuses = db.session.scalars(sa.select(WebhookDelivery.status)).all()
        assert statuses == [DeliveryStatus.DELIVERED] * 3
        assert db.session.get(WebhookEndpoint, endpoint.id).consecutive_failures == 0


def test_the_log_forgets_finished_events_after_90_days_and_a_deleted_endpoint_takes_its_log(app, client, council,
                                                                                            admin, receiver):
    endpoint, _ = _endpoint(admin, receiver.url)
    recruiter = RecruiterFactory(organisation=council)
    for _ in range(2):
        vacancies.close(recruiter, VacancyFactory(organisation=council))
        db.session.commit()
    delivered, waiting = db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    waiting.status = DeliveryStatus.PENDING  # still being retried: kept however old
    db.session.execute(sa.update(WebhookEvent).values(created_at=utcnow() - dt.timedelta(days=91)))
    db.session.commit()
    assert purge_webhook_log() == 1
    assert db.session.scalars(sa.select(WebhookDelivery.id)).all() == [waiting.id]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookAttempt)) == 1  # the waiting one's

    helpers.sign_in_as(client, admin)
    client.post(f"/recruit/webhooks/{endpoint.id}/test")
    assert client.post(f"/recruit/webhooks/{endpoint.id}/delete").status_code == 302
    for model in (WebhookEndpoint, WebhookDelivery, WebhookAttempt):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0, model
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEvent)) == 1  # the council's own event


def test_an_endpoint_that_fails_is_tried_once_a_run_and_holds_up_no_other(app, council, admin):
    with Receiver([500]) as down, Receiver([200]) as up:
        _endpoint(admin, down.url)
        vacancy_ids = []
        for _ in range(3):
            vacancy = VacancyFactory(organisation=council)
            db.session.commit()
            vacancies.close(RecruiterFactory(organisation=council), vacancy)
            db.session.commit()
            vacancy_ids.append(vacancy.id)
        _endpoint(admin, up.url)  # added after: hears only what comes next
        applications.submit(CandidateFactory(), VacancyFactory(organisation=council), "Statement")
        db.session.commit()
        assert len(down.requests) == 4 and len(up.requests) == 1
        down.requests.clear()
        report = delivery.deliver_due(now=utcnow() + dt.timedelta(minutes=2))
        assert (report.failed, report.deferred, len(down.requests)) == (1, 3, 1)  # the others wait their turn
        pending = db.session.scalars(sa.select(WebhookDelivery).where(WebhookDelivery.status == DeliveryStatus.PENDING)
                                     .order_by(WebhookDelivery.id)).all()
        assert [d.attempts for d in pending] == [2, 1, 1, 1]


# --- nothing lost when Redis is down; the full stack's worker --------------------------------------------


def test_an_event_committed_while_redis_is_down_is_delivered_later(app, council, admin, receiver):
    _, secret = _endpoint(admin, receiver.url)
    vacancy = VacancyFactory(organisation=council)
    candidate = CandidateFactory()
    db.session.commit()
    app.config.update(TASKS_MODE="rq", REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    application = applications.submit(candidate, vacancy, "Statement")
    db.session.commit()  # the application is saved; its event waits in the outbox
    assert receiver.requests == []
    assert db.session.get(type(application), application.id) is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.topic == "webhook.event", OutboxMessage.delivered_at.is_(None))) == 1

    app.config.update(TASKS_MODE="inline")  # Redis is back: the scheduled relay and sweep run
    relay_pending()
    delivery.deliver_due()
    assert _verified(receiver.requests[0], secret)["data"]["application"]["id"] == application.id


@pytest.mark.backends("postgresql")
def test_a_real_rq_worker_delivers_the_event(app, council, admin, receiver, redis_url, clean_redis):
    _, secret = _endpoint(admin, receiver.url)
    vacancy = VacancyFactory(organisation=council)
    recruiter = RecruiterFactory(organisation=council)
    db.session.commit()
    app.config.update(TASKS_MODE="rq", REDIS_URL=redis_url)
    vacancies.close(recruiter, vacancy)
    db.session.commit()
    SimpleWorker([queue("indexing", clean_redis)], connection=clean_redis).work(burst=True)  # the outbox relay
    assert receiver.requests == [] and queue("webhooks", clean_redis).count == 1
    SimpleWorker([queue("webhooks", clean_redis)], connection=clean_redis).work(burst=True)
    payload = _verified(receiver.requests[0], secret)
    assert payload["type"] == "vacancy.closed" and payload["data"]["vacancy"]["id"] == vacancy.id
    assert db.session.get(type(vacancy), vacancy.id).status == VacancyStatus.CLOSED


# --- the guide's own examples ------------------------------------------------------------------------------

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "webhooks.md"


def _example(language: str) -> str:
    return GUIDE.read_text().split(f"```{language}\n")[1].split("```")[0]


def test_the_guides_python_and_openssl_examples_verify_a_real_delivery(app, admin, receiver, tmp_path):
    endpoint, secret = _endpoint(admin, receiver.url)
    endpoints.send_test_event(admin, endpoint)
    db.session.commit()
    [received] = receiver.requests
    header = received.headers["cswjobs-signature"]

    guide: dict = {}
    exec(_example("python"), guide)  # the Python a council's developer copies from docs/webhooks.md
    assert guide["verify"](header, received.body, secret)
    assert not guide["verify"](header, received.body + b" ", secret)
    assert not guide["verify"](header, received.body, signing.secret_for(signing.new_salt()))

    (tmp_path / "body.json").write_bytes(received.body)
    script = _example("sh")
    for body, secret_used, answer in ((received.body, secret, "signature valid"),
                                      (received.body.replace(b"test", b"tost"), secret, "signature INVALID"),
                                      (received.body, secret + "x", "signature INVALID")):
        (tmp_path / "body.json").write_bytes(body)
        run = subprocess.run(["sh", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True,
                             env={"header": header, "secret": secret_used, "PATH": os.environ["PATH"]})
        assert run.stdout.strip() == answer
