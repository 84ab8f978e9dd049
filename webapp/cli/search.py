"""`flask search reindex` and `flask search status`: thin shells over webapp.search.sync."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from webapp.extensions import db
from webapp.search.engine import SearchEngine, SearchUnavailable, get_engine
from webapp.search.sync import count_indexable, index_status, reindex

search_cli = AppGroup("search", help="Search index commands.")


def _engine() -> SearchEngine:
    try:
        return get_engine()
    except SearchUnavailable as exc:
        raise click.ClickException(str(exc)) from None


@search_cli.command("reindex")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000),
              help="Vacancies read from the database and loaded per batch.")
def reindex_command(batch_size: int) -> None:
    """Rebuild the search index from the database; searches keep working until the swap."""
    engine = _engine()
    expected = count_indexable(db.session)
    db.session.remove()
    click.echo(f"Rebuilding the {engine.name} index from {expected} published vacancies...")

    def progress(done: int) -> None:
        click.echo(f"  {done}/{expected} indexed")

    try:
        report = reindex(engine=engine, progress=progress, batch_size=batch_size)
    except SearchUnavailable as exc:
        raise click.ClickException(f"{exc} The live index was left as it was.") from None
    click.echo(report.summary)


@search_cli.command("status")
def status_command() -> None:
    """Show where the index is, how many documents it holds and what the outbox still owes it."""
    try:
        facts = index_status(db.session, _engine())
    except SearchUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    width = max(len(k) for k in facts)
    for key, value in facts.items():
        click.echo(f"{key.replace('_', ' '):<{width}}  {value if value is not None else '-'}")
    if "live_documents" in facts and facts["live_documents"] != facts["live_vacancies_in_database"]:
        click.echo("The index and the database disagree: run `flask search reindex`.")
