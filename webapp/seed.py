"""Demo data (placeholder until the seed is written)."""
import click


@click.command("seed")
@click.option("--if-empty", is_flag=True)
def seed_command(if_empty: bool) -> None:
    raise click.ClickException("seed is not written yet")
