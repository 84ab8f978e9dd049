"""`flask seed`: a thin shell over webapp.demo.seed.seed_demo() and webapp.demo.scale.seed_scale()."""
from __future__ import annotations

import sys
import time
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from webapp.demo.scale import seed_scale
from webapp.demo.seed import (
    DEFAULT_SEED,
    DEMO_ACCOUNTS,
    SeedError,
    database_is_empty,
    seed_demo,
)
from webapp.dispatch import outbox_committed
from webapp.extensions import db
from webapp.outbox.relay import relay_pending


class _ClickProgress:
    """A progress bar per step on a terminal; one counted line per step otherwise (logs, CI)."""

    def __init__(self) -> None:
        self.step: str | None = None
        self.bar: Any = None
        self.done = 0
        self.tty = sys.stdout.isatty()

    def __call__(self, step: str, done: int, total: int) -> None:
        if step != self.step:
            self.finish()
            self.step, self.done = step, 0
            if self.tty and total > 1:
                self.bar = click.progressbar(length=total, label=f"  {step:<16}", show_pos=True)
                self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(done - self.done)
        self.done = done
        if done >= total:
            if self.bar is None:
                click.echo(f"  {step:<16}{total:>10,}")
            self.finish()

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
        self.bar, self.step = None, None


def _database_help(exc: sa.exc.DBAPIError) -> str:
    message = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    safe_url = sa.engine.make_url(url).render_as_string(hide_password=True)
    if "no such table" in message or ("relation" in message and "does not exist" in message):
        return (f"The database at {safe_url} has no tables yet ({message}). "
                "Run `flask db upgrade` first, then `flask seed` (`make run` does both).")
    if isinstance(exc, sa.exc.OperationalError):
        return (f"Could not use the database at {safe_url}: {message}. Check CSWJOBS_DATABASE_URL, and start "
                "PostgreSQL if you use it (`make services`).")
    return f"The database refused the seed: {message}. Nothing was saved; start from an empty, migrated database."


def _relay_all() -> str:
    """Deliver the outbox now (embedded) or hand it to the RQ relay (full stack)."""
    started = time.perf_counter()
    if current_app.config["TASKS_MODE"] != "inline":
        try:
            outbox_committed()
        except Exception as exc:  # noqa: BLE001 - the rows are committed; the scheduled relay delivers them
            return f"could not enqueue the outbox relay now ({exc}); the scheduled relay will deliver the messages"
        return "outbox relay enqueued on RQ: start `rq worker` (or keep it running) to index the new rows"
    delivered = 0
    while True:
        report = relay_pending()
        delivered += report.delivered
        if report.failed:
            return (f"relayed {delivered:,} outbox messages, then {report.failed:,} failed "
                    f"({'; '.join(sorted(set(report.errors)))[:300]}); run `flask search reindex` once that is fixed")
        if report.delivered == 0:
            break
    return f"relayed {delivered:,} outbox messages in {time.perf_counter() - started:.1f}s"


@click.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has councils (what `make run` uses).")
@click.option("--scale", type=int, default=None, metavar="N",
              help="Instead of the demo, bulk-load N vacancies and N candidates (and the 33 councils if missing).")
@click.option("--seed", "random_seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Random seed: the same seed gives the same data.")
@click.option("--relay/--no-relay", default=True, show_default=True,
              help="With --scale: deliver the new outbox messages now. With --no-relay they wait for the relay "
                   "worker, or run `flask search reindex` afterwards.")
@with_appcontext
def seed_command(if_empty: bool, scale: int | None, random_seed: int, relay: bool) -> None:
    """Load demo data (one account per role, see README) or, with --scale N, benchmark data."""
    if current_app.config.get("CONFIG_NAME") == "production":
        raise click.ClickException(
            "flask seed creates accounts whose passwords are published in the README, so it refuses to run with "
            "CSWJOBS_CONFIG=production. Seed a staging database with CSWJOBS_CONFIG=embedded instead."
        )
    if scale is not None and scale < 1:
        raise click.BadParameter("must be a positive number, e.g. --scale 10000", param_hint="--scale")
    session = db.session
    try:
        empty = database_is_empty(session)
        if if_empty and not empty:
            click.echo("The database already has councils: leaving it as it is (--if-empty).")
            return
        progress = _ClickProgress()
        if scale is None:
            if empty:  # otherwise seed_demo refuses, with advice, before anything is printed
                click.echo(f"Loading demo data (seed {random_seed})...")
            summary = seed_demo(session, seed=random_seed, progress=progress)
        else:
            click.echo(f"Loading {scale:,} vacancies and {scale:,} candidates (seed {random_seed})...")
            summary = seed_scale(session, scale, seed=random_seed, progress=progress)
        progress.finish()
    except SeedError as exc:
        session.rollback()
        raise click.ClickException(str(exc)) from None
    except sa.exc.DBAPIError as exc:
        session.rollback()
        raise click.ClickException(_database_help(exc)) from None
    click.echo(summary.line())
    if scale is not None:
        if relay:
            click.echo(_relay_all())
        else:
            click.echo(f"{summary.outbox_messages:,} outbox messages wait for the relay; "
                       "run `flask search reindex` to index everything at once.")
    if scale is None:
        click.echo("Demo accounts (see README.md): " + ", ".join(a.email for a in DEMO_ACCOUNTS))
