"""A council administrator sets up a webhook in headless Chromium, with real forms and CSRF: from the
council's page to the new endpoint, its secret shown once, a test event, and the delivery log; the
event reaches a receiver the test starts on 127.0.0.1, signed with the secret the page showed."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from domain.vocabulary import SubRegion, UserRole
from tests.browser.test_journeys import sign_in
from tests.receivers import Receiver
from webapp.extensions import db
from webapp.models import Organisation, User
from webapp.services.passwords import hash_password
from webapp.services.webhooks import signing

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "admin@hackney.example.org"
ADMIN_PASSWORD = "a long administrator passphrase"


@pytest.fixture(scope="module")
def council_admin(live_app):
    with live_app.app_context(), Session(db.engine) as session:
        hackney = Organisation(name="Hackney (webhooks)", slug="hackney-webhooks", sub_region=SubRegion.NORTH,
                               latitude=51.545, longitude=-0.055)
        session.add(hackney)
        session.flush()
        session.add(User(email=ADMIN_EMAIL, full_name="Ade Administrator", role=UserRole.ORG_ADMIN,
                         organisation_id=hackney.id, password_hash=hash_password(ADMIN_PASSWORD)))
        session.commit()
    return live_app


def test_an_administrator_adds_an_endpoint_and_sends_a_test_event(council_admin, page: Page):
    base = council_admin.config["LIVE_URL"]
    with Receiver() as receiver:
        sign_in(page, base, ADMIN_EMAIL, ADMIN_PASSWORD)
        page.goto(f"{base}/recruit/council")
        page.get_by_role("link", name="Webhooks").click()
        page.get_by_role("button", name="Add an endpoint").click()
        page.get_by_label("Endpoint address").fill(receiver.url + "/hr-system")
        page.get_by_label("Description (optional)").fill("HR system")
        expect(page.get_by_label("A vacancy closes")).to_be_checked()  # every event, unless unticked
        page.get_by_label("An application is withdrawn").uncheck()
        page.get_by_role("button", name="Add endpoint").click()

        expect(page.get_by_role("heading", name="Endpoint added")).to_be_visible()
        secret = page.locator("#signing-secret").inner_text()
        assert secret.startswith("whsec_")
        page.get_by_role("link", name="Go to the endpoint").click()
        expect(page.get_by_text("application.submitted, vacancy.closed")).to_be_visible()

        page.get_by_role("button", name="Send test event").click()
        expect(page.get_by_text("A test event has been sent.")).to_be_visible()
        expect(page.locator("#delivery-log .govuk-tag")).to_have_text("Delivered")

        [received] = receiver.requests
        signing.verify(received.headers["cswjobs-signature"], received.body, secret)
        assert json.loads(received.body)["type"] == "webhook.test" and received.path == "/hr-system"
