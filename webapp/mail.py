"""Sends mail: to files in the mail folder (embedded, tests) or through SMTP (production)."""
from __future__ import annotations

import logging
import smtplib
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

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


def send_mail(to: str, subject: str, body: str, html: str | None = None,
              headers: dict[str, str] | None = None, message_id: str | None = None) -> None:
    message = build_message(to, subject, body, html, headers, message_id)
    host = current_app.config.get("SMTP_HOST")
    started = time.perf_counter()
    if host:
        with smtplib.SMTP(host, current_app.config["SMTP_PORT"], timeout=10) as smtp:
            smtp.send_message(message)
        # Never log the address: it is personal data.
        log.info("mail sent by SMTP subject=%r in %.0f ms", subject, (time.perf_counter() - started) * 1000)
        return
    folder = Path(current_app.config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))
    log.info("mail written to %s subject=%r", path, subject)
