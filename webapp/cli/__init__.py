"""Command-line entry points: thin shells over functions that tests call directly."""
from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    from webapp.cli import bulletins as bulletin_cli
    from webapp.cli.alerts import alerts_cli
    from webapp.cli.insights import insights_cli
    from webapp.cli.search import search_cli
    from webapp.cli.seed import seed_command

    app.cli.add_command(seed_command)
    app.cli.add_command(search_cli)
    app.cli.add_command(alerts_cli)
    app.cli.add_command(insights_cli)
    bulletin_cli.register(app)  # last: joins the `flask insights` group if one exists
