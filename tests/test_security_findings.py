"""Issue 14's findings, each replayed as the attacker or operator found it: every test here failed before its fix."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests import helpers
from tests.factories import (
    PASSWORD,
    CandidateFactory,
    OrganisationFactory,
    RecruiterFactory,
    UserFactory,
    VacancyFactory,
)
from webapp.extensions import db
from domain.vocabulary import UserRole, VacancyStatus
from webapp.models import OutgoingMail, SavedSearch, User
from webapp.services import ServiceError, accounts, passwords, saved_searches, vacancies


def _sign_in(client, email: str, password: str = PASSWORD) -> None:
    response = client.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def _signed_in(client) -> bool:
    return client.get("/account/profile").status_code == 200


def _copy_of_the_cookie(client, app) -> str:
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    return cookie.value


def _replay(app, cookie: str):
    thief = app.test_client()
    thief.set_cookie(app.config.get("SESSION_COOKIE_NAME", "session"), cookie)
    return thief


# --- sessions end on the server ---------------------------------------------------------------------------


def test_a_copied_cookie_stops_working_once_its_owner_signs_out(client, app):
    CandidateFactory(email="kofi@example.org")
    db.session.commit()
    _sign_in(client, "kofi@example.org")
    stolen = _copy_of_the_cookie(client, app)
    assert _signed_in(_replay(app, stolen))

    assert client.post("/sign-out").status_code == 302
    assert not _signed_in(client)
    assert not _signed_in(_replay(app, stolen))


def test_signing_in_again_does_not_bring_an_old_cookie_back(client, app):
    CandidateFactory(email="kofi@example.org")
    db.session.commit()
    _sign_in(client, "kofi@example.org")
    stolen = _copy_of_the_cookie(client, app)
    client.post("/sign-out")
    _sign_in(client, "kofi@example.org")
    assert _signed_in(client)
    assert not _signed_in(_replay(app, stolen))


def test_a_password_change_ends_every_other_session(client, app):
    user = CandidateFactory(email="kofi@example.org")
    db.session.commit()
    _sign_in(client, "kofi@example.org")
    laptop = _copy_of_the_cookie(client, app)
    accounts.set_password(user, "a brand new passphrase for kofi")
    db.session.commit()
    assert not _signed_in(_replay(app, laptop))
    assert not _signed_in(client)


def test_closing_an_account_ends_its_sessions(client, app):
    user = CandidateFactory(email="kofi@example.org")
    db.session.commit()
    _sign_in(client, "kofi@example.org")
    stolen = _copy_of_the_cookie(client, app)
    accounts.delete_account(user, PASSWORD)
    db.session.commit()
    # Even if the account were switched back on, the old session would not be.
    db.session.get(User, user.id).active = True
    db.session.commit()
    assert not _signed_in(_replay(app, stolen))


@pytest.mark.parametrize("session_id", ["1", "1:", ":0", "1:x", "x:0", "1:0:0", "99999999999999999999:0"])
def test_a_session_id_in_any_other_shape_is_nobody(client, app, session_id):
    CandidateFactory()
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
    assert not _signed_in(client)


# --- control characters are refused at the edge, on both databases -------------------------------------------

NUL_REQUESTS = [
    ("GET", "/councils/%00", None),
    ("GET", "/councils/camden%01", None),
    ("GET", "/jobs?q=social%00worker", None),
    ("GET", "/jobs?q%00=social", None),
    ("GET", "/no-such-page/%00", None),
    ("POST", "/register", {"full_name": "Kofi\x00 Mensah", "email": "kofi@example.org",
                           "password": "a long enough passphrase", "confirm_password": "a long enough passphrase"}),
    ("POST", "/sign-in", {"email": "kofi\x00@example.org", "password": "anything at all"}),
    ("POST", "/password-reset", {"email": "kofi@example.org\x00"}),
    ("POST", "/sign-in", {"email": "kofi@example.org", "password": "tab\tis not the problem \x7f"}),
]


@pytest.mark.parametrize(("method", "path", "data"), NUL_REQUESTS)
def test_control_characters_get_a_400_with_a_message_and_change_nothing(client, method, path, data):
    CandidateFactory(email="kofi@example.org", full_name="Kofi Mensah")
    db.session.commit()
    response = client.open(path, method=method, data=data)
    assert response.status_code == 400
    assert "control character" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    assert db.session.scalar(sa.select(User.full_name)) == "Kofi Mensah"


def test_tabs_and_new_lines_in_a_form_are_what_people_type(client):
    response = client.post("/register", data={"full_name": "Kofi Mensah", "email": "kofi@example.org",
                                              "password": "a long\tenough\r\npassphrase",
                                              "confirm_password": "a long\tenough\r\npassphrase"})
    assert response.status_code == 302


def test_control_characters_in_a_json_body_are_refused(client):
    response = client.post("/sign-in", json={"email": "a\u0000b"})
    assert response.status_code == 400


# --- ids no row can have are a 404; out-of-range dates and years a 400 --------------------------------------------

HUGE = str(2**64)


@pytest.mark.parametrize("path", [
    f"/jobs/{HUGE}", f"/jobs/{HUGE}-social-worker", f"/jobs/{2**31}", f"/jobs/{HUGE}/apply-external",
    f"/account/applications/{HUGE}/withdraw", f"/account/saved-searches/{HUGE}/edit",
    f"/insights/bulletins/{HUGE}.html", f"/recruit/vacancies/{HUGE}",
])
def test_an_id_beyond_the_database_is_a_404(client, app, path):
    user = RecruiterFactory() if path.startswith(("/recruit", "/insights")) else CandidateFactory()
    db.session.commit()
    helpers.sign_in_as(client, user)
    assert client.get(path).status_code == 404


def test_an_id_beyond_the_database_in_a_post_is_a_404(client):
    user = CandidateFactory()
    db.session.commit()
    helpers.sign_in_as(client, user)
    assert client.post(f"/account/saved-searches/{HUGE}/pause").status_code == 404
    assert client.post(f"/account/applications/{HUGE}/withdraw").status_code == 404


@pytest.mark.parametrize(("path", "message"), [
    ("/insights?from=9999-12-30", "2100 or earlier"),
    ("/insights?from=9999-12-30&to=9999-12-31", "2100 or earlier"),
    ("/insights/funnel.csv?from=9999-12-30&to=9999-12-31", "2100 or earlier"),
    ("/insights?from=0001-01-01", "2000 or later"),
    ("/insights/workforce/census.csv?year=0000", "2000 or later"),
    ("/insights/workforce/census.csv?year=9999", "2100 or earlier"),
    ("/insights/workforce/councils/camden/census.csv?year=0000", "2000 or later"),
])
def test_dates_and_years_out_of_range_are_a_400_with_a_message(client, path, message):
    OrganisationFactory(slug="camden", name="Camden")
    lead = UserFactory(role=UserRole.PROGRAMME_LEAD)
    db.session.commit()
    helpers.sign_in_as(client, lead)
    response = client.get(path)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


# --- the Host header is never reflected -----------------------------------------------------------------------


def test_canonical_links_and_json_ld_name_the_site_not_the_host_asked_for(client, app):
    app.config["SITE_URL"] = "https://jobs.example.gov"
    vacancy = VacancyFactory()
    db.session.commit()
    for headers in ({"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example"}):
        page = client.get(f"/jobs/{vacancy.id}-{vacancy.slug}", headers=headers)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "evil.example" not in html
        assert f'href="https://jobs.example.gov/jobs/{vacancy.id}-{vacancy.slug}"' in html  # the canonical link
        assert f'"https://jobs.example.gov/jobs/{vacancy.id}-{vacancy.slug}"' in html  # JSON-LD's url


def test_redirects_name_the_site_not_the_host_asked_for(client, app):
    app.config["SITE_URL"] = "https://jobs.example.gov"
    response = client.get("/insights/workforce", headers={"Host": "evil.example"})
    assert response.status_code in (301, 308)
    assert "evil.example" not in response.headers["Location"]


# --- passwords: not common, not breached, not the account's own details ------------------------------------

REGISTRATION = {"full_name": "Kofi Mensah", "email": "kofi.mensah@example.org"}


@pytest.mark.parametrize(("password", "message"), [
    ("kofi.mensah@example.org", passwords.HAS_OWN_DETAILS),
    ("KofiMensah2024!", passwords.HAS_OWN_DETAILS),
    ("mensah kofi 1990", passwords.HAS_OWN_DETAILS),
    ("password1234", passwords.TOO_EASY),
    ("qwertyuiop123", passwords.TOO_EASY),
    ("iloveyou12345", passwords.TOO_EASY),
])
def test_registration_refuses_a_guessable_password_with_a_message(client, password, message):
    response = client.post("/register", data={**REGISTRATION, "password": password, "confirm_password": password})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_a_reset_refuses_a_password_made_of_the_account_s_own_details(app):
    user = CandidateFactory(email="nia.clarke@example.org", full_name="Nia Clarke")
    db.session.commit()
    with pytest.raises(ServiceError, match="must not contain your name or email address"):
        accounts.reset_password(accounts.make_reset_token(user), "NiaClarke1985!!")


def test_a_strong_passphrase_is_accepted(client):
    response = client.post("/register", data={**REGISTRATION, "password": "tangerine orbit ladder quietly",
                                              "confirm_password": "tangerine orbit ladder quietly"})
    assert response.status_code == 302


# --- the reset mail is queued for every address, so neither the page nor its timing tells -----------------------


def test_a_reset_request_queues_one_mail_for_known_and_unknown_addresses_alike(client):
    CandidateFactory(email="nia@example.org")
    db.session.commit()
    for address in ("nia@example.org", "nobody@example.org"):
        assert client.post("/password-reset", data={"email": address}).status_code == 200
    queued = db.session.execute(sa.select(OutgoingMail.to_address, OutgoingMail.kind, OutgoingMail.body_text)
                                .order_by(OutgoingMail.id)).all()
    assert [(to, kind) for to, kind, _ in queued] == [("nia@example.org", "password_reset"),
                                                      ("nobody@example.org", "password_reset")]
    assert "/password-reset/" in queued[0].body_text
    assert "/password-reset/" not in queued[1].body_text and "no active account" in queued[1].body_text


# --- database errors carry no query parameters --------------------------------------------------------------------


def test_sqlalchemy_s_part_of_a_database_error_does_not_carry_the_values(app):
    CandidateFactory(email="private.person@example.org")
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError) as error:
        CandidateFactory(email="private.person@example.org")
    db.session.rollback()
    # SQLAlchemy's part of the message; PostgreSQL's own detail still names the value (see the next test).
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(error.value)
    assert "private.person@example.org" not in str(error.value).split("[SQL:")[1]


# --- an apply address with credentials in it is refused when saved ---------------------------------------------


@pytest.mark.parametrize("address", ["https://user:secret@jobs.camden.gov.uk/apply",
                                     "https://jobs.camden.gov.uk@evil.example/apply",
                                     "https://admin@jobs.camden.gov.uk/apply"])
def test_an_apply_address_with_a_user_name_or_password_is_refused(address):
    with pytest.raises(ValueError, match="must not contain a user name or password"):
        vacancies.clean_web_address(address)


def test_a_recruiter_cannot_save_an_apply_address_with_credentials(client):
    vacancy = VacancyFactory(status=VacancyStatus.DRAFT, published_at=None)
    recruiter = RecruiterFactory(organisation=vacancy.organisation)
    db.session.commit()
    with pytest.raises(vacancies.VacancyInvalid) as invalid:
        vacancies.update_vacancy(recruiter, vacancy, {"apply_method": "external",
                                                      "external_apply_url": "https://u:p@jobs.camden.gov.uk/x"})
    db.session.rollback()
    assert "must not contain a user name or password" in str(invalid.value.errors["external_apply_url"])
    assert db.session.get(type(vacancy), vacancy.id).external_apply_url is None


# --- tokens stay out of the access log ---------------------------------------------------------------------------


def test_reset_and_unsubscribe_tokens_never_reach_the_access_log(client, caplog):
    # The reset link's token leaves the address at once (the next page is /password-reset/new); the
    # one request that carries it, and an unsubscribe link's, are logged with the token redacted.
    user = CandidateFactory(email="nia@example.org")
    saved = SavedSearch(user=user, name="CP", query="q=child+protection")
    db.session.add(saved)
    db.session.commit()
    reset = accounts.make_reset_token(user)
    unsubscribe = saved_searches.unsubscribe_token(user, [saved])
    with caplog.at_level("INFO", logger="cswjobs.access"):
        assert client.get(f"/password-reset/{reset}").status_code == 302
        assert client.get(f"/alerts/unsubscribe/{unsubscribe}").status_code == 200
    lines = [r.getMessage() + str(r.__dict__) for r in caplog.records if r.name == "cswjobs.access"]
    assert len(lines) == 2
    assert not any(reset in line or unsubscribe in line for line in lines)


def test_an_unexpected_database_error_is_logged_without_the_values(app, caplog):
    address = "private.person@example.org"  # a name, not the text, on the lines the logged stack shows
    CandidateFactory(email=address)
    db.session.commit()
    try:
        CandidateFactory(email=address)
    except sa.exc.IntegrityError as integrity_error:
        error = integrity_error
    db.session.rollback()
    app.config["TESTING"] = False  # as in production: the 500 page, and the log line (the fixture restores it)
    with app.test_request_context("/register", method="POST"), caplog.at_level("ERROR"):
        response = app.make_response(app.handle_user_exception(error))
    assert response.status_code == 500
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "IntegrityError" in logged and "INSERT INTO users" in logged
    assert "private.person@example.org" not in logged
