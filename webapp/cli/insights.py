"""`flask insights rollup` and `flask insights bulletin`: rebuild funnel rollups, build monthly bulletins."""
from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from webapp.services import bulletins, rollups

insights_cli = AppGroup("insights", help="Recruitment insights.")


def _day(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("Enter a date as YYYY-MM-DD, like 2026-11-01", param_hint=name) from None


@insights_cli.command("rollup")
@click.option("--from", "start_text", metavar="YYYY-MM-DD", help="First day (default: yesterday; --all: the first event).")
@click.option("--to", "end_text", metavar="YYYY-MM-DD", help="Last day (default: today).")
@click.option("--all", "everything", is_flag=True, help="Every day from the first funnel event to the last day.")
def rollup_command(start_text: str | None, end_text: str | None, everything: bool) -> None:
    """Rebuild the daily funnel rollups (the dashboard's figures) from the raw events. Safe to repeat."""
    today = dt.datetime.now(dt.UTC).date()
    end = _day(end_text, "--to") or today
    start = _day(start_text, "--from")
    if start is None:
        start = (rollups.first_event_day() or end) if everything else end - dt.timedelta(days=1)
    if end < start:
        raise click.BadParameter("The last day must be on or after the first day", param_hint="--to")
    if (end - start).days > 3660:
        raise click.BadParameter("Roll up at most ten years at a time", param_hint="--from")
    total = (end - start).days + 1
    step = max(1, total // 20)

    def progress(day: dt.date, events: int) -> None:
        done = (day - start).days + 1
        if done == total or done % step == 0:
            click.echo(f"  {done}/{total} days (up to {day}: {events:,} events that day)", err=True)

    report = rollups.rollup(start, end, progress=progress)
    click.echo(report.summary())


@insights_cli.command("bulletin")
@click.option("--month", "month_text", default=None, metavar="YYYY-MM",
              help="The month to build; last month if left out.")
@click.option("--mail/--no-mail", default=False,
              help="Also email subscribers whose bulletin for the month has not been mailed yet.")
def bulletin_command(month_text: str | None, mail: bool) -> None:
    """Build the month's bulletin for the region and every council. Running it again replaces them."""
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
