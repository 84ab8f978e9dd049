"""`flask search ...`: thin shells over webapp.search.sync.reindex and the engine's status."""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

search_cli = AppGroup("search", help="Search index commands.")


def _engine():
    from webapp.search.engine import SearchUnavailable, get_engine

    try:
        return get_engine()
    except SearchUnavailable as exc:
        raise click.ClickException(str(exc)) from None


@search_cli.command("reindex")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000),
              help="Vacancies read from the database and loaded per batch.")
@with_appcontext
def reindex_command(batch_size: int) -> None:
    """Rebuild the search index from the database; searches keep working until the swap."""
    from webapp.extensions import db
    from webapp.search.engine import SearchUnavailable
    from webapp.search.sync import count_indexable, reindex

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
@with_appcontext
def status_command() -> None:
    """Show where the index is, how many documents it holds and what the outbox still owes it."""
    import datetime as dt

    import sqlalchemy as sa

    from domain.vocabulary import VacancyStatus
    from webapp.extensions import db
    from webapp.models import Vacancy
    from webapp.outbox.relay import oldest_pending_age, pending_count

    from webapp.search.engine import SearchUnavailable
    from webapp.search.sync import SEARCH_TOPICS

    engine = _engine()
    try:
        facts = engine.status()
    except SearchUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    live_in_db = db.session.scalar(
        sa.select(sa.func.count(Vacancy.id)).where(Vacancy.status == VacancyStatus.LIVE,
                                                   Vacancy.closing_date >= dt.date.today())
    ) or 0
    facts["live_vacancies_in_database"] = live_in_db
    facts["outbox_pending"] = pending_count(db.session)
    # Lag: how long the oldest change the index has not yet heard about has been waiting.
    lag = oldest_pending_age(db.session, topics=SEARCH_TOPICS)
    facts["index_lag_seconds"] = round(lag.total_seconds(), 1) if lag is not None else 0
    width = max(len(k) for k in facts)
    for key, value in facts.items():
        click.echo(f"{key.replace('_', ' '):<{width}}  {value if value is not None else '-'}")
    if "live_documents" in facts and facts["live_documents"] != live_in_db:
        click.echo("The index and the database disagree: run `flask search reindex`.")
