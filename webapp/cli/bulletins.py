"""`flask insights bulletin --month YYYY-MM`: build (or rebuild) any month's bulletin on demand."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext


@click.command("bulletin")
@click.option("--month", "month_text", default=None, metavar="YYYY-MM",
              help="The month to build; last month if left out.")
@click.option("--mail/--no-mail", default=False,
              help="Also email subscribers whose bulletin for the month has not been mailed yet.")
@with_appcontext
def bulletin_command(month_text: str | None, mail: bool) -> None:
    """Build the month's bulletin for the region and every council. Running it again replaces them."""
    import datetime as dt

    from webapp.services import bulletins

    try:
        month = bulletins.parse_month(month_text) if month_text else bulletins.previous_month(dt.date.today())
    except bulletins.MonthInvalid as problem:
        raise click.BadParameter(str(problem), param_hint="--month") from None

    def progress(done: int, total: int) -> None:
        if done == total or done % 10 == 0:
            click.echo(f"  {done}/{total} bulletins", err=True)

    try:
        report = bulletins.build_bulletins(month, progress=progress)
    except bulletins.MonthInvalid as problem:
        raise click.BadParameter(str(problem), param_hint="--month") from None
    mailed = bulletins.mail_bulletins(month) if mail else 0
    click.echo(report.summary() + (f"; {mailed} email(s) sent" if mail else ""))


def register(app: Flask) -> None:
    """Add `bulletin` to the `flask insights` group, creating the group if the dashboard has not."""
    group = app.cli.commands.get("insights")
    if group is None:
        group = AppGroup("insights", help="Recruitment insights.")
        app.cli.add_command(group)
    group.add_command(bulletin_command)
