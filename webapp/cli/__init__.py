"""Command-line entry points, one module per command group: thin shells over functions that tests call."""
from __future__ import annotations

from flask import Flask

from webapp.cli.alerts import alerts_cli
from webapp.cli.insights import insights_cli
from webapp.cli.mail import mail_cli
from webapp.cli.matching import matching_cli
from webapp.cli.search import search_cli
from webapp.cli.seed import seed_command


def register_cli(app: Flask) -> None:
    """Every `flask` command, registered here and only here."""
    for command in (seed_command, search_cli, alerts_cli, insights_cli, matching_cli, mail_cli):
        app.cli.add_command(command)
