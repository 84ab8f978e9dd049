"""Mail leaves by SMTP with TLS and a sign-in, checked against a real SMTP server on this machine (aiosmtpd)
with a certificate made for the test: STARTTLS and TLS from the first byte, a refused password, an
untrusted certificate. Without an SMTP host, mail is written to the mail folder."""
from __future__ import annotations

import email
import email.policy
import smtplib
import socket
import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.conftest import sent_mail
from webapp.mail import send_mail

USER, PASSWORD = "cswjobs", "correct horse battery staple"


class Inbox:
    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def check_password(server, session, envelope, mechanism, auth_data):
    good = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=good, handled=False)  # handled=False: aiosmtpd answers 535 itself


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(certificate, app, monkeypatch):
    """Start a server needing STARTTLS (or TLS from the start) and a sign-in; point the app at it."""
    cert, context = certificate
    started = []

    def start(security: str = "starttls", trust: bool = True) -> Inbox:
        inbox = Inbox()
        port = free_port()
        # aiosmtpd offers AUTH on a TLS-from-the-start connection only if not told to wait for STARTTLS.
        tls = ({"tls_context": context, "require_starttls": True, "auth_require_tls": True} if security == "starttls"
               else {"ssl_context": context, "auth_require_tls": False})
        controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=check_password,
                                server_hostname="127.0.0.1", **tls)
        if security == "tls":  # the controller's own start-up probe must trust the test certificate too
            monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        controller.start()
        started.append(controller)
        if trust:
            monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client verifies the certificate as usual
        else:
            monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY=security, SMTP_USERNAME=USER,
                          SMTP_PASSWORD=PASSWORD, SMTP_TIMEOUT=5)
        return inbox

    yield start
    for controller in started:
        controller.stop()


def delivered(inbox: Inbox):
    [envelope] = inbox.envelopes
    return envelope, email.message_from_bytes(envelope.content, policy=email.policy.default)


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_mail_goes_encrypted_and_signed_in_to_the_server(app, smtp_server, security, mail_folder):
    inbox = smtp_server(security)
    send_mail("nia@example.org", "Reset your password", "Open this link: https://jobs.example.org/x\n",
              "<p>Open this link</p>", headers={"List-Unsubscribe": "<https://jobs.example.org/u>"},
              message_id="queued-42")
    envelope, message = delivered(inbox)
    assert envelope.rcpt_tos == ["nia@example.org"] and envelope.mail_from == app.config["MAIL_SENDER"]
    assert message["Subject"] == "Reset your password" and message["Message-ID"] == "<queued-42@cswjobs>"
    assert message["List-Unsubscribe"] == "<https://jobs.example.org/u>"
    assert message.get_body(("plain",)).get_content().splitlines() == ["Open this link: https://jobs.example.org/x"]
    assert message.get_body(("html",)).get_content().strip() == "<p>Open this link</p>"
    assert sent_mail(mail_folder) == []  # not also written to the folder


def test_a_wrong_password_raises_so_the_task_retries(app, smtp_server):
    inbox = smtp_server("starttls")
    app.config["SMTP_PASSWORD"] = "wrong"
    with pytest.raises(smtplib.SMTPAuthenticationError):
        send_mail("nia@example.org", "Subject", "Body")
    assert inbox.envelopes == []


def test_a_server_whose_certificate_is_not_trusted_gets_nothing(app, smtp_server):
    inbox = smtp_server("starttls", trust=False)
    with pytest.raises(ssl.SSLCertVerificationError):
        send_mail("nia@example.org", "Subject", "Body")
    assert inbox.envelopes == []


def test_a_server_that_cannot_encrypt_gets_nothing(app, smtp_server):
    # A plain server (no STARTTLS offered): the client refuses rather than send the password in clear.
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SECURITY="starttls", SMTP_USERNAME=USER,
                          SMTP_PASSWORD=PASSWORD, SMTP_TIMEOUT=5)
        with pytest.raises(smtplib.SMTPNotSupportedError):
            send_mail("nia@example.org", "Subject", "Body")
    finally:
        controller.stop()
    assert inbox.envelopes == []


def test_without_an_smtp_host_mail_is_written_to_the_folder(app, mail_folder):
    send_mail("sam@example.org", "Your alert", "Two new jobs\n", "<p>Two new jobs</p>", message_id="m-1")
    [raw] = sent_mail(mail_folder)
    message = email.message_from_string(raw, policy=email.policy.default)
    assert message["To"] == "sam@example.org" and message["Subject"] == "Your alert"
    assert message["Message-ID"] == "<m-1@cswjobs>" and message["From"] == app.config["MAIL_SENDER"]
    assert message.get_body(("plain",)).get_content() == "Two new jobs\n"
