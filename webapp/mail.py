"""Sends mail: by SMTP with TLS and a sign-in through Flask-Mailman's SMTP backend (production), or to .eml
files in the mail folder (embedded, tests). One message builder for both, so the folder holds exactly the
bytes a server would get."""
from __future__ import annotations

import logging
import smtplib
import ssl
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

import flask_mailman
from flask import current_app
from flask_mailman.backends import smtp

from webapp.extensions import mailman

log = logging.getLogger(__name__)


def build_message(to: str, subject: str, body: str, html: str | None = None,
                  headers: dict[str, str] | None = None, message_id: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    # A queued mail keeps its own id (webapp.services.outgoing_mail), so a resend is the same message.
    message["Message-ID"] = f"<{message_id or uuid.uuid4().hex}@cswjobs>"
    for name, value in (headers or {}).items():  # e.g. List-Unsubscribe on alerts (RFC 8058)
        message[name] = value
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    return message


class _VerifyingSMTP(smtplib.SMTP):
    def starttls(self, context=None):  # type: ignore[override]
        return super().starttls(context=context or ssl.create_default_context())


class VerifiedSMTPBackend(smtp.EmailBackend):
    """Flask-Mailman's SMTP backend with STARTTLS that checks the server's certificate: Flask-Mailman 1.1 gives
    smtplib no TLS context, and smtplib then accepts any certificate, so anyone on the path could read the mail
    and the password (tests/test_mail_transport.py holds it to this)."""

    @property
    def connection_class(self):
        return smtplib.SMTP_SSL if self.use_ssl else _VerifyingSMTP


class _Built(flask_mailman.EmailMessage):
    """A message from build_message, handed to Flask-Mailman's backend as it is (its own builder would encode
    the same message differently from what the mail folder holds)."""

    def __init__(self, built: EmailMessage):
        super().__init__(from_email=built["From"], to=[built["To"]])
        self.built = built

    def message(self):
        return self

    def as_bytes(self, linesep: str = "\r\n") -> bytes:
        return self.built.as_bytes(policy=self.built.policy.clone(linesep=linesep))


def smtp_connection() -> VerifiedSMTPBackend:
    """A connection to the configured server, read from the settings at send time. The server's certificate
    is verified against the system's trusted authorities (Python's default TLS context)."""
    config = current_app.config
    return mailman.get_connection(
        backend=VerifiedSMTPBackend,
        host=config["SMTP_HOST"],
        port=config["SMTP_PORT"],
        username=config.get("SMTP_USERNAME") or "",  # empty: no AUTH (refused in production by the settings)
        password=config.get("SMTP_PASSWORD") or "",
        use_tls=config["SMTP_SECURITY"] == "starttls",
        use_ssl=config["SMTP_SECURITY"] == "tls",
        timeout=config["SMTP_TIMEOUT"],
    )


def send_mail(to: str, subject: str, body: str, html: str | None = None,
              headers: dict[str, str] | None = None, message_id: str | None = None) -> None:
    """Send one message, or raise (smtplib's and ssl's exceptions) so the caller's task retries it."""
    message = build_message(to, subject, body, html, headers, message_id)
    started = time.perf_counter()
    if current_app.config.get("SMTP_HOST"):
        with smtp_connection() as connection:
            connection.send_messages([_Built(message)])
        # Never log the address: it is personal data.
        log.info("mail sent by SMTP subject=%r in %.0f ms", subject, (time.perf_counter() - started) * 1000)
        return
    folder = Path(current_app.config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))
    log.info("mail written to %s subject=%r", path, subject)
