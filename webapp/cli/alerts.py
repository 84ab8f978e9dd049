"""`flask alerts send`: run job alerts by hand (the embedded default has no scheduler)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from domain.vocabulary import AlertFrequency
from webapp.services.alerts import queue_alerts

alerts_cli = AppGroup("alerts", help="Saved-search job alerts.")


@alerts_cli.command("send")
@click.option("--frequency", type=click.Choice([f.value for f in AlertFrequency]), multiple=True,
              help="Which alerts to send (repeatable); all three if left out.")
def send_command(frequency: tuple[str, ...]) -> None:
    """Send the alerts that are due now, as the scheduler would."""
    total = 0
    for value in frequency or [f.value for f in AlertFrequency]:
        queued = queue_alerts(value)
        total += queued
        click.echo(f"{value}: {queued} social worker(s) due")
    click.echo(f"Done: {total} alert run(s) started.")
