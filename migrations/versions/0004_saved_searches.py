"""Saved searches and job alerts (with what each alert has already sent)

Revision ID: 0004_saved_searches
Revises: 0003_matching
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0004_saved_searches"
down_revision = "0003_matching"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
