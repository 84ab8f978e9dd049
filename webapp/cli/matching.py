"""`flask matching reindex`: a thin shell over webapp.services.matching.reindex_vectors."""
from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from webapp.extensions import db
from webapp.search.engine import SearchUnavailable
from webapp.services.matching import reindex_vectors

matching_cli = AppGroup("matching", help="Matching: embeddings and vector indices.")


@matching_cli.command("reindex")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000),
              help="Vacancies or profiles read and embedded per batch.")
def reindex_command(batch_size: int) -> None:
    """Embed every vacancy and profile whose text changed, then rebuild the Elasticsearch vector indices
    (when Elasticsearch is configured) and swap them in; matching keeps working until the swap."""
    started = time.perf_counter()
    click.echo("Embedding vacancies and candidate profiles (unchanged text is not encoded again)...")

    def progress(what: str, done: int, total: int) -> None:
        click.echo(f"  {what}: {done}/{total}")

    try:
        totals = reindex_vectors(db.session, batch_size=batch_size, progress=progress)
    except SearchUnavailable as exc:
        raise click.ClickException(f"{exc} The live vector indices were left as they were.") from None
    click.echo(f"Matching reindexed {totals['vacancies']} vacancies and {totals['profiles']} profiles "
               f"({totals['encoded']} texts encoded) in {time.perf_counter() - started:.1f}s.")
