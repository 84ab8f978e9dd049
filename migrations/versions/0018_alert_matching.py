"""Matching new vacancies against stored searches (issue 15)

Revision ID: 0018_alert_matching
Revises: 0017_matching_needs
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0018_alert_matching"
down_revision = "0017_matching_needs"
branch_labels = None
depends_on = None


def upgrade():
    # Reserved so the chain cannot fork while several engineers work at once; filled in by its issue's work.
    pass


def downgrade():
    pass
