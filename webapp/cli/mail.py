"""`flask mail ...`: record a bounce reported by hand, and send what is waiting (the embedded default's sweep)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from webapp.extensions import db
from webapp.services import ServiceError, notifications, outgoing_mail

mail_cli = AppGroup("mail", help="Outgoing mail: bounces, waiting mail, batched notices.")


@mail_cli.command("record-bounce")
@click.argument("email")
@click.option("--reason", default="", help="What the mail server or the person said, e.g. '550 no such user'.")
def record_bounce_command(email: str, reason: str) -> None:
    """Stop mailing EMAIL: it bounced (a returned mail, or its owner said so)."""
    try:
        outgoing_mail.record_bounce(email, "command", reason)
    except ServiceError as problem:
        raise click.UsageError(str(problem)) from None
    db.session.commit()
    click.echo("Recorded: that address will not be mailed again until its owner says it works.")


@mail_cli.command("send-waiting")
def send_waiting_command() -> None:
    """Send mail still waiting (as the scheduled sweep does)."""
    click.echo(f"{outgoing_mail.sweep()} waiting mail(s) sent or queued.")


@mail_cli.command("send-notices")
@click.option("--digest", is_flag=True, help="Also send recruiters' daily digests now.")
def send_notices_command(digest: bool) -> None:
    """Email people about new messages now (and, with --digest, the daily summaries)."""
    click.echo(f"{notifications.mail_message_notices()} message notice(s) queued.")
    if digest:
        click.echo(f"{notifications.mail_daily_digests()} daily digest(s) queued.")
