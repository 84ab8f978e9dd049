"""`flask search ...` (placeholder until the search engine is written)."""
import click
from flask.cli import AppGroup

search_cli = AppGroup("search", help="Search index commands.")
