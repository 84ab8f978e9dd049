"""Faster embedded search (issue 15)

Revision ID: 0020_search_speed
Revises: 0019_insights_speed
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0020_search_speed"
down_revision = "0019_insights_speed"
branch_labels = None
depends_on = None


def upgrade():
    # Reserved so the chain cannot fork while several engineers work at once; filled in by its issue's work.
    pass


def downgrade():
    pass
