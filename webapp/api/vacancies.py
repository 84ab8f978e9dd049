"""A council's own vacancies, by API key: list, create, read, update, publish, close."""
from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("vacancies", __name__, description="Your council's vacancies: post and manage them from your own system.")
