"""Command-line entry points: thin shells over functions that tests call directly."""
from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    pass
